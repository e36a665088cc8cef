package typeset

import (
	"bytes"
	"fmt"
	"math"
	"slices"
)

// Pages typeset once can be joined into several PDFs (package pdfjoin): a
// village's ledger is both an attachment of the town notice and a file of
// its own. Such pages are typeset without page numbers (SetPageNumbers);
// their numbers and labels, which differ from one PDF to the other, are
// drawn by an Overlay as a small content stream of their own, and the
// joined PDF embeds one set of fonts covering every character drawn
// (RuneSet, DrawRunes). This works because fpdf writes text in a UTF-8 face
// as 2-byte codes equal to the Unicode value: a page's stream does not
// depend on which subset of the face its document embedded. fpdf names a
// face's resource /F<sha1 of its metrics>, which differs with the subset,
// so a joiner matches fonts by their BaseFont ("utf8" + the face's key),
// and an overlay names a face by that BaseFont itself (/utf8<key>).

// canvas is what drawing text needs of a PDF: fpdf itself, or an overlay's
// content stream written to match fpdf's operators byte for byte.
type canvas interface {
	SetFont(family, style string, size float64)
	RawWriteStr(s string)
	Text(x, y float64, s string)
	TransformBegin()
	TransformRotate(angle, x, y float64)
	TransformEnd()
}

// RuneSet is the characters drawn, per face. The zero value is empty.
type RuneSet struct {
	m map[*face]map[rune]struct{}
}

func (s *RuneSet) add(f *face, rs []rune) {
	if s.m == nil {
		s.m = map[*face]map[rune]struct{}{}
	}
	set := s.m[f]
	if set == nil {
		set = map[rune]struct{}{}
		s.m[f] = set
	}
	for _, r := range rs {
		set[r] = struct{}{}
	}
}

// Add adds every character of o.
func (s *RuneSet) Add(o RuneSet) {
	for f, set := range o.m {
		rs := make([]rune, 0, len(set))
		for r := range set {
			rs = append(rs, r)
		}
		s.add(f, rs)
	}
}

// Len is the number of (face, character) pairs.
func (s RuneSet) Len() int {
	n := 0
	for _, set := range s.m {
		n += len(set)
	}
	return n
}

// DrawRunes starts a page (of the current orientation) and draws on it every
// character of rs in its face, so that the document's fonts cover them. The
// page is a font carrier, not meant to be seen: a joiner drops it.
func (d *Document) DrawRunes(rs RuneSet) {
	o := d.orient
	d.NewPage(o)
	faces := make([]*face, 0, len(rs.m))
	for f := range rs.m {
		faces = append(faces, f)
	}
	slices.SortFunc(faces, func(a, b *face) int {
		if a.key < b.key {
			return -1
		}
		if a.key > b.key {
			return 1
		}
		return 0
	})
	const perLine, size = 40, 10.0
	f0 := d.frame()
	y := f0.y
	for _, f := range faces {
		runes := make([]rune, 0, len(rs.m[f]))
		for r := range rs.m[f] {
			runes = append(runes, r)
		}
		slices.Sort(runes)
		if d.added[f] == nil {
			// Not drawn yet: cut the face to these characters (and any
			// reserved).
			if d.reserved == nil {
				d.reserved = map[*face][]uint64{}
			}
			for _, r := range runes {
				d.reserveRune(f, r)
			}
		}
		key := d.use(f, runes)
		d.used.add(f, runes)
		d.setFont(key, size)
		d.setTc(0)
		for len(runes) > 0 {
			n := min(perLine, len(runes))
			y += size * ptToMM * 1.2
			d.c.Text(f0.x, y, string(runes[:n]))
			runes = runes[n:]
		}
	}
}

// Overlay draws page numbers and labels as content streams to lay over
// pages typeset without them. Its output for page n is what NewPage draws
// for page n, with the same fonts and resource names. It is not safe for
// concurrent use.
type Overlay struct {
	d   *Document
	raw *rawCanvas
}

// NewOverlay returns an Overlay for pages of layout l set with fonts.
func NewOverlay(fonts *FontSet, l Layout) *Overlay {
	raw := &rawCanvas{ids: map[string]*face{}}
	for _, f := range fonts.faces() {
		raw.ids[f.key] = f
	}
	d := newDocument(fonts, l)
	d.c = raw
	d.pages = 1 // never start one
	return &Overlay{d: d, raw: raw}
}

