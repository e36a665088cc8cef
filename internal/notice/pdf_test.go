package notice

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pdftest"
)

// doc is a PDF under test, with its text and page sizes read once.
type doc struct {
	pdf   []byte
	path  string
	pages []string // pdftotext, reading order
	sizes []pdftest.Size
	words []pdftest.Word
}

func readDoc(t *testing.T, pdf []byte, keep string) *doc {
	t.Helper()
	pdftest.Need(t, "pdftotext", "pdfinfo", "qpdf")
	pdftest.Check(t, pdf)
	if dir := os.Getenv("NOTICE_KEEP"); dir != "" {
		os.WriteFile(filepath.Join(dir, keep), pdf, 0o644)
	}
	return &doc{pdf: pdf, path: pdftest.File(t, pdf), pages: pdftest.Pages(t, pdf),
		sizes: pdftest.PageSizes(t, pdf), words: pdftest.Words(t, pdf)}
}

// text joins the text of pages first..last (1-based, inclusive).
func (d *doc) text(first, last int) string {
	return strings.Join(d.pages[first-1:last], "\n")
}

// raw is the text of pages from first on in drawing order, white space dropped.
func (d *doc) raw(t *testing.T, first int) string {
	return squeeze(pdftotext(t, "-raw", "-f", strconv.Itoa(first), d.path, "-"))
}

func pdftotext(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", append([]string{"-enc", "UTF-8"}, args...)...).Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// column extracts, page after page from first on, the text of the table
// column whose header is header and which is widthMM wide: the header is
// centred in its cell, so the crop is the column's width around the
// header's centre, from below the header to the foot of the page. A cell
// continued on the next page reads on unbroken.
func (d *doc) column(t *testing.T, first int, header string, widthMM float64) string {
	t.Helper()
	w := widthMM * 72 / 25.4
	var b strings.Builder
	for p := first; p <= len(d.sizes); p++ {
		// The header, or its first line when it wraps: the longest word
		// starting it ("整改" alone starts other headers too).
		var best *pdftest.Word
		for i, wd := range d.words {
			if wd.Page == p && strings.HasPrefix(header, wd.Text) && utf8.RuneCountInString(wd.Text) >= 3 &&
				(best == nil || len(wd.Text) > len(best.Text)) {
				best = &d.words[i]
			}
		}
		if best == nil {
			continue
		}
		cx := (best.XMin + best.XMax) / 2
		ps := strconv.Itoa(p)
		b.WriteString(pdftotext(t, "-f", ps, "-l", ps,
			"-x", strconv.Itoa(int(cx-w/2+1)), "-y", strconv.Itoa(int(best.YMax+1)),
			"-W", strconv.Itoa(int(w-2)), "-H", strconv.Itoa(int(d.sizes[p-1].H-best.YMax-1)),
			d.path, "-"))
	}
	return b.String()
}

// cellsIntact fails the test for every problem, measures or progress text
// of items not found whole in its column of the ledger tables from page
// first on.
func (d *doc) cellsIntact(t *testing.T, first int, items []ledger.Item, pub config.Publish) {
	t.Helper()
	byVillage := map[string][]ledger.Item{}
	for _, it := range items {
		byVillage[it.Village] = append(byVillage[it.Village], it)
	}
	for v, its := range byVillage {
		for _, c := range ledgerColumns(its, pub, landscapeWidth) {
			if c.Col != ledger.ColProblem && c.Col != ledger.ColMeasures && c.Col != ledger.ColProgress {
				continue
			}
			col := squeeze(d.column(t, first, c.Col.Name(), c.Width))
			for _, it := range its {
				if want := squeeze(it.Text(c.Col)); !strings.Contains(col, want) {
					t.Errorf("%s: %s loses text: want %.60s…\ncolumn: %.300s", v, c.Col.Name(), want, col)
				}
			}
		}
	}
}

// pageOf is the first page with a word containing s, or 0.
func (d *doc) pageOf(s string) int {
	for _, w := range d.words {
		if strings.Contains(w.Text, s) {
			return w.Page
		}
	}
	return 0
}

// squeeze drops all white space.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '\f', '\u3000', '\u00a0':
			return -1
		}
		return r
	}, s)
}
