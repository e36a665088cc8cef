package typeset

import "math"

// Cell padding and line spacing of tables, in mm and as a factor of the size.
const (
	cellPadX     = 1.5
	cellPadY     = 1.2
	cellLeading  = 1.45
	tableRule    = 0.25 // line width of the grid, mm
	minRowPieceN = 2    // lines of a split row worth starting on a page
)

// wline is one broken line and whether it ends its paragraph (and so is
// not justified).
type wline struct {
	runes []rune
	last  bool
}

// wrap breaks text for a box of the given width.
func (d *Document) wrap(text string, width float64, role Role, size float64) []wline {
	measure := d.measurer(role, size)
	hards := splitHard(text)
	broken := make([][][]rune, len(hards))
	n := 0
	for k, hard := range hards {
		broken[k] = breakHard(d.clean([]rune(hard), role), func(int) float64 { return width }, measure)
		n += len(broken[k])
	}
	out := make([]wline, 0, n)
	for _, ls := range broken {
		for i, l := range ls {
			out = append(out, wline{l, i == len(ls)-1})
		}
	}
	return out
}

// Table sets a table at the current position: column widths from the
// columns' weights over the block width, every cell wrapped by the same
// rules as paragraphs, each row as tall as its tallest cell. The header row
// is repeated at the top of every page; a row taller than the space left
// continues on the next page. No text is ever cut.
//
// The rows of a page are planned first (placed), then drawn, so that the
// last row of a page can still grow to hold the part of a merged cell
// that ends there.
func (d *Document) Table(t Table) {
	if len(t.Columns) == 0 {
		return
	}
	d.ensurePage()
	tl := d.layoutTable(t)
	tl.set()
	// Back onto the body grid.
	f := d.frame()
	p := d.pitch()
	d.y = f.y + math.Ceil((d.y-f.y)/p-1e-9)*p
}

// tableLayout is a table being set: its cells wrapped, its merged cells
// resolved into spans.
type tableLayout struct {
	d        *Document
	t        Table
	widths   []float64
	size     float64
	lineH    float64
	hcells   [][]wline
	hLineH   float64
	headerH  float64
	hstyle   Style
	bstyle   Style
	cells    [][][]wline // per row, per column
	lines    []int       // per row: lines of its height (its own cells, grown for spans)
	start    [][]int     // per row, per column: the first row of the cell's span
	end      [][]int     // per row, per column: the last row of the cell's span
	sections [][]wline   // per row: its section row's lines, or nil
	shown    map[[2]int]bool
	conts    map[[2]int][]wline // a span's or row's repeated text, marked Continued
}

// piece is a row, or a piece of a split row, or a section row, placed on
// the page being planned.
type piece struct {
	row     int
	section bool
	y, h    float64
	from, k int  // the row's lines [from, from+k) are on this page
	whole   bool // the row is whole on this page
}

