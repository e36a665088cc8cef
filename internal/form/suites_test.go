package form

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/taizhang/taizhang/internal/suitetest"
)

// TestTemplatesOpenInEverySuite: the blank form and a form prefilled from
// the last build open in openpyxl, pandas and LibreOffice; in the prefilled
// one 序号 is a number where it is one ("3") and text otherwise ("3-1").
func TestTemplatesOpenInEverySuite(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice is slow; skipped with -short")
	}
	dir := t.TempDir()
	items := sampleItems()
	items[3].Seq = "3-1"
	write := func(name string, o Options) string {
		var buf bytes.Buffer
		if err := Write(&buf, o); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	blank := write("空白.xlsx", Options{Village: dabu, Round: "十五届市委第六轮"})
	filled := write("预填.xlsx", Options{Village: dabu, Round: "十五届市委第六轮", Items: items})

	books := suitetest.Open(t, blank, filled)
	for _, p := range []string{blank, filled} {
		if b, ok := books[p]; ok && (b[Sheet].PandasRows == 0 || b[Instructions].PandasRows == 0) {
			t.Errorf("%s: pandas reads %d rows of %s and %d of %s", filepath.Base(p), b[Sheet].PandasRows, Sheet, b[Instructions].PandasRows, Instructions)
		}
	}
	if b, ok := books[filled]; ok {
		for i, it := range items {
			ref := fmt.Sprintf("A%d", FirstRow+i)
			want := "int"
			if it.Seq == "3-1" {
				want = "str"
			}
			if c := b[Sheet].Cells[ref]; c.Type != want || c.Value != it.Seq {
				t.Errorf("%s!%s = %+v, want %s %q", Sheet, ref, c, want, it.Seq)
			}
		}
	}

	shown := suitetest.LibreOffice(t, map[string][]string{blank: {Sheet, Instructions}, filled: {Sheet}})
	rows := shown[filled][Sheet]
	if len(rows) < FirstRow+len(items)-1 {
		t.Fatalf("LibreOffice shows %d rows of the prefilled form", len(rows))
	}
	for i, it := range items {
		if got := rows[FirstRow-1+i][0]; got != it.Seq {
			t.Errorf("LibreOffice shows 序号 %q in row %d, want %q", got, FirstRow+i, it.Seq)
		}
	}
	if len(shown[blank][Instructions]) == 0 {
		t.Error("LibreOffice shows no 填表说明")
	}
}
