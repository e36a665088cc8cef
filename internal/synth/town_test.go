package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/config"
)

func TestWriteTownDeterministic(t *testing.T) {
	spec := Spec{Villages: 3, Tasks: 40, Seed: 7}
	a, b := t.TempDir(), t.TempDir()
	pa, err := WriteTown(a, spec)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := WriteTown(b, spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(pa) != 3 || len(pb) != 3 {
		t.Fatalf("got %d and %d workbooks, want 3", len(pa), len(pb))
	}
	for i := range pa {
		x, _ := os.ReadFile(pa[i])
		y, _ := os.ReadFile(pb[i])
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", filepath.Base(pa[i]))
		}
	}
	other := t.TempDir()
	pc, err := WriteTown(other, Spec{Villages: 1, Tasks: 40, Seed: 8})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(pa[0])
	y, _ := os.ReadFile(pc[0])
	if bytes.Equal(x, y) {
		t.Error("another seed gave the same workbook")
	}
}

func TestWriteTownContent(t *testing.T) {
	dir := t.TempDir()
	paths, err := WriteTown(dir, Spec{Villages: 2, Tasks: 60, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Villages) != 2 || cfg.Villages[1].Name != "第002村" || cfg.Villages[1].Org == "" {
		t.Fatalf("config villages = %+v", cfg.Villages)
	}
	if got := filepath.Base(paths[0]); got != "第001村整改台账.xlsx" {
		t.Errorf("first workbook is %s", got)
	}
	f, err := excelize.OpenFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("台账")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 62 {
		t.Fatalf("got %d rows, want title + header + 60", len(rows))
	}
	if rows[0][0] != cfg.Villages[0].Org+"关于十五届市委第六轮对村巡察整改进展情况的台账" {
		t.Errorf("title = %q", rows[0][0])
	}
	merged, _ := f.GetMergeCells("台账")
	if len(merged) != 1 || merged[0].GetStartAxis() != "A1" {
		t.Errorf("title merge = %v", merged)
	}
	dates := 0
	for r := 3; r <= 62; r++ {
		n := 0
		progress, _ := f.GetCellValue("台账", "I"+strconv.Itoa(r))
		for range progress {
			n++
		}
		if n < 100 || n > 400 {
			t.Errorf("row %d: progress has %d characters", r, n)
		}
		raw, _ := f.GetCellValue("台账", "H"+strconv.Itoa(r), excelize.Options{RawCellValue: true})
		shown, _ := f.GetCellValue("台账", "H"+strconv.Itoa(r))
		if raw != shown && len(shown) > 0 {
			if _, err := time.Parse("2006年1月2日", shown); err != nil {
				t.Errorf("row %d: date shown as %q", r, shown)
			}
			dates++
		}
		style, _ := f.GetCellStyle("台账", "I"+strconv.Itoa(r))
		s, _ := f.GetStyle(style)
		if s == nil || s.Alignment == nil || !s.Alignment.WrapText {
			t.Errorf("row %d: progress not wrapped", r)
		}
	}
	if dates < 40 {
		t.Errorf("only %d real date deadlines", dates)
	}
}

func BenchmarkWriteTown(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := WriteTown(b.TempDir(), Spec{Villages: 9, Tasks: 500, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
