package auth

import (
	"context"
	"fmt"

	"golang.org/x/oauth2"
)

// TokenSource adapts s to oauth2.TokenSource for code built on
// golang.org/x/oauth2 (oauth2.NewClient, gRPC credentials, …). The adapter
// shares s's cache; its tokens are only as long-lived as s. Note that
// *oauth2.Token, unlike Token, prints its access token.
func (s *Source) TokenSource() oauth2.TokenSource { return tokenSource{s} }

type tokenSource struct{ s *Source }

// Format prints the Source's safe description for every verb.
func (t tokenSource) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte("auth.TokenSource{" + t.s.String() + "}"))
}

// Token returns the cached token, fetching one if needed; oauth2's interface
// has no context, so the wait is bounded by the fetch timeout only.
func (t tokenSource) Token() (*oauth2.Token, error) {
	tok, err := t.s.Token(context.Background())
	if err != nil {
		return nil, err
	}
	return &oauth2.Token{AccessToken: tok.AccessToken, TokenType: tok.TokenType, Expiry: tok.Expiry}, nil
}
