package ledger

import (
	"fmt"
	"strings"
)

// Severity separates what blocks a build (errors) from what a clerk should
// look at (warnings).
type Severity uint8

// The severities.
const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Chinese gives 错误 or 警告.
func (s Severity) Chinese() string {
	if s == Error {
		return "错误"
	}
	return "警告"
}

// MarshalText writes "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "error" or "warning".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	default:
		return fmt.Errorf("unknown severity %q", b)
	}
	return nil
}

// Diagnostic codes: stable identifiers for programs reading --json output.
const (
	CodeNotWorkbook      = "not-workbook"      // not an xlsx at all
	CodeLegacyXLS        = "legacy-xls"        // an old .xls (BIFF) file
	CodeEmptyFile        = "empty-file"        // zero bytes
	CodeCorrupt          = "corrupt"           // truncated or damaged zip / xml
	CodeEncrypted        = "encrypted"         // password-protected
	CodeTooLarge         = "too-large"         // inflates beyond the limits (zip bomb), too many rows, a huge cell
	CodeNoLedgerSheet    = "no-ledger-sheet"   // no visible sheet has a ledger header
	CodeMissingColumn    = "missing-column"    // a required column is absent
	CodeEmptyCell        = "empty-cell"        // a required cell is empty
	CodeBadStatus        = "bad-status"        // status outside the vocabulary
	CodeBadDate          = "bad-date"          // a date that cannot be read
	CodeDoneInFuture     = "done-in-future"    // 完成时间 after the as-of date
	CodeDoneWithoutDate  = "done-without-date" // 已完成 without 完成时间
	CodeOverdue          = "overdue"           // deadline passed, not finished (逾期)
	CodeDueSoon          = "due-soon"          // due within 7 days (临期)
	CodeDuplicateSeq     = "duplicate-seq"     // the same 序号 twice in one ledger
	CodePersonalData     = "personal-data"     // phone or ID number in published text
	CodeDuplicateVillage = "duplicate-village" // two workbooks for one village
	CodeUnknownVillage   = "unknown-village"   // village not in the config / not found
	CodeMissingVillage   = "missing-village"   // a configured village sent nothing
	CodeInternal         = "internal"          // a bug while reading one file
	CodeStatusBackwards  = "status-backwards"  // a task went from finished to unfinished since the last snapshot
	CodeTaskRemoved      = "task-removed"      // a task of the last snapshot is gone
	CodeNarrative        = "narrative"         // the notice narrative file is missing or odd
	CodeMissingGlyph     = "missing-glyph"     // no font has a character
	CodeNoTasks          = "no-tasks"          // a ledger with a header but no task rows (a blank form)
	CodeErrorValue       = "error-value"       // an Excel error value (#REF!, #N/A …) in a read cell
	CodeNoCachedValue    = "no-cached-value"   // a formula saved without its result
	CodeLink             = "link"              // a symlink, shortcut or junction in the inbox
	CodeUnread           = "unread"            // a file in the inbox that is not a workbook and was not read
	CodeWrongVillage     = "wrong-village"     // the file name and the title/填报单位 name different villages
	CodeHiddenRows       = "hidden-rows"       // hidden or grouped rows were read
	CodeTwoColumns       = "two-columns"       // two columns for one field
	CodeSheetChoice      = "sheet-choice"      // which of several sheets was read
	CodeDoneBeforeStart  = "done-before-start" // 完成时间 before the inspection began
	CodeDoneNotFinished  = "done-not-finished" // 完成时间 on a task not 已完成
)

// Diagnostic is one problem found in the input, pointing at the real Excel
// cell when there is one.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	File     string   `json:"file"`
	Sheet    string   `json:"sheet,omitempty"`
	Cell     string   `json:"cell,omitempty"`
	Row      int      `json:"row,omitempty"`
	Column   string   `json:"column,omitempty"`
	Message  string   `json:"message"`
}

// String formats the diagnostic as one line a clerk can act on:
// "大布村.xlsx:台账!F12: 错误: 整改状态“搁置”不是允许的状态(…)".
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Sheet != "" || d.Cell != "" {
		b.WriteByte(':')
		b.WriteString(d.Sheet)
		if d.Cell != "" {
			b.WriteByte('!')
			b.WriteString(d.Cell)
		}
	}
	b.WriteString(": ")
	b.WriteString(d.Severity.Chinese())
	b.WriteString(": ")
	b.WriteString(d.Message)
	return b.String()
}

// At builds a diagnostic at an item's cell for column c.
func At(sev Severity, code string, it *Item, c Column, format string, args ...any) Diagnostic {
	return Diagnostic{
		Severity: sev,
		Code:     code,
		File:     it.Source.File,
		Sheet:    it.Source.Sheet,
		Cell:     it.Source.Cell(c),
		Row:      it.Source.Row,
		Column:   c.Name(),
		Message:  fmt.Sprintf(format, args...),
	}
}

// Count returns the number of errors and warnings in ds.
func Count(ds []Diagnostic) (errors, warnings int) {
	for _, d := range ds {
		if d.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return
}

// HasError reports whether ds holds at least one error (a file with one is
// rejected).
func HasError(ds []Diagnostic) bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}
