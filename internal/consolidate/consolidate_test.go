package consolidate

import (
	"testing"

	"github.com/taizhang/taizhang/internal/ledger"
)

func TestRateRoundsHalfUpFromExactCounts(t *testing.T) {
	cases := []struct {
		part, whole int
		want        string
	}{
		{190, 197, "96.4%"}, // 96.447…: the reference printed 96.5%
		{120, 197, "60.9%"}, // 60.913…
		{56, 176, "31.8%"},  // 31.818…: the reference printed 31.81%
		{65, 176, "36.9%"},  // 36.931…
		{55, 176, "31.3%"},  // 31.25: exactly half rounds up
		{1, 8, "12.5%"},     // 12.5 exactly
		{1, 16, "6.3%"},     // 6.25: half rounds up
		{1, 3, "33.3%"},
		{2, 3, "66.7%"},
		{0, 0, "0.0%"},
		{7, 7, "100.0%"},
	}
	for _, c := range cases {
		if got := Rate(c.part, c.whole).String(); got != c.want {
			t.Errorf("Rate(%d, %d) = %s, want %s", c.part, c.whole, got, c.want)
		}
	}
}

func TestSharesSumToExactlyHundred(t *testing.T) {
	cases := []struct {
		counts []int
		want   []string
	}{
		// 31.818 + 36.932 + 31.250 rounded separately gives 31.8+36.9+31.3 = 100.0,
		// but 1/3 each would give 99.9: the largest remainder hands out the tenth.
		{[]int{56, 65, 55}, []string{"31.8%", "36.9%", "31.3%"}},
		{[]int{1, 1, 1}, []string{"33.4%", "33.3%", "33.3%"}},
		{[]int{2, 1, 0}, []string{"66.7%", "33.3%", "0.0%"}},
		{[]int{0, 0}, []string{"0.0%", "0.0%"}},
		{[]int{1, 1, 1, 1, 1, 1, 1}, []string{"14.3%", "14.3%", "14.3%", "14.3%", "14.3%", "14.3%", "14.2%"}},
	}
	for _, c := range cases {
		got := Shares(c.counts)
		sum := 0
		for i, p := range got {
			sum += int(p)
			if p.String() != c.want[i] {
				t.Errorf("Shares(%v)[%d] = %s, want %s", c.counts, i, p, c.want[i])
			}
		}
		total := 0
		for _, n := range c.counts {
			total += n
		}
		if total > 0 && sum != 1000 {
			t.Errorf("Shares(%v) sums to %d tenths, want 1000", c.counts, sum)
		}
	}
}

func TestPoints(t *testing.T) {
	if got := Percent(964).Points(609); got != "35.5个百分点" {
		t.Errorf("Points = %q", got)
	}
	if got := Percent(500).Points(525); got != "-2.5个百分点" {
		t.Errorf("Points = %q", got)
	}
}

func item(village, cat string, st ledger.Status, deadline ledger.Date) ledger.Item {
	it := ledger.Item{Village: village, Category: cat, Status: st}
	if !deadline.IsZero() {
		it.Deadline = ledger.Deadline{Kind: ledger.DeadlineOn, Date: deadline}
	} else {
		it.Deadline = ledger.Deadline{Kind: ledger.DeadlineLongTerm}
	}
	return it
}

func TestSummarizeCountsPerTownVillageAndCategory(t *testing.T) {
	asOf := ledger.NewDate(2025, 9, 12)
	villages := []ledger.Village{{Name: "圩仔社区", Org: "甲"}, {Name: "大布村", Org: "乙"}, {Name: "桥头村", Org: "丙"}}
	items := []ledger.Item{
		item("大布村", "党建", ledger.StatusDone, ledger.NewDate(2025, 3, 31)),
		item("大布村", "党建", ledger.StatusOngoing, ledger.NewDate(2025, 6, 30)), // overdue
		item("大布村", "三资", ledger.StatusMostly, ledger.NewDate(2025, 9, 19)),  // due in 7 days
		item("圩仔社区", "三资", ledger.StatusLongTerm, ledger.Date{}),             // long term: never overdue
		item("圩仔社区", "", ledger.StatusOngoing, ledger.NewDate(2025, 9, 20)),  // 8 days: not due soon
		item("圩仔社区", "党建", ledger.StatusDone, ledger.NewDate(2025, 1, 1)),    // done late is not overdue
	}
	s := Summarize(items, villages, asOf)
	want := Counts{Tasks: 6, Done: 2, Mostly: 1, Ongoing: 2, LongTerm: 1, Overdue: 1, DueSoon: 1}
	if s.Town != want {
		t.Errorf("town = %+v, want %+v", s.Town, want)
	}
	if len(s.Villages) != 3 || s.Villages[0].Village.Name != "圩仔社区" || s.Villages[2].Tasks != 0 {
		t.Fatalf("villages not in config order with empty ones kept: %+v", s.Villages)
	}
	if v, _ := s.Village("大布村"); v.Tasks != 3 || v.Done != 1 || v.Overdue != 1 || v.DueSoon != 1 || v.Rate().String() != "33.3%" {
		t.Errorf("大布村 = %+v rate %s", v.Counts, v.Rate())
	}
	names := []string{}
	for _, c := range s.Categories {
		names = append(names, c.Category)
	}
	if len(names) != 3 || names[0] != "党建" || names[1] != "三资" || names[2] != UncategorizedName {
		t.Errorf("categories = %v", names)
	}
	if got := s.Town.Unfinished(); got != 4 {
		t.Errorf("unfinished = %d", got)
	}
}

func TestOrderKeepsConfigOrderThenRows(t *testing.T) {
	villages := []ledger.Village{{Name: "圩仔社区"}, {Name: "大布村"}}
	items := []ledger.Item{
		{Village: "大布村", Seq: "2", Source: ledger.Source{File: "b.xlsx", Row: 5}},
		{Village: "外村", Seq: "1", Source: ledger.Source{File: "x.xlsx", Row: 3}},
		{Village: "圩仔社区", Seq: "1", Source: ledger.Source{File: "a.xlsx", Row: 9}},
		{Village: "大布村", Seq: "1", Source: ledger.Source{File: "b.xlsx", Row: 4}},
	}
	if Ordered(items, villages) {
		t.Error("Ordered says yes before Order")
	}
	Order(items, villages)
	if !Ordered(items, villages) {
		t.Error("Ordered says no after Order")
	}
	got := ""
	for _, it := range items {
		got += it.Village + it.Seq + " "
	}
	if got != "圩仔社区1 大布村1 大布村2 外村1 " {
		t.Errorf("order = %q", got)
	}
}
