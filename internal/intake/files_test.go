package intake

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/intake/testbuild"
	"github.com/taizhang/taizhang/internal/ledger"
)

// fileDiag reads path and checks it gives exactly one error with that code
// and message.
func fileDiag(t *testing.T, path, code, msg string) {
	t.Helper()
	res := Read(path, Options{})
	want := filepath.Base(path) + ": 错误: " + msg
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Code != code || res.Diagnostics[0].String() != want {
		t.Errorf("diagnostics %q (%v)\nwant %q (%s)", diags(res), codes(res), want, code)
	}
	if !res.File.Rejected || len(res.Items) != 0 {
		t.Errorf("rejected %v, items %d", res.File.Rejected, len(res.Items))
	}
}

func codes(res *Result) []string {
	var out []string
	for _, d := range res.Diagnostics {
		out = append(out, d.Code)
	}
	return out
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUnreadableFiles(t *testing.T) {
	good := testbuild.Write(t, t.TempDir(), "好.xlsx", testbuild.Ledger(title, okRow(1, "问")))
	data, _ := os.ReadFile(good)

	fileDiag(t, writeFile(t, "空.xlsx", nil), ledger.CodeEmptyFile,
		"文件是空的（0字节），可能没有保存或没有传完：请重新保存台账后再提交")
	fileDiag(t, writeFile(t, "半截.xlsx", data[:len(data)/2]), ledger.CodeCorrupt, corruptMessage)

	// A damaged part: the zip directory is intact but a part's data is not.
	damaged := bytes.Clone(data)
	for i := 40; i < len(damaged)/2; i++ {
		damaged[i] ^= 0x5A
	}
	fileDiag(t, writeFile(t, "坏.xlsx", damaged), ledger.CodeCorrupt, corruptMessage)

	xls, err := os.ReadFile("testdata/old-format.xls")
	if err != nil {
		t.Fatal(err)
	}
	fileDiag(t, writeFile(t, "旧.xls", xls), ledger.CodeLegacyXLS,
		"这是旧版Excel文件（.xls），本程序只读取.xlsx：请用Excel或WPS打开，“另存为”Excel工作簿（*.xlsx）后重新提交")

	fileDiag(t, writeFile(t, "网页.xls", []byte("\xEF\xBB\xBF<html><body><table><tr><td>序号</td></tr></table></body></html>")), ledger.CodeNotWorkbook,
		"这是网页格式的表格（常见于从业务系统导出的“.xls”），不是真正的Excel工作簿：请用Excel或WPS打开，“另存为”Excel工作簿（*.xlsx）后重新提交")
	fileDiag(t, writeFile(t, "文本.xlsx", []byte("序号,巡察反馈问题\n1,问题\n")), ledger.CodeNotWorkbook,
		"这是文本（CSV）文件，不是Excel工作簿：请用Excel或WPS打开，“另存为”Excel工作簿（*.xlsx）后重新提交")
	fileDiag(t, writeFile(t, "图片.xlsx", []byte{0x89, 'P', 'N', 'G', 0, 0, 0, 0}), ledger.CodeNotWorkbook,
		"这不是Excel工作簿（.xlsx）：请用Excel或WPS打开，“另存为”Excel工作簿（*.xlsx）后重新提交")
	fileDiag(t, writeFile(t, "文档.xlsx", zipOf(t, map[string]string{"word/document.xml": "<w:document/>", "[Content_Types].xml": "<Types/>"})), ledger.CodeNotWorkbook,
		"这是Word文档，不是Excel工作簿：请提交Excel格式（.xlsx）的台账")
}

func TestPasswordProtectedWorkbook(t *testing.T) {
	p := filepath.Join(t.TempDir(), "加密.xlsx")
	f := testbuild.Build(testbuild.Ledger(title, okRow(1, "问")))
	if err := f.SaveAs(p, excelize.Options{Password: "123456"}); err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 8)
	fh, _ := os.Open(p)
	fh.Read(head)
	fh.Close()
	if !bytes.Equal(head, cfbMagic) {
		t.Fatalf("excelize did not write an encrypted (CFB) file: % x", head)
	}
	fileDiag(t, p, ledger.CodeEncrypted,
		"文件设置了打开密码，无法读取：请在Excel或WPS中取消密码（文件→信息→保护工作簿）后重新保存，再重新提交")
}

// zipOf builds a zip with the given parts.
func zipOf(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	names := make([]string, 0, len(parts))
	for name := range parts {
		names = append(names, name)
	}
	sort.Strings(names) // the same bytes every time: fuzz seeds must be deterministic
	for _, name := range names {
		body := parts[name]
		fw, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, body)
	}
	w.Close()
	return buf.Bytes()
}

// minimalParts are the parts of a one-sheet package whose sheet XML the
// caller writes.
var minimalParts = map[string]string{
	"[Content_Types].xml":        `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
	"_rels/.rels":                `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
	"xl/workbook.xml":            `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>`,
	"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
}

// writeHugeSheet writes a package whose sheet part is produced by body.
func writeHugeSheet(t *testing.T, name string, body func(w io.Writer)) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(f)
	w.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	for n, b := range minimalParts {
		fw, _ := w.Create(n)
		io.WriteString(fw, b)
	}
	fw, _ := w.Create("xl/worksheets/sheet1.xml")
	body(fw)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

const headerXML = `<row r="1"><c r="A1" t="inlineStr"><is><t>巡察反馈问题</t></is></c><c r="B1" t="inlineStr"><is><t>整改措施</t></is></c><c r="C1" t="inlineStr"><is><t>整改时限</t></is></c><c r="D1" t="inlineStr"><is><t>整改进展情况</t></is></c><c r="E1" t="inlineStr"><is><t>整改状态</t></is></c></row>`

