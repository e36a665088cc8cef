// Package synth writes rectification-ledger workbooks (整改台账) the way
// village clerks fill them in: title rows, two-row headers with merged cells,
// header synonyms, section rows, problems merged over their measures, text
// deadlines beside real Excel dates, footers, formatted empty rows, extra
// sheets. It feeds the sample town in samples/ and the benchmarks.
//
// A Ledger says what a workbook holds (the tasks) and how the clerk laid it
// out (the Layout); Write turns it into an xlsx file. WriteTown produces a
// large deterministic town for benchmarks.
package synth

import (
	"fmt"
	"strings"

	"github.com/taizhang/taizhang/internal/ledger"
)

// Ledger is one village workbook as its clerk sends it.
type Ledger struct {
	Village  string    `yaml:"village"`  // 大布村
	Org      string    `yaml:"org"`      // 中共中山市三乡镇大布村委员会
	File     string    `yaml:"file"`     // 大布村整改台账.xlsx
	Layout   Layout    `yaml:"layout"`   // how the sheet looks
	Sections []Section `yaml:"sections"` // the tasks, grouped by category
}

// Section is a category of problems (一、…方面) and its problems.
type Section struct {
	Category string    `yaml:"category"` // 学习贯彻党的创新理论方面
	Problems []Problem `yaml:"problems"`
}

// Problem is one problem fed back by the inspection group, answered by one
// or more measures (tasks). Lead, Unit and Person are the defaults of its
// tasks.
type Problem struct {
	Problem string `yaml:"problem"`
	Lead    string `yaml:"lead"`
	Unit    string `yaml:"unit"`
	Person  string `yaml:"person"`
	Tasks   []Task `yaml:"tasks"`
}

// Task is one measure: one row of the ledger. Deadline and Done are written
// as real Excel dates when they read as 2025-03-31, and as the text the clerk
// typed otherwise (a leading ' forces text). Status is written as the clerk
// wrote it, synonyms included.
type Task struct {
	Seq      string `yaml:"seq"` // overrides the layout's numbering
	Measures string `yaml:"measures"`
	Lead     string `yaml:"lead"`
	Unit     string `yaml:"unit"`
	Person   string `yaml:"person"`
	Deadline string `yaml:"deadline"`
	Progress string `yaml:"progress"`
	Status   string `yaml:"status"`
	Done     string `yaml:"done"`
	Evidence string `yaml:"evidence"`
	Note     string `yaml:"note"`
}

