package workbook

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

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

// sheet streams one worksheet: its rows go straight to an
// excelize.StreamWriter (to a temporary file once they pass 16 MB), so a
// sheet of 200,000 tasks never holds its cells in memory. Cells are
// gathered a row at a time, in any column order, and the row is written
// when the next one starts, with a height from the most lines any of its
// cells needs. Rows must come in ascending order. The first error is kept
// and returned by close.
type sheet struct {
	b      *book
	f      *excelize.File
	sw     *excelize.StreamWriter
	name   string
	widths []float64
	row    int   // the row being gathered; 0 before the first
	cells  []any // its cells from column A, nil where none, else a pointer into buf
	buf    []excelize.Cell
	lines  int // the most lines any of them needs
	err    error
}

// sheetSpec is everything a sheet is set up with before its first row:
// excelize's stream writer writes the sheet's properties when it starts and
// its views and columns with the first row.
type sheetSpec struct {
	widths     []float64 // column widths (Excel character units) from column A
	freezeCols int       // columns kept in view while scrolling
	freezeRows int       // rows kept in view while scrolling
	filter     string    // auto-filter range, e.g. "A1:O198"; "" for none
	titleRows  string    // rows repeated on every printed page, e.g. "$1:$1"; "" for none
	header     string    // the page header
}

// PrintLandscape sets a sheet up to print as it is: A4 landscape, one page
// wide, centred, pages numbered 第 N 页，共 M 页 in the footer, header (when
// not empty) centred in bold above, and titleRows (e.g. "$1:$1"; the $ form
// is the one LibreOffice honours) repeated on every page. The village form
// uses it too, so both printable workbooks print alike.
func PrintLandscape(f *excelize.File, sheet, header, titleRows string) error {
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
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &any,
	}); err != nil {
		return err
	}
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: &side, Right: &side, Top: &top, Bottom: &top, Header: &edge, Footer: &edge, Horizontally: &center,
	}); err != nil {
		return err
	}
	hf := &excelize.HeaderFooterOptions{OddFooter: "&C第 &P 页，共 &N 页"}
	if header != "" {
		hf.OddHeader = "&C&\"" + fontFamily + ",Bold\"&12" + headerText(header)
	}
	if err := f.SetHeaderFooter(sheet, hf); err != nil {
		return err
	}
	if titleRows == "" {
		return nil
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("'%s'!%s", sheet, titleRows),
		Scope:    sheet,
	})
}

