package docx

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/suitetest"
)

// noticeList is the numbering of a notice as a clerk sets it up in Word:
// 一、 （一） 1. （1）, the last two running on across their parents.
var noticeList = List{Levels: []Level{
	{Format: "chineseCounting", Text: "%1、"},
	{Format: "chineseCounting", Text: "（%2）"},
	{Format: "decimal", Text: "%3.", Continue: true},
	{Format: "decimal", Text: "（%4）", Continue: true},
}}

// numberedDraft is a narrative whose heading numbers all come from Word's
// automatic numbering, and what Word shows for each paragraph. With
// runOn, 1. and （1） run on across their parents (lvlRestart 0, which
// LibreOffice does not keep); without, they restart under each parent.
func numberedDraft(runOn bool) (Draft, []string) {
	h := func(level int, text string) Para { return Para{Text: text, Heading: level + 1, List: 1, Level: level} }
	list := noticeList
	if !runOn {
		list = List{Levels: append([]Level(nil), noticeList.Levels...)}
		for i := range list.Levels {
			list.Levels[i].Continue = false
		}
	}
	d := Draft{Lists: []List{list}, Paragraphs: []Para{
		h(0, "党委履行巡察整改主体责任情况"),
		{Text: "镇党委召开专题会议研究部署。"},
		h(1, "统一思想认识"),
		h(1, "细化整改清单"),
		h(0, "巡察反馈重点事项整改落实情况"),
		h(1, "党的创新理论学习方面"),
		h(2, "规范“第一议题”制度。"),
		h(3, "补齐学习制度短板。"),
		h(3, "推动学用结合。"),
		h(1, "推动村（社区）发展方面"),
		h(2, "壮大村集体经济。"),
		h(3, "盘活集体资产资源。"),
		{Text: ""},
		h(0, "需长期整改事项进展情况"),
	}}
	want := []string{
		"一、党委履行巡察整改主体责任情况", "镇党委召开专题会议研究部署。", "（一）统一思想认识", "（二）细化整改清单",
		"二、巡察反馈重点事项整改落实情况", "（一）党的创新理论学习方面", "1.规范“第一议题”制度。", "（1）补齐学习制度短板。",
		"（2）推动学用结合。", "（二）推动村（社区）发展方面", "2.壮大村集体经济。", "（3）盘活集体资产资源。", "",
		"三、需长期整改事项进展情况",
	}
	if !runOn {
		want[10], want[11] = "1.壮大村集体经济。", "（1）盘活集体资产资源。"
	}
	return d, want
}

func write(t *testing.T, d Draft) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func read(t *testing.T, b []byte) *Document {
	t.Helper()
	doc, err := Read(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func texts(doc *Document) []string {
	var out []string
	for _, p := range doc.Paragraphs {
		out = append(out, p.Text())
	}
	return out
}

// TestWordNumberingIsReadWithItsNumbers: headings numbered by Word's
// automatic numbering read as Word shows them, 1. and （1） running on
// across their parents.
func TestWordNumberingIsReadWithItsNumbers(t *testing.T) {
	d, want := numberedDraft(true)
	got := texts(read(t, write(t, d)))
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("paragraphs:\n got %q\nwant %q", got, want)
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	d, _ := numberedDraft(true)
	if !bytes.Equal(write(t, d), write(t, d)) {
		t.Error("the same draft gave different bytes")
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		n      int
		format string
		want   string
	}{
		{1, "chineseCounting", "一"}, {10, "chineseCounting", "十"}, {11, "chineseCounting", "十一"},
		{20, "chineseCounting", "二十"}, {23, "chineseCounting", "二十三"}, {101, "chineseCountingThousand", "一百零一"},
		{110, "chineseCountingThousand", "一百一十"}, {3, "ideographTraditional", "丙"}, {12, "decimal", "12"},
		{3, "decimalFullWidth", "３"}, {2, "decimalEnclosedCircle", "②"}, {4, "lowerRoman", "iv"}, {28, "upperLetter", "BB"},
		{5, "chineseLegalSimplified", "伍"},
	} {
		if got := Format(c.n, c.format); got != c.want {
			t.Errorf("Format(%d, %s) = %q, want %q", c.n, c.format, got, c.want)
		}
	}
}

// pkgWith is a .docx whose document.xml body is body (and whose other
// parts are extra).
func pkgWith(t *testing.T, body string, extra map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	parts := map[string]string{
		"[Content_Types].xml": contentTypes(false),
		"_rels/.rels":         packageRels,
		"word/document.xml":   xmlHeader + `<w:document xmlns:w="` + nsW + `"><w:body>` + body + `</w:body></w:document>`,
	}
	for k, v := range extra {
		parts[k] = v
	}
	for name, s := range parts {
		f, _ := zw.Create(name)
		f.Write([]byte(s))
	}
	zw.Close()
	return b.Bytes()
}

// TestTrackedChangesAndComments: the text reads as if the changes were
// accepted, and the paragraphs holding a change or a comment say so;
// tables, text boxes and pictures are not read but counted.
func TestTrackedChangesAndComments(t *testing.T) {
	body := `<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t>完成率</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>九十</w:delText></w:r></w:del>` +
		`<w:ins w:id="2" w:author="a"><w:r><w:t>【完成率】</w:t></w:r></w:ins><w:r><w:t>。</w:t></w:r></w:p>` +
		`<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>有批注的段落。</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>` +
		`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>表格里的字</w:t></w:r></w:p></w:tc></w:tr></w:tbl>` +
		`<w:p><w:r><w:t>图前</w:t></w:r><w:r><w:drawing><wp:inline xmlns:wp="x"><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></wp:inline></w:drawing></w:r><w:r><w:t>图后</w:t></w:r></w:p>` +
		`<w:p><w:pPr><w:rPr><w:ins w:id="3" w:author="a"/></w:rPr></w:pPr><w:moveFrom w:id="4"><w:r><w:delText>移走</w:delText></w:r></w:moveFrom><w:r><w:t>修订</w:t><w:rPr><w:rPrChange w:id="5"><w:rPr><w:b/></w:rPr></w:rPrChange></w:rPr></w:r></w:p>`
	doc := read(t, pkgWith(t, body, nil))
	want := []string{"一、总体情况", "完成率【完成率】。", "有批注的段落。", "图前图后", "修订"}
	if got := texts(doc); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("paragraphs %q, want %q", got, want)
	}
	flags := [][2]bool{{false, false}, {true, false}, {false, true}, {false, false}, {true, false}}
	for i, p := range doc.Paragraphs {
		if i < len(flags) && (p.Revised != flags[i][0] || p.Commented != flags[i][1]) {
			t.Errorf("paragraph %d %q: revised %v commented %v, want %v", i+1, p.Text(), p.Revised, p.Commented, flags[i])
		}
	}
	if doc.Tables != 1 || doc.Images != 1 {
		t.Errorf("tables %d images %d, want 1 and 1", doc.Tables, doc.Images)
	}
}

// TestStyleNumberingAndRestart: numbering that comes from a heading style
// (as Word's 标题 1 carries it), a paragraph that turns it off with numId
// 0, and a list restarted with a start override.
func TestStyleNumberingAndRestart(t *testing.T) {
	numbering := xmlHeader + `<w:numbering xmlns:w="` + nsW + `">` +
		`<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCountingThousand"/><w:pStyle w:val="H1"/><w:lvlText w:val="%1、"/></w:lvl>` +
		`<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum>` +
		`<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>` +
		`<w:num w:numId="4"><w:abstractNumId w:val="7"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>` +
		`</w:numbering>`
	styles := xmlHeader + `<w:styles xmlns:w="` + nsW + `"><w:style w:type="paragraph" w:styleId="H1"><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="H1x"><w:basedOn w:val="H1"/></w:style></w:styles>`
	p := func(style, num, text string) string {
		pr := ""
		if style != "" {
			pr += `<w:pStyle w:val="` + style + `"/>`
		}
		if num != "" {
			pr += num
		}
		return `<w:p><w:pPr>` + pr + `</w:pPr><w:r><w:t>` + text + `</w:t></w:r></w:p>`
	}
	body := p("H1", "", "甲") + p("H1", `<w:numPr><w:ilvl w:val="1"/><w:numId w:val="3"/></w:numPr>`, "乙") + p("H1x", "", "丙") +
		p("H1", `<w:numPr><w:numId w:val="0"/></w:numPr>`, "不编号") +
		p("", `<w:numPr><w:ilvl w:val="0"/><w:numId w:val="4"/></w:numPr>`, "重新开始")
	doc := read(t, pkgWith(t, body, map[string]string{"word/numbering.xml": numbering, "word/styles.xml": styles}))
	want := []string{"一、甲", "一.1乙", "二、丙", "不编号", "一、重新开始"}
	if got := texts(doc); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("paragraphs %q, want %q", got, want)
	}
}

