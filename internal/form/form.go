// Package form writes the fill-in workbook a village completes: the
// canonical header, a drop-down for 整改状态, date validation on 完成时间, a
// locked header over unlocked data cells, an instructions sheet (填表说明),
// widths and print settings, and the village and its organisation filled
// in. Given the tasks of a previous build, it writes them in, so the next
// round the village updates its progress instead of retyping it.
package form

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/workbook"
)

// Sheet names.
const (
	Sheet        = "台账"
	Instructions = "填表说明"
)

// Layout rows (1-based).
const (
	TitleRow  = 1
	UnitRow   = 2 // 填报单位 / 填报日期
	HeaderRow = 3
	FirstRow  = 4 // first data row
)

// BlankRows is how many formatted empty rows follow the tasks (or make up a
// blank form). Rows past them are unlocked too, so more can be typed.
const BlankRows = 60

// ValidatedRows is how far down the drop-down and date checks reach.
const ValidatedRows = 2000

// DateFormat is the number format of date cells, as clerks write dates.
const DateFormat = `yyyy"年"m"月"d"日"`

// Options say whose form to write.
type Options struct {
	Village ledger.Village // Org may be empty; both empty: a blank form
	Round   string         // 十五届市委第六轮, for the title; may be empty
	Items   []ledger.Item  // tasks to prefill, in order
	Date    ledger.Date    // 填报日期 to prefill; zero leaves it for the village
}

// VillageItems are the tasks of the village named in items (a last build's
// snapshot), in order: what its form is prefilled with, for `template
// --from` and the desk's download alike.
func VillageItems(items []ledger.Item, village string) []ledger.Item {
	var mine []ledger.Item
	for _, it := range items {
		if it.Village == village {
			mine = append(mine, it)
		}
	}
	return mine
}

// Title is the form's title row.
func Title(o Options) string {
	who := o.Village.Name
	if o.Village.Org != "" {
		who = o.Village.Org
	}
	if who == "" {
		who = "________"
	}
	if o.Round != "" {
		return who + "关于" + o.Round + "对村巡察整改进展情况的台账"
	}
	return who + "巡察整改台账"
}

// FileName is the name a village's form is handed out under: the village
// name first, so the town can tell whose file came back.
func FileName(village string) string {
	if village == "" {
		return "整改台账（空白）.xlsx"
	}
	return village + "整改台账.xlsx"
}

// widths of the canonical columns, in Excel character units.
var widths = [ledger.NumColumns]float64{6, 12, 34, 36, 10, 12, 9, 14, 40, 11, 14, 14, 12}

// Write writes the form as xlsx to w.
func Write(w io.Writer, o Options) error {
	f, err := Build(o)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Write(w)
}

// Build lays the form out in a new workbook.
func Build(o Options) (*excelize.File, error) {
	f := excelize.NewFile()
	b := &builder{f: f, o: o}
	b.run()
	if b.err != nil {
		f.Close()
		return nil, fmt.Errorf("生成填报表：%w", b.err)
	}
	return f, nil
}

// builder keeps the first error, so layout code reads as a list of steps.
type builder struct {
	f   *excelize.File
	o   Options
	err error
	st  struct{ title, unit, unitValue, header, text, center, date, free int }
}

func (b *builder) check(err error) {
	if b.err == nil && err != nil {
		b.err = err
	}
}

func (b *builder) style(s *excelize.Style) int {
	id, err := b.f.NewStyle(s)
	b.check(err)
	return id
}

func col(c ledger.Column) string {
	name, _ := excelize.ColumnNumberToName(int(c) + 1)
	return name
}

func cell(c ledger.Column, row int) string { return col(c) + strconv.Itoa(row) }

var lastCol = col(ledger.NumColumns - 1)

func (b *builder) run() {
	f := b.f
	b.check(f.SetDefaultFont("宋体"))
	b.check(f.SetSheetName("Sheet1", Sheet))
	_, err := f.NewSheet(Instructions)
	b.check(err)
	b.check(f.SetDocProps(&excelize.DocProperties{
		Title: Title(b.o), Creator: "台账（taizhang）", LastModifiedBy: "台账（taizhang）",
		Created: "2025-01-01T00:00:00Z", Modified: "2025-01-01T00:00:00Z",
	}))
	b.styles()
	b.layout()
	b.header()
	last := b.rows()
	b.validation()
	b.protect()
	b.print(last)
	b.instructions()
	f.SetActiveSheet(0)
}

