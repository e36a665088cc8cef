package notice

import (
	"math"
	"sort"
	"strings"
)

// titleSize is the size of a document title, in points (二号).
const titleSize = 22

// titleCapacity is how many ideographs of a title fit on one line of a
// text block widthMM wide.
func titleCapacity(widthMM float64) float64 {
	return math.Floor(widthMM/(titleSize*25.4/72) - 0.05)
}

// breakTitle breaks a title that is too long for one line into two lines
// at a boundary that keeps words whole — GB/T 9704 asks that a wrapped
// title keep its words (词意完整) — rather than wherever an even shape
// falls: after 关于, or after one of the names given (the
// issuer or organisation, the round). Of the boundaries that fit, the one
// with the most even lines wins. A title that fits, that already has a line
// break, or that no boundary fits is returned as it is, and typeset
// balances it.
func breakTitle(title string, capacity float64, names ...string) string {
	if strings.Contains(title, "\n") || width(title) <= capacity {
		return title
	}
	cuts := map[int]bool{}
	for _, sub := range append([]string{"关于"}, names...) {
		for from := 0; sub != ""; {
			i := strings.Index(title[from:], sub)
			if i < 0 {
				break
			}
			from += i + len(sub)
			cuts[from] = true // after sub
		}
	}
	var best, bestDiff = -1, math.MaxFloat64
	keys := make([]int, 0, len(cuts))
	for k := range cuts {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, c := range keys {
		if c <= 0 || c >= len(title) {
			continue
		}
		a, b := width(title[:c]), width(title[c:])
		if a > capacity || b > capacity {
			continue
		}
		if d := math.Abs(a - b); d < bestDiff {
			best, bestDiff = c, d
		}
	}
	if best < 0 {
		return title
	}
	return title[:best] + "\n" + title[best:]
}

// width counts ideographs, ASCII as half.
func width(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r < 0x80 {
			w += 0.5
		} else {
			w++
		}
	}
	return w
}
