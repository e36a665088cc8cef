package pdftest_test

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/taizhang/taizhang/internal/pdftest"
)

// twoPages is a portrait page with "Hello" at (20 mm, 30 mm) and a landscape
// page with a black square at (100, 50)–(120, 70) mm.
func twoPages(t *testing.T) []byte {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCreationDate(time.Unix(0, 0))
	p.AddPage()
	p.SetFont("Helvetica", "", 20)
	p.Text(20, 30, "Hello")
	p.AddPageFormat("L", fpdf.SizeType{Wd: 210, Ht: 297})
	p.SetFillColor(0, 0, 0)
	p.Rect(100, 50, 20, 20, "F")
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestTools(t *testing.T) {
	pdf := twoPages(t)
	pdftest.Check(t, pdf)
	if got := pdftest.Info(t, pdf)["Pages"]; got != "2" {
		t.Errorf("Info Pages = %q", got)
	}
	sizes := pdftest.PageSizes(t, pdf)
	if len(sizes) != 2 || sizes[0].W > sizes[0].H || sizes[1].W < sizes[1].H {
		t.Errorf("PageSizes = %v", sizes)
	}
	pages := pdftest.Pages(t, pdf)
	if len(pages) != 2 || strings.TrimSpace(pages[0]) != "Hello" {
		t.Errorf("Pages = %q", pages)
	}
	words := pdftest.Words(t, pdf)
	if len(words) != 1 || words[0].Text != "Hello" || words[0].Page != 1 || math.Abs(words[0].XMin-20/25.4*72) > 1 {
		t.Errorf("Words = %+v", words)
	}
	fonts := pdftest.Fonts(t, pdf)
	if len(fonts) != 1 || fonts[0].Name != "Helvetica" || fonts[0].Embedded {
		t.Errorf("Fonts = %+v", fonts)
	}
	img := pdftest.Render(t, pdf, 2, 100)
	box, ok := pdftest.Ink(img, 100, pdftest.Box{})
	if !ok || math.Abs(box.X0-100) > 0.5 || math.Abs(box.Y0-50) > 0.5 || math.Abs(box.X1-120) > 0.5 || math.Abs(box.Y1-70) > 0.5 {
		t.Errorf("Ink = %v %v, want (100,50)–(120,70)", box, ok)
	}
	if _, ok := pdftest.Ink(img, 100, pdftest.Box{X0: 0, Y0: 0, X1: 90, Y1: 210}); ok {
		t.Error("ink found left of the square")
	}
}