func (b *builder) styles() {
	thin := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	locked, unlocked := &excelize.Protection{Locked: true}, &excelize.Protection{Locked: false}
	b.st.title = b.style(&excelize.Style{
		Font:       &excelize.Font{Family: "黑体", Size: 16, Bold: true},
		Alignment:  &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Protection: locked,
	})
	b.st.unit = b.style(&excelize.Style{
		Font: &excelize.Font{Size: 11}, Alignment: &excelize.Alignment{Vertical: "center"}, Protection: locked,
	})
	b.st.unitValue = b.style(&excelize.Style{
		Font: &excelize.Font{Size: 11}, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"},
		Protection: unlocked, NumFmt: 0, CustomNumFmt: strPtr(DateFormat),
	})
	b.st.header = b.style(&excelize.Style{
		Font:       &excelize.Font{Family: "黑体", Size: 11},
		Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment:  &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:     thin,
		Protection: locked,
	})
	b.st.text = b.style(&excelize.Style{
		Font:       &excelize.Font{Size: 10},
		Alignment:  &excelize.Alignment{Vertical: "center", WrapText: true},
		Border:     thin,
		Protection: unlocked,
	})
	b.st.center = b.style(&excelize.Style{
		Font:       &excelize.Font{Size: 10},
		Alignment:  &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:     thin,
		Protection: unlocked,
	})
	b.st.date = b.style(&excelize.Style{
		Font:         &excelize.Font{Size: 10},
		Alignment:    &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:       thin,
		Protection:   unlocked,
		CustomNumFmt: strPtr(DateFormat),
	})
	b.st.free = b.style(&excelize.Style{
		Font: &excelize.Font{Size: 10}, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		Protection: unlocked,
	})
}

func strPtr(s string) *string { return &s }

// layout sets the widths, and makes every cell of the table's columns
// unlocked by default (the header rows are locked cell by cell).
func (b *builder) layout() {
	for _, c := range ledger.Columns() {
		b.check(b.f.SetColWidth(Sheet, col(c), col(c), widths[c]))
	}
	b.check(b.f.SetColStyle(Sheet, "A:"+lastCol, b.st.free))
	b.check(b.f.SetPanes(Sheet, &excelize.Panes{
		Freeze: true, YSplit: HeaderRow, TopLeftCell: "A" + strconv.Itoa(FirstRow), ActivePane: "bottomLeft",
	}))
}

func (b *builder) header() {
	f := b.f
	title := "A" + strconv.Itoa(TitleRow)
	b.check(f.MergeCell(Sheet, title, lastCol+strconv.Itoa(TitleRow)))
	b.check(f.SetCellStr(Sheet, title, Title(b.o)))
	b.check(f.SetCellStyle(Sheet, title, lastCol+strconv.Itoa(TitleRow), b.st.title))
	b.check(f.SetRowHeight(Sheet, TitleRow, 36))

	// 填报单位：… across the left, 填报日期 and its value on the right.
	unit := "填报单位：" + b.o.Village.Org
	if b.o.Village.Org == "" {
		unit = "填报单位：" + b.o.Village.Name
	}
	u := strconv.Itoa(UnitRow)
	b.check(f.MergeCell(Sheet, "A"+u, cell(ledger.ColProgress-1, UnitRow)))
	b.check(f.SetCellStr(Sheet, "A"+u, unit))
	b.check(f.SetCellStyle(Sheet, "A"+u, cell(ledger.ColStatus, UnitRow), b.st.unit))
	b.check(f.SetCellStr(Sheet, cell(ledger.ColStatus, UnitRow), "填报日期："))
	dateCell := cell(ledger.ColDone, UnitRow)
	b.check(f.MergeCell(Sheet, dateCell, lastCol+u))
	b.check(f.SetCellStyle(Sheet, dateCell, lastCol+u, b.st.unitValue))
	if !b.o.Date.IsZero() {
		b.check(f.SetCellValue(Sheet, dateCell, b.o.Date.Time()))
	}
	b.check(f.SetRowHeight(Sheet, UnitRow, 22))

	for _, c := range ledger.Columns() {
		b.check(f.SetCellStr(Sheet, cell(c, HeaderRow), c.Name()))
	}
	b.check(f.SetCellStyle(Sheet, cell(0, HeaderRow), cell(ledger.NumColumns-1, HeaderRow), b.st.header))
	b.check(f.SetRowHeight(Sheet, HeaderRow, 30))
}

