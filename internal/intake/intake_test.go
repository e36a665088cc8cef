package intake

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/intake/testbuild"
	"github.com/taizhang/taizhang/internal/ledger"
)

type (
	tb   = testbuild.Book
	sh   = testbuild.Sheet
	date = testbuild.Date
)

var day = testbuild.Day

const title = "中共中山市三乡镇大布村委员会关于十五届市委第六轮对村巡察整改进展情况的通报台账"

// read writes the book into a temporary folder and reads it.
func read(t *testing.T, name string, b tb, opts Options) *Result {
	t.Helper()
	p := testbuild.Write(t, t.TempDir(), name, b)
	return Read(p, opts)
}

// diags gives the diagnostics as the clerk reads them.
func diags(res *Result) []string {
	var out []string
	for _, d := range res.Diagnostics {
		out = append(out, d.String())
	}
	return out
}

func wantDiags(t *testing.T, res *Result, want ...string) {
	t.Helper()
	got := diags(res)
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diagnostics:\n got %q\nwant %q", got, want)
	}
}

func okRow(seq any, problem string) []any {
	return testbuild.Row(seq, "", problem, "措施："+problem, "王书记", "村委会", "张三",
		date{T: day(2025, 3, 31)}, "已落实", "已完成", date{T: day(2025, 3, 20)}, "会议记录", "")
}

func TestReadStandardLedger(t *testing.T) {
	b := testbuild.Ledger(title,
		testbuild.Row("(1)", "党的建设方面", "三会一课不规范", "规范会议记录", "王书记", "党建办", "张三",
			date{T: day(2025, 3, 31)}, "已建立台账", "已整改", date{T: day(2025, 3, 15), Format: `yyyy"年"m"月"d"日"`}, "会议记录", ""),
		testbuild.Row("2.", "党的建设方面", "发展党员程序不严", "逐一核查", "王书记", "党建办", "李四",
			"2025年6月底前", "正在核查", "整改中", "", "", "说明"),
		testbuild.Row("３", "", "集体资产台账不全", "重新登记", "陈主任", "经联社", "赵六",
			"长期坚持", "已登记80%", "长期", "/", "", ""),
	)
	res := read(t, "大布村.xlsx", b, Options{})
	wantDiags(t, res)
	if res.File.Village != "大布村" || res.File.Sheet != "台账" || res.File.Items != 3 || res.File.RowsRead != 3 || res.File.Rejected {
		t.Errorf("file = %+v", res.File)
	}
	if res.File.Size == 0 || len(res.File.SHA256) != 64 {
		t.Errorf("fingerprint missing: %+v", res.File)
	}
	it := res.Items
	if it[0].Seq != "1" || it[1].Seq != "2" || it[2].Seq != "3" {
		t.Errorf("seqs %q %q %q", it[0].Seq, it[1].Seq, it[2].Seq)
	}
	if it[0].Deadline.String() != "2025-03-31" || it[0].Done.String() != "2025-03-15" || it[0].Status != ledger.StatusDone {
		t.Errorf("item 1 = %+v", it[0])
	}
	if it[1].Deadline.String() != "2025-06-30" || it[1].Status != ledger.StatusOngoing || it[1].Note != "说明" {
		t.Errorf("item 2 = %+v", it[1])
	}
	if it[2].Deadline.Kind != ledger.DeadlineLongTerm || it[2].Deadline.String() != "长期" || !it[2].Done.IsZero() || it[2].Status != ledger.StatusLongTerm {
		t.Errorf("item 3 = %+v", it[2])
	}
	if it[0].Source.Row != 4 || it[0].Source.Cell(ledger.ColStatus) != "J4" || it[2].Source.Cell(ledger.ColDeadline) != "H6" {
		t.Errorf("source %+v, %s", it[0].Source, it[2].Source.Cell(ledger.ColDeadline))
	}
	if it[0].Village != "大布村" || it[0].Person != "张三" || it[0].Category != "党的建设方面" {
		t.Errorf("item 1 = %+v", it[0])
	}
}

