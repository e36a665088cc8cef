package ledger

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"
)

// This file holds the normalisers that turn what clerks type into the model's
// values: header names into canonical columns, 序号 into plain numbers, and
// deadline and date text into Deadline and Date. They do no I/O and never
// panic, whatever the input (they are fuzzed).

// headerSynonyms maps a normalised header text to its canonical column. The
// canonical names themselves are added in init.
var headerSynonyms = map[string]Column{
	"编号": ColSeq, "序": ColSeq, "序列号": ColSeq,
	"类别": ColCategory, "方面": ColCategory, "问题分类": ColCategory, "问题类型": ColCategory, "类型": ColCategory,
	"反馈问题": ColProblem, "存在问题": ColProblem, "具体问题": ColProblem, "问题描述": ColProblem,
	"存在的问题": ColProblem, "存在的主要问题": ColProblem, "巡察发现问题": ColProblem, "巡察反馈的问题": ColProblem, "问题表现": ColProblem, "主要问题": ColProblem,
	"整改举措": ColMeasures, "整改措施及要求": ColMeasures, "措施": ColMeasures,
	"牵头领导": ColLead, "分管领导": ColLead, "责任领导人": ColLead,
	"责任部门": ColUnit, "牵头单位": ColUnit, "责任主体": ColUnit, "责任单位（部门）": ColUnit,
	"具体责任人": ColPerson, "整改责任人": ColPerson,
	"完成时限": ColDeadline, "整改期限": ColDeadline, "整改时间": ColDeadline, "时限": ColDeadline,
	"完成时间节点": ColDeadline, "时间节点": ColDeadline, "计划完成时限": ColDeadline, "计划完成时间": ColDeadline, "预计完成时间": ColDeadline, "计划完成日期": ColDeadline, "预计完成日期": ColDeadline,
	"整改进度": ColProgress, "进度": ColProgress, "整改进展": ColProgress, "整改落实情况": ColProgress, "进展情况": ColProgress, "整改情况": ColProgress,
	"整改完成情况说明": ColProgress, "目前进展情况": ColProgress,
	"完成情况": ColStatus, "状态": ColStatus, "整改完成情况": ColStatus, "是否完成": ColStatus, "完成状态": ColStatus,
	"完成日期": ColDone, "销号时间": ColDone, "实际完成时间": ColDone, "销号日期": ColDone, "整改完成时间": ColDone,
	"佐证": ColEvidence, "证明材料": ColEvidence, "佐证资料": ColEvidence,
	"说明": ColNote,
}

// headerStems are tried when no synonym matches exactly: a header that
// contains the stem ("巡察反馈问题具体表现") names that column. Order matters:
// the first stem found wins.
var headerStems = []struct {
	stem string
	col  Column
}{
	{"反馈问题", ColProblem}, {"存在问题", ColProblem}, {"存在的问题", ColProblem},
	{"整改措施", ColMeasures},
	{"完成时限", ColDeadline}, {"整改时限", ColDeadline},
	// A planned or expected time is the deadline, never the done date: these
	// come before 完成时间.
	{"计划完成", ColDeadline}, {"预计完成", ColDeadline}, {"拟完成", ColDeadline}, {"时间节点", ColDeadline},
	{"实际完成", ColDone},
	{"整改进展", ColProgress}, {"整改进度", ColProgress},
	{"整改状态", ColStatus},
	{"完成时间", ColDone}, {"完成日期", ColDone}, {"销号时间", ColDone},
	{"责任领导", ColLead}, {"牵头领导", ColLead},
	{"责任单位", ColUnit}, {"责任部门", ColUnit}, {"责任主体", ColUnit},
	{"责任人", ColPerson},
	{"佐证", ColEvidence},
}

func init() {
	for i, n := range columnNames {
		headerSynonyms[n] = Column(i)
	}
}

// maxHeaderRunes bounds what can be a header label: longer text is a
// sentence (an instruction), not a column name.
const maxHeaderRunes = 24

// maxHeaderBytes bounds a header cell before its bracketed remarks are
// dropped: templates put long instructions in brackets after the name
// (整改时限（请填写具体日期，如……；长期坚持的事项填写“长期坚持”……）), so
// the bound is generous; it only spares normalising whole paragraphs.
const maxHeaderBytes = 4096

// MatchHeader maps a header cell's text to its canonical column, ignoring
// spaces, line breaks, full-width forms, a leading required-marker (*, ※) and
// bracketed remarks such as "整改时限（年月日）".
func MatchHeader(s string) (Column, bool) {
	if len(s) > maxHeaderBytes {
		return 0, false // a paragraph, even before spaces and remarks are dropped
	}
	k := headerKey(s)
	if k == "" || len([]rune(k)) > maxHeaderRunes {
		return 0, false
	}
	if c, ok := headerSynonyms[k]; ok {
		return c, true
	}
	for _, st := range headerStems {
		if strings.Contains(k, st.stem) {
			return st.col, true
		}
	}
	return 0, false
}

