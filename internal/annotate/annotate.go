// Package annotate writes the copy of a rejected workbook that goes back to
// the village: every cell a diagnostic names is filled (red for an error,
// yellow for a warning) and carries a comment (批注) with the messages. The
// clerk's own file is only read, never written.
package annotate

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/output"
)

// Fill colours, as Excel shows them.
const (
	ErrorFill   = "FF9999" // light red
	WarningFill = "FFEB9C" // Excel's "neutral" yellow
)

// Author is the comment author a clerk sees in Excel.
const Author = "台账检查"

// Result says what was marked.
type Result struct {
	Cells    int // cells filled and commented
	Unplaced int // diagnostics with no cell in the workbook (they go in the text only)
}

// Copy writes dst: the workbook at src with the diagnostics marked. dst is
// written atomically; src is opened read-only and left as it was. It fails
// when src is not a workbook excelize can open (a legacy .xls, an encrypted
// or damaged file): then only the text of the problems can go back.
func Copy(src, dst string, diags []ledger.Diagnostic) (Result, error) {
	f, err := excelize.OpenFile(src, excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return Result{}, fmt.Errorf("无法打开“%s”：%w", src, err)
	}
	defer f.Close()
	res, err := Mark(f, diags)
	if err != nil {
		return res, err
	}
	err = output.WriteFile(dst, func(w io.Writer) error { return f.Write(w) })
	return res, err
}

// cellKey names one cell of one sheet.
type cellKey struct{ sheet, cell string }

// Mark fills and comments the cells in an open workbook.
func Mark(f *excelize.File, diags []ledger.Diagnostic) (Result, error) {
	marks, unplaced := Place(f, diags)
	res := Result{Unplaced: unplaced}
	for _, m := range marks {
		k := cellKey{m.Sheet, m.Cell}
		if err := fill(f, k, m.Fill()); err != nil {
			return res, err
		}
		if err := comment(f, k, m.Diagnostics); err != nil {
			return res, err
		}
		res.Cells++
	}
	return res, nil
}

// A Marked cell is one cell the annotated copy fills and comments, with the
// diagnostics it carries.
type Marked struct {
	Sheet, Cell string // the top-left cell of a merged range
	Diagnostics []ledger.Diagnostic
}

// Error reports whether any of the cell's diagnostics is an error.
func (m Marked) Error() bool {
	for _, d := range m.Diagnostics {
		if d.Severity == ledger.Error {
			return true
		}
	}
	return false
}

// Fill is the cell's fill colour: red for an error, else yellow.
func (m Marked) Fill() string {
	if m.Error() {
		return ErrorFill
	}
	return WarningFill
}

// Place says which cells Mark fills for diags, sorted by sheet and cell,
// and how many diagnostics name no cell of the workbook. The web desk draws
// the same cells.
func Place(f *excelize.File, diags []ledger.Diagnostic) (marks []Marked, unplaced int) {
	notes := map[cellKey][]ledger.Diagnostic{}
	var keys []cellKey
	sheets := map[string]bool{}
	for _, s := range f.GetSheetList() {
		sheets[s] = true
	}
	for _, d := range diags {
		if d.Sheet == "" || d.Cell == "" || !sheets[d.Sheet] {
			unplaced++
			continue
		}
		k := cellKey{d.Sheet, strings.ToUpper(d.Cell)}
		k, err := topLeft(f, k)
		if err != nil {
			unplaced++
			continue
		}
		if _, ok := notes[k]; !ok {
			keys = append(keys, k)
		}
		notes[k] = append(notes[k], d)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].sheet != keys[j].sheet {
			return keys[i].sheet < keys[j].sheet
		}
		return keys[i].cell < keys[j].cell
	})
	for _, k := range keys {
		marks = append(marks, Marked{Sheet: k.sheet, Cell: k.cell, Diagnostics: notes[k]})
	}
	return marks, unplaced
}

// topLeft moves a cell inside a merged range to the range's top-left cell,
// the one Excel shows and keeps.
func topLeft(f *excelize.File, k cellKey) (cellKey, error) {
	col, row, err := excelize.CellNameToCoordinates(k.cell)
	if err != nil {
		return k, err
	}
	merged, err := f.GetMergeCells(k.sheet)
	if err != nil {
		return k, nil
	}
	for _, m := range merged {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 == nil && err2 == nil && col >= c1 && col <= c2 && row >= r1 && row <= r2 {
			return cellKey{k.sheet, m.GetStartAxis()}, nil
		}
	}
	return k, nil
}

// fill gives the cell (and the rest of its merged range) a solid fill,
// keeping its font, borders, alignment and number format.
func fill(f *excelize.File, k cellKey, color string) error {
	cells := []string{k.cell}
	if merged, err := f.GetMergeCells(k.sheet); err == nil {
		for _, m := range merged {
			if m.GetStartAxis() == k.cell {
				cells = []string{k.cell, m.GetEndAxis()}
			}
		}
	}
	id, err := f.GetCellStyle(k.sheet, k.cell)
	if err != nil {
		return err
	}
	nid, err := withFill(f, id, color)
	if err != nil {
		return fmt.Errorf("标注单元格 %s!%s：%w", k.sheet, k.cell, err)
	}
	return f.SetCellStyle(k.sheet, cells[0], cells[len(cells)-1], nid)
}

