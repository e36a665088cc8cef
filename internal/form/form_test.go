package form

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/intake"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/suitetest"
)

var dabu = ledger.Village{Name: "大布村", Org: "中共中山市三乡镇大布村委员会"}

func open(t *testing.T, o Options) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, o); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestBlankFormLayout(t *testing.T) {
	f := open(t, Options{Village: dabu, Round: "十五届市委第六轮"})
	if got := f.GetSheetList(); len(got) != 2 || got[0] != Sheet || got[1] != Instructions {
		t.Fatalf("sheets = %v", got)
	}
	if f.GetActiveSheetIndex() != 0 {
		t.Error("the ledger sheet is not the active one")
	}
	title, _ := f.GetCellValue(Sheet, "A1")
	if !strings.HasPrefix(title, dabu.Org) {
		t.Errorf("title = %q", title)
	}
	unit, _ := f.GetCellValue(Sheet, "A2")
	if unit != "填报单位："+dabu.Org {
		t.Errorf("unit line = %q", unit)
	}
	row, _ := f.GetRows(Sheet)
	var header []string
	for _, c := range ledger.Columns() {
		header = append(header, c.Name())
	}
	if strings.Join(row[HeaderRow-1], ",") != strings.Join(header, ",") {
		t.Errorf("header = %v", row[HeaderRow-1])
	}

	dvs, err := f.GetDataValidations(Sheet)
	if err != nil {
		t.Fatal(err)
	}
	byRange := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		byRange[dv.Sqref] = dv
	}
	st := byRange["J4:J2000"]
	if st == nil || st.Type != "list" || st.Formula1 != `"已完成,基本完成,持续整改,长期坚持"` {
		t.Errorf("status validation = %+v", st)
	}
	done := byRange["K4:K2000"]
	if done == nil || done.Type != "date" || !done.ShowErrorMessage {
		t.Errorf("完成时间 validation = %+v", done)
	}

	// The header is locked, the data cells are not, and the sheet is protected.
	locked := func(ref string) bool {
		id, _ := f.GetCellStyle(Sheet, ref)
		s, _ := f.GetStyle(id)
		return s.Protection == nil || s.Protection.Locked
	}
	if !locked("C3") || !locked("A1") {
		t.Error("header or title not locked")
	}
	if locked("C4") || locked("J10") || locked("M63") || locked("C500") {
		t.Error("data cells locked")
	}
	if locked("K2") == true {
		t.Error("填报日期 value cell locked")
	}
	w, _ := f.GetColWidth(Sheet, "C")
	if w < 30 {
		t.Errorf("巡察反馈问题 width = %v", w)
	}
	pl, _ := f.GetPageLayout(Sheet)
	if pl.Orientation == nil || *pl.Orientation != "landscape" || pl.Size == nil || *pl.Size != 9 {
		t.Errorf("page layout = %+v", pl)
	}
	names := f.GetDefinedName()
	found := false
	for _, n := range names {
		if n.Name == "_xlnm.Print_Titles" && n.RefersTo == "'台账'!$3:$3" {
			found = true
		}
	}
	if !found {
		t.Errorf("print titles missing: %+v", names)
	}
	if rows, _ := f.GetRows(Instructions); len(rows) < 5 || rows[0][0] != "填表说明" {
		t.Errorf("instructions = %v", rows)
	}
}

func TestProtectionIsWritten(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, Options{Village: dabu}); err != nil {
		t.Fatal(err)
	}
	// excelize has no getter for sheet protection: look in the XML.
	path := filepath.Join(t.TempDir(), "x.xlsx")
	os.WriteFile(path, buf.Bytes(), 0o644)
	if !bytes.Contains(suitetest.Part(t, path, "xl/worksheets/sheet1.xml"), []byte("<sheetProtection")) {
		t.Error("ledger sheet not protected")
	}
}

func TestSameInputSameBytes(t *testing.T) {
	var a, b bytes.Buffer
	o := Options{Village: dabu, Round: "十五届市委第六轮", Items: sampleItems()}
	Write(&a, o)
	Write(&b, o)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes of the same form differ")
	}
}

func sampleItems() []ledger.Item {
	var items []ledger.Item
	src := `[
 {"village":"大布村","seq":"1","category":"党的创新理论学习方面","problem":"“第一议题”制度落实不到位，学习记录不完整。","measures":"建立会前审核议题制度。","lead":"李明","unit":"村党委","person":"王芳","deadline":"2025-03-31","progress":"已制定议题审核制度，\n每次会议专人记录。","status":"已完成","done":"2025-03-20","evidence":"会议记录","note":""},
 {"village":"大布村","seq":"2","category":"党的创新理论学习方面","problem":"“第一议题”制度落实不到位，学习记录不完整。","measures":"开展专题培训。","lead":"李明","unit":"村党委","person":"王芳","deadline":"长期","progress":"每季度组织一次培训。","status":"长期坚持","done":"","evidence":"","note":"按季度"},
 {"village":"大布村","seq":"3","category":"推动村发展方面","problem":"集体经济收入来源单一。","measures":"盘活闲置资产。","lead":"陈刚","unit":"村经联社","person":"赵强","deadline":"2025-12-31","progress":"已完成资产清查，正在招租。","status":"持续整改","done":"","evidence":"","note":""},
 {"village":"大布村","seq":"4","category":"全面从严治党方面","problem":"警示教育针对性不强。","measures":"用身边案例开展警示教育。","lead":"陈刚","unit":"村纪检委员","person":"赵强","deadline":"立行立改","progress":"已组织观看警示教育片。","status":"基本完成","done":"","evidence":"","note":""}
]`
	if err := json.Unmarshal([]byte(src), &items); err != nil {
		panic(err)
	}
	return items
}

// TestRoundTripThroughIntake writes a prefilled form and reads it back the
// way the town reads a village's file: every task comes back equal.
func TestRoundTripThroughIntake(t *testing.T) {
	items := sampleItems()
	dir := t.TempDir()
	path := filepath.Join(dir, FileName("大布村"))
	var buf bytes.Buffer
	if err := Write(&buf, Options{Village: dabu, Round: "十五届市委第六轮", Items: items}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, buf.Bytes(), 0o644)
	res := intake.Read(path, intake.Options{Villages: []ledger.Village{dabu, {Name: "塘敢村", Org: "中共中山市三乡镇塘敢村总支部委员会"}}})
	for _, d := range res.Diagnostics {
		t.Errorf("diagnostic: %s", d)
	}
	if res.File.Village != "大布村" {
		t.Errorf("village = %q", res.File.Village)
	}
	if len(res.Items) != len(items) {
		t.Fatalf("read %d items, want %d", len(res.Items), len(items))
	}
	for i := range items {
		want, got := comparable(items[i]), comparable(res.Items[i])
		if want != got {
			t.Errorf("item %d:\n got %s\nwant %s", i+1, got, want)
		}
	}
}

// comparable is an item's fields as JSON, without where it was read.
func comparable(it ledger.Item) string {
	it.Source = ledger.Source{}
	b, _ := json.Marshal(it)
	return string(b)
}
