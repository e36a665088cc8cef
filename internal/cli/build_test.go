package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pdftest"
)

// copySamples copies the bundled sample town (without any out folder) into
// a fresh temporary workspace.
func copySamples(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "..", "samples")
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if rel == "out" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// run drives the command line as a clerk would, returning the exit code,
// stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// digests maps every file under root (relative path) to its SHA-256.
func digests(t *testing.T, root string) map[string][32]byte {
	t.Helper()
	m := map[string][32]byte{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		m[rel] = sha256.Sum256(b)
		return nil
	})
	return m
}

func sameTree(t *testing.T, what string, a, b map[string][32]byte) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("%s: %d files, then %d", what, len(a), len(b))
	}
	for k, v := range a {
		if w, ok := b[k]; !ok {
			t.Errorf("%s: %s disappeared", what, k)
		} else if v != w {
			t.Errorf("%s: %s changed", what, k)
		}
	}
}

func inputsOnly(m map[string][32]byte) map[string][32]byte {
	out := map[string][32]byte{}
	for k, v := range m {
		if !strings.HasPrefix(k, "out"+string(filepath.Separator)) {
			out[k] = v
		}
	}
	return out
}

func TestBuildSamplesWritesEverythingAndSaysWhere(t *testing.T) {
	dir := copySamples(t)
	before := digests(t, dir)
	code, out, errs := run(t, "build", dir)
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, name := range []string{"汇总台账.xlsx", "汇总台账.json", "manifest.json", "通报.pdf", "台账/大布村.pdf", "台账/桥头村.pdf"} {
		if st, err := os.Stat(filepath.Join(dir, "out", name)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", name, err)
		}
	}
	// The one-paragraph summary a clerk reads, with the figures of the samples.
	for _, want := range []string{"三乡镇截至2025年9月12日", "9 个村（社区）台账", "263 项整改任务", "已完成 223 项", "完成率 84.8%", "逾期 3 项", "文件已写入", "通报.pdf"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	// Warnings are printed in the check format, pointing at real cells.
	if !regexp.MustCompile(`(?m)^南龙社区整改台账\.xlsx:[^!]+![A-Z]+\d+: 警告: 已逾期`).MatchString(out) {
		t.Errorf("no overdue warning line for 南龙社区:\n%s", out)
	}
	sameTree(t, "inputs", inputsOnly(before), inputsOnly(digests(t, dir)))

	// Same inputs, same config: byte-identical outputs.
	first := digests(t, filepath.Join(dir, "out"))
	if code, out, errs := run(t, "build", "--quiet", dir); code != ExitOK || out != "" {
		t.Fatalf("second build: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	sameTree(t, "second build", first, digests(t, filepath.Join(dir, "out")))
}

func TestBuildWithAnErrorLeavesThePreviousOutputsUntouched(t *testing.T) {
	dir := copySamples(t)
	if code, out, errs := run(t, "build", "--quiet", dir); code != ExitOK {
		t.Fatalf("first build: exit %d\n%s%s", code, out, errs)
	}
	before := digests(t, filepath.Join(dir, "out"))

	// A clerk types a status that is not in the vocabulary.
	path := filepath.Join(dir, "大布村整改台账.xlsx")
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sheet, cell := findCell(t, f, "已完成")
	f.SetCellStr(sheet, cell, "搁置")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}

	code, out, errs := run(t, "build", dir)
	if code != ExitProblems {
		t.Fatalf("exit %d, want %d\n%s%s", code, ExitProblems, out, errs)
	}
	wantLine := "大布村整改台账.xlsx:" + sheet + "!" + cell + ": 错误: 整改状态"
	if !strings.Contains(out, wantLine) || !strings.Contains(out, "搁置") {
		t.Errorf("stdout lacks %q:\n%s", wantLine, out)
	}
	if !strings.Contains(errs, "没有生成任何文件") {
		t.Errorf("stderr: %q", errs)
	}
	sameTree(t, "out after a failed build", before, digests(t, filepath.Join(dir, "out")))
}

// findCell returns the first cell (in the ledger sheet) holding exactly v.
func findCell(t *testing.T, f *excelize.File, v string) (string, string) {
	t.Helper()
	for _, sheet := range f.GetSheetList() {
		if vis, _ := f.GetSheetVisible(sheet); !vis {
			continue
		}
		rows, _ := f.GetRows(sheet)
		for r, row := range rows {
			for c, s := range row {
				if s == v {
					cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
					return sheet, cell
				}
			}
		}
	}
	t.Fatalf("no cell holds %q", v)
	return "", ""
}

func TestBuildJSONIsOneDocumentForPrograms(t *testing.T) {
	dir := copySamples(t)
	code, out, errs := run(t, "build", "--json", dir)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		OK          bool                `json:"ok"`
		AsOf        string              `json:"as_of"`
		Outputs     []map[string]any    `json:"outputs"`
		Statistics  map[string]any      `json:"statistics"`
		Diagnostics []ledger.Diagnostic `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
	}
	if !doc.OK || doc.AsOf != "2025-09-12" || len(doc.Outputs) < 13 || doc.Statistics["town"] == nil {
		t.Errorf("doc = %+v", doc)
	}
	if len(doc.Diagnostics) == 0 || doc.Diagnostics[0].Severity != ledger.Warning || doc.Diagnostics[0].Cell == "" {
		t.Errorf("diagnostics = %+v", doc.Diagnostics)
	}
}

func TestPublishedPDFsHoldEveryTaskAndNoPersonalName(t *testing.T) {
	pdftest.Need(t, "pdftotext")
	dir := copySamples(t)
	if code, out, errs := run(t, "build", "--quiet", dir); code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	var snap struct {
		Items []ledger.Item `json:"items"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "out", "汇总台账.json"))
	if err := json.Unmarshal(b, &snap); err != nil || len(snap.Items) != 263 {
		t.Fatalf("snapshot: %v, %d items", err, len(snap.Items))
	}
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
	// -raw keeps drawing order, so a table cell's lines stay together.
	raw := func(path string) string {
		out, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", path, err)
		}
		return squeeze(string(out))
	}
	noticeText := raw(filepath.Join(dir, "out", "通报.pdf"))
	villageText := map[string]string{}
	for _, it := range snap.Items {
		if _, ok := villageText[it.Village]; !ok {
			villageText[it.Village] = raw(filepath.Join(dir, "out", "台账", it.Village+".pdf"))
		}
		for _, field := range []string{it.Problem, it.Measures, it.Progress} {
			want := squeeze(field)
			if !strings.Contains(noticeText, want) {
				t.Errorf("通报.pdf lacks %s row %d text %q", it.Source.File, it.Source.Row, want)
			}
			if !strings.Contains(villageText[it.Village], want) {
				t.Errorf("台账/%s.pdf lacks row %d text %q", it.Village, it.Source.Row, want)
			}
		}
		if it.Person != "" && strings.Contains(noticeText, it.Person) {
			t.Errorf("通报.pdf prints the personal name %q (责任人)", it.Person)
		}
	}
}

