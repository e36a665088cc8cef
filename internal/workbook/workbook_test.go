package workbook

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/synth"
)

// nine are the sample town's villages, in attachment order.
var nine = func() []ledger.Village {
	vs, err := synth.SampleVillages()
	if err != nil {
		panic(err)
	}
	return vs
}()

var asOf = ledger.NewDate(2025, 9, 12)

var categories = []string{"党的建设方面", "“三资”管理方面", "基层治理方面"}

var layout = &ledger.Layout{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M"}

// town builds the reference's 197 tasks, 190 of them 已完成: the seven left
// are two 基本完成, three 持续整改 (one overdue, 塘敢村 序号3) and two 长期坚持.
// Villages get 22 tasks each (大布村 21), in reverse order, so Write must
// order them.
func town() []ledger.Item {
	var items []ledger.Item
	for vi := len(nine) - 1; vi >= 0; vi-- {
		v := nine[vi]
		count := 22
		if v.Name == "大布村" {
			count = 21
		}
		for seq := 1; seq <= count; seq++ {
			it := ledger.Item{
				Village:  v.Name,
				Seq:      fmt.Sprint(seq),
				Category: categories[(seq-1)%3],
				Problem:  fmt.Sprintf("%s第%d项：村集体经济合同管理不规范，部分合同到期未及时续签，租金收取情况未按时公开。", v.Name, seq),
				Measures: "全面清理合同，逐份登记；建立到期预警机制，每季度公开一次租金收取情况。",
				Lead:     "李书记",
				Unit:     "村委会",
				Person:   "王某",
				Deadline: ledger.Deadline{Kind: ledger.DeadlineOn, Date: ledger.NewDate(2025, 6, 30)},
				Progress: "已完成合同清理，共登记合同36份，已续签12份。",
				Status:   ledger.StatusDone,
				Done:     ledger.NewDate(2025, 6, 20),
				Source:   ledger.Source{File: v.Name + ".xlsx", Sheet: "台账", Row: seq + 3, Layout: layout},
			}
			items = append(items, it)
		}
	}
	set := func(village, seq string, st ledger.Status, dl ledger.Deadline) {
		for i := range items {
			if items[i].Village == village && items[i].Seq == seq {
				items[i].Status, items[i].Deadline, items[i].Done = st, dl, ledger.Date{}
				return
			}
		}
		panic("no such task")
	}
	long := ledger.Deadline{Kind: ledger.DeadlineLongTerm, Text: ledger.LongTermText}
	future := ledger.Deadline{Kind: ledger.DeadlineOn, Date: ledger.NewDate(2025, 12, 31)}
	past := ledger.Deadline{Kind: ledger.DeadlineOn, Date: ledger.NewDate(2025, 8, 31)}
	set("大布村", "2", ledger.StatusMostly, future)
	set("茅湾村", "5", ledger.StatusMostly, future)
	set("塘敢村", "3", ledger.StatusOngoing, past) // overdue on 2025-09-12
	set("塘敢村", "4", ledger.StatusOngoing, future)
	set("桥头村", "6", ledger.StatusOngoing, future)
	set("圩仔社区", "1", ledger.StatusLongTerm, long)
	set("前陇社区", "7", ledger.StatusLongTerm, long)
	return items
}

// formulaLike are texts a spreadsheet would take for formulas if they
// were written as anything but strings.
var formulaLike = map[string]string{"1": "=SUM(A1:A3)", "3": "+8613800000000", "5": "-已完成合同清理", "7": "@村委会"}

func input() Input {
	items := town()
	for i := range items {
		if items[i].Village == "大布村" {
			if s, ok := formulaLike[items[i].Seq]; ok {
				items[i].Note = s
			}
		}
	}
	var sources []Source
	for _, v := range nine {
		n := 0
		for _, it := range items {
			if it.Village == v.Name {
				n++
			}
		}
		sources = append(sources, Source{File: v.Name + ".xlsx", Village: v.Name, Sheet: "台账", SHA256: strings.Repeat("ab", 32), RowsRead: n + 2, Tasks: n})
	}
	warn := ledger.Diagnostic{Severity: ledger.Warning, Code: ledger.CodeOverdue, File: "塘敢村.xlsx", Sheet: "台账", Cell: "I6", Row: 6, Column: "整改时限", Message: "整改时限2025-08-31已过，任务尚未完成(逾期)"}
	return Input{
		Town:     "三乡镇",
		AsOf:     asOf,
		Villages: nine,
		Items:    items,
		Summary:  consolidate.Summarize(items, nine, asOf),
		Warnings: []ledger.Diagnostic{warn},
		Sources:  sources,
	}
}

func write(t *testing.T, in Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func rows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rs, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// find returns the first row whose first cell is label.
func find(rs [][]string, label string, from int) []string {
	for _, r := range rs[from:] {
		if len(r) > 0 && r[0] == label {
			return r
		}
	}
	return nil
}

func TestSheets(t *testing.T) {
	f := open(t, write(t, input()))
	want := []string{SheetTasks, SheetStats, SheetChecks, SheetSources}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Errorf("sheets = %v, want %v", got, want)
	}
	in := input()
	in.Comparison = compare.Compare(&compare.Snapshot{AsOf: ledger.NewDate(2025, 6, 30), Items: in.Items}, in.Items, nine, asOf)
	f = open(t, write(t, in))
	want = []string{SheetTasks, SheetStats, SheetProgress, SheetChecks, SheetSources}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Errorf("sheets with a comparison = %v, want %v", got, want)
	}
}

