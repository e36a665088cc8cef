package typeset

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// A page set is a Document whose pages are meant to be joined into other
// PDFs (package pdfjoin), never read by themselves: a village's ledger is
// typeset once and joined into both the town notice and the village's own
// file, each of which embeds one set of fonts of its own (WriteFontSource).
// Its content streams are written here, operator for operator what fpdf
// writes for the same drawing, and its fonts are only named — by BaseFont,
// "utf8" + the face's key, as the joiner matches them — not embedded. fpdf
// would register every face with each document (parsing it, and deriving a
// font ID from a JSON dump of its metrics) and cut and compress it again
// when writing, only for the joiner to drop it: for a ledger of a hundred
// pages that was a third of the time spent making it.

// NewPageSet starts an empty page set: a Document written by Write as a
// PDF whose pages draw with fonts it names but does not embed. Join its
// pages with pdfjoin, taking the fonts from a WriteFontSource of its
// Runes.
func NewPageSet(fonts *FontSet, l Layout) *Document {
	d := newDocument(fonts, l)
	d.set = &pageSet{}
	d.c = &d.set.canvas
	return d
}

// pageSet holds a page set's finished pages, each content stream
// compressed once as its page ends.
type pageSet struct {
	canvas pageCanvas
	pages  []setPage
	zbuf   bytes.Buffer
	err    error
}

// setPage is one finished page: its size in points and its compressed
// content stream.
type setPage struct {
	w, h    float64
	content []byte
}

// newPage ends the current page, if any, and starts one of orientation o.
func (s *pageSet) newPage(l Layout, o Orientation) {
	s.endPage()
	w, h := l.PageWidth, l.PageHeight
	if o == Landscape {
		w, h = h, w
	}
	s.canvas.start(h)
	s.pages = append(s.pages, setPage{w: w * mmToPt, h: h * mmToPt})
}

// endPage compresses the current page's stream (BestSpeed: the streams
// are many and each is compressed once, as pdfjoin compresses what it
// copies).
func (s *pageSet) endPage() {
	if len(s.pages) == 0 || s.pages[len(s.pages)-1].content != nil {
		return
	}
	s.zbuf.Reset()
	zw := getDeflater(&s.zbuf)
	_, err := zw.Write(s.canvas.buf)
	if err == nil {
		err = zw.Close()
	}
	putDeflater(zw)
	if err != nil && s.err == nil {
		s.err = err
	}
	s.pages[len(s.pages)-1].content = bytes.Clone(s.zbuf.Bytes())
}

// write writes the set as a PDF: the pages, one resource dictionary naming
// the faces drawn with, a stub font per face (its BaseFont only), the page
// tree and the catalog.
// sizeHint is about the bytes write writes (a little more): its pages'
// streams and what each object around them takes.
func (s *pageSet) sizeHint(faces int) int {
	s.endPage()
	n := 512 + 96*faces
	for _, pg := range s.pages {
		n += len(pg.content) + 192
	}
	return n
}