func (d *Document) layoutTable(t Table) *tableLayout {
	size := t.Size
	if size <= 0 {
		size = 10.5
	}
	hsize := t.HeaderSize
	if hsize <= 0 {
		hsize = size
	}
	f := d.frame()
	total := 0.0
	for _, c := range t.Columns {
		total += math.Max(c.Width, 0)
	}
	tl := &tableLayout{d: d, t: t, size: size,
		lineH: size * ptToMM * cellLeading, hLineH: hsize * ptToMM * cellLeading,
		hstyle: Style{Role: RoleHei, Size: hsize}, bstyle: Style{Role: RoleBody, Size: size},
		shown: map[[2]int]bool{}, conts: map[[2]int][]wline{}}
	tl.widths = make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		if total > 0 {
			tl.widths[i] = f.w * math.Max(c.Width, 0) / total
		} else {
			tl.widths[i] = f.w / float64(len(t.Columns))
		}
	}
	headers := make([]string, len(t.Columns))
	hasHeader := false
	for i, c := range t.Columns {
		headers[i] = c.Header
		hasHeader = hasHeader || c.Header != ""
	}
	tl.hcells = tl.wrapRow(headers, RoleHei, hsize)
	if hasHeader {
		tl.headerH = float64(maxLines(tl.hcells))*tl.hLineH + 2*cellPadY
	}

	n := len(t.Rows)
	nc := len(t.Columns)
	tl.cells = make([][][]wline, n)
	tl.lines = make([]int, n)
	tl.start = make([][]int, n)
	tl.end = make([][]int, n)
	tl.sections = make([][]wline, n)
	for i, row := range t.Rows {
		tl.cells[i] = tl.wrapRow(row, RoleBody, size)
		if i < len(t.Sections) && t.Sections[i] != "" {
			tl.sections[i] = d.wrap(t.Sections[i], math.Max(f.w-2*cellPadX, size*ptToMM), RoleHei, size)
		}
		tl.start[i] = make([]int, nc)
		tl.end[i] = make([]int, nc)
		for j := range nc {
			tl.start[i][j] = i
			if i > 0 && tl.sections[i] == nil && i < len(t.Merged) && j < len(t.Merged[i]) && t.Merged[i][j] {
				tl.start[i][j] = tl.start[i-1][j]
			}
		}
	}
	for i := n - 1; i >= 0; i-- {
		for j := range nc {
			tl.end[i][j] = i
			if i+1 < n && tl.start[i+1][j] == tl.start[i][j] {
				tl.end[i][j] = tl.end[i+1][j]
			}
		}
	}
	// A row is as tall as its own cells; the last row of a merged cell
	// grows when the rows under it are too short for its text.
	for i := range n {
		m := 1
		for j := range nc {
			if !tl.spanned(i, j) {
				m = max(m, len(tl.cells[i][j]))
			}
		}
		tl.lines[i] = m
	}
	for i := range n {
		for j := range nc {
			if tl.start[i][j] != i || tl.end[i][j] == i {
				continue
			}
			e := tl.end[i][j]
			have := 0.0
			for r := i; r <= e; r++ {
				have += tl.rowH(r)
			}
			if short := float64(len(tl.cells[i][j]))*tl.lineH + 2*cellPadY - have; short > 0.01 {
				tl.lines[e] += int(math.Ceil(short/tl.lineH - 1e-9))
			}
		}
	}
	return tl
}

func maxLines(cells [][]wline) int {
	n := 0
	for _, c := range cells {
		n = max(n, len(c))
	}
	return n
}

func (tl *tableLayout) wrapRow(cells []string, role Role, sz float64) [][]wline {
	out := make([][]wline, len(tl.t.Columns))
	for i := range tl.t.Columns {
		text := ""
		if i < len(cells) {
			text = cells[i]
		}
		out[i] = tl.d.wrap(text, math.Max(tl.widths[i]-2*cellPadX, sz*ptToMM), role, sz)
	}
	return out
}

// spanned reports whether cell (i, j) is part of a cell merged over rows.
func (tl *tableLayout) spanned(i, j int) bool { return tl.start[i][j] != tl.end[i][j] }

func (tl *tableLayout) rowH(i int) float64 { return float64(tl.lines[i])*tl.lineH + 2*cellPadY }

func (tl *tableLayout) sectionH(i int) float64 {
	return float64(len(tl.sections[i]))*tl.lineH + 2*cellPadY
}

// cont is the text of cell (row, j) repeated on a later page, marked
// Continued.
func (tl *tableLayout) cont(row, j int) []wline {
	k := [2]int{row, j}
	if l, ok := tl.conts[k]; ok {
		return l
	}
	text := ""
	if j < len(tl.t.Rows[row]) {
		text = tl.t.Rows[row][j]
	}
	var l []wline
	if text != "" {
		l = tl.d.wrap(text+Continued, math.Max(tl.widths[j]-2*cellPadX, tl.size*ptToMM), RoleBody, tl.size)
	}
	tl.conts[k] = l
	return l
}