func TestLedgerSheetBehindInstructionsAndHiddenSheet(t *testing.T) {
	ledgerRows := testbuild.Ledger(title, okRow(1, "真问题")).Sheets[0].Rows
	old := testbuild.Ledger(title, okRow(1, "旧问题"), okRow(2, "旧问题二")).Sheets[0].Rows
	b := tb{Sheets: []sh{
		{Name: "填表说明", Rows: [][]any{{"填表说明"}, {"1. 整改状态只能填写已完成、基本完成、持续整改、长期坚持。"}, {"2. 整改时限请填写日期。"}}},
		{Name: "旧台账", Hidden: true, Rows: old},
		{Name: "整改台账", Rows: ledgerRows},
	}}
	res := read(t, "大布村.xlsx", b, Options{})
	wantDiags(t, res)
	if res.File.Sheet != "整改台账" || len(res.Items) != 1 || res.Items[0].Problem != "真问题" {
		t.Errorf("read %q: %+v", res.File.Sheet, res.Items)
	}
}

func TestOnlyHiddenLedgerIsNotRead(t *testing.T) {
	b := tb{Sheets: []sh{
		{Name: "说明", Rows: [][]any{{"本表请勿修改"}}},
		{Name: "旧台账", Hidden: true, Rows: testbuild.Ledger(title, okRow(1, "旧问题")).Sheets[0].Rows},
	}}
	res := read(t, "大布村.xlsx", b, Options{})
	wantDiags(t, res, "大布村.xlsx: 错误: 没有找到台账表头：请确认有一个未隐藏的工作表，其表头一行包含“巡察反馈问题”“整改措施”“整改时限”“整改进展情况”“整改状态”等列（隐藏的工作表“旧台账”不会被读取，如台账在其中请取消隐藏）")
	if len(res.Items) != 0 || !res.File.Rejected {
		t.Errorf("items %d rejected %v", len(res.Items), res.File.Rejected)
	}
}

