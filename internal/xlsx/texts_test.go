package xlsx

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/xuri/excelize/v2"
)

// TestPartTextsAreOneString: the long texts of a sheet, or of the shared
// strings, come out as read and lie one after the other in one string, not
// one allocation each (texts). Short ones are copies of their own.
func TestPartTextsAreOneString(t *testing.T) {
	long := func(r int) string {
		return fmt.Sprintf("第%d行：已组织“两委”干部逐条研究整改措施", r)
	}
	for _, stream := range []bool{false, true} { // shared strings; inline strings
		t.Run(fmt.Sprintf("stream=%v", stream), func(t *testing.T) {
			f := excelize.NewFile()
			defer f.Close()
			if stream {
				sw, err := f.NewStreamWriter("Sheet1")
				if err != nil {
					t.Fatal(err)
				}
				for r := 1; r <= 50; r++ {
					if err := sw.SetRow(fmt.Sprintf("A%d", r), []any{long(r), r, "短"}); err != nil {
						t.Fatal(err)
					}
				}
				if err := sw.Flush(); err != nil {
					t.Fatal(err)
				}
			} else {
				for r := 1; r <= 50; r++ {
					f.SetCellValue("Sheet1", fmt.Sprintf("A%d", r), long(r))
					f.SetCellValue("Sheet1", fmt.Sprintf("B%d", r), r)
					f.SetCellValue("Sheet1", fmt.Sprintf("C%d", r), "短")
				}
			}
			var buf bytes.Buffer
			if _, err := f.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			b, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), Limits{MaxUnzipBytes: 64 << 20, MaxRows: 1000, MaxCellRunes: 32767})
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Load(); err != nil {
				t.Fatal(err)
			}
			sh, err := b.ReadSheet(b.Sheets[0])
			if err != nil {
				t.Fatal(err)
			}
			if len(sh.Rows) != 50 {
				t.Fatalf("%d rows, want 50", len(sh.Rows))
			}
			var prev string
			for i, row := range sh.Rows {
				if len(row.Cells) != 3 {
					t.Fatalf("row %d: %d cells", row.Num, len(row.Cells))
				}
				got := []string{row.Cells[0].Text, row.Cells[1].Text, row.Cells[2].Text}
				want := []string{long(i + 1), fmt.Sprint(i + 1), "短"}
				if strings.Join(got, "|") != strings.Join(want, "|") {
					t.Fatalf("row %d: %q, want %q", row.Num, got, want)
				}
				s := row.Cells[0].Text
				if prev != "" && unsafe.StringData(s) != (*byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(prev)), len(prev))) {
					t.Fatalf("row %d: its text is not right after row %d's: one allocation per cell", row.Num, row.Num-1)
				}
				prev = s
			}
		})
	}
}

// TestKeptTextsOutliveTheBuffer: a text kept while reading is not a view of
// the reader's buffer, which the next cell writes again.
func TestKeptTextsOutliveTheBuffer(t *testing.T) {
	var tx texts
	buf := []byte("一二三四五六七八九十")
	short := tx.keep(0, 0, view(buf[:3]))
	if short != "一" || within(short, buf) {
		t.Fatalf("short text %q is a view of the buffer", short)
	}
	if s := tx.keep(0, 1, view(buf)); s != "" {
		t.Fatalf("a long text came back at once: %q", s)
	}
	var set []string
	copy(buf, strings.Repeat("x", len(buf)))
	tx.finish(func(i, j int, s string) { set = append(set, fmt.Sprintf("%d %d %s", i, j, s)) })
	if len(set) != 1 || set[0] != "0 1 一二三四五六七八九十" {
		t.Fatalf("finish set %q", set)
	}
}
