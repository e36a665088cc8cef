package intake

import (
	"testing"

	"github.com/taizhang/taizhang/internal/ledger"
)

// FuzzRead feeds the whole-workbook reader arbitrary bytes: it must answer
// every input with a result (never a panic, which Read would turn into an
// internal-error diagnostic) within the limits. The seed corpus is in
// testdata/fuzz/FuzzRead (a sample-style ledger saved by excelize, and
// small packages with error values, formulas without results, hidden rows
// and columns, sections and totals); crashers found stay there. Seeds
// added here must be the same bytes on every run.
func FuzzRead(f *testing.F) {
	f.Add(zipOf(f, minimalParts))
	f.Add([]byte("PK\x03\x04"))
	f.Add(append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...))
	villages := []ledger.Village{{Name: "大布村"}, {Name: "塘敢村"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		res := ReadBytes("大布村.xlsx", data, Options{Villages: villages, Limits: Limits{MaxUnzipBytes: 8 << 20, MaxRows: 2000}})
		for _, d := range res.Diagnostics {
			if d.Code == ledger.CodeInternal {
				t.Fatalf("reader bug: %s", d.Message)
			}
		}
		if res.File.Items != len(res.Items) {
			t.Fatalf("items %d, file says %d", len(res.Items), res.File.Items)
		}
	})
}