// headerKey normalises a header text for lookup.
func headerKey(s string) string {
	k := NormalizeText(s)
	k = strings.TrimLeft(k, "*※★")
	k = strings.TrimRight(k, ":：*")
	if !strings.ContainsAny(k, "(【[〔") {
		return k
	}
	var b strings.Builder
	depth := 0
	for _, r := range k {
		switch r {
		case '(', '【', '[', '〔':
			depth++
			continue
		case ')', '】', ']', '〕':
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	return strings.TrimRight(b.String(), ":：*")
}

// NormalizeSeq turns a 序号 as clerks write it — "(1)", "（1）", "1.", "1、",
// "３", "1.0" — into its plain form "1". Text that is not a number
// ("一", "1-2") is returned trimmed, with full-width forms folded.
func NormalizeSeq(s string) string {
	k := NormalizeText(s)
	if k == "" {
		return ""
	}
	t := k
	if strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") && len(t) > 2 {
		t = t[1 : len(t)-1]
	}
	t = strings.TrimRight(t, ".、,")
	t = strings.TrimSuffix(t, ".0")
	if t == "" {
		return k
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return k
		}
	}
	t = strings.TrimLeft(t, "0")
	if t == "" {
		return "0"
	}
	return t
}

// Words that stand for a deadline without a date.
var deadlineWords = map[string]DeadlineKind{
	"长期": DeadlineLongTerm, "长期坚持": DeadlineLongTerm, "长期整改": DeadlineLongTerm,
	"长期推进": DeadlineLongTerm, "长期性": DeadlineLongTerm, "持续长期": DeadlineLongTerm,
	"立行立改": DeadlineImmediate, "立即整改": DeadlineImmediate, "立知立改": DeadlineImmediate,
	"集中整改期内": DeadlinePeriod, "整改期内": DeadlinePeriod, "集中整改期间": DeadlinePeriod,
}

// ParseDeadline reads a 整改时限 written as text: a date in any of the forms
// ParseDateText accepts, or one of the words 长期/长期坚持, 立行立改 and
// 集中整改期内. An empty text gives DeadlineNone; ok is false when the text
// cannot be read.
func ParseDeadline(s string) (d Deadline, ok bool) {
	text := strings.TrimSpace(s)
	k := strings.TrimRight(NormalizeText(s), "。.;；")
	if k == "" {
		return Deadline{}, true
	}
	if kind, found := deadlineWords[k]; found {
		return Deadline{Kind: kind, Text: text}, true
	}
	date, ok := ParseDateText(s)
	if !ok {
		return Deadline{}, false
	}
	return Deadline{Kind: DeadlineOn, Date: date, Text: text}, true
}

var (
	// 2025-03-31, 2025/3/31, 2025.3.31, 2025年3月31日, 2025年3月31号
	dayRe = regexp.MustCompile(`^(\d{4})(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})[日号]?$`)
	// 2025年3月, 2025年3月底, 2025年3月末
	monthRe = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(底|末)?$`)
	// 2025年底, 2025年末, 2025年年底
	yearEndRe = regexp.MustCompile(`^(\d{4})年(?:年)?(?:底|末)$`)
	// 20250331
	compactRe = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	// a time of day after a date: " 00:00:00", "T08:30"
	timeRe = regexp.MustCompile(`[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$`)
)

// dateSuffixes are words after a date that do not change it:
// "2025年3月底前", "2025年3月31日之前完成", "2025年3月31日止". A trailing 完成
// goes first.
var dateSuffixes = []string{"之前", "以前", "前", "止"}

// ParseDateText reads a date written as text, as clerks write them:
// 2025-03-31, 2025/3/31, 2025.3.31, 2025年3月31日, 20250331, with full-width
// digits or not, with a time of day or not; 2025年3月底(前) is the month's
// last day and 2025年底 is 31 December. Years outside 1990–2100 are refused.
func ParseDateText(s string) (Date, bool) {
	k := strings.TrimSpace(width.Fold.String(s))
	k = timeRe.ReplaceAllString(k, "")
	k = NormalizeText(k)
	k = strings.TrimRight(k, "。.;；")
	k = strings.TrimSuffix(k, "完成")
	before := false
	for _, suf := range dateSuffixes {
		if strings.HasSuffix(k, suf) {
			k = strings.TrimSuffix(k, suf)
			before = suf != "止"
			break
		}
	}
	if m := dayRe.FindStringSubmatch(k); m != nil {
		return validDate(m[1], m[2], m[3])
	}
	if m := compactRe.FindStringSubmatch(k); m != nil {
		return validDate(m[1], m[2], m[3])
	}
	if m := monthRe.FindStringSubmatch(k); m != nil {
		// "2025年3月前" would mean before March: too ambiguous to guess.
		if m[3] == "" && before {
			return Date{}, false
		}
		y, mo := atoi(m[1]), atoi(m[2])
		if !plausibleYear(y) || mo < 1 || mo > 12 {
			return Date{}, false
		}
		return NewDate(y, time.Month(mo)+1, 0), true
	}
	if m := yearEndRe.FindStringSubmatch(k); m != nil {
		y := atoi(m[1])
		if !plausibleYear(y) {
			return Date{}, false
		}
		return Date{y, time.December, 31}, true
	}
	return Date{}, false
}

func validDate(ys, ms, ds string) (Date, bool) {
	y, m, d := atoi(ys), atoi(ms), atoi(ds)
	if !plausibleYear(y) || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, false
	}
	return Date{y, time.Month(m), d}, true
}

func plausibleYear(y int) bool { return y >= 1990 && y <= 2100 }

// Plausible reports whether d falls in the years a ledger's dates can have,
// 1990–2100, the years ParseDateText accepts.
func (d Date) Plausible() bool { return plausibleYear(d.Year) }

func daysIn(y int, m time.Month) int { return NewDate(y, m+1, 0).Day }

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