// partText is the text a merged cell (span starting at row s, column j)
// shows in its part on the page being planned: the text the first time,
// then the text marked Continued.
func (tl *tableLayout) partText(s, j int) []wline {
	if !tl.shown[[2]int{s, j}] {
		return tl.cells[s][j]
	}
	return tl.cont(s, j)
}

// set plans and draws the table, page by page.
func (tl *tableLayout) set() {
	d := tl.d
	bottom := func() float64 { f := d.frame(); return f.y + f.h }
	fresh := func() float64 { return d.frame().h - tl.headerH }
	var page []piece
	y := d.y
	top := 0.0 // where rows start on this page, below the header
	flush := func() {
		tl.draw(page)
		page = page[:0]
	}
	newPage := func() {
		flush()
		d.NewPage(d.orient)
		d.y = d.frame().y
		tl.drawHeader()
		y = d.y
		top = y
	}
	// acc is how tall the part of span (s, j) on this page is so far.
	acc := func(s, j int) float64 {
		h := 0.0
		for _, p := range page {
			if !p.section && tl.start[p.row][j] == s {
				h += p.h
			}
		}
		return h
	}
	// spanNeed is how much the part of each merged cell over row i still
	// needs when its part on this page ends with row i (at its last row,
	// or when the page ends under it).
	spanNeed := func(i int, ending func(j int) bool) float64 {
		need := 0.0
		for j := range tl.t.Columns {
			if !tl.spanned(i, j) || !ending(j) {
				continue
			}
			s := tl.start[i][j]
			need = max(need, float64(len(tl.partText(s, j)))*tl.lineH+2*cellPadY-acc(s, j))
		}
		return need
	}
	// endPage grows the last row of the page for the merged cells that
	// continue on the next page, as far as the page allows, and turns it.
	endPage := func(next int) {
		if len(page) > 0 {
			last := &page[len(page)-1]
			if !last.section && next < len(tl.t.Rows) {
				r := last.row
				ext := spanNeed(r, func(j int) bool { return tl.start[next][j] == tl.start[r][j] && tl.spanned(r, j) })
				// ext counts the last piece already; it must grow by what is short.
				if ext = math.Min(ext, bottom()-y); ext > 0.01 {
					last.h += ext
					y += ext
				}
			}
		}
		newPage()
	}

	n := len(tl.t.Rows)
	// The header stays with the first row (and its section row): the
	// whole row when it fits on a page, else its first lines.
	if n > 0 {
		need := tl.headerH + tl.keepNeed(0, fresh())
		if y+need > bottom()+0.01 {
			d.NewPage(d.orient)
			y = d.frame().y
		}
	} else {
		d.room(tl.headerH)
		y = d.y
	}
	d.y = y
	tl.drawHeader()
	y = d.y
	top = y

	for i := 0; i < n; i++ {
		if tl.sections[i] != nil {
			sh := tl.sectionH(i)
			if y+tl.keepNeed(i, fresh()) > bottom()+0.01 && len(page) > 0 {
				endPage(i)
			}
			page = append(page, piece{row: i, section: true, y: y, h: sh})
			y += sh
		}
		h := tl.rowH(i)
		grow := func() float64 {
			return spanNeed(i, func(j int) bool { return tl.end[i][j] == i })
		}
		if g := grow(); g > h {
			h = g
		}
		if y+h > bottom()+0.01 && len(page) > 0 && h <= fresh()+0.01 {
			endPage(i)
			h = max(tl.rowH(i), grow())
		}
		if y+h <= bottom()+0.01 {
			page = append(page, piece{row: i, y: y, h: h, k: tl.lines[i], whole: true})
			y += h
			continue
		}
		// A row taller than a page: set as many lines as fit, continue on
		// the next page under a repeated header.
		from := 0
		for {
			fit := int(math.Floor((bottom() - y - 2*cellPadY + 0.01) / tl.lineH))
			if fit < minRowPieceN && y > top+0.01 {
				endPage(i)
				continue
			}
			fit = max(fit, 1)
			k := min(fit, tl.lines[i]-from)
			ph := float64(k)*tl.lineH + 2*cellPadY
			page = append(page, piece{row: i, y: y, h: ph, from: from, k: k})
			y += ph
			from += k
			if from >= tl.lines[i] {
				break
			}
			endPage(i)
		}
	}
	flush()
	d.y = y
}

