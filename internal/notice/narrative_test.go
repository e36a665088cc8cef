package notice

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/docx"
)

const encText = "一、总体情况\r\n截至【统计截止日期】，完成率【完成率】。\r\n"

// TestNarrativeEncodings reads the narrative in every encoding a clerk's
// editor saves, and refuses what it cannot read instead of printing
// mojibake.
func TestNarrativeEncodings(t *testing.T) {
	want := strings.ReplaceAll(encText, "\r\n", "\n")
	utf16 := func(order xunicode.Endianness) []byte {
		b, err := xunicode.UTF16(order, xunicode.UseBOM).NewEncoder().Bytes([]byte(encText))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(encText))
	if err != nil {
		t.Fatal(err)
	}
	gb18030, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(encText))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"UTF-8":         []byte(encText),
		"UTF-8 BOM":     append([]byte{0xEF, 0xBB, 0xBF}, encText...),
		"UTF-16 LE BOM": utf16(xunicode.LittleEndian),
		"UTF-16 BE BOM": utf16(xunicode.BigEndian),
		"GBK (ANSI)":    gbk,
		"GB18030":       gb18030,
	} {
		got, err := DecodeText(b)
		if err != nil || strings.TrimPrefix(got, "\ufeff") != want {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, want)
		}
	}
	if b := utf16(xunicode.LittleEndian); b[0] != 0xFF || b[1] != 0xFE {
		t.Fatalf("test data: no little-endian BOM")
	}
	noBOM, _ := xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM).NewEncoder().Bytes([]byte(encText))
	big5 := []byte{0xa4, 0x40, 0xa1, 0x42, 0xc1, 0x60, 0xc5, 0xe9, 0xb1, 0xa1, 0xaa, 0x70} // Big5 一、總體情況
	for name, b := range map[string][]byte{
		"UTF-16 without BOM":     noBOM,
		"UTF-16 odd byte":        append(utf16(xunicode.LittleEndian), 0x41),
		"UTF-8 BOM, invalid":     {0xEF, 0xBB, 0xBF, 0xd2, 0xbb, 0xa1, 0xa2},
		"binary":                 {0x00, 0x01, 0x02, 0x03},
		"not GBK (Big5 or such)": append(big5, 0x81, 0x30, 0x81, 0x30),
	} {
		if got, err := DecodeText(b); err == nil {
			t.Errorf("%s: read as %q, want an error", name, got)
		} else if !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("%s: error %q does not tell how to save it", name, err)
		}
	}
}

// TestReadNarrativeUTF16 reads a Notepad "Unicode" file through the config.
func TestReadNarrativeUTF16(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig()
	cfg.Path = filepath.Join(dir, config.FileName)
	b, _ := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().Bytes([]byte("一、总体情况\r\n正文。\r\n"))
	os.WriteFile(filepath.Join(dir, "通报正文.txt"), b, 0o644)
	text, have, err := ReadNarrative(cfg)
	if !have || err != nil || text != "一、总体情况\n正文。\n" {
		t.Errorf("got %q, %v, %v", text, have, err)
	}
	os.WriteFile(filepath.Join(dir, "通报正文.txt"), []byte{0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00}, 0o644) // lone surrogate
	if _, _, err := ReadNarrative(cfg); err == nil || !strings.Contains(err.Error(), "通报正文.txt") {
		t.Errorf("broken UTF-16: err %v, want one naming the file", err)
	}
}

// TestPlaceholdersResolve: every placeholder prints its field's value,
// and the values are the summary's figures.
func TestPlaceholdersResolve(t *testing.T) {
	d := testData(t)
	fields := Fields(d)
	var src strings.Builder
	for _, f := range fields {
		if f.Have {
			src.WriteString(Placeholder(f.Name) + "\n")
		}
	}
	got, err := execNarrative("通报正文.txt", src.String(), d)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(got, "\n")
	i := 0
	for _, f := range fields {
		if !f.Have {
			continue
		}
		if lines[i] != f.Value {
			t.Errorf("%s printed %q, want %q", Placeholder(f.Name), lines[i], f.Value)
		}
		i++
	}
	want := map[string]string{
		"全镇任务数": "7", "已完成数": "4", "完成率": "57.1%", "基本完成数": "1", "持续整改数": "1", "长期坚持数": "1",
		"未完成数": "3", "统计截止日期": "2025年9月12日", "村社区数": "2", "大布村任务数": "4", "大布村完成率": "50.0%",
		"圩仔社区已完成数": "2", "大布村党组织": "中共中山市三乡镇大布村委员会", "镇名": "三乡镇",
		"各村完成情况": "圩仔社区2项（完成率66.7%）、大布村2项（完成率50.0%）",
	}
	for _, f := range fields {
		if w, ok := want[f.Name]; ok {
			if f.Value != w {
				t.Errorf("%s = %q, want %q", f.Name, f.Value, w)
			}
			delete(want, f.Name)
		}
	}
	if len(want) > 0 {
		t.Errorf("no fields %v", want)
	}
	sum := consolidate.Summarize(testItems(), testConfig().Villages, testConfig().Disclosure.Date)
	if v := fieldMap(fields)["逾期数"]; v != itoa(sum.Town.Overdue) {
		t.Errorf("逾期数 %s, summary %d", v, sum.Town.Overdue)
	}
}