func TestTasksSheet(t *testing.T) {
	f := open(t, write(t, input()))
	rs := rows(t, f, SheetTasks)
	if len(rs) != 198 {
		t.Fatalf("汇总 has %d rows, want header + 197", len(rs))
	}
	header := []string{villageHeader}
	for _, c := range ledger.Columns() {
		header = append(header, c.Name())
	}
	header = append(header, sourceHeader)
	if !slices.Equal(rs[0], header) {
		t.Errorf("header = %v", rs[0])
	}
	// Villages in config order, tasks in row order within each.
	var order []string
	for _, r := range rs[1:] {
		if len(order) == 0 || order[len(order)-1] != r[0] {
			order = append(order, r[0])
		}
	}
	var names []string
	for _, v := range nine {
		names = append(names, v.Name)
	}
	if !slices.Equal(order, names) {
		t.Errorf("village order = %v", order)
	}
	if rs[1][1] != "1" || rs[2][1] != "2" || rs[1][7] != "王某" {
		t.Errorf("first rows = %v / %v", rs[1], rs[2])
	}
	if rs[1][8] != "长期坚持" || rs[2][8] != "2025-06-30" || rs[2][11] != "2025-06-20" || rs[2][14] != "圩仔社区.xlsx 第5行" {
		t.Errorf("deadline/done/source cells = %q %q %q %q", rs[1][8], rs[2][8], rs[2][11], rs[2][14])
	}
	if raw, _ := f.GetCellValue(SheetTasks, "I3", excelize.Options{RawCellValue: true}); raw != "45838" {
		t.Errorf("a dated deadline is %q, want the date serial 45838", raw)
	}
}

// cellAt finds the cell of the task (village, seq) in column col of 汇总.
func cellAt(t *testing.T, f *excelize.File, village, seq string, col ledger.Column) string {
	t.Helper()
	for i, r := range rows(t, f, SheetTasks) {
		if len(r) > 1 && r[0] == village && r[1] == seq {
			return cell(int(col)+2, i+1)
		}
	}
	t.Fatalf("no task %s %s", village, seq)
	return ""
}

func fill(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Fill.Color) == 0 {
		return ""
	}
	c := strings.ToUpper(st.Fill.Color[0])
	if len(c) == 8 { // ARGB
		c = c[2:]
	}
	return c
}

func TestStatusColours(t *testing.T) {
	f := open(t, write(t, input()))
	cases := []struct {
		village, seq, status, fill string
	}{
		{"大布村", "1", "已完成", greenFill},
		{"大布村", "2", "基本完成", yellowFill},
		{"塘敢村", "4", "持续整改", yellowFill},
		{"塘敢村", "3", "持续整改", redFill}, // overdue
		{"圩仔社区", "1", "长期坚持", ""},
	}
	for _, c := range cases {
		ref := cellAt(t, f, c.village, c.seq, ledger.ColStatus)
		if v, _ := f.GetCellValue(SheetTasks, ref); v != c.status {
			t.Errorf("%s %s %s = %q, want %q", c.village, c.seq, ref, v, c.status)
		}
		if got := fill(t, f, SheetTasks, ref); got != c.fill {
			t.Errorf("%s %s status fill = %q, want %q", c.village, c.seq, got, c.fill)
		}
	}
}

