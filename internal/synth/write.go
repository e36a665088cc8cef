package synth

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"github.com/taizhang/taizhang/internal/ledger"
)

// Defaults of a Layout.
const (
	DefaultSheet      = "台账"
	DefaultDateFormat = `yyyy"年"m"月"d"日"`
	DefaultFont       = "宋体"
	DefaultFontSize   = 10.0
	DefaultAuthor     = "Administrator"
	DefaultSaved      = "2025-09-10T09:00:00Z"
	DefaultOldAsOf    = "2025-06-30"
)

// Write writes the ledger to an xlsx file at path. The same ledger always
// gives the same bytes.
func Write(path string, l *Ledger) error {
	f, err := Build(l)
	if err != nil {
		return err
	}
	defer f.Close()
	return save(f, path)
}

// save writes the workbook with ordinary file permissions (excelize's
// SaveAs makes files executable).
func save(f *excelize.File, path string) error {
	buf, err := f.WriteToBuffer()
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

// Build lays the ledger out in a new workbook.
func Build(l *Ledger) (*excelize.File, error) {
	lay := l.Layout.withDefaults()
	cols, err := lay.columns()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.Village, err)
	}
	f := excelize.NewFile()
	fail := func(err error) (*excelize.File, error) {
		f.Close()
		return nil, fmt.Errorf("%s: %w", l.Village, err)
	}
	if err := f.SetDefaultFont(lay.Font); err != nil {
		return fail(err)
	}
	if lay.Date1904 {
		// Before any date is written: excelize converts dates by the flag.
		t := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &t}); err != nil {
			return fail(err)
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator: lay.Author, LastModifiedBy: lay.Author,
		Created: "2025-01-20T08:30:00Z", Modified: lay.Saved,
		Title: lay.Title,
	}); err != nil {
		return fail(err)
	}
	st, err := newStyles(f, lay)
	if err != nil {
		return fail(err)
	}

	// Sheets in the order the clerk left them: the hidden old copy, the
	// instructions, then the ledger.
	var order []string
	if lay.OldSheet != "" {
		order = append(order, lay.OldSheet)
	}
	if len(lay.Instructions) > 0 {
		order = append(order, "填表说明")
	}
	order = append(order, lay.Sheet)
	if err := f.SetSheetName("Sheet1", order[0]); err != nil {
		return fail(err)
	}
	for _, name := range order[1:] {
		if _, err := f.NewSheet(name); err != nil {
			return fail(err)
		}
	}
	idx, err := f.GetSheetIndex(lay.Sheet)
	if err != nil {
		return fail(err)
	}
	f.SetActiveSheet(idx)

	if lay.OldSheet != "" {
		old, err := l.olderCopy(lay.OldAsOf)
		if err != nil {
			return fail(err)
		}
		w := sheetWriter{f: f, sheet: lay.OldSheet, lay: lay, cols: cols, st: st, old: true}
		if err := w.write(old); err != nil {
			return fail(err)
		}
		if !lay.OldVisible {
			if err := f.SetSheetVisible(lay.OldSheet, false); err != nil {
				return fail(err)
			}
		}
	}
	if len(lay.Instructions) > 0 {
		if err := writeInstructions(f, st, lay.Instructions); err != nil {
			return fail(err)
		}
		if err := writeExample(f, st, cols, len(lay.Instructions)+3, lay.Example); err != nil {
			return fail(err)
		}
	}
	w := sheetWriter{f: f, sheet: lay.Sheet, lay: lay, cols: cols, st: st}
	if err := w.write(l); err != nil {
		return fail(err)
	}
	return f, nil
}

