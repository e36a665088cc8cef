package workbook

import (
	"slices"
	"strconv"
	"testing"

	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/suitetest"
)

// TestLibreOfficeReadsTheWorkbook has LibreOffice open the workbook and
// export its sheets, then checks what it shows: the totals and rates of 统计
// as Percent.String() gives them, every task in 汇总, formula-looking text
// kept as text. It skips without soffice, unless CI=true.
func TestLibreOfficeReadsTheWorkbook(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice is slow; skipped with -short")
	}
	dir := t.TempDir()
	in := input()
	xlsx := writeSample(t, dir, in)
	books := suitetest.LibreOffice(t, map[string][]string{xlsx: {SheetStats, SheetTasks, SheetSources}})
	read := func(sheet string) [][]string {
		t.Helper()
		rows, ok := books[xlsx][sheet]
		if !ok {
			t.Fatalf("LibreOffice did not read sheet %s", sheet)
		}
		return rows
	}

	stats := read(SheetStats)
	if got := stats[len(nine)+1]; !slices.Equal(got[:8], []string{"合计", "197", "190", "2", "3", "2", "1", "96.4%"}) {
		t.Errorf("LibreOffice shows 合计 as %v", got)
	}
	for i, v := range in.Summary.Villages {
		row := stats[i+1]
		if row[0] != v.Village.Name || row[1] != strconv.Itoa(v.Tasks) || row[7] != v.Rate().String() {
			t.Errorf("LibreOffice shows %v, want %s %d tasks %s", row, v.Village.Name, v.Tasks, v.Rate())
		}
	}

	tasks := read(SheetTasks)
	if len(tasks) != 1+len(in.Items) {
		t.Errorf("LibreOffice reads %d rows in 汇总, want %d", len(tasks), 1+len(in.Items))
	}
	note := int(ledger.ColNote) + 1
	found := 0
	for _, r := range tasks {
		if r[0] == "大布村" && formulaLike[r[1]] != "" {
			found++
			if r[note] != formulaLike[r[1]] {
				t.Errorf("LibreOffice shows 备注 of 大布村 %s as %q, want %q", r[1], r[note], formulaLike[r[1]])
			}
		}
	}
	if found != len(formulaLike) {
		t.Errorf("found %d formula-looking notes, want %d", found, len(formulaLike))
	}

	sources := read(SheetSources)
	if last := sources[len(sources)-1]; last[5] != "197" {
		t.Errorf("来源 check row = %v", last)
	}
}
