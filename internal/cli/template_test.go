package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/form"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pipeline"
)

// TestHandFilledTemplatePassesCheck fills a blank template the way a
// village clerk types it and checks it: no error, no warning.
func TestHandFilledTemplatePassesCheck(t *testing.T) {
	dir, cfg := newWorkspace(t)
	chdir(t, dir)
	path := filepath.Join(dir, "大布村整改台账.xlsx")
	var out bytes.Buffer
	if err := runTemplate(&Streams{Out: &out}, &TemplateOptions{Village: "大布村", Output: path}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	rows := [][]any{
		{1, "党的创新理论学习方面", "“第一议题”制度落实不到位。", "建立会前审核议题制度。", "李明", "村党委", "王芳", day(2025, 3, 31), "已制定制度并执行。", "已完成", day(2025, 3, 20), "会议记录", ""},
		{2, "党的创新理论学习方面", "学习与工作结合不紧。", "结合重点工作开展研讨。", "李明", "村党委", "王芳", "长期坚持", "每季度研讨一次。", "长期坚持", nil, "", ""},
		{3, "推动村发展方面", "集体经济收入来源单一。", "盘活闲置资产。", "陈刚", "村经联社", "赵强", "2025年12月底前", "已完成资产清查，正在招租。", "持续整改", nil, "", ""},
	}
	for i, r := range rows {
		if err := f.SetSheetRow(form.Sheet, "A"+strconv.Itoa(form.FirstRow+i), &r); err != nil {
			t.Fatal(err)
		}
	}
	f.SetCellValue(form.Sheet, "K2", day(2025, 9, 5))
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rep, err := pipeline.Check([]string{path}, cfg, ledger.NewDate(2025, 9, 12))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range rep.Diagnostics {
		t.Errorf("diagnostic: %s", d)
	}
	if len(rep.Items) != 3 || rep.Files[0].Village != "大布村" {
		t.Errorf("items %d, village %q", len(rep.Items), rep.Files[0].Village)
	}
}

// TestRoundTripBuildTemplateCheck: build → template --from → check gives
// back every task with every field equal.
func TestRoundTripBuildTemplateCheck(t *testing.T) {
	dir, cfg := newWorkspace(t)
	chdir(t, dir)
	its := tasks("大布村", 6)
	its[1].Note = "按季度"
	its[3].Evidence = "照片、会议记录"
	its[4].Deadline = ledger.Deadline{Kind: ledger.DeadlineImmediate, Text: "立行立改"}
	its[5].Progress = "第一阶段：完成清查。\n第二阶段：公开招租。"
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx"), "大布村", its)
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "圩仔社区整改台账.xlsx"), "圩仔社区", tasks("圩仔社区", 2))
	var out, errb bytes.Buffer
	if err := runBuild(context.Background(), &Streams{Out: &out, Err: &errb}, &BuildOptions{Dir: dir, Quiet: true}); err != nil {
		t.Fatalf("build: %v\n%s", err, errb.String())
	}
	snap := filepath.Join(cfg.OutDir(), pipeline.SnapshotName)
	next := filepath.Join(t.TempDir(), "下发", "大布村整改台账.xlsx")
	if err := runTemplate(&Streams{Out: &out}, &TemplateOptions{Village: "大布村", From: snap, Output: next}); err != nil {
		t.Fatal(err)
	}
	then, err := compare.LoadSnapshot(snap)
	if err != nil {
		t.Fatal(err)
	}
	built := then.Items
	rep, err := pipeline.Check([]string{next}, cfg, cfg.BuildAsOf())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range rep.Diagnostics {
		t.Errorf("diagnostic: %s", d)
	}
	var want []ledger.Item
	for _, it := range built {
		if it.Village == "大布村" {
			want = append(want, it)
		}
	}
	if len(want) != 6 || len(rep.Items) != len(want) {
		t.Fatalf("snapshot has %d 大布村 tasks, template read back %d", len(want), len(rep.Items))
	}
	for i := range want {
		if a, b := fields(want[i]), fields(rep.Items[i]); a != b {
			t.Errorf("task %d changed:\n got %s\nwant %s", i+1, b, a)
		}
	}

	// --all writes one per village.
	all := t.TempDir()
	if err := runTemplate(&Streams{Out: &out}, &TemplateOptions{All: true, From: snap, Output: all}); err != nil {
		t.Fatal(err)
	}
	for _, v := range cfg.Villages {
		if _, err := os.Stat(filepath.Join(all, form.FileName(v.Name))); err != nil {
			t.Error(err)
		}
	}
}

