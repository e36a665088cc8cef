package annotate

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/suitetest"
)

// rewriteZip copies the xlsx at src to dst with one part changed.
func rewriteZip(t *testing.T, src, dst, part string, edit func(string) string) {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == part {
			b = []byte(edit(string(b)))
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	zw.Close()
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMarkedCellsKeepValidColours: the colours openpyxl writes (alpha 00,
// "00000000") and LibreOffice writes (a border line with no colour)
// come through the annotated copy as the village saved them, and every
// colour in it is eight-digit aRGB — never excelize's FF00000000 or FF,
// which openpyxl and pandas refuse. (The suites themselves read the copies
// in TestAnnotatedCopiesOpenInEverySuite.)
func TestMarkedCellsKeepValidColours(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.xlsx")
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "台账")
	st, _ := f.NewStyle(&excelize.Style{
		Font:   &excelize.Font{Family: "宋体", Size: 10, Color: "123456"},
		Border: []excelize.Border{{Type: "left", Color: "654321", Style: 1}},
	})
	f.SetCellStr("台账", "B2", "搁置")
	f.SetCellStyle("台账", "B2", "B2", st)
	f.SetCellStr("台账", "C2", "已完成")
	if err := f.SaveAs(base); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// As openpyxl and LibreOffice save them.
	src := filepath.Join(dir, "大布村.xlsx")
	rewriteZip(t, base, src, "xl/styles.xml", func(s string) string {
		s = strings.Replace(s, `rgb="FF123456"`, `rgb="00000000"`, 1)
		return strings.Replace(s, `<color rgb="FF654321"></color>`, ``, 1)
	})
	if b := string(suitetest.Part(t, src, "xl/styles.xml")); !strings.Contains(b, `rgb="00000000"`) || !strings.Contains(b, `<left style="thin"></left>`) {
		t.Fatalf("the input does not carry the suites' colours:\n%s", b)
	}
	dst := filepath.Join(dir, "大布村-已批注.xlsx")
	if _, err := Copy(src, dst, []ledger.Diagnostic{
		{Severity: ledger.Error, Sheet: "台账", Cell: "B2", Message: "整改状态“搁置”不是允许的状态"},
		{Severity: ledger.Warning, Sheet: "台账", Cell: "C2", Message: "x"},
	}); err != nil {
		t.Fatal(err)
	}
	styles := string(suitetest.Part(t, dst, "xl/styles.xml"))
	for _, m := range regexp.MustCompile(`rgb="([^"]*)"`).FindAllStringSubmatch(styles, -1) {
		if !regexp.MustCompile(`^[0-9A-Fa-f]{8}$`).MatchString(m[1]) {
			t.Errorf("colour rgb=%q is not eight-digit aRGB", m[1])
		}
	}
	if !strings.Contains(styles, `rgb="00000000"`) || !strings.Contains(styles, `rgb="FF`+ErrorFill+`"`) {
		t.Errorf("the village's colour or the error fill is missing:\n%s", styles)
	}
}
