package typeset

import (
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Layout is the page geometry of a document, in millimetres and points. The
// text block is given for a portrait page; landscape pages turn it with the
// paper.
type Layout struct {
	PageWidth, PageHeight   float64   // the portrait page, mm (A4: 210 × 297)
	Top, Left               float64   // page edge to text block (天头, 订口), mm
	BlockWidth, BlockHeight float64   // the text block (版心), mm
	Lines, Chars            int       // the body grid: lines per page, characters per line
	BodySize                float64   // body text, pt (三号 = 16)
	PageNumberSize          float64   // page numbers, pt (四号 = 14)
	PageNumberGap           float64   // block's lower edge to the top of the page number, mm
	Date                    time.Time // written as the PDF's creation and modification date; zero = 2000-01-01
}

// Official returns the layout of GB/T 9704-2012: A4, top margin 37 mm, left
// margin 28 mm, a 156 × 225 mm text block holding 22 lines of 28 characters
// of 16 pt, page numbers in 14 pt 7 mm below the block.
func Official() Layout {
	return Layout{
		PageWidth: 210, PageHeight: 297,
		Top: 37, Left: 28,
		BlockWidth: 156, BlockHeight: 225,
		Lines: 22, Chars: 28,
		BodySize: 16, PageNumberSize: 14,
		PageNumberGap: 7,
	}
}

const (
	ptToMM = 25.4 / 72
	// emAscent is where the baseline sits below the top of a CJK em box
	// (the ideographic em box of Noto CJK, SimSun and FangSong: 880/1000).
	emAscent = 0.88
	// placeholder is drawn for a character no font has (〓, the
	// typesetter's mark for a missing character).
	placeholder = '〓'
)

// Document is a PDF being laid out. It is not safe for concurrent use; many
// Documents may share one FontSet.
type Document struct {
	pdf *fpdf.Fpdf
	// set, when not nil, holds the pages of a page set (NewPageSet),
	// which has no fpdf document.
	set *pageSet
	// c receives the drawing: the fpdf document, a page set's current
	// page, or an overlay's content stream.
	c     canvas
	fonts *FontSet
	l     Layout
	first int // number printed on the first page
	// noNumbers leaves the page numbers out, for pages that get them as an
	// overlay when joined (SetPageNumbers).
	noNumbers bool
	// used is every character drawn, per face (Runes).
	used   RuneSet
	pages  int
	orient Orientation
	y      float64 // top of the next line on the current page, mm
	// tracking is added to every character's advance, as a fraction of the
	// font size, so that Chars characters fill BlockWidth exactly.
	tracking float64
	added    map[*face]*faceUse
	// reserved is, when Reserve was called, the characters each face may
	// draw: the face is handed to fpdf cut down to them.
	reserved map[*face][]uint64
	missing  []MissingGlyph
	seen     map[rune]bool
	// advs, xs and stretch are drawLine's scratch space.
	advs, xs []float64
	stretch  []bool
	// text is the font, size and character spacing in the page's graphics
	// state, so that drawing a run does not repeat them (they were half of
	// every table page's content stream).
	text textState
}

// textState is what the current page's content stream last set; the zero
// value knows nothing, so the next run sets both.
type textState struct {
	key         string
	size, tc    float64
	font, tcSet bool
}

// setFont selects a face at size, unless the page already has it.
func (d *Document) setFont(key string, size float64) {
	if d.text.font && d.text.key == key && d.text.size == size {
		return
	}
	d.c.SetFont(key, "", size)
	d.text.key, d.text.size, d.text.font = key, size, true
}

// setTc sets the character spacing (Tc) to tc mm, unless it is already so.
func (d *Document) setTc(tc float64) {
	if d.text.tcSet && d.text.tc == tc {
		return
	}
	if pc, ok := d.c.(*pageCanvas); ok {
		pc.charSpacing(tc / ptToMM)
	} else {
		d.c.RawWriteStr(strconv.FormatFloat(tc/ptToMM, 'f', 4, 64) + " Tc")
	}
	d.text.tc, d.text.tcSet = tc, true
}

// NewDocument starts an empty document.
func NewDocument(fonts *FontSet, l Layout) *Document {
	date := l.Date
	if date.IsZero() {
		date = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	p := fpdf.NewCustom(&fpdf.InitType{
		UnitStr: "mm",
		Size:    fpdf.SizeType{Wd: l.PageWidth, Ht: l.PageHeight},
	})
	p.SetMargins(0, 0, 0)
	p.SetAutoPageBreak(false, 0)
	p.SetCompression(true)
	p.SetCatalogSort(true)
	p.SetCreationDate(date)
	p.SetModificationDate(date)
	p.SetProducer("taizhang", false)
	d := newDocument(fonts, l)
	d.pdf, d.c = p, p
	return d
}

// newDocument is a Document without its PDF: the caller sets pdf and c.
func newDocument(fonts *FontSet, l Layout) *Document {
	if l.Lines <= 0 || l.Chars <= 0 || l.BodySize <= 0 {
		def := Official()
		l.Lines, l.Chars, l.BodySize = def.Lines, def.Chars, def.BodySize
	}
	if l.PageNumberSize <= 0 {
		l.PageNumberSize = 14
	}
	return &Document{
		fonts:    fonts,
		l:        l,
		first:    1,
		tracking: l.BlockWidth/(float64(l.Chars)*l.BodySize*ptToMM) - 1,
		added:    map[*face]*faceUse{},
		seen:     map[rune]bool{},
	}
}

// SetPageNumbers turns the page numbers off (or back on) for the pages
// started from now on. A document typeset without them gets them, and any
// label, as overlays when it is joined to others (Overlay, package pdfjoin).
func (d *Document) SetPageNumbers(on bool) { d.noNumbers = !on }

// Runes returns every character drawn so far, per face: what the fonts of a
// joined document must cover for these pages.
func (d *Document) Runes() RuneSet {
	var s RuneSet
	s.Add(d.used)
	return s
}

// SetFirstPageNumber sets the number printed on the first page (1 unless
// the document continues another one).
func (d *Document) SetFirstPageNumber(n int) { d.first = n }

// SetCompression turns the compression of page content off (it is on by
// default), for a document whose pages are copied into another PDF that
// compresses them (pdfjoin.Writer.SetCompression).
func (d *Document) SetCompression(on bool) {
	if d.pdf != nil {
		d.pdf.SetCompression(on)
	}
}

// SetInfo sets the PDF's title and author metadata.
func (d *Document) SetInfo(title, author string) {
	if d.pdf == nil {
		return // a page set's pages take the info of the PDF they join
	}
	d.pdf.SetTitle(title, true)
	d.pdf.SetAuthor(author, true)
}

// Pages returns the number of pages so far.
func (d *Document) Pages() int { return d.pages }

// Missing returns the characters no font could draw, each once, in order of
// first appearance.
func (d *Document) Missing() []MissingGlyph { return append([]MissingGlyph(nil), d.missing...) }

// SizeHint is about the size of what Write writes, a little more, for a
// page set (NewPageSet); 0 for other documents.
func (d *Document) SizeHint() int {
	if d.set == nil {
		return 0
	}
	return d.set.sizeHint(len(d.setFaces()))
}

// Write writes the PDF. The bytes depend only on the content and Layout.Date.
func (d *Document) Write(w io.Writer) error {
	if d.pages == 0 {
		d.NewPage(Portrait)
	}
	if d.set != nil {
		return d.set.write(w, d.setFaces())
	}
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("生成 PDF：%w", err)
	}
	return d.pdf.Output(w)
}

// frame is the text block of the current page, in the page's own
// coordinates.
type frame struct{ x, y, w, h float64 }

func (d *Document) frame() frame {
	l := d.l
	if d.orient == Landscape {
		// The sheet turned a quarter clockwise: its left edge (the binding)
		// is now at the top, its bottom edge at the left.
		return frame{x: l.PageHeight - l.Top - l.BlockHeight, y: l.Left, w: l.BlockHeight, h: l.BlockWidth}
	}
	return frame{x: l.Left, y: l.Top, w: l.BlockWidth, h: l.BlockHeight}
}

// pitch is the distance between the lines of the body grid.
func (d *Document) pitch() float64 { return d.l.BlockHeight / float64(d.l.Lines) }

// NewPage starts a page. Its text starts at the top of the block.
func (d *Document) NewPage(o Orientation) {
	d.orient = o
	d.text = textState{} // every page starts from the default graphics state
	switch {
	case d.set != nil:
		d.set.newPage(d.l, o)
	case d.pdf == nil:
		// An overlay: one page, whose stream the Overlay manages.
		d.pages++
		d.y = d.frame().y
		return
	case o == Landscape:
		d.pdf.AddPageFormat("L", fpdf.SizeType{Wd: d.l.PageWidth, Ht: d.l.PageHeight})
	default:
		d.pdf.AddPageFormat("P", fpdf.SizeType{Wd: d.l.PageWidth, Ht: d.l.PageHeight})
	}
	d.pages++
	d.y = d.frame().y
	if !d.noNumbers {
		d.pageNumber(d.first + d.pages - 1)
	}
}

// pageNumber prints "— n —" 7 mm below the block, one character in from its
// right edge on odd pages and from its left edge on even pages. On a
// landscape page it goes where it would be on the sheet held upright, turned
// with the sheet, so that all numbers of a bound document line up.
func (d *Document) pageNumber(n int) {
	l := d.l
	size := l.PageNumberSize
	sizeMM := size * ptToMM
	// "— n —": em dashes set off from the digits by a third of an em.
	parts := [][]rune{[]rune("—"), []rune(strconv.Itoa(n)), []rune("—")}
	gap := sizeMM / 3
	widths := make([]float64, len(parts))
	width := 2 * gap
	for i, p := range parts {
		for _, r := range p {
			widths[i] += float64(d.fonts.faceFor(RoleSong, r).adv[r]) / 1000 * sizeMM
		}
		width += widths[i]
	}
	// Position on the upright sheet.
	x := l.Left + sizeMM
	if n%2 != 0 {
		x = l.Left + l.BlockWidth - sizeMM - width
	}
	base := l.Top + l.BlockHeight + l.PageNumberGap + emAscent*sizeMM
	draw := func(x, base float64) {
		for i, p := range parts {
			d.drawRun(p, RoleSong, size, false, x, base, -sizeMM*d.tracking)
			x += widths[i] + gap
		}
	}
	if d.orient == Portrait {
		draw(x, base)
		return
	}
	lx, ly := l.PageHeight-base, x
	d.c.TransformBegin()
	d.c.TransformRotate(-90, lx, ly)
	draw(lx, ly)
	d.c.TransformEnd()
	d.text = textState{} // Q restored what the page had before q
}

// ensurePage opens a portrait page if there is none yet.
func (d *Document) ensurePage() {
	if d.pages == 0 {
		d.NewPage(Portrait)
	}
}

// room makes sure a line of height h fits below d.y, turning the page if not.
func (d *Document) room(h float64) {
	d.ensurePage()
	f := d.frame()
	if d.y+h > f.y+f.h+0.01 {
		d.NewPage(d.orient)
	}
}

// LinesLeft returns how many more lines of the body grid fit on the current
// page (0 before the first page), so that a caller can keep lines together.
func (d *Document) LinesLeft() int {
	if d.pages == 0 {
		return 0
	}
	f := d.frame()
	sizeMM := d.l.BodySize * ptToMM
	n := 0
	for y := d.y; y+sizeMM <= f.y+f.h+0.01; y += d.pitch() {
		n++
	}
	return n
}

// BlankLines leaves n lines of the body grid empty.
func (d *Document) BlankLines(n int) {
	d.ensurePage()
	d.y += float64(n) * d.pitch()
}

// Title sets a document title: 22 pt in the title face, centred, long
// titles broken into lines of even length.
func (d *Document) Title(text string) {
	d.Paragraph(text, Style{Role: RoleTitle, Size: 22, Align: Center, Balanced: true})
}

// norm fills in a style's defaults.
func (d *Document) norm(st Style) Style {
	if st.Size <= 0 {
		st.Size = d.l.BodySize
	}
	if st.LineHeight <= 0 {
		st.LineHeight = d.pitch()
		if sz := st.Size * ptToMM * 1.15; sz > st.LineHeight {
			st.LineHeight = sz
		}
	}
	return st
}

// em is the advance of one ideograph at size, the unit of indents.
func (d *Document) em(size float64) float64 { return size * ptToMM * (1 + d.tracking) }

// Width returns how far text advances when set in style st, in characters
// of st's size (the unit of indents), so that a caller can place one line
// against another (a signature's date under its issuer).
func (d *Document) Width(text string, st Style) float64 {
	st = d.norm(st)
	measure := d.measurer(st.Role, st.Size)
	w := 0.0
	for _, r := range text {
		w += measure(r)
	}
	return w / d.em(st.Size)
}

// Paragraph sets text as one paragraph per explicit line break, broken into
// lines by the clreq rules and justified, continuing onto new pages of the
// current orientation as needed.
func (d *Document) Paragraph(text string, st Style) {
	st = d.norm(st)
	d.ensurePage()
	for _, hard := range splitHard(text) {
		d.paragraph([]rune(hard), st)
		st.Lead = 0 // a run-in heading leads the first line only
	}
}

func (d *Document) paragraph(rs []rune, st Style) {
	rs = d.clean(rs, st.Role)
	em := d.em(st.Size)
	lines := d.breakParagraph(rs, st)
	// starts[i] is where line i begins in rs, to tell how much of the
	// run-in heading it holds.
	starts := make([]int, len(lines))
	for i := 1; i < len(lines); i++ {
		starts[i] = starts[i-1] + len(lines[i-1])
	}
	sizeMM := st.Size * ptToMM
	// fits is how many lines of this paragraph fit below d.y.
	fits := func() int {
		f := d.frame()
		n := 0
		for y := d.y; y+sizeMM <= f.y+f.h+0.01; y += st.LineHeight {
			n++
		}
		return n
	}
	// A page holds at least two lines of a paragraph and leaves at least
	// two for the next: a line moves, never a single line alone at the
	// foot or the top of a page. The grid stays; the page ends short.
	draw := func(i int) {
		f := d.frame()
		indent := st.HangIndent * em
		if i == 0 {
			indent = st.FirstIndent * em
		}
		avail := f.w - st.RightIndent*em - indent
		align := st.Align
		if align == Justify && i == len(lines)-1 {
			align = Left
		}
		lst := st
		lst.Lead = min(max(st.Lead-starts[i], 0), len(lines[i]))
		d.drawLine(lines[i], lst, f.x+indent, avail, d.y+emAscent*sizeMM, align)
		d.y += st.LineHeight
	}
	for i := 0; i < len(lines); {
		left, take := len(lines)-i, fits()
		top := d.y <= d.frame().y+0.01
		if take < left {
			if left-take == 1 && take > 1 {
				take-- // no widow: a line moves over with the last
			}
			if i == 0 && take < 2 && !top {
				take = 0 // no orphan: the paragraph starts on the next page
			}
		}
		if take <= 0 {
			d.NewPage(d.orient)
			continue
		}
		for k := 0; k < take && i < len(lines); k++ {
			draw(i)
			i++
		}
		if i < len(lines) {
			d.NewPage(d.orient)
		}
	}
}

// Lines returns how many lines text takes when set as a paragraph in style
// st, so that a caller can keep a heading with the text below it.
func (d *Document) Lines(text string, st Style) int {
	st = d.norm(st)
	n := 0
	for _, hard := range splitHard(text) {
		n += len(d.breakParagraph(d.clean([]rune(hard), st.Role), st))
		st.Lead = 0
	}
	return n
}

// breakParagraph breaks cleaned text rs into the lines of a paragraph in
// style st across the current frame: the first line narrowed by the first
// indent, the rest by the hanging indent, all by the right indent, and
// every line the same width when st is balanced. Paragraph and Lines both
// break through it, so a heading kept with its text counts the lines the
// text will really take.
func (d *Document) breakParagraph(rs []rune, st Style) [][]rune {
	em := d.em(st.Size)
	full := d.frame().w - st.RightIndent*em
	width := func(i int) float64 {
		if i == 0 {
			return full - st.FirstIndent*em
		}
		return full - st.HangIndent*em
	}
	measure := d.styleMeasurer(st)
	if st.Balanced {
		bw := balancedWidth(string(rs), width(0), measure)
		width = func(int) float64 { return bw }
	}
	return breakHard(rs, width, measure)
}

// Text sets one line that is never broken, at the current line.
func (d *Document) Text(text string, st Style) {
	st = d.norm(st)
	rs := d.clean([]rune(text), st.Role)
	sizeMM := st.Size * ptToMM
	d.room(sizeMM)
	f := d.frame()
	em := d.em(st.Size)
	indent := st.FirstIndent * em
	align := st.Align
	if align == Justify {
		align = Left
	}
	d.drawLine(rs, st, f.x+indent, f.w-indent-st.RightIndent*em, d.y+emAscent*sizeMM, align)
	d.y += st.LineHeight
}

// clean replaces what cannot be drawn: a tab by a space, a character no face
// has (or one above U+FFFF, which the PDF library cannot embed) by the
// placeholder, recording it.
func (d *Document) clean(rs []rune, role Role) []rune {
	if d.drawable(rs, role) {
		return rs
	}
	out := make([]rune, 0, len(rs))
	for i, r := range rs {
		if r == '\t' {
			r = ' '
		}
		if a, ok := d.fonts.alias[r]; ok {
			r = a // above U+FFFF: its private-use code in its face
		}
		if d.fonts.faceFor(role, r) != nil {
			out = append(out, r)
			continue
		}
		if !d.seen[r] {
			d.seen[r] = true
			lo, hi := max(0, i-8), min(len(rs), i+9)
			d.missing = append(d.missing, MissingGlyph{Rune: r, Context: string(rs[lo:hi])})
		}
		if d.fonts.faceFor(role, placeholder) != nil {
			out = append(out, placeholder)
		}
	}
	return out
}

// drawable reports whether clean would leave rs as it is.
func (d *Document) drawable(rs []rune, role Role) bool {
	for _, r := range rs {
		if r == '\t' || d.fonts.faceFor(role, r) == nil {
			return false
		}
		if _, ok := d.fonts.alias[r]; ok {
			return false
		}
	}
	return true
}

// advance is the width of r in f at size points, tracking included, in mm.
func (d *Document) advance(f *face, r rune, size float64) float64 {
	sizeMM := size * ptToMM
	if f == nil {
		return sizeMM
	}
	return float64(f.adv[r])/1000*sizeMM + sizeMM*d.tracking
}

// styleMeasurer measures a paragraph's characters for line breaking: in
// its face, or, with a run-in heading, in the wider of its two faces, so
// that no line is broken too long whichever face a character is set in.
func (d *Document) styleMeasurer(st Style) func(rune) float64 {
	body := d.measurer(st.Role, st.Size)
	if st.Lead <= 0 || st.LeadRole == st.Role {
		return body
	}
	lead := d.measurer(st.LeadRole, st.Size)
	return func(r rune) float64 { return max(body(r), lead(r)) }
}

func (d *Document) measurer(role Role, size float64) func(rune) float64 {
	return func(r rune) float64 { return d.advance(d.fonts.faceFor(role, r), r, size) }
}

// drawLine sets one broken line in [x, x+avail] with its baseline at base.
// A justified line spreads its slack evenly over the places where it could
// have been broken — between ideographs, after punctuation and spaces —
// so that a mark stays against the character before it, and dashes,
// ellipses, numbers and Latin words are not letter-spaced.
func (d *Document) drawLine(line []rune, st Style, x, avail, base float64, align Align) {
	for len(line) > 0 && isSpace(line[len(line)-1]) {
		line = line[:len(line)-1]
	}
	if len(line) == 0 {
		return
	}
	lead := min(st.Lead, len(line))
	role := func(i int) Role {
		if i < lead {
			return st.LeadRole
		}
		return st.Role
	}
	// The line's scratch slices are the document's, reused line after
	// line: drawGlyphs does not keep them.
	d.advs = grow(d.advs, len(line))
	d.xs = grow(d.xs, len(line))
	adv, xs := d.advs, d.xs
	stretch := d.stretch[:0]
	for range line {
		stretch = append(stretch, false)
	}
	d.stretch = stretch
	natural := 0.0
	for i, r := range line {
		adv[i] = d.advance(d.fonts.faceFor(role(i), r), r, st.Size)
		natural += adv[i]
	}
	visual := natural - st.Size*ptToMM*d.tracking
	extra := 0.0
	switch align {
	case Justify:
		n := 0
		for i := 1; i < len(line); i++ {
			stretch[i] = breakAt(line, i) || isSpace(line[i-1])
			if stretch[i] {
				n++
			}
		}
		if n > 0 && avail > visual {
			extra = (avail - visual) / float64(n)
		}
	case Center:
		x += (avail - visual) / 2
	case Right:
		x += avail - visual
	}
	for i := range line {
		if i > 0 {
			x += adv[i-1]
			if stretch[i] {
				x += extra
			}
		}
		xs[i] = x
	}
	if lead > 0 {
		d.drawGlyphs(line[:lead], st.LeadRole, st.Size, st.LeadBold, xs[:lead], base)
	}
	d.drawGlyphs(line[lead:], st.Role, st.Size, st.Bold, xs[lead:], base)
}

// drawRun draws runes from x on baseline base, spaced by their advances
// plus extra.
func (d *Document) drawRun(line []rune, role Role, size float64, bold bool, x, base, extra float64) {
	xs := make([]float64, len(line))
	for i, r := range line {
		xs[i] = x
		x += d.advance(d.fonts.faceFor(role, r), r, size) + extra
	}
	d.drawGlyphs(line, role, size, bold, xs, base)
}

// drawGlyphs draws each rune at its x on baseline base. Runs of one face
// whose glyphs follow each other at the tracked advance become one text
// object, with the tracking as character spacing (Tc).
func (d *Document) drawGlyphs(line []rune, role Role, size float64, bold bool, xs []float64, base float64) {
	sizeMM := size * ptToMM
	gap := sizeMM * d.tracking
	for i := 0; i < len(line); {
		f := d.fonts.faceFor(role, line[i])
		scaled := line[i] == '—' && f.dashScale > 0
		// A run is drawn with one Tj: glyphs of one face whose spacing is
		// the same throughout. Justification spreads a CJK line evenly
		// between its characters, so the extra space of the first pair
		// usually holds for the whole run; a word or number kept whole
		// (no extra space inside) starts a run of its own.
		extraAt := func(k int) float64 { return xs[k] - xs[k-1] - float64(f.adv[line[k-1]])/1000*sizeMM - gap }
		extra := 0.0
		if i+1 < len(line) && d.fonts.faceFor(role, line[i+1]) == f && (line[i+1] == '—') == scaled {
			extra = extraAt(i + 1)
		}
		j := i + 1
		for j < len(line) && d.fonts.faceFor(role, line[j]) == f && (line[j] == '—') == scaled &&
			math.Abs(extraAt(j)-extra) < 0.001 {
			j++
		}
		key := d.use(f, line[i:j])
		d.used.add(f, line[i:j])
		if f.scale > 0 && f.scale != 1 {
			d.drawScaled(f, key, line[i:j], xs[i:j], size, bold, base)
			i = j
			continue
		}
		d.setFont(key, size)
		tc := gap
		if j > i+1 {
			tc += extra
		}
		if scaled {
			// Horizontal scaling also scales Tc: divide it back out.
			tc /= f.dashScale
		}
		// Tc before q, so that it outlives the Q.
		d.setTc(tc)
		fake := bold && !f.bold
		if fake {
			d.c.RawWriteStr("q 2 Tr " + strconv.FormatFloat(size*0.03, 'f', 3, 64) + " w")
		}
		if scaled {
			d.c.RawWriteStr(strconv.FormatFloat(100*f.dashScale, 'f', 3, 64) + " Tz")
		}
		d.text1(xs[i], base, line[i:j])
		if scaled {
			d.c.RawWriteStr("100 Tz")
		}
		if fake {
			d.c.RawWriteStr("Q")
		}
		i = j
	}
}

// text1 draws rs with one text operator at (x, y): straight into a page
// set's or an overlay's stream, through a string for fpdf.
func (d *Document) text1(x, y float64, rs []rune) {
	if pc, ok := d.c.(*pageCanvas); ok {
		pc.textRunes(x, y, rs)
		return
	}
	d.c.Text(x, y, string(rs))
}

// grow returns s resized to n, reusing its array when it is large enough.
func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n, 2*n)
	}
	return s[:n]
}

