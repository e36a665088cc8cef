package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/docx"
	"github.com/taizhang/taizhang/internal/workspace"
)

func TestFinalRefusesWhenAVillageIsMissing(t *testing.T) {
	dir, cfg := newWorkspace(t)
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx"), "大布村", tasks("大布村", 5))
	var out, errb bytes.Buffer
	err := runBuild(context.Background(), &Streams{Out: &out, Err: &errb}, &BuildOptions{Dir: dir, Final: true})
	if code := exitCode(err); code != ExitProblems {
		t.Fatalf("exit = %d (%v), want %d", code, err, ExitProblems)
	}
	if !strings.Contains(errb.String(), "还有 1 个村（社区）没有报送台账：圩仔社区") {
		t.Errorf("stderr:\n%s", errb.String())
	}
	if _, err := os.Stat(filepath.Join(cfg.OutDir(), "公开-2025-09-12")); !os.IsNotExist(err) {
		t.Error("the dated folder was written although --final refused")
	}
}

func TestFinalRefusesUnacknowledgedPersonalDataThenWritesAReproducibleSet(t *testing.T) {
	dir, cfg := newWorkspace(t)
	its := tasks("大布村", 5)
	its[2].Progress = "已约谈相关人员，联系电话13800138000。"
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx"), "大布村", its)
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "圩仔社区整改台账.xlsx"), "圩仔社区", tasks("圩仔社区", 4))
	writeNarrative(t, cfg)
	run := func() (int, string) {
		var out, errb bytes.Buffer
		err := runBuild(context.Background(), &Streams{Out: &out, Err: &errb}, &BuildOptions{Dir: dir, Final: true})
		return exitCode(err), out.String() + errb.String()
	}
	code, msg := run()
	if code != ExitProblems || !strings.Contains(msg, "可能含有个人信息") || !strings.Contains(msg, "大布村整改台账.xlsx:台账!I6") {
		t.Fatalf("exit %d:\n%s", code, msg)
	}

	// The clerk checks it and acknowledges it in the config.
	cfgPath := filepath.Join(dir, "taizhang.yaml")
	raw, _ := os.ReadFile(cfgPath)
	raw = bytes.Replace(raw, []byte("acknowledged: []"), []byte("acknowledged:\n  - 大布村整改台账.xlsx:台账!I6  # 单位办公电话，可以公开"), 1)
	os.WriteFile(cfgPath, raw, 0o644)
	code, msg = run()
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, msg)
	}
	final := filepath.Join(cfg.OutDir(), "公开-2025-09-12")
	first := readTree(t, final)
	for _, name := range []string{"manifest.json", "通报.pdf", "汇总台账.xlsx", "汇总台账.json", "台账/大布村.pdf"} {
		if _, ok := first[name]; !ok {
			t.Errorf("final set lacks %s (has %v)", name, keys(first))
		}
	}
	if code, msg = run(); code != 0 {
		t.Fatalf("second run: exit %d:\n%s", code, msg)
	}
	second := readTree(t, final)
	for name, b := range first {
		if !bytes.Equal(second[name], b) {
			t.Errorf("%s differs between two runs on the same inputs", name)
		}
	}
	if len(first) != len(second) {
		t.Errorf("files: %v then %v", keys(first), keys(second))
	}
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)], _ = os.ReadFile(p)
		return nil
	})
	return out
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestFinalRefusalIsOneJSONDocumentWithJSON(t *testing.T) {
	dir, cfg := newWorkspace(t)
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx"), "大布村", tasks("大布村", 5))
	var out, errb bytes.Buffer
	err := runBuild(context.Background(), &Streams{Out: &out, Err: &errb}, &BuildOptions{Dir: dir, Final: true, JSON: true})
	if code := exitCode(err); code != ExitProblems {
		t.Fatalf("exit = %d (%v)", code, err)
	}
	var doc struct {
		OK      bool     `json:"ok"`
		Refused []string `json:"refused"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.OK || len(doc.Refused) == 0 || !strings.Contains(doc.Refused[0], "圩仔社区") {
		t.Errorf("stdout %q: %+v %v", out.String(), doc, err)
	}
}

// writeNarrative replaces init's narrative, guidance and all, with the
// town's own words.
func writeNarrative(t *testing.T, cfg *config.Config) {
	t.Helper()
	var d docx.Draft
	for _, p := range []string{"一、党委履行巡察整改主体责任情况", "镇党委召开专题会议研究部署整改工作。",
		"二、巡察反馈重点事项整改落实情况", "截至【统计截止日期】，全镇整改任务【全镇任务数】项，完成率【完成率】。"} {
		d.Paragraphs = append(d.Paragraphs, docx.Para{Text: p})
	}
	var b bytes.Buffer
	if err := docx.Write(&b, d); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg.NarrativePath(), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFinalRefusesInitGuidanceAndSampleContacts: another town's workspace
// made by init still holding the guidance sentences and the sample town's
// issuer and contact details is not published; each is named.
func TestFinalRefusesInitGuidanceAndSampleContacts(t *testing.T) {
	dir, cfg := newWorkspace(t)
	cfgPath := filepath.Join(dir, "taizhang.yaml")
	raw, _ := os.ReadFile(cfgPath)
	os.WriteFile(cfgPath, bytes.Replace(raw, []byte("town: 三乡镇"), []byte("town: 坦洲镇"), 1), 0o644)
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx"), "大布村", tasks("大布村", 5))
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "圩仔社区整改台账.xlsx"), "圩仔社区", tasks("圩仔社区", 4))
	run := func() (int, string) {
		var out, errb bytes.Buffer
		err := runBuild(context.Background(), &Streams{Out: &out, Err: &errb}, &BuildOptions{Dir: dir, Final: true})
		return exitCode(err), out.String() + errb.String()
	}
	code, msg := run()
	if code != ExitProblems {
		t.Fatalf("exit %d, want a refusal:\n%s", code, msg)
	}
	for _, want := range append(workspace.Guidance,
		"taizhang.yaml 的 contact.phone 还是示例三乡镇的联系电话“0760-86388332”",
		"contact.email 还是示例三乡镇的电子邮箱“sxxcxtb@126.com”",
		"contact.address 还是示例三乡镇的邮政信箱地址",
		"issuer 还是示例三乡镇的发文机关",
		"请改成坦洲镇的") {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal does not name %q:\n%s", want, msg)
		}
	}
	// The clerk writes the town's own words and contact details.
	writeNarrative(t, cfg)
	raw, _ = os.ReadFile(cfgPath)
	for _, r := range [][2]string{
		{"0760-86388332", "0760-86658888"}, {"sxxcxtb@126.com", "tzz@example.cn"},
		{"中山市三乡镇景观大道1号镇政府大楼三乡镇党建和组织人事办公室", "中山市坦洲镇政府大楼"},
		{"528463", "528467"}, {"中共中山市三乡镇委员会", "中共中山市坦洲镇委员会"},
	} {
		raw = bytes.ReplaceAll(raw, []byte(r[0]), []byte(r[1]))
	}
	os.WriteFile(cfgPath, raw, 0o644)
	if code, msg := run(); code != 0 {
		t.Fatalf("after the fixes: exit %d:\n%s", code, msg)
	}
}

// TestStatusAndFinalAskTheSameQuestion: status says the workspace is ready
// for build --final only when --final would go ahead — not while init's
// guidance is still in the narrative — and a newer file returned after an
// accepted one is named by its village and file, not counted as errors.
func TestStatusAndFinalAskTheSameQuestion(t *testing.T) {
	dir, cfg := newWorkspace(t)
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx"), "大布村", tasks("大布村", 5))
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "圩仔社区整改台账.xlsx"), "圩仔社区", tasks("圩仔社区", 4))
	status := func() string {
		var out bytes.Buffer
		if err := runStatus(&Streams{Out: &out, Err: &out}, &StatusOptions{Dir: dir, Today: "2025-09-10"}); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	final := func() (int, string) {
		var out, errb bytes.Buffer
		err := runBuild(context.Background(), &Streams{Out: &out, Err: &errb}, &BuildOptions{Dir: dir, Final: true})
		return exitCode(err), out.String() + errb.String()
	}
	msg := status()
	if strings.Contains(msg, "可以运行 taizhang build --final") || !strings.Contains(msg, "生成公开版之前还要处理") ||
		!strings.Contains(msg, workspace.Guidance[0]) {
		t.Errorf("with init's guidance left, status says:\n%s", msg)
	}

	writeNarrative(t, cfg)
	if msg := status(); !strings.Contains(msg, "可以运行 taizhang build --final") {
		t.Errorf("with everything in, status says:\n%s", msg)
	}

	// 大布村 sends a newer file with a mistake in it.
	bad := tasks("大布村", 5)
	bad[1].Status = "搁置"
	newer := filepath.Join(cfg.InboxDir(), "大布村整改台账（修改）.xlsx")
	writeLedger(t, cfg, newer, "大布村", bad)
	later := time.Now().Add(time.Hour)
	os.Chtimes(newer, later, later)
	if msg := status(); strings.Contains(msg, "可以运行 taizhang build --final") {
		t.Errorf("with a returned file, status says:\n%s", msg)
	}
	code, msg := final()
	if code != ExitProblems || !strings.Contains(msg, "大布村新报的“大布村整改台账（修改）.xlsx”被退回") {
		t.Errorf("final: exit %d:\n%s", code, msg)
	}
}
