package nitrotest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/nitrotest"
)

func TestListEnvelopesPaginates(t *testing.T) {
	_, c := setup(t, nitrotest.WithPageSize(7))
	ctx := context.Background()
	var want []uuid.UUID
	for i := range 30 {
		want = append(want, newEnvelope(t, c, fmt.Sprint("env ", i)))
	}
	var got []uuid.UUID
	var pages []string
	params := &signapi.ListEnvelopesParams{}
	for {
		r, err := c.ListEnvelopesWithResponse(ctx, params)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("ListEnvelopes: %v %s", err, body(r))
		}
		for _, e := range r.JSON200.Items {
			got = append(got, e.ID)
		}
		if r.JSON200.NextPage == "" {
			break
		}
		pages = append(pages, r.JSON200.NextPage)
		params = &signapi.ListEnvelopesParams{PageAfter: &r.JSON200.NextPage}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(pages) != 4 {
		t.Fatalf("paged %d envelopes over %d cursors, want all 30 in order over 4", len(got), len(pages))
	}
	// A cursor marks an item (the last of its page): pageAfter lists the
	// items after it, pageBefore the page of items before it. pages[1] marks
	// item 13, so pageBefore gives items 6 to 12.
	r, err := c.ListEnvelopesWithResponse(ctx, &signapi.ListEnvelopesParams{PageBefore: &pages[1]})
	must(t, err)
	items := r.JSON200.Items
	if len(items) != 7 || items[0].ID != want[6] || items[6].ID != want[12] {
		t.Errorf("pageBefore: %d items from %v, want items 6 to 12", len(items), items[0].ID)
	}
	bad := "not-a-cursor"
	r, err = c.ListEnvelopesWithResponse(ctx, &signapi.ListEnvelopesParams{PageAfter: &bad})
	must(t, err)
	if r.StatusCode() != 400 {
		t.Errorf("bad cursor: %d, want 400", r.StatusCode())
	}
}

// TestListingAcrossDeletesAndCreates holds the listing to its contract: a
// cursor names a place in creation order, so deleting the envelope it names,
// or others, and creating envelopes during a walk neither skips nor repeats
// anything.
func TestListingAcrossDeletesAndCreates(t *testing.T) {
	_, c := setup(t, nitrotest.WithPageSize(5))
	ctx := context.Background()
	var ids []uuid.UUID
	for i := range 12 {
		ids = append(ids, newEnvelope(t, c, fmt.Sprint("env ", i)))
	}
	del := func(id uuid.UUID) {
		r, err := c.DeleteEnvelopeWithResponse(ctx, id)
		if err != nil || r.StatusCode() != 204 {
			t.Fatalf("DeleteEnvelope: %v %s", err, body(r))
		}
	}
	del(ids[1])
	var got []uuid.UUID
	params := &signapi.ListEnvelopesParams{}
	for page := 0; ; page++ {
		r, err := c.ListEnvelopesWithResponse(ctx, params)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("ListEnvelopes: %v %s", err, body(r))
		}
		for _, e := range r.JSON200.Items {
			got = append(got, e.ID)
		}
		if page == 0 {
			// The first page ends with ids[5], which its cursor names.
			del(ids[5])
			del(ids[7])
			ids = append(ids, newEnvelope(t, c, "late"))
		}
		if r.JSON200.NextPage == "" {
			break
		}
		params = &signapi.ListEnvelopesParams{PageAfter: &r.JSON200.NextPage}
	}
	want := []uuid.UUID{ids[0], ids[2], ids[3], ids[4], ids[5], ids[6], ids[8], ids[9], ids[10], ids[11], ids[12]}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("listed\n%v\nwant\n%v", got, want)
	}
}