// withFill returns a cell style that is style id with a solid fill of
// color and nothing else changed.
//
// It copies the style's record (xf) and points it at a new fill, instead of
// reading the style with GetStyle and writing it back with NewStyle: that
// round trip is lossy in excelize, and writes colours a strict reader
// refuses — an openpyxl colour 00000000 comes back as FF00000000, a border
// LibreOffice saved without a colour as FF — so openpyxl and pandas would
// not open the annotated copy of a file saved by either.
func withFill(f *excelize.File, id int, color string) (int, error) {
	only, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}})
	if err != nil {
		return 0, err
	}
	if f.Styles == nil || f.Styles.CellXfs == nil {
		return only, nil
	}
	xfs := f.Styles.CellXfs.Xf
	if id < 0 || id >= len(xfs) || only >= len(xfs) {
		return only, nil // a cell without a style of its own: the fill alone is right
	}
	xf := xfs[id]
	xf.FillID = xfs[only].FillID
	applied := true
	xf.ApplyFill = &applied
	f.Styles.CellXfs.Xf = append(xfs, xf)
	f.Styles.CellXfs.Count = len(f.Styles.CellXfs.Xf)
	return len(f.Styles.CellXfs.Xf) - 1, nil
}

// comment puts every message for the cell in one comment, after any comment
// the village already wrote there.
func comment(f *excelize.File, k cellKey, ds []ledger.Diagnostic) error {
	var runs []excelize.RichTextRun
	if old, err := f.GetComments(k.sheet); err == nil {
		for _, c := range old {
			if c.Cell != k.cell {
				continue
			}
			text := c.Text
			for _, r := range c.Paragraph {
				text += r.Text
			}
			if text != "" {
				runs = append(runs, excelize.RichTextRun{Text: text + "\n"})
			}
			if err := f.DeleteComment(k.sheet, k.cell); err != nil {
				return err
			}
		}
	}
	runs = append(runs, excelize.RichTextRun{Text: Author + "：\n", Font: &excelize.Font{Bold: true}})
	for i, d := range ds {
		text := d.Severity.Chinese() + "：" + d.Message
		if i < len(ds)-1 {
			text += "\n"
		}
		runs = append(runs, excelize.RichTextRun{Text: text})
	}
	lines := 1
	for _, r := range runs {
		lines += strings.Count(r.Text, "\n") + len([]rune(r.Text))/18
	}
	return f.AddComment(k.sheet, excelize.Comment{
		Cell: k.cell, Author: Author, Paragraph: runs,
		Width: 240, Height: uint(min(400, 20+lines*16)),
	})
}

// Text is the short text of all problems that goes back to the village,
// errors first, one a line, each with its cell. marked names the annotated
// copy that goes with it, "" when none could be made (a damaged or legacy
// file): then the text does not point to one.
func Text(village, file, marked string, diags []ledger.Diagnostic) string {
	var b strings.Builder
	errs, warns := ledger.Count(diags)
	who := village
	if who == "" {
		who = "报送单位"
	}
	fmt.Fprintf(&b, "退回说明\n\n%s：\n", who)
	fmt.Fprintf(&b, "你单位报送的“%s”有 %d 条错误", file, errs)
	if warns > 0 {
		fmt.Fprintf(&b, "、%d 条警告", warns)
	}
	b.WriteString("，请按下面的提示修改后重新报送。")
	if marked != "" {
		b.WriteString("出错的单元格已在随附的工作簿中标红（警告标黄），把鼠标移到单元格上可看到批注。")
	}
	b.WriteString("\n\n")
	for _, sev := range []ledger.Severity{ledger.Error, ledger.Warning} {
		n := 0
		for _, d := range diags {
			if d.Severity != sev {
				continue
			}
			if n == 0 {
				fmt.Fprintf(&b, "%s：\n", sev.Chinese())
			}
			n++
			fmt.Fprintf(&b, "%d. %s%s\n", n, Where(d), d.Message)
		}
		if n > 0 {
			b.WriteString("\n")
		}
	}
	if marked != "" {
		b.WriteString("标注好的工作簿：" + marked + "\n")
	}
	return b.String()
}

// Where names a diagnostic's place for a clerk: "台账!J12：", "第12行：" or "".
func Where(d ledger.Diagnostic) string {
	switch {
	case d.Cell != "" && d.Sheet != "":
		return d.Sheet + "!" + d.Cell + "："
	case d.Cell != "":
		return d.Cell + "："
	case d.Row > 0:
		return fmt.Sprintf("第%d行：", d.Row)
	}
	return ""
}