func (lay Layout) withDefaults() Layout {
	if lay.Sheet == "" {
		lay.Sheet = DefaultSheet
	}
	if lay.DateFormat == "" {
		lay.DateFormat = DefaultDateFormat
	}
	if lay.Font == "" {
		lay.Font = DefaultFont
	}
	if lay.FontSize == 0 {
		lay.FontSize = DefaultFontSize
	}
	if lay.Author == "" {
		lay.Author = DefaultAuthor
	}
	if lay.Saved == "" {
		lay.Saved = DefaultSaved
	}
	if lay.OldAsOf == "" {
		lay.OldAsOf = DefaultOldAsOf
	}
	if lay.Category == "" {
		lay.Category = CategorySection
	}
	if lay.Seq == "" {
		lay.Seq = SeqRow
	}
	if len(lay.Columns) == 0 {
		lay.Columns = []string{"序号", "巡察反馈问题", "整改措施", "责任领导", "责任单位", "责任人",
			"整改时限", "整改进展情况", "整改状态", "完成时间", "备注"}
	}
	return lay
}

// column is one column of the sheet.
type column struct {
	header string
	kind   ledger.Column
	width  float64
	group  string // the top header over it, "" when none
}

func (lay Layout) columns() ([]column, error) {
	cols := make([]column, len(lay.Columns))
	seen := map[ledger.Column]bool{}
	for i, h := range lay.Columns {
		k, ok := HeaderColumn(h)
		if !ok {
			return nil, fmt.Errorf("表头“%s”不是已知的列名", h)
		}
		if seen[k] {
			return nil, fmt.Errorf("表头“%s”与前面的列重复", h)
		}
		seen[k] = true
		w := defaultWidths[k]
		if i < len(lay.Widths) && lay.Widths[i] > 0 {
			w = lay.Widths[i]
		}
		cols[i] = column{header: h, kind: k, width: w}
	}
	for _, req := range []ledger.Column{ledger.ColProblem, ledger.ColMeasures, ledger.ColStatus} {
		if !seen[req] {
			return nil, fmt.Errorf("缺少“%s”列", req.Name())
		}
	}
	if lay.Category != CategorySection && !seen[ledger.ColCategory] {
		return nil, fmt.Errorf("类别放在列里（category: %s）却没有“问题类别”列", lay.Category)
	}
	for _, g := range lay.Groups {
		a, b := -1, -1
		for i, h := range lay.Columns {
			if h == g.First {
				a = i
			}
			if h == g.Last {
				b = i
			}
		}
		if a < 0 || b < a {
			return nil, fmt.Errorf("表头分组“%s”的起止列“%s”“%s”不对", g.Name, g.First, g.Last)
		}
		for i := a; i <= b; i++ {
			if cols[i].group != "" {
				return nil, fmt.Errorf("表头分组“%s”与“%s”重叠", g.Name, cols[i].group)
			}
			cols[i].group = g.Name
		}
	}
	return cols, nil
}

var defaultWidths = map[ledger.Column]float64{
	ledger.ColSeq: 6, ledger.ColCategory: 14, ledger.ColProblem: 30, ledger.ColMeasures: 36,
	ledger.ColLead: 10, ledger.ColUnit: 12, ledger.ColPerson: 9, ledger.ColDeadline: 13,
	ledger.ColProgress: 52, ledger.ColStatus: 10, ledger.ColDone: 13, ledger.ColEvidence: 18,
	ledger.ColNote: 10,
}

// styles are the cell styles of one workbook.
type styles struct {
	title, fill, header, section, text, center, date, footer, plain, bold int
}

func newStyles(f *excelize.File, lay Layout) (*styles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "top", Color: "000000", Style: 1},
		{Type: "right", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	size := lay.FontSize
	font := func(bold bool, sz float64) *excelize.Font {
		return &excelize.Font{Family: lay.Font, Size: sz, Bold: bold}
	}
	specs := []*excelize.Style{
		{Font: &excelize.Font{Family: "方正小标宋简体", Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}},
		{Font: font(false, 11), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}},
		{Font: font(true, 11), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}},
		{Font: font(true, 11), Border: border, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}},
		{Font: font(false, size), Border: border, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}},
		{Font: font(false, size), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}},
		{Font: font(false, size), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
			CustomNumFmt: &lay.DateFormat},
		{Font: font(false, 11), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}},
		{Font: font(false, 11), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}},
		{Font: font(true, 14), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}},
	}
	ids := make([]int, len(specs))
	for i, s := range specs {
		id, err := f.NewStyle(s)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return &styles{title: ids[0], fill: ids[1], header: ids[2], section: ids[3], text: ids[4],
		center: ids[5], date: ids[6], footer: ids[7], plain: ids[8], bold: ids[9]}, nil
}

