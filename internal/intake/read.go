package intake

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/xlsx"
)

const corruptMessage = "文件已损坏或不完整（可能没有保存完或没有传完），无法读取：请用Excel或WPS打开确认无误后重新保存，再重新提交"

// readPackage reads an xlsx package: finds the ledger sheets and reads
// them. Every sheet is accounted for in File.Sheets: read, or skipped with
// the reason.
func (r *reader) readPackage(ra io.ReaderAt, size int64) {
	b, err := xlsx.Open(ra, size, r.opts.Limits)
	if err == nil {
		err = b.Load()
	}
	if err != nil {
		r.packageError(b, err)
		return
	}
	var cands []*candidate
	var hidden []string
	for _, ref := range b.Sheets {
		if ref.Chart {
			r.skipSheet(ref.Name, "图表，不是工作表")
			continue
		}
		if ref.Hidden {
			hidden = append(hidden, ref.Name)
			r.skipSheet(ref.Name, "隐藏的工作表，不读取")
			continue
		}
		c, err := r.inspect(b, ref)
		if err != nil {
			r.packageError(b, err)
			return
		}
		switch {
		case c == nil:
			r.skipSheet(ref.Name, "没有台账表头")
		case c.example:
			r.skipSheet(ref.Name, "填表说明或示例，不是台账")
		default:
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		msg := "没有找到台账表头：请确认有一个未隐藏的工作表，其表头一行包含“巡察反馈问题”“整改措施”“整改时限”“整改进展情况”“整改状态”等列"
		if len(hidden) > 0 {
			msg += fmt.Sprintf("（隐藏的工作表“%s”不会被读取，如台账在其中请取消隐藏）", strings.Join(hidden, "”“"))
		}
		r.fileError(ledger.CodeNoLedgerSheet, "%s", msg)
		return
	}
	cands, ok := r.latestSnapshot(cands)
	if !ok {
		return
	}
	if villages := r.perVillage(cands); villages != nil {
		for i, c := range cands {
			r.readLedger(b, c, villages[i])
		}
		r.res.File.Sheet = cands[0].ref.Name
		return
	}
	village := r.village(cands[0].g, cands[0].h, cands[0].ref.Name, true)
	r.res.File.Sheet = cands[0].ref.Name
	for _, c := range cands {
		r.readLedger(b, c, village)
	}
}

// skipSheet records a sheet that is not read, and why.
func (r *reader) skipSheet(name, reason string) {
	r.res.File.Sheets = append(r.res.File.Sheets, SheetUse{Sheet: name, Reason: reason})
}

// monthRe finds the month in a sheet named 6月, 9月更新, 2025年9月.
var monthRe = regexp.MustCompile(`(?:(\d{4})\s*[年.\-/]\s*)?(\d{1,2})\s*月`)

// latestSnapshot handles month snapshots side by side (6月, 9月更新): when
// two or more ledger sheets are named by month, the latest is read and a
// warning names the others; when the latest cannot be told, it is an error
// naming them all, and ok is false.
func (r *reader) latestSnapshot(cands []*candidate) ([]*candidate, bool) {
	if len(cands) < 2 {
		return cands, true
	}
	months := make([]int, len(cands))
	named := 0
	for i, c := range cands {
		if m := monthRe.FindStringSubmatch(ledger.NormalizeText(c.ref.Name)); m != nil {
			y, _ := strconv.Atoi(m[1]) // 0 when the name gives no year
			mo, _ := strconv.Atoi(m[2])
			months[i] = y*100 + mo
			named++
		}
	}
	if named < 2 {
		return cands, true
	}
	// Years count only when every month sheet gives one (2024年12月 before
	// 2025年1月); otherwise the months alone are compared.
	allYears := true
	for _, m := range months {
		allYears = allYears && (m == 0 || m >= 100)
	}
	if !allYears {
		for i := range months {
			months[i] %= 100
		}
	}
	names := make([]string, len(cands))
	for i, c := range cands {
		names[i] = "“" + c.ref.Name + "”"
	}
	best, tie := 0, false
	for i := range cands {
		if months[i] > months[best] {
			best, tie = i, false
		} else if i != best && months[i] == months[best] {
			tie = true
		}
	}
	if tie || named < len(cands) {
		r.fileError(ledger.CodeSheetChoice, "有多个月份的台账工作表（%s），无法判断哪个是最新的：请只保留最新的一个工作表，或在工作表名称中写明月份", strings.Join(names, "、"))
		return nil, false
	}
	var others []string
	for i, c := range cands {
		if i != best {
			others = append(others, names[i])
			r.skipSheet(c.ref.Name, fmt.Sprintf("较早月份的台账，已改读“%s”", cands[best].ref.Name))
		}
	}
	r.res.Diagnostics = append(r.res.Diagnostics, ledger.Diagnostic{
		Severity: ledger.Warning, Code: ledger.CodeSheetChoice, File: r.res.File.Name, Sheet: cands[best].ref.Name,
		Message: fmt.Sprintf("工作簿中有多个月份的台账，只读取了最新的“%s”，未读取%s：如不对，请删去不用的工作表", cands[best].ref.Name, strings.Join(others, "、")),
	})
	return []*candidate{cands[best]}, true
}

// perVillage tells a combined workbook (a 片区 cadre's file, one sheet per
// village): with a config, two or more ledger sheets each naming a different
// configured village in the sheet name or title. It returns each sheet's
// village, or nil when the workbook is one village's ledger.
func (r *reader) perVillage(cands []*candidate) []string {
	if len(cands) < 2 || len(r.opts.Villages) == 0 {
		return nil
	}
	out := make([]string, len(cands))
	seen := map[string]bool{}
	for i, c := range cands {
		v := matchVillage(r.opts.Villages, append(sheetTexts(c.g, c.h), c.ref.Name))
		if v == "" || seen[v] {
			return nil
		}
		seen[v] = true
		out[i] = v
	}
	return out
}

// packageError turns an error met while reading a package into one
// diagnostic about the file.
func (r *reader) packageError(b *xlsx.Book, err error) {
	var tl *xlsx.TooLargeError
	switch {
	case errors.As(err, &tl):
		r.fileError(ledger.CodeTooLarge, "%s，不像一份正常的台账（可能已损坏或被恶意构造），已拒绝读取：请检查文件后重新提交", tl.Msg)
	case errors.Is(err, xlsx.ErrNoWorkbook):
		r.fileError(ledger.CodeNotWorkbook, "%s", zipKindMessage(b))
	default:
		r.fileError(ledger.CodeCorrupt, "%s", corruptMessage)
	}
}

// zipKindMessage explains a zip that is not an xlsx package.
func zipKindMessage(b *xlsx.Book) string {
	has := b.HasPart
	switch {
	case has("xl/workbook.bin"):
		return "这是Excel二进制工作簿（.xlsb）：" + saveAsXLSX
	case has("mimetype") && has("content.xml"):
		return "这是ODS格式的表格：" + saveAsXLSX
	case has("word/document.xml"):
		return "这是Word文档，不是Excel工作簿：请提交Excel格式（.xlsx）的台账"
	}
	return "这是一个压缩包，不是Excel工作簿（.xlsx）：" + saveAsXLSX
}

// candidate is a sheet with a ledger header.
type candidate struct {
	ref     xlsx.SheetRef
	s       *xlsx.Sheet
	g       *xlsx.Grid
	h       header
	example bool // an instructions sheet: its rows are 示例
}

// inspect reads a sheet and looks for its header; nil when it has none.
func (r *reader) inspect(b *xlsx.Book, ref xlsx.SheetRef) (*candidate, error) {
	s, err := b.ReadSheet(ref)
	if err != nil {
		return nil, err
	}
	g, ok := xlsx.NewGrid(s)
	if !ok {
		return nil, &xlsx.TooLargeError{Msg: fmt.Sprintf("工作表“%s”的合并单元格过多", ref.Name)}
	}
	h, ok := findHeader(g)
	if !ok {
		return nil, nil
	}
	return &candidate{ref: ref, s: s, g: g, h: h, example: isExample(ref.Name, g, h)}, nil
}

// header is a sheet's header: one row or two (a merged group over its
// columns), and the column of each canonical column (0 when absent).
type header struct {
	first, last int
	col         [ledger.NumColumns]int
	score       int // distinct canonical columns found
	c1, c2      int // the table's column span
	// extra lists, per canonical column, further columns of the header that
	// name it too (a clerk's June and September columns side by side).
	extra [ledger.NumColumns][]int
}

// sameColumns reports whether two headers put every column in the same place.
func (h header) sameColumns(o header) bool { return h.col == o.col }

// headerScan bounds how many rows from the top may hold the header.
const headerScan = 30

// findHeader finds the row (or pair of rows) that names the most canonical
// columns. It needs three columns, two of them required ones.
func findHeader(g *xlsx.Grid) (header, bool) {
	var best header
	rows := g.RowNums()
	for i, row := range rows {
		if i >= headerScan {
			break
		}
		// A single row wins over a pair ending on it with the same score, so a
		// title or 填报单位 line above the header is never taken for its top half.
		if h, ok := headerAt(g, row, row); ok && (h.score > best.score || (h.score == best.score && h.last == best.last)) {
			best = h
		}
		if h, ok := headerAt(g, row, row+1); ok && h.score > best.score {
			best = h
		}
	}
	if best.score < 3 {
		return header{}, false
	}
	required := 0
	for _, c := range ledger.RequiredColumns {
		if best.col[c] > 0 {
			required++
		}
	}
	return best, required >= 2
}

// headerAt reads rows first..last (one or two) as a header. For a two-row
// header every written cell of the second row must be a column name, so a
// data row is never taken for one.
func headerAt(g *xlsx.Grid, first, last int) (header, bool) {
	h := header{first: first, last: last}
	for c := 1; c <= g.MaxCol; c++ {
		top := g.Text(first, c)
		col, ok := ledger.Column(0), false
		if last != first {
			bottom, filled := g.At(last, c)
			if bottom.Text != "" && bottom.Text != top {
				col, ok = ledger.MatchHeader(bottom.Text)
				if !ok {
					col, ok = ledger.MatchHeader(top + bottom.Text)
				}
				if !ok && !filled {
					return header{}, false
				}
			}
		}
		if !ok && top != "" {
			col, ok = ledger.MatchHeader(top)
		}
		if top != "" || ok {
			if h.c1 == 0 {
				h.c1 = c
			}
			h.c2 = c
		}
		if ok && h.col[col] == 0 {
			h.col[col] = c
			h.score++
		} else if ok && len(h.extra[col]) < 8 {
			h.extra[col] = append(h.extra[col], c)
		}
	}
	return h, h.score > 0
}

// readLedger turns the rows below the header of one sheet into items of
// the village, and says in File.Sheets what it read and what it skipped.
func (r *reader) readLedger(b *xlsx.Book, c *candidate, village string) {
	g, h, sheetName := c.g, c.h, c.ref.Name
	use := SheetUse{Sheet: sheetName, Read: true, Village: village}
	defer func() { r.res.File.Sheets = append(r.res.File.Sheets, use) }()
	diag := func(sev ledger.Severity, code string, row int, cellRef, column, format string, args ...any) {
		r.res.Diagnostics = append(r.res.Diagnostics, ledger.Diagnostic{
			Severity: sev, Code: code, File: r.res.File.Name, Sheet: sheetName, Cell: cellRef, Row: row, Column: column,
			Message: fmt.Sprintf(format, args...),
		})
	}
	if r.res.File.Village == "" {
		r.res.File.Village = village
	}
	h = r.twoColumns(c, h, &use, diag)
	layout := layoutOf(h)
	for _, col := range ledger.RequiredColumns {
		if h.col[col] == 0 {
			diag(ledger.Error, ledger.CodeMissingColumn, h.first, "", col.Name(), "表头中缺少“%s”列：请在第%d行表头中加上这一列", col.Name(), h.first)
		}
	}
	tooLong := map[string]bool{}
	for _, ref := range c.s.TooLong {
		tooLong[ref] = true
	}

	category := ""
	seqRows := map[string]int{}
	taskRows := map[int]bool{}
	hiddenRows, first := 0, true
	skip := func(row int, reason string) {
		if len(use.Skipped) < maxSkippedNotes {
			use.Skipped = append(use.Skipped, RowNote{Row: row, Reason: reason})
		}
	}
	for _, row := range g.RowNums() {
		if row <= h.last {
			continue
		}
		r.res.File.RowsRead++
		if g.RowHidden(row) {
			hiddenRows++
		}
		if first {
			first = false
			if columnNumbers(g, h, row) {
				skip(row, "表头下的列序号行（1 2 3 …）")
				continue
			}
		}
		if maybeHeader(g, h, row) {
			if nh, ok := headerAt(g, row, row); ok && nh.score >= 3 && requiredIn(nh) >= 2 {
				if nh.sameColumns(h) {
					skip(row, "重复的表头")
				} else {
					h, layout = nh, layoutOf(nh)
					skip(row, "另一张表的表头：以下各行按这个表头读取")
				}
				continue
			}
		}
		kind, title := classifyRow(g, h, row)
		switch kind {
		case rowBlank:
			continue
		case rowFooter:
			skip(row, "表尾：填表人、审核人等")
			continue
		case rowTotal:
			skip(row, "合计行")
			continue
		case rowSection:
			category = title
			seqRows = map[string]int{} // 序号 restarting in each section is numbering, not duplicates
			skip(row, "分类行：“"+title+"”")
			continue
		}
		it := ledger.Item{
			Village: village,
			Source:  ledger.Source{File: r.res.File.Name, Sheet: sheetName, Row: row, Layout: layout},
		}
		taskRows[row] = true
		at := func(col ledger.Column, sev ledger.Severity, code, format string, args ...any) {
			r.res.Diagnostics = append(r.res.Diagnostics, ledger.At(sev, code, &it, col, format, args...))
		}
		// A cell that cannot be read as it shows (an error value, a formula
		// without a saved result, text beyond Excel's limit) is an error at
		// that cell, and no other rule looks at it.
		var bad ledger.ColumnSet
		var cells [ledger.NumColumns]xlsx.Cell
		var filledFrom [ledger.NumColumns]bool
		for col := range ledger.Column(ledger.NumColumns) {
			if h.col[col] == 0 {
				continue
			}
			v, filled := g.At(row, h.col[col])
			cells[col], filledFrom[col] = v, filled
			if filled {
				if m, ok := g.Merge(row, h.col[col]); ok && m.R1 > h.last && m.R1 < row && taskRows[m.R1] {
					it.MergedUp = it.MergedUp.With(col)
				}
			}
			switch {
			case v.TooLong || (len(tooLong) > 0 && tooLong[xlsx.CellRef(h.col[col], row)]):
				bad = bad.With(col)
				if !filled {
					at(col, ledger.Error, ledger.CodeTooLarge, "单元格内容超过%d个字（Excel单元格的上限），不像台账内容，已拒绝读取：请精简后重新提交", r.opts.Limits.MaxCellRunes)
				}
			case v.NoCache:
				bad = bad.With(col)
				if !filled {
					at(col, ledger.Error, ledger.CodeNoCachedValue, "这是公式，但文件中没有保存计算结果（常见于程序生成的表格）：请用Excel或WPS打开并保存一次后重新提交")
				}
			case v.Error || (len(v.Text) <= 16 && strings.HasPrefix(v.Text, "#") && isErrorValue(v.Text)):
				bad = bad.With(col)
				if !filled {
					at(col, ledger.Error, ledger.CodeErrorValue, "单元格是Excel错误值“%s”（公式出错或引用的单元格已删除），不能公开：请改正公式或直接填写内容", clean(v.Text))
				}
			}
		}
		val := func(col ledger.Column) (xlsx.Cell, bool) {
			if h.col[col] == 0 || bad.Has(col) {
				return xlsx.Cell{}, false
			}
			return cells[col], filledFrom[col]
		}
		text := func(col ledger.Column) string { v, _ := val(col); return clean(v.Text) }
		it.Seq = ledger.NormalizeSeq(text(ledger.ColSeq))
		it.Category = text(ledger.ColCategory)
		if it.Category == "" && category != "" {
			it.Category, it.FromSection = category, true
		}
		it.Problem = text(ledger.ColProblem)
		it.Measures = text(ledger.ColMeasures)
		it.Lead = text(ledger.ColLead)
		it.Unit = text(ledger.ColUnit)
		it.Person = text(ledger.ColPerson)
		it.Progress = text(ledger.ColProgress)
		it.Evidence = text(ledger.ColEvidence)
		it.Note = text(ledger.ColNote)

		for _, col := range ledger.RequiredColumns {
			if h.col[col] > 0 && !bad.Has(col) && emptyValue(col, text(col)) {
				at(col, ledger.Error, ledger.CodeEmptyCell, "%s", emptyMessage(col))
			}
		}
		if d, _ := val(ledger.ColDeadline); !emptyValue(ledger.ColDeadline, d.Text) {
			if dl, ok := deadlineOf(d, b.Date1904); ok {
				it.Deadline = dl
			} else {
				at(ledger.ColDeadline, ledger.Error, ledger.CodeBadDate,
					"整改时限“%s”不是可识别的日期：请写成2025-03-31、2025年3月31日或2025年3月底前，或写“长期坚持”“立行立改”“集中整改期内”", clean(d.Text))
			}
		}
		if s := text(ledger.ColStatus); s != "" {
			if st, ok := ledger.ParseStatus(s); ok {
				it.Status = st
			} else {
				at(ledger.ColStatus, ledger.Error, ledger.CodeBadStatus, "整改状态“%s”不是允许的状态（%s）", s, ledger.StatusList)
			}
		}
		if d, _ := val(ledger.ColDone); !emptyValue(ledger.ColDone, d.Text) {
			if day, ok := dateOf(d, b.Date1904); ok {
				it.Done = day
			} else {
				at(ledger.ColDone, ledger.Error, ledger.CodeBadDate, "完成时间“%s”不是可识别的日期：请写成2025-03-31或2025年3月31日", clean(d.Text))
			}
		}
		if s, filled := val(ledger.ColSeq); it.Seq != "" && !filled {
			if first, dup := seqRows[it.Seq]; dup {
				at(ledger.ColSeq, ledger.Warning, ledger.CodeDuplicateSeq, "序号“%s”与第%d行重复：请重新编号", clean(s.Text), first)
			} else {
				seqRows[it.Seq] = row
			}
		}
		r.res.Items = append(r.res.Items, it)
		use.Tasks++
		if use.FirstRow == 0 {
			use.FirstRow = row
		}
		use.LastRow = row
	}
	if hiddenRows > 0 {
		diag(ledger.Warning, ledger.CodeHiddenRows, 0, "", "", "工作表“%s”有%d行被隐藏（或折叠在分组中），已照常读取：请确认这些行的内容也应公开", sheetName, hiddenRows)
	}
}

// maybeHeader is the cheap test before a row is read as a header: a
// header's problem or measures cell is a short column name, a task's is a
// sentence. Only short texts are looked up.
func maybeHeader(g *xlsx.Grid, h header, row int) bool {
	for _, col := range []ledger.Column{ledger.ColProblem, ledger.ColMeasures, ledger.ColStatus} {
		if h.col[col] == 0 {
			continue
		}
		t := g.Text(row, h.col[col])
		if t == "" {
			continue
		}
		if len(t) > 3*12 {
			return false // a sentence: a task
		}
		if t == g.Text(h.last, h.col[col]) {
			return true
		}
		if _, ok := ledger.MatchHeader(t); ok {
			return true
		}
		if col != ledger.ColStatus {
			return false // a short problem that is no column name: a task
		}
	}
	return false
}

// maxSkippedNotes bounds the skipped rows listed per sheet.
const maxSkippedNotes = 200

// layoutOf gives the column letters of a header.
func layoutOf(h header) *ledger.Layout {
	var layout ledger.Layout
	for col, x := range h.col {
		if x > 0 {
			layout[col] = xlsx.ColName(x)
		}
	}
	return &layout
}

func requiredIn(h header) int {
	n := 0
	for _, c := range ledger.RequiredColumns {
		if h.col[c] > 0 {
			n++
		}
	}
	return n
}

// twoColumns settles a field named by two columns of the header: the
// visible one wins with a warning; two visible ones are an error naming
// both. Columns of the table that name no field are listed as skipped.
func (r *reader) twoColumns(c *candidate, h header, use *SheetUse, diag func(ledger.Severity, string, int, string, string, string, ...any)) header {
	for col := range ledger.Column(ledger.NumColumns) {
		if len(h.extra[col]) == 0 {
			continue
		}
		all := append([]int{h.col[col]}, h.extra[col]...)
		var visible, hidden []int
		for _, x := range all {
			if c.s.ColHidden(x) {
				hidden = append(hidden, x)
			} else {
				visible = append(visible, x)
			}
		}
		letters := func(xs []int) string {
			var out []string
			for _, x := range xs {
				out = append(out, xlsx.ColName(x)+"列")
			}
			return strings.Join(out, "、")
		}
		switch {
		case len(visible) == 1:
			h.col[col] = visible[0]
			diag(ledger.Warning, ledger.CodeTwoColumns, h.first, xlsx.CellRef(visible[0], h.first), col.Name(),
				"有多列都是“%s”：读取了未隐藏的%s，隐藏的%s未读取", col.Name(), letters(visible), letters(hidden))
			for _, x := range hidden {
				use.SkippedColumns = append(use.SkippedColumns, ColumnNote{Column: xlsx.ColName(x), Reason: "隐藏的重复“" + col.Name() + "”列"})
			}
		default:
			diag(ledger.Error, ledger.CodeTwoColumns, h.first, xlsx.CellRef(all[0], h.first), col.Name(),
				"有多列都是“%s”（%s），无法判断读取哪一列：请删去或隐藏不用的列", col.Name(), letters(all))
		}
	}
	for x := h.c1; x <= h.c2; x++ {
		named := false
		for _, cx := range h.col {
			named = named || cx == x
		}
		if !named {
			if t := clean(c.g.Text(h.last, x)); t != "" {
				if _, isField := ledger.MatchHeader(t); !isField {
					use.SkippedColumns = append(use.SkippedColumns, ColumnNote{Column: xlsx.ColName(x), Header: t, Reason: "不是台账的列，不读取"})
				}
			}
		}
	}
	return h
}

// columnNumbers reports whether a row is a row of column numbers under the
// header: 1 2 3 … (or (1) (2) …) in consecutive columns and nothing else.
func columnNumbers(g *xlsx.Grid, h header, row int) bool {
	n := 0
	for c := h.c1; c <= h.c2; c++ {
		t := strings.Trim(ledger.NormalizeText(clean(g.Text(row, c))), "()")
		if t == "" {
			continue
		}
		v, err := strconv.Atoi(t)
		if err != nil || v != n+1 {
			return false
		}
		n++
	}
	return n >= 3
}

// errorValues are the values Excel shows for a formula that failed.
var errorValues = map[string]bool{"#REF!": true, "#N/A": true, "#VALUE!": true, "#DIV/0!": true,
	"#NAME?": true, "#NULL!": true, "#NUM!": true, "#SPILL!": true, "#CALC!": true, "#GETTING_DATA": true}

func isErrorValue(s string) bool { return len(s) <= 16 && errorValues[strings.ToUpper(clean(s))] }

// isExample reports whether a sheet with a ledger header is an instructions
// sheet: named 说明/示例/模板, or every row under the header is a 示例.
func isExample(name string, g *xlsx.Grid, h header) bool {
	n := ledger.NormalizeText(name)
	for _, w := range []string{"说明", "示例", "样例", "范例", "填表要求"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	// The first rows under the header tell: an instructions sheet shows one
	// or two examples, a ledger hundreds of tasks.
	rows, examples := 0, 0
	for _, row := range g.RowNums() {
		if row <= h.last {
			continue
		}
		if rows++; rows > 20 {
			return false
		}
		for c := h.c1; c <= h.c2; c++ {
			t := strings.TrimLeft(g.Text(row, c), " \u3000【[（(")
			if strings.HasPrefix(t, "示例") || strings.HasPrefix(t, "例：") || strings.HasPrefix(t, "例:") || strings.HasPrefix(t, "举例") || strings.HasPrefix(t, "样例") {
				examples++
				break
			}
		}
	}
	return examples > 0 && examples*2 >= rows
}

// rowKind is what a row below the header is.
type rowKind int

const (
	rowTask rowKind = iota
	rowBlank
	rowSection
	rowFooter
	rowTotal // a total or subtotal row (an Excel Table's, or typed)
)

var (
	// 一、 (一) 1、 at the start of a section title
	sectionNumRe = regexp.MustCompile(`^\s*(?:[一二三四五六七八九十百]+\s*[、.．]|[（(][一二三四五六七八九十百]+[）)]|\d+\s*[、．])\s*`)
	footerWords  = []string{"填表", "填报", "制表", "审核", "统计人", "联系人", "联系电话",
		"负责人", "单位负责人", "主要负责人", "报送日期", "签字", "盖章",
		"注:", "说明:", "备注:", "合计", "总计", "小计"}
	// a section number alone: 一、 (三) 3、
	sectionNumOnlyRe = regexp.MustCompile(`^\s*(?:[一二三四五六七八九十百]+\s*[、.．]?|[（(][一二三四五六七八九十百]+[）)])\s*$`)
)

// classifyRow tells a task from a blank row, a section title spanning the
// table (一、…方面, which gives its text as the category) and a footer.
func classifyRow(g *xlsx.Grid, h header, row int) (rowKind, string) {
	var distinct []string
	written, cells := false, 0
	for c := h.c1; c <= h.c2; c++ {
		v, filled := g.At(row, c)
		if !filled && v.Formula && isTotalFormula(v.Raw) {
			return rowTotal, ""
		}
		t := clean(v.Text)
		if t == "" {
			continue
		}
		cells++
		written = written || !filled
		if len(distinct) < 3 && !slices.Contains(distinct, t) {
			distinct = append(distinct, t)
		}
	}
	if !written {
		return rowBlank, ""
	}
	head := distinct[0]
	if len(head) > 64 {
		head = head[:64]
	}
	head = ledger.NormalizeText(head)
	if head == "汇总" || head == "合计" || head == "总计" || head == "小计" {
		return rowTotal, ""
	}
	for _, w := range footerWords {
		if strings.HasPrefix(head, w) {
			if _, isStatus := ledger.ParseStatus(g.Text(row, h.col[ledger.ColStatus])); !isStatus {
				return rowFooter, ""
			}
		}
	}
	if len(distinct) == 1 {
		t := distinct[0]
		numbered := sectionNumRe.MatchString(t)
		if cells >= 2 || numbered || (strings.HasSuffix(t, "方面") && len([]rune(t)) <= 20) {
			title := strings.TrimRight(sectionNumRe.ReplaceAllString(t, ""), ":：")
			if title == "" {
				title = strings.TrimSpace(t) // （三） alone: the numeral is all the clerk wrote
			}
			return rowSection, title
		}
	}
	// 一、 in 序号 with the title beside it (in the next cell, or merged over
	// the rest of the row), and nothing in the task's own columns below.
	if len(distinct) == 2 && sectionNumOnlyRe.MatchString(distinct[0]) && !taskFilled(g, h, row, distinct[1]) {
		return rowSection, strings.TrimRight(distinct[1], ":：")
	}
	// A row with nothing but a 序号 or a category is a pre-numbered empty row.
	for _, col := range []ledger.Column{ledger.ColProblem, ledger.ColMeasures, ledger.ColProgress, ledger.ColStatus, ledger.ColDeadline} {
		if h.col[col] > 0 && clean(g.Text(row, h.col[col])) != "" {
			return rowTask, ""
		}
	}
	return rowBlank, ""
}

// taskFilled reports whether a task's own columns (measures, progress,
// status, deadline) hold anything but the title text.
func taskFilled(g *xlsx.Grid, h header, row int, title string) bool {
	for _, col := range []ledger.Column{ledger.ColMeasures, ledger.ColProgress, ledger.ColStatus, ledger.ColDeadline} {
		if h.col[col] > 0 {
			if t := clean(g.Text(row, h.col[col])); t != "" && t != title {
				return true
			}
		}
	}
	return false
}

// isTotalFormula reports whether a formula is a total: an Excel Table's
// total row uses SUBTOTAL (or AGGREGATE).
func isTotalFormula(f string) bool {
	f = strings.ToUpper(strings.TrimLeft(f, "= "))
	f = strings.TrimPrefix(f, "_XLFN.")
	return strings.HasPrefix(f, "SUBTOTAL(") || strings.HasPrefix(f, "AGGREGATE(")
}

// clean trims a cell's text for use as a value: outer white space
// (including the ideographic and no-break spaces) goes, CRLF becomes LF.
func clean(s string) string {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "\r") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	return s
}

// placeholders are what clerks write in a cell that has nothing to say.
var placeholders = map[string]bool{"/": true, "／": true, "-": true, "—": true, "——": true, "－": true, "无": true, "暂无": true}

// emptyValue reports whether a cell counts as empty: blank, or for a date
// column a placeholder such as "/" or "无".
func emptyValue(col ledger.Column, s string) bool {
	s = clean(s)
	if s == "" {
		return true
	}
	return (col == ledger.ColDeadline || col == ledger.ColDone) && placeholders[s]
}

func emptyMessage(col ledger.Column) string {
	switch col {
	case ledger.ColProblem:
		return "巡察反馈问题为空：请填写这项整改对应的巡察反馈问题"
	case ledger.ColMeasures:
		return "整改措施为空：请填写具体的整改措施"
	case ledger.ColDeadline:
		return "整改时限为空：请填写日期（如2025-03-31、2025年3月底前）或“长期坚持”"
	case ledger.ColProgress:
		return "整改进展情况为空：请填写目前的整改进展"
	case ledger.ColStatus:
		return "整改状态为空：请填写" + ledger.StatusList + "之一"
	}
	return col.Name() + "为空：请填写"
}

// dateOf reads a date cell: a real Excel date, a date written as text, or a
// plain serial number (a date whose cell lost its date format) or yyyymmdd
// number. A date outside the plausible years is not one: "3.31" typed into a
// date cell is 1900-01-03.
func dateOf(c xlsx.Cell, date1904 bool) (ledger.Date, bool) {
	if c.IsDate {
		return c.Date, c.Date.Plausible()
	}
	if d, ok := ledger.ParseDateText(c.Text); ok {
		return d, true
	}
	if c.Number {
		v := c.Value
		if v > 0 {
			if t, err := excelize.ExcelDateToTime(v, date1904); err == nil && ledger.DateOf(t).Plausible() {
				return ledger.DateOf(t), true
			}
		}
	}
	return ledger.Date{}, false
}

// deadlineOf reads a 整改时限 cell.
func deadlineOf(c xlsx.Cell, date1904 bool) (ledger.Deadline, bool) {
	if !c.IsDate && !c.Number {
		if d, ok := ledger.ParseDeadline(c.Text); ok {
			return d, true
		}
	}
	d, ok := dateOf(c, date1904)
	if !ok {
		return ledger.Deadline{}, false
	}
	return ledger.Deadline{Kind: ledger.DeadlineOn, Date: d}, true
}