func TestTwoRowHeaderWithMergesAndOddSpacing(t *testing.T) {
	rows := [][]any{
		{"大布村巡察整改台账"},
		{"填报单位：大布村党委　　填报日期：2025年8月31日"},
		{"编 号", "类别", "巡察反馈\n问题", "整改举措", "牵头领导", "责任部门", "责任人", "完成时限", "整改情况", "", "完成日期", "佐证材料", "说明"},
		{"", "", "", "", "", "", "", "", "整改落实情况", "完成情况"},
		{"1", "党建", "问题一", "措施一", "甲", "乙", "丙", "２０２５年３月３１日", "进展", "已完成", "2025.3.1", "", ""},
	}
	merges := []string{"A1:M1", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:F4", "G3:G4", "H3:H4", "I3:J3", "K3:K4", "L3:L4", "M3:M4"}
	res := read(t, "x.xlsx", tb{Sheets: []sh{{Name: "Sheet1", Rows: rows, Merges: merges}}}, Options{})
	wantDiags(t, res)
	if len(res.Items) != 1 {
		t.Fatalf("items %d", len(res.Items))
	}
	it := res.Items[0]
	if it.Progress != "进展" || it.Status != ledger.StatusDone || it.Deadline.String() != "2025-03-31" || it.Done.String() != "2025-03-01" || it.Village != "大布村" {
		t.Errorf("item %+v", it)
	}
	if it.Source.Row != 5 || it.Source.Cell(ledger.ColStatus) != "J5" {
		t.Errorf("source row %d cell %s", it.Source.Row, it.Source.Cell(ledger.ColStatus))
	}
}

func TestMergedProblemSectionsFootersAndBlankRows(t *testing.T) {
	b := testbuild.Ledger(title,
		[]any{"一、党的建设方面"},
		testbuild.Row(1, "", "三会一课不规范", "措施甲", "王", "办", "张", "2025-03-31", "进展甲", "已完成", "2025-03-01", "", ""),
		testbuild.Row("", "", "", "措施乙", "王", "办", "张", "2025-04-30", "进展乙", "持续整改", "", "", ""),
		testbuild.Row("", "", "", "措施丙", "王", "办", "张", "长期", "进展丙", "长期坚持", "", "", ""),
		nil,
		[]any{"二、村级财务管理方面"},
		testbuild.Row(2, "", "报销手续不全", "补齐手续", "陈", "财", "李", "立行立改", "已补齐", "已完成", "2025-02-01", "", ""),
		[]any{3},
		nil,
		[]any{"填表人：张三", "", "", "", "审核人：王五"},
		[]any{"填表：张三", "", "", "", "", "", "", "审核：王五"},
	)
	s := &b.Sheets[0]
	s.Merges = append(s.Merges, "A4:M4", "A5:A7", "C5:C7", "A9:M9")
	s.EmptyStyledRows = 300
	res := read(t, "大布村.xlsx", b, Options{})
	wantDiags(t, res)
	if len(res.Items) != 4 {
		t.Fatalf("items = %d: %+v", len(res.Items), res.Items)
	}
	for i, want := range []struct{ seq, cat, problem, measures string }{
		{"1", "党的建设方面", "三会一课不规范", "措施甲"},
		{"1", "党的建设方面", "三会一课不规范", "措施乙"},
		{"1", "党的建设方面", "三会一课不规范", "措施丙"},
		{"2", "村级财务管理方面", "报销手续不全", "补齐手续"},
	} {
		it := res.Items[i]
		if it.Seq != want.seq || it.Category != want.cat || it.Problem != want.problem || it.Measures != want.measures {
			t.Errorf("item %d = %q %q %q %q", i, it.Seq, it.Category, it.Problem, it.Measures)
		}
	}
	if res.Items[3].Deadline.Kind != ledger.DeadlineImmediate {
		t.Errorf("立行立改 read as %+v", res.Items[3].Deadline)
	}
	// Sections, the pre-numbered empty row and the footer are looked at, not taken.
	if res.File.RowsRead != 9 || res.File.Items != 4 {
		t.Errorf("rows read %d, items %d", res.File.RowsRead, res.File.Items)
	}
}

func TestDatesTextFormsAnd1904(t *testing.T) {
	rows := []struct {
		deadline any
		want     string
	}{
		{"2025-03-31", "2025-03-31"},
		{"2025/3/31", "2025-03-31"},
		{"2025.3.31", "2025-03-31"},
		{"2025年3月31日", "2025-03-31"},
		{"２０２５年３月３１日", "2025-03-31"},
		{"2025年2月底前", "2025-02-28"},
		{"2025年3月31日之前完成", "2025-03-31"},
		{"2025年底", "2025-12-31"},
		{"长期坚持", "长期"},
		{"立行立改", "立行立改"},
		{"集中整改期内", "集中整改期内"},
		{date{T: day(2025, 3, 31), Format: "m/d/yy"}, "2025-03-31"},
		{date{T: day(2025, 3, 31), Format: `[$-804]yyyy"年"m"月"d"日";@`}, "2025-03-31"},
		{45747, "2025-03-31"},      // a serial number whose cell lost its date format
		{20250331, "2025-03-31"},   // yyyymmdd typed as a number
		{"20250331", "2025-03-31"}, // and as text
	}
	var data [][]any
	for i, r := range rows {
		data = append(data, testbuild.Row(i+1, "", "问题", "措施", "", "", "", r.deadline, "进展", "持续整改", "", "", ""))
	}
	res := read(t, "大布村.xlsx", testbuild.Ledger(title, data...), Options{})
	wantDiags(t, res)
	for i, r := range rows {
		if got := res.Items[i].Deadline.String(); got != r.want {
			t.Errorf("deadline %v read as %q, want %q", r.deadline, got, r.want)
		}
	}

	// A 1904-based workbook: serial 44285 is 2025-03-31 there (45747 in 1900).
	b := testbuild.Ledger(title, testbuild.Row(1, "", "问题", "措施", "", "", "", date{Serial: 44285}, "进展", "已完成", date{Serial: 44270}, "", ""))
	b.Date1904 = true
	res = read(t, "大布村.xlsx", b, Options{})
	wantDiags(t, res)
	if got := res.Items[0].Deadline.String() + " " + res.Items[0].Done.String(); got != "2025-03-31 2025-03-16" {
		t.Errorf("1904 dates read as %s", got)
	}
}

func TestDateCellOutsideThePlausibleYearsIsAnError(t *testing.T) {
	// "3.31" typed into a cell formatted as a date is the serial 3.31,
	// which Excel shows as 1900/1/3: not a deadline, and not 45,000 days
	// overdue either.
	b := testbuild.Ledger(title,
		testbuild.Row(1, "", "问题", "措施", "", "", "", date{Serial: 3.31}, "进展", "已完成", date{Serial: 3.2}, "", ""),
	)
	res := read(t, "大布村.xlsx", b, Options{})
	wantDiags(t, res,
		"大布村.xlsx:台账!H4: 错误: 整改时限“1900-01-03”不是可识别的日期：请写成2025-03-31、2025年3月31日或2025年3月底前，或写“长期坚持”“立行立改”“集中整改期内”",
		"大布村.xlsx:台账!K4: 错误: 完成时间“1900-01-03”不是可识别的日期：请写成2025-03-31或2025年3月31日",
	)
}

func TestFormulaCachedValueAndFormulaLookingText(t *testing.T) {
	b := testbuild.Ledger(title,
		testbuild.Row(testbuild.Formula{F: "ROW()-3", Cached: 1}, "", `=HYPERLINK("http://x","问题")`, "+86 措施", "", "", "", "2025-03-31", "进展", "已完成", "2025-03-01", "", ""),
	)
	res := read(t, "大布村.xlsx", b, Options{})
	wantDiags(t, res)
	it := res.Items[0]
	if it.Seq != "1" || it.Problem != `=HYPERLINK("http://x","问题")` || it.Measures != "+86 措施" {
		t.Errorf("item %+v", it)
	}
}

func TestCellErrors(t *testing.T) {
	b := testbuild.Ledger(title,
		testbuild.Row(1, "", "问题一", "", "", "", "", "2025-03-31", "进展", "搁置", "", "", ""),
		testbuild.Row(2, "", "问题二", "措施", "", "", "", "下个月", "", "已完成", "上周", "", ""),
		testbuild.Row(2, "", "问题三", "措施", "", "", "", "", "进展", "", "", "", ""),
	)
	res := read(t, "大布村.xlsx", b, Options{})
	wantDiags(t, res,
		"大布村.xlsx:台账!D4: 错误: 整改措施为空：请填写具体的整改措施",
		"大布村.xlsx:台账!J4: 错误: 整改状态“搁置”不是允许的状态（已完成、基本完成、持续整改、长期坚持）",
		"大布村.xlsx:台账!I5: 错误: 整改进展情况为空：请填写目前的整改进展",
		"大布村.xlsx:台账!H5: 错误: 整改时限“下个月”不是可识别的日期：请写成2025-03-31、2025年3月31日或2025年3月底前，或写“长期坚持”“立行立改”“集中整改期内”",
		"大布村.xlsx:台账!K5: 错误: 完成时间“上周”不是可识别的日期：请写成2025-03-31或2025年3月31日",
		"大布村.xlsx:台账!H6: 错误: 整改时限为空：请填写日期（如2025-03-31、2025年3月底前）或“长期坚持”",
		"大布村.xlsx:台账!J6: 错误: 整改状态为空：请填写已完成、基本完成、持续整改、长期坚持之一",
		"大布村.xlsx:台账!A6: 警告: 序号“2”与第5行重复：请重新编号",
	)
	if !res.File.Rejected || len(res.Items) != 3 {
		t.Errorf("rejected %v, items %d", res.File.Rejected, len(res.Items))
	}
	d := res.Diagnostics[1]
	if d.Code != ledger.CodeBadStatus || d.Column != "整改状态" || d.Row != 4 || d.Sheet != "台账" || d.Cell != "J4" {
		t.Errorf("diagnostic %+v", d)
	}
}

func TestMissingRequiredColumn(t *testing.T) {
	rows := [][]any{
		{"大布村整改台账"},
		{"序号", "巡察反馈问题", "整改措施", "整改时限", "整改进展情况", "备注"},
		{1, "问题", "措施", "2025-03-31", "进展", ""},
	}
	res := read(t, "大布村.xlsx", tb{Sheets: []sh{{Name: "台账", Rows: rows}}}, Options{})
	wantDiags(t, res, "大布村.xlsx:台账: 错误: 表头中缺少“整改状态”列：请在第2行表头中加上这一列")
	if res.Diagnostics[0].Code != ledger.CodeMissingColumn || res.Diagnostics[0].Column != "整改状态" {
		t.Errorf("%+v", res.Diagnostics[0])
	}
}

func TestVillage(t *testing.T) {
	config := []ledger.Village{{Name: "圩仔社区"}, {Name: "大布村"}, {Name: "塘敢村"}}
	noTitle := func(rows ...[]any) tb {
		return tb{Sheets: []sh{{Name: "Sheet1", Rows: append([][]any{testbuild.Header}, rows...)}}}
	}
	cases := []struct {
		name, file string
		book       tb
		villages   []ledger.Village
		want       string
		diag       string
	}{
		{"title", "台账.xlsx", testbuild.Ledger(title, okRow(1, "问")), nil, "大布村", ""},
		{"fill line", "台账.xlsx", tb{Sheets: []sh{{Name: "台账", Rows: [][]any{{"整改台账"}, {"填报单位：", "塘敢村党总支"}, testbuild.Header, okRow(1, "问")}}}}, nil, "塘敢村", ""},
		{"community from file name", "圩仔社区整改台账（终稿）.xlsx", noTitle(okRow(1, "问")), nil, "圩仔社区", ""},
		{"file name and title name two villages", "塘敢村.xlsx", testbuild.Ledger(title, okRow(1, "问")), config, "塘敢村",
			"塘敢村.xlsx: 错误: 文件名是“塘敢村”的台账，但表格标题或“填报单位”写的是“大布村”（可能借用了别村的表格）：请核对后改正文件名或标题"},
		{"config village from title when the name has none", "整改台账.xlsx", testbuild.Ledger(title, okRow(1, "问")), config, "大布村", ""},
		{"not in config", "x.xlsx", testbuild.Ledger("南山村整改台账", okRow(1, "问")), config, "",
			"x.xlsx: 错误: 台账中的村（社区）“南山村”不在配置的名单中（圩仔社区、大布村、塘敢村）：请核对标题或“填报单位”中的名称"},
		{"unknown", "汇总.xlsx", noTitle(okRow(1, "问")), nil, "",
			"汇总.xlsx: 错误: 无法确定这份台账属于哪个村（社区）：请在标题或“填报单位”中写明村（社区）名称，或把文件命名为“大布村.xlsx”这样的名称"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := read(t, c.file, c.book, Options{Villages: c.villages})
			if res.File.Village != c.want {
				t.Errorf("village %q, want %q", res.File.Village, c.want)
			}
			if c.diag == "" {
				wantDiags(t, res)
			} else {
				wantDiags(t, res, c.diag)
				if code := res.Diagnostics[0].Code; code != ledger.CodeUnknownVillage && code != ledger.CodeWrongVillage {
					t.Errorf("code %s", res.Diagnostics[0].Code)
				}
			}
		})
	}
}