// sheetWriter writes one ledger sheet with the normal (non-streaming) API.
type sheetWriter struct {
	f     *excelize.File
	sheet string
	lay   Layout
	cols  []column
	st    *styles
	old   bool // the hidden older copy: no footer, no empty rows
	tasks int  // task rows written
}

func (w *sheetWriter) cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col+1, row)
	return name
}

func (w *sheetWriter) lastCol() int { return len(w.cols) - 1 }

func (w *sheetWriter) write(l *Ledger) error {
	f, sh := w.f, w.sheet
	for i, c := range w.cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sh, name, name, c.width); err != nil {
			return err
		}
	}
	r := 1
	if w.lay.Title != "" {
		if err := w.spanRow(r, w.lay.Title, w.st.title); err != nil {
			return err
		}
		if err := f.SetRowHeight(sh, r, 36); err != nil {
			return err
		}
		r++
	}
	if w.lay.Fill != "" {
		if err := w.spanRow(r, w.lay.Fill, w.st.fill); err != nil {
			return err
		}
		if err := f.SetRowHeight(sh, r, 22); err != nil {
			return err
		}
		r++
	}
	headerTop := r
	var err error
	if r, err = w.header(r); err != nil {
		return err
	}
	headerLast := r - 1
	if w.lay.ColumnNumbers && !w.old {
		for i := range w.cols {
			if err := f.SetCellInt(sh, w.cell(i, r), int64(i+1)); err != nil {
				return err
			}
		}
		if err := f.SetCellStyle(sh, w.cell(0, r), w.cell(w.lastCol(), r), w.st.center); err != nil {
			return err
		}
		r++
	}
	bodyFirst := r
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: r - 1,
		TopLeftCell: "A" + strconv.Itoa(r), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if r, err = w.body(l, r); err != nil {
		return err
	}
	if w.lay.TotalRow && !w.old {
		if err := w.totalRow(r, bodyFirst); err != nil {
			return err
		}
		r++
	}
	if w.lay.Stray != "" && !w.old {
		if err := f.SetCellStr(sh, w.lay.Stray, " "); err != nil {
			return err
		}
	}
	if err := w.tail(r); err != nil {
		return err
	}
	if w.old {
		return nil
	}
	// A4 landscape, all columns on one page wide, as clerks print it.
	fit := true
	if err := f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetPageLayout(sh, &excelize.PageLayoutOptions{
		Size: intPtr(9), Orientation: strPtr("landscape"), FitToWidth: intPtr(1), FitToHeight: intPtr(0),
	}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", Scope: sh,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sh, headerTop, headerLast),
	})
}

func intPtr(n int) *int       { return &n }
func strPtr(s string) *string { return &s }

// sectionRow writes a section's row in the layout's SectionForm.
func (w *sheetWriter) sectionRow(r, index int, category string) error {
	title := SectionTitle(index, category)
	numeral := chineseNumeral(index+1) + "、"
	col := func(kind ledger.Column) int {
		for i, c := range w.cols {
			if c.kind == kind {
				return i
			}
		}
		return -1
	}
	seq, problem := col(ledger.ColSeq), col(ledger.ColProblem)
	switch {
	case w.lay.SectionForm == "seq" && seq >= 0 && seq < w.lastCol():
		if err := w.f.SetCellStr(w.sheet, w.cell(seq, r), numeral); err != nil {
			return err
		}
		if err := w.f.SetCellStr(w.sheet, w.cell(seq+1, r), category); err != nil {
			return err
		}
	case w.lay.SectionForm == "seq_merged" && seq >= 0 && seq < w.lastCol():
		if err := w.f.SetCellStr(w.sheet, w.cell(seq, r), numeral); err != nil {
			return err
		}
		if err := w.f.SetCellStr(w.sheet, w.cell(seq+1, r), category); err != nil {
			return err
		}
		if err := w.f.MergeCell(w.sheet, w.cell(seq+1, r), w.cell(w.lastCol(), r)); err != nil {
			return err
		}
	case w.lay.SectionForm == "problem" && problem >= 0:
		if err := w.f.SetCellStr(w.sheet, w.cell(problem, r), title); err != nil {
			return err
		}
	default:
		return w.spanRow(r, title, w.st.section)
	}
	return w.f.SetCellStyle(w.sheet, w.cell(0, r), w.cell(w.lastCol(), r), w.st.section)
}

