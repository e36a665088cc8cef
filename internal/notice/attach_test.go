package notice

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
)

// TestRateOfNoTasks: a group with no tasks has no rate, printed "—", not
// a 0.0% that would say nothing was done.
func TestRateOfNoTasks(t *testing.T) {
	cfg := testConfig()
	d := NewData(cfg, nil, nil, nil)
	if got := d.Town.Rate(); got != NoRate {
		t.Errorf("town with no tasks: Rate = %q, want %q", got, NoRate)
	}
	if v, _ := d.Village("大布村"); v.Rate() != NoRate {
		t.Errorf("village with no tasks: Rate = %q, want %q", v.Rate(), NoRate)
	}
	got, err := execNarrative("通报正文.txt", "一、总体情况\n完成率{{.Town.Rate}}，大布村{{(.Village \"大布村\").Rate}}。", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "完成率—，大布村—。") || strings.Contains(got, "0.0%") {
		t.Errorf("narrative = %q, want the rates as —", got)
	}
	if d := testData(t); d.Town.Rate() != "57.1%" {
		t.Errorf("town rate = %q, want 57.1%%", d.Town.Rate())
	}
}

// TestDeadlinePrintedAsWritten: a deadline the village wrote as text is
// printed as written, while its date still counts overdue; a date cell is
// printed in the official form. Both dates fit their columns on two lines.
func TestDeadlinePrintedAsWritten(t *testing.T) {
	cfg := testConfig()
	items := testItems()
	month, ok := ledger.ParseDeadline("2025年10月底前")
	if !ok {
		t.Fatal("2025年10月底前 does not parse")
	}
	items[3].Deadline = month
	items[3].Status = ledger.StatusOngoing
	items[4].Deadline = ledger.Deadline{Kind: ledger.DeadlineOn, Date: ledger.NewDate(2025, time.October, 28)}
	items[4].Done = ledger.NewDate(2025, time.October, 28)
	items[6].Deadline, _ = ledger.ParseDeadline("立行立改")
	if !items[3].Overdue(ledger.NewDate(2025, time.November, 3)) {
		t.Error("a text deadline's date does not count overdue")
	}
	consolidate.Order(items, cfg.Villages)
	in := Input{Config: cfg, Items: items}
	var buf bytes.Buffer
	if _, err := Village(&buf, in, "大布村"); err != nil {
		t.Fatal(err)
	}
	pdf := readDoc(t, buf.Bytes(), "时限.pdf")
	raw := pdf.raw(t, 1)
	for _, want := range []string{"2025年10月底前", "立行立改"} {
		if !strings.Contains(raw, want) {
			t.Errorf("ledger lacks the deadline as written %q", want)
		}
	}
	if strings.Contains(raw, "10月31日") {
		t.Error("2025年10月底前 was rewritten as a date")
	}
	// "2025年" over "10月28日", each line whole, in both date columns.
	lines := strings.Split(pdftotext(t, "-raw", pdf.path, "-"), "\n")
	n := 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "10月28日" {
			n++
		}
	}
	if n < 2 {
		t.Errorf("10月28日 is on a line of its own %d times, want 2 (整改时限 and 完成时间):\n%s", n, strings.Join(lines, "\n"))
	}
}