func TestBuildSinceTheSampleSnapshotComparesProgress(t *testing.T) {
	pdftest.Need(t, "pdftotext")
	dir := copySamples(t)
	snapshot := filepath.Join(dir, "snapshots", "2025-06-30汇总台账.json")
	code, out, errs := run(t, "build", dir, "--since", snapshot)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "与2025年6月30日相比：完成率从53.6%提高到84.8%。") {
		t.Errorf("stdout lacks the comparison:\n%s", out)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "out", "汇总台账.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if idx, _ := f.GetSheetIndex("进展对比"); idx < 0 {
		t.Errorf("no 进展对比 sheet: %v", f.GetSheetList())
	}
	// The sample narrative asks for the comparison; the notice prints it.
	notice, _ := os.ReadFile(filepath.Join(dir, "out", "通报.pdf"))
	text := strings.Join(strings.Fields(pdftest.Text(t, notice)), "")
	if !strings.Contains(text, "2025年6月30日，全镇整改任务已完成141个，待完成122个；截至目前，已完成223个，待完成40个，完成率从53.6%提高到84.8%。") {
		t.Errorf("notice lacks the comparison sentence")
	}
	var m struct {
		Since string `json:"since"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "out", "manifest.json"))
	if json.Unmarshal(b, &m); m.Since != "snapshots/2025-06-30汇总台账.json" {
		t.Errorf("manifest since = %q", m.Since)
	}
}

func TestAFontThatCannotBeLoadedIsAClearErrorNotAFallback(t *testing.T) {
	dir := copySamples(t)
	f, err := os.OpenFile(filepath.Join(dir, "taizhang.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("fonts:\n  body: 字体/simfang.ttf\n")
	f.Close()
	code, out, errs := run(t, "build", "--quiet", dir)
	if code != ExitUsage || !strings.Contains(errs, "无法读取字体文件") || !strings.Contains(errs, "simfang.ttf") {
		t.Errorf("exit %d\nstdout %q\nstderr %q", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "通报.pdf")); !os.IsNotExist(err) {
		t.Error("a notice was written with a fallback font")
	}
}

// TestBuildStoppedByCtrlCSaysSoInChinese: a build interrupted (Ctrl+C) ends
// with exit 2 and a sentence the clerk reads, not Go's "context canceled".
func TestBuildStoppedByCtrlCSaysSoInChinese(t *testing.T) {
	dir := copySamples(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	err := runBuild(ctx, &Streams{Out: &out, Err: &errb}, &BuildOptions{Dir: dir, Quiet: true})
	if exitCode(err) != ExitUsage || err == nil || strings.Contains(err.Error(), "context") || !strings.Contains(err.Error(), "已停止") {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "通报.pdf")); err == nil {
		t.Error("an interrupted build wrote 通报.pdf")
	}
}

// TestBuildOfNoTasksPrintsNoRate: before any village has reported, the
// summary line gives the rate as —, not 0.0%.
func TestBuildOfNoTasksPrintsNoRate(t *testing.T) {
	dir, _ := newWorkspace(t)
	var out, errb bytes.Buffer
	err := runBuild(context.Background(), &Streams{Out: &out, Err: &errb}, &BuildOptions{Dir: dir})
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errb.String())
	}
	if msg := out.String(); !strings.Contains(msg, "0 项整改任务，已完成 0 项，完成率 —；") {
		t.Errorf("summary:\n%s", msg)
	}
}
