package nitrotest_test

import (
	"context"
	"fmt"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// Start the fake, point a client at it with the fake's credentials, create
// an envelope, and shut down. Every request is validated against the spec.
func Example() {
	srv := nitrotest.NewServer()
	defer srv.Close()

	creds := srv.Credentials()
	nc, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL()})
	if err != nil {
		panic(err)
	}
	defer nc.Close()
	env, err := sign.New(nc).CreateEnvelope(context.Background(), sign.EnvelopeCreate{
		Name:         "NDA",
		Mode:         sign.EnvelopeModeParallel,
		Notification: sign.Notification{Subject: "Please sign", Body: "Thank you"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(env.Name, env.Status)
	fmt.Println(srv.Stats().TokenRequests, srv.Stats().Operations["CreateEnvelope"])
	// Output:
	// NDA drafted
	// 1 1
}
