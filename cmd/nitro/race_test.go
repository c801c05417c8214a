//go:build race

package main

// raceEnabled builds the command with the race detector when its tests run
// with it, so the command's own goroutines are checked too.
const raceEnabled = true
