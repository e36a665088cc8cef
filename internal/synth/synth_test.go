package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var (
	sampleOnce  sync.Once
	sampleDir   string
	samplePaths map[string]string // village → path
	sampleErr   error
)

// openSample writes the sample town once per test run and opens one
// village's workbook.
func openSample(t *testing.T, village string) *excelize.File {
	t.Helper()
	sampleOnce.Do(func() {
		sampleDir = filepath.Join(testTempRoot, "sampletown")
		var paths []string
		paths, sampleErr = WriteSampleTown(sampleDir)
		ls, _ := SampleTown()
		samplePaths = map[string]string{}
		for i, p := range paths {
			samplePaths[ls[i].Village] = p
		}
	})
	if sampleErr != nil {
		t.Fatal(sampleErr)
	}
	f, err := excelize.OpenFile(samplePaths[village])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// testTempRoot is a folder for the whole test run (t.TempDir would be
// removed after the first test that asked for it).
var testTempRoot string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "synth-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testTempRoot = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// merges returns the merged ranges of a sheet as "A1:K1" strings.
func merges(t *testing.T, f *excelize.File, sheet string) []string {
	t.Helper()
	ms, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	return out
}

func cell(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func raw(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func hasMerge(t *testing.T, f *excelize.File, sheet, rng string) {
	t.Helper()
	if !slices.Contains(merges(t, f, sheet), rng) {
		t.Errorf("%s: %s is not merged (merges: %v)", sheet, rng, merges(t, f, sheet))
	}
}

func wantCell(t *testing.T, f *excelize.File, sheet, ref, want string) {
	t.Helper()
	if got := cell(t, f, sheet, ref); got != want {
		t.Errorf("%s!%s = %q, want %q", sheet, ref, got, want)
	}
}

// TestTitleFillAndTwoRowHeader: 圩仔社区 has a title, a 填报单位 line and a
// header over two rows with 责任 spanning three columns and the others
// merged down.
func TestTitleFillAndTwoRowHeader(t *testing.T) {
	f := openSample(t, "圩仔社区")
	const sh = "台账"
	wantCell(t, f, sh, "A1", "中共中山市三乡镇圩仔社区委员会关于十五届市委第六轮对村巡察整改进展情况的台账")
	hasMerge(t, f, sh, "A1:K1")
	if v := cell(t, f, sh, "A2"); !strings.HasPrefix(v, "填报单位：") || !strings.Contains(v, "填报日期：2025年9月5日") {
		t.Errorf("fill line = %q", v)
	}
	hasMerge(t, f, sh, "A2:K2")
	wantCell(t, f, sh, "D3", "责任")
	hasMerge(t, f, sh, "D3:F3")
	for ref, h := range map[string]string{"D4": "责任领导", "E4": "责任单位", "F4": "责任人"} {
		wantCell(t, f, sh, ref, h)
	}
	wantCell(t, f, sh, "G3", "整改时限")
	hasMerge(t, f, sh, "G3:G4")
	hasMerge(t, f, sh, "A3:A4")
	// The first section row and the problem merged over its three measures.
	wantCell(t, f, sh, "A5", "一、学习贯彻党的创新理论方面")
	hasMerge(t, f, sh, "A5:K5")
	hasMerge(t, f, sh, "B6:B8")
	rows, _ := f.GetRows(sh)
	if rows[6][1] != "" {
		t.Errorf("B7 holds %q: a merged range keeps its value in the top-left cell only", rows[6][1])
	}
	wantCell(t, f, sh, "A6", "1")
	// Rows hold their computed heights so wrapped text prints.
	if h, _ := f.GetRowHeight(sh, 6); h < 40 {
		t.Errorf("row 6 height %v: wrapped text needs a stored height", h)
	}
	panes, _ := f.GetPanes(sh)
	if !panes.Freeze || panes.YSplit != 4 {
		t.Errorf("panes = %+v, want frozen below the header", panes)
	}
}

// TestRealDatesAndTextDeadlines: deadlines are real Excel dates with a date
// number format in some villages, the texts clerks type in others.
func TestRealDatesAndTextDeadlines(t *testing.T) {
	f := openSample(t, "圩仔社区")
	// G6: 2025-02-28 as a serial number displayed 2025年2月28日.
	if r := raw(t, f, "台账", "G6"); r != "45716" {
		t.Errorf("G6 raw = %q, want the serial 45716", r)
	}
	wantCell(t, f, "台账", "G6", "2025年2月28日")

	texts := map[string]bool{}
	ls, _ := SampleTown()
	for _, l := range ls {
		for _, s := range l.Sections {
			for _, p := range s.Problems {
				for _, task := range p.Tasks {
					if _, isDate := cellDate(task.Deadline); !isDate {
						texts[cellText(task.Deadline)] = true
					}
				}
			}
		}
	}
	for _, want := range []string{"2025年3月底前", "2025.3.31", "2025/3/31", "２０２５年６月３０日",
		"2025年底", "2025年4月30日", "2025-03-31", "立行立改", "长期坚持", "集中整改期内"} {
		if !texts[want] {
			t.Errorf("no deadline written as %q", want)
		}
	}
	d := openSample(t, "大布村")
	wantCell(t, d, "台账", "G6", "2025.1.31")
}

// TestStatusSynonyms: clerks' words for the statuses appear as written.
func TestStatusSynonyms(t *testing.T) {
	seen := map[string]bool{}
	ls, _ := SampleTown()
	for _, l := range ls {
		for _, s := range l.Sections {
			for _, p := range s.Problems {
				for _, task := range p.Tasks {
					seen[task.Status] = true
				}
			}
		}
	}
	for _, w := range []string{"已完成", "已整改", "已销号", "基本完成", "持续整改", "整改中", "持续推进", "长期坚持", "长期"} {
		if !seen[w] {
			t.Errorf("status %q never written", w)
		}
	}
}

// TestFooterAndBlankRows: a 填表人 footer under the table and 200 formatted
// but empty rows after it.
func TestFooterAndBlankRows(t *testing.T) {
	f := openSample(t, "圩仔社区")
	const sh = "台账"
	rows, err := f.GetRows(sh)
	if err != nil {
		t.Fatal(err)
	}
	last := len(rows) // the footer is the last row with a value
	if !strings.HasPrefix(rows[last-1][0], "填表人：") {
		t.Fatalf("last row %v is not the footer", rows[last-1])
	}
	style, _ := f.GetCellStyle(sh, "C"+strconv.Itoa(last+150))
	text, _ := f.GetCellStyle(sh, "C8")
	if style == 0 || style != text {
		t.Errorf("row %d style %d, want the body style %d of a formatted empty row", last+150, style, text)
	}
	if v := cell(t, f, sh, "C"+strconv.Itoa(last+150)); v != "" {
		t.Errorf("formatted empty row holds %q", v)
	}
	end, _ := f.GetCellStyle(sh, "K"+strconv.Itoa(last+200))
	beyond, _ := f.GetCellStyle(sh, "K"+strconv.Itoa(last+201))
	if end != text || beyond != 0 {
		t.Errorf("styles %d, %d at rows %d, %d: want 200 formatted rows after the footer", end, beyond, last+200, last+201)
	}
	// 前陇社区 puts its footer below the empty rows.
	q := openSample(t, "前陇社区")
	qrows, _ := q.GetRows("整改台账")
	lastRow := qrows[len(qrows)-1]
	if !strings.HasPrefix(lastRow[0], "填表人：") || len(qrows) < 200 {
		t.Errorf("前陇社区: footer %v at row %d, want it after 200 empty rows", lastRow, len(qrows))
	}
}

// TestInstructionsSheetAndSynonyms: 前陇社区 has a 填表说明 sheet before the
// ledger, headers written with synonyms, and the category in its own column
// merged down each section.
func TestInstructionsSheetAndSynonyms(t *testing.T) {
	f := openSample(t, "前陇社区")
	if got := f.GetSheetList(); !slices.Equal(got, []string{"填表说明", "整改台账"}) {
		t.Fatalf("sheets = %v", got)
	}
	if f.GetActiveSheetIndex() != 1 {
		t.Errorf("active sheet %d, want the ledger", f.GetActiveSheetIndex())
	}
	if v := cell(t, f, "填表说明", "A4"); !strings.Contains(v, "已完成") {
		t.Errorf("instructions A4 = %q", v)
	}
	header, _ := f.GetRows("整改台账")
	want := []string{"编号", "问题类别", "存在问题", "整改举措", "牵头领导", "责任部门", "责任人",
		"完成时限", "整改落实情况", "完成情况", "销号时间", "说明"}
	if !slices.Equal(header[2], want) {
		t.Errorf("header = %v", header[2])
	}
	wantCell(t, f, "整改台账", "B4", "学习贯彻党的创新理论")
	hasMerge(t, f, "整改台账", "B4:B6")
	wantCell(t, f, "整改台账", "H4", "2025年3月底前")
}

// TestHiddenOldSheet: 南龙社区 keeps an older copy of its ledger, hidden, in
// front of the real one; its header cells hold line breaks.
func TestHiddenOldSheet(t *testing.T) {
	f := openSample(t, "南龙社区")
	if got := f.GetSheetList(); !slices.Equal(got, []string{"台账（6月）", "台账（9月）"}) {
		t.Fatalf("sheets = %v", got)
	}
	if v, _ := f.GetSheetVisible("台账（6月）"); v {
		t.Error("the old sheet is visible")
	}
	if v, _ := f.GetSheetVisible("台账（9月）"); !v {
		t.Error("the ledger is hidden")
	}
	old, _ := f.GetRows("台账（6月）")
	cur, _ := f.GetRows("台账（9月）")
	if len(old) < 20 || old[1][2] != cur[1][2] {
		t.Fatal("the old sheet is not a copy of the ledger")
	}
	changed := 0
	for i := 2; i < len(old) && i < len(cur); i++ {
		if len(old[i]) > 9 && len(cur[i]) > 9 && old[i][9] != cur[i][9] {
			changed++
		}
	}
	if changed == 0 {
		t.Error("the old sheet shows the same statuses as the current one")
	}
	wantCell(t, f, "台账（9月）", "C2", "巡察\n反馈问题")
	wantCell(t, f, "台账（9月）", "A3", "1-1")
	wantCell(t, f, "台账（9月）", "B3", "学习贯彻党的创新理论")
	wantCell(t, f, "台账（9月）", "H3", "2025.3.31")
}

// TestDate1904: 西山社区 is saved with the 1904 date system, and its dates
// still read as the right days.
func TestDate1904(t *testing.T) {
	f := openSample(t, "西山社区")
	props, err := f.GetWorkbookProps()
	if err != nil || props.Date1904 == nil || !*props.Date1904 {
		t.Fatalf("workbook props %+v, %v: not 1904-based", props, err)
	}
	const sh = "西山社区"
	// G6 is 2025-03-31: serial 45747 in 1900, 44285 in 1904.
	if r := raw(t, f, sh, "G6"); r != "44285" {
		t.Errorf("G6 raw = %q, want the 1904 serial 44285", r)
	}
	if v := cell(t, f, sh, "G6"); v != "2025年3月31日" {
		t.Errorf("G6 shows %q", v)
	}
	wantCell(t, f, sh, "H3", "整改情况")
	hasMerge(t, f, sh, "H3:J3")
	wantCell(t, f, sh, "J4", "完成时间")
	// Lead and unit merged with the problem when equal.
	hasMerge(t, f, sh, "D6:D7")
	hasMerge(t, f, sh, "E6:E7")
}

// TestNoTitleDefaultSheet: 振华社区 starts with the header in row 1 of
// Sheet1 and writes deadlines in full-width digits.
func TestNoTitleDefaultSheet(t *testing.T) {
	f := openSample(t, "振华社区")
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Sheet1"}) {
		t.Fatalf("sheets = %v", got)
	}
	wantCell(t, f, "Sheet1", "A1", "序号")
	wantCell(t, f, "Sheet1", "B1", "反馈问题")
	wantCell(t, f, "Sheet1", "A2", "一、学习贯彻党的创新理论方面")
	wantCell(t, f, "Sheet1", "F3", "２０２５年２月２８日")
}

// TestEvidenceAndExactTitle: 大布村 carries its organisation's exact title
// and a 佐证材料 column.
func TestEvidenceAndExactTitle(t *testing.T) {
	f := openSample(t, "大布村")
	wantCell(t, f, "台账", "A1", "中共中山市三乡镇大布村委员会关于十五届市委第六轮对村巡察整改进展情况的台账")
	wantCell(t, f, "台账", "K3", "佐证材料")
	hasMerge(t, f, "台账", "K3:K4")
	wantCell(t, f, "台账", "K6", "自查报告、问题清单")
}

// TestWrappedStylesAndWidths: body cells wrap and columns have the widths
// clerks give them.
func TestWrappedStylesAndWidths(t *testing.T) {
	f := openSample(t, "大布村")
	id, _ := f.GetCellStyle("台账", "H6")
	s, err := f.GetStyle(id)
	if err != nil || s.Alignment == nil || !s.Alignment.WrapText || len(s.Border) != 4 {
		t.Errorf("progress style %+v, want wrapped with borders", s)
	}
	if w, _ := f.GetColWidth("台账", "H"); w != 54 {
		t.Errorf("progress column width %v, want 54", w)
	}
	props, _ := f.GetDocProps()
	if props.Modified != "2025-09-10T15:02:00Z" || props.Creator != "大布村委会" {
		t.Errorf("doc props %+v", props)
	}
	if _, err := time.Parse(time.RFC3339, props.Created); err != nil {
		t.Errorf("created %q", props.Created)
	}
}