func TestVillageIn(t *testing.T) {
	for in, want := range map[string]string{
		title: "大布村",
		"关于对村巡察整改台账（前陇社区）":  "前陇社区",
		"中共中山市三乡镇振华社区总支委员会": "振华社区",
		"2025年整改台账":         "",
		"第六轮对村巡察":           "",
	} {
		if got := villageIn(in); got != want {
			t.Errorf("villageIn(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInputIsNeverModified(t *testing.T) {
	p := testbuild.Write(t, t.TempDir(), "大布村.xlsx", testbuild.Ledger(title, okRow(1, "问")))
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(p)
	if err := os.Chmod(p, 0o444); err != nil { // reading needs no write permission
		t.Fatal(err)
	}
	res := Read(p, Options{})
	wantDiags(t, res)
	after, _ := os.ReadFile(p)
	fi, _ := os.Stat(p)
	if !bytes.Equal(before, after) || !fi.ModTime().Equal(old) {
		t.Error("the input file changed")
	}
}

func TestPanicBecomesInternalError(t *testing.T) {
	testHookRead = func(p string) {
		if strings.HasSuffix(p, "坏.xlsx") {
			panic("boom")
		}
	}
	defer func() { testHookRead = nil }()
	dir := t.TempDir()
	a := testbuild.Write(t, dir, "好.xlsx", testbuild.Ledger(title, okRow(1, "问")))
	b := testbuild.Write(t, dir, "坏.xlsx", testbuild.Ledger(title, okRow(1, "问")))
	res := ReadAll([]string{b, a}, Options{})
	wantDiags(t, res[0], "坏.xlsx: 错误: 读取本文件时程序出错（boom），这是本程序的缺陷：请把此文件发给维护人员，其他文件不受影响")
	if res[0].Diagnostics[0].Code != ledger.CodeInternal || !res[0].File.Rejected {
		t.Errorf("%+v", res[0])
	}
	wantDiags(t, res[1])
	if len(res[1].Items) != 1 {
		t.Error("the other file was not read")
	}
}

func TestReadAllKeepsInputOrder(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for _, n := range []string{"c村", "a村", "b村", "d村", "e村"} {
		paths = append(paths, testbuild.Write(t, dir, n+".xlsx", testbuild.Ledger(n+"整改台账", okRow(1, n))))
	}
	for i, res := range ReadAll(paths, Options{}) {
		if res.File.Path != paths[i] || res.Items[0].Problem != strings.TrimSuffix(filepath.Base(paths[i]), ".xlsx") {
			t.Errorf("result %d is %s", i, res.File.Path)
		}
	}
}

func TestDiscover(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"b.xlsx", "a.XLSX", "c.xlsm", "d.xls", "e.et", "~$b.xlsx", ".~lock.b.xlsx#", "x.tmp", ".hidden.xlsx", "note.txt", "taizhang.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(dir, "out.xlsx"), 0o755)
	extra := filepath.Join(t.TempDir(), "单独.xlsx")
	os.WriteFile(extra, nil, 0o644)
	got, err := Discover([]string{dir, extra, filepath.Join(dir, "b.xlsx")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range got {
		names = append(names, filepath.Base(p))
	}
	want := []string{"a.XLSX", "b.xlsx", "c.xlsm", "d.xls", "e.et", "单独.xlsx"}
	if len(got) != len(want) {
		t.Fatalf("got %q", names)
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(names, "|"), w) {
			t.Errorf("missing %s in %q", w, names)
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i-1] > got[i] {
			t.Errorf("not sorted: %q", got)
		}
	}
	_, err = Discover([]string{filepath.Join(dir, "没有.xlsx")})
	if err == nil || !strings.Contains(err.Error(), "找不到") || !strings.Contains(err.Error(), "没有.xlsx") {
		t.Errorf("err = %v", err)
	}
}
