package synth

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/check"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/intake"
	"github.com/taizhang/taizhang/internal/ledger"
)

// readerGaps are sample layouts the reader does not handle yet, by village:
// the rows they add after the table are logged instead of failing the test.
// Remove an entry once intake handles it.
var readerGaps = map[string]string{}

// TestIntakeReadsSamples reads samples/ with intake and check as `taizhang
// check samples` does and compares every task, field by field, with what the
// sample data says; the only diagnostics allowed are the overdue and due-soon
// warnings the sample town is built to raise.
func TestIntakeReadsSamples(t *testing.T) {
	cfg, err := config.Load(filepath.Join(samplesDir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	paths, err := intake.Discover([]string{samplesDir})
	if err != nil {
		t.Fatal(err)
	}
	res := intake.ReadAll(paths, intake.Options{Villages: cfg.Villages})
	rep := check.Run(res, check.Options{Config: cfg, AsOf: cfg.BuildAsOf()})

	ls := sampleTown(t)
	want := map[string][]ledger.Item{}
	for _, l := range ls {
		if want[l.Village], err = l.Items(); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string][]ledger.Item{}
	for _, it := range rep.Items {
		got[it.Village] = append(got[it.Village], it)
	}
	lastRow := map[string]int{} // last task row of each village's sheet
	for _, l := range ls {
		g, w := got[l.Village], want[l.Village]
		if len(g) < len(w) || (len(g) > len(w) && readerGaps[l.Village] == "") {
			t.Errorf("%s: read %d tasks, want %d", l.Village, len(g), len(w))
			continue
		}
		if len(g) > len(w) {
			t.Logf("%s: known reader gap (%s): %d extra task(s) from row %d",
				l.Village, readerGaps[l.Village], len(g)-len(w), g[len(w)].Source.Row)
		} else if readerGaps[l.Village] != "" {
			t.Logf("%s: reader gap %q is fixed: remove it from readerGaps", l.Village, readerGaps[l.Village])
		}
		for i := range w {
			for _, c := range ledger.Columns() {
				if a, b := g[i].Text(c), w[i].Text(c); a != b {
					t.Errorf("%s row %d (序号 %s): %s = %q, want %q", l.Village, g[i].Source.Row, w[i].Seq, c.Name(), a, b)
				}
			}
		}
		lastRow[l.Village] = g[len(w)-1].Source.Row
	}

	villageOf := map[string]string{}
	for _, f := range rep.Files {
		villageOf[f.Name] = f.Village
		if f.Village == "" {
			t.Errorf("%s: village not recognised", f.Name)
		}
	}
	codes := map[string]int{}
	for _, d := range rep.Diagnostics {
		v := villageOf[d.File]
		if readerGaps[v] != "" && d.Row > lastRow[v] {
			t.Logf("known reader gap: %s", d)
			continue
		}
		codes[d.Code]++
		if d.Severity == ledger.Error || (d.Code != ledger.CodeOverdue && d.Code != ledger.CodeDueSoon) {
			t.Errorf("unexpected diagnostic: %s", d)
		}
	}
	if codes[ledger.CodeOverdue] != 3 || codes[ledger.CodeDueSoon] != 1 {
		t.Errorf("warnings %v, want 3 overdue and 1 due soon", codes)
	}
}

// TestIntakeReadsTown: the synthetic benchmark town reads with no errors and
// every task found.
func TestIntakeReadsTown(t *testing.T) {
	dir := t.TempDir()
	paths, err := WriteTown(dir, Spec{Villages: 3, Tasks: 120, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	res := intake.ReadAll(paths, intake.Options{Villages: cfg.Villages})
	rep := check.Run(res, check.Options{Config: cfg, AsOf: cfg.BuildAsOf()})
	for _, f := range rep.Files {
		if f.Items != 120 || f.Village == "" {
			t.Errorf("%s: village %q, %d tasks, want 120", f.Name, f.Village, f.Items)
		}
	}
	for _, d := range rep.Diagnostics {
		if d.Severity == ledger.Error {
			t.Errorf("unexpected error: %s", d)
		}
	}
}

// TestIntakeReadsClerksLayouts writes a sample ledger in each of the layouts
// issue 10 met in real inboxes — section rows in every form, 序号 restarting
// per section, a row of column numbers, an Excel Table's total row, hidden
// rows, a stray cell at A60000, problems merged over their measures — and
// reads every task back as the data says, with one warning for the hidden
// rows and nothing else.
func TestIntakeReadsClerksLayouts(t *testing.T) {
	base := sampleTown(t)[5] // 大布村: several sections, problems with several measures
	for _, form := range []string{"", "seq", "seq_merged", "problem"} {
		t.Run("section_form="+form, func(t *testing.T) {
			l := *base
			l.Layout.Category = CategorySection
			l.Layout.Instructions, l.Layout.OldSheet = nil, ""
			l.Layout.SectionForm = form
			l.Layout.SeqPerSection = true
			l.Layout.ColumnNumbers = true
			l.Layout.TotalRow = true
			l.Layout.HideRows = []int{2, 3}
			l.Layout.Stray = "A60000"
			l.Layout.MergeProblems = true
			p := filepath.Join(t.TempDir(), l.Village+".xlsx")
			if err := Write(p, &l); err != nil {
				t.Fatal(err)
			}
			res := intake.Read(p, intake.Options{})
			want, err := l.Items()
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Items) != len(want) {
				t.Fatalf("read %d tasks, want %d: %q", len(res.Items), len(want), res.Diagnostics)
			}
			ones := 0
			for _, it := range want {
				if it.Seq == "1" {
					ones++
				}
			}
			if ones < 2 {
				t.Fatalf("the ledger needs several sections for this test (序号 1 appears %d times)", ones)
			}
			merged := 0
			for i := range want {
				for _, c := range []ledger.Column{ledger.ColSeq, ledger.ColCategory, ledger.ColProblem, ledger.ColMeasures, ledger.ColStatus} {
					if a, b := res.Items[i].Text(c), want[i].Text(c); a != b {
						t.Errorf("row %d: %s = %q, want %q", res.Items[i].Source.Row, c.Name(), a, b)
					}
				}
				if !res.Items[i].FromSection {
					t.Errorf("row %d: FromSection not set", res.Items[i].Source.Row)
				}
				if res.Items[i].MergedUp.Has(ledger.ColProblem) {
					merged++
				}
			}
			if merged == 0 {
				t.Error("no task has its problem merged from above")
			}
			if len(res.Diagnostics) != 1 || res.Diagnostics[0].Code != ledger.CodeHiddenRows || !strings.Contains(res.Diagnostics[0].Message, "有2行被隐藏") {
				t.Errorf("diagnostics %q", res.Diagnostics)
			}
		})
	}
}

// TestIntakeReadsLatestMonth: last month's sheet kept visible before this
// month's is not read; a warning names it.
func TestIntakeReadsLatestMonth(t *testing.T) {
	l := *sampleTown(t)[5]
	l.Layout.OldSheet, l.Layout.OldVisible, l.Layout.Sheet = "6月", true, "9月更新"
	l.Layout.Instructions = nil
	p := filepath.Join(t.TempDir(), l.Village+".xlsx")
	if err := Write(p, &l); err != nil {
		t.Fatal(err)
	}
	res := intake.Read(p, intake.Options{})
	want, _ := l.Items()
	if len(res.Items) != len(want) || res.Items[0].Source.Sheet != "9月更新" {
		t.Fatalf("read %d tasks from %q, want %d from 9月更新", len(res.Items), res.File.Sheet, len(want))
	}
	found := false
	for _, d := range res.Diagnostics {
		found = found || (d.Code == ledger.CodeSheetChoice && d.Severity == ledger.Warning && strings.Contains(d.Message, "“6月”"))
	}
	if !found {
		t.Errorf("no warning naming 6月: %q", res.Diagnostics)
	}
}

// TestIntakeReadsCombinedWorkbook: one sheet per village, each village's
// tasks as its data says, nothing missing.
func TestIntakeReadsCombinedWorkbook(t *testing.T) {
	cfg, err := config.Load(filepath.Join(samplesDir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	town := sampleTown(t)
	ls := []*Ledger{town[5], town[6], town[7]}
	p := filepath.Join(t.TempDir(), "第二片区台账汇总.xlsx")
	if err := WriteCombined(p, ls); err != nil {
		t.Fatal(err)
	}
	res := intake.Read(p, intake.Options{Villages: cfg.Villages})
	rep := check.Run([]*intake.Result{res}, check.Options{Config: cfg, AsOf: cfg.BuildAsOf(), Complete: true})
	got := map[string]int{}
	for _, it := range rep.Items {
		got[it.Village]++
	}
	for _, l := range ls {
		want, _ := l.Items()
		if got[l.Village] != len(want) {
			t.Errorf("%s: %d tasks, want %d", l.Village, got[l.Village], len(want))
		}
		for _, d := range rep.Diagnostics {
			if d.Code == ledger.CodeMissingVillage && strings.HasPrefix(d.Message, l.Village) {
				t.Errorf("%s reported missing", l.Village)
			}
			if d.Severity == ledger.Error {
				t.Errorf("%s", d)
			}
		}
	}
}

// TestIntakeSkipsTheWorkedExample: a 填表说明 sheet placed first, with the
// full header and a 示例 row, is not the ledger, and says so.
func TestIntakeSkipsTheWorkedExample(t *testing.T) {
	l := *sampleTown(t)[5]
	l.Layout.Instructions = []string{"一、请按表头逐项填写。", "二、示例如下。"}
	l.Layout.Example = true
	l.Layout.OldSheet = ""
	p := filepath.Join(t.TempDir(), l.Village+".xlsx")
	if err := Write(p, &l); err != nil {
		t.Fatal(err)
	}
	res := intake.Read(p, intake.Options{})
	want, _ := l.Items()
	if len(res.Items) != len(want) {
		t.Fatalf("read %d tasks, want %d: %q", len(res.Items), len(want), res.Diagnostics)
	}
	for _, it := range res.Items {
		if strings.Contains(it.Problem, "示例") {
			t.Errorf("the example was read as a task: %+v", it.Source)
		}
	}
	if s := res.File.Sheets[0]; s.Sheet != "填表说明" || s.Read || !strings.Contains(s.Reason, "示例") {
		t.Errorf("sheets %+v", res.File.Sheets)
	}
}
