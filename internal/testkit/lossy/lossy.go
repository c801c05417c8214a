// Package lossy is a proxy for tests that loses answers the way a network
// does after the server has acted: it forwards a request, lets the server
// behind it carry it out, then drops the connection, stalls, or cuts the
// answer short, for the requests a rule picks. nitrotest's faults happen
// before the fake acts (a 503, a dropped request) or while it answers; these
// happen after, which is what makes a call's outcome unknown.
package lossy

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Loss is what happens to an answer the server gave.
type Loss int

const (
	// Drop closes the connection with no answer.
	Drop Loss = iota
	// Stall holds the answer until the client gives up (at most a minute),
	// then closes the connection.
	Stall
	// Cut sends the status, the headers (the whole Content-Length) and
	// half the body, then closes the connection.
	Cut
)

// Proxy forwards to a target server on loopback.
type Proxy struct {
	srv    *httptest.Server
	target *url.URL
	fwd    *httputil.ReverseProxy
	client *http.Client

	mu    sync.Mutex
	rules []*rule
	lost  int
}

type rule struct {
	left  int
	match func(*http.Request) bool
	loss  Loss
}

// New starts a proxy to target (a base URL such as nitrotest.Server.URL()).
func New(target string) *Proxy {
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	p := &Proxy{target: u, fwd: httputil.NewSingleHostReverseProxy(u), client: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}}
	p.fwd.ErrorLog = log.New(io.Discard, "", 0) // a client that gave up is no news
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	return p
}

// URL is the proxy's base URL.
func (p *Proxy) URL() string { return p.srv.URL }

// Close stops the proxy.
func (p *Proxy) Close() {
	p.srv.CloseClientConnections()
	p.srv.Close()
	p.client.CloseIdleConnections()
}

// LoseNext makes the next n requests that match suffer loss, after the
// target has answered them.
func (p *Proxy) LoseNext(n int, match func(*http.Request) bool, loss Loss) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = append(p.rules, &rule{left: n, match: match, loss: loss})
}

// Lost is how many answers the proxy has lost so far.
func (p *Proxy) Lost() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lost
}

// Method matches requests by method and path prefix.
func Method(method, pathPrefix string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		return r.Method == method && len(r.URL.Path) >= len(pathPrefix) && r.URL.Path[:len(pathPrefix)] == pathPrefix
	}
}

func (p *Proxy) take(r *http.Request) (Loss, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, ru := range p.rules {
		if ru.match(r) {
			ru.left--
			if ru.left <= 0 {
				p.rules = append(p.rules[:i], p.rules[i+1:]...)
			}
			p.lost++
			return ru.loss, true
		}
	}
	return 0, false
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	loss, ok := p.take(r)
	if !ok {
		p.fwd.ServeHTTP(w, r)
		return
	}
	resp, body, err := p.forward(r)
	if err != nil {
		hangUp(w)
		return
	}
	switch loss {
	case Drop:
	case Stall:
		t := time.NewTimer(time.Minute)
		select {
		case <-r.Context().Done():
		case <-t.C:
		}
		t.Stop()
	case Cut:
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
	}
	hangUp(w)
}

// forward sends r to the target and reads its whole answer.
func (p *Proxy) forward(r *http.Request) (*http.Response, []byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, nil, err
	}
	u := *p.target
	u.Path, u.RawPath, u.RawQuery = r.URL.Path, r.URL.RawPath, r.URL.RawQuery
	// The server acts whether or not the client is still there to hear.
	out, err := http.NewRequestWithContext(context.WithoutCancel(r.Context()), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	out.Header = r.Header.Clone()
	resp, err := p.client.Do(out)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// hangUp closes the client's connection.
func hangUp(w http.ResponseWriter) {
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}
