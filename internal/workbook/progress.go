package workbook

import (
	"fmt"

	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/ledger"
)

// writeProgress writes 进展对比: each village's figures then and now with a
// 合计 row, then one row per task whose status changed, then the new and
// the removed tasks. The problem text spans columns C–F.
func (b *book) writeProgress(name string) error {
	r := b.in.Comparison
	thenDay, nowDay := dayName(r.Then.AsOf, "上次"), dayName(r.Now.AsOf, "本次")
	s, err := b.sheet(name, sheetSpec{
		widths: []float64{12, 8, 9, 9, 9, 9, 9, 17, 16},
		header: b.title("整改进展对比"),
	})
	if err != nil {
		return err
	}
	row := 1

	s.span(1, 9, row, fmt.Sprintf("一、各村（社区）完成率：%s → %s。%s，%s。", thenDay, nowDay, r.Town().Sentence(), r.Town().NowText()), b.st.section)
	row++
	for i, h := range []string{villageHeader, "上次任务数", "上次已完成", "上次完成率", "本次任务数", "本次已完成", "本次完成率", "变化"} {
		s.text(i+1, row, h, b.st.header)
	}
	row++
	for _, p := range r.Villages() {
		b.progressRow(s, row, p, false)
		row++
	}
	b.progressRow(s, row, r.Town(), true)
	row += 2
	// The task list starts on a new page rather than leave its header
	// alone at the foot of the first.
	s.check(s.sw.InsertPageBreak(cell(1, row)))

	s.span(1, 9, row, fmt.Sprintf("二、整改状态有变化的任务（%d项，其中退回%d项）", len(r.Changed), len(r.Backwards)), b.st.section)
	row++
	b.taskHeader(s, row, "说明")
	row++
	for _, c := range r.Changed {
		now := c.Now
		note, style := "", b.st.status(now.Status, now.Overdue(r.Now.AsOf))
		if c.Backwards() {
			note, style = "状态退回，请核实", b.st.overdue
		}
		b.taskRow(s, row, &now, string(c.Then.Status), b.st.status(c.Then.Status, false), string(now.Status), style, note)
		row++
	}
	row = b.none(s, row, len(r.Changed))
	row++

	s.span(1, 9, row, fmt.Sprintf("三、新增任务（%d项）", len(r.New)), b.st.section)
	row++
	b.taskHeader(s, row, "说明")
	row++
	for i := range r.New {
		it := &r.New[i]
		b.taskRow(s, row, it, "—", b.st.center, string(it.Status), b.st.status(it.Status, it.Overdue(r.Now.AsOf)), "上次没有")
		row++
	}
	row = b.none(s, row, len(r.New))
	row++

	s.span(1, 9, row, fmt.Sprintf("四、本次找不到的任务（%d项）", len(r.Removed)), b.st.section)
	row++
	b.taskHeader(s, row, "说明")
	row++
	for i := range r.Removed {
		it := &r.Removed[i]
		b.taskRow(s, row, it, string(it.Status), b.st.status(it.Status, false), "—", b.st.overdue, "请确认是否误删")
		row++
	}
	b.none(s, row, len(r.Removed))
	return s.close()
}

// dayName gives "2025年6月30日", or fallback when the day is unknown.
func dayName(d ledger.Date, fallback string) string {
	if d.IsZero() {
		return fallback
	}
	return d.Chinese()
}

func (b *book) progressRow(s *sheet, row int, p compare.Progress, total bool) {
	text, num, pct := b.st.center, b.st.integer, b.st.percent
	if total {
		text, num, pct = b.st.totalText, b.st.totalInt, b.st.totalPercent
	}
	s.text(1, row, p.Name, text)
	s.int(2, row, p.Then.Tasks, num)
	s.int(3, row, p.Then.Done, num)
	rate(s, 4, row, p.Then, pct, text)
	s.int(5, row, p.Now.Tasks, num)
	s.int(6, row, p.Now.Done, num)
	rate(s, 7, row, p.Now, pct, text)
	s.text(8, row, p.Gain(), text)
}

func (b *book) taskHeader(s *sheet, row int, note string) {
	s.text(1, row, villageHeader, b.st.header)
	s.text(2, row, "序号", b.st.header)
	s.span(3, 6, row, "巡察反馈问题", b.st.header)
	s.text(7, row, "上次状态", b.st.header)
	s.text(8, row, "本次状态", b.st.header)
	s.text(9, row, note, b.st.header)
}

func (b *book) taskRow(s *sheet, row int, it *ledger.Item, then string, thenStyle int, now string, nowStyle int, note string) {
	s.text(1, row, it.Village, b.st.center)
	s.seq(2, row, it.Seq, b.st.center)
	s.span(3, 6, row, it.Problem, b.st.text)
	s.text(7, row, then, thenStyle)
	s.text(8, row, now, nowStyle)
	s.text(9, row, note, b.st.center)
}

// none writes a "无" row under an empty table.
func (b *book) none(s *sheet, row, n int) int {
	if n > 0 {
		return row
	}
	s.span(1, 9, row, "无", b.st.center)
	return row + 1
}