// spanRow writes text merged across the whole table width.
func (w *sheetWriter) spanRow(r int, text string, style int) error {
	a, b := w.cell(0, r), w.cell(w.lastCol(), r)
	if err := w.f.SetCellStr(w.sheet, a, text); err != nil {
		return err
	}
	if err := w.f.MergeCell(w.sheet, a, b); err != nil {
		return err
	}
	return w.f.SetCellStyle(w.sheet, a, b, style)
}

// header writes the header (one row, or two when there are groups) and
// returns the first row after it.
func (w *sheetWriter) header(r int) (int, error) {
	f, sh := w.f, w.sheet
	two := len(w.lay.Groups) > 0
	last := r
	if two {
		last = r + 1
	}
	if err := f.SetCellStyle(sh, w.cell(0, r), w.cell(w.lastCol(), last), w.st.header); err != nil {
		return 0, err
	}
	for i := 0; i < len(w.cols); i++ {
		c := w.cols[i]
		if !two {
			if err := f.SetCellStr(sh, w.cell(i, r), c.header); err != nil {
				return 0, err
			}
			continue
		}
		if c.group == "" {
			// A column outside every group spans both header rows.
			if err := f.SetCellStr(sh, w.cell(i, r), c.header); err != nil {
				return 0, err
			}
			if err := f.MergeCell(sh, w.cell(i, r), w.cell(i, last)); err != nil {
				return 0, err
			}
			continue
		}
		j := i
		for j+1 < len(w.cols) && w.cols[j+1].group == c.group {
			j++
		}
		if err := f.SetCellStr(sh, w.cell(i, r), c.group); err != nil {
			return 0, err
		}
		if j > i {
			if err := f.MergeCell(sh, w.cell(i, r), w.cell(j, r)); err != nil {
				return 0, err
			}
		}
		for k := i; k <= j; k++ {
			if err := f.SetCellStr(sh, w.cell(k, last), w.cols[k].header); err != nil {
				return 0, err
			}
		}
		i = j
	}
	for row := r; row <= last; row++ {
		h := 30.0
		if two {
			h = 22
		}
		if err := f.SetRowHeight(sh, row, h); err != nil {
			return 0, err
		}
	}
	return last + 1, nil
}

