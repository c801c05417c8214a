package auth

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
)

// checkScheme enforces that secrets travel over https, or plain http to a
// loopback host, unless insecure is allowed.
func checkScheme(u *url.URL, insecure bool) error {
	if u.Scheme == "https" || insecure || isLoopback(u.Hostname()) {
		return nil
	}
	return ErrInsecureURL
}

// isLoopback runs on every request to a plain-http host (the fake, a
// local proxy): netip parses without allocating, where net.ParseIP made a
// slice per call. It refuses a zone (::1%lo) as net.ParseIP does, so that it
// agrees with nitro.Config's check of the same URLs.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Zone() == "" && ip.IsLoopback()
}

// errRedirect marks a redirect the token request refused to follow; trying
// again would be refused again.
var errRedirect = errors.New("token endpoint redirected")

// sameHostRedirects returns a copy of c that follows a token endpoint's
// redirects only to the same scheme and host: a 307 or 308 would resend the
// request body, and Nitro's body holds the client secret.
func sameHostRedirects(c *http.Client, insecure bool) *http.Client {
	cc := *c
	prev := c.CheckRedirect
	cc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if req.URL.Host != first.Host || req.URL.Scheme != first.Scheme {
			return fmt.Errorf("%w: to %s://%s; credentials are only sent to %s://%s",
				errRedirect, req.URL.Scheme, req.URL.Host, first.Scheme, first.Host)
		}
		if len(via) >= 10 {
			return fmt.Errorf("%w 10 times", errRedirect)
		}
		if prev != nil {
			return prev(req, via)
		}
		return nil
	}
	return &cc
}

// crossHost reports whether req is a redirect away from the host its chain
// started at; such a request must not carry our token.
func crossHost(req *http.Request) bool {
	first := req
	for first.Response != nil && first.Response.Request != nil {
		first = first.Response.Request
	}
	return first != req && (first.URL.Host != req.URL.Host || first.URL.Scheme != req.URL.Scheme)
}