// rows writes the tasks, then BlankRows empty bordered rows; it returns the
// last formatted row.
func (b *builder) rows() int {
	f := b.f
	r := FirstRow
	for i := range b.o.Items {
		it := &b.o.Items[i]
		lines := 1
		for _, c := range ledger.Columns() {
			ref := cell(c, r)
			var err error
			switch c {
			case ledger.ColSeq:
				if n, ok := workbook.SeqNumber(it.Seq); ok {
					err = f.SetCellInt(Sheet, ref, int64(n))
				} else {
					err = f.SetCellStr(Sheet, ref, it.Seq)
				}
			case ledger.ColDeadline:
				if it.Deadline.Kind == ledger.DeadlineOn {
					err = f.SetCellValue(Sheet, ref, it.Deadline.Date.Time())
				} else {
					err = f.SetCellStr(Sheet, ref, deadlineText(it.Deadline))
				}
			case ledger.ColDone:
				if !it.Done.IsZero() {
					err = f.SetCellValue(Sheet, ref, it.Done.Time())
				}
			default:
				if v := it.Text(c); v != "" {
					err = f.SetCellStr(Sheet, ref, v)
				}
			}
			b.check(err)
			lines = max(lines, workbook.LineCount(it.Text(c), widths[c]))
		}
		b.styleRow(r)
		b.check(f.SetRowHeight(Sheet, r, workbook.RowHeight(lines)))
		r++
	}
	for i := 0; i < BlankRows; i++ {
		b.styleRow(r)
		r++
	}
	return r - 1
}

// deadlineText writes a deadline that is not a day the way clerks do.
func deadlineText(d ledger.Deadline) string {
	if d.Kind == ledger.DeadlineLongTerm {
		return "长期坚持"
	}
	return d.String()
}

func (b *builder) styleRow(r int) {
	f := b.f
	b.check(f.SetCellStyle(Sheet, cell(0, r), cell(ledger.NumColumns-1, r), b.st.text))
	for _, c := range []ledger.Column{ledger.ColSeq, ledger.ColLead, ledger.ColPerson, ledger.ColStatus} {
		b.check(f.SetCellStyle(Sheet, cell(c, r), cell(c, r), b.st.center))
	}
	for _, c := range []ledger.Column{ledger.ColDeadline, ledger.ColDone} {
		b.check(f.SetCellStyle(Sheet, cell(c, r), cell(c, r), b.st.date))
	}
}

func (b *builder) validation() {
	rng := func(c ledger.Column) string {
		return fmt.Sprintf("%s%d:%s%d", col(c), FirstRow, col(c), ValidatedRows)
	}
	status := excelize.NewDataValidation(true)
	status.Sqref = rng(ledger.ColStatus)
	words := make([]string, len(ledger.Statuses))
	for i, s := range ledger.Statuses {
		words[i] = string(s)
	}
	b.check(status.SetDropList(words))
	status.SetInput("整改状态", "请从下拉列表中选择："+ledger.StatusList+"。")
	status.SetError(excelize.DataValidationErrorStyleStop, "整改状态不对", "整改状态只能是"+ledger.StatusList+"之一，请从下拉列表中选择。")
	b.check(b.f.AddDataValidation(Sheet, status))

	// 完成时间 must be a real date. Excel keeps dates as day numbers; the
	// bounds are 2000-01-01 and 2099-12-31.
	done := excelize.NewDataValidation(true)
	done.Sqref = rng(ledger.ColDone)
	b.check(done.SetRange(excelSerial(2000, 1, 1), excelSerial(2099, 12, 31), excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween))
	done.SetInput("完成时间", "已完成的任务填写完成日期，如 2025-03-31 或 2025年3月31日；未完成的留空。")
	done.SetError(excelize.DataValidationErrorStyleStop, "完成时间不是日期", "请填写日期，如 2025-03-31。")
	b.check(b.f.AddDataValidation(Sheet, done))

	// 整改时限 takes a date or a word (长期坚持, 立行立改, 集中整改期内),
	// so it only gets a prompt, no check.
	dl := excelize.NewDataValidation(true)
	dl.Sqref = rng(ledger.ColDeadline)
	dl.Type = "none"
	dl.SetInput("整改时限", "填写日期，如 2025-03-31、2025年3月底前；无固定期限的填“长期坚持”“立行立改”或“集中整改期内”。")
	b.check(b.f.AddDataValidation(Sheet, dl))
}