func TestFormulaLookingTextStaysText(t *testing.T) {
	f := open(t, write(t, input()))
	for seq, text := range formulaLike {
		ref := cellAt(t, f, "大布村", seq, ledger.ColNote)
		if v, _ := f.GetCellValue(SheetTasks, ref); v != text {
			t.Errorf("%s = %q, want %q", ref, v, text)
		}
		if fm, _ := f.GetCellFormula(SheetTasks, ref); fm != "" {
			t.Errorf("%s holds a formula %q", ref, fm)
		}
		if typ, _ := f.GetCellType(SheetTasks, ref); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s has cell type %v, want a string", ref, typ)
		}
	}
}

func TestPrintSettings(t *testing.T) {
	data := write(t, input())
	f := open(t, data)
	for _, sheet := range f.GetSheetList() {
		pl, err := f.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if *pl.Size != 9 || *pl.Orientation != "landscape" || pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
			t.Errorf("%s page layout = size %v, %v, fit %v×%v", sheet, *pl.Size, *pl.Orientation, pl.FitToWidth, pl.FitToHeight)
		}
		props, _ := f.GetSheetProps(sheet)
		if props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: fitToPage not set, so fit-to-width is ignored", sheet)
		}
	}
	titles := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			titles[dn.Scope] = dn.RefersTo
		}
	}
	if titles[SheetTasks] != "'汇总'!$1:$1" {
		t.Errorf("print titles = %v", titles)
	}
	panes, _ := f.GetPanes(SheetTasks)
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 2 || panes.TopLeftCell != "C2" {
		t.Errorf("panes = %+v", panes)
	}
	sheetXML := zipEntry(t, data, "xl/worksheets/sheet1.xml")
	if !strings.Contains(sheetXML, `<autoFilter ref="$A$1:$O$198"`) {
		t.Errorf("no autofilter over the table in sheet1.xml")
	}
	// Wrapped rows have their height stored: the long problem text needs
	// 3 lines in a 30-wide column.
	if h, _ := f.GetRowHeight(SheetTasks, 2); h < 3*lineHeight {
		t.Errorf("row 2 height = %v, want at least 3 lines", h)
	}
	if !strings.Contains(sheetXML, `customHeight="true"`) && !strings.Contains(sheetXML, `customHeight="1"`) {
		t.Errorf("row heights are not stored as custom heights")
	}
}

func TestStatsSheet(t *testing.T) {
	f := open(t, write(t, input()))
	rs := rows(t, f, SheetStats)
	want := append([]string{villageHeader}, statHeaders...)
	if !slices.Equal(rs[0][:8], want) {
		t.Errorf("header = %v", rs[0])
	}
	for i, v := range nine {
		if rs[i+1][0] != v.Name {
			t.Errorf("row %d = %v, want %s", i+2, rs[i+1], v.Name)
		}
	}
	total := find(rs, TotalLabel, 0)
	if !slices.Equal(total[:8], []string{"合计", "197", "190", "2", "3", "2", "1", "96.4%"}) {
		t.Errorf("合计 = %v", total)
	}
	if raw, _ := f.GetCellValue(SheetStats, "H11", excelize.Options{RawCellValue: true}); raw != "0.964" {
		t.Errorf("合计 rate raw value = %q, want 0.964", raw)
	}
	tangan := find(rs, "塘敢村", 0)
	if !slices.Equal(tangan[:8], []string{"塘敢村", "22", "20", "0", "2", "0", "1", "90.9%"}) {
		t.Errorf("塘敢村 = %v", tangan)
	}
	// The category table, with its own 合计.
	cat := find(rs, "问题类别", 0)
	if cat == nil || find(rs, categories[1], 0) == nil {
		t.Fatalf("no category table: %v", rs)
	}
	if total2 := find(rs, TotalLabel, 12); !slices.Equal(total2[:8], total[:8]) {
		t.Errorf("category 合计 = %v", total2)
	}
	charts := 0
	zr, _ := zip.NewReader(bytes.NewReader(write(t, input())), int64(len(write(t, input()))))
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
		}
	}
	if charts != 1 {
		t.Errorf("%d charts, want 1", charts)
	}
	chartXML := html.UnescapeString(zipEntry(t, write(t, input()), "xl/charts/chart1.xml"))
	if !strings.Contains(chartXML, "'统计'!$H$2:$H$10") || !strings.Contains(chartXML, "'统计'!$A$2:$A$10") {
		t.Errorf("chart does not reference the village rows")
	}
}

