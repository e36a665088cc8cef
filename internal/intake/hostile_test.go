package intake

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/ledger"
)

// Hostile workbooks beyond files_test.go's: a gigabyte bomb, honest and
// lying about its size; nesting a million elements deep in each XML part
// that is read; a megabyte shared string. Each is generated here, in a
// fraction of a second, and must be refused or read within a few megabytes.

// zerosDeflated returns a raw deflate stream of n MiB of zeros, built by
// repeating one flushed (byte-aligned, self-contained) block of 1 MiB, and
// the CRC-32 of what it inflates to.
func zerosDeflated(t *testing.T, mib int) ([]byte, uint32) {
	t.Helper()
	zeros := make([]byte, 1<<20)
	var block bytes.Buffer
	fw, _ := flate.NewWriter(&block, flate.BestCompression)
	fw.Write(zeros)
	fw.Flush()
	one := append([]byte(nil), block.Bytes()...)
	var tail bytes.Buffer
	fw2, _ := flate.NewWriter(&tail, flate.BestCompression)
	fw2.Close() // a final empty block
	out := bytes.Repeat(one, mib)
	out = append(out, tail.Bytes()...)
	crc := uint32(0)
	for range mib {
		crc = crc32.Update(crc, crc32.IEEETable, zeros)
	}
	return out, crc
}

// writeBomb writes a package whose sheet inflates to mib MiB of zeros after
// its header row; declared is the size its zip headers claim.
func writeBomb(t *testing.T, name string, mib int, declared uint64) string {
	t.Helper()
	head := []byte(`<worksheet><sheetData>` + headerXML)
	var hb bytes.Buffer
	fw, _ := flate.NewWriter(&hb, flate.BestSpeed)
	fw.Write(head)
	fw.Flush()
	body, _ := zerosDeflated(t, mib)
	raw := append(hb.Bytes(), body...)
	crc := crc32.Update(0, crc32.IEEETable, head)
	for range mib {
		crc = crc32.Update(crc, crc32.IEEETable, make([]byte, 1<<20))
	}

	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := zip.NewWriter(f)
	for n, b := range minimalParts {
		fw, _ := w.Create(n)
		io.WriteString(fw, b)
	}
	rw, err := w.CreateRaw(&zip.FileHeader{
		Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(raw)), UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatal(err)
	}
	rw.Write(raw)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// bounded runs read and fails if it allocated more than alloc bytes in all:
// the work a hostile file costs, measured without a clock (times belong in
// the benchmarks, which 2 cores and -race do not flake).
func bounded(t *testing.T, alloc uint64, read func()) {
	t.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	read()
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > alloc {
		t.Errorf("allocated %d MB, want under %d MB", grew>>20, alloc>>20)
	}
}

func TestGigabyteBombIsRefusedFromItsHeaders(t *testing.T) {
	const gib = 1024 // MiB
	p := writeBomb(t, "炸弹.xlsx", gib, gib<<20+uint64(len(headerXML)+22))
	if fi, _ := os.Stat(p); fi.Size() > 4<<20 {
		t.Fatalf("bomb is %d bytes", fi.Size())
	}
	bounded(t, 8<<20, func() {
		fileDiag(t, p, ledger.CodeTooLarge, "文件解压后超过64 MB，不像一份正常的台账（可能已损坏或被恶意构造），已拒绝读取：请检查文件后重新提交")
	})
}

func TestGigabyteBombLyingAboutItsSizeIsRefused(t *testing.T) {
	// The headers claim 100 KB; the reader must stop at the claim, not
	// inflate the gigabyte.
	p := writeBomb(t, "炸弹.xlsx", 1024, 100<<10)
	bounded(t, 16<<20, func() {
		res := Read(p, Options{})
		if !res.File.Rejected || len(res.Items) != 0 || len(res.Diagnostics) != 1 {
			t.Fatalf("rejected %v, items %d, diagnostics %q", res.File.Rejected, len(res.Items), diags(res))
		}
		if c := res.Diagnostics[0].Code; c != ledger.CodeCorrupt && c != ledger.CodeTooLarge {
			t.Errorf("code %s: %s", c, res.Diagnostics[0])
		}
	})
}

// nested is depth levels of <x> around text, as a hostile generator would
// write to exhaust a recursive parser's stack.
func nested(depth int) string {
	return strings.Repeat("<x>", depth) + "深" + strings.Repeat("</x>", depth)
}

func TestDeeplyNestedXMLIsHandled(t *testing.T) {
	const depth = 1_000_000 // 3 MB of <x>
	deep := nested(depth)
	row := func(progress string) string {
		return `<row r="2"><c r="A2" t="inlineStr"><is><t>问题</t></is></c><c r="B2" t="inlineStr"><is><t>措施</t></is></c><c r="C2" t="inlineStr"><is><t>长期坚持</t></is></c>` +
			progress + `<c r="E2" t="inlineStr"><is><t>长期坚持</t></is></c></row>`
	}
	plain := `<worksheet><sheetData>` + headerXML + row(`<c r="D2" t="inlineStr"><is><t>进展</t></is></c>`) + `</sheetData></worksheet>`
	cases := []struct {
		name  string
		parts map[string]string
	}{
		// In the sheet, between rows: the streaming scanner skips it.
		{"sheet", map[string]string{"xl/worksheets/sheet1.xml": `<worksheet><sheetData>` + headerXML + deep +
			row(`<c r="D2" t="inlineStr"><is><t>进展</t></is></c>`) + `</sheetData></worksheet>`}},
		// In a cell's rich text.
		{"cell", map[string]string{"xl/worksheets/sheet1.xml": `<worksheet><sheetData>` + headerXML +
			row(`<c r="D2" t="inlineStr"><is>`+deep+`</is></c>`) + `</sheetData></worksheet>`}},
		// In the workbook part, read with encoding/xml.
		{"workbook", map[string]string{
			"xl/workbook.xml":          strings.Replace(minimalParts["xl/workbook.xml"], "<sheets>", deep+"<sheets>", 1),
			"xl/worksheets/sheet1.xml": plain}},
		// In the shared strings, around the string a cell uses.
		{"sharedStrings", map[string]string{
			"xl/sharedStrings.xml":     `<sst><si>` + deep + `</si></sst>`,
			"xl/worksheets/sheet1.xml": `<worksheet><sheetData>` + headerXML + row(`<c r="D2" t="s"><v>0</v></c>`) + `</sheetData></worksheet>`}},
		// In the relationships.
		{"rels", map[string]string{
			"xl/_rels/workbook.xml.rels": strings.Replace(minimalParts["xl/_rels/workbook.xml.rels"], "<Relationship ", deep+"<Relationship ", 1),
			"xl/worksheets/sheet1.xml":   plain}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parts := map[string]string{}
			for k, v := range minimalParts {
				parts[k] = v
			}
			for k, v := range c.parts {
				parts[k] = v
			}
			p := writeFile(t, "大布村.xlsx", zipOf(t, parts))
			bounded(t, 256<<20, func() {
				res := Read(p, Options{})
				// Either the task is read or the file is refused with a
				// message; never a crash, a hang or silence.
				if len(res.Items) != 1 && len(res.Diagnostics) == 0 {
					t.Errorf("%d items and nothing said", len(res.Items))
				}
				for _, d := range res.Diagnostics {
					if d.Code == ledger.CodeInternal {
						t.Errorf("internal error: %s", d)
					}
				}
				t.Logf("%d items, %q", len(res.Items), diags(res))
			})
		})
	}
}