// body writes the section and task rows from row r and returns the row after
// the table.
func (w *sheetWriter) body(l *Ledger, r int) (int, error) {
	f, sh := w.f, w.sheet
	lay := w.lay
	// Lines each task row needs, from its own cells and its share of merged
	// ones.
	first := r
	var lines []float64 // by row - first
	need := func(row int, n float64) {
		for len(lines) <= row-first {
			lines = append(lines, 0)
		}
		if n > lines[row-first] {
			lines[row-first] = n
		}
	}
	tableRow := 0
	err := l.walk(func(x row) error {
		if x.firstOfSection && lay.Category == CategorySection {
			if err := w.sectionRow(r, x.sectionIndex, x.section.Category); err != nil {
				return err
			}
			if err := f.SetRowHeight(sh, r, 24); err != nil {
				return err
			}
			r++
		}
		t := x.task
		if err := f.SetCellStyle(sh, w.cell(0, r), w.cell(w.lastCol(), r), w.st.text); err != nil {
			return err
		}
		tableRow++
		w.tasks++
		if slices.Contains(lay.HideRows, tableRow) {
			if err := f.SetRowVisible(sh, r, false); err != nil {
				return err
			}
		}
		mergeUnits := lay.MergeUnits && x.problemRows > 1 && sameUnits(x.problem)
		for i, c := range w.cols {
			var val any
			style := w.st.text
			switch c.kind {
			case ledger.ColSeq:
				style = w.st.center
				if n, err := strconv.Atoi(x.seq); err == nil && lay.Seq == SeqRow && t.Seq == "" {
					val = n
				} else {
					val = x.seq
				}
			case ledger.ColCategory:
				style = w.st.center
				if lay.Category == CategoryColumn || (lay.Category == CategoryMerged && x.firstOfSection) {
					val = x.section.Category
				}
				if lay.Category == CategoryMerged && x.firstOfSection && x.sectionRows > 1 {
					if err := w.mergeDown(i, r, x.sectionRows, style); err != nil {
						return err
					}
				}
			case ledger.ColProblem:
				if !lay.MergeProblems || x.firstOfProblem {
					val = x.problem.Problem
				}
				if lay.MergeProblems && x.firstOfProblem && x.problemRows > 1 {
					if err := w.mergeDown(i, r, x.problemRows, style); err != nil {
						return err
					}
				}
			case ledger.ColMeasures:
				val = t.Measures
			case ledger.ColLead, ledger.ColUnit:
				style = w.st.center
				v := x.lead
				if c.kind == ledger.ColUnit {
					v = x.unit
				}
				if !mergeUnits || x.firstOfProblem {
					val = v
				}
				if mergeUnits && x.firstOfProblem {
					if err := w.mergeDown(i, r, x.problemRows, style); err != nil {
						return err
					}
				}
			case ledger.ColPerson:
				style, val = w.st.center, x.person
			case ledger.ColDeadline, ledger.ColDone:
				style = w.st.center
				s := t.Deadline
				if c.kind == ledger.ColDone {
					s = t.Done
				}
				if d, ok := cellDate(s); ok {
					val, style = d.Time(), w.st.date
				} else {
					val = cellText(s)
				}
			case ledger.ColProgress:
				val = t.Progress
			case ledger.ColStatus:
				style, val = w.st.center, t.Status
			case ledger.ColEvidence:
				val = t.Evidence
			case ledger.ColNote:
				val = t.Note
			}
			if style != w.st.text {
				if err := f.SetCellStyle(sh, w.cell(i, r), w.cell(i, r), style); err != nil {
					return err
				}
			}
			if val == nil || val == "" {
				continue
			}
			if err := w.setValue(i, r, val); err != nil {
				return err
			}
			if s, ok := val.(string); ok {
				n := textLines(s, c.width, lay.FontSize)
				span := 1
				switch {
				case c.kind == ledger.ColProblem && lay.MergeProblems:
					span = x.problemRows
				case c.kind == ledger.ColCategory && lay.Category == CategoryMerged:
					span = x.sectionRows
				case (c.kind == ledger.ColLead || c.kind == ledger.ColUnit) && mergeUnits:
					span = x.problemRows
				}
				for k := 0; k < span; k++ {
					need(r+k, n/float64(span))
				}
			}
		}
		r++
		return nil
	})
	if err != nil {
		return 0, err
	}
	for i, n := range lines {
		if n == 0 {
			continue // a section row
		}
		h := math.Min(409, math.Ceil(n*lay.FontSize*1.4+8))
		if err := f.SetRowHeight(sh, first+i, h); err != nil {
			return 0, err
		}
	}
	return r, nil
}

func sameUnits(p *Problem) bool {
	for _, t := range p.Tasks {
		if (t.Lead != "" && t.Lead != p.Lead) || (t.Unit != "" && t.Unit != p.Unit) {
			return false
		}
	}
	return true
}

func (w *sheetWriter) mergeDown(col, r, n, style int) error {
	a, b := w.cell(col, r), w.cell(col, r+n-1)
	if err := w.f.MergeCell(w.sheet, a, b); err != nil {
		return err
	}
	return w.f.SetCellStyle(w.sheet, a, b, style)
}

