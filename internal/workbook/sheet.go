package workbook

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"github.com/taizhang/taizhang/internal/ledger"
)

// Row heights, in points, for 10 pt text. LibreOffice's CJK faces (Noto)
// need about 1.45 em a line, more than SimSun in Excel; the larger figure is
// used so that no printer overlaps lines.
const (
	lineHeight = 14.5
	rowPadding = 4.0
	minHeight  = 20.0
	maxHeight  = 409.0 // Excel's limit
)

// sheet writes one worksheet: it remembers the column widths and, for every
// row, the most lines any of its cells needs, so that finish can store row
// heights. The first error is kept and returned by finish.
type sheet struct {
	b      *book
	f      *excelize.File
	name   string
	widths []float64
	lines  map[int]int
	err    error
}

func (b *book) sheet(name string) *sheet {
	return &sheet{b: b, f: b.f, name: name, lines: map[int]int{}}
}

// cols sets the column widths (in Excel character units) from column A on.
func (s *sheet) cols(widths ...float64) {
	s.widths = widths
	for i, w := range widths {
		c := colName(i + 1)
		s.check(s.f.SetColWidth(s.name, c, c, w))
	}
}

func (s *sheet) check(err error) {
	if err != nil && s.err == nil {
		s.err = err
	}
}

func colName(col int) string {
	n, _ := excelize.ColumnNumberToName(col)
	return n
}

func cell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

// text writes v as a string cell, never a formula, whatever it starts with.
func (s *sheet) text(col, row int, v string, style int) {
	s.span(col, col, row, v, style)
}

// span writes v into the cells col..last of a row, merged when they are
// more than one.
func (s *sheet) span(col, last, row int, v string, style int) {
	v = clean(v)
	ref := cell(col, row)
	s.check(s.f.SetCellStr(s.name, ref, v))
	if last > col {
		s.check(s.f.MergeCell(s.name, ref, cell(last, row)))
	}
	s.check(s.f.SetCellStyle(s.name, ref, cell(last, row), style))
	w := 0.0
	for c := col; c <= last; c++ {
		w += s.width(c)
	}
	if style == s.b.st.section {
		w *= fontSize / sectionSize // larger text, fewer characters a line
	}
	s.need(row, lineCount(v, w))
}

// int writes a whole number.
func (s *sheet) int(col, row, v, style int) {
	ref := cell(col, row)
	s.check(s.f.SetCellInt(s.name, ref, int64(v)))
	s.check(s.f.SetCellStyle(s.name, ref, ref, style))
	s.need(row, 1)
}

// float writes a number; with the percent styles a rate.
func (s *sheet) float(col, row int, v float64, style int) {
	ref := cell(col, row)
	s.check(s.f.SetCellFloat(s.name, ref, v, -1, 64))
	s.check(s.f.SetCellStyle(s.name, ref, ref, style))
	s.need(row, 1)
}

// date writes a day as a real Excel date (so filters and sorting work),
// or an empty styled cell for no date.
func (s *sheet) date(col, row int, d ledger.Date, style int) {
	if d.IsZero() {
		s.text(col, row, "", style)
		return
	}
	s.float(col, row, serial(d), style)
}

