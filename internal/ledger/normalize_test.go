package ledger

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/width"
)

func TestMatchHeader(t *testing.T) {
	cases := []struct {
		in   string
		want Column
		ok   bool
	}{
		{"序号", ColSeq, true},
		{"编 号", ColSeq, true},
		{"问题类别", ColCategory, true},
		{"方面", ColCategory, true},
		{"巡察反馈问题", ColProblem, true},
		{"巡察反馈\n问题", ColProblem, true},
		{"存在问题", ColProblem, true},
		{"具体问题", ColProblem, true},
		{"反馈问题", ColProblem, true},
		{"巡察反馈问题（具体表现）", ColProblem, true},
		{"整改举措", ColMeasures, true},
		{"*整改措施", ColMeasures, true},
		{"牵头领导", ColLead, true},
		{"责任部门", ColUnit, true},
		{"责 任 人", ColPerson, true},
		{"完成时限", ColDeadline, true},
		{"整改时限\r\n(年月日)", ColDeadline, true},
		{"整改进展", ColProgress, true},
		{"整改落实情况", ColProgress, true},
		{"完成情况", ColStatus, true},
		{"整改状态：", ColStatus, true},
		{"销号时间", ColDone, true},
		{"计划完成时间", ColDeadline, true}, // the deadline, not the day it was done
		{"预计完成时间", ColDeadline, true},
		{"实际完成时间", ColDone, true},
		{"完成日期", ColDone, true},
		{"佐证材料", ColEvidence, true},
		{"说明", ColNote, true},
		{"备注", ColNote, true},
		{"ＡＢＣ", 0, false},
		{"", 0, false},
		{"请在整改状态一列填写已完成、基本完成、持续整改或长期坚持四种状态之一", 0, false},
	}
	for _, c := range cases {
		got, ok := MatchHeader(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("MatchHeader(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	// Full-width letters inside a header fold too.
	if c, ok := MatchHeader("整改状态\u3000"); !ok || c != ColStatus {
		t.Errorf("ideographic space not ignored: %v %v", c, ok)
	}
}

func TestNormalizeSeq(t *testing.T) {
	cases := map[string]string{
		"1": "1", "(1)": "1", "（1）": "1", "1.": "1", "1、": "1", "３": "3", "1.0": "1",
		" 12 ": "12", "007": "7", "0": "0", "一": "一", "1-2": "1-2", "": "", "（一）": "(一)",
	}
	for in, want := range cases {
		if got := NormalizeSeq(in); got != want {
			t.Errorf("NormalizeSeq(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDeadline(t *testing.T) {
	day := func(y, m, d int) Deadline { return Deadline{Kind: DeadlineOn, Date: Date{y, time.Month(m), d}} }
	cases := []struct {
		in   string
		want Deadline
	}{
		{"2025-03-31", day(2025, 3, 31)},
		{"2025/3/31", day(2025, 3, 31)},
		{"2025.3.31", day(2025, 3, 31)},
		{"2025年3月31日", day(2025, 3, 31)},
		{"２０２５年３月３１日", day(2025, 3, 31)},
		{"２０２５－０３－３１", day(2025, 3, 31)},
		{"2025年3月31日前", day(2025, 3, 31)},
		{"2025-03-31 00:00:00", day(2025, 3, 31)},
		{"20250331", day(2025, 3, 31)},
		{"2025年3月底前", day(2025, 3, 31)},
		{"2025年2月底", day(2025, 2, 28)},
		{"2024年2月底前完成", day(2024, 2, 29)},
		{"2025年3月31日之前完成", day(2025, 3, 31)},
		{"2025年6月底以前完成", day(2025, 6, 30)},
		{"2025年6月", day(2025, 6, 30)},
		{"2025年底", day(2025, 12, 31)},
		{"2025年年底前", day(2025, 12, 31)},
		{"２０２５年底", day(2025, 12, 31)},
		{"长期", Deadline{Kind: DeadlineLongTerm, Text: "长期"}},
		{"长期坚持", Deadline{Kind: DeadlineLongTerm, Text: "长期坚持"}},
		{" 长期坚持。", Deadline{Kind: DeadlineLongTerm, Text: "长期坚持。"}},
		{"立行立改", Deadline{Kind: DeadlineImmediate, Text: "立行立改"}},
		{"集中整改期内", Deadline{Kind: DeadlinePeriod, Text: "集中整改期内"}},
		{"", Deadline{}},
	}
	for _, c := range cases {
		got, ok := ParseDeadline(c.in)
		if c.want.Kind == DeadlineOn {
			c.want.Text = strings.TrimSpace(c.in) // kept as written, for print
		}
		if !ok || got != c.want {
			t.Errorf("ParseDeadline(%q) = %+v, %v; want %+v", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{"下个月", "2025年2月30日", "2025-13-01", "3月31日", "2025年3月前", "1899-01-01", "2025-3", "尽快"} {
		if got, ok := ParseDeadline(bad); ok {
			t.Errorf("ParseDeadline(%q) = %+v, want not ok", bad, got)
		}
	}
}

func TestParseDateText(t *testing.T) {
	if d, ok := ParseDateText("2025年9月1日"); !ok || d != (Date{2025, 9, 1}) {
		t.Errorf("got %v %v", d, ok)
	}
	if _, ok := ParseDateText("长期"); ok {
		t.Error("长期 is not a date")
	}
}

func FuzzParseDeadline(f *testing.F) {
	for _, s := range []string{"2025-03-31", "2025年3月底前", "２０２５年底", "长期坚持", "立行立改", "2025/2/29", "20250331", "2025-03-31 08:00", "x年y月"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDeadline(s)
		if !ok {
			return
		}
		if d.Kind == DeadlineOn {
			// A date we accept must be a real day that prints and reads back.
			back, err := ParseISODate(d.Date.String())
			if err != nil || back != d.Date {
				t.Fatalf("ParseDeadline(%q) = %v, does not round-trip: %v", s, d.Date, err)
			}
			again, ok := ParseDeadline(d.String())
			if !ok || again.Date != d.Date {
				t.Fatalf("normalised form %q of %q does not parse back", d.String(), s)
			}
		}
	})
}

func FuzzParseStatus(f *testing.F) {
	for _, s := range []string{"已完成", "已 整改", "整改中。", "长期", "搁置", "ＡＢＣ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, ok := ParseStatus(s)
		if !ok {
			return
		}
		if !st.Valid() {
			t.Fatalf("ParseStatus(%q) = %q, not canonical", s, st)
		}
		if again, ok := ParseStatus(string(st)); !ok || again != st {
			t.Fatalf("canonical %q does not parse to itself", st)
		}
	})
}

func FuzzMatchHeader(f *testing.F) {
	for _, s := range []string{"序号", "巡察反馈\n问题", "整改时限（年月日）", "*整改状态", "【备注】", "(", "整改进展情况)",
		"整改时限（请填写具体日期，如2025年3月31日；长期坚持的事项填写“长期坚持”；立行立改的事项填写“立行立改”；以集中整改期为限的填写“集中整改期内”）"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := MatchHeader(s)
		if ok && (c < 0 || c >= NumColumns) {
			t.Fatalf("MatchHeader(%q) = %d, out of range", s, c)
		}
		// A bracketed remark after a canonical name never changes the column
		// (up to the bound on a header cell's length).
		if strings.ContainsAny(width.Fold.String(s), "()[]【】〔〕") || len(s) > maxHeaderBytes-64 {
			return
		}
		for _, col := range Columns() {
			if got, ok := MatchHeader(col.Name() + "（" + s + "）"); !ok || got != col {
				t.Fatalf("MatchHeader(%q) = %v, %v; want %v", col.Name()+"（"+s+"）", got, ok, col)
			}
		}
	})
}

func FuzzParseSeq(f *testing.F) {
	for _, s := range []string{"(1)", "1.", "３", "1、", "（12）", "1.0", "一", "()", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeSeq(s)
		if NormalizeSeq(n) != n {
			t.Fatalf("NormalizeSeq not idempotent: %q -> %q -> %q", s, n, NormalizeSeq(n))
		}
	})
}

func TestMatchHeaderSpellingsOfIssue10(t *testing.T) {
	for h, want := range map[string]Column{
		"存在的问题": ColProblem, "整改进度": ColProgress, "责任主体": ColUnit,
		"完成时间节点": ColDeadline, "计划完成时间": ColDeadline, "计划完成时间（年月日）": ColDeadline,
		"预计完成时间节点": ColDeadline, "实际完成时间": ColDone, "完成时间": ColDone,
	} {
		if got, ok := MatchHeader(h); !ok || got != want {
			t.Errorf("%s: got %v %v, want %v", h, got, ok, want)
		}
	}
}
