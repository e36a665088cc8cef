package workbook

import (
	"fmt"

	"github.com/taizhang/taizhang/internal/ledger"
)

// writeChecks writes 校验: every diagnostic of the build with its file and
// cell, and those of the comparison that the build did not already pass in.
func (b *book) writeChecks(name string) error {
	ds := append([]ledger.Diagnostic(nil), b.in.Warnings...)
	if b.in.Comparison != nil {
		seen := map[ledger.Diagnostic]bool{}
		for _, d := range ds {
			seen[d] = true
		}
		for _, d := range b.in.Comparison.Diagnostics {
			if !seen[d] {
				ds = append(ds, d)
			}
		}
	}
	spec := sheetSpec{
		widths:     []float64{5, 7, 18, 10, 7, 12, 60, 16},
		freezeRows: 1,
		titleRows:  "$1:$1",
		header:     b.title("台账校验结果"),
	}
	if len(ds) > 0 {
		spec.filter = fmt.Sprintf("A1:H%d", len(ds)+1)
	}
	s, err := b.sheet(name, spec)
	if err != nil {
		return err
	}
	for i, h := range []string{"序号", "级别", "文件", "工作表", "单元格", "列", "问题", "代码"} {
		s.text(i+1, 1, h, b.st.header)
	}
	if len(ds) == 0 {
		s.span(1, 8, 2, "没有发现问题。", b.st.center)
	}
	for i, d := range ds {
		row := i + 2
		level := b.st.pending
		if d.Severity == ledger.Error {
			level = b.st.overdue
		}
		s.int(1, row, i+1, b.st.integer)
		s.text(2, row, d.Severity.Chinese(), level)
		s.text(3, row, d.File, b.st.text)
		s.text(4, row, d.Sheet, b.st.center)
		s.text(5, row, d.Cell, b.st.center)
		s.text(6, row, d.Column, b.st.center)
		s.text(7, row, d.Message, b.st.text)
		s.text(8, row, d.Code, b.st.center)
	}
	return s.close()
}

// writeSources writes 来源: each input file with its village, sheet,
// SHA-256, rows read and tasks taken, a 合计 row, and the number of tasks
// written to 汇总 beside it, so a reader sees that nothing was lost.
func (b *book) writeSources(name string) error {
	s, err := b.sheet(name, sheetSpec{
		widths:     []float64{22, 11, 10, 36, 9, 9},
		freezeRows: 1,
		titleRows:  "$1:$1",
		header:     b.title("台账来源文件"),
	})
	if err != nil {
		return err
	}
	for i, h := range []string{"文件", "村（社区）", "工作表", "SHA-256", "读取行数", "采用任务数"} {
		s.text(i+1, 1, h, b.st.header)
	}
	row := 2
	rows, tasks := 0, 0
	for _, src := range b.in.Sources {
		s.text(1, row, src.File, b.st.text)
		s.text(2, row, src.Village, b.st.center)
		s.text(3, row, src.Sheet, b.st.center)
		s.text(4, row, src.SHA256, b.st.text)
		s.int(5, row, src.RowsRead, b.st.integer)
		s.int(6, row, src.Tasks, b.st.integer)
		rows += src.RowsRead
		tasks += src.Tasks
		row++
	}
	s.span(1, 4, row, fmt.Sprintf("%s（%d个文件）", TotalLabel, len(b.in.Sources)), b.st.totalText)
	s.int(5, row, rows, b.st.totalInt)
	s.int(6, row, tasks, b.st.totalInt)
	row++
	written := len(b.items)
	verdict := "与采用任务数一致"
	style := b.st.done
	if written != tasks {
		verdict = fmt.Sprintf("与采用任务数不一致（相差%d项），请检查", written-tasks)
		style = b.st.overdue
	}
	s.span(1, 4, row, "写入“"+SheetTasks+"”的任务数："+verdict, style)
	s.text(5, row, "", style)
	s.int(6, row, written, style)
	return s.close()
}
