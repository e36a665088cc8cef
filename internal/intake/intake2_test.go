package intake

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/intake/testbuild"
	"github.com/taizhang/taizhang/internal/ledger"
)

// Tests of issue 10: every sheet, row and column accounted for.

var town = []ledger.Village{{Name: "大布村"}, {Name: "塘敢村"}, {Name: "茅湾村"}}

func hasDiag(t *testing.T, res *Result, code, cell, contains string) ledger.Diagnostic {
	t.Helper()
	for _, d := range res.Diagnostics {
		if d.Code == code && (cell == "" || d.Cell == cell) && strings.Contains(d.Message, contains) {
			return d
		}
	}
	t.Fatalf("no %s diagnostic at %q containing %q; got %q", code, cell, contains, diags(res))
	return ledger.Diagnostic{}
}

func TestInstructionSheetWithExamplesIsNotTheLedger(t *testing.T) {
	example := okRow("示例", "示例：三会一课记录不全")
	b := tb{Sheets: []sh{
		{Name: "Sheet1", Rows: [][]any{testbuild.Header, example}},
		testbuild.Ledger(title, okRow(1, "问一"), okRow(2, "问二")).Sheets[0],
	}}
	res := read(t, "大布村.xlsx", b, Options{})
	wantDiags(t, res)
	if len(res.Items) != 2 || res.Items[0].Source.Sheet != "台账" {
		t.Fatalf("items %+v", res.Items)
	}
	if s := res.File.Sheets[0]; s.Sheet != "Sheet1" || s.Read || !strings.Contains(s.Reason, "示例") {
		t.Errorf("the 示例 sheet is not reported as skipped: %+v", res.File.Sheets)
	}
}

func TestLedgerContinuedOverSheets(t *testing.T) {
	a := testbuild.Ledger(title, okRow(1, "党建问题")).Sheets[0]
	a.Name = "党的建设"
	c := testbuild.Ledger(title, okRow(1, "作风问题"), okRow(2, "作风问题二")).Sheets[0]
	c.Name = "作风建设"
	res := read(t, "大布村.xlsx", tb{Sheets: []sh{a, c}}, Options{Villages: town})
	wantDiags(t, res)
	if len(res.Items) != 3 {
		t.Fatalf("items %d", len(res.Items))
	}
	if res.Items[0].Source.Sheet != "党的建设" || res.Items[2].Source.Sheet != "作风建设" {
		t.Errorf("sources %q %q", res.Items[0].Source.Sheet, res.Items[2].Source.Sheet)
	}
}

func TestOneSheetPerVillage(t *testing.T) {
	a := testbuild.Ledger("大布村整改台账", okRow(1, "问一")).Sheets[0]
	a.Name = "大布村"
	c := testbuild.Ledger("塘敢村整改台账", okRow(1, "问二"), okRow(2, "问三")).Sheets[0]
	c.Name = "塘敢村"
	res := read(t, "第三片区汇总.xlsx", tb{Sheets: []sh{a, c}}, Options{Villages: town})
	wantDiags(t, res)
	if len(res.Items) != 3 || res.Items[0].Village != "大布村" || res.Items[1].Village != "塘敢村" {
		t.Fatalf("items %+v", res.Items)
	}
	if got := res.File.Villages(); !slices.Equal(got, []string{"大布村", "塘敢村"}) {
		t.Errorf("villages %v", got)
	}
}

func TestMonthSnapshots(t *testing.T) {
	june := testbuild.Ledger(title, okRow(1, "旧")).Sheets[0]
	june.Name = "6月"
	sept := testbuild.Ledger(title, okRow(1, "新"), okRow(2, "新二")).Sheets[0]
	sept.Name = "9月更新"
	res := read(t, "大布村.xlsx", tb{Sheets: []sh{june, sept}}, Options{})
	if len(res.Items) != 2 || res.Items[0].Problem != "新" {
		t.Fatalf("items %+v", res.Items)
	}
	d := hasDiag(t, res, ledger.CodeSheetChoice, "", "“9月更新”")
	if d.Severity != ledger.Warning || !strings.Contains(d.Message, "“6月”") {
		t.Errorf("warning %v", d)
	}

	dec := testbuild.Ledger(title, okRow(1, "去年")).Sheets[0]
	dec.Name = "2024年12月"
	jan := testbuild.Ledger(title, okRow(1, "今年")).Sheets[0]
	jan.Name = "2025年1月"
	res = read(t, "大布村.xlsx", tb{Sheets: []sh{dec, jan}}, Options{})
	if len(res.Items) != 1 || res.Items[0].Problem != "今年" {
		t.Errorf("across a year: %+v", res.Items)
	}

	other := testbuild.Ledger(title, okRow(1, "又")).Sheets[0]
	other.Name = "6月(2)"
	res = read(t, "大布村.xlsx", tb{Sheets: []sh{june, other}}, Options{})
	d = hasDiag(t, res, ledger.CodeSheetChoice, "", "无法判断")
	if d.Severity != ledger.Error || !strings.Contains(d.Message, "“6月”") || !strings.Contains(d.Message, "“6月(2)”") {
		t.Errorf("error %v", d)
	}
}

