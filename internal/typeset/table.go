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
	var out []wline
	for _, hard := range splitHard(text) {
		ls := breakHard(d.clean([]rune(hard), role), func(int) float64 { return width }, measure)
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
func (d *Document) Table(t Table) {
	if len(t.Columns) == 0 {
		return
	}
	d.ensurePage()
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
	widths := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		if total > 0 {
			widths[i] = f.w * math.Max(c.Width, 0) / total
		} else {
			widths[i] = f.w / float64(len(t.Columns))
		}
	}
	lineH := size * ptToMM * cellLeading
	hLineH := hsize * ptToMM * cellLeading

	wrapRow := func(cells []string, role Role, sz float64) [][]wline {
		out := make([][]wline, len(t.Columns))
		for i := range t.Columns {
			text := ""
			if i < len(cells) {
				text = cells[i]
			}
			out[i] = d.wrap(text, math.Max(widths[i]-2*cellPadX, sz*ptToMM), role, sz)
		}
		return out
	}
	maxLines := func(cells [][]wline) int {
		n := 0
		for _, c := range cells {
			n = max(n, len(c))
		}
		return n
	}

	headers := make([]string, len(t.Columns))
	hasHeader := false
	for i, c := range t.Columns {
		headers[i] = c.Header
		hasHeader = hasHeader || c.Header != ""
	}
	hcells := wrapRow(headers, RoleHei, hsize)
	headerH := 0.0
	if hasHeader {
		headerH = float64(maxLines(hcells))*hLineH + 2*cellPadY
	}
	hstyle := Style{Role: RoleHei, Size: hsize}
	bottom := func() float64 { f := d.frame(); return f.y + f.h }
	drawHeader := func() {
		if !hasHeader {
			return
		}
		d.drawCells(hcells, widths, func(int) Align { return Center }, hstyle, hLineH, d.y, headerH, true, nil, maxLines(hcells))
		d.y += headerH
	}
	newPage := func() {
		d.NewPage(d.orient)
		drawHeader()
	}

	bstyle := Style{Role: RoleBody, Size: size}
	colAlign := func(i int) Align { return t.Columns[i].Align }
	first := true
	for _, row := range t.Rows {
		cells := wrapRow(row, RoleBody, size)
		n := max(maxLines(cells), 1)
		rowH := float64(n)*lineH + 2*cellPadY
		if first {
			// Keep the header with the first row: the whole row when it
			// fits on a page (it would move whole), else its first lines.
			need := headerH + rowH
			if rowH > d.frame().h-headerH+0.01 {
				need = headerH + float64(minRowPieceN)*lineH + 2*cellPadY
			}
			if d.y+need > bottom()+0.01 {
				d.NewPage(d.orient)
			}
			drawHeader()
			first = false
		}
		if d.y+rowH > bottom()+0.01 {
			fresh := d.frame().h - headerH
			if rowH <= fresh+0.01 {
				newPage()
			}
		}
		if d.y+rowH <= bottom()+0.01 {
			d.drawCells(cells, widths, colAlign, bstyle, lineH, d.y, rowH, true, nil, n)
			d.y += rowH
			continue
		}
		// A row taller than a page: set as many lines as fit, continue on
		// the next page under a repeated header.
		offs := make([]int, len(cells))
		for {
			fit := int(math.Floor((bottom() - d.y - 2*cellPadY + 0.01) / lineH))
			if fit < minRowPieceN {
				newPage()
				continue
			}
			left := 0
			for i, c := range cells {
				left = max(left, len(c)-offs[i])
			}
			k := min(fit, left)
			h := float64(k)*lineH + 2*cellPadY
			d.drawCells(cells, widths, colAlign, bstyle, lineH, d.y, h, false, offs, k)
			d.y += h
			for i := range offs {
				offs[i] = min(len(cells[i]), offs[i]+k)
			}
			if k == left {
				break
			}
			newPage()
		}
	}
	if first {
		d.room(headerH)
		drawHeader()
	}
	// Back onto the body grid.
	f = d.frame()
	p := d.pitch()
	d.y = f.y + math.Ceil((d.y-f.y)/p-1e-9)*p
}

// drawCells draws one row (or a piece of one) at top with height h: the
// cell borders, and in each cell the lines [offs[i], offs[i]+n), centred
// vertically when the row is whole.
func (d *Document) drawCells(cells [][]wline, widths []float64, align func(int) Align, st Style, lineH, top, h float64, centre bool, offs []int, n int) {
	d.pdf.SetLineWidth(tableRule)
	d.pdf.SetDrawColor(0, 0, 0)
	sizeMM := st.Size * ptToMM
	x := d.frame().x
	for i, c := range cells {
		d.pdf.Rect(x, top, widths[i], h, "D")
		from := 0
		if offs != nil {
			from = offs[i]
		}
		to := min(len(c), from+n)
		y := top + cellPadY
		if centre {
			y += (h - 2*cellPadY - float64(to-from)*lineH) / 2
		}
		for _, l := range c[from:to] {
			a := align(i)
			if a == Justify && l.last {
				a = Left
			}
			base := y + (lineH-sizeMM)/2 + emAscent*sizeMM
			d.drawLine(l.runes, st, x+cellPadX, widths[i]-2*cellPadX, base, a)
			y += lineH
		}
		x += widths[i]
	}
}