func TestMillionCommentsDoNotExhaustTheStack(t *testing.T) {
	// Comments, processing instructions and <!…> declarations between the
	// rows are skipped. A stack overflow is fatal, not a panic Read could
	// recover, so skipping must not recurse: under the 64 MB unzip limit,
	// 16 million <??> would need more than Go's 1 GB stack. The test lowers
	// the limit to 64 MB so that a recursive scanner fails here without
	// first taking a gigabyte.
	defer debug.SetMaxStack(debug.SetMaxStack(64 << 20))
	for _, filler := range []string{"<!---->", "<??>", "<!x>"} {
		t.Run(filler, func(t *testing.T) {
			parts := map[string]string{}
			for k, v := range minimalParts {
				parts[k] = v
			}
			parts["xl/worksheets/sheet1.xml"] = `<worksheet><sheetData>` + headerXML + strings.Repeat(filler, 1_000_000) +
				`<row r="2"><c r="A2" t="inlineStr"><is><t>问题</t></is></c><c r="B2" t="inlineStr"><is><t>措施</t></is></c><c r="C2" t="inlineStr"><is><t>长期坚持</t></is></c><c r="D2" t="inlineStr"><is><t>进展</t></is></c><c r="E2" t="inlineStr"><is><t>长期坚持</t></is></c></row></sheetData></worksheet>`
			p := writeFile(t, "大布村.xlsx", zipOf(t, parts))
			bounded(t, 64<<20, func() {
				res := Read(p, Options{})
				wantDiags(t, res)
				if len(res.Items) != 1 || res.Items[0].Progress != "进展" {
					t.Errorf("items %+v", res.Items)
				}
			})
		})
	}
}

func TestMegabyteSharedStringIsRefused(t *testing.T) {
	parts := map[string]string{}
	for k, v := range minimalParts {
		parts[k] = v
	}
	parts["xl/sharedStrings.xml"] = `<sst><si><t>` + strings.Repeat("很", 1<<20) + `</t></si></sst>`
	parts["xl/worksheets/sheet1.xml"] = `<worksheet><sheetData>` + headerXML +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>问题</t></is></c><c r="B2" t="inlineStr"><is><t>措施</t></is></c><c r="C2" t="inlineStr"><is><t>长期坚持</t></is></c><c r="D2" t="s"><v>0</v></c><c r="E2" t="inlineStr"><is><t>长期坚持</t></is></c></row></sheetData></worksheet>`
	p := writeFile(t, "大布村.xlsx", zipOf(t, parts))
	bounded(t, 64<<20, func() {
		res := Read(p, Options{})
		wantDiags(t, res, "大布村.xlsx:台账!D2: 错误: 单元格内容超过32767个字（Excel单元格的上限），不像台账内容，已拒绝读取：请精简后重新提交")
		if len(res.Items) != 1 || res.Items[0].Progress != "" {
			t.Errorf("items %d", len(res.Items))
		}
	})
}
