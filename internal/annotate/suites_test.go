package annotate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/suitetest"
	"github.com/taizhang/taizhang/internal/synth"
)

// TestAnnotatedCopiesOpenInEverySuite: a village ledger written by
// excelize, then saved again through openpyxl and through LibreOffice (as
// clerks' files arrive), is annotated; each annotated copy opens in
// openpyxl, pandas and LibreOffice, with the marked cells filled in valid
// aRGB, the comments there, and the rest of each cell's look (font,
// border) as the village saved it.
func TestAnnotatedCopiesOpenInEverySuite(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice is slow; skipped with -short")
	}
	dir := t.TempDir()
	town, err := synth.SampleTown()
	if err != nil {
		t.Fatal(err)
	}
	l := town[0]
	for _, x := range town {
		if x.Layout.MergeProblems { // merged cells, the harder case
			l = x
			break
		}
	}
	orig := filepath.Join(dir, "excelize", "台账.xlsx")
	os.MkdirAll(filepath.Dir(orig), 0o755)
	if err := synth.Write(orig, l); err != nil {
		t.Fatal(err)
	}
	opx := filepath.Join(dir, "openpyxl", "台账.xlsx")
	os.MkdirAll(filepath.Dir(opx), 0o755)
	suitetest.ResaveOpenpyxl(t, orig, opx)
	lo := filepath.Join(dir, "libreoffice")
	os.MkdirAll(lo, 0o755)
	suitetest.ResaveLibreOffice(t, lo, orig)
	inputs := []string{orig, opx, filepath.Join(lo, "台账.xlsx")}

	sheet, errCell, warnCell := pickCells(t, orig)
	diags := []ledger.Diagnostic{
		{Severity: ledger.Error, Sheet: sheet, Cell: errCell, Message: "整改状态“搁置”不是允许的状态"},
		{Severity: ledger.Warning, Sheet: sheet, Cell: warnCell, Message: "整改时限已过"},
	}
	var copies []string
	for _, in := range inputs {
		dst := strings.TrimSuffix(in, ".xlsx") + "-已批注.xlsx"
		res, err := Copy(in, dst, diags)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if res.Cells != 2 {
			t.Errorf("%s: marked %d cells", in, res.Cells)
		}
		copies = append(copies, dst)
	}

	books := suitetest.Open(t, append(append([]string{}, inputs...), copies...)...)
	looks := suitetest.Looks(t, append(append([]string{}, inputs...), copies...), sheet, errCell, warnCell)
	for i, cp := range copies {
		in := inputs[i]
		from := filepath.Base(filepath.Dir(in))
		b, ok := books[cp]
		if !ok {
			continue // refused: already reported
		}
		if b[sheet].PandasRows == 0 {
			t.Errorf("%s: pandas read no rows", from)
		}
		if got, want := b[sheet].Cells[errCell], books[in][sheet].Cells[errCell]; got != want {
			t.Errorf("%s: %s reads %v, the village wrote %v", from, errCell, got, want)
		}
		for cell, fill := range map[string]string{errCell: "FF" + ErrorFill, warnCell: "FF" + WarningFill} {
			got, was := looks[cp][cell], looks[in][cell]
			if got.Fill != fill {
				t.Errorf("%s: %s fill %q, want %q", from, cell, got.Fill, fill)
			}
			if !strings.Contains(got.Comment, Author) {
				t.Errorf("%s: %s comment %q", from, cell, got.Comment)
			}
			if got.Font != was.Font || got.Border != was.Border || got.NumberFormat != was.NumberFormat {
				t.Errorf("%s: %s look changed:\n got %+v\nwas %+v", from, cell, got, was)
			}
		}
	}

	want := map[string][]string{}
	for _, cp := range copies {
		want[cp] = []string{sheet}
	}
	shown := suitetest.LibreOffice(t, want)
	col, row, _ := excelize.CellNameToCoordinates(errCell)
	for i, cp := range copies {
		rows := shown[cp][sheet]
		wantValue := books[inputs[i]][sheet].Cells[errCell].Value
		if len(rows) < row || len(rows[row-1]) < col || rows[row-1][col-1] != wantValue {
			t.Errorf("LibreOffice does not show %s = %q in the copy of the %s file", errCell, wantValue, filepath.Base(filepath.Dir(inputs[i])))
		}
	}
}

// pickCells finds a status cell (for an error) and the top-left cell of a
// merged problem (for a warning) in the ledger sheet.
func pickCells(t *testing.T, path string) (sheet, status, merged string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, s := range f.GetSheetList() {
		rows, _ := f.GetRows(s)
		for r, row := range rows {
			for c, v := range row {
				if status == "" && (v == "已完成" || v == "持续整改" || v == "已整改") {
					status, _ = excelize.CoordinatesToCellName(c+1, r+1)
					sheet = s
				}
			}
		}
		if sheet == s {
			mc, _ := f.GetMergeCells(s)
			for _, m := range mc {
				if _, r, _ := excelize.CellNameToCoordinates(m.GetStartAxis()); r > 3 {
					merged = m.GetStartAxis()
					break
				}
			}
			break
		}
	}
	if status == "" || merged == "" {
		t.Fatalf("sample ledger has no status cell (%q) or merged cell (%q)", status, merged)
	}
	return sheet, status, merged
}
