package pdfjoin

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// pdfOf lays out objects (each "N 0 obj … endobj" text, in order) into a
// PDF with a classic cross-reference table. xref, when not empty, replaces
// the table's subsections (offsets are then the caller's business).
func pdfOf(objs []string, trailer, xref string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	for _, o := range objs {
		offs = append(offs, b.Len())
		b.WriteString(o + "\n")
	}
	at := b.Len()
	if xref == "" {
		var x strings.Builder
		fmt.Fprintf(&x, "0 %d\n0000000000 65535 f \n", len(objs)+1)
		for _, off := range offs {
			fmt.Fprintf(&x, "%010d 00000 n \n", off)
		}
		xref = x.String()
	}
	fmt.Fprintf(&b, "xref\n%strailer\n%s\nstartxref\n%d\n%%%%EOF\n", xref, trailer, at)
	return b.Bytes()
}

// allocated is how many bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestHugeObjectNumberAllocatesLittle: a PDF of about 150 bytes whose
// cross-reference table names object 67,108,000 made Open allocate an
// index of every number below it (1 GiB). What Open allocates is bounded
// by the file and its table.
func TestHugeObjectNumberAllocatesLittle(t *testing.T) {
	pdf := []byte("%PDF-1.4\n67108000 0 obj <</Type /Catalog /Pages 67108000 0 R>> endobj\n" +
		"xref\n67108000 1\n0000000009 00000 n \ntrailer <</Root 67108000 0 R>>\nstartxref\n78\n%%EOF\n")
	if len(pdf) > 160 {
		t.Fatalf("the file is %d bytes", len(pdf))
	}
	var err error
	n := allocated(func() { _, err = Open(bytes.NewReader(pdf), int64(len(pdf))) })
	if err == nil {
		t.Error("a catalog that is its own page tree was opened")
	}
	if n > 64<<10 {
		t.Errorf("Open allocated %d bytes for a %d-byte file", n, len(pdf))
	}

	// Sparse numbers in a file that is otherwise whole still open.
	objs := []string{
		"1 0 obj <</Type /Catalog /Pages 9000000 0 R>> endobj",
		"9000000 0 obj <</Type /Pages /Kids [2 0 R] /Count 1 /MediaBox [0 0 100 100] /Resources <<>>>> endobj",
		"2 0 obj <</Type /Page /Parent 9000000 0 R>> endobj",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	for _, o := range objs {
		offs = append(offs, b.Len())
		b.WriteString(o + "\n")
	}
	xref := fmt.Sprintf("0 3\n0000000000 65535 f \n%010d 00000 n \n%010d 00000 n \n9000000 1\n%010d 00000 n \n", offs[0], offs[2], offs[1])
	at := b.Len()
	fmt.Fprintf(&b, "xref\n%strailer\n<</Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n", xref, at)
	sparse := b.Bytes()
	var s *Source
	n = allocated(func() { s, err = Open(bytes.NewReader(sparse), int64(len(sparse))) })
	if err != nil {
		t.Fatalf("sparse object numbers: %v", err)
	}
	if s.Pages() != 1 || n > 64<<10 {
		t.Errorf("sparse object numbers: %d pages, %d bytes allocated", s.Pages(), n)
	}
}

// TestHostileStructures: files that point into themselves in loops are
// refused with an error, never a crash or a runaway recursion.
func TestHostileStructures(t *testing.T) {
	// A page tree 100,000 levels deep.
	deep := []string{"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj"}
	const levels = 100000
	for i := 2; i < levels; i++ {
		deep = append(deep, fmt.Sprintf("%d 0 obj <</Type /Pages /Kids [%d 0 R] /Count 1>> endobj", i, i+1))
	}
	deep = append(deep, fmt.Sprintf("%d 0 obj <</Type /Page /MediaBox [0 0 1 1] /Resources <<>>>> endobj", levels))
	cases := map[string][]byte{
		"a stream whose /Length is itself": pdfOf([]string{
			"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj",
			"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj",
			"3 0 obj <</Type /Page /MediaBox [0 0 1 1] /Resources 4 0 R /Contents 4 0 R>> endobj",
			"4 0 obj <</Length 4 0 R>>\nstream\nq Q\nendstream\nendobj",
		}, "<</Root 1 0 R>>", ""),
		"a page tree that loops": pdfOf([]string{
			"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj",
			"2 0 obj <</Type /Pages /Kids [2 0 R] /Count 1>> endobj",
		}, "<</Root 1 0 R>>", ""),
		"a page tree 100,000 levels deep": pdfOf(deep, "<</Root 1 0 R>>", ""),
		"a table claiming more entries than the file has": pdfOf([]string{
			"1 0 obj <</Type /Catalog /Pages 1 0 R>> endobj",
		}, "<</Root 1 0 R>>", "0 9\n0000000000 65535 f \n0000000009 00000 n \n"),
	}
	for what, pdf := range cases {
		s, err := Open(bytes.NewReader(pdf), int64(len(pdf)))
		if err == nil && what == "a stream whose /Length is itself" {
			// Opening reads no content stream; joining the page does.
			j := NewWriter(io.Discard)
			err = j.AddPage(s, 0, nil)
		}
		if err == nil {
			t.Errorf("%s: no error", what)
		}
	}
}

// FuzzOpen reads arbitrary bytes as a PDF and, when they open, joins their
// pages: every input is answered with an error or a PDF, never a panic,
// a hang or an allocation beyond the input's size. The seeds are in
// testdata (what fpdf and this package write); crashers found are kept in
// testdata/fuzz/FuzzOpen.
func FuzzOpen(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.pdf"))
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, pdf []byte) {
		s, err := Open(bytes.NewReader(pdf), int64(len(pdf)))
		if err != nil {
			return
		}
		j := NewWriter(io.Discard)
		j.SetCompression(len(pdf)%2 == 0)
		for i := range min(s.Pages(), 64) {
			if err := j.AddPage(s, i, []byte("q Q")); err != nil {
				return
			}
		}
		j.Close(s, Info{Title: "fuzz"})
	})
}
