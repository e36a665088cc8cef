package typeset

import (
	"bytes"
	"math/bits"
	"slices"
	"strings"
)

// Pages typeset once can be joined into several PDFs (package pdfjoin): a
// village's ledger is both an attachment of the town notice and a file of
// its own. Such pages are typeset without page numbers (SetPageNumbers);
// their numbers and labels, which differ from one PDF to the other, are
// drawn by an Overlay as a small content stream of their own, and the
// joined PDF embeds one set of fonts covering every character drawn
// (RuneSet, WriteFontSource). This works because fpdf writes text in a
// UTF-8 face as 2-byte codes equal to the Unicode value, and so do page
// sets (NewPageSet) and overlays: a page's stream does not depend on which
// subset of the face its document embedded. fpdf names a
// face's resource /F<sha1 of its metrics>, which differs with the subset,
// so a joiner matches fonts by their BaseFont ("utf8" + the face's key),
// and an overlay names a face by that BaseFont itself (/utf8<key>).

// canvas is what drawing needs of a PDF: fpdf itself, or a page set's or an
// overlay's content stream written with fpdf's operators.
type canvas interface {
	SetFont(family, style string, size float64)
	RawWriteStr(s string)
	Text(x, y float64, s string)
	TransformBegin()
	TransformRotate(angle, x, y float64)
	TransformEnd()
	SetLineWidth(w float64)
	SetDrawColor(r, g, b int)
	Rect(x, y, w, h float64, style string)
}

// RuneSet is the characters drawn, per face. The zero value is empty. A
// face's characters are a bitset of the BMP (8 KB; a map of the 1,500
// characters a ledger draws took more, and an insertion for every glyph
// drawn): only BMP characters are drawn (Document.clean).
type RuneSet struct {
	m map[*face]*runeBits
}

type runeBits [0x10000 / 64]uint64

// bits returns f's bitset, made on first use.
func (s *RuneSet) bits(f *face) *runeBits {
	if s.m == nil {
		s.m = map[*face]*runeBits{}
	}
	b := s.m[f]
	if b == nil {
		b = new(runeBits)
		s.m[f] = b
	}
	return b
}

func (s *RuneSet) add(f *face, rs []rune) {
	b := s.bits(f)
	for _, r := range rs {
		if r >= 0 && r <= 0xFFFF {
			b[r>>6] |= 1 << (uint(r) & 63)
		}
	}
}

// Add adds every character of o.
func (s *RuneSet) Add(o RuneSet) {
	for f, ob := range o.m {
		b := s.bits(f)
		for i, w := range ob {
			b[i] |= w
		}
	}
}

// Len is the number of (face, character) pairs.
func (s RuneSet) Len() int {
	n := 0
	for _, b := range s.m {
		for _, w := range b {
			n += bits.OnesCount64(w)
		}
	}
	return n
}

// faces lists the faces of s, by key.
func (s RuneSet) faces() []*face {
	out := make([]*face, 0, len(s.m))
	for f := range s.m {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b *face) int { return strings.Compare(a.key, b.key) })
	return out
}

// runes lists f's characters in s, ascending.
func (s RuneSet) runes(f *face) []rune {
	b := s.m[f]
	if b == nil {
		return nil
	}
	var out []rune
	for i, w := range b {
		for ; w != 0; w &= w - 1 {
			out = append(out, rune(64*i+bits.TrailingZeros64(w)))
		}
	}
	return out
}

// Overlay draws page numbers and labels as content streams to lay over
// pages typeset without them. Its output for page n is what NewPage draws
// for page n, with the same fonts and resource names. It is not safe for
// concurrent use.
type Overlay struct {
	d   *Document
	raw *pageCanvas
}

// NewOverlay returns an Overlay for pages of layout l set with fonts.
func NewOverlay(fonts *FontSet, l Layout) *Overlay {
	raw := &pageCanvas{}
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
	h := d.l.PageHeight
	if orient == Landscape {
		h = d.l.PageWidth
	}
	raw.start(h)
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
	return bytes.Clone(raw.buf), nil
}

// Runes is every character the overlay has drawn so far, per face.
func (o *Overlay) Runes() RuneSet { return o.d.Runes() }

// NumberRunes is the characters any page number can be drawn with, per
// face: the fonts of a document whose pages get numbers as overlays must
// cover them (WriteFontSource).
func (o *Overlay) NumberRunes(orient Orientation) (RuneSet, error) {
	scratch := NewOverlay(o.d.fonts, o.d.l)
	if _, err := scratch.Page(orient, 1234567890, "", Style{}); err != nil {
		return RuneSet{}, err
	}
	return scratch.Runes(), nil
}

const mmToPt = 72.0 / 25.4 // fpdf's scale factor k for the unit "mm"

// overlayFontName is the resource name an overlay or a page set gives the
// face with the given key: its BaseFont in any PDF fpdf writes.
func overlayFontName(key string) string { return "utf8" + key }
