package nitro_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// One constructor: tokens, retries and the connection pool are handled from
// here on, for every API package built on the client.
func ExampleNewClient() {
	fake := nitrotest.NewServer() // a stand-in for https://api.gonitro.dev
	defer fake.Close()
	creds := fake.Credentials()

	nc, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: fake.URL()})
	if err != nil {
		fmt.Println(err) // a bad Config fails here, never on the first call
		return
	}
	defer nc.Close()
	s := sign.New(nc)

	env, err := s.CreateEnvelope(context.Background(), sign.EnvelopeCreate{
		Name: "Contract", Mode: sign.EnvelopeModeParallel,
		Notification: sign.Notification{Subject: "Please sign", Body: "Thanks!"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(env.Name, env.Status)
	// Output: Contract drafted
}

// Every answer that is not 2xx is an error; errors.As gives the details.
func ExampleAPIError() {
	fake := nitrotest.NewServer()
	defer fake.Close()
	creds := fake.Credentials()
	nc, _ := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: fake.URL()})
	defer nc.Close()

	_, err := sign.New(nc).GetEnvelope(context.Background(), uuid.New())
	var apiErr *nitro.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Title, nitro.IsNotFound(err))
	}
	// Output: 404 Not Found true
}