// TestReadRefusesWhatIsNotADocument: every error is Chinese.
func TestReadRefusesWhatIsNotADocument(t *testing.T) {
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	f, _ := zw.Create("word/document.xml")
	f.Write(bytes.Repeat([]byte("<"), maxPartBytes+10))
	zw.Close()
	for name, b := range map[string][]byte{
		"not a zip":  []byte("{\\rtf1 这是 RTF}"),
		"old .doc":   {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0},
		"no body":    pkgWith(t, "", map[string]string{"word/document.xml": ""})[:0],
		"zip bomb":   bomb.Bytes(),
		"broken xml": pkgWith(t, `<w:p><w:r><w:t>半截`, nil),
	} {
		_, err := Read(bytes.NewReader(b), int64(len(b)))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		rest := strings.NewReplacer("Word", "", "WPS", "", "word/document.xml", "", ".docx", "", ".doc", "", "XML", "").Replace(err.Error())
		if strings.ContainsFunc(rest, func(r rune) bool { return r < 0x80 && (r|0x20) >= 'a' && (r|0x20) <= 'z' }) {
			t.Errorf("%s: English in %q", name, err)
		}
		if !strings.Contains(err.Error(), "Word") {
			t.Errorf("%s: %q does not say it is about the Word document", name, err)
		}
	}
}

// TestLibreOfficeOpensAndResavesTheDocument: LibreOffice opens what Write
// writes (through .odt and back to .docx, as a clerk passing it through
// WPS or LibreOffice would), and the re-saved document reads the same,
// numbers and all.
func TestLibreOfficeOpensAndResavesTheDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice is slow; skipped with -short")
	}
	d, want := numberedDraft(false)
	dir := t.TempDir()
	src := filepath.Join(dir, "通报正文.docx")
	os.WriteFile(src, write(t, d), 0o644)
	odt := suitetest.Convert(t, src, "odt", filepath.Join(dir, "odt"))
	back := suitetest.Convert(t, odt, "docx", filepath.Join(dir, "docx"))
	b, err := os.ReadFile(back)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range texts(read(t, b)) {
		got = append(got, strings.TrimSpace(s))
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("after LibreOffice:\n got %q\nwant %q", got, want)
	}
	txt := suitetest.Convert(t, src, "txt:Text (encoded):UTF8", filepath.Join(dir, "txt"))
	tb, err := os.ReadFile(txt)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(tb), "镇党委召开专题会议研究部署。") {
		t.Errorf("LibreOffice's text export lacks the body:\n%s", tb)
	}
}
