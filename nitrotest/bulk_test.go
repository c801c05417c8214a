package nitrotest_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
)

// TestBulkDeletesAreAllOrNothing: deleting several fields or participants
// with one unknown among them deletes none; without, deletes just those.
func TestBulkDeletesAreAllOrNothing(t *testing.T) {
	_, c := setup(t)
	ctx := context.Background()
	env := newEnvelope(t, c, "Bulk")
	doc := uploadDoc(t, c, env, 1)
	a, b := addSigner(t, c, env, "a@example.com"), addSigner(t, c, env, "b@example.com")
	fa := flowtest.AddField(t, c.typed, env, doc, a)
	flowtest.AddField(t, c.typed, env, doc, b)
	fields := func() int {
		r, err := c.ListFieldsWithResponse(ctx, env, doc)
		must(t, err)
		return len(r.JSON200.Items)
	}
	participants := func() int {
		r, err := c.ListParticipantsWithResponse(ctx, env)
		must(t, err)
		return len(r.JSON200.Items)
	}

	df, err := c.DeleteFieldsWithResponse(ctx, env, doc, signapi.DeleteFieldsRequest{Items: []uuid.UUID{fa, uuid.New()}})
	must(t, err)
	if df.StatusCode() != 404 || fields() != 2 {
		t.Errorf("DeleteFields with an unknown field: %d, %d fields left, want 404 and 2", df.StatusCode(), fields())
	}
	df, err = c.DeleteFieldsWithResponse(ctx, env, doc, signapi.DeleteFieldsRequest{Items: []uuid.UUID{fa}})
	must(t, err)
	if df.StatusCode() != 200 || fields() != 1 {
		t.Errorf("DeleteFields: %d, %d fields left, want 200 and 1", df.StatusCode(), fields())
	}

	dp, err := c.DeleteParticipantsWithResponse(ctx, env, signapi.DeleteParticipantsRequest{Items: []uuid.UUID{a, uuid.New()}})
	must(t, err)
	if dp.StatusCode() != 404 || participants() != 2 {
		t.Errorf("DeleteParticipants with an unknown one: %d, %d left, want 404 and 2", dp.StatusCode(), participants())
	}
	dp, err = c.DeleteParticipantsWithResponse(ctx, env, signapi.DeleteParticipantsRequest{Items: []uuid.UUID{b}})
	must(t, err)
	// b's field goes with b.
	if dp.StatusCode() != 200 || participants() != 1 || fields() != 0 {
		t.Errorf("DeleteParticipants: %d, %d left with %d fields, want 200, 1 and 0", dp.StatusCode(), participants(), fields())
	}
}