// excelSerial is the 1900-system day number Excel stores for a date.
func excelSerial(y int, m time.Month, d int) int {
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(base).Hours() / 24)
}

// protect locks the title, unit and header rows; the data cells were made
// unlocked. No password: this guards against slips, not against the clerk.
func (b *builder) protect() {
	b.check(b.f.ProtectSheet(Sheet, &excelize.SheetProtectionOptions{
		SelectLockedCells: true, SelectUnlockedCells: true,
		FormatColumns: true, FormatRows: true, FormatCells: true,
		InsertRows: true, DeleteRows: true, AutoFilter: true, Sort: true,
	}))
}

func (b *builder) print(last int) {
	f := b.f
	// LibreOffice ignores print titles without the $ signs.
	b.check(workbook.PrintLandscape(f, Sheet, "", fmt.Sprintf("$%d:$%d", HeaderRow, HeaderRow)))
	b.check(f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Area", RefersTo: fmt.Sprintf("'%s'!$A$1:$%s$%d", Sheet, lastCol, last), Scope: Sheet,
	}))
}

// InstructionLines are the 填表说明 a village reads.
var InstructionLines = []string{
	"填表说明",
	"1. 请在“台账”工作表中填写，每项整改任务（每条整改措施）占一行；行数不够时可以插入行，或直接在下面继续填写。",
	"2. 表头（第3行）和标题已锁定，请不要修改、增删或调换列，否则镇里无法汇总。",
	"3. 同一个问题有多条整改措施的，每条措施写一行，“巡察反馈问题”每行都写上（也可以合并单元格）。",
	"4. “整改状态”请从下拉列表中选择：" + ledger.StatusList + "。",
	"5. “整改时限”填写日期（如 2025-03-31、2025年3月底前），无固定期限的填“长期坚持”“立行立改”或“集中整改期内”。",
	"6. 状态为“已完成”的，必须填写“完成时间”（日期，如 2025-06-30），且不能晚于填报日期；未完成的“完成时间”留空。",
	"7. “整改进展情况”写清已经做了什么、做到什么程度，不要只写“已完成”“推进中”。",
	"8. 公开的通报不公布“责任人”“责任领导”和“佐证材料”，但这几列仍请如实填写，供镇里核查。",
	"9. 任何一列都不要填写手机号码、身份证号码等个人信息。",
	"10. 填好后请保存为 .xlsx 格式（WPS 也请选择“Excel 文件（*.xlsx）”），文件名保留村（社区）名称，报送镇党委。",
	"11. 镇里收到后会回执；如被退回，出错的单元格会标红并附批注，请按批注修改后重新报送。",
}

func (b *builder) instructions() {
	f := b.f
	b.check(f.SetColWidth(Instructions, "A", "A", 110))
	head := b.style(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 14}, Alignment: &excelize.Alignment{Vertical: "center"}})
	body := b.style(&excelize.Style{Font: &excelize.Font{Size: 11}, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	for i, line := range InstructionLines {
		ref := "A" + strconv.Itoa(i+1)
		b.check(f.SetCellStr(Instructions, ref, line))
		if i == 0 {
			b.check(f.SetCellStyle(Instructions, ref, ref, head))
			b.check(f.SetRowHeight(Instructions, i+1, 28))
			continue
		}
		b.check(f.SetCellStyle(Instructions, ref, ref, body))
		b.check(f.SetRowHeight(Instructions, i+1, workbook.RowHeight(workbook.LineCount(line, 110))))
	}
	b.check(f.ProtectSheet(Instructions, &excelize.SheetProtectionOptions{SelectLockedCells: true, SelectUnlockedCells: true}))
}
