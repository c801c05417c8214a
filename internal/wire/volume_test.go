package wire_test

// The wire helpers' volume test: an answer over MaxJSONBody. See
// memtest.Volume for why it lives here and how make test runs it.

import (
	"io"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/internal/testkit/memtest"
	"github.com/nitrokit/nitro/internal/wire"
)

// TestJSONRefusesAnAnswerOverTheLimit: an answer larger than MaxJSONBody is
// an error naming the request, not a 32 MiB allocation that keeps growing.
func TestJSONRefusesAnAnswerOverTheLimit(t *testing.T) {
	memtest.Volume(t)
	huge := io.MultiReader(strings.NewReader(`{"ID":"`), io.LimitReader(neverEnding('a'), wire.MaxJSONBody+10))
	if v, err := wire.JSON[thing](answer(t, huge), nil); err == nil || !strings.Contains(err.Error(), "GET /x") {
		t.Errorf("%+v, %v; want an error naming the request", v, err)
	}
}

// neverEnding is an endless reader of one byte.
type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}