func TestChecksAndSources(t *testing.T) {
	in := input()
	then := &compare.Snapshot{AsOf: ledger.NewDate(2025, 6, 30), Items: town()}
	then.Items = append(then.Items, ledger.Item{Village: "大布村", Seq: "99", Problem: "已删除的任务", Status: ledger.StatusOngoing, Source: ledger.Source{File: "大布村.xlsx", Sheet: "台账"}})
	in.Comparison = compare.Compare(then, in.Items, nine, asOf)
	// The build may or may not have passed the comparison's warnings in:
	// either way each is listed once.
	in.Warnings = append(in.Warnings, in.Comparison.Diagnostics...)
	f := open(t, write(t, in))
	rs := rows(t, f, SheetChecks)
	if len(rs) != 3 {
		t.Fatalf("校验 rows = %v", rs)
	}
	if !slices.Equal(rs[1][:6], []string{"1", "警告", "塘敢村.xlsx", "台账", "I6", "整改时限"}) {
		t.Errorf("warning row = %v", rs[1])
	}
	if rs[2][7] != ledger.CodeTaskRemoved {
		t.Errorf("removed task row = %v", rs[2])
	}

	rs = rows(t, f, SheetSources)
	if len(rs) != 1+9+2 {
		t.Fatalf("来源 rows = %d", len(rs))
	}
	if rs[6][0] != "大布村.xlsx" || rs[6][5] != "21" || rs[6][4] != "23" {
		t.Errorf("大布村 source = %v", rs[6])
	}
	if !strings.HasPrefix(rs[10][0], "合计") || rs[10][4] != "215" || rs[10][5] != "197" {
		t.Errorf("合计 = %v", rs[10])
	}
	if !strings.Contains(rs[11][0], "一致") || rs[11][5] != "197" || strings.Contains(rs[11][0], "不一致") {
		t.Errorf("check row = %v", rs[11])
	}

	// A task lost between intake and the workbook shows.
	in.Items = in.Items[1:]
	in.Summary = nil
	rs = rows(t, open(t, write(t, in)), SheetSources)
	if !strings.Contains(rs[11][0], "不一致（相差-1项）") || rs[11][5] != "196" {
		t.Errorf("check row = %v", rs[11])
	}
}

