package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/ledger"
)

func TestCheckSamplesPassesWithWarnings(t *testing.T) {
	dir := copySamples(t)
	code, out, errs := run(t, "check", "--as-of", "2025-09-12", dir)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.HasSuffix(out, "共检查 9 个文件，读取 263 项整改任务：错误 0 条，警告 4 条。\n") {
		t.Errorf("summary:\n%s", out)
	}
	// Every diagnostic line has the shape 文件:工作表!单元格: 错误|警告: 说明.
	line := regexp.MustCompile(`^[^:]+\.xlsx:[^!]+![A-Z]+[0-9]+: (错误|警告): .+$`)
	// The 读取情况 block lists, per file, what was read and skipped.
	diagLines, reading, _ := strings.Cut(out, "读取情况：\n")
	if strings.Count(reading, "读取工作表“") != 9 {
		t.Errorf("reading block:\n%s", reading)
	}
	for _, l := range strings.Split(strings.TrimSpace(diagLines), "\n") {
		if !strings.HasPrefix(l, "共检查") && !line.MatchString(l) {
			t.Errorf("line not in the check format: %q", l)
		}
	}
}

func TestCheckExitCodes(t *testing.T) {
	dir := copySamples(t)
	bad := filepath.Join(dir, "坏文件.xlsx")
	os.WriteFile(bad, []byte("这不是一个工作簿"), 0o644)

	code, out, _ := run(t, "check", "--as-of", "2025-09-12", dir)
	if code != ExitProblems || !strings.Contains(out, "坏文件.xlsx: 错误: ") {
		t.Errorf("a broken workbook: exit %d\n%s", code, out)
	}
	if code, _, errs := run(t, "check", "--as-of", "2025-13-01", dir); code != ExitUsage || !strings.Contains(errs, "--as-of") {
		t.Errorf("bad --as-of: exit %d, %q", code, errs)
	}
	if code, _, errs := run(t, "check", "--nope", dir); code != ExitUsage || !strings.Contains(errs, "未知的选项") {
		t.Errorf("bad flag: exit %d, %q", code, errs)
	}
	os.WriteFile(filepath.Join(dir, "taizhang.yaml"), []byte("town: 三乡镇\ntonw: x\n"), 0o644)
	if code, _, errs := run(t, "check", dir); code != ExitUsage || !strings.Contains(errs, "taizhang.yaml:2: 未知的配置项“tonw”") {
		t.Errorf("bad config: exit %d, %q", code, errs)
	}
	if code, _, errs := run(t, "check", filepath.Join(dir, "没有这个文件夹")); code != ExitUsage || errs == "" {
		t.Errorf("missing path: exit %d, %q", code, errs)
	}
}

func TestCheckJSONShape(t *testing.T) {
	dir := copySamples(t)
	code, out, _ := run(t, "check", "--json", "--as-of", "2025-09-12", dir)
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Files []struct {
			Path, Village, Sheet, Status string
			Items                        int
		} `json:"files"`
		Diagnostics []map[string]any `json:"diagnostics"`
		Items       []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if len(doc.Files) != 9 || doc.Files[0].Village != "圩仔社区" || doc.Files[0].Status != "accepted" || doc.Files[0].Items == 0 {
		t.Errorf("files = %+v", doc.Files)
	}
	if len(doc.Items) != 263 {
		t.Fatalf("%d items", len(doc.Items))
	}
	it := doc.Items[0]
	for _, key := range []string{"village", "seq", "category", "problem", "measures", "lead", "unit", "person", "deadline", "progress", "status", "done", "evidence", "note", "source"} {
		if _, ok := it[key]; !ok {
			t.Errorf("item lacks %q: %v", key, it)
		}
	}
	src, _ := it["source"].(map[string]any)
	if src["file"] == "" || src["sheet"] == "" || src["row"].(float64) < 2 {
		t.Errorf("source = %v", src)
	}
	d := doc.Diagnostics[0]
	for _, key := range []string{"severity", "code", "file", "sheet", "cell", "row", "column", "message"} {
		if _, ok := d[key]; !ok {
			t.Errorf("diagnostic lacks %q: %v", key, d)
		}
	}
	// Long-term deadlines are "长期"; dates are YYYY-MM-DD.
	dates := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	long := 0
	for _, it := range doc.Items {
		switch dl := it["deadline"].(string); {
		case dl == "长期":
			long++
		case dl == "立行立改" || dl == "集中整改期内":
		case !dates.MatchString(dl):
			t.Errorf("deadline %q", dl)
		}
	}
	if long == 0 {
		t.Error("no long-term deadline in the samples")
	}
}

// TestCheckCountsAgainstTheBuildsDay: with a workspace config, check judges
// dates against the day build does (as_of, else the disclosure date), so a
// file check passes is a file build takes.
func TestCheckCountsAgainstTheBuildsDay(t *testing.T) {
	dir, cfg := newWorkspace(t)
	its := tasks("大布村", 4)
	its[0].Done = ledger.NewDate(2025, 10, 8) // after the disclosure date, 2025-09-12
	path := filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx")
	writeLedger(t, cfg, path, "大布村", its)

	bcode, _, _ := run(t, "build", "-q", dir)
	ccode, out, _ := run(t, "check", "--config", filepath.Join(dir, "taizhang.yaml"), path)
	if bcode != ExitProblems || ccode != bcode || !strings.Contains(out, "晚于统计截止日期2025年9月12日") {
		t.Errorf("build exit %d, check exit %d:\n%s", bcode, ccode, out)
	}
	if code, out, _ := run(t, "check", "--config", filepath.Join(dir, "taizhang.yaml"), "--as-of", "2025-10-31", path); code != ExitOK {
		t.Errorf("--as-of still wins: exit %d\n%s", code, out)
	}
}

func TestCheckTheInboxFindsTheWorkspaceConfig(t *testing.T) {
	_, cfg := newWorkspace(t)
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "外村整改台账.xlsx"), "外村", tasks("外村", 2))
	// Run from inside the workspace, naming only the inbox: the config one
	// folder up is the one whose inbox this is, so 外村 is not one of ours.
	code, out, _ := run(t, "check", cfg.InboxDir())
	if code != ExitProblems || !strings.Contains(out, "外村") || !strings.Contains(out, "错误") {
		t.Errorf("exit %d\n%s", code, out)
	}
}
