package intake

import "sort"

// grid answers "what does the clerk see in cell (row, col)": a merged range
// gives its top-left value to every cell it covers.
type grid struct {
	s      *sheet
	byRow  map[int]int // row number → index in s.rows
	spans  [][]int32   // row number → merges covering that row (clipped to lastRow)
	maxCol int         // highest column holding a value
}

// maxMergedCells bounds the work of filling merged ranges.
const maxMergedCells = 4 << 20

// newGrid indexes a sheet; ok is false when its merged ranges would cost
// more than maxMergedCells to fill.
func newGrid(s *sheet) (*grid, bool) {
	g := &grid{s: s, byRow: make(map[int]int, len(s.rows))}
	for i, r := range s.rows {
		g.byRow[r.num] = i
		for _, c := range r.cells {
			g.maxCol = max(g.maxCol, c.col)
		}
	}
	if len(s.merges) == 0 {
		return g, true
	}
	g.spans = make([][]int32, s.lastRow+1)
	work := 0
	for i, m := range s.merges {
		if m.r1 > s.lastRow || (m.r1 == m.r2 && m.c1 == m.c2) {
			continue
		}
		for row := m.r1; row <= min(m.r2, s.lastRow); row++ {
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
func (g *grid) direct(row, col int) (cell, bool) {
	i, ok := g.byRow[row]
	if !ok {
		return cell{}, false
	}
	cells := g.s.rows[i].cells
	j := sort.Search(len(cells), func(k int) bool { return cells[k].col >= col })
	if j < len(cells) && cells[j].col == col {
		return cells[j], true
	}
	// Cells are normally in column order; fall back for a file that is not.
	for _, c := range cells {
		if c.col == col {
			return c, true
		}
	}
	return cell{}, false
}

// at returns what the clerk sees at (row, col); filled is true when the
// value comes from a merged range whose top-left cell is elsewhere.
func (g *grid) at(row, col int) (c cell, filled bool) {
	if m, ok := g.merge(row, col); ok && (m.r1 != row || m.c1 != col) {
		c, _ = g.direct(m.r1, m.c1)
		c.col = col
		return c, true
	}
	c, _ = g.direct(row, col)
	return c, false
}

// merge returns the merged range covering (row, col).
func (g *grid) merge(row, col int) (rect, bool) {
	if row < len(g.spans) {
		for _, i := range g.spans[row] {
			m := g.s.merges[i]
			if col >= m.c1 && col <= m.c2 {
				return m, true
			}
		}
	}
	return rect{}, false
}

// text returns the text the clerk sees at (row, col).
func (g *grid) text(row, col int) string {
	c, _ := g.at(row, col)
	return c.text
}

// rowNums lists the rows that hold at least one written value, in order.
func (g *grid) rowNums() []int {
	out := make([]int, len(g.s.rows))
	for i, r := range g.s.rows {
		out[i] = r.num
	}
	return out
}
