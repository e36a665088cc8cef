package typeset

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"github.com/taizhang/taizhang/internal/pdftest"
)

// TestSubset: a face cut to some characters is a TrueType file our parser
// and fpdf read, with the same advances and coverage for the characters
// kept, and none of the others.
func TestSubset(t *testing.T) {
	keep := []rune("国务院关于整改台账的通报—0123456789，。（）ABCxyz 　" + sampleText)
	for _, f := range embedded(t).faces() {
		b, err := f.subset(keep)
		if err != nil {
			t.Fatalf("%s: %v", f.key, err)
		}
		s, err := parseFace(f.key+"-sub", b)
		if err != nil {
			t.Fatalf("%s: subset does not parse: %v", f.key, err)
		}
		if err := tryFPDF(s); err != nil {
			t.Fatalf("%s: fpdf refuses the subset: %v", f.key, err)
		}
		kept := map[rune]bool{}
		for _, r := range keep {
			kept[r] = true
			if s.covers(r) != f.covers(r) {
				t.Errorf("%s: %q covered %v in the subset, %v in the face", f.key, r, s.covers(r), f.covers(r))
			}
			if f.covers(r) && s.adv[r] != f.adv[r] {
				t.Errorf("%s: %q advance %d in the subset, %d in the face", f.key, r, s.adv[r], f.adv[r])
			}
			if f.covers(r) {
				g1, _ := f.glyph(int(f.glyphOf[r]))
				g2, _ := s.glyph(int(s.glyphOf[r]))
				if !sameOutline(g1, g2) {
					t.Errorf("%s: %q outline differs", f.key, r)
				}
			}
		}
		for _, r := range "家乡镇村" {
			if !kept[r] && s.covers(r) {
				t.Errorf("%s: %q in the subset, not asked for", f.key, r)
			}
		}
		if len(f.data) > 1<<20 && len(b) > len(f.data)/4 {
			t.Errorf("%s: subset %d bytes of %d", f.key, len(b), len(f.data))
		}
	}
}

// TestSubsetComposite: a composite glyph keeps its components, renumbered
// to the same outlines.
func TestSubsetComposite(t *testing.T) {
	var f *face
	var r rune
	for _, c := range embedded(t).faces() {
		for x := rune(0x20); x < 0x10000 && f == nil; x++ {
			if !c.covers(x) {
				continue
			}
			if g, _ := c.glyph(int(c.glyphOf[x])); len(g) >= 10 && int16(binary.BigEndian.Uint16(g)) < 0 {
				f, r = c, x
			}
		}
	}
	if f == nil {
		t.Fatal("no embedded face has a composite glyph")
	}
	b, err := f.subset([]rune{r})
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseFace("sub", b)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := f.glyph(int(f.glyphOf[r]))
	sub, _ := s.glyph(int(s.glyphOf[r]))
	var fc, sc []int
	components(full, func(at int) { fc = append(fc, int(binary.BigEndian.Uint16(full[at:]))) })
	components(sub, func(at int) { sc = append(sc, int(binary.BigEndian.Uint16(sub[at:]))) })
	if len(fc) == 0 || len(fc) != len(sc) {
		t.Fatalf("%q: %d components in the face, %d in the subset", r, len(fc), len(sc))
	}
	if s.numGlyphs > 2+len(fc) {
		t.Errorf("subset of one composite has %d glyphs", s.numGlyphs)
	}
	for i := range fc {
		if sc[i] >= s.numGlyphs {
			t.Fatalf("component %d → glyph %d of %d", i, sc[i], s.numGlyphs)
		}
		a, _ := f.glyph(fc[i])
		c, _ := s.glyph(sc[i])
		if !sameOutline(a, c) {
			t.Errorf("component %d: outline differs", i)
		}
	}
	// fpdf embeds it, components included.
	p := fpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes("sub", "", b)
	p.AddPage()
	p.SetFont("sub", "", 12)
	p.Text(10, 10, string(r))
	var out bytes.Buffer
	if err := p.Output(&out); err != nil {
		t.Fatal(err)
	}
}

// TestReserve: a document that reserves its characters embeds subsets and
// reads back the same; a character drawn that was not reserved falls back
// to the whole face, and still reads back.
func TestReserve(t *testing.T) {
	fs := embedded(t)
	text := "关于整改台账的通报（第一轮）"
	d := NewDocument(fs, Official())
	d.Reserve(text, "附件")
	d.NewPage(Portrait)
	d.Paragraph(text, Style{})
	d.Paragraph("附件", Style{Role: RoleHei})
	pdf := render(t, d)
	for _, u := range d.added {
		if u.subset == nil {
			t.Errorf("face embedded in full: %s", u.key)
		}
	}
	pdftest.Check(t, pdf)
	got := pdftest.Text(t, pdf)
	for _, want := range []string{text, "附件", "—1—"} {
		if !strings.Contains(got, want) {
			t.Errorf("text %q lacks %q", got, want)
		}
	}

	// Not reserved: 家 in the body face, and the whole of the Kai face.
	d = NewDocument(fs, Official())
	d.Reserve(text)
	d.NewPage(Portrait)
	d.Paragraph(text, Style{})
	d.Paragraph(text+"国家", Style{})
	d.Paragraph("楷体", Style{Role: RoleKai})
	pdf = render(t, d)
	body := d.added[fs.faceFor(RoleBody, '家')]
	if body == nil || body.subset != nil || !strings.HasSuffix(body.key, fullSuffix) {
		t.Errorf("body face after an unreserved character: %+v", body)
	}
	pdftest.Check(t, pdf)
	got = pdftest.Text(t, pdf)
	for _, want := range []string{text, text + "国家", "楷体"} {
		if !strings.Contains(got, want) {
			t.Errorf("text %q lacks %q", got, want)
		}
	}
	if fonts := pdftest.Fonts(t, pdf); len(fonts) < 3 {
		t.Errorf("fonts %v: want the body subset, the body face in full and Kai", fonts)
	}
}

// sameOutline: glyph data b is a, perhaps padded to 4 bytes.
func sameOutline(a, b []byte) bool {
	return bytes.HasPrefix(b, a) && len(b)-len(a) < 4 && !bytes.ContainsFunc(b[len(a):], func(r rune) bool { return r != 0 })
}
