package owned

import (
	"context"
	"net/http"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testKey gives the test's context a value of its own.
type testKey struct{}

// TestOwnsNamesOneRequest: the request NewRequest built is owned; a copy of
// it, a request built on its context, and any other request are not.
func TestOwnsNamesOneRequest(t *testing.T) {
	ctx := context.WithValue(context.Background(), testKey{}, "v")
	req, err := NewRequest(ctx, http.MethodGet, "https://api.example/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	side, _ := http.NewRequestWithContext(req.Context(), http.MethodGet, "https://api.example/y", nil)
	plain, _ := http.NewRequest(http.MethodGet, "https://api.example/z", nil)
	for name, tt := range map[string]struct {
		req  *http.Request
		want bool
	}{"built": {req, true}, "copy": {req.WithContext(req.Context()), false}, "side": {side, false}, "plain": {plain, false}} {
		if got := Owns(tt.req); got != tt.want {
			t.Errorf("%s: Owns = %v, want %v", name, got, tt.want)
		}
	}
	if Parent(req.Context()) != ctx || Parent(ctx) != ctx || req.Context().Value(testKey{}) != "v" {
		t.Error("the mark hides the caller's context or its values")
	}
	if _, err := NewRequest(ctx, "bad method", "https://api.example/", nil); err == nil {
		t.Error("NewRequest accepted an invalid method")
	}
}
