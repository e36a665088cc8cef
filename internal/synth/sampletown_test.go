package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/ledger"
)

// samplesDir is the committed sample town.
const samplesDir = "../../samples"

var asOf = ledger.NewDate(2025, 9, 12)

func sampleTown(t *testing.T) []*Ledger {
	t.Helper()
	ls, err := SampleTown()
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// TestSamplesUpToDate regenerates the sample town and compares it byte for
// byte with samples/: run `go run ./cmd/gensamples` after changing the data
// or the writer.
func TestSamplesUpToDate(t *testing.T) {
	dir := t.TempDir()
	paths, err := WriteSampleTown(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range paths {
		want = append(want, filepath.Base(p))
		fresh, _ := os.ReadFile(p)
		committed, err := os.ReadFile(filepath.Join(samplesDir, filepath.Base(p)))
		if err != nil {
			t.Errorf("%v (run go run ./cmd/gensamples)", err)
			continue
		}
		if !bytes.Equal(fresh, committed) {
			t.Errorf("samples/%s is stale: run go run ./cmd/gensamples", filepath.Base(p))
		}
	}
	got, _ := filepath.Glob(filepath.Join(samplesDir, "*.xlsx"))
	for i := range got {
		got[i] = filepath.Base(got[i])
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("samples/ holds %v, the sample town writes %v", got, want)
	}
}

func TestSampleTownDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	pa, err := WriteSampleTown(a)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := WriteSampleTown(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range pa {
		x, _ := os.ReadFile(pa[i])
		y, _ := os.ReadFile(pb[i])
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", filepath.Base(pa[i]))
		}
	}
}

// TestSampleConfig checks samples/taizhang.yaml against the sample town.
func TestSampleConfig(t *testing.T) {
	cfg, err := config.Load(filepath.Join(samplesDir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	ls := sampleTown(t)
	if len(cfg.Villages) != len(ls) {
		t.Fatalf("config has %d villages, the sample town %d", len(cfg.Villages), len(ls))
	}
	for i, l := range ls {
		v := cfg.Villages[i]
		if v.Name != l.Village || v.Org != l.Org {
			t.Errorf("village %d: config %s/%s, data %s/%s", i+1, v.Name, v.Org, l.Village, l.Org)
		}
		if !strings.Contains(l.File, l.Village) {
			t.Errorf("%s: file name %s does not name the village", l.Village, l.File)
		}
	}
	if cfg.Town != "三乡镇" || cfg.Round != "十五届市委第六轮" || cfg.BuildAsOf() != asOf ||
		cfg.DisclosureEnd() != ledger.NewDate(2025, 9, 26) || cfg.Inbox != "" {
		t.Errorf("config = %+v", cfg)
	}
}

var (
	longDigits = regexp.MustCompile(`[0-9０-９]{7,}`)
	asciiPunct = regexp.MustCompile(`[,;:()?!]`)
)

// TestSampleContent holds the sample town to what the brief promises: real
// sizes, a realistic status mix for the disclosure date, a few overdue tasks
// and nothing a check would call an error.
func TestSampleContent(t *testing.T) {
	ls := sampleTown(t)
	var overdue, dueSoon []string
	total := 0
	count := map[ledger.Status]int{}
	for _, l := range ls {
		items, err := l.Items()
		if err != nil {
			t.Fatal(err)
		}
		if n := len(items); n < 25 || n > 45 {
			t.Errorf("%s has %d tasks, want 25–45", l.Village, n)
		}
		total += len(items)
		seqs := map[string]bool{}
		for _, it := range items {
			at := l.Village + " " + it.Seq
			if seqs[it.Seq] {
				t.Errorf("%s: 序号 repeated", at)
			}
			seqs[it.Seq] = true
			count[it.Status]++
			for _, c := range ledger.RequiredColumns {
				if strings.TrimSpace(it.Text(c)) == "" {
					t.Errorf("%s: %s is empty", at, c.Name())
				}
			}
			for _, c := range []ledger.Column{ledger.ColCategory, ledger.ColUnit, ledger.ColPerson, ledger.ColLead} {
				if it.Text(c) == "" && !(c == ledger.ColLead && l.Village == "振华社区") {
					t.Errorf("%s: %s is empty", at, c.Name())
				}
			}
			if n := utf8.RuneCountInString(it.Progress); n < 60 || n > 300 {
				t.Errorf("%s: progress has %d characters, want 60–300: %s", at, n, it.Progress)
			}
			for _, c := range ledger.Columns() {
				s := it.Text(c)
				if c == ledger.ColDone || c == ledger.ColDeadline {
					continue
				}
				if longDigits.MatchString(s) {
					t.Errorf("%s: %s holds a long number: %s", at, c.Name(), s)
				}
				if asciiPunct.MatchString(s) {
					t.Errorf("%s: %s has ASCII punctuation: %s", at, c.Name(), s)
				}
			}
			switch {
			case it.Status == ledger.StatusDone && it.Done.IsZero():
				t.Errorf("%s: 已完成 without 完成时间", at)
			case it.Status != ledger.StatusDone && !it.Done.IsZero():
				t.Errorf("%s: %s with 完成时间", at, it.Status)
			case it.Done.After(asOf):
				t.Errorf("%s: 完成时间 %s after the as-of date", at, it.Done)
			case !it.Done.IsZero() && it.Done.Before(ledger.NewDate(2024, 9, 24)):
				t.Errorf("%s: 完成时间 %s before the inspection", at, it.Done)
			}
			if it.Status == ledger.StatusLongTerm && it.Deadline.Kind != ledger.DeadlineLongTerm {
				t.Errorf("%s: 长期坚持 with deadline %s", at, it.Deadline)
			}
			if it.Status != ledger.StatusDone {
				switch it.Deadline.Kind {
				case ledger.DeadlineOn:
					if it.Deadline.Date.Before(asOf) {
						overdue = append(overdue, at)
					} else if asOf.DaysUntil(it.Deadline.Date) <= 7 {
						dueSoon = append(dueSoon, at)
					}
				case ledger.DeadlineImmediate, ledger.DeadlinePeriod, ledger.DeadlineNone:
					t.Errorf("%s: unfinished with deadline %q", at, it.Deadline)
				}
			}
		}
	}
	if len(overdue) < 2 || len(overdue) > 4 {
		t.Errorf("overdue tasks %v, want 2–4", overdue)
	}
	if len(dueSoon) == 0 {
		t.Error("no task is due soon")
	}
	if count[ledger.StatusDone]*100/total < 70 || count[ledger.StatusMostly] == 0 ||
		count[ledger.StatusOngoing] == 0 || count[ledger.StatusLongTerm] == 0 {
		t.Errorf("status mix %v of %d", count, total)
	}
	t.Logf("%d tasks, %v, overdue %v, due soon %v", total, count, overdue, dueSoon)
}