func (s *pageSet) write(w io.Writer, faces []string) error {
	s.endPage()
	if s.err != nil {
		return fmt.Errorf("生成 PDF：%w", s.err)
	}
	p := &pdfOut{w: w}
	p.put("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	// 1 the page tree, 2 the resources, 3… the fonts, then each page's
	// content and page objects, then the catalog.
	const pagesNum, resNum = 1, 2
	firstPage := 3 + len(faces)
	p.begin(resNum)
	p.put("<</Font <<")
	for i, key := range faces {
		p.put(" /" + overlayFontName(key) + " " + strconv.Itoa(3+i) + " 0 R")
	}
	p.put(" >> >>\nendobj\n")
	for i, key := range faces {
		p.begin(3 + i)
		p.put("<</Type /Font /Subtype /Type0 /BaseFont /" + overlayFontName(key) + ">>\nendobj\n")
	}
	var kids []byte
	for i, pg := range s.pages {
		cnum, pnum := firstPage+2*i, firstPage+2*i+1
		p.begin(cnum)
		p.put("<</Filter /FlateDecode /Length " + strconv.Itoa(len(pg.content)) + ">>\nstream\n")
		p.putBytes(pg.content)
		p.put("\nendstream\nendobj\n")
		p.begin(pnum)
		p.put("<</Type /Page /Parent 1 0 R /MediaBox [0 0 " + fmtPt(pg.w) + " " + fmtPt(pg.h) +
			"] /Resources 2 0 R /Contents " + strconv.Itoa(cnum) + " 0 R>>\nendobj\n")
		if i > 0 {
			kids = append(kids, ' ')
		}
		kids = strconv.AppendInt(kids, int64(pnum), 10)
		kids = append(kids, " 0 R"...)
	}
	p.begin(pagesNum)
	p.put("<</Type /Pages /Kids [" + string(kids) + "] /Count " + strconv.Itoa(len(s.pages)) + ">>\nendobj\n")
	catalog := firstPage + 2*len(s.pages)
	p.begin(catalog)
	p.put("<</Type /Catalog /Pages 1 0 R>>\nendobj\n")
	return p.finish(catalog)
}

func fmtPt(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// pdfOut writes a PDF's objects, noting where each begins, and its
// cross-reference table.
type pdfOut struct {
	w    io.Writer
	n    int64
	offs []int64 // by object number; offs[0] unused
	err  error
}

func (p *pdfOut) put(s string) {
	if p.err != nil {
		return
	}
	n, err := io.WriteString(p.w, s)
	p.n += int64(n)
	p.err = err
}

func (p *pdfOut) putBytes(b []byte) {
	if p.err != nil {
		return
	}
	n, err := p.w.Write(b)
	p.n += int64(n)
	p.err = err
}

func (p *pdfOut) begin(num int) {
	for len(p.offs) <= num {
		p.offs = append(p.offs, -1)
	}
	p.offs[num] = p.n
	p.put(strconv.Itoa(num) + " 0 obj\n")
}

// finish writes the cross-reference table and the trailer.
func (p *pdfOut) finish(root int) error {
	xref := p.n
	p.put("xref\n0 " + strconv.Itoa(len(p.offs)) + "\n0000000000 65535 f \n")
	for _, off := range p.offs[1:] {
		if off < 0 {
			return errors.New("生成 PDF：有对象未写出")
		}
		p.put(fmt.Sprintf("%010d 00000 n \n", off))
	}
	p.put("trailer\n<</Size " + strconv.Itoa(len(p.offs)) + " /Root " + strconv.Itoa(root) + " 0 R>>\nstartxref\n" +
		strconv.FormatInt(xref, 10) + "\n%%EOF\n")
	return p.err
}

// pageCanvas writes one page's content stream: the operators fpdf writes
// for the same calls (unit mm), without repeating a line width or a stroke
// colour the page already has.
type pageCanvas struct {
	buf []byte
	h   float64 // page height, mm
	// lw is the line width set on the page (mm), 0 for none yet; stroke
	// whether the stroke colour is set.
	lw     float64
	stroke bool
}

func (c *pageCanvas) start(h float64) {
	c.buf = c.buf[:0]
	c.h = h
	c.lw, c.stroke = 0, false
}

// num appends v in points as fpdf's %.2f does: strconv's correctly
// rounded two decimals, computed in integers when v is not within a
// millionth of a hundredth of a tie, where scaling by 100 could round
// otherwise (the numbers of a page are most of its stream).
func (c *pageCanvas) num(v float64) {
	n := v * 100
	r := math.Round(n)
	if math.Abs(n) >= 1<<53 || math.Abs(math.Abs(n-r)-0.5) < 1e-6 {
		c.buf = strconv.AppendFloat(c.buf, v, 'f', 2, 64)
		return
	}
	i := int64(r)
	if math.Signbit(v) {
		c.buf = append(c.buf, '-') // as strconv: -0.001 is "-0.00"
		i = -i
	}
	c.buf = strconv.AppendInt(c.buf, i/100, 10)
	c.buf = append(c.buf, '.', byte('0'+i/10%10), byte('0'+i%10))
}

func (c *pageCanvas) SetFont(family, style string, size float64) {
	c.buf = append(c.buf, "BT /"...)
	c.buf = append(c.buf, overlayFontName(family)...)
	c.buf = append(c.buf, ' ')
	c.num(size)
	c.buf = append(c.buf, " Tf ET\n"...)
}

func (c *pageCanvas) RawWriteStr(s string) {
	c.buf = append(c.buf, s...)
	c.buf = append(c.buf, '\n')
}

func (c *pageCanvas) Text(x, y float64, s string) {
	c.buf = append(c.buf, "BT "...)
	c.num(x * mmToPt)
	c.buf = append(c.buf, ' ')
	c.num((c.h - y) * mmToPt)
	c.buf = append(c.buf, " Td ("...)
	c.buf = appendUTF16(c.buf, s)
	c.buf = append(c.buf, ") Tj ET\n"...)
}

// textRunes is Text for runes, without making a string of them.
func (c *pageCanvas) textRunes(x, y float64, rs []rune) {
	c.buf = append(c.buf, "BT "...)
	c.num(x * mmToPt)
	c.buf = append(c.buf, ' ')
	c.num((c.h - y) * mmToPt)
	c.buf = append(c.buf, " Td ("...)
	for _, r := range rs {
		c.buf = appendUTF16Rune(c.buf, r)
	}
	c.buf = append(c.buf, ") Tj ET\n"...)
}

// charSpacing sets the character spacing (Tc) to v points.
func (c *pageCanvas) charSpacing(v float64) {
	c.buf = strconv.AppendFloat(c.buf, v, 'f', 4, 64)
	c.buf = append(c.buf, " Tc\n"...)
}

func (c *pageCanvas) TransformBegin() { c.RawWriteStr("q") }

func (c *pageCanvas) TransformRotate(angle, x, y float64) {
	c.buf = append(c.buf, rotation(angle, x, y, c.h)...)
}

func (c *pageCanvas) TransformEnd() { c.RawWriteStr("Q") }

func (c *pageCanvas) SetLineWidth(w float64) {
	if c.lw == w {
		return
	}
	c.lw = w
	c.num(w * mmToPt)
	c.buf = append(c.buf, " w\n"...)
}

func (c *pageCanvas) SetDrawColor(r, g, b int) {
	if r != 0 || g != 0 || b != 0 {
		panic("typeset: only black rules are drawn")
	}
	if c.stroke {
		return
	}
	c.stroke = true
	c.buf = append(c.buf, "0.000 G\n"...)
}

func (c *pageCanvas) Rect(x, y, w, h float64, style string) {
	c.num(x * mmToPt)
	c.buf = append(c.buf, ' ')
	c.num((c.h - y) * mmToPt)
	c.buf = append(c.buf, ' ')
	c.num(w * mmToPt)
	c.buf = append(c.buf, ' ')
	c.num(-h * mmToPt)
	c.buf = append(c.buf, " re S\n"...)
}

// rotation is fpdf's TransformRotate: the cm operator turning the page
// angle degrees about (x, y), in mm on a page h mm high.
func rotation(angle, x, y, h float64) string {
	y = (h - y) * mmToPt
	x *= mmToPt
	angle = angle * math.Pi / 180
	a, b := math.Cos(angle), math.Sin(angle)
	cc, dd := -b, a
	e := x + b*y - a*x
	f := y - a*y - b*x
	// What fmt's "%.5f" writes for each, without fmt: one per page number.
	out := make([]byte, 0, 96)
	for _, v := range [...]float64{a, b, cc, dd, e, f} {
		out = strconv.AppendFloat(out, v, 'f', 5, 64)
		out = append(out, ' ')
	}
	return string(append(out, "cm\n"...))
}

// appendUTF16 appends s as UTF-16BE in a PDF literal string, escaped as
// fpdf escapes it. Only BMP characters reach here (Document.clean).
func appendUTF16(b []byte, s string) []byte {
	for _, r := range s {
		b = appendUTF16Rune(b, r)
	}
	return b
}

// appendUTF16Rune appends one character of appendUTF16.
func appendUTF16Rune(b []byte, r rune) []byte {
	if r > 0xFFFF {
		r = 0xFFFD
	}
	for _, c := range [2]byte{byte(r >> 8), byte(r)} {
		switch c {
		case '\\', '(', ')':
			b = append(b, '\\', c)
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return b
}

// setFaces is the keys of the faces a page set draws with, sorted.
func (d *Document) setFaces() []string {
	var keys []string
	for _, f := range d.used.faces() {
		keys = append(keys, f.key)
	}
	return keys
}