func TestZipBombIsRefusedQuickly(t *testing.T) {
	// 200 MB of zeros inflated from a few hundred kilobytes.
	p := writeHugeSheet(t, "炸弹.xlsx", func(w io.Writer) {
		io.WriteString(w, `<worksheet><sheetData>`+headerXML)
		zeros := make([]byte, 1<<20)
		for range 200 {
			w.Write(zeros)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	})
	if fi, _ := os.Stat(p); fi.Size() > 2<<20 {
		t.Fatalf("bomb is %d bytes", fi.Size())
	}
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	fileDiag(t, p, ledger.CodeTooLarge, "文件解压后超过64 MB，不像一份正常的台账（可能已损坏或被恶意构造），已拒绝读取：请检查文件后重新提交")
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("refusing allocated %d bytes", grew)
	}
}

func TestMillionRowSheetIsRefused(t *testing.T) {
	p := writeHugeSheet(t, "百万行.xlsx", func(w io.Writer) {
		io.WriteString(w, `<worksheet><sheetData>`+headerXML)
		for r := 2; r <= 1000000; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d"><v>%d</v></c></row>`, r, r, r)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	})
	bounded(t, 256<<20, func() {
		fileDiag(t, p, ledger.CodeTooLarge, "工作表“台账”超过10000行有内容（第10001行还有内容），不像一份正常的台账（可能已损坏或被恶意构造），已拒绝读取：请检查文件后重新提交")
	})
}

func TestCellsBeyondTheLastColumnAreRefused(t *testing.T) {
	// Excel's columns end at XFD (16384). A cell without a reference takes
	// the column after the previous one, so a crafted row can go on for
	// millions; each header candidate was then scanned that wide (seconds
	// and gigabytes from a small file).
	for _, c := range []struct{ name, cell string }{
		{"unnumbered", `<c><v>1</v></c>`},
		{"one column again and again", `<c r="F2"><v>1</v></c>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := writeHugeSheet(t, "大布村.xlsx", func(w io.Writer) {
				io.WriteString(w, `<worksheet><sheetData>`+headerXML+`<row r="2">`)
				for range 1_000_000 {
					io.WriteString(w, c.cell)
				}
				io.WriteString(w, `</row></sheetData></worksheet>`)
			})
			bounded(t, 64<<20, func() {
				fileDiag(t, p, ledger.CodeTooLarge, "工作表“台账”第2行超过16384列（Excel最多到XFD列），不像一份正常的台账（可能已损坏或被恶意构造），已拒绝读取：请检查文件后重新提交")
			})
		})
	}
}

func TestMillionsOfCellsAreRefused(t *testing.T) {
	// Within the row and column limits, 64 MB of XML still holds four
	// million one-digit cells: 600 MB to read, for every file read at once.
	p := writeHugeSheet(t, "大布村.xlsx", func(w io.Writer) {
		io.WriteString(w, `<worksheet><sheetData>`+headerXML)
		row := strings.Repeat(`<c><v>1</v></c>`, 400)
		for r := 2; r <= 10000; r++ {
			fmt.Fprintf(w, `<row r="%d">%s</row>`, r, row)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	})
	bounded(t, 256<<20, func() {
		fileDiag(t, p, ledger.CodeTooLarge, "工作表“台账”有超过1000000个有内容的单元格，不像一份正常的台账（可能已损坏或被恶意构造），已拒绝读取：请检查文件后重新提交")
	})
}

func TestMillionFormattedEmptyRowsAreSkipped(t *testing.T) {
	p := writeHugeSheet(t, "大布村.xlsx", func(w io.Writer) {
		io.WriteString(w, `<worksheet><sheetData>`+headerXML)
		io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>问题</t></is></c><c r="B2" t="inlineStr"><is><t>措施</t></is></c><c r="C2" t="inlineStr"><is><t>长期坚持</t></is></c><c r="D2" t="inlineStr"><is><t>进展</t></is></c><c r="E2" t="inlineStr"><is><t>长期坚持</t></is></c></row>`)
		for r := 3; r <= 300000; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d" s="1"/><c r="B%d" s="1"/></row>`, r, r, r)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	})
	res := Read(p, Options{})
	wantDiags(t, res)
	if len(res.Items) != 1 || res.File.RowsRead != 1 {
		t.Errorf("items %d rows %d", len(res.Items), res.File.RowsRead)
	}
}

func TestHugeCellIsRefused(t *testing.T) {
	// Excel and excelize cut cells at 32767 characters; a crafted file need not.
	p := writeHugeSheet(t, "大布村.xlsx", func(w io.Writer) {
		io.WriteString(w, `<worksheet><sheetData>`+headerXML)
		io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>问题</t></is></c><c r="B2" t="inlineStr"><is><t>措施</t></is></c><c r="C2" t="inlineStr"><is><t>长期坚持</t></is></c><c r="D2" t="inlineStr"><is><t>`)
		io.WriteString(w, strings.Repeat("很", 1<<20))
		io.WriteString(w, `</t></is></c><c r="E2" t="inlineStr"><is><t>长期坚持</t></is></c></row></sheetData></worksheet>`)
	})
	res := Read(p, Options{})
	wantDiags(t, res, "大布村.xlsx:台账!D2: 错误: 单元格内容超过32767个字（Excel单元格的上限），不像台账内容，已拒绝读取：请精简后重新提交")
	if len(res.Items) != 1 || res.Items[0].Progress != "" {
		t.Fatalf("items %d: the cell must be refused, never truncated", len(res.Items))
	}
}
