// Package testbuild writes small ledger workbooks for tests, with excelize:
// title rows, two-row headers, merged cells, hidden sheets, real dates and
// the 1904 flag, as clerks' workbooks have them.
package testbuild

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// Header is the canonical header, columns A to M.
var Header = []any{"序号", "问题类别", "巡察反馈问题", "整改措施", "责任领导", "责任单位", "责任人",
	"整改时限", "整改进展情况", "整改状态", "完成时间", "佐证材料", "备注"}

// Date is a cell holding a real Excel date shown with Format (a number
// format code; "" for yyyy-mm-dd). Serial, when not zero, is written as is
// instead of T (for 1904-based workbooks).
type Date struct {
	T      time.Time
	Format string
	Serial float64
}

// Formula is a cell with a formula and its cached value.
type Formula struct {
	F      string
	Cached any
}

// Number is a number cell shown with a number format (0%, #,##0.00).
type Number struct {
	V      float64
	Format string
}

// Sheet is one worksheet: rows of values from A1 down (nil rows are blank),
// merged ranges ("C3:C5") and visibility.
type Sheet struct {
	Name   string
	Hidden bool
	Rows   [][]any
	Merges []string
	// EmptyStyledRows adds that many formatted but empty rows below the data.
	EmptyStyledRows int
	HiddenRows      []int          // 1-based rows to hide
	HiddenCols      []string       // column letters to hide
	Cells           map[string]any // extra cells by reference (a stray value at A60000)
}

// Book is a workbook.
type Book struct {
	Sheets   []Sheet
	Date1904 bool
}

// Day is a date at midnight UTC.
func Day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// Ledger is a one-sheet book named 台账: a title, a 填报单位 line, the
// canonical header on row 3 and the given rows from row 4.
func Ledger(title string, rows ...[]any) Book {
	all := [][]any{{title}, {"填报单位：" + title, "", "", "", "", "", "", "", "", "填报日期：2025年8月31日"}, Header}
	return Book{Sheets: []Sheet{{Name: "台账", Rows: append(all, rows...), Merges: []string{"A1:M1"}}}}
}

// Row is a task row with the canonical columns in order.
func Row(seq any, category, problem, measures, lead, unit, person string, deadline any, progress, status string, done any, evidence, note string) []any {
	return []any{seq, category, problem, measures, lead, unit, person, deadline, progress, status, done, evidence, note}
}

// Write saves the book as dir/name and returns its path.
func Write(t testing.TB, dir, name string, b Book) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := Build(b).SaveAs(p); err != nil {
		t.Fatalf("testbuild: %v", err)
	}
	return p
}

// Build makes the excelize file of a book.
func Build(b Book) *excelize.File {
	f := excelize.NewFile()
	if b.Date1904 {
		yes := true
		must(f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
	}
	styles := map[string]int{}
	style := func(format string) int {
		if id, ok := styles[format]; ok {
			return id
		}
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
		must(err)
		styles[format] = id
		return id
	}
	for i, s := range b.Sheets {
		if i == 0 {
			must(f.SetSheetName("Sheet1", s.Name))
		} else {
			_, err := f.NewSheet(s.Name)
			must(err)
		}
		for r, row := range s.Rows {
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				switch v := v.(type) {
				case nil:
				case Date:
					format := v.Format
					if format == "" {
						format = "yyyy-mm-dd"
					}
					if v.Serial != 0 {
						must(f.SetCellFloat(s.Name, ref, v.Serial, -1, 64))
					} else {
						must(f.SetCellValue(s.Name, ref, v.T))
					}
					must(f.SetCellStyle(s.Name, ref, ref, style(format)))
				case Formula:
					if v.Cached != nil {
						must(f.SetCellValue(s.Name, ref, v.Cached))
					}
					must(f.SetCellFormula(s.Name, ref, v.F))
				case Number:
					must(f.SetCellFloat(s.Name, ref, v.V, -1, 64))
					must(f.SetCellStyle(s.Name, ref, ref, style(v.Format)))
				case string:
					if v != "" {
						must(f.SetCellStr(s.Name, ref, v))
					}
				default:
					must(f.SetCellValue(s.Name, ref, v))
				}
			}
		}
		for _, m := range s.Merges {
			var a, z string
			fmt.Sscanf(m, "%s", &a)
			for j := range m {
				if m[j] == ':' {
					a, z = m[:j], m[j+1:]
				}
			}
			must(f.MergeCell(s.Name, a, z))
		}
		if s.EmptyStyledRows > 0 {
			border, err := f.NewStyle(&excelize.Style{Border: []excelize.Border{{Type: "left", Color: "000000", Style: 1}}})
			must(err)
			from := len(s.Rows) + 1
			a, _ := excelize.CoordinatesToCellName(1, from)
			z, _ := excelize.CoordinatesToCellName(13, from+s.EmptyStyledRows-1)
			must(f.SetCellStyle(s.Name, a, z, border))
		}
		for ref, v := range s.Cells {
			must(f.SetCellValue(s.Name, ref, v))
		}
		for _, r := range s.HiddenRows {
			must(f.SetRowVisible(s.Name, r, false))
		}
		for _, c := range s.HiddenCols {
			must(f.SetColVisible(s.Name, c, false))
		}
		if s.Hidden {
			must(f.SetSheetVisible(s.Name, false))
		}
	}
	return f
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
