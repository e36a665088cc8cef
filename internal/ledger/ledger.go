// Package ledger is the model of a rectification ledger (整改台账): the tasks a
// village reports, their status and deadline, and the diagnostics raised while
// reading and checking them. It does no I/O.
package ledger

import (
	"fmt"
	"strconv"
)

// Village is one village or community Party organisation, in the order the
// town's config lists them (attachment order).
type Village struct {
	Name string `json:"name"` // 大布村
	Org  string `json:"org"`  // 中共中山市三乡镇大布村委员会
}

// Item is one task (one row) of a village ledger, normalised.
type Item struct {
	Village  string   `json:"village"`
	Seq      string   `json:"seq"`
	Category string   `json:"category"`
	Problem  string   `json:"problem"`
	Measures string   `json:"measures"`
	Lead     string   `json:"lead"`
	Unit     string   `json:"unit"`
	Person   string   `json:"person"`
	Deadline Deadline `json:"deadline"`
	Progress string   `json:"progress"`
	Status   Status   `json:"status"`
	Done     Date     `json:"done"`
	Evidence string   `json:"evidence"`
	Note     string   `json:"note"`
	Source   Source   `json:"source"`

	// Layout facts the published attachment reproduces; they change no
	// figure and are not part of the JSON snapshot.

	// FromSection is true when Category came from a section row (一、…方面)
	// above the task rather than from a category column.
	FromSection bool `json:"-"`
	// MergedUp marks the columns whose cell in this row belongs to a merged
	// range that began on an earlier task row of the same sheet (the
	// village merged one problem, 序号 or 责任单位 over several measures).
	MergedUp ColumnSet `json:"-"`
}

// ColumnSet is a set of canonical columns.
type ColumnSet uint32

// Has reports whether c is in the set.
func (s ColumnSet) Has(c Column) bool { return c >= 0 && c < NumColumns && s&(1<<uint(c)) != 0 }

// With returns the set with c added.
func (s ColumnSet) With(c Column) ColumnSet {
	if c < 0 || c >= NumColumns {
		return s
	}
	return s | 1<<uint(c)
}

// Text returns the item's value for a text column (not Deadline, Status or
// Done, which have their own types; for those it returns their display form).
func (it *Item) Text(c Column) string {
	switch c {
	case ColSeq:
		return it.Seq
	case ColCategory:
		return it.Category
	case ColProblem:
		return it.Problem
	case ColMeasures:
		return it.Measures
	case ColLead:
		return it.Lead
	case ColUnit:
		return it.Unit
	case ColPerson:
		return it.Person
	case ColDeadline:
		return it.Deadline.String()
	case ColProgress:
		return it.Progress
	case ColStatus:
		return string(it.Status)
	case ColDone:
		return it.Done.String()
	case ColEvidence:
		return it.Evidence
	case ColNote:
		return it.Note
	}
	return ""
}

// Source says where an item was read: the file, the sheet and the 1-based
// Excel row. Layout, when set, gives the column letter of every canonical
// column in that sheet, so diagnostics can name the real cell.
type Source struct {
	File   string  `json:"file"`
	Sheet  string  `json:"sheet"`
	Row    int     `json:"row"`
	Layout *Layout `json:"-"`
}

// Layout maps canonical columns to the Excel column letters of one sheet
// ("" where the sheet has no such column). It is shared by every item read
// from that sheet.
type Layout [NumColumns]string

// Cell returns the Excel reference (e.g. "F12") of column c in the item's
// row, or "" when the column is unknown.
func (s Source) Cell(c Column) string {
	if s.Layout == nil || s.Layout[c] == "" || s.Row <= 0 {
		return ""
	}
	return s.Layout[c] + strconv.Itoa(s.Row)
}

// Column is one of the canonical ledger columns.
type Column int

// The canonical columns, in the order of the town's consolidated list.
const (
	ColSeq Column = iota
	ColCategory
	ColProblem
	ColMeasures
	ColLead
	ColUnit
	ColPerson
	ColDeadline
	ColProgress
	ColStatus
	ColDone
	ColEvidence
	ColNote
	NumColumns
)

var columnNames = [NumColumns]string{
	"序号", "问题类别", "巡察反馈问题", "整改措施", "责任领导", "责任单位", "责任人",
	"整改时限", "整改进展情况", "整改状态", "完成时间", "佐证材料", "备注",
}

// Name returns the canonical Chinese header of the column.
func (c Column) Name() string {
	if c < 0 || c >= NumColumns {
		return fmt.Sprintf("列%d", int(c))
	}
	return columnNames[c]
}

func (c Column) String() string { return c.Name() }

// Columns returns every canonical column in order.
func Columns() []Column {
	cs := make([]Column, NumColumns)
	for i := range cs {
		cs[i] = Column(i)
	}
	return cs
}

// RequiredColumns must be present in every ledger sheet.
var RequiredColumns = []Column{ColProblem, ColMeasures, ColDeadline, ColProgress, ColStatus}

// Private reports whether a column holds personal or internal data that a
// published notice leaves out by default.
func (c Column) Private() bool {
	return c == ColPerson || c == ColLead || c == ColEvidence
}

// DueSoonDays is how many days ahead a deadline counts as 临期.
const DueSoonDays = 7

// Overdue reports whether the task's dated deadline is before asOf and the
// task is not finished (逾期).
func (it *Item) Overdue(asOf Date) bool {
	return it.Deadline.Kind == DeadlineOn && !it.Status.Finished() && it.Deadline.Date.Before(asOf)
}

// DueSoon reports whether an unfinished task's deadline falls within the
// next DueSoonDays days, asOf included (临期).
func (it *Item) DueSoon(asOf Date) bool {
	if it.Deadline.Kind != DeadlineOn || it.Status.Finished() || it.Deadline.Date.Before(asOf) {
		return false
	}
	return asOf.DaysUntil(it.Deadline.Date) <= DueSoonDays
}
