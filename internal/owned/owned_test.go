package owned

import (
	"context"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestMark(t *testing.T) {
	ctx := context.Background()
	if Is(ctx) {
		t.Error("an unmarked context is marked")
	}
	marked := Context(ctx)
	if !Is(marked) || !Is(context.WithValue(marked, struct{}{}, 1)) {
		t.Error("a marked context, or its child, is not marked")
	}
}