func (w *sheetWriter) setValue(col, r int, val any) error {
	ref := w.cell(col, r)
	switch v := val.(type) {
	case string:
		return w.f.SetCellStr(w.sheet, ref, v)
	case int:
		return w.f.SetCellInt(w.sheet, ref, int64(v))
	case time.Time:
		return w.f.SetCellValue(w.sheet, ref, v)
	}
	return fmt.Errorf("unexpected cell value %T", val)
}

// totalRow writes 合计 and a SUBTOTAL count of the status column, with its
// cached value, as an Excel Table's total row.
func (w *sheetWriter) totalRow(r, first int) error {
	status := -1
	for i, c := range w.cols {
		if c.kind == ledger.ColStatus {
			status = i
		}
	}
	if err := w.f.SetCellStr(w.sheet, w.cell(0, r), "合计"); err != nil || status < 0 {
		return err
	}
	ref := w.cell(status, r)
	if err := w.f.SetCellInt(w.sheet, ref, int64(w.tasks)); err != nil {
		return err
	}
	return w.f.SetCellFormula(w.sheet, ref, fmt.Sprintf("SUBTOTAL(103,%s:%s)", w.cell(status, first), w.cell(status, r-1)))
}

// tail writes the footer and the formatted empty rows after the table.
func (w *sheetWriter) tail(r int) error {
	if w.old {
		return nil
	}
	lay := w.lay
	blank := func(from int) error {
		if lay.BlankRows <= 0 {
			return nil
		}
		return w.f.SetCellStyle(w.sheet, w.cell(0, from), w.cell(w.lastCol(), from+lay.BlankRows-1), w.st.text)
	}
	footer := func(row int) error {
		if len(lay.Footer) == 0 {
			return nil
		}
		n := len(lay.Footer)
		for i, text := range lay.Footer {
			col := 0
			if n > 1 {
				col = i * w.lastCol() * 2 / 3 / (n - 1)
			}
			if err := w.f.SetCellStr(w.sheet, w.cell(col, row), text); err != nil {
				return err
			}
			if err := w.f.SetCellStyle(w.sheet, w.cell(col, row), w.cell(col, row), w.st.footer); err != nil {
				return err
			}
		}
		return w.f.SetRowHeight(w.sheet, row, 24)
	}
	if lay.FooterAfter {
		if err := blank(r); err != nil {
			return err
		}
		return footer(r + lay.BlankRows + 1)
	}
	if err := footer(r + 1); err != nil {
		return err
	}
	gap := 0
	if len(lay.Footer) > 0 {
		gap = 2
	}
	return blank(r + gap)
}

// writeExample puts a worked example under the instructions: the full
// header and one 示例 row, as templates handed down by the town do.
func writeExample(f *excelize.File, st *styles, cols []column, r int, on bool) error {
	if !on {
		return nil
	}
	const sh = "填表说明"
	example := map[ledger.Column]string{
		ledger.ColSeq: "示例", ledger.ColCategory: "党的建设方面",
		ledger.ColProblem: "示例：“三会一课”记录不完整", ledger.ColMeasures: "补齐会议记录，建立月度检查制度",
		ledger.ColLead: "（领导姓名）", ledger.ColUnit: "村党委", ledger.ColPerson: "（责任人姓名）",
		ledger.ColDeadline: "2025年3月31日", ledger.ColProgress: "已补齐会议记录并建立制度",
		ledger.ColStatus: "已完成", ledger.ColDone: "2025年3月20日",
	}
	for i, c := range cols {
		head, _ := excelize.CoordinatesToCellName(i+1, r)
		if err := f.SetCellStr(sh, head, strings.ReplaceAll(c.header, "\n", "")); err != nil {
			return err
		}
		cell, _ := excelize.CoordinatesToCellName(i+1, r+1)
		if err := f.SetCellStr(sh, cell, example[c.kind]); err != nil {
			return err
		}
	}
	a, _ := excelize.CoordinatesToCellName(1, r)
	z, _ := excelize.CoordinatesToCellName(len(cols), r+1)
	return f.SetCellStyle(sh, a, z, st.plain)
}

