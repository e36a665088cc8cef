package typeset

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestNumIsStrconvs: the page canvas's fast number formatting writes what
// strconv's %.2f writes, for page coordinates, ties, negatives, tiny
// negatives (-0.00) and huge values.
func TestNumIsStrconvs(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 0.005, 0.015, 0.125, 2.675, -2.675, -0.001, -0.004, 0.004999999,
		1e15, -1e17, 841.8897637795275, 595.2755905511812, 123.455, 99.995, math.Nextafter(0.125, 1)}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		vals = append(vals, (rng.Float64()-0.3)*900, float64(rng.IntN(90000))/100+0.005, float64(rng.IntN(9000))/1000)
	}
	var c pageCanvas
	for _, v := range vals {
		c.buf = c.buf[:0]
		c.num(v)
		if want := strconv.FormatFloat(v, 'f', 2, 64); string(c.buf) != want {
			t.Fatalf("num(%v) = %q, want %q", v, c.buf, want)
		}
	}
}
