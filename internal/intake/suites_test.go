package intake

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/intake/testbuild"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/suitetest"
)

// TestOpenpyxlLedger reads a ledger written by openpyxl the way scripts
// write them: a status formula with no saved result (openpyxl never writes
// one), a cached error value, a percentage and a formatted amount, a hidden
// row and a row of column numbers.
func TestOpenpyxlLedger(t *testing.T) {
	py := suitetest.Python(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "大布村.xlsx")
	script := `
import sys, openpyxl, datetime
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "台账"
ws.append(["大布村整改台账"])
ws.append(["序号","巡察反馈问题","整改措施","整改时限","整改进展情况","整改状态","完成时间","备注"])
ws.append([1,2,3,4,5,6,7,8])
ws.append([1,"问一","措施一",datetime.date(2025,3,31),"已完成","已完成",datetime.date(2025,3,20),"投入12345.6元"])
ws.append([2,"问二","措施二","长期坚持",0.6,"=IF(G5<>\"\",\"已完成\",\"持续整改\")",None,None])
ws.append([3,"问三","措施三","2025年6月底前","推进中","持续整改",None,None])
ws["E6"].number_format = "0%"
ws["H4"].number_format = "#,##0.00"
ws["H4"].value = 12345.6
ws.row_dimensions[6].hidden = True
wb.save(sys.argv[1])
`
	if b, err := exec.Command(py, "-c", script, out).CombinedOutput(); err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, b)
	}
	res := Read(out, Options{})
	if len(res.Items) != 3 {
		t.Fatalf("items %d: %q", len(res.Items), diags(res))
	}
	hasDiag(t, res, ledger.CodeNoCachedValue, "F5", "没有保存计算结果")
	hasDiag(t, res, ledger.CodeHiddenRows, "", "有1行被隐藏")
	if res.Items[0].Note != "12,345.60" || res.Items[2].Problem != "问三" {
		t.Errorf("items %+v", res.Items)
	}
	for _, d := range res.Diagnostics {
		if strings.Contains(d.Message, "整改状态为空") {
			t.Errorf("%v", d)
		}
	}
}

// TestLibreOfficeSavedLedger has LibreOffice open and save a ledger with
// section rows, merged problems, a pasted second header and a hidden row,
// and reads what it wrote: the same tasks, categories and merges.
func TestLibreOfficeSavedLedger(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice is slow; skipped with -short")
	}
	dir := t.TempDir()
	r1, r2 := okRow(1, "合并的问题"), okRow(2, "")
	r1[1], r2[1], r2[2] = "", "", nil
	b := testbuild.Ledger(title, []any{"一、", "党的建设方面"}, r1, r2, testbuild.Header, okRow(3, "问三"))
	b.Sheets[0].Merges = append(b.Sheets[0].Merges, "C5:C6")
	b.Sheets[0].HiddenRows = []int{8}
	src := testbuild.Write(t, dir, "大布村.xlsx", b)
	outDir := filepath.Join(dir, "out")
	suitetest.ResaveLibreOffice(t, outDir, src)
	saved := filepath.Join(outDir, "大布村.xlsx")
	res := Read(saved, Options{})
	if len(res.Items) != 3 {
		t.Fatalf("items %d: %q", len(res.Items), diags(res))
	}
	hasDiag(t, res, ledger.CodeHiddenRows, "", "有1行被隐藏")
	it := res.Items[1]
	if it.Problem != "合并的问题" || !it.MergedUp.Has(ledger.ColProblem) || it.Category != "党的建设方面" || !it.FromSection {
		t.Errorf("item %+v", it)
	}
}
