package workbook

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/consolidate"
)

// statHeaders are the figures of 统计, after the group's name.
var statHeaders = []string{"任务数", "已完成", "基本完成", "持续整改", "长期坚持", "逾期", "完成率"}

// TotalLabel labels the total rows.
const TotalLabel = "合计"

// writeStats writes 统计: one row per village in config order, a 合计 row,
// the same by category, and a column chart of the villages' completion
// rates drawn from the village rows.
func (b *book) writeStats(name string) error {
	// The chart goes in before the sheet is set up, as it always has: its
	// anchor is placed by excelize's default row height at that point.
	if n := len(b.sum.Villages); n > 0 {
		first, last := firstVillageRow, firstVillageRow+n-1
		zero, one := 0.0, 1.0
		ref := func(col string) string { return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", name, col, first, col, last) }
		if err := b.f.AddChart(name, "J1", &excelize.Chart{
			Type: excelize.Col,
			Series: []excelize.ChartSeries{{
				Name:       fmt.Sprintf("'%s'!$H$%d", name, first-1),
				Categories: ref("A"),
				Values:     ref("H"),
				Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"4472C4"}},
			}},
			Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "各村（社区）整改完成率", Font: &excelize.Font{Family: fontFamily, Size: 12, Bold: true}}}},
			Legend:    excelize.ChartLegend{Position: "none"},
			PlotArea:  excelize.ChartPlotArea{ShowVal: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: percentFormat}},
			XAxis:     excelize.ChartAxis{Font: axisFont},
			YAxis:     excelize.ChartAxis{Font: axisFont, Minimum: &zero, Maximum: &one, MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
			Dimension: excelize.ChartDimension{Width: 560, Height: 340},
		}); err != nil {
			return err
		}
	}
	s, err := b.sheet(name, sheetSpec{
		widths: []float64{14, 8, 8, 9, 9, 9, 7, 9},
		header: b.title("整改任务统计"),
	})
	if err != nil {
		return err
	}
	row := 1
	if villageRows := b.statTable(s, &row, villageHeader, villageCounts(b.sum)); villageRows != firstVillageRow {
		return fmt.Errorf("the village rows start at %d, the chart expects %d", villageRows, firstVillageRow)
	}
	row++
	b.statTable(s, &row, "问题类别", categoryCounts(b.sum))
	return s.close()
}

// firstVillageRow is the first village row of 统计, under its header.
const firstVillageRow = 2

// axisFont is black: excelize's default axis text is a light grey that
// prints nearly invisible.
var axisFont = excelize.Font{Family: fontFamily, Size: 9, Color: "000000"}

// group is one row of a statistics table.
type group struct {
	name string
	consolidate.Counts
}

func villageCounts(sum *consolidate.Summary) []group {
	var gs []group
	for _, v := range sum.Villages {
		gs = append(gs, group{v.Village.Name, v.Counts})
	}
	return gs
}

func categoryCounts(sum *consolidate.Summary) []group {
	var gs []group
	for _, c := range sum.Categories {
		gs = append(gs, group{c.Category, c.Counts})
	}
	return gs
}

// statTable writes a header at *row, one row per group and the town's
// 合计 row, leaving *row after the table. It returns the first group row.
func (b *book) statTable(s *sheet, row *int, first string, groups []group) int {
	s.text(1, *row, first, b.st.header)
	for i, h := range statHeaders {
		s.text(i+2, *row, h, b.st.header)
	}
	*row++
	start := *row
	for _, g := range groups {
		b.statRow(s, *row, g, false)
		*row++
	}
	b.statRow(s, *row, group{TotalLabel, b.sum.Town}, true)
	*row++
	return start
}

func (b *book) statRow(s *sheet, row int, g group, total bool) {
	text, num, pct := b.st.center, b.st.integer, b.st.percent
	if total {
		text, num, pct = b.st.totalText, b.st.totalInt, b.st.totalPercent
	}
	s.text(1, row, g.name, text)
	for i, v := range []int{g.Tasks, g.Done, g.Mostly, g.Ongoing, g.LongTerm, g.Overdue} {
		s.int(i+2, row, v, num)
	}
	rate(s, 8, row, g.Counts, pct, text)
}

// rate writes a completion rate as a percentage number, or, for a group
// with no tasks, consolidate.NoRate as text: no tasks, no rate, never 0.0%.
func rate(s *sheet, col, row int, c consolidate.Counts, pct, text int) {
	if c.Tasks == 0 {
		s.text(col, row, consolidate.NoRate, text)
		return
	}
	s.float(col, row, c.Rate().Float(), pct)
}
