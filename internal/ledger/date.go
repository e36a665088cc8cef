package ledger

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar day with no time of day or zone. The zero Date means
// "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate builds a Date, normalising overflow the way time.Date does.
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf takes the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseISODate parses "2025-03-31".
func ParseISODate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("日期“%s”不是“年-月-日”格式（例如 2025-03-31）", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC of the day.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String gives "2025-03-31", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	m, day := int(d.Month), d.Day
	if d.Year < 0 || d.Year > 9999 || m < 0 || m > 99 || day < 0 || day > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, m, day)
	}
	// What Sprintf("%04d-%02d-%02d") writes, without fmt: a town's
	// 汇总台账.json writes a date per task and per column.
	b := [10]byte{
		byte('0' + d.Year/1000), byte('0' + d.Year/100%10), byte('0' + d.Year/10%10), byte('0' + d.Year%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + day/10), byte('0' + day%10),
	}
	return string(b[:])
}

// Chinese gives the form used in official documents: "2025年9月12日",
// Arabic numerals without zero padding.
func (d Date) Chinese() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Time().After(e.Time()) }

// AddDays returns the day n days after d.
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// DaysUntil returns the whole days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.Time().Sub(d.Time()).Hours() / 24) }

// MarshalJSON writes "2025-03-31", or "" for no date.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "2025-03-31" or "".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseISODate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// DeadlineKind says what sort of deadline a task has.
type DeadlineKind uint8

// The kinds of deadline clerks write.
const (
	DeadlineNone      DeadlineKind = iota // the cell is empty
	DeadlineOn                            // a calendar day
	DeadlineLongTerm                      // 长期 / 长期坚持: no end date
	DeadlineImmediate                     // 立行立改: at once, no date written
	DeadlinePeriod                        // 集中整改期内: within the rectification period
)

// Deadline is a task's 整改时限.
type Deadline struct {
	Kind DeadlineKind
	Date Date // for DeadlineOn
	// Text is what the clerk wrote, trimmed ("2025年10月底前", "立行立改"),
	// when the cell held text; "" for a date cell. Published tables print
	// it as written; Date still counts overdue.
	Text string
}

// LongTermText is the JSON and display form of a long-term deadline.
const LongTermText = "长期"

// String gives the normalised form: "2025-03-31", "长期", "立行立改",
// "集中整改期内", or "" for none.
func (d Deadline) String() string {
	switch d.Kind {
	case DeadlineOn:
		return d.Date.String()
	case DeadlineLongTerm:
		return LongTermText
	case DeadlineImmediate:
		return "立行立改"
	case DeadlinePeriod:
		return "集中整改期内"
	}
	return ""
}

// Chinese gives the form printed in notices: "2025年3月31日", "长期坚持", ….
func (d Deadline) Chinese() string {
	switch d.Kind {
	case DeadlineOn:
		return d.Date.Chinese()
	case DeadlineLongTerm:
		return "长期坚持"
	}
	return d.String()
}

// MarshalJSON writes the normalised form.
func (d Deadline) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads what MarshalJSON wrote.
func (d *Deadline) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	switch s {
	case "":
		*d = Deadline{}
	case LongTermText:
		*d = Deadline{Kind: DeadlineLongTerm, Text: s}
	case "立行立改":
		*d = Deadline{Kind: DeadlineImmediate, Text: s}
	case "集中整改期内":
		*d = Deadline{Kind: DeadlinePeriod, Text: s}
	default:
		v, err := ParseISODate(s)
		if err != nil {
			return err
		}
		*d = Deadline{Kind: DeadlineOn, Date: v}
	}
	return nil
}