// keepNeed is the room row i needs on a page to start there: its section
// row, and the whole row when it fits on a fresh page, else its first
// lines.
func (tl *tableLayout) keepNeed(i int, fresh float64) float64 {
	need := 0.0
	if tl.sections[i] != nil {
		need = tl.sectionH(i)
	}
	rh := tl.rowH(i)
	if need+rh > fresh+0.01 {
		rh = float64(min(minRowPieceN, tl.lines[i]))*tl.lineH + 2*cellPadY
	}
	return need + rh
}

func (tl *tableLayout) drawHeader() {
	if tl.headerH == 0 {
		return
	}
	d := tl.d
	x := d.frame().x
	for j, c := range tl.hcells {
		d.drawCell(c, x, d.y, tl.widths[j], tl.headerH, Center, tl.hstyle, tl.hLineH, true)
		x += tl.widths[j]
	}
	d.y += tl.headerH
}

// draw draws one page's pieces: each cell of each piece, a merged cell
// once over its part of the page, a section row across the table.
func (tl *tableLayout) draw(page []piece) {
	d := tl.d
	f := d.frame()
	for pi, p := range page {
		if p.section {
			d.drawCell(tl.sections[p.row], f.x, p.y, f.w, p.h, Left, Style{Role: RoleHei, Size: tl.size}, tl.lineH, true)
			continue
		}
		x := f.x
		for j, c := range tl.cells[p.row] {
			w := tl.widths[j]
			a := tl.t.Columns[j].Align
			switch {
			case tl.spanned(p.row, j):
				s := tl.start[p.row][j]
				// Drawn at the first piece of its part on this page.
				if pi > 0 && !page[pi-1].section && tl.start[page[pi-1].row][j] == s {
					break
				}
				h := 0.0
				for _, q := range page[pi:] {
					if q.section || tl.start[q.row][j] != s {
						break
					}
					h += q.h
				}
				lines := tl.partText(s, j)
				capacity := int(math.Floor((h - 2*cellPadY + 0.01) / tl.lineH))
				d.drawCell(lines[:min(len(lines), max(capacity, 0))], x, p.y, w, h, a, tl.bstyle, tl.lineH, true)
				tl.shown[[2]int{s, j}] = true
			case p.whole:
				d.drawCell(c, x, p.y, w, p.h, a, tl.bstyle, tl.lineH, true)
			case p.from > 0 && tl.t.Columns[j].Repeat:
				d.drawCell(tl.cont(p.row, j), x, p.y, w, p.h, a, tl.bstyle, tl.lineH, false)
			default:
				from := min(len(c), p.from)
				d.drawCell(c[from:min(len(c), p.from+p.k)], x, p.y, w, p.h, a, tl.bstyle, tl.lineH, false)
			}
			x += w
		}
	}
}

// drawCell draws a cell's border at (x, top), w × h, and its lines,
// centred vertically when centre is set.
func (d *Document) drawCell(lines []wline, x, top, w, h float64, a Align, st Style, lineH float64, centre bool) {
	d.c.SetLineWidth(tableRule)
	d.c.SetDrawColor(0, 0, 0)
	d.c.Rect(x, top, w, h, "D")
	sizeMM := st.Size * ptToMM
	y := top + cellPadY
	if centre {
		y += (h - 2*cellPadY - float64(len(lines))*lineH) / 2
	}
	for _, l := range lines {
		la := a
		if la == Justify && l.last {
			la = Left
		}
		base := y + (lineH-sizeMM)/2 + emAscent*sizeMM
		d.drawLine(l.runes, st, x+cellPadX, w-2*cellPadX, base, la)
		y += lineH
	}
}