// writeInstructions fills the 填表说明 sheet.
func writeInstructions(f *excelize.File, st *styles, lines []string) error {
	const sh = "填表说明"
	if err := f.SetColWidth(sh, "A", "A", 80); err != nil {
		return err
	}
	if err := f.SetCellStr(sh, "A1", "填表说明"); err != nil {
		return err
	}
	if err := f.SetCellStyle(sh, "A1", "A1", st.bold); err != nil {
		return err
	}
	if err := f.SetRowHeight(sh, 1, 30); err != nil {
		return err
	}
	for i, line := range lines {
		r := i + 2
		ref := "A" + strconv.Itoa(r)
		if err := f.SetCellStr(sh, ref, line); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, ref, ref, st.plain); err != nil {
			return err
		}
		h := math.Ceil(textLines(line, 80, 11)*11*1.4 + 6)
		if err := f.SetRowHeight(sh, r, h); err != nil {
			return err
		}
	}
	return nil
}

// olderCopy is the ledger as it stood on day asOf: tasks finished later are
// still 整改中 with the first sentence of their progress.
func (l *Ledger) olderCopy(asOf string) (*Ledger, error) {
	day, err := ledger.ParseISODate(asOf)
	if err != nil {
		return nil, err
	}
	old := *l
	old.Sections = make([]Section, len(l.Sections))
	for i, s := range l.Sections {
		s.Problems = append([]Problem(nil), s.Problems...)
		for j, p := range s.Problems {
			p.Tasks = append([]Task(nil), p.Tasks...)
			for k, t := range p.Tasks {
				if t.Done == "" {
					continue
				}
				d, err := parseDay(t.Done)
				if err != nil || !d.After(day) {
					continue
				}
				t.Status, t.Done = "整改中", ""
				if i := strings.Index(t.Progress, "。"); i > 0 {
					t.Progress = t.Progress[:i+len("。")]
				}
				p.Tasks[k] = t
			}
			s.Problems[j] = p
		}
		old.Sections[i] = s
	}
	return &old, nil
}

// textLines estimates how many lines text takes in a wrapped cell of the
// given width: a CJK or full-width character takes two width units, ASCII
// one.
func textLines(s string, colWidth, fontSize float64) float64 {
	perLine := (colWidth - 1) * 11 / fontSize
	if perLine < 2 {
		perLine = 2
	}
	total := 0.0
	for _, para := range strings.Split(s, "\n") {
		units := 0.0
		for len(para) > 0 {
			r, n := utf8.DecodeRuneInString(para)
			para = para[n:]
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				units += 2
			default:
				units++
			}
		}
		total += math.Max(1, math.Ceil(units/perLine))
	}
	return total
}

// WriteCombined writes a 片区 cadre's combined workbook: each ledger on a
// sheet named by its village, in order, without instructions or old copies.
// The same ledgers always give the same bytes.
func WriteCombined(path string, ls []*Ledger) error {
	if len(ls) == 0 {
		return fmt.Errorf("synth: no ledgers to combine")
	}
	sheetOf := func(l *Ledger) *Ledger {
		c := *l
		c.Layout.Sheet, c.Layout.Instructions, c.Layout.OldSheet = l.Village, nil, ""
		return &c
	}
	f, err := Build(sheetOf(ls[0]))
	if err != nil {
		return err
	}
	defer f.Close()
	for _, l := range ls[1:] {
		l = sheetOf(l)
		lay := l.Layout.withDefaults()
		cols, err := lay.columns()
		if err != nil {
			return fmt.Errorf("%s: %w", l.Village, err)
		}
		st, err := newStyles(f, lay)
		if err != nil {
			return fmt.Errorf("%s: %w", l.Village, err)
		}
		if _, err := f.NewSheet(lay.Sheet); err != nil {
			return fmt.Errorf("%s: %w", l.Village, err)
		}
		w := sheetWriter{f: f, sheet: lay.Sheet, lay: lay, cols: cols, st: st}
		if err := w.write(l); err != nil {
			return fmt.Errorf("%s: %w", l.Village, err)
		}
	}
	return save(f, path)
}
