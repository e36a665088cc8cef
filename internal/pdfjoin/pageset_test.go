package pdfjoin

import (
	"bytes"
	"image"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/pdftest"
	"github.com/taizhang/taizhang/internal/typeset"
)

// draw typesets the same pages into d: a portrait page of paragraphs, then
// landscape pages of a table with a section row and a merged cell, long
// enough to break a row over a page; page numbers on every page.
func draw(d *typeset.Document) {
	d.NewPage(typeset.Portrait)
	d.Title("关于三乡镇巡察整改进展情况的通报")
	d.Paragraph("各村（社区）党组织：按照市委巡察工作统一部署，现将整改进展——完成率96.5%（《台账》）——通报如下。", typeset.Style{FirstIndent: 2})
	d.Paragraph("一、总体情况", typeset.Style{Role: typeset.RoleHei})
	d.Paragraph("楷体小标题：工作扎实推进", typeset.Style{Role: typeset.RoleKai, Bold: true})
	d.NewPage(typeset.Landscape)
	rows := [][]string{}
	merged := [][]bool{}
	sections := []string{}
	for i := range 14 {
		rows = append(rows, []string{strings.Repeat("问", 1+i%3), strings.Repeat("整改措施落实到位，", 4+i%5), "已完成"})
		merged = append(merged, []bool{false, false, i%4 == 1})
		sec := ""
		if i == 0 || i == 7 {
			sec = "二、党建方面"
		}
		sections = append(sections, sec)
	}
	d.Table(typeset.Table{
		Columns:  []typeset.Column{{Header: "序号", Width: 1, Repeat: true}, {Header: "整改措施", Width: 6, Align: typeset.Justify}, {Header: "状态", Width: 1.5}},
		Rows:     rows,
		Merged:   merged,
		Sections: sections,
	})
}

// TestPageSetDrawsWhatFpdfDraws: the same drawing in an fpdf document and
// in a page set, each joined — the one with its own fonts, the other with
// a font source of its characters — renders pixel for pixel the same and
// reads the same text; the joined page set is a valid PDF with every font
// embedded as a subset.
func TestPageSetDrawsWhatFpdfDraws(t *testing.T) {
	pdftest.Need(t, "qpdf", "pdftotext", "pdffonts", "pdftoppm")
	fs := fonts(t)
	joined := func(d *typeset.Document, fontsOf func(*Source) *Source) []byte {
		draw(d)
		var b bytes.Buffer
		if err := d.Write(&b); err != nil {
			t.Fatal(err)
		}
		src := open(t, b.Bytes())
		var out bytes.Buffer
		j := NewWriter(&out)
		for i := range src.Pages() {
			if err := j.AddPage(src, i, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := j.Close(fontsOf(src), Info{}); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	viaFpdf := joined(typeset.NewDocument(fs, typeset.Official()), func(s *Source) *Source { return s })
	set := typeset.NewPageSet(fs, typeset.Official())
	viaSet := joined(set, func(*Source) *Source { return carrier(t, set.Runes()) })

	pdftest.Check(t, viaSet)
	want, got := pdftest.Pages(t, viaFpdf), pdftest.Pages(t, viaSet)
	if len(want) < 3 || len(got) != len(want) {
		t.Fatalf("page set: %d pages, fpdf %d (want at least 3)", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("page %d reads\n%q\nwant\n%q", i+1, got[i], want[i])
		}
		a, b := pdftest.Render(t, viaFpdf, i+1, 60), pdftest.Render(t, viaSet, i+1, 60)
		if n := differing(a, b); n > 0 {
			t.Errorf("page %d: %d pixels differ from fpdf's", i+1, n)
		}
	}
	fl := pdftest.Fonts(t, viaSet)
	if len(fl) != 4 { // body, 黑体, 楷体, title
		t.Errorf("fonts %+v, want 4", fl)
	}
	for _, f := range fl {
		if !f.Embedded || !f.Subset {
			t.Errorf("font %+v not embedded as a subset", f)
		}
	}
}

// differing counts the pixels of a and b that differ (all of them when the
// sizes do).
func differing(a, b image.Image) int {
	if a.Bounds() != b.Bounds() {
		return a.Bounds().Dx() * a.Bounds().Dy()
	}
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
}
