package main

import (
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestSizeChangeSaysWhatCompressingDid: the "compressed" line shows the
// size before and after and what changed, never two equal sizes bare.
func TestSizeChangeSaysWhatCompressingDid(t *testing.T) {
	for _, tt := range []struct {
		in, out int
		fake    bool
		want    string
	}{
		{1000, 600, false, "1000 -> 600 bytes, 40% smaller"},
		{1000, 1100, false, "1000 -> 1100 bytes, 10% larger"},
		{629, 629, true, "629 -> 629 bytes, unchanged: the fake's compress returns its input"},
		{629, 629, false, "629 -> 629 bytes, unchanged: nothing in it to compress"},
	} {
		if got := sizeChange(tt.in, tt.out, tt.fake); !strings.HasPrefix(got, tt.want) {
			t.Errorf("sizeChange(%d, %d, %v) = %q, want %q…", tt.in, tt.out, tt.fake, got, tt.want)
		}
	}
}
