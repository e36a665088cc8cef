package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestSoftMemoryLimit: without GOMEMLIMIT the build runs under the soft
// limit; with it, the environment's limit stands.
func TestSoftMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Setenv("GOMEMLIMIT", "")
	debug.SetMemoryLimit(math.MaxInt64)
	limitMemory()
	if got := debug.SetMemoryLimit(-1); got != softMemoryLimit {
		t.Errorf("limit without GOMEMLIMIT = %d, want %d", got, softMemoryLimit)
	}
	t.Setenv("GOMEMLIMIT", "2GiB")
	debug.SetMemoryLimit(2 << 30) // as the runtime would have, at start
	limitMemory()
	if got := debug.SetMemoryLimit(-1); got != 2<<30 {
		t.Errorf("limit with GOMEMLIMIT=2GiB = %d, want it kept", got)
	}
}