// drawScaled draws each glyph of a face with a scale enlarged about the
// centre of its cell: centred horizontally on its advance, and lowered so
// that the middle of the ideographic em box stays where it was.
func (d *Document) drawScaled(f *face, key string, rs []rune, xs []float64, size float64, bold bool, base float64) {
	sizeMM := size * ptToMM
	d.setFont(key, size*f.scale)
	d.setTc(0)
	fake := bold && !f.bold
	if fake {
		d.c.RawWriteStr(fmt.Sprintf("q 2 Tr %.3f w", size*0.03))
	}
	const mid = emAscent - 0.5 // centre of the em box above the baseline, in em
	dy := (f.scale - 1) * mid * sizeMM
	for k, r := range rs {
		w := float64(f.adv[r]) / 1000 * sizeMM
		d.text1(xs[k]-(f.scale-1)*w/2, base+dy, rs[k:k+1])
	}
	if fake {
		d.c.RawWriteStr("Q")
	}
}

// faceUse is how a document's PDF has a face: cut to the reserved
// characters (subset not nil), or in full.
type faceUse struct {
	key    string // the fpdf family drawn with
	subset []uint64
}

// WholeFaces lists, sorted, the faces the document's PDF has been handed
// whole (see Reserve): none when every character drawn was reserved.
func (d *Document) WholeFaces() []string {
	var out []string
	for f, u := range d.added {
		if u.subset == nil {
			out = append(out, f.key)
		}
	}
	slices.Sort(out)
	return out
}

