package compare_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/intake"
	"github.com/taizhang/taizhang/internal/ledger"
)

var update = flag.Bool("update", false, "rewrite samples/snapshots from the sample workbooks")

// Where the sample town lives, from this package's folder.
const (
	samplesDir   = "../../samples"
	snapshotPath = "../../samples/snapshots/2025-06-30汇总台账.json"
)

// The earlier snapshot mimics the reference's progress: 120 of 197 tasks
// 已完成 in February against 190 in June.
var (
	snapshotDay            = ledger.NewDate(2025, 6, 30)
	thenDone, nowDone      = 120, 190
	snapshotProgressSuffix = "(截至2025年6月底，仍在推进。)"
)

// TestSampleSnapshot keeps samples/snapshots/2025-06-30汇总台账.json in step
// with the sample workbooks: it reads them as a build does, sets tasks back
// to the state of 2025-06-30, and compares with the committed file (go test
// -run SampleSnapshot -update rewrites it). It then checks that comparing
// the samples with it gives the progress the notice needs.
func TestSampleSnapshot(t *testing.T) {
	cfg, err := config.Load(filepath.Join(samplesDir, config.FileName))
	if err != nil {
		t.Skipf("no sample town yet: %v", err)
	}
	paths, err := intake.Discover([]string{cfg.InboxDir()})
	if err != nil || len(paths) == 0 {
		t.Skipf("no sample workbooks yet: %v", err)
	}
	var items []ledger.Item
	var rejected []string
	for _, res := range intake.ReadAll(paths, intake.Options{Villages: cfg.Villages}) {
		if res.File.Rejected {
			for _, d := range res.Diagnostics {
				if d.Severity == ledger.Error {
					rejected = append(rejected, d.String())
				}
			}
		}
		items = append(items, res.Items...)
	}
	if len(rejected) > 0 {
		// A snapshot of broken samples would be wrong: refuse to write
		// one, and leave the samples' own tests to report them.
		msg := "the sample workbooks have errors:\n" + strings.Join(rejected, "\n")
		if *update {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	consolidate.Order(items, cfg.Villages)
	if len(items) == 0 {
		t.Fatal("the sample workbooks gave no tasks")
	}

	then := earlier(items)
	data, err := encodeSnapshot(cfg.Town, then, cfg.Villages)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(snapshotPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(snapshotPath, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	committed, err := os.ReadFile(snapshotPath)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/compare -run SampleSnapshot -update)", err)
	}
	if !bytes.Equal(committed, data) {
		t.Fatalf("%s is out of date with the sample workbooks: run go test ./internal/compare -run SampleSnapshot -update", snapshotPath)
	}

	snap, err := compare.LoadSnapshot(snapshotPath)
	if err != nil {
		t.Fatal(err)
	}
	r := compare.Compare(snap, items, cfg.Villages, cfg.BuildAsOf())
	if r.Matched != len(items) || len(r.New) != 0 || len(r.Removed) != 0 || len(r.Backwards) != 0 || len(r.Diagnostics) != 0 {
		t.Errorf("matched %d of %d, new %d, removed %d, backwards %d", r.Matched, len(items), len(r.New), len(r.Removed), len(r.Backwards))
	}
	if r.Town().ThenRate() >= r.Town().NowRate() {
		t.Errorf("the snapshot shows no progress: %s", r.Sentence())
	}
	t.Logf("%s: %s → %s; %s", cfg.Town, r.Town().ThenText(), r.Town().NowText(), r.Sentence())
}

// earlier turns today's tasks into the list of 2025-06-30: a task finished
// after that day was not finished then, and more of the finished ones are
// set back — the latest finished first, ties by a hash of village and 序号 —
// until 已完成 stands to today's as 120 to 190. 基本完成 was 持续整改 then.
// Set-back tasks lose their 完成时间 and their progress text reads as of
// June, which the matching must tolerate.
func earlier(now []ledger.Item) []ledger.Item {
	then := make([]ledger.Item, len(now))
	copy(then, now)
	var done []int
	for i := range then {
		switch then[i].Status {
		case ledger.StatusDone:
			done = append(done, i)
		case ledger.StatusMostly:
			setBack(&then[i])
		}
	}
	hash := func(it *ledger.Item) uint64 {
		h := fnv.New64a()
		h.Write([]byte(it.Village + "\x00" + it.Seq + "\x00" + it.Problem))
		return h.Sum64()
	}
	sort.SliceStable(done, func(a, b int) bool {
		x, y := &then[done[a]], &then[done[b]]
		if x.Done != y.Done {
			return x.Done.After(y.Done)
		}
		return hash(x) < hash(y)
	})
	keep := (len(done)*thenDone + nowDone/2) / nowDone
	for n, i := range done {
		if n < len(done)-keep || then[i].Done.After(snapshotDay) {
			setBack(&then[i])
		}
	}
	return then
}

func setBack(it *ledger.Item) {
	it.Status = ledger.StatusOngoing
	it.Done = ledger.Date{}
	p := it.Progress
	if i := strings.Index(p, "。"); i >= 0 {
		p = p[:i+len("。")]
	}
	it.Progress = p + snapshotProgressSuffix
}

// encodeSnapshot writes the list as a build writes 汇总台账.json.
func encodeSnapshot(town string, items []ledger.Item, villages []ledger.Village) ([]byte, error) {
	v := struct {
		Town       string               `json:"town"`
		AsOf       ledger.Date          `json:"as_of"`
		Items      []ledger.Item        `json:"items"`
		Statistics *consolidate.Summary `json:"statistics"`
	}{town, snapshotDay, items, consolidate.Summarize(items, villages, snapshotDay)}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