// Page returns the content stream to draw over one page of orientation o:
// the page number n (none when n ≤ 0), placed as NewPage places it, and,
// unless label is "", label set in style st as the first line of the text
// block (where a paragraph set first on the page goes). The stream saves
// and restores the graphics state around what it draws.
func (o *Overlay) Page(orient Orientation, n int, label string, st Style) ([]byte, error) {
	d, raw := o.d, o.raw
	raw.buf.Reset()
	raw.err = nil
	raw.h = d.l.PageHeight
	if orient == Landscape {
		raw.h = d.l.PageWidth
	}
	d.orient = orient
	d.text = textState{}
	d.y = d.frame().y
	raw.RawWriteStr("q")
	if n > 0 {
		d.pageNumber(n)
	}
	if label != "" {
		d.Paragraph(label, st)
	}
	raw.RawWriteStr("Q")
	if raw.err != nil {
		return nil, raw.err
	}
	return bytes.Clone(raw.buf.Bytes()), nil
}

// Runes is every character the overlay has drawn so far, per face.
func (o *Overlay) Runes() RuneSet { return o.d.Runes() }

// NumberRunes is the characters any page number can be drawn with, per
// face: a document whose pages get numbers as overlays draws them
// (DrawRunes) so that its own fonts cover its numbers.
func (o *Overlay) NumberRunes(orient Orientation) (RuneSet, error) {
	scratch := NewOverlay(o.d.fonts, o.d.l)
	if _, err := scratch.Page(orient, 1234567890, "", Style{}); err != nil {
		return RuneSet{}, err
	}
	return scratch.Runes(), nil
}

// rawCanvas writes the operators fpdf writes for the same calls (unit mm),
// into buf.
type rawCanvas struct {
	buf bytes.Buffer
	h   float64 // page height, mm
	ids map[string]*face
	err error
}

const mmToPt = 72.0 / 25.4 // fpdf's scale factor k for the unit "mm"

func (c *rawCanvas) SetFont(family, style string, size float64) {
	f := c.ids[family]
	if f == nil {
		c.err = fmt.Errorf("overlay: no face %q", family)
		return
	}
	fmt.Fprintf(&c.buf, "BT /%s %.2f Tf ET\n", overlayFontName(f.key), size)
}

// overlayFontName is the resource name an overlay gives the face with the
// given key: its BaseFont in any PDF fpdf writes.
func overlayFontName(key string) string { return "utf8" + key }

func (c *rawCanvas) RawWriteStr(s string) {
	c.buf.WriteString(s)
	c.buf.WriteByte('\n')
}

func (c *rawCanvas) Text(x, y float64, s string) {
	fmt.Fprintf(&c.buf, "BT %.2f %.2f Td (%s) Tj ET\n", x*mmToPt, (c.h-y)*mmToPt, escapeUTF16(s))
}

func (c *rawCanvas) TransformBegin() { c.RawWriteStr("q") }

func (c *rawCanvas) TransformRotate(angle, x, y float64) {
	y = (c.h - y) * mmToPt
	x *= mmToPt
	angle = angle * math.Pi / 180
	a, b := math.Cos(angle), math.Sin(angle)
	cc, dd := -b, a
	e := x + b*y - a*x
	f := y - a*y - b*x
	fmt.Fprintf(&c.buf, "%.5f %.5f %.5f %.5f %.5f %.5f cm\n", a, b, cc, dd, e, f)
}

func (c *rawCanvas) TransformEnd() { c.RawWriteStr("Q") }

// escapeUTF16 is s as UTF-16BE in a PDF literal string, escaped as fpdf
// escapes it. Only BMP characters reach here (Document.clean).
func escapeUTF16(s string) string {
	b := make([]byte, 0, 2*len(s))
	for _, r := range s {
		if r > 0xFFFF {
			r = 0xFFFD
		}
		for _, c := range []byte{byte(r >> 8), byte(r)} {
			switch c {
			case '\\', '(', ')':
				b = append(b, '\\', c)
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, c)
			}
		}
	}
	return string(b)
}
