package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/workbook"
)

// TestFieldsAreTheWorkbooksFigures: every figure placeholder `fields`
// lists for the sample inbox is the figure 汇总台账.xlsx's 统计 shows for
// the town (合计) and for each village, as LibreOffice or Excel display it.
func TestFieldsAreTheWorkbooksFigures(t *testing.T) {
	dir := copySamples(t)
	if code, _, errs := run(t, "build", dir, "-q"); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errs)
	}
	code, out, errs := run(t, "fields", dir, "--json")
	if code != 0 {
		t.Fatalf("fields: exit %d: %s", code, errs)
	}
	var doc struct {
		Fields []fieldJSON `json:"fields"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	value := map[string]string{}
	for _, f := range doc.Fields {
		value[f.Placeholder] = f.Value
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "out", "汇总台账.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(workbook.SheetStats)
	if err != nil {
		t.Fatal(err)
	}
	suffixes := []string{"任务数", "已完成数", "基本完成数", "持续整改数", "长期坚持数", "逾期数", "完成率"}
	checked := 0
	for _, r := range rows[1:] {
		if len(r) < 8 {
			break // the village table ends at its 合计 row
		}
		name, prefix := r[0], r[0]
		if name == workbook.TotalLabel {
			prefix = ""
		}
		for i, s := range suffixes {
			ph := "【" + prefix + s + "】"
			if prefix == "" && s == "任务数" {
				ph = "【全镇任务数】"
			}
			got, ok := value[ph]
			if !ok {
				t.Errorf("fields lists no %s", ph)
				continue
			}
			if got != r[i+1] {
				t.Errorf("%s = %s, 统计 shows %s for %s", ph, got, r[i+1], name)
			}
			checked++
		}
		if name == workbook.TotalLabel {
			break
		}
	}
	if checked != 10*len(suffixes) {
		t.Errorf("checked %d figures, want the nine villages' and the town's (%d)", checked, 10*len(suffixes))
	}
	// And the human listing shows them in Chinese.
	_, text, _ := run(t, "fields", dir)
	for _, want := range []string{"【完成率】", value["【完成率】"], "【大布村完成率】", "【进展】", "（暂无）", "通报正文（通报正文.txt）里的占位符都有数值"} {
		if !strings.Contains(text, want) {
			t.Errorf("fields output lacks %q:\n%s", want, text)
		}
	}
}

// TestBuildStopsAtABadPlaceholder: an unknown placeholder and one with no
// value in this build each stop the build with their message, and nothing
// is written.
func TestBuildStopsAtABadPlaceholder(t *testing.T) {
	for text, want := range map[string]string{
		"一、总体情况\n全镇整改完成率【完成律】。\n": "通报正文.txt第2行：【完成律】不是可用的数字，是不是【完成率】？",
		"一、总体情况\n与上期相比，【进展】。\n":   "通报正文.txt第2行：【进展】这一次没有数值",
	} {
		dir := copySamples(t)
		if err := os.WriteFile(filepath.Join(dir, "通报正文.txt"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errs := run(t, "build", dir, "-q")
		if code == 0 || !strings.Contains(errs, want) {
			t.Errorf("%q: exit %d, stderr %s; want %q", text, code, errs, want)
		}
		if _, err := os.Stat(filepath.Join(dir, "out", "通报.pdf")); !os.IsNotExist(err) {
			t.Errorf("%q: 通报.pdf written although the build stopped", text)
		}
		// fields says so before the clerk builds.
		if code, out, _ := run(t, "fields", dir); code != ExitProblems || !strings.Contains(out, want) {
			t.Errorf("fields on %q: exit %d, want %d and %q in:\n%s", text, code, ExitProblems, want, out)
		}
	}
}
