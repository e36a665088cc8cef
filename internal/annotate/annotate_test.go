package annotate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/ledger"
)

func TestMergedCellsAndExistingComments(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "大布村.xlsx")
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "台账")
	f.SetCellStr("台账", "C4", "一个问题，三条措施")
	f.MergeCell("台账", "C4", "C6")
	f.SetCellStr("台账", "J5", "搁置")
	f.AddComment("台账", excelize.Comment{Cell: "J5", Author: "村文书", Paragraph: []excelize.RichTextRun{{Text: "村里原有的批注"}}})
	if err := f.SaveAs(src); err != nil {
		t.Fatal(err)
	}
	f.Close()
	before, _ := os.ReadFile(src)

	dst := filepath.Join(dir, "out", "大布村-已批注.xlsx")
	res, err := Copy(src, dst, []ledger.Diagnostic{
		{Severity: ledger.Warning, Sheet: "台账", Cell: "C5", Message: "反馈问题与上一行相同"},
		{Severity: ledger.Error, Sheet: "台账", Cell: "J5", Message: "整改状态“搁置”不是允许的状态"},
		{Severity: ledger.Error, Sheet: "台账", Cell: "J5", Message: "已完成的任务没有完成时间"},
		{Severity: ledger.Error, Message: "缺少“整改时限”列"},
		{Severity: ledger.Error, Sheet: "不存在", Cell: "A1", Message: "x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cells != 2 || res.Unplaced != 2 {
		t.Errorf("result = %+v", res)
	}
	if after, _ := os.ReadFile(src); string(after) != string(before) {
		t.Error("source changed")
	}
	g, err := excelize.OpenFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	fillOf := func(cell string) string {
		id, _ := g.GetCellStyle("台账", cell)
		st, _ := g.GetStyle(id)
		if st == nil || len(st.Fill.Color) == 0 {
			return ""
		}
		return strings.ToUpper(st.Fill.Color[0])
	}
	// A diagnostic inside a merged range marks the whole range, its comment on the top-left cell.
	for _, c := range []string{"C4", "C5", "C6"} {
		if fillOf(c) != WarningFill {
			t.Errorf("%s fill = %q", c, fillOf(c))
		}
	}
	if fillOf("J5") != ErrorFill {
		t.Errorf("J5 fill = %q", fillOf("J5"))
	}
	cms, _ := g.GetComments("台账")
	text := map[string]string{}
	for _, c := range cms {
		s := c.Text
		for _, r := range c.Paragraph {
			s += r.Text
		}
		text[c.Cell] = s
	}
	if !strings.Contains(text["C4"], "反馈问题与上一行相同") {
		t.Errorf("C4 comment = %q", text["C4"])
	}
	j := text["J5"]
	if !strings.Contains(j, "村里原有的批注") || !strings.Contains(j, "搁置") || !strings.Contains(j, "没有完成时间") {
		t.Errorf("J5 comment = %q", j)
	}
}

func TestText(t *testing.T) {
	s := Text("塘敢村", "塘敢村台账.xlsx", "塘敢村台账-已批注.xlsx", []ledger.Diagnostic{
		{Severity: ledger.Warning, Sheet: "台账", Cell: "H9", Message: "整改时限已过"},
		{Severity: ledger.Error, Sheet: "台账", Cell: "J12", Message: "整改状态“搁置”不是允许的状态"},
		{Severity: ledger.Error, Row: 15, Message: "巡察反馈问题为空"},
	})
	for _, want := range []string{"塘敢村：", "有 2 条错误、1 条警告", "错误：\n1. 台账!J12：整改状态", "2. 第15行：巡察反馈问题为空", "警告：\n1. 台账!H9：整改时限已过", "标注好的工作簿：塘敢村台账-已批注.xlsx"} {
		if !strings.Contains(s, want) {
			t.Errorf("text lacks %q:\n%s", want, s)
		}
	}
}
