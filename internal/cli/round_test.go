package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/docx"
	"github.com/taizhang/taizhang/internal/form"
	"github.com/taizhang/taizhang/internal/synth"
	"github.com/taizhang/taizhang/internal/watch"
)

// TestWholeRoundOfTheWorkflow runs docs/工作流程.md from a fresh workspace
// to the published set, the way a town clerk goes through it: init, the
// town's own config and narrative, the blank forms, the villages' files
// dropped in the inbox, the watch desk receiving them (driven scan by scan
// on a fake clock, with the real checks and build), one file rejected and
// then fixed, status, a restart of the desk, build, and build --final.
func TestWholeRoundOfTheWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole town several times; skipped with -short")
	}
	root := repoRoot(t)
	dir := filepath.Join(t.TempDir(), "第六轮巡察整改")
	t.Chdir(filepath.Dir(dir))

	// 第一步：建工作文件夹.
	if code, out, errs := run(t, "init", dir); code != ExitOK {
		t.Fatalf("init: exit %d\n%s%s", code, out, errs)
	}
	for _, p := range []string{"taizhang.yaml", "收件箱", "输出", "通报正文.docx", "空白台账/大布村整改台账.xlsx"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Fatalf("init did not make %s: %v", p, err)
		}
	}
	t.Chdir(dir)

	// The clerk writes in the town's own villages, contact details and
	// narrative.
	town, err := synth.SampleTown()
	if err != nil {
		t.Fatal(err)
	}
	writeTownConfig(t, dir, town)
	narrative, err := os.ReadFile(filepath.Join(root, "samples", "通报正文.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// The clerk writes it in WPS over init's 通报正文.docx, a paragraph a line.
	var draft docx.Draft
	for _, line := range strings.Split(strings.TrimSpace(string(narrative)), "\n") {
		draft.Paragraphs = append(draft.Paragraphs, docx.Para{Text: line})
	}
	var doc bytes.Buffer
	if err := docx.Write(&doc, draft); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "通报正文.docx"), doc.Bytes(), 0o644)
	cfg, err := config.Load(filepath.Join(dir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}

	// …then makes the blank forms again: init's two are not overwritten
	// without --force.
	code, _, errs := run(t, "template", "--all", "-o", "空白台账")
	if code != ExitUsage || !strings.Contains(errs, "大布村整改台账.xlsx") || !strings.Contains(errs, "--force") {
		t.Fatalf("template over init's forms: exit %d, %s", code, errs)
	}
	if code, out, errs := run(t, "template", "--all", "-o", "空白台账", "--force"); code != ExitOK {
		t.Fatalf("template --force: exit %d\n%s%s", code, out, errs)
	}
	for _, v := range cfg.Villages {
		f, err := excelize.OpenFile(filepath.Join(dir, "空白台账", form.FileName(v.Name)))
		if err != nil {
			t.Fatal(err)
		}
		title, _ := f.GetCellValue(form.Sheet, "A1")
		f.Close()
		if !strings.HasPrefix(title, v.Org) {
			t.Errorf("%s's form is titled %q", v.Name, title)
		}
	}

	// 第三步：收件. Eight villages send their ledgers; 塘敢村's has a status
	// outside the vocabulary; 桥头村 has not sent yet.
	inbox, out := cfg.InboxDir(), cfg.OutDir()
	var tanggan, qiaotou *synth.Ledger
	for _, l := range town {
		switch l.Village {
		case "塘敢村":
			tanggan = l
			continue
		case "桥头村":
			qiaotou = l
			continue
		}
		if err := synth.Write(filepath.Join(inbox, l.File), l); err != nil {
			t.Fatal(err)
		}
	}
	broken := *tanggan
	broken.Sections = append([]synth.Section(nil), tanggan.Sections...)
	broken.Sections[0].Problems = append([]synth.Problem(nil), tanggan.Sections[0].Problems...)
	broken.Sections[0].Problems[0].Tasks = append([]synth.Task(nil), tanggan.Sections[0].Problems[0].Tasks...)
	broken.Sections[0].Problems[0].Tasks[0].Status = "搁置"
	broken.Sections[0].Problems[0].Tasks[0].Done = ""
	tangganPath := filepath.Join(inbox, tanggan.File)
	if err := synth.Write(tangganPath, &broken); err != nil {
		t.Fatal(err)
	}
	brokenBytes, _ := os.ReadFile(tangganPath)

	// 第四步：watch. The desk runs on a fake clock.
	now := time.Date(2025, 9, 10, 9, 12, 0, 0, time.Local)
	var log bytes.Buffer
	w, release := roundDesk(t, cfg, &log, &now)
	settle(w, &now)
	logs := log.String()
	for _, s := range []string{"退回 " + tanggan.File, "搁置", "已更新 输出：已收 7/9 个村（社区）"} {
		if !strings.Contains(logs, s) {
			t.Errorf("desk log lacks %q:\n%s", s, logs)
		}
	}
	receipts := map[string][]byte{}
	for _, l := range town {
		p := filepath.Join(out, watch.ReceiptDir, l.Village+"-回执.txt")
		b, err := os.ReadFile(p)
		switch l.Village {
		case "塘敢村", "桥头村":
			if err == nil {
				t.Errorf("a receipt for %s, which has not sent a good file", l.Village)
			}
		default:
			if err != nil || !strings.Contains(string(b), "文件："+l.File) || !strings.Contains(string(b), "收到时间：2025年9月10日 09:12") {
				t.Errorf("%s receipt (%v):\n%s", l.Village, err, b)
			}
			receipts[l.Village] = b
		}
	}
	stem := strings.TrimSuffix(tanggan.File, filepath.Ext(tanggan.File))
	rejectText := filepath.Join(out, watch.RejectDir, stem+"-退回说明.txt")
	rejectCopy := filepath.Join(out, watch.RejectDir, stem+"-已批注.xlsx")
	if b, err := os.ReadFile(rejectText); err != nil || !strings.Contains(string(b), "搁置") {
		t.Errorf("rejection text (%v):\n%s", err, b)
	}
	if _, err := os.Stat(rejectCopy); err != nil {
		t.Errorf("no annotated copy: %v", err)
	}
	if b, _ := os.ReadFile(tangganPath); !bytes.Equal(b, brokenBytes) {
		t.Error("the rejected original changed")
	}
	for _, p := range []string{"汇总台账.xlsx", "通报.pdf", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("the desk did not build %s: %v", p, err)
		}
	}

	// 第五步：status names who is missing and who was sent back.
	st := roundStatus(t, "2025-09-10")
	if st.DaysLeft != 2 || strings.Join(st.Missing, ",") != "桥头村" || strings.Join(st.Rejected, ",") != "塘敢村" {
		t.Errorf("status = %+v", st)
	}
	// 第八步 too early: --final refuses and writes nothing.
	final := filepath.Join(out, "公开-2025-09-12")
	code, stdout, errs := run(t, "build", "--final")
	if code != ExitProblems || !strings.Contains(stdout+errs, "桥头村") {
		t.Errorf("--final with a village missing: exit %d\n%s%s", code, stdout, errs)
	}
	if _, err := os.Stat(final); !os.IsNotExist(err) {
		t.Error("--final wrote its folder although it refused")
	}

	// 塘敢村 fixes its file in place, 桥头村 sends its ledger, half an hour on.
	now = now.Add(28 * time.Minute)
	if err := synth.Write(tangganPath, tanggan); err != nil {
		t.Fatal(err)
	}
	if err := synth.Write(filepath.Join(inbox, qiaotou.File), qiaotou); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Minute) // a new mtime on coarse file systems
	os.Chtimes(tangganPath, future, future)
	log.Reset()
	settle(w, &now)
	if !strings.Contains(log.String(), "已更新 输出：已收 9/9 个村（社区）") {
		t.Errorf("desk log after the fixes:\n%s", log.String())
	}
	for _, p := range []string{rejectText, rejectCopy} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there after the file was fixed", filepath.Base(p))
		}
	}
	for _, v := range []string{"塘敢村", "桥头村"} {
		b, err := os.ReadFile(filepath.Join(out, watch.ReceiptDir, v+"-回执.txt"))
		if err != nil || !strings.Contains(string(b), "收到时间：2025年9月10日 09:40") {
			t.Errorf("%s receipt (%v):\n%s", v, err, b)
		}
		receipts[v] = b
	}

	// The desk is restarted the next morning: every receipt keeps its time.
	release()
	now = now.Add(24 * time.Hour)
	log.Reset()
	w, release = roundDesk(t, cfg, &log, &now)
	settle(w, &now)
	release()
	for v, want := range receipts {
		if got, _ := os.ReadFile(filepath.Join(out, watch.ReceiptDir, v+"-回执.txt")); !bytes.Equal(got, want) {
			t.Errorf("restart rewrote %s's receipt:\n%s", v, got)
		}
	}
	// Nothing of the desk's is left in the inbox: no receipt, no state, no
	// staging, no lock.
	var names []string
	ents, _ := os.ReadDir(inbox)
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != len(town) {
		t.Errorf("inbox holds %v, want only the nine ledgers", names)
	}

	st = roundStatus(t, "2025-09-11")
	if len(st.Missing) != 0 || len(st.Rejected) != 0 || st.DaysLeft != 1 {
		t.Errorf("status after every village sent = %+v", st)
	}

	// 第七步：build the working set; 第八步：--final, twice, byte-identical.
	if code, stdout, errs := run(t, "build"); code != ExitOK {
		t.Fatalf("build: exit %d\n%s%s", code, stdout, errs)
	}
	code, stdout, errs = run(t, "build", "--final")
	if code != ExitOK {
		t.Fatalf("build --final: exit %d\n%s%s", code, stdout, errs)
	}
	first := readTree(t, final)
	want := []string{"manifest.json", "通报.pdf", "汇总台账.xlsx", "汇总台账.json"}
	for _, v := range cfg.Villages {
		want = append(want, "台账/"+v.Name+".pdf")
	}
	for _, name := range want {
		if _, ok := first[name]; !ok {
			t.Errorf("the final set lacks %s (has %v)", name, keys(first))
		}
	}
	var manifest struct {
		Inputs []struct{ Path, Village string }
	}
	if err := json.Unmarshal(first["manifest.json"], &manifest); err != nil {
		t.Fatal(err)
	}
	sent := map[string]bool{}
	for _, in := range manifest.Inputs {
		sent[in.Village] = true
	}
	if len(manifest.Inputs) != len(town) || len(sent) != len(town) {
		t.Errorf("the final set was built from %+v", manifest.Inputs)
	}
	var snap struct {
		Items []json.RawMessage `json:"items"`
	}
	json.Unmarshal(first["汇总台账.json"], &snap)
	if n := synthTasks(town); len(snap.Items) != n {
		t.Errorf("the final set holds %d tasks, the villages sent %d", len(snap.Items), n)
	}
	if !bytes.HasPrefix(first["通报.pdf"], []byte("%PDF-")) {
		t.Error("通报.pdf is not a PDF")
	}
	if code, stdout, errs := run(t, "build", "--final"); code != ExitOK {
		t.Fatalf("second build --final: exit %d\n%s%s", code, stdout, errs)
	}
	second := readTree(t, final)
	for name, b := range first {
		if !bytes.Equal(second[name], b) {
			t.Errorf("%s differs between two --final runs on the same inputs", name)
		}
	}
}

