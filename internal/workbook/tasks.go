package workbook

import (
	"fmt"

	"github.com/taizhang/taizhang/internal/ledger"
)

// Column headers of 汇总 around the canonical columns.
const (
	villageHeader = "村（社区）"
	sourceHeader  = "来源"
)

// taskWidths are the widths of 汇总's columns: the village, every canonical
// column (ledger.Columns order) and the source.
var taskWidths = map[ledger.Column]float64{
	ledger.ColSeq: 5, ledger.ColCategory: 9, ledger.ColProblem: 27, ledger.ColMeasures: 27,
	ledger.ColLead: 7, ledger.ColUnit: 8, ledger.ColPerson: 7, ledger.ColDeadline: 10.5,
	ledger.ColProgress: 29, ledger.ColStatus: 9, ledger.ColDone: 10.5, ledger.ColEvidence: 9,
	ledger.ColNote: 8,
}

// writeTasks writes 汇总: one row per task, village first, then every
// canonical column (personal ones included: this is the internal list),
// then where the task was read. The header row is frozen, filtered and
// repeated on every printed page; the status cell is coloured. A Draft
// writes here only the header row; the villages' rows are made beside it
// (tasksRows), or kept from an earlier build, and spliced in when it is
// saved.
func (b *book) writeTasks(name string) error {
	s, err := b.sheet(name, b.tasksSpec())
	if err != nil {
		return err
	}
	if b.mode == modeAllButTasks {
		return s.close() // its rows are the Draft's
	}
	cols := ledger.Columns()
	s.text(1, 1, villageHeader, b.st.header)
	for i, c := range cols {
		s.text(i+2, 1, c.Name(), b.st.header)
	}
	s.text(len(cols)+2, 1, sourceHeader, b.st.header)
	if b.mode != modeTasksOnly {
		b.taskRows(s, 0, len(b.items))
	}
	return s.close()
}

// tasksSpec is how 汇总 is set up: its widths, the village and 序号 columns
// and the header row frozen, the filter over every task.
func (b *book) tasksSpec() sheetSpec {
	cols := ledger.Columns()
	widths := []float64{8.5}
	for _, c := range cols {
		widths = append(widths, taskWidths[c])
	}
	widths = append(widths, 16)
	return sheetSpec{
		widths:     widths,
		freezeCols: 2, freezeRows: 1,
		filter:    fmt.Sprintf("A1:%s%d", colName(len(cols)+2), len(b.items)+1),
		titleRows: "$1:$1",
		header:    b.title("整改任务汇总台账"),
	}
}

// taskRows writes the rows of b.items[lo:hi], each at its own row number.
func (b *book) taskRows(s *sheet, lo, hi int) {
	cols := ledger.Columns()
	last := len(cols) + 2
	for i := lo; i < hi; i++ {
		if s.err != nil {
			break
		}
		it := &b.items[i]
		row := i + 2
		s.text(1, row, it.Village, b.st.center)
		for j, c := range cols {
			col := j + 2
			switch c {
			case ledger.ColSeq:
				s.seq(col, row, it.Seq, b.st.center)
			case ledger.ColLead, ledger.ColPerson:
				s.text(col, row, it.Text(c), b.st.center)
			case ledger.ColDeadline:
				if it.Deadline.Kind == ledger.DeadlineOn {
					s.date(col, row, it.Deadline.Date, b.st.date)
				} else {
					s.text(col, row, it.Deadline.Chinese(), b.st.center)
				}
			case ledger.ColStatus:
				s.text(col, row, string(it.Status), b.st.status(it.Status, it.Overdue(b.in.AsOf)))
			case ledger.ColDone:
				s.date(col, row, it.Done, b.st.date)
			default:
				s.text(col, row, it.Text(c), b.st.text)
			}
		}
		s.text(last, row, sourceText(it.Source), b.st.center)
	}
}

// sourceText gives "大布村.xlsx 第12行".
func sourceText(src ledger.Source) string {
	if src.Row <= 0 {
		return src.File
	}
	return fmt.Sprintf("%s 第%d行", src.File, src.Row)
}
