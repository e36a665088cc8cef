package xlsx

import "sort"

// Grid answers "what does the clerk see in cell (row, col)": a merged range
// gives its top-left value to every cell it covers.
type Grid struct {
	s      *Sheet
	byRow  map[int]int // row number → index in s.Rows
	spans  [][]int32   // row number → merges covering that row (clipped to lastRow)
	MaxCol int         // highest column holding a value
}

// maxMergedCells bounds the work of filling merged ranges.
const maxMergedCells = 4 << 20

// NewGrid indexes a sheet; ok is false when its merged ranges would cost
// more than maxMergedCells to fill.
func NewGrid(s *Sheet) (*Grid, bool) {
	g := &Grid{s: s, byRow: make(map[int]int, len(s.Rows))}
	for i, r := range s.Rows {
		g.byRow[r.Num] = i
		for _, c := range r.Cells {
			g.MaxCol = max(g.MaxCol, c.Col)
		}
	}
	if len(s.Merges) == 0 {
		return g, true
	}
	g.spans = make([][]int32, s.LastRow+1)
	work := 0
	for i, m := range s.Merges {
		if m.R1 > s.LastRow || (m.R1 == m.R2 && m.C1 == m.C2) {
			continue
		}
		for row := m.R1; row <= min(m.R2, s.LastRow); row++ {
			g.spans[row] = append(g.spans[row], int32(i))
			work++
		}
		if work > maxMergedCells {
			return nil, false
		}
	}
	return g, true
}

// direct returns the cell written at (row, col), without merges.
func (g *Grid) Direct(row, col int) (Cell, bool) {
	i, ok := g.byRow[row]
	if !ok {
		return Cell{}, false
	}
	cells := g.s.Rows[i].Cells
	j := sort.Search(len(cells), func(k int) bool { return cells[k].Col >= col })
	if j < len(cells) && cells[j].Col == col {
		return cells[j], true
	}
	// Cells are normally in column order; fall back for a file that is not.
	for _, c := range cells {
		if c.Col == col {
			return c, true
		}
	}
	return Cell{}, false
}

// at returns what the clerk sees at (row, col); filled is true when the
// value comes from a merged range whose top-left cell is elsewhere.
func (g *Grid) At(row, col int) (c Cell, filled bool) {
	if m, ok := g.Merge(row, col); ok && (m.R1 != row || m.C1 != col) {
		c, _ = g.Direct(m.R1, m.C1)
		c.Col = col
		return c, true
	}
	c, _ = g.Direct(row, col)
	return c, false
}

// merge returns the merged range covering (row, col).
func (g *Grid) Merge(row, col int) (Rect, bool) {
	if row < len(g.spans) {
		for _, i := range g.spans[row] {
			m := g.s.Merges[i]
			if col >= m.C1 && col <= m.C2 {
				return m, true
			}
		}
	}
	return Rect{}, false
}

// text returns the text the clerk sees at (row, col).
func (g *Grid) Text(row, col int) string {
	c, _ := g.At(row, col)
	return c.Text
}

// rowNums lists the rows that hold at least one written value, in order.
func (g *Grid) RowNums() []int {
	out := make([]int, len(g.s.Rows))
	for i, r := range g.s.Rows {
		out[i] = r.Num
	}
	return out
}

// RowHidden reports whether a row holding values is hidden.
func (g *Grid) RowHidden(row int) bool {
	i, ok := g.byRow[row]
	return ok && g.s.Rows[i].Hidden
}