func TestProgressSheet(t *testing.T) {
	in := input()
	then := &compare.Snapshot{AsOf: ledger.NewDate(2025, 6, 30), Items: town()}
	for i := range then.Items {
		if i%3 == 0 && then.Items[i].Status == ledger.StatusDone {
			then.Items[i].Status = ledger.StatusOngoing
		}
	}
	// 大布村 2 was 已完成 on 2025-06-30 and is 基本完成 now: backwards.
	for i := range then.Items {
		if then.Items[i].Village == "大布村" && then.Items[i].Seq == "2" {
			then.Items[i].Status = ledger.StatusDone
		}
	}
	in.Comparison = compare.Compare(then, in.Items, nine, asOf)
	f := open(t, write(t, in))
	rs := rows(t, f, SheetProgress)
	if !strings.Contains(rs[0][0], in.Comparison.Sentence()) || !strings.Contains(rs[0][0], "2025年6月30日") {
		t.Errorf("title = %q", rs[0][0])
	}
	total := find(rs, compare.TownName, 2)
	tp := in.Comparison.Town()
	want := []string{"合计", "197", fmt.Sprint(tp.Then.Done), tp.ThenRate().String(), "197", "190", "96.4%", tp.Gain()}
	if !slices.Equal(total[:8], want) {
		t.Errorf("合计 = %v, want %v", total, want)
	}
	changed := 0
	var back []string
	for _, r := range rs {
		if len(r) >= 8 && (r[6] == "持续整改" || r[6] == "已完成") && r[0] != "村(社区)" {
			changed++
			if len(r) > 8 && r[8] == "状态退回，请核实" {
				back = r
			}
		}
	}
	if changed != len(in.Comparison.Changed) {
		t.Errorf("%d changed rows, want %d", changed, len(in.Comparison.Changed))
	}
	if back == nil || back[0] != "大布村" || back[1] != "2" || back[7] != "基本完成" {
		t.Fatalf("backward row = %v", back)
	}
	for i, r := range rs {
		if len(r) > 8 && r[8] == "状态退回，请核实" {
			if got := fill(t, f, SheetProgress, cell(8, i+1)); got != redFill {
				t.Errorf("backward status fill = %q", got)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	in := input()
	in.Comparison = compare.Compare(&compare.Snapshot{AsOf: ledger.NewDate(2025, 6, 30), Items: town()[5:]}, in.Items, nine, asOf)
	a, b := write(t, in), write(t, in)
	if !bytes.Equal(a, b) {
		t.Fatal("two writes of the same input differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if !zf.Modified.Equal(zr.File[0].Modified) || zf.ModifiedDate != 0 || zf.ModifiedTime != 0 {
			t.Errorf("%s carries a modification time %v", zf.Name, zf.Modified)
		}
	}
	core := zipEntry(t, a, "docProps/core.xml")
	if strings.Count(core, "2025-09-12T00:00:00Z") != 2 {
		t.Errorf("core.xml times are not the as-of date: %s", core)
	}
}

func zipEntry(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			var b bytes.Buffer
			b.ReadFrom(rc)
			return b.String()
		}
	}
	t.Fatalf("no %s in the workbook", name)
	return ""
}

func TestLineCount(t *testing.T) {
	cases := []struct {
		text  string
		width float64
		want  int
	}{
		{"", 10, 1},
		{"已完成", 10, 1},
		{"一二三四五", 10, 2}, // 10 units in 9 of room
		{"一二三四", 10, 1},
		{"abc\ndef", 10, 2},
		{strings.Repeat("字", 45), 31, 3},
	}
	for _, c := range cases {
		if got := lineCount(c.text, c.width); got != c.want {
			t.Errorf("lineCount(%q, %v) = %d, want %d", c.text, c.width, got, c.want)
		}
	}
}

// writeSample writes the test town's workbook to a file for a look.
func writeSample(t *testing.T, dir string, in Input) string {
	t.Helper()
	p := filepath.Join(dir, FileName)
	if err := os.WriteFile(p, write(t, in), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEmptyInput(t *testing.T) {
	f := open(t, write(t, Input{Town: "三乡镇"}))
	if got := f.GetSheetList(); len(got) != 4 {
		t.Errorf("sheets = %v", got)
	}
	rs := rows(t, f, SheetChecks)
	if len(rs) != 2 || rs[1][0] != "没有发现问题。" {
		t.Errorf("校验 = %v", rs)
	}
	// No tasks, no rate: "—", never 0.0%, which would say nothing was done.
	f = open(t, write(t, Input{Villages: nine, AsOf: asOf}))
	if total := find(rows(t, f, SheetStats), TotalLabel, 0); total == nil || total[7] != consolidate.NoRate {
		t.Errorf("合计 of nothing = %v", total)
	}
}

func TestVillageWithoutTasksHasNoRate(t *testing.T) {
	in := input()
	var kept []ledger.Item
	for _, it := range in.Items {
		if it.Village != "大布村" {
			kept = append(kept, it)
		}
	}
	in.Items, in.Summary = kept, consolidate.Summarize(kept, nine, asOf)
	rs := rows(t, open(t, write(t, in)), SheetStats)
	if dabu := find(rs, "大布村", 0); dabu == nil || dabu[1] != "0" || dabu[7] != consolidate.NoRate {
		t.Errorf("大布村 without tasks = %v, want 0 tasks and rate %q", dabu, consolidate.NoRate)
	}
	if total := find(rs, TotalLabel, 0); total == nil || !strings.HasSuffix(total[7], "%") {
		t.Errorf("合计 = %v", total)
	}
}

func TestControlCharactersAreDropped(t *testing.T) {
	in := input()
	in.Items[0].Progress = "第一行\r\n第二行\x01\x0b结束\uFFFE"
	f := open(t, write(t, in))
	ref := cellAt(t, f, in.Items[0].Village, in.Items[0].Seq, ledger.ColProgress)
	if v, _ := f.GetCellValue(SheetTasks, ref); v != "第一行\n第二行结束" {
		t.Errorf("progress = %q", v)
	}
}

// wholeBytes writes the workbook in one go, as Write did before drafts:
// the reference a Draft's bytes must equal.
func wholeBytes(t *testing.T, in Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := newSortedZip(&buf, "")
	defer zw.cleanup()
	if err := writeBook(context.Background(), in, modeWhole, zw); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipPart is one part of a workbook as a reader sees it.
type zipPart struct {
	name    string
	method  uint16
	content string
}

// unzipped reads every part of a workbook, in order; archive/zip checks
// each part's CRC-32 and size against its entry as it reads it.
func unzipped(t *testing.T, b []byte) []zipPart {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var parts []zipPart
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		parts = append(parts, zipPart{f.Name, f.Method, string(content)})
	}
	return parts
}

// TestDraftGivesTheBytesOfTheWhole: a workbook whose 汇总 was made by
// NewDraft before the warnings were known, in chunks of villages' rows
// deflated apart and spliced together, is, part for part and byte for
// byte once unzipped, the workbook made in one go with those warnings —
// with a comparison sheet, with several warnings and with none, written
// twice from one draft — and its compressed bytes do not depend on the
// chunks.
func TestDraftGivesTheBytesOfTheWhole(t *testing.T) {
	in := input()
	in.Comparison = compare.Compare(&compare.Snapshot{AsOf: ledger.NewDate(2025, 6, 30), Items: town()[5:]}, in.Items, nine, asOf)
	glyph := ledger.Diagnostic{Severity: ledger.Warning, Code: ledger.CodeMissingGlyph, File: "台账/塘敢村.pdf", Message: "字符“𠀋”（U+2000B）所有字体都没有"}
	saved := tasksChunk
	t.Cleanup(func() { tasksChunk = saved })
	first := map[int][]byte{} // by number of warnings, with the first chunk size
	// One chunk (the 197 tasks are fewer than a chunk), three of three
	// villages, one village each.
	for _, chunk := range []int{saved, 50, 7} {
		tasksChunk = chunk
		d, err := NewDraft(context.Background(), in, DraftOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if d.Made != len(nine) || d.Reused != 0 {
			t.Errorf("chunks of %d: made %d villages' rows, reused %d; want %d and 0", chunk, d.Made, d.Reused, len(nine))
		}
		for _, warnings := range [][]ledger.Diagnostic{append(in.Warnings, glyph), nil} {
			var got bytes.Buffer
			if err := d.Write(&got, warnings); err != nil {
				t.Fatal(err)
			}
			want := in
			want.Warnings = warnings
			if !slices.Equal(unzipped(t, got.Bytes()), unzipped(t, wholeBytes(t, want))) {
				t.Fatalf("chunks of %d, %d warnings: the draft's workbook differs from the whole", chunk, len(warnings))
			}
			if b, ok := first[len(warnings)]; !ok {
				first[len(warnings)] = got.Bytes()
			} else if !bytes.Equal(got.Bytes(), b) {
				t.Errorf("chunks of %d, %d warnings: other bytes than chunks of %d", chunk, len(warnings), saved)
			}
			if n := len(rows(t, open(t, got.Bytes()), SheetChecks)) - 1; n != max(len(warnings), 1) {
				t.Errorf("校验 has %d rows, want one per warning (%d)", n, len(warnings))
			}
		}
	}
}

// TestCancelledDraftStops: a draft whose context ends, before it starts
// or while its chunks are being made, stops with the context's error (or
// has finished), leaves no temporary file and no goroutine behind.
func TestCancelledDraftStops(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	saved := tasksChunk
	t.Cleanup(func() { tasksChunk = saved })
	tasksChunk = 5 // 40 chunks
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewDraft(ctx, input(), DraftOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	for _, after := range []time.Duration{0, time.Millisecond, 5 * time.Millisecond, 20 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), after)
		d, err := NewDraft(ctx, input(), DraftOptions{})
		cancel()
		switch {
		case err == nil:
			d.Close()
		case !errors.Is(err, context.DeadlineExceeded):
			t.Fatalf("cancelled after %v: err = %v, want the context's", after, err)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("the cancelled draft left %s", left[0].Name())
	}
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d goroutines left running", runtime.NumGoroutine()-before)
}

// TestRuneWidthShortcutsAgreeWithTheTable: the ranges runeWidth answers
// without the Unicode width table get the table's answer.
func TestRuneWidthShortcutsAgreeWithTheTable(t *testing.T) {
	for _, span := range [][2]rune{{0, 0x7F}, {0x4E00, 0x9FFF}} {
		for r := span[0]; r <= span[1]; r++ {
			want := 1.0
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
				want = 1.9
			}
			if got := runeWidth(r); got != want {
				t.Fatalf("runeWidth(U+%04X) = %v, the width table says %v", r, got, want)
			}
		}
	}
}

// TestCleanLeavesCleanTextAlone: isClean says yes exactly when cleaning
// would change nothing.
func TestCleanLeavesCleanTextAlone(t *testing.T) {
	for _, v := range []string{"", "已完成", "a\tb\nc", "a b", "\x7f", "\uFFFD", "𠀋", "第一行\r\n第二行", "x\x01", "\x1f", "\xff", "a\xe4\xb8", "\uFFFE", "\uFFFF"} {
		if got, want := isClean(v), cleanCopy(v) == v; got != want {
			t.Errorf("isClean(%q) = %v, but cleaning gives %q", v, got, cleanCopy(v))
		}
	}
}