func fieldMap(fs []Field) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		m[f.Name] = f.Value
	}
	return m
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestPlaceholderErrors: an unknown placeholder names itself, its line and
// the nearest known one; one with no value in this build stops it too.
func TestPlaceholderErrors(t *testing.T) {
	d := testData(t)
	for src, want := range map[string]string{
		"一、总体情况\n整体完成率【完成律】。": "通报正文.txt第2行：【完成律】不是可用的数字，是不是【完成率】？",
		"【大布村任务数】【大布村完成律】":    "通报正文.txt第1行：【大布村完成律】不是可用的数字，是不是【大布村完成率】？",
		"【今天天气】": "【今天天气】不是可用的数字（可用的占位符见 taizhang fields）",
		"第一行\n第二行\n与上期相比，【进展】。":              "通报正文.txt第3行：【进展】这一次没有数值：只有对比上一期",
		"{{with .Since}}【进展】{{end}}完成率【完成率】": "",
	} {
		_, err := execNarrative("通报正文.txt", src, d)
		if want == "" {
			if err != nil {
				t.Errorf("%q: %v", src, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want %q", src, err, want)
		}
	}
	// A document's paragraph is named by its first words too.
	_, err := runNarrative("通报正文.docx", "一、总体情况\n截至【统计截至日期】，全镇", d, lineLabel("通报正文.docx", "段", "一、总体情况\n截至【统计截至日期】，全镇"))
	if err == nil || !strings.Contains(err.Error(), "通报正文.docx第2段（“截至【统计截至日期】，全镇”）：【统计截至日期】不是可用的数字，是不是【统计截止日期】？") {
		t.Errorf("docx: %v", err)
	}
}

// TestSampleNarrativeSaysWhatTheTemplateSyntaxSaid: the sample narrative,
// rewritten with placeholders, gives the sample town the same body text as
// the Go-template narrative it replaces (kept in testdata: that syntax still
// works), with and without the comparison with the previous period.
func TestSampleNarrativeSaysWhatTheTemplateSyntaxSaid(t *testing.T) {
	in := sampleInput(t)
	old, err := os.ReadFile("testdata/通报正文-模板写法.txt")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(in.Narrative, "{{.Town") || !strings.Contains(in.Narrative, "【完成率】") {
		t.Fatalf("samples/通报正文.txt does not use the placeholders:\n%s", in.Narrative)
	}
	snap, err := compare.LoadSnapshot("../../samples/snapshots/2025-06-30汇总台账.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, since := range []*compare.Result{nil, compare.Compare(snap, in.Items, in.Config.Villages, in.Config.BuildAsOf())} {
		d := NewData(in.Config, in.Items, in.Summary, since)
		want, err := execNarrative("通报正文.txt", string(old), d)
		if err != nil {
			t.Fatal(err)
		}
		got, err := execNarrative("通报正文.txt", in.Narrative, d)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("since=%v: the placeholder narrative says\n%s\nthe template one\n%s", since != nil, got, want)
		}
		if since != nil && !strings.Contains(got, "完成率从53.6%提高到84.8%") {
			t.Errorf("no progress sentence:\n%s", got)
		}
	}
}

// rawDocx is a .docx whose body is body, as Word writes one with tracked
// changes on.
func rawDocx(t *testing.T, body string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, s := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			body + `</w:body></w:document>`,
	} {
		f, _ := zw.Create(name)
		f.Write([]byte(s))
	}
	zw.Close()
	return b.Bytes()
}