// fullSuffix marks the family of a face registered in full after a subset
// of it, for a character that was not reserved. A joiner treats both as
// one face (package pdfjoin matches fonts by BaseFont, "utf8" + family).
const fullSuffix = "+full"

// numberChars are reserved in every document that reserves: page numbers
// ("— 12 —") and what labels and overlays draw with them.
const numberChars = "0123456789— "

// Reserve declares characters the document will draw, before it draws
// them: each face is then handed to the PDF cut down to the characters
// reserved for it — those it draws for some role after fallback, and the
// page numbers' — which makes the PDF much faster to write. A character
// drawn that was not reserved still works: its face is then embedded in
// full. Reserve nothing to embed every face in full.
func (d *Document) Reserve(texts ...string) {
	if d.reserved == nil {
		d.reserved = map[*face][]uint64{}
		d.reserveText(numberChars + string(placeholder))
	}
	for _, t := range texts {
		d.reserveText(t)
	}
}

func (d *Document) reserveText(t string) {
	for _, r := range t {
		if r == '\t' || r == '\n' {
			r = ' '
		}
		if a, ok := d.fonts.alias[r]; ok {
			r = a
		}
		for role := range numRoles {
			if f := d.fonts.faceFor(Role(role), r); f != nil {
				d.reserveRune(f, r)
			}
		}
	}
}

