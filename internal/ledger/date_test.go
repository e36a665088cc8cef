package ledger

import (
	"fmt"
	"testing"
)

// TestDateStringIsSprintfs: Date.String writes what "%04d-%02d-%02d" does,
// for every date and out of range too.
func TestDateStringIsSprintfs(t *testing.T) {
	for _, d := range []Date{{Year: 2025, Month: 3, Day: 31}, {Year: 1, Month: 1, Day: 1}, {Year: 9999, Month: 12, Day: 9},
		{Year: 10000, Month: 1, Day: 1}, {Year: 987, Month: 10, Day: 10}, {Year: -5, Month: 1, Day: 1}} {
		want := fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
		if got := d.String(); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}
