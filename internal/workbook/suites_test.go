package workbook

import (
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/suitetest"
)

// TestSuitesReadTheWorkbookWithNumbersAsNumbers: openpyxl and pandas open
// 汇总台账.xlsx (every sheet), and 序号 is a number where it is one and text
// as the village wrote it otherwise.
func TestSuitesReadTheWorkbookWithNumbersAsNumbers(t *testing.T) {
	in := input()
	textual := map[string]bool{"3-1": true, "（一）": true, "03": true}
	n := 0
	for i := range in.Items {
		if in.Items[i].Village == "茅湾村" && n < 4 {
			in.Items[i].Seq = []string{"3-1", "（一）", "03", "３"}[n]
			n++
		}
	}
	path := writeSample(t, t.TempDir(), in)
	book := suitetest.Open(t, path)[path]
	if book == nil {
		return // refused: reported
	}
	for _, name := range []string{SheetTasks, SheetStats, SheetChecks, SheetSources} {
		if book[name].PandasRows == 0 {
			t.Errorf("pandas reads no rows of %s", name)
		}
	}
	cells := book[SheetTasks].Cells
	if cells["B1"].Value != "序号" {
		t.Fatalf("汇总!B1 = %v, want the 序号 header", cells["B1"])
	}
	ints, texts := 0, 0
	for ref, c := range cells {
		if !strings.HasPrefix(ref, "B") || ref == "B1" {
			continue
		}
		switch {
		case textual[c.Value]:
			texts++
			if c.Type != "str" {
				t.Errorf("汇总!%s 序号 %q is a %s, want text as written", ref, c.Value, c.Type)
			}
		case c.Type == "int":
			ints++
		default:
			t.Errorf("汇总!%s 序号 %q is a %s, want a number", ref, c.Value, c.Type)
		}
	}
	if texts != len(textual) || ints != len(in.Items)-len(textual) {
		t.Errorf("序号: %d numbers, %d texts; want %d and %d", ints, texts, len(in.Items)-len(textual), len(textual))
	}
}