// TestDocxNarrative: 通报正文.docx wins over 通报正文.txt; its paragraphs
// are the narrative; a tracked change and a comment warn, naming their
// paragraph, and the warnings reach the build's diagnostics; narrative:
// in the config names another file.
func TestDocxNarrative(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig()
	cfg.Path = filepath.Join(dir, config.FileName)
	os.WriteFile(filepath.Join(dir, "通报正文.txt"), []byte("一、记事本写的\n"), 0o644)
	p := func(s string) string { return "<w:p><w:r><w:t>" + s + "</w:t></w:r></w:p>" }
	body := p("一、总体情况") + "<w:p/>" +
		`<w:p><w:r><w:t>整体完成率</w:t></w:r><w:del w:id="1"><w:r><w:delText>50%</w:delText></w:r></w:del><w:ins w:id="2"><w:r><w:t>【完成率】</w:t></w:r></w:ins><w:r><w:t>。</w:t></w:r></w:p>` +
		`<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>领导批注过的一段话。</w:t></w:r><w:r><w:commentReference w:id="0"/></w:r></w:p>`
	os.WriteFile(filepath.Join(dir, "通报正文.docx"), rawDocx(t, body), 0o644)
	in := townInput(t, cfg)
	if err := in.ReadNarrative(); err != nil {
		t.Fatal(err)
	}
	if !in.HaveNarrative || in.Narrative != "一、总体情况\n整体完成率【完成率】。\n领导批注过的一段话。" {
		t.Fatalf("narrative %q (have %v), want the document's paragraphs", in.Narrative, in.HaveNarrative)
	}
	if w := in.NarrativeWarnings; len(w) == 0 || !strings.Contains(w[0].Message, "同时有 通报正文.docx 和 通报正文.txt，通报正文用的是 通报正文.docx") {
		t.Errorf("the choice between the two files is not said: %v", w)
	}
	var msgs []string
	for _, d := range in.NarrativeWarnings {
		msgs = append(msgs, d.Message)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"第2段（“整体完成率【完成率】。”）有未处理的修订", "请先接受或拒绝修订", "第3段（“领导批注过的一段话。”）有批注"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	res, err := Town(&bytes.Buffer{}, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Diagnostics) < 3 || !strings.Contains(res.Diagnostics[1].Message, "请先接受或拒绝修订") {
		t.Errorf("the notice's diagnostics %v lack the tracked change", res.Diagnostics)
	}
	// An error in a document names its paragraph.
	os.WriteFile(filepath.Join(dir, "通报正文.docx"), rawDocx(t, p("一、总体情况")+p("完成率【完成律】。")), 0o644)
	in.ReadNarrative()
	if _, err := Town(&bytes.Buffer{}, in); err == nil || !strings.Contains(err.Error(), "通报正文.docx第2段（“完成率【完成律】。”）：【完成律】不是可用的数字，是不是【完成率】？") {
		t.Errorf("err %v", err)
	}
	// narrative: names another file.
	os.WriteFile(filepath.Join(dir, "九月通报.txt"), []byte("一、九月\n"), 0o644)
	cfg.Narrative = "九月通报.txt"
	if text, _, err := ReadNarrative(cfg); err != nil || text != "一、九月\n" {
		t.Errorf("narrative: 九月通报.txt read %q, %v", text, err)
	}
	cfg.Narrative = ""
	os.Remove(filepath.Join(dir, "通报正文.docx"))
	if text, _, _ := ReadNarrative(cfg); text != "一、记事本写的\n" {
		t.Errorf("without a document the text file is read: %q", text)
	}
}

// TestDocxAutomaticNumberingGivesHeadingLevels: headings whose numbers
// come from Word's automatic numbering are read with them, and so take
// their levels (and faces) as typed numbers do.
func TestDocxAutomaticNumberingGivesHeadingLevels(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig()
	cfg.Path = filepath.Join(dir, config.FileName)
	list := docx.List{Levels: []docx.Level{
		{Format: "chineseCounting", Text: "%1、"}, {Format: "chineseCounting", Text: "（%2）"},
		{Format: "decimal", Text: "%3.", Continue: true}, {Format: "decimal", Text: "（%4）", Continue: true},
	}}
	n := func(level int, text string) docx.Para { return docx.Para{Text: text, List: 1, Level: level} }
	d := docx.Draft{Lists: []docx.List{list}, Paragraphs: []docx.Para{
		n(0, "总体情况"), {Text: "截至【统计截止日期】，完成率【完成率】。"}, n(1, "提高站位"), n(2, "规范学习。"),
		n(3, "补齐短板。"), n(1, "推动发展"), n(2, "壮大集体经济。"), n(3, "盘活资产。镇党委指导各村清理闲置资产。"),
	}}
	var b bytes.Buffer
	if err := docx.Write(&b, d); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "通报正文.docx"), b.Bytes(), 0o644)
	in := townInput(t, cfg)
	if err := in.ReadNarrative(); err != nil {
		t.Fatal(err)
	}
	body, err := execNarrative("通报正文.docx", in.Narrative, testData(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{Level: Heading1, Text: "一、总体情况"}, {Level: Body, Text: "截至2025年9月12日，完成率57.1%。"},
		{Level: Heading2, Text: "（一）提高站位"}, {Level: Heading3, Text: "1.规范学习。"}, {Level: Heading4, Text: "（1）补齐短板。"},
		{Level: Heading2, Text: "（二）推动发展"}, {Level: Heading3, Text: "2.壮大集体经济。"},
		{Level: Body, Text: "（2）盘活资产。镇党委指导各村清理闲置资产。", Lead: 8, LeadLevel: Heading4},
	}
	got := ParseNarrative(body)
	if len(got) != len(want) {
		t.Fatalf("blocks %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("block %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