func TestTemplateUnknownVillageIsAUsageError(t *testing.T) {
	dir, _ := newWorkspace(t)
	chdir(t, dir)
	err := runTemplate(&Streams{Out: &bytes.Buffer{}}, &TemplateOptions{Village: "不存在村"})
	if exitCode(err) != ExitUsage {
		t.Errorf("err = %v", err)
	}
}

// fields is an item as JSON without where it was read.
func fields(it ledger.Item) string {
	it.Source = ledger.Source{}
	b, _ := json.Marshal(it)
	return string(b)
}

func chdir(t *testing.T, dir string) {
	t.Helper()
	t.Chdir(dir)
}

// TestTemplateFromABadFileSaysWhyInChinese: a --from file that is not a
// 汇总台账.json is a usage error a clerk can read, not a Go decoder message.
func TestTemplateFromABadFileSaysWhyInChinese(t *testing.T) {
	dir, _ := newWorkspace(t)
	chdir(t, dir)
	bad := filepath.Join(dir, "汇总台账.json")
	if err := os.WriteFile(bad, []byte("这不是JSON"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := run(t, "template", "--village", "大布村", "--from", bad, "-o", "x.xlsx")
	if code != ExitUsage || !strings.Contains(errs, "不是有效的JSON") || strings.Contains(errs, "invalid character") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	code, _, errs = run(t, "template", "--village", "大布村", "--from", filepath.Join(dir, "没有这个文件.json"), "-o", "x.xlsx")
	if code != ExitUsage || !strings.Contains(errs, "找不到") || strings.Contains(errs, "no such file") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// TestTemplateNeverOverwritesAReceivedLedger: `template --all -o 收件箱`
// in an inbox that already holds a village's ledger writes nothing at all
// and names the file; --force replaces it.
func TestTemplateNeverOverwritesAReceivedLedger(t *testing.T) {
	dir, cfg := newWorkspace(t)
	chdir(t, dir)
	inbox := cfg.InboxDir()
	received := filepath.Join(inbox, form.FileName("大布村"))
	writeLedger(t, cfg, received, "大布村", tasks("大布村", 3))
	before, err := os.ReadFile(received)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = runTemplate(&Streams{Out: &out}, &TemplateOptions{All: true, Output: inbox})
	if exitCode(err) != ExitUsage {
		t.Fatalf("err = %v, want a usage error", err)
	}
	if msg := err.Error(); !strings.Contains(msg, form.FileName("大布村")) || !strings.Contains(msg, "已经存在") || !strings.Contains(msg, "--force") {
		t.Errorf("message = %q", msg)
	}
	if after, _ := os.ReadFile(received); !bytes.Equal(after, before) {
		t.Fatal("the received ledger was replaced")
	}
	for _, v := range cfg.Villages {
		if v.Name == "大布村" {
			continue
		}
		if _, err := os.Stat(filepath.Join(inbox, form.FileName(v.Name))); err == nil {
			t.Errorf("%s written although the run was refused", form.FileName(v.Name))
		}
	}
	// One village, -o naming an existing file: refused too.
	if err := runTemplate(&Streams{Out: &out}, &TemplateOptions{Village: "大布村", Output: received}); exitCode(err) != ExitUsage {
		t.Errorf("--village onto an existing file: err = %v", err)
	}
	// -o naming a folder, even with --force, is told apart.
	if err := runTemplate(&Streams{Out: &out}, &TemplateOptions{Village: "大布村", Output: inbox, Force: true}); exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "是一个文件夹") {
		t.Errorf("-o a folder: err = %v", err)
	}
	// --force replaces it with the blank form.
	if err := runTemplate(&Streams{Out: &out}, &TemplateOptions{All: true, Output: inbox, Force: true}); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(received); bytes.Equal(after, before) {
		t.Error("--force did not replace the file")
	}
	for _, v := range cfg.Villages {
		if _, err := os.Stat(filepath.Join(inbox, form.FileName(v.Name))); err != nil {
			t.Error(err)
		}
	}
}
