// Package cputest reads the CPU time the process has used, for benchmarks
// that compare two sides in turns on a shared machine: CPU time is what
// other processes do not skew the way they skew wall time.
package cputest
