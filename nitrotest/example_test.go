package nitrotest_test

import (
	"context"
	"fmt"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/nitrotest"
)

// Start the fake, create an envelope through the generated client, and shut
// down.
func Example() {
	srv := nitrotest.NewServer()
	defer srv.Close()

	src, err := auth.NewSource(auth.NitroJSON(srv.TokenURL()), srv.Credentials())
	if err != nil {
		panic(err)
	}
	defer src.Close()
	c, err := signapi.NewClientWithResponses(srv.URL(), signapi.WithRequestEditorFn(src.RequestEditor))
	if err != nil {
		panic(err)
	}

	r, err := c.CreateEnvelopeWithResponse(context.Background(), signapi.CreateEnvelopeJSONRequestBody{
		Name:         "NDA",
		Mode:         signapi.EnvelopeCreateModeParallel,
		Notification: signapi.Notification{Subject: "Please sign", Body: "Thank you"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.StatusCode(), *r.JSON201.Name, *r.JSON201.Status)
	fmt.Println(srv.Stats().TokenRequests, srv.Stats().Operations["CreateEnvelope"])
	// Output:
	// 201 NDA drafted
	// 1 1
}
