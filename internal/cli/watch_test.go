package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/form"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/output"
	"github.com/taizhang/taizhang/internal/workspace"
)

// newWorkspace lays out a workspace with init's example config (圩仔社区 and
// 大布村, disclosure 2025-09-12) and returns it loaded.
func newWorkspace(t *testing.T) (string, *config.Config) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "第六轮")
	if _, err := workspace.Init(dir, workspace.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	return dir, cfg
}

// tasks are n clean tasks for a village: no warning as of 2025-09-12.
func tasks(village string, n int) []ledger.Item {
	statuses := []ledger.Status{ledger.StatusDone, ledger.StatusMostly, ledger.StatusOngoing, ledger.StatusLongTerm}
	out := make([]ledger.Item, n)
	for i := range out {
		st := statuses[i%len(statuses)]
		it := ledger.Item{
			Village: village, Seq: strconv.Itoa(i + 1), Category: "党的创新理论学习方面",
			Problem:  "“第一议题”制度落实不到位，学习记录不完整（第" + strconv.Itoa(i+1) + "项）。",
			Measures: "建立会前审核议题制度，每次会议专人记录。", Lead: "李明", Unit: "村党委", Person: "王芳",
			Deadline: ledger.Deadline{Kind: ledger.DeadlineOn, Date: ledger.NewDate(2025, 12, 31)},
			Progress: "已制定议题审核制度，会议记录逐月归档。", Status: st,
		}
		if st == ledger.StatusDone {
			it.Done = ledger.NewDate(2025, 6, 30)
		}
		if st == ledger.StatusLongTerm {
			it.Deadline = ledger.Deadline{Kind: ledger.DeadlineLongTerm, Text: ledger.LongTermText}
		}
		out[i] = it
	}
	return out
}

// writeLedger writes a village's filled-in ledger (a prefilled form) at path.
func writeLedger(t *testing.T, cfg *config.Config, path, village string, items []ledger.Item) {
	t.Helper()
	v, _ := cfg.Village(village)
	if v.Name == "" {
		v = ledger.Village{Name: village}
	}
	if err := output.WriteFile(path, func(w io.Writer) error {
		return form.Write(w, form.Options{Village: v, Round: cfg.Round, Items: items})
	}); err != nil {
		t.Fatal(err)
	}
}

