package nitro_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/sign"
)

// malformedEcho is a server whose API answers are malformed HTTP quoting the
// bearer token the request carried, as a hostile or broken server might:
// net/http then quotes it in its error.
func malformedEcho(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				if req.URL.Path == "/oauth/token" {
					body := `{"accessToken":"tok-malformed-0123456789","tokenType":"Bearer","expiresIn":3600}`
					conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body))
					return
				}
				tok := strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
				conn.Write([]byte("HTTP/1.1 " + tok + "\r\n\r\n"))
			})
		}
	})
	return "http://" + l.Addr().String()
}

// TestMalformedAnswerEchoingTheTokenIsRedacted: the token a malformed answer
// echoes reaches no error, no ShouldRetry and no Observer, while the error
// still unwraps to what it was.
func TestMalformedAnswerEchoingTheTokenIsRedacted(t *testing.T) {
	const tok = "tok-malformed-0123456789"
	var seen []string
	var mu sync.Mutex
	keep := func(s string) { mu.Lock(); seen = append(seen, s); mu.Unlock() }
	rec := &secretRecorder{}
	c, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "a-long-secret", BaseURL: malformedEcho(t), MaxRetries: 1,
		Retry: nitro.RetryPolicy{ShouldRetry: func(a nitro.RetryAttempt) bool {
			if a.Err != nil {
				keep(a.Err.Error())
			}
			return a.Retry
		}}}, nitro.WithObserver(rec))
	must(t, err)
	defer c.Close()
	nitro.SetRetrySleep(c, (&sleeps{}).sleep)
	_, err = sign.New(c).GetEnvelope(context.Background(), uuid.New())
	if err == nil {
		t.Fatal("a malformed answer was a success")
	}
	keep(err.Error())
	var ue interface{ Unwrap() error }
	for e := err; e != nil; {
		keep(e.Error())
		if !errors.As(e, &ue) {
			break
		}
		e = ue.Unwrap()
	}
	rec.mu.Lock()
	seen = append(seen, rec.seen...)
	rec.mu.Unlock()
	for _, s := range seen {
		if strings.Contains(s, tok) {
			t.Fatalf("the token is in %q", s)
		}
	}
	if nitro.OutcomeOf(err) != nitro.OutcomeRetryable || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("%v (%v): want the transport's malformed-answer error, retryable", err, nitro.OutcomeOf(err))
	}
}
