package nitrotest

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestCreationOrderMatchesAFilteredScan checks every page creationOrder
// gives against the plain scan the listing used to do, through random
// creations and deletions, from every cursor position (deleted ones and
// ones past the end included).
func TestCreationOrderMatchesAFilteredScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	o := newCreationOrder()
	var gone []bool
	// scan is the reference: the live positions after (or before) i.
	scan := func(live []int, i, n int, forward bool) ([]int, bool) {
		var lo, hi int
		if forward {
			lo, _ = slices.BinarySearch(live, i)
			hi = min(lo+n, len(live))
		} else {
			hi, _ = slices.BinarySearch(live, i)
			lo = max(hi-n, 0)
		}
		return live[lo:hi], hi > lo && hi < len(live)
	}
	positions := func(es []*envelope) []int {
		var out []int
		for _, e := range es {
			out = append(out, e.seq)
		}
		return out
	}
	for step := range 200 {
		if rng.IntN(3) > 0 || len(gone) == 0 {
			e := &envelope{}
			e.seq = o.add(e)
			gone = append(gone, false)
		} else if p := rng.IntN(len(gone)); !gone[p] {
			o.remove(p)
			gone[p] = true
		}
		var live []int
		for p, g := range gone {
			if !g {
				live = append(live, p)
			}
		}
		for i := range len(gone) + 2 {
			n := 1 + rng.IntN(5)
			got, gotMore := o.after(i, n)
			want, wantMore := scan(live, i, n, true)
			if !slices.Equal(positions(got), want) || gotMore != wantMore {
				t.Fatalf("step %d: after(%d, %d) = %v %v, want %v %v", step, i, n, positions(got), gotMore, want, wantMore)
			}
			got, gotMore = o.before(i, n)
			want, wantMore = scan(live, i, n, false)
			if !slices.Equal(positions(got), want) || gotMore != wantMore {
				t.Fatalf("step %d: before(%d, %d) = %v %v, want %v %v", step, i, n, positions(got), gotMore, want, wantMore)
			}
		}
	}
}
