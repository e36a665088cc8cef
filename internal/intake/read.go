package intake

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/xlsx"
)

const corruptMessage = "文件已损坏或不完整（可能没有保存完或没有传完），无法读取：请用Excel或WPS打开确认无误后重新保存，再重新提交"

// readPackage reads an xlsx package: finds the ledger sheet and reads it.
func (r *reader) readPackage(ra io.ReaderAt, size int64) {
	b, err := xlsx.Open(ra, size, r.opts.Limits)
	if err == nil {
		err = b.Load()
	}
	if err != nil {
		r.packageError(b, err)
		return
	}
	var best *candidate
	var hidden []string
	for _, ref := range b.Sheets {
		if ref.Chart {
			continue
		}
		if ref.Hidden {
			hidden = append(hidden, ref.Name)
			continue
		}
		c, err := r.inspect(b, ref)
		if err != nil {
			r.packageError(b, err)
			return
		}
		if c != nil && (best == nil || c.h.score > best.h.score) {
			best = c
		}
	}
	if best == nil {
		msg := "没有找到台账表头：请确认有一个未隐藏的工作表，其表头一行包含“巡察反馈问题”“整改措施”“整改时限”“整改进展情况”“整改状态”等列"
		if len(hidden) > 0 {
			msg += fmt.Sprintf("（隐藏的工作表“%s”不会被读取，如台账在其中请取消隐藏）", strings.Join(hidden, "”“"))
		}
		r.fileError(ledger.CodeNoLedgerSheet, "%s", msg)
		return
	}
	r.res.File.Sheet = best.ref.Name
	r.readLedger(b, best)
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
	ref xlsx.SheetRef
	s   *xlsx.Sheet
	g   *xlsx.Grid
	h   header
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
	return &candidate{ref: ref, s: s, g: g, h: h}, nil
}

// header is a sheet's header: one row or two (a merged group over its
// columns), and the column of each canonical column (0 when absent).
type header struct {
	first, last int
	col         [ledger.NumColumns]int
	score       int // distinct canonical columns found
	c1, c2      int // the table's column span
}

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
		}
	}
	return h, h.score > 0
}

// readLedger turns the rows below the header into items.
func (r *reader) readLedger(b *xlsx.Book, c *candidate) {
	g, h := c.g, c.h
	var layout ledger.Layout
	for col, x := range h.col {
		if x > 0 {
			layout[col] = xlsx.ColName(x)
		}
	}
	r.res.File.Village = r.village(g, h, c.ref.Name)
	sheetName := c.ref.Name
	for _, col := range ledger.RequiredColumns {
		if h.col[col] == 0 {
			r.res.Diagnostics = append(r.res.Diagnostics, ledger.Diagnostic{
				Severity: ledger.Error, Code: ledger.CodeMissingColumn, File: r.res.File.Name,
				Sheet: sheetName, Row: h.first, Column: col.Name(),
				Message: fmt.Sprintf("表头中缺少“%s”列：请在第%d行表头中加上这一列", col.Name(), h.first),
			})
		}
	}
	for _, ref := range c.s.TooLong {
		_, row, _ := excelize.CellNameToCoordinates(ref)
		r.res.Diagnostics = append(r.res.Diagnostics, ledger.Diagnostic{
			Severity: ledger.Error, Code: ledger.CodeTooLarge, File: r.res.File.Name, Sheet: sheetName,
			Cell: ref, Row: row,
			Message: fmt.Sprintf("单元格内容超过%d个字，不像台账内容，已截断：请精简后重新提交", r.opts.Limits.MaxCellRunes),
		})
	}

	category := ""
	seqRows := map[string]int{}
	for _, row := range g.RowNums() {
		if row <= h.last {
			continue
		}
		r.res.File.RowsRead++
		switch kind, text := classifyRow(g, h, row); kind {
		case rowBlank, rowFooter:
			continue
		case rowSection:
			category = text
			continue
		}
		it := ledger.Item{
			Village: r.res.File.Village,
			Source:  ledger.Source{File: r.res.File.Name, Sheet: sheetName, Row: row, Layout: &layout},
		}
		at := func(col ledger.Column, sev ledger.Severity, code, format string, args ...any) {
			r.res.Diagnostics = append(r.res.Diagnostics, ledger.At(sev, code, &it, col, format, args...))
		}
		val := func(col ledger.Column) (xlsx.Cell, bool) {
			if h.col[col] == 0 {
				return xlsx.Cell{}, false
			}
			return g.At(row, h.col[col])
		}
		text := func(col ledger.Column) string { v, _ := val(col); return clean(v.Text) }
		it.Seq = ledger.NormalizeSeq(text(ledger.ColSeq))
		it.Category = text(ledger.ColCategory)
		if it.Category == "" {
			it.Category = category
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
			if h.col[col] > 0 && emptyValue(col, text(col)) {
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
	}
}

// rowKind is what a row below the header is.
type rowKind int

const (
	rowTask rowKind = iota
	rowBlank
	rowSection
	rowFooter
)

var (
	// 一、 (一) 1、 at the start of a section title
	sectionNumRe = regexp.MustCompile(`^\s*(?:[一二三四五六七八九十百]+\s*[、.．]|[（(][一二三四五六七八九十百]+[）)]|\d+\s*[、．])\s*`)
	footerWords  = []string{"填表", "填报", "制表", "审核", "统计人", "联系人", "联系电话",
		"负责人", "单位负责人", "主要负责人", "报送日期", "签字", "盖章",
		"注:", "说明:", "备注:", "合计", "总计", "小计"}
)

// classifyRow tells a task from a blank row, a section title spanning the
// table (一、…方面, which gives its text as the category) and a footer.
func classifyRow(g *xlsx.Grid, h header, row int) (rowKind, string) {
	var distinct []string
	written, cells := false, 0
	for c := h.c1; c <= h.c2; c++ {
		v, filled := g.At(row, c)
		t := clean(v.Text)
		if t == "" {
			continue
		}
		cells++
		written = written || !filled
		if len(distinct) < 2 && (len(distinct) == 0 || distinct[0] != t) {
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
			return rowSection, strings.TrimRight(sectionNumRe.ReplaceAllString(t, ""), ":：")
		}
	}
	// A row with nothing but a 序号 or a category is a pre-numbered empty row.
	for _, col := range []ledger.Column{ledger.ColProblem, ledger.ColMeasures, ledger.ColProgress, ledger.ColStatus, ledger.ColDeadline} {
		if h.col[col] > 0 && clean(g.Text(row, h.col[col])) != "" {
			return rowTask, ""
		}
	}
	return rowBlank, ""
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
		v, err := strconv.ParseFloat(c.Text, 64)
		if err == nil && v > 0 {
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
