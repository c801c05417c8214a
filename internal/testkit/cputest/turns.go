package cputest

import (
	"slices"
	"testing"
	"time"
)

// Turns runs two sides of a comparison in turns, one block of each per
// round, the first of each round alternating, and returns the medians over
// rounds of side a's CPU time over side b's, and of its wall time over b's.
// A median, not a sum: a burst of load from elsewhere on the machine, or a
// garbage collection, skews one round, not the figure. reset, if not nil,
// runs before each round. Each block is the caller's: so many calls, in
// one goroutine or several.
//
// It runs rounds rounds per b.Loop iteration, however short -benchtime is:
// the benchmark's ns/op is therefore the whole measurement's.
func Turns(b *testing.B, rounds int, reset func(), a, anchor func()) (cpu, wall float64) {
	sides := []func(){a, anchor}
	measure := func(block func()) (cpu, wall time.Duration) {
		c0, w0 := Used(), time.Now()
		block()
		return Used() - c0, time.Since(w0)
	}
	for _, block := range sides { // warm
		measure(block)
	}
	var cpus, walls []float64
	for b.Loop() {
		cpus, walls = cpus[:0], walls[:0]
		for round := range rounds {
			if reset != nil {
				reset()
			}
			var c, w [2]time.Duration
			for k := range sides {
				i := (k + round) % 2
				c[i], w[i] = measure(sides[i])
			}
			cpus = append(cpus, float64(c[0])/float64(c[1]))
			walls = append(walls, float64(w[0])/float64(w[1]))
		}
	}
	return median(cpus), median(walls)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	return xs[len(xs)/2]
}