// sheet starts streaming the (already created) worksheet name. The print
// settings are A4 landscape, one page wide, with spec.titleRows repeated on
// every page and a page header naming the sheet.
func (b *book) sheet(name string, spec sheetSpec) (*sheet, error) {
	s := &sheet{b: b, f: b.f, name: name, widths: spec.widths}
	// The auto-filter first: excelize replaces the sheet properties with
	// its filter mode, and fitToPage must survive it.
	if spec.filter != "" {
		s.check(s.f.AutoFilter(name, spec.filter, nil))
	}
	s.check(PrintLandscape(s.f, name, spec.header, spec.titleRows))
	if s.err != nil {
		return nil, s.err
	}
	sw, err := s.f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	s.sw = sw
	// excelize puts each width before those already set, and only a sheet
	// it saves itself gets them sorted: set them from the last column, so
	// that they are written in ascending order as the format wants.
	for i := len(spec.widths) - 1; i >= 0; i-- {
		s.check(sw.SetColWidth(i+1, i+1, spec.widths[i]))
	}
	if spec.freezeCols > 0 || spec.freezeRows > 0 {
		s.check(sw.SetPanes(panes(spec.freezeCols, spec.freezeRows)))
	}
	return s, s.err
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

// put gathers a cell of row, first writing the row before when row is a
// new one.
func (s *sheet) put(col, row int, c excelize.Cell, lines int) {
	if row != s.row {
		s.flushRow()
		s.row = row
	}
	for len(s.cells) < col {
		s.cells = append(s.cells, nil)
	}
	// The cells are passed to excelize as pointers into buf, reused row
	// after row: a Cell put in an interface would be allocated anew.
	if len(s.buf) < col {
		s.buf = append(s.buf, make([]excelize.Cell, col-len(s.buf))...)
		for i, v := range s.cells {
			if v != nil {
				s.cells[i] = &s.buf[i]
			}
		}
	}
	s.buf[col-1] = c
	s.cells[col-1] = &s.buf[col-1]
	if lines > s.lines {
		s.lines = lines
	}
}

// flushRow writes the gathered row with its height stored.
func (s *sheet) flushRow() {
	if s.row == 0 {
		return
	}
	if s.row%1024 == 0 {
		s.check(s.b.ctx.Err())
	}
	s.check(s.sw.SetRow(cell(1, s.row), s.cells, excelize.RowOpts{Height: rowHeight(s.lines)}))
	clear(s.cells)
	s.cells, s.lines, s.row = s.cells[:0], 0, 0
}

// close writes the last row and ends the sheet.
func (s *sheet) close() error {
	s.flushRow()
	s.check(s.sw.Flush())
	return s.err
}

// text writes v as a string cell, never a formula, whatever it starts with.
func (s *sheet) text(col, row int, v string, style int) {
	s.span(col, col, row, v, style)
}

// span writes v into the cells col..last of a row, merged when they are
// more than one; every cell of the span carries the style (and so the
// border).
func (s *sheet) span(col, last, row int, v string, style int) {
	v = clean(v)
	w := 0.0
	for c := col; c <= last; c++ {
		w += s.width(c)
	}
	if style == s.b.st.section {
		w *= fontSize / sectionSize // larger text, fewer characters a line
	}
	// A string value is written inline as text: "=SUM(A1)" stays text.
	var val any
	if v != "" {
		val = v
	}
	s.put(col, row, excelize.Cell{StyleID: style, Value: val}, lineCount(v, w))
	for c := col + 1; c <= last; c++ {
		s.put(c, row, excelize.Cell{StyleID: style}, 1)
	}
	if last > col {
		s.check(s.sw.MergeCell(cell(col, row), cell(last, row)))
	}
}

// int writes a whole number.
func (s *sheet) int(col, row, v, style int) {
	s.put(col, row, excelize.Cell{StyleID: style, Value: v}, 1)
}

// float writes a number; with the percent styles a rate.
func (s *sheet) float(col, row int, v float64, style int) {
	s.put(col, row, excelize.Cell{StyleID: style, Value: v}, 1)
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

// panes keeps the top rows and left columns in view while scrolling.
func panes(cols, rows int) *excelize.Panes {
	pane := "bottomLeft"
	switch {
	case cols > 0 && rows > 0:
		pane = "bottomRight"
	case cols > 0:
		pane = "topRight"
	}
	return &excelize.Panes{
		Freeze: true, XSplit: cols, YSplit: rows, TopLeftCell: cell(cols+1, rows+1), ActivePane: pane,
	}
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
	lines, used := 1, 0.0
	for _, r := range v {
		if r == '\n' {
			lines++
			used = 0
			continue
		}
		w := runeWidth(r)
		if used+w > room {
			lines++
			used = 0
		}
		used += w
	}
	return lines
}

// runeWidth is a character's width in Excel width units (the width of a
// digit of the default 11 pt font, 7 px): a 10 pt CJK character is 13.3 px.
// ASCII and the CJK ideographs, nearly every character of a ledger, are
// answered without the Unicode width table, as it would answer them.
func runeWidth(r rune) float64 {
	switch {
	case r < 0x80:
		return 1
	case r >= 0x4E00 && r <= 0x9FFF:
		return 1.9
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
		return 1.9
	}
	return 1
}

// clean makes text safe for a cell: valid UTF-8, no control characters XML
// cannot carry, Windows line ends folded to \n.
func clean(v string) string {
	if isClean(v) {
		return v // nearly every cell: no copy
	}
	return cleanCopy(v)
}

func cleanCopy(v string) string {
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

// isClean reports whether cleanCopy would leave v as it is: valid UTF-8
// with no control character but \n and \t, and neither U+FFFE nor U+FFFF
// (EF BF BE, EF BF BF). It looks at bytes, not characters.
func isClean(v string) bool {
	if !utf8.ValidString(v) {
		return false
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c < 0x20 && c != '\n' && c != '\t':
			return false
		case c == 0xEF && i+2 < len(v) && v[i+1] == 0xBF && v[i+2] >= 0xBE:
			return false
		}
	}
	return true
}