func (d *Document) reserveRune(f *face, r rune) {
	set := d.reserved[f]
	if set == nil {
		set = make([]uint64, 0x10000/64)
		d.reserved[f] = set
	}
	set[r>>6] |= 1 << (uint(r) & 63)
}

func inSet(set []uint64, rs []rune) bool {
	for _, r := range rs {
		if r < 0 || r > 0xFFFF || set[r>>6]&(1<<(uint(r)&63)) == 0 {
			return false
		}
	}
	return true
}

// use registers a face with this document's PDF the first time it is drawn
// and returns the family to draw rs with: the face cut to the reserved
// characters when they include rs, else the whole face.
func (d *Document) use(f *face, rs []rune) string {
	if d.pdf == nil {
		return f.key // an overlay names faces itself
	}
	u := d.added[f]
	if u == nil {
		u = &faceUse{key: f.key}
		d.added[f] = u
		if set := d.reserved[f]; set != nil && inSet(set, rs) {
			var runes []rune
			for i, w := range set {
				for ; w != 0; w &= w - 1 {
					runes = append(runes, rune(64*i+bits.TrailingZeros64(w)))
				}
			}
			if b, err := f.subset(runes); err == nil {
				u.subset = set
				d.pdf.AddUTF8FontFromBytes(f.key, "", b)
				return u.key
			}
		}
		d.pdf.AddUTF8FontFromBytes(f.key, "", f.data)
		return u.key
	}
	if u.subset != nil && !inSet(u.subset, rs) {
		u.subset = nil
		u.key = f.key + fullSuffix
		d.pdf.AddUTF8FontFromBytes(u.key, "", f.data)
	}
	return u.key
}