// Layout is how a clerk laid the ledger out. The zero Layout is a bare
// one-row header table on a sheet named 台账.
type Layout struct {
	Sheet   string    `yaml:"sheet"`   // name of the ledger sheet; default 台账
	Title   string    `yaml:"title"`   // title row above the table; "" for none
	Fill    string    `yaml:"fill"`    // 填报单位：…　填报日期：… line under the title; "" for none
	Columns []string  `yaml:"columns"` // header texts in order; synonyms and line breaks allowed
	Widths  []float64 `yaml:"widths"`  // column widths; default by column kind
	Groups  []Group   `yaml:"groups"`  // headers spanning several columns: makes the header two rows

	// Category is where the category goes: "section" (rows 一、…方面 merged
	// across the table, the default), "column" (the 问题类别 column on every
	// row) or "merged" (that column merged down over the section's rows).
	Category string `yaml:"category"`
	// Seq numbers the rows: "row" (1, 2, 3 … as numbers, the default) or
	// "problem" (1-1, 1-2, 2 … by problem and measure, as text).
	Seq string `yaml:"seq"`
	// MergeProblems merges a problem's cell down over its measure rows; the
	// 序号 cells stay one per row, so every task keeps its own number.
	MergeProblems bool `yaml:"merge_problems"`
	// MergeUnits merges equal 责任领导 and 责任单位 cells within a problem.
	MergeUnits bool `yaml:"merge_units"`
	// SectionForm is how a section row (Category "section") is written:
	// "" merged across the table; "seq" the numeral (一、) in 序号 and the
	// title in the next cell; "seq_merged" the numeral in 序号 and the title
	// merged over the rest of the row; "problem" the numbered title in the
	// problem column only.
	SectionForm string `yaml:"section_form"`
	// SeqPerSection restarts 序号 at 1 in each section.
	SeqPerSection bool `yaml:"seq_per_section"`
	// ColumnNumbers puts a row of column numbers (1 2 3 …) under the header.
	ColumnNumbers bool `yaml:"column_numbers"`
	// TotalRow adds a 合计 row under the table counting the tasks with a
	// SUBTOTAL formula, as an Excel Table's total row does.
	TotalRow bool `yaml:"total_row"`
	// HideRows hides the rows of these tasks (1-based, in table order).
	HideRows []int `yaml:"hide_rows"`
	// Stray is a cell far below the table holding a space (A60000), where
	// Ctrl+End lands on clerks' sheets.
	Stray string `yaml:"stray"`

	Footer      []string `yaml:"footer"`       // 填表人：…　审核人：… cells, spread along one row
	FooterAfter bool     `yaml:"footer_after"` // footer below the empty rows instead of right under the table
	BlankRows   int      `yaml:"blank_rows"`   // formatted but empty rows after the table

	Instructions []string `yaml:"instructions"` // lines of a 填表说明 sheet placed before the ledger; none when empty
	// Example adds a worked example to the 填表说明 sheet: the full header
	// and a 示例 row under it.
	Example  bool   `yaml:"example"`
	OldSheet string `yaml:"old_sheet"` // name of a hidden older copy of the ledger placed first; none when ""
	OldAsOf  string `yaml:"old_as_of"` // the older copy shows tasks as of this day (default 2025-06-30)
	// OldVisible leaves the older copy visible, as a month snapshot side by
	// side with this month's sheet (name both by month: 6月, 9月更新).
	OldVisible bool `yaml:"old_visible"`

	Date1904   bool    `yaml:"date1904"`    // save with the 1904 date system
	DateFormat string  `yaml:"date_format"` // number format of date cells; default yyyy"年"m"月"d"日"
	Font       string  `yaml:"font"`        // default 宋体
	FontSize   float64 `yaml:"font_size"`   // body size; default 10
	Author     string  `yaml:"author"`      // docProps creator; default Administrator
	Saved      string  `yaml:"saved"`       // docProps modified, RFC 3339; default 2025-09-10T09:00:00Z
}

// Category placements.
const (
	CategorySection = "section"
	CategoryColumn  = "column"
	CategoryMerged  = "merged"
)

// Numberings.
const (
	SeqRow     = "row"
	SeqProblem = "problem"
)

// Group is a top header spanning the columns First to Last (header texts as
// in Columns), e.g. 责任 over 责任领导、责任单位、责任人.
type Group struct {
	Name  string `yaml:"name"`
	First string `yaml:"first"`
	Last  string `yaml:"last"`
}

// headerWords maps every header a clerk may write (white space removed) to
// its canonical column.
var headerWords = map[string]ledger.Column{
	"序号": ledger.ColSeq, "编号": ledger.ColSeq,
	"问题类别": ledger.ColCategory, "类别": ledger.ColCategory, "方面": ledger.ColCategory,
	"巡察反馈问题": ledger.ColProblem, "反馈问题": ledger.ColProblem, "存在问题": ledger.ColProblem, "具体问题": ledger.ColProblem,
	"整改措施": ledger.ColMeasures, "整改举措": ledger.ColMeasures,
	"责任领导": ledger.ColLead, "牵头领导": ledger.ColLead,
	"责任单位": ledger.ColUnit, "责任部门": ledger.ColUnit,
	"责任人":  ledger.ColPerson,
	"整改时限": ledger.ColDeadline, "完成时限": ledger.ColDeadline,
	"整改进展情况": ledger.ColProgress, "整改进展": ledger.ColProgress, "整改落实情况": ledger.ColProgress,
	"整改状态": ledger.ColStatus, "完成情况": ledger.ColStatus,
	"完成时间": ledger.ColDone, "完成日期": ledger.ColDone, "销号时间": ledger.ColDone,
	"佐证材料": ledger.ColEvidence,
	"备注":   ledger.ColNote, "说明": ledger.ColNote,
}