// roundDesk starts the watch desk of cfg on the clock at *now, connected
// as Serve connects it (stale rejections swept).
func roundDesk(t *testing.T, cfg *config.Config, log *bytes.Buffer, now *time.Time) (*watch.Watcher, func()) {
	t.Helper()
	w, d, release, err := newDesk(cfg, log, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	w.Now = func() time.Time { return *now }
	d.Now = w.Now
	watch.Connect(w, d)
	return w, release
}

// settle scans until the desk has taken every file and rebuilt.
func settle(w *watch.Watcher, now *time.Time) {
	for i := 0; i < 5; i++ {
		w.Scan()
		*now = now.Add(3 * time.Second)
	}
}

type roundState struct {
	DaysLeft int      `json:"days_left"`
	Missing  []string `json:"missing"`
	Rejected []string `json:"rejected"`
}

func roundStatus(t *testing.T, today string) roundState {
	t.Helper()
	code, out, errs := run(t, "status", "--json", "--today", today)
	if code != ExitOK {
		t.Fatalf("status: exit %d\n%s%s", code, out, errs)
	}
	var st roundState
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	return st
}

// writeTownConfig edits init's config as the clerk does: the town's nine
// villages in attachment order and the town's own contact details.
func writeTownConfig(t *testing.T, dir string, town []*synth.Ledger) {
	t.Helper()
	path := filepath.Join(dir, config.FileName)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	var vs strings.Builder
	vs.WriteString("villages:\n")
	for _, l := range town {
		fmt.Fprintf(&vs, "  - name: %s\n    org: %s\n", l.Village, l.Org)
	}
	villages := regexp.MustCompile(`(?m)^villages:\n(?:[ #].*\n|\n)*?(^\S)`)
	if !villages.MatchString(text) {
		t.Fatalf("init's config has no villages list:\n%s", text)
	}
	text = villages.ReplaceAllString(text, strings.ReplaceAll(vs.String(), "$", "$$")+"$1")
	for old, new := range map[string]string{
		`phone: 0760-86388332`: `phone: 0760-86661122`,
		`sxxcxtb@126.com`:      `sxdzb@example.gov.cn`,
		`景观大道1号镇政府大楼`:          `文昌路8号`,
		`postcode: "528463"`:   `postcode: "528400"`,
	} {
		if !strings.Contains(text, old) {
			t.Fatalf("init's config has no %q", old)
		}
		text = strings.Replace(text, old, new, 1)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func synthTasks(town []*synth.Ledger) int {
	n := 0
	for _, l := range town {
		for _, s := range l.Sections {
			for _, p := range s.Problems {
				n += len(p.Tasks)
			}
		}
	}
	return n
}

// repoRoot is the repository's top folder (where go.mod is).
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatal("no go.mod above " + wd)
		}
	}
}