func TestColumnNumberRowRepeatedHeaderAndPastedTable(t *testing.T) {
	nums := []any{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
	// A pasted table with its own header, columns in another order.
	pasted := []any{"序号", "巡察反馈问题", "问题类别", "整改措施", "责任领导", "责任单位", "责任人",
		"整改时限", "整改进展情况", "整改状态", "完成时间", "佐证材料", "备注"}
	swapped := okRow(3, "问三")
	swapped[1], swapped[2] = swapped[2], "类别三"
	b := testbuild.Ledger(title, nums, okRow(1, "问一"), testbuild.Header, okRow(2, "问二"), pasted, swapped)
	res := read(t, "大布村.xlsx", b, Options{})
	wantDiags(t, res)
	if len(res.Items) != 3 || res.Items[2].Problem != "问三" || res.Items[2].Category != "类别三" {
		t.Fatalf("items %+v", res.Items)
	}
	var reasons []string
	for _, n := range res.File.Sheets[0].Skipped {
		reasons = append(reasons, n.Reason)
	}
	if len(reasons) != 3 || !strings.Contains(reasons[0], "列序号") || !strings.Contains(reasons[1], "重复的表头") || !strings.Contains(reasons[2], "另一张表") {
		t.Errorf("skipped %q", reasons)
	}
}

func TestSectionRowsInEveryForm(t *testing.T) {
	row := func(seq any, problem string) []any { r := okRow(seq, problem); r[1] = ""; return r }
	b := testbuild.Ledger(title,
		[]any{"一、", "党的建设方面"}, // 一、 in 序号, title beside
		row(1, "问一"),
		[]any{"二、", "", "作风建设方面"}, // title in the problem column, 一、 in 序号
		row(1, "问二"),              // 序号 restarting per section
		[]any{"（三）"},              // （三） alone
		row(1, "问三"),
		[]any{"", "", "四、基层治理方面"}, // title in the problem column
		row(2, "问四"),
		[]any{"五、", "组织建设方面"},
		row(1, "问五"),
	)
	b.Sheets[0].Merges = append(b.Sheets[0].Merges, "B12:M12") // the last title merged across
	res := read(t, "大布村.xlsx", b, Options{})
	wantDiags(t, res)
	var got []string
	for _, it := range res.Items {
		got = append(got, it.Problem+"="+it.Category)
		if !it.FromSection {
			t.Errorf("%s: FromSection not set", it.Problem)
		}
	}
	want := []string{"问一=党的建设方面", "问二=作风建设方面", "问三=（三）", "问四=基层治理方面", "问五=组织建设方面"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	// A category column is not a section.
	res = read(t, "大布村.xlsx", testbuild.Ledger(title, okRow(1, "问")), Options{})
	if res.Items[0].FromSection {
		t.Error("FromSection set without a section row")
	}
}

func TestMergedUpColumns(t *testing.T) {
	r1, r2, r3 := okRow(1, "合并的问题"), okRow(2, ""), okRow(3, "")
	r2[2], r3[2] = nil, nil
	b := testbuild.Ledger(title, r1, r2, r3, okRow(4, "单独的问题"))
	b.Sheets[0].Merges = append(b.Sheets[0].Merges, "C4:C6", "F4:F5")
	res := read(t, "大布村.xlsx", b, Options{})
	wantDiags(t, res)
	if len(res.Items) != 4 {
		t.Fatalf("items %d", len(res.Items))
	}
	m := []ledger.ColumnSet{res.Items[0].MergedUp, res.Items[1].MergedUp, res.Items[2].MergedUp, res.Items[3].MergedUp}
	if m[0] != 0 || !m[1].Has(ledger.ColProblem) || !m[1].Has(ledger.ColUnit) || !m[2].Has(ledger.ColProblem) || m[2].Has(ledger.ColUnit) || m[3] != 0 {
		t.Errorf("merged up %v", m)
	}
	if res.Items[2].Problem != "合并的问题" {
		t.Errorf("problem %q", res.Items[2].Problem)
	}
}

func TestTotalRowsAndStrayCellsFarBelow(t *testing.T) {
	total := []any{"汇总", nil, nil, nil, nil, nil, nil, nil, nil, testbuild.Formula{F: "SUBTOTAL(103,J4:J5)", Cached: 2}}
	b := testbuild.Ledger(title, okRow(1, "问一"), okRow(2, "问二"), total, []any{"合计：2项"})
	b.Sheets[0].Cells = map[string]any{"A60000": " ", "B12000": "x"}
	res := read(t, "大布村.xlsx", b, Options{Limits: Limits{MaxRows: 100}})
	wantDiags(t, res)
	if len(res.Items) != 2 {
		t.Fatalf("items %d", len(res.Items))
	}
}

func TestHiddenRowsAreReadWithOneWarning(t *testing.T) {
	b := testbuild.Ledger(title, okRow(1, "问一"), okRow(2, "问二"), okRow(3, "问三"))
	b.Sheets[0].HiddenRows = []int{4, 6}
	res := read(t, "大布村.xlsx", b, Options{})
	if len(res.Items) != 3 {
		t.Fatalf("items %d", len(res.Items))
	}
	d := hasDiag(t, res, ledger.CodeHiddenRows, "", "有2行被隐藏")
	if d.Severity != ledger.Warning || len(res.Diagnostics) != 1 {
		t.Errorf("%q", diags(res))
	}
}

func TestTwoColumnsForOneField(t *testing.T) {
	header := append(append([]any(nil), testbuild.Header...), "整改进展情况", "整改状态")
	row := append(okRow(1, "问"), "九月进展", "持续整改")
	b := tb{Sheets: []sh{{Name: "台账", Rows: [][]any{{title}, header, row}, HiddenCols: []string{"I", "J"}}}}
	res := read(t, "大布村.xlsx", b, Options{})
	if len(res.Items) != 1 || res.Items[0].Progress != "九月进展" || res.Items[0].Status != ledger.StatusOngoing {
		t.Fatalf("items %+v", res.Items)
	}
	d := hasDiag(t, res, ledger.CodeTwoColumns, "", "读取了未隐藏的N列")
	if d.Severity != ledger.Warning {
		t.Error(d)
	}
	b.Sheets[0].HiddenCols = nil
	res = read(t, "大布村.xlsx", b, Options{})
	d = hasDiag(t, res, ledger.CodeTwoColumns, "", "I列、N列")
	if d.Severity != ledger.Error {
		t.Error(d)
	}
}

func TestPlannedTimeIsTheDeadlineNeverTheDoneDate(t *testing.T) {
	header := []any{"序号", "存在的问题", "整改措施", "责任主体", "计划完成时间", "整改进度", "整改状态", "实际完成时间"}
	row := []any{1, "问", "措施", "村委会", date{T: day(2025, 6, 30)}, "60%", "已完成", date{T: day(2025, 5, 1)}}
	res := read(t, "大布村.xlsx", tb{Sheets: []sh{{Name: "台账", Rows: [][]any{{title}, header, row}}}}, Options{})
	wantDiags(t, res)
	it := res.Items[0]
	if it.Deadline.Date != ledger.DateOf(day(2025, 6, 30)) || it.Done != ledger.DateOf(day(2025, 5, 1)) || it.Unit != "村委会" || it.Progress != "60%" || it.Problem != "问" {
		t.Errorf("%+v", it)
	}
}

func TestErrorValuesAndFormulasWithoutResult(t *testing.T) {
	r := okRow(1, "问")
	r[8] = "#REF!"
	r[9] = testbuild.Formula{F: `IF(K4<>"","已完成","持续整改")`}
	r2 := okRow(2, "#N/A")
	res := read(t, "大布村.xlsx", testbuild.Ledger(title, r, r2), Options{})
	hasDiag(t, res, ledger.CodeErrorValue, "I4", "“#REF!”")
	hasDiag(t, res, ledger.CodeNoCachedValue, "J4", "用Excel或WPS打开并保存一次")
	hasDiag(t, res, ledger.CodeErrorValue, "C5", "“#N/A”")
	for _, d := range res.Diagnostics {
		if strings.Contains(d.Message, "整改状态为空") {
			t.Errorf("a formula without a result reported as empty: %v", d)
		}
	}
}

func TestNumbersReadAsShown(t *testing.T) {
	r := okRow(1, "问")
	r[8] = testbuild.Number{V: 0.6, Format: "0%"}
	r[12] = testbuild.Number{V: 12345.6, Format: "#,##0.00"}
	res := read(t, "大布村.xlsx", testbuild.Ledger(title, r), Options{})
	wantDiags(t, res)
	if it := res.Items[0]; it.Progress != "60%" || it.Note != "12,345.60" {
		t.Errorf("progress %q note %q", it.Progress, it.Note)
	}
}

func TestLinksAreNeverFollowed(t *testing.T) {
	outside := t.TempDir()
	target := testbuild.Write(t, outside, "大布村.xlsx", testbuild.Ledger(title, okRow(1, "问")))
	inbox := t.TempDir()
	link := filepath.Join(inbox, "大布村.xlsx")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	os.WriteFile(filepath.Join(inbox, "塘敢村.lnk"), []byte("L\x00\x00\x00"), 0o644)
	paths, err := Discover([]string{inbox})
	if err != nil || len(paths) != 2 {
		t.Fatalf("discover %v %v", paths, err)
	}
	for _, p := range paths {
		res := Read(p, Options{})
		if len(res.Items) != 0 || res.File.SHA256 != "" {
			t.Errorf("%s was followed", p)
		}
		hasDiag(t, res, ledger.CodeLink, "", "“"+filepath.Base(p)+"”")
	}
}

func TestUnreadFilesAreNamed(t *testing.T) {
	inbox := t.TempDir()
	for _, n := range []string{"大布村整改佐证.pdf", "塘敢村.zip", "茅湾村台账", "taizhang.yaml", "~$大布村.xlsx"} {
		os.WriteFile(filepath.Join(inbox, n), []byte("x"), 0o644)
	}
	paths, err := Discover([]string{inbox})
	if err != nil || len(paths) != 3 {
		t.Fatalf("discover %q %v", paths, err)
	}
	for _, p := range paths {
		res := Read(p, Options{Villages: town})
		if !res.File.Unread || res.File.Village == "" {
			t.Errorf("%s: unread %v village %q", p, res.File.Unread, res.File.Village)
		}
		d := hasDiag(t, res, ledger.CodeUnread, "", "“"+filepath.Base(p)+"”")
		if d.Severity != ledger.Warning {
			t.Error(d)
		}
	}
}

func TestEveryCellSharingOneHugeStringIsRefusedAtEachCell(t *testing.T) {
	p := writeFile(t, "大布村.xlsx", hugeSharedStringBook(t, 200))
	res := Read(p, Options{})
	n := 0
	for _, d := range res.Diagnostics {
		if d.Code == ledger.CodeTooLarge && d.Cell != "" {
			n++
		}
	}
	if n != 200 {
		t.Errorf("%d cells refused, want 200: %q", n, diags(res)[:min(3, len(res.Diagnostics))])
	}
}

// hugeSharedStringBook is a small workbook whose one shared string of a
// million characters is referenced by a cell in each of rows rows.
func hugeSharedStringBook(t testing.TB, rows int) []byte {
	parts := map[string]string{}
	for k, v := range minimalParts {
		parts[k] = v
	}
	parts["xl/sharedStrings.xml"] = `<sst><si><t>` + strings.Repeat("很", 1<<20) + `</t></si></sst>`
	var b strings.Builder
	b.WriteString(`<worksheet><sheetData>` + headerXML)
	for r := 2; r < rows+2; r++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>问题</t></is></c><c r="B%d" t="inlineStr"><is><t>措施</t></is></c><c r="C%d" t="inlineStr"><is><t>长期坚持</t></is></c><c r="D%d" t="s"><v>0</v></c><c r="E%d" t="inlineStr"><is><t>长期坚持</t></is></c></row>`, r, r, r, r, r, r)
	}
	b.WriteString(`</sheetData></worksheet>`)
	parts["xl/worksheets/sheet1.xml"] = b.String()
	return zipOf(t, parts)
}
