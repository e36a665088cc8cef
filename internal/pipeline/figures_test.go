package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/workbook"
)

// The 校验 sheet lists every warning of the build, the notice's included
// (a synthetic town has no narrative, so the notice warns of it): the
// workbook and the CLI summary must give the same number of warnings.
func TestWorkbookListsEveryWarningOfTheBuild(t *testing.T) {
	cfg := town(t, 2, 5)
	res := build(t, cfg, cfg.BuildAsOf())
	if res.Warnings() == 0 {
		t.Fatal("the synthetic town should give at least the narrative warning")
	}
	rows := checkRows(t, res)
	listed := map[string]bool{}
	for _, r := range rows[1:] {
		if len(r) >= 8 {
			listed[r[7]+r[6]] = true // 代码 and 问题
		}
	}
	for _, d := range res.Diagnostics {
		if !listed[d.Code+d.Message] {
			t.Errorf("校验 does not list the warning %s: %s", d.Code, d.Message)
		}
	}
	if got := len(listed); got != res.Warnings() {
		t.Errorf("校验 lists %d warnings, the build reports %d", got, res.Warnings())
	}
}

// TestBuildSaysWhichFaces: the build tells which face each role of the
// notices used (here, with no official faces on the machine, the embedded).
func TestBuildSaysWhichFaces(t *testing.T) {
	cfg := town(t, 2, 3)
	res := build(t, cfg, cfg.BuildAsOf())
	if !strings.Contains(res.Fonts, "正文 ") || !strings.Contains(res.Fonts, "黑体 ") {
		t.Errorf("Result.Fonts = %q, want each role's face", res.Fonts)
	}
}

// TestFinalRefusesAMissingCharacter: the disclosure-day set is refused,
// nothing written, while a character no font has is in it; acknowledged,
// it is built.
func TestFinalRefusesAMissingCharacter(t *testing.T) {
	cfg := town(t, 2, 3)
	if err := os.WriteFile(cfg.NarrativePath(), []byte("一、总体情况\n镇党委在\U000323AF村召开整改推进会。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "公开")
	_, err := Build(context.Background(), Options{Config: cfg, AsOf: cfg.BuildAsOf(), OutDir: out, Final: true})
	if err == nil || !strings.Contains(err.Error(), "U+323AF") {
		t.Fatalf("err = %v, want a refusal naming U+323AF", err)
	}
	if _, serr := os.Stat(filepath.Join(out, "通报.pdf")); serr == nil {
		t.Error("the refused set was written")
	}
	cfg.Acknowledged = append(cfg.Acknowledged, "通报.pdf")
	if _, err := Build(context.Background(), Options{Config: cfg, AsOf: cfg.BuildAsOf(), OutDir: out, Final: true}); err != nil {
		t.Errorf("acknowledged, the set is still refused: %v", err)
	}
}

// checkRows reads the 校验 sheet of the workbook res published, its header
// row first.
func checkRows(t *testing.T, res *Result) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(filepath.Join(res.OutDir, WorkbookName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(workbook.SheetChecks)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
