package consolidate

import "fmt"

// Percent is a rate in tenths of a percent: 964 is 96.4%. Rates are computed
// from exact integer counts and rounded half-up once, at the end, so 190/197
// (96.447…%) is 96.4% and 56/176 (31.818…%) is 31.8%.
type Percent int

// Rate returns part/whole as a Percent, rounded half-up. A zero whole gives 0.
func Rate(part, whole int) Percent {
	if whole <= 0 {
		return 0
	}
	// round(part*1000/whole) = floor((2*part*1000 + whole) / (2*whole))
	return Percent((2*int64(part)*1000 + int64(whole)) / (2 * int64(whole)))
}

// String gives "96.4%".
func (p Percent) String() string {
	sign := ""
	v := int(p)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%d%%", sign, v/10, v%10)
}

// Float gives the rate as a fraction (0.964), for spreadsheet cells with a
// percentage number format.
func (p Percent) Float() float64 { return float64(p) / 1000 }

// Points gives the difference p−q in percentage points, e.g. "35.5个百分点".
func (p Percent) Points(q Percent) string {
	d := int(p) - int(q)
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	return fmt.Sprintf("%s%d.%d个百分点", sign, d/10, d%10)
}

// Shares splits a whole into the shares of its parts so that they sum to
// exactly 100.0% (the largest-remainder method): each part first gets its
// share rounded down, and the tenths still missing go to the parts with the
// largest remainders, earlier parts first on ties. All zero counts give all
// zero shares.
func Shares(counts []int) []Percent {
	out := make([]Percent, len(counts))
	total := 0
	for _, c := range counts {
		total += c
	}
	if total <= 0 {
		return out
	}
	rem := make([]int64, len(counts))
	given := 0
	for i, c := range counts {
		num := int64(c) * 1000
		out[i] = Percent(num / int64(total))
		rem[i] = num % int64(total)
		given += int(out[i])
	}
	for left := 1000 - given; left > 0; left-- {
		best := -1
		for i := range rem {
			if rem[i] >= 0 && (best < 0 || rem[i] > rem[best]) {
				best = i
			}
		}
		out[best]++
		rem[best] = -1 // each part gets at most one extra tenth
	}
	return out
}