// serial is the Excel (1900 system) serial number of a day.
func serial(d ledger.Date) float64 {
	return math.Round(d.Time().Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

func (s *sheet) width(col int) float64 {
	if col-1 < len(s.widths) {
		return s.widths[col-1]
	}
	return 9 // excelize's default column width
}

func (s *sheet) need(row, lines int) {
	if lines > s.lines[row] {
		s.lines[row] = lines
	}
}

// finish stores the row heights and the print settings: A4 landscape, one
// page wide, titleRows (e.g. "$1:$1", "" for none) repeated on every page,
// and a page header naming the sheet.
func (s *sheet) finish(titleRows, header string) error {
	rows := make([]int, 0, len(s.lines))
	for r := range s.lines {
		rows = append(rows, r)
	}
	sort.Ints(rows)
	for _, r := range rows {
		s.check(s.f.SetRowHeight(s.name, r, rowHeight(s.lines[r])))
	}
	var (
		a4        = 9
		landscape = "landscape"
		one, any  = 1, 0
		fit       = true
		center    = true
		side      = 0.4
		top       = 0.75
		edge      = 0.3
	)
	s.check(s.f.SetPageLayout(s.name, &excelize.PageLayoutOptions{
		Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &any,
	}))
	s.check(s.f.SetSheetProps(s.name, &excelize.SheetPropsOptions{FitToPage: &fit}))
	s.check(s.f.SetPageMargins(s.name, &excelize.PageLayoutMarginsOptions{
		Left: &side, Right: &side, Top: &top, Bottom: &top, Header: &edge, Footer: &edge, Horizontally: &center,
	}))
	s.check(s.f.SetHeaderFooter(s.name, &excelize.HeaderFooterOptions{
		OddHeader: "&C&\"" + fontFamily + ",Bold\"&12" + headerText(header),
		OddFooter: "&C第 &P 页，共 &N 页",
	}))
	if titleRows != "" {
		s.check(s.f.SetDefinedName(&excelize.DefinedName{
			Name:     "_xlnm.Print_Titles",
			RefersTo: fmt.Sprintf("'%s'!%s", s.name, titleRows),
			Scope:    s.name,
		}))
	}
	return s.err
}

// freeze keeps the top rows and left columns in view while scrolling.
func (s *sheet) freeze(cols, rows int) {
	pane := "bottomLeft"
	switch {
	case cols > 0 && rows > 0:
		pane = "bottomRight"
	case cols > 0:
		pane = "topRight"
	}
	s.check(s.f.SetPanes(s.name, &excelize.Panes{
		Freeze: true, XSplit: cols, YSplit: rows, TopLeftCell: cell(cols+1, rows+1), ActivePane: pane,
	}))
}

// headerText escapes & for a page header.
func headerText(s string) string { return strings.ReplaceAll(s, "&", "&&") }

// RowHeight is the height in points to store for a wrapped row of that many
// lines of 10 pt text. LibreOffice prints wrapped rows at 15 pt and overlaps
// them unless a height is stored, so every writer of printable workbooks
// (this one and the village form) stores one.
func RowHeight(lines int) float64 { return rowHeight(lines) }

// LineCount estimates the lines v wraps to in a column of the given width
// (Excel width units); see lineCount.
func LineCount(v string, colWidth float64) int { return lineCount(v, colWidth) }

func rowHeight(lines int) float64 {
	h := float64(lines)*lineHeight + rowPadding
	return math.Min(math.Max(h, minHeight), maxHeight)
}

// lineCount estimates how many lines v takes wrapped in a column of the
// given width (Excel character units, the width of a digit): a CJK or other
// wide character takes 1.9 units, anything else one, a line break starts a
// new line, and lines break anywhere (as they do in CJK text). One unit is
// kept for the cell's padding.
func lineCount(v string, colWidth float64) int {
	room := colWidth - 1
	if room < 2 {
		room = 2
	}
	lines := 0
	for _, para := range strings.Split(v, "\n") {
		lines++
		used := 0.0
		for _, r := range para {
			w := runeWidth(r)
			if used+w > room {
				lines++
				used = 0
			}
			used += w
		}
	}
	return lines
}

// runeWidth is a character's width in Excel width units (the width of a
// digit of the default 11 pt font, 7 px): a 10 pt CJK character is 13.3 px.
func runeWidth(r rune) float64 {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
		return 1.9
	}
	return 1
}

// clean makes text safe for a cell: valid UTF-8, no control characters XML
// cannot carry, Windows line ends folded to \n.
func clean(v string) string {
	v = strings.ToValidUTF8(v, "\uFFFD")
	v = strings.ReplaceAll(v, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case r < 0x20, r == 0xFFFE, r == 0xFFFF:
			return -1
		}
		return r
	}, v)
}
