package nitrotest

// creationOrder holds the envelopes in creation order for listEnvelopes.
// An envelope's position is its seq, for good: positions are never reused
// or shifted, so a cursor naming a position stays valid whatever is
// deleted later. Deleted envelopes keep their position but are skipped,
// through two union-find forests that link a deleted position to its
// neighbour. A page costs one find per envelope listed, however many
// deleted ones lie between them; with path splitting alone a find is
// amortized O(log n) at worst and a step or two in practice
// (BenchmarkListEnvelopesPerEnvelope compares 50k envelopes with 1k).
//
// Deletion must be final (it is: a deleted envelope never changes status
// again), as a union-find cannot split. Callers hold the state lock: finds
// rewrite links.
type creationOrder struct {
	all []*envelope
	// fwd[i] links position i onwards; fwd[i] == i while i is listed.
	// fwd[len(all)] == len(all) is the end sentinel.
	fwd skips
	// back[i+1] links position i backwards, so that back[0] == 0 is the
	// sentinel for position -1.
	back skips
}

func newCreationOrder() creationOrder {
	return creationOrder{fwd: skips{0}, back: skips{0}}
}

// add appends e and returns its position.
func (o *creationOrder) add(e *envelope) int {
	n := len(o.all)
	o.all = append(o.all, e)
	// fwd[n] was the sentinel, a self-link: it now stands for e.
	o.fwd = append(o.fwd, n+1)
	o.back = append(o.back, n+1)
	return n
}

// remove stops listing the envelope at position i.
func (o *creationOrder) remove(i int) {
	o.fwd[i] = i + 1
	o.back[i+1] = i
}

// first returns the first listed position at or after i, len(all) if none.
func (o *creationOrder) first(i int) int {
	return o.fwd.find(min(max(i, 0), len(o.all)))
}

// last returns the last listed position at or before i, -1 if none.
func (o *creationOrder) last(i int) int {
	return o.back.find(min(max(i, -1), len(o.all)-1)+1) - 1
}

// after returns up to n listed envelopes from position i on, and whether
// more follow them.
func (o *creationOrder) after(i, n int) ([]*envelope, bool) {
	var out []*envelope
	p := o.first(i)
	for ; p < len(o.all) && len(out) < n; p = o.first(p + 1) {
		out = append(out, o.all[p])
	}
	return out, len(out) > 0 && p < len(o.all)
}

// before returns up to n listed envelopes that come before position i, in
// creation order, and whether more follow them.
func (o *creationOrder) before(i, n int) ([]*envelope, bool) {
	var out []*envelope
	for p := o.last(i - 1); p >= 0 && len(out) < n; p = o.last(p - 1) {
		out = append(out, o.all[p])
	}
	if len(out) == 0 {
		return nil, false
	}
	for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
		out[l], out[r] = out[r], out[l]
	}
	return out, o.first(out[len(out)-1].seq+1) < len(o.all)
}

// skips is a union-find forest over positions: a root is a position that
// stands for itself; any other position links towards the root that
// stands for it.
type skips []int

// find returns the root for i, splitting the path: each position passed
// is relinked to its grandparent, which keeps later finds short.
func (s skips) find(i int) int {
	for s[i] != i {
		p := s[i]
		s[i] = s[p]
		i = p
	}
	return i
}
