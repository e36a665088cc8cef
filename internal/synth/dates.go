package synth

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/taizhang/taizhang/internal/ledger"
	"golang.org/x/text/width"
)

// cellDate reports whether a clerk's deadline or completion text is to be
// written as a real Excel date: it reads as 2025-03-31 and has no leading '.
func cellDate(s string) (ledger.Date, bool) {
	if s == "" || strings.HasPrefix(s, "'") {
		return ledger.Date{}, false
	}
	d, err := ledger.ParseISODate(s)
	return d, err == nil
}

// cellText is the text written for a value that is not a real date.
func cellText(s string) string { return strings.TrimPrefix(s, "'") }

var (
	ymdRe      = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)
	monthEndRe = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(底|末)(前)?$`)
	yearEndRe  = regexp.MustCompile(`^(\d{4})年(底|末)(前)?$`)
)

// parseDeadline reads the deadline texts this package writes, the way a
// correct reader must: a date, an end of month or year, or a word.
func parseDeadline(s string) (ledger.Deadline, error) {
	if d, ok := cellDate(s); ok {
		return ledger.Deadline{Kind: ledger.DeadlineOn, Date: d}, nil
	}
	t := ledger.NormalizeText(cellText(s))
	switch t {
	case "":
		return ledger.Deadline{}, nil
	case "长期坚持", "长期":
		return ledger.Deadline{Kind: ledger.DeadlineLongTerm, Text: cellText(s)}, nil
	case "立行立改":
		return ledger.Deadline{Kind: ledger.DeadlineImmediate, Text: cellText(s)}, nil
	case "集中整改期内":
		return ledger.Deadline{Kind: ledger.DeadlinePeriod, Text: cellText(s)}, nil
	}
	d, err := parseDay(s)
	if err != nil {
		return ledger.Deadline{}, err
	}
	return ledger.Deadline{Kind: ledger.DeadlineOn, Date: d}, nil
}

// parseDay reads one calendar day in the forms clerks type.
func parseDay(s string) (ledger.Date, error) {
	if d, ok := cellDate(s); ok {
		return d, nil
	}
	t := width.Fold.String(ledger.NormalizeText(cellText(s)))
	if m := ymdRe.FindStringSubmatch(t); m != nil {
		return validDay(s, atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	if m := monthEndRe.FindStringSubmatch(t); m != nil {
		y, mo := atoi(m[1]), atoi(m[2])
		if mo < 1 || mo > 12 {
			return ledger.Date{}, fmt.Errorf("日期“%s”的月份不对", s)
		}
		return ledger.NewDate(y, time.Month(mo)+1, 0), nil
	}
	if m := yearEndRe.FindStringSubmatch(t); m != nil {
		return ledger.NewDate(atoi(m[1]), time.December, 31), nil
	}
	return ledger.Date{}, fmt.Errorf("读不出日期“%s”", s)
}

func validDay(s string, y, m, d int) (ledger.Date, error) {
	day := ledger.NewDate(y, time.Month(m), d)
	if day.Year != y || int(day.Month) != m || day.Day != d {
		return ledger.Date{}, fmt.Errorf("日期“%s”不存在", s)
	}
	return day, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