// writeBadLedger writes a ledger whose first task has a status outside the
// vocabulary, in cell J4.
func writeBadLedger(t *testing.T, cfg *config.Config, path, village string) {
	t.Helper()
	v, _ := cfg.Village(village)
	f, err := form.Build(form.Options{Village: v, Round: cfg.Round, Items: tasks(village, 3)})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.SetCellStr(form.Sheet, "J4", "搁置")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func TestSecondWatcherOnTheSameInboxIsRefused(t *testing.T) {
	_, cfg := newWorkspace(t)
	_, _, release, err := newDesk(cfg, io.Discard, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	_, _, _, err = newDesk(cfg, io.Discard, time.Second)
	if err == nil || !strings.Contains(err.Error(), "已经有一个 taizhang watch 在监视") {
		t.Fatalf("second watcher: %v", err)
	}
	// runWatch says the same and stops at once.
	var out, errb bytes.Buffer
	err = runWatch(context.Background(), &Streams{Out: &out, Err: &errb}, &WatchOptions{Dir: filepath.Dir(cfg.Path), Interval: time.Second})
	if code := exitCode(err); code != ExitUsage {
		t.Errorf("runWatch exit = %d (%v)", code, err)
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*ExitError); ok {
		return ee.Code
	}
	return -1
}

// TestWatchDeskEndToEnd drives the watcher's core with the real checks and
// build: a good ledger and a bad one arrive together; the good one is
// receipted and built, the bad one annotated and left untouched; then a
// newer ledger for the same village replaces the older.
// drivenDesk wires watch's desk to the real checks and build on a clock of
// its own: each step moves it 3 seconds on and scans the inbox.
func drivenDesk(t *testing.T, cfg *config.Config, log io.Writer, start time.Time) (step, release func()) {
	t.Helper()
	w, d, release, err := newDesk(cfg, log, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	now := start
	w.Now = func() time.Time { return now }
	d.Now = w.Now
	w.OnReady = func(p []string) {
		for _, a := range d.Take(p) {
			w.Forget(a)
		}
	}
	w.OnIdle = func() { d.Idle() }
	return func() { now = now.Add(3 * time.Second); w.Scan() }, release
}

func TestWatchDeskEndToEnd(t *testing.T) {
	_, cfg := newWorkspace(t)
	inbox, out := cfg.InboxDir(), cfg.OutDir()
	var log bytes.Buffer
	step, release := drivenDesk(t, cfg, &log, time.Date(2025, 9, 10, 9, 12, 0, 0, time.Local))
	defer release()

	good := filepath.Join(inbox, "大布村整改台账.xlsx")
	bad := filepath.Join(inbox, "圩仔社区整改台账.xlsx")
	writeLedger(t, cfg, good, "大布村", tasks("大布村", 6))
	writeBadLedger(t, cfg, bad, "圩仔社区")
	badBytes, _ := os.ReadFile(bad)
	for i := 0; i < 4; i++ {
		step()
	}
	logs := log.String()
	for _, s := range []string{"收到 大布村整改台账.xlsx：6 项任务，已更新通报", "退回 圩仔社区整改台账.xlsx：1 条错误", "已更新 输出：已收 1/2 个村（社区）"} {
		if !strings.Contains(logs, s) {
			t.Errorf("log lacks %q:\n%s", s, logs)
		}
	}
	if b, _ := os.ReadFile(bad); !bytes.Equal(b, badBytes) {
		t.Error("the rejected original changed")
	}
	for _, p := range []string{"回执/大布村-回执.txt", "退回/圩仔社区整改台账-已批注.xlsx", "退回/圩仔社区整改台账-退回说明.txt", "汇总台账.xlsx", "汇总台账.json", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	f, err := excelize.OpenFile(filepath.Join(out, "退回", "圩仔社区整改台账-已批注.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	id, _ := f.GetCellStyle(form.Sheet, "J4")
	st, _ := f.GetStyle(id)
	if len(st.Fill.Color) == 0 || !strings.EqualFold(st.Fill.Color[0], "FF9999") {
		t.Errorf("J4 fill = %+v", st.Fill)
	}
	cm, _ := f.GetComments(form.Sheet)
	if len(cm) != 1 || cm[0].Cell != "J4" {
		t.Errorf("comments = %+v", cm)
	}
	f.Close()
	var manifest struct {
		Inputs []struct{ Path, Village string }
	}
	raw, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	json.Unmarshal(raw, &manifest)
	if len(manifest.Inputs) != 1 || manifest.Inputs[0].Path != "收件箱/大布村整改台账.xlsx" {
		t.Errorf("manifest inputs = %+v, want only the accepted ledger, named as in the inbox", manifest.Inputs)
	}
	// The build read the accepted file where it lies: no staging copy of
	// the inbox or the config, and no bookkeeping in the inbox itself.
	if _, err := os.Stat(filepath.Join(out, ".watch")); err == nil {
		t.Error("a staging inbox was made under the out folder")
	}
	if ents, _ := os.ReadDir(inbox); len(ents) != 2 {
		t.Errorf("the inbox holds %d entries, want the two ledgers only", len(ents))
	}

	// A newer ledger from 大布村: the older goes to 归档/, one rebuild.
	newer := filepath.Join(inbox, "大布村整改台账（9月10日修改）.xlsx")
	writeLedger(t, cfg, newer, "大布村", tasks("大布村", 7))
	later := time.Now().Add(time.Minute)
	os.Chtimes(newer, later, later)
	log.Reset()
	for i := 0; i < 4; i++ {
		step()
	}
	if _, err := os.Stat(good); !os.IsNotExist(err) {
		t.Error("older ledger still in the inbox")
	}
	arch, _ := os.ReadDir(filepath.Join(out, "归档"))
	if len(arch) != 1 || !strings.HasSuffix(arch[0].Name(), "大布村整改台账.xlsx") {
		t.Errorf("archive = %v", arch)
	}
	if !strings.Contains(log.String(), "7 项任务，已更新通报") || strings.Count(log.String(), "已更新 输出") != 1 {
		t.Errorf("log:\n%s", log.String())
	}
}
