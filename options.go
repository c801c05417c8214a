package nitro

import "github.com/nitrokit/nitro/auth"

// Option configures a Client beyond its Config.
type Option func(*settings) error

type settings struct {
	authOpts []auth.Option
	src      *auth.Source
	insecure bool
	observer Observer
}

// WithAuthOptions passes options to the client's token source, such as
// auth.WithStore to share tokens across processes, or auth.WithRefreshWindow.
func WithAuthOptions(opts ...auth.Option) Option {
	return func(s *settings) error {
		s.authOpts = append(s.authOpts, opts...)
		return nil
	}
}

// WithTokenSource uses src for tokens instead of a source built from Config,
// for example to share one source between clients or to use another Flow.
// Config.ClientID and ClientSecret are then not needed: src holds the
// credentials. Close does not close src.
func WithTokenSource(src *auth.Source) Option {
	return func(s *settings) error {
		if src == nil {
			return &ConfigError{Field: "WithTokenSource", Reason: "nil source"}
		}
		s.src = src
		return nil
	}
}

// WithInsecureHTTP allows BaseURL and TokenURL to be plain http to any
// host, not only loopback, and passes auth.WithInsecureHTTP to the token
// source NewClient builds. It is for a network that encrypts beneath HTTP
// (a service mesh's mTLS, say); over any other, tokens and the secret would
// travel in clear.
func WithInsecureHTTP() Option {
	return func(s *settings) error {
		s.insecure = true
		s.authOpts = append(s.authOpts, auth.WithInsecureHTTP())
		return nil
	}
}
