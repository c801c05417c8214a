package engine

import (
	"net"
	"net/http"
	"time"
)

// Connection pool sizes of the default transport. net/http's default keeps 2
// idle connections per host, so a service with more concurrent calls than
// that opens (and over https, handshakes) a new connection for most calls
// and closes it again: at 64 concurrent calls a pooled transport does twice
// the calls per second. With 256 per host, 512 goroutines calling at once
// still churned connections: 0.83 of the calls per second of net/http with
// a 1024-connection pool, against 0.97 with the same pool (issue 19). 1024
// idle connections per host cover the concurrency of a busy backend, cost
// nothing until that concurrency is reached, and close after
// IdleConnTimeout once it is gone; the total allows the API's host and a
// token endpoint on another.
const (
	maxIdleConnsPerHost = 1024
	maxIdleConns        = 2 * maxIdleConnsPerHost
)

// NewPool returns the transport a Client uses when Config.HTTPClient is nil:
// http.DefaultTransport's settings (proxy from the environment, HTTP/2 when
// the server offers it, keep-alives) with a pool sized for concurrent calls
// and bounded dial and TLS handshake times. It is built fresh, not cloned from
// http.DefaultTransport, so that no program-wide change to that variable
// (an InsecureSkipVerify in a test helper, say) reaches the Client.
func NewPool() *http.Transport {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          maxIdleConns,
		MaxIdleConnsPerHost:   maxIdleConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