// HeaderColumn returns the canonical column a header text names, ignoring
// white space and line breaks inside it.
func HeaderColumn(header string) (ledger.Column, bool) {
	c, ok := headerWords[ledger.NormalizeText(header)]
	return c, ok
}

// Tasks returns the number of tasks (rows) of the ledger.
func (l *Ledger) Tasks() int {
	n := 0
	for _, s := range l.Sections {
		for _, p := range s.Problems {
			n += len(p.Tasks)
		}
	}
	return n
}

// Items returns the tasks as the model sees them once read: canonical
// status, parsed dates, the category of their section and their 序号. It is
// what a correct reader must produce from the workbook (Source left empty).
func (l *Ledger) Items() ([]ledger.Item, error) {
	var items []ledger.Item
	err := l.walk(func(r row) error {
		st, ok := ledger.ParseStatus(r.task.Status)
		if !ok {
			return fmt.Errorf("%s: 第%s项的整改状态“%s”不在词表内", l.Village, r.seq, r.task.Status)
		}
		dl, err := parseDeadline(r.task.Deadline)
		if err != nil {
			return fmt.Errorf("%s: 第%s项：%v", l.Village, r.seq, err)
		}
		var done ledger.Date
		if r.task.Done != "" {
			if done, err = parseDay(r.task.Done); err != nil {
				return fmt.Errorf("%s: 第%s项：%v", l.Village, r.seq, err)
			}
		}
		items = append(items, ledger.Item{
			Village:  l.Village,
			Seq:      r.seq,
			Category: r.section.Category,
			Problem:  r.problem.Problem,
			Measures: r.task.Measures,
			Lead:     r.lead,
			Unit:     r.unit,
			Person:   r.person,
			Deadline: dl,
			Progress: r.task.Progress,
			Status:   st,
			Done:     done,
			Evidence: r.task.Evidence,
			Note:     r.task.Note,
		})
		return nil
	})
	return items, err
}

// row is one task with everything it inherits.
type row struct {
	section            *Section
	sectionIndex       int // 0-based
	problem            *Problem
	problemIndex       int // 1-based across the ledger
	taskIndex          int // 1-based within the problem
	rowIndex           int // 1-based across the ledger
	task               *Task
	seq                string
	lead, unit, person string
	firstOfProblem     bool
	firstOfSection     bool
	problemRows        int
	sectionRows        int
}

// walk visits every task in order with its inherited fields and 序号.
func (l *Ledger) walk(fn func(row) error) error {
	pi, ri := 0, 0
	for si := range l.Sections {
		s := &l.Sections[si]
		srows := 0
		for _, p := range s.Problems {
			srows += len(p.Tasks)
		}
		first := true
		if l.Layout.SeqPerSection {
			ri = 0
		}
		for pj := range s.Problems {
			p := &s.Problems[pj]
			pi++
			for ti := range p.Tasks {
				t := &p.Tasks[ti]
				ri++
				r := row{
					section: s, sectionIndex: si, problem: p, problemIndex: pi,
					taskIndex: ti + 1, rowIndex: ri, task: t,
					lead: or(t.Lead, p.Lead), unit: or(t.Unit, p.Unit), person: or(t.Person, p.Person),
					firstOfProblem: ti == 0, firstOfSection: first,
					problemRows: len(p.Tasks), sectionRows: srows,
				}
				first = false
				switch {
				case t.Seq != "":
					r.seq = t.Seq
				case l.Layout.Seq == SeqProblem && len(p.Tasks) > 1:
					r.seq = fmt.Sprintf("%d-%d", pi, ti+1)
				case l.Layout.Seq == SeqProblem:
					r.seq = fmt.Sprint(pi)
				default:
					r.seq = fmt.Sprint(ri)
				}
				if err := fn(r); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// chineseNumeral gives 一 … 二十 for section numbering.
func chineseNumeral(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digits[n-10]
	case n%10 == 0:
		return digits[n/10] + "十"
	default:
		return digits[n/10] + "十" + digits[n%10]
	}
}

// SectionTitle is the text of a section row: "一、学习贯彻党的创新理论方面".
func SectionTitle(i int, category string) string {
	return chineseNumeral(i+1) + "、" + strings.TrimSpace(category)
}
