package typeset

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/taizhang/taizhang/internal/pdftest"
)

func embedded(t testing.TB) *FontSet {
	t.Helper()
	fs, err := EmbeddedFonts()
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func render(t testing.TB, d *Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// longText is a paragraph of well over 1,500 characters with all kinds of
// punctuation, numbers and Latin.
func longText() string {
	var b strings.Builder
	for i := 0; b.Len() < 3*1800; i++ {
		b.WriteString(sampleText)
		b.WriteString("联系邮箱：zhenggai@example.gov.cn，电话（0760）86680000。")
	}
	return b.String()
}

var (
	pageNumberRE = regexp.MustCompile(`—\s*\d+\s*—`)
	spaceRE      = regexp.MustCompile(`\s+`)
)

func squeeze(s string) string { return spaceRE.ReplaceAllString(s, "") }

func TestGBKCoverage(t *testing.T) {
	fs := embedded(t)
	enc := simplifiedchinese.GBK.NewEncoder()
	var missing []rune
	n := 0
	for r := rune(0x20); r <= 0xFFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF || r == 0x7F {
			continue
		}
		if _, err := enc.String(string(r)); err != nil {
			continue
		}
		n++
		if !fs.Covers(r) {
			missing = append(missing, r)
		}
	}
	if n < 21000 {
		t.Fatalf("only %d GBK characters enumerated", n)
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d GBK characters have no glyph: %q", len(missing), n, string(missing[:min(len(missing), 50)]))
	}
	for _, r := range "—…〇〓“”‘’（）《》【】〔〕、，。；：！？·％０９" {
		if !fs.Covers(r) {
			t.Errorf("no glyph for %q", r)
		}
	}
}

func TestLongParagraphSpansPages(t *testing.T) {
	text := longText()
	if n := utf8.RuneCountInString(text); n < 1500 {
		t.Fatalf("text has %d characters", n)
	}
	d := NewDocument(embedded(t), Official())
	d.Paragraph(text, Style{FirstIndent: 2})
	pdf := render(t, d)
	if d.Pages() < 3 {
		t.Fatalf("%d pages for %d characters", d.Pages(), utf8.RuneCountInString(text))
	}
	pages := pdftest.Pages(t, pdf)
	if len(pages) != d.Pages() {
		t.Fatalf("pdftotext found %d pages, document says %d", len(pages), d.Pages())
	}
	var body strings.Builder
	for i, p := range pages {
		nums := pageNumberRE.FindAllString(p, -1)
		if len(nums) != 1 || squeeze(nums[0]) != "—"+itoa(i+1)+"—" {
			t.Errorf("page %d: page numbers %q", i+1, nums)
		}
		body.WriteString(pageNumberRE.ReplaceAllString(p, ""))
	}
	if got, want := squeeze(body.String()), squeeze(text); got != want {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("extracted text differs at byte %d:\n got …%s\nwant …%s", i, got[i:min(len(got), i+60)], want[i:min(len(want), i+60)])
	}
	for _, line := range strings.Split(strings.Join(pages, "\n"), "\n") {
		line = strings.TrimSpace(line)
		if r, _ := utf8.DecodeRuneInString(line); line != "" && strings.ContainsRune("，。、；：！？）」》”", r) {
			t.Errorf("line starts with %q: %q", r, line)
		}
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func TestFontsEmbedded(t *testing.T) {
	pdf := render(t, sampleDoc(t))
	fonts := pdftest.Fonts(t, pdf)
	if len(fonts) < 4 {
		t.Fatalf("pdffonts lists %d fonts: %+v", len(fonts), fonts)
	}
	for _, f := range fonts {
		if !f.Embedded {
			t.Errorf("font %s is not embedded", f.Name)
		}
	}
	pdftest.Check(t, pdf)
}

func TestPageSizes(t *testing.T) {
	d := NewDocument(embedded(t), Official())
	d.NewPage(Portrait)
	d.Paragraph("竖版", Style{})
	d.NewPage(Landscape)
	d.Paragraph("横版", Style{})
	d.NewPage(Portrait)
	pdf := render(t, d)
	sizes := pdftest.PageSizes(t, pdf)
	portrait, landscape := pdftest.Size{W: 595.28, H: 841.89}, pdftest.Size{W: 841.89, H: 595.28}
	want := []pdftest.Size{portrait, landscape, portrait}
	if len(sizes) != len(want) {
		t.Fatalf("page sizes %v", sizes)
	}
	for i := range want {
		if abs(sizes[i].W-want[i].W) > 0.5 || abs(sizes[i].H-want[i].H) > 0.5 {
			t.Errorf("page %d is %v, want %v", i+1, sizes[i], want[i])
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestTextBlock renders a full page of body text and measures where its
// ink is: the text block of GB/T 9704 starts 37 mm from the top and 28 mm
// from the left, and is 156 × 225 mm.
func TestTextBlock(t *testing.T) {
	d := NewDocument(embedded(t), Official())
	d.NewPage(Portrait)
	if n := d.LinesLeft(); n != 22 {
		t.Errorf("a new page has %d lines, want 22", n)
	}
	d.Paragraph(strings.Repeat("国", 28*22), Style{})
	if n := d.LinesLeft(); n != 0 {
		t.Errorf("%d lines left after 22, want 0", n)
	}
	if d.Pages() != 1 {
		t.Fatalf("22 lines of 28 characters take %d pages, want 1", d.Pages())
	}
	d.Paragraph("国", Style{})
	if d.Pages() != 2 {
		t.Fatalf("a 23rd line did not start page 2")
	}
	pdf := render(t, d)
	lines := strings.Split(strings.TrimSpace(pageNumberRE.ReplaceAllString(pdftest.Pages(t, pdf)[0], "")), "\n")
	if len(lines) != 22 {
		t.Errorf("page 1 has %d lines, want 22", len(lines))
	}
	for i, l := range lines {
		if n := utf8.RuneCountInString(squeeze(l)); n != 28 {
			t.Errorf("line %d has %d characters, want 28", i+1, n)
		}
	}
	const dpi = 150
	img := pdftest.Render(t, pdf, 1, dpi)
	ink, ok := pdftest.Ink(img, dpi, pdftest.Box{X0: 0, Y0: 0, X1: 210, Y1: 265})
	if !ok {
		t.Fatal("no ink on page 1")
	}
	const tol = 1.5
	if abs(ink.X0-28) > tol || abs(ink.Y0-37) > tol || abs(ink.X1-184) > tol || ink.Y1 > 262+tol || ink.Y1 < 262-6 {
		t.Errorf("text ink at %v, want the block (28,37)–(184,262) ±%g mm", ink, tol)
	}
}

// TestPageNumbers checks "— n —" 7 mm below the block, one character in
// from the right edge of the block on odd pages and from the left on even.
func TestPageNumbers(t *testing.T) {
	d := NewDocument(embedded(t), Official())
	d.Paragraph(strings.Repeat("国", 28*22*2+1), Style{})
	pdf := render(t, d)
	const dpi = 150
	one := 14 * ptToMM
	for page := 1; page <= 3; page++ {
		img := pdftest.Render(t, pdf, page, dpi)
		ink, ok := pdftest.Ink(img, dpi, pdftest.Box{X0: 0, Y0: 263, X1: 210, Y1: 297})
		if !ok {
			t.Fatalf("page %d: no page number", page)
		}
		if ink.Y0 < 262+7-1 || ink.Y1 > 262+7+one+1 {
			t.Errorf("page %d: number at %v, want 7 mm below the block (269 mm)", page, ink)
		}
		if page%2 == 1 && abs(ink.X1-(184-one)) > 1.5 {
			t.Errorf("odd page %d: number ends at %.1f mm, want %.1f", page, ink.X1, 184-one)
		}
		if page%2 == 0 && abs(ink.X0-(28+one)) > 1.5 {
			t.Errorf("even page %d: number starts at %.1f mm, want %.1f", page, ink.X0, 28+one)
		}
	}
	text := pdftest.Text(t, pdf)
	for _, n := range []string{"— 1 —", "— 2 —", "— 3 —"} {
		if !strings.Contains(squeeze(text), squeeze(n)) {
			t.Errorf("page number %q not in text", n)
		}
	}
}

// TestLandscapePageNumber: on a landscape page the number stays where it
// is on the upright sheet, turned with it — beside the left edge.
func TestLandscapePageNumber(t *testing.T) {
	d := NewDocument(embedded(t), Official())
	d.NewPage(Landscape)
	d.Paragraph("横版表格页", Style{})
	d.NewPage(Landscape)
	pdf := render(t, d)
	const dpi = 100
	one := 14 * ptToMM
	for page := 1; page <= 2; page++ {
		img := pdftest.Render(t, pdf, page, dpi)
		if _, ok := pdftest.Ink(img, dpi, pdftest.Box{X0: 0, Y0: 185, X1: 297, Y1: 210}); ok {
			t.Errorf("landscape page %d: ink below the block", page)
		}
		ink, ok := pdftest.Ink(img, dpi, pdftest.Box{X0: 0, Y0: 0, X1: 34, Y1: 210})
		if !ok {
			t.Fatalf("landscape page %d: no page number left of the block", page)
		}
		// The upright sheet's bottom edge is the left edge here: 297-262-7
		// = 28 mm from it is the top of the number.
		if ink.X1 > 28+0.5 || ink.X0 < 28-one-1 {
			t.Errorf("landscape page %d: number at %v, want x in [%.1f, 28]", page, ink, 28-one)
		}
		if page == 1 && abs(ink.Y1-(184-one)) > 1.5 {
			t.Errorf("landscape page 1: number ends at y=%.1f, want %.1f", ink.Y1, 184-one)
		}
		if page == 2 && abs(ink.Y0-(28+one)) > 1.5 {
			t.Errorf("landscape page 2: number starts at y=%.1f, want %.1f", ink.Y0, 28+one)
		}
	}
}

func TestTableHeaderRepeatsAndGiantCell(t *testing.T) {
	giant := strings.Repeat("整改措施逐项落实到位，群众满意度明显提升；", 120)
	d := NewDocument(embedded(t), Official())
	d.NewPage(Landscape)
	d.Table(Table{
		Columns: []Column{{Header: "序号", Width: 1}, {Header: "巡察反馈问题", Width: 4}, {Header: "整改进展情况", Width: 6}},
		Rows: [][]string{
			{"甲", "问题甲", "进展甲"},
			{"乙", "问题乙", giant},
			{"丙", "问题丙", "进展丙"},
		},
	})
	pdf := render(t, d)
	pages := pdftest.Pages(t, pdf)
	if len(pages) < 3 {
		t.Fatalf("giant cell fits on %d pages; make it bigger", len(pages))
	}
	var rest strings.Builder
	for i, p := range pages {
		for _, h := range []string{"序号", "巡察反馈问题", "整改进展情况"} {
			if !strings.Contains(p, h) {
				t.Errorf("page %d: header %q not repeated", i+1, h)
			}
			p = strings.ReplaceAll(p, h, "")
		}
		rest.WriteString(pageNumberRE.ReplaceAllString(p, ""))
	}
	got := squeeze(rest.String())
	for _, s := range []string{"甲", "问题甲", "进展甲", "乙", "问题乙", "丙", "问题丙", "进展丙"} {
		if !strings.Contains(got, s) {
			t.Errorf("cell %q lost", s)
		}
	}
	for _, s := range []string{"进展甲", "问题甲", "甲", "问题乙", "乙", "问题丙", "进展丙", "丙"} {
		got = strings.Replace(got, s, "", 1)
	}
	if got != giant {
		t.Errorf("giant cell text lost or reordered: got %d bytes, want %d", len(got), len(giant))
	}
	pdftest.Check(t, pdf)
}

func TestDeterministic(t *testing.T) {
	a := render(t, sampleDoc(t))
	b := render(t, sampleDoc(t))
	if !bytes.Equal(a, b) {
		t.Fatal("two runs produced different bytes")
	}
	if bytes.Contains(a, []byte("/ID [<")) {
		t.Error("random document ID")
	}
}

func TestLoadFontsErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "仿宋.ttf")
	if err := os.WriteFile(garbage, []byte("not a font at all, just some bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []FontFiles{
		{Body: filepath.Join(dir, "missing.ttf")},
		{Hei: garbage},
		{Kai: garbage + "#3"},
	} {
		_, err := LoadFonts(f)
		if err == nil {
			t.Errorf("LoadFonts(%+v) succeeded", f)
			continue
		}
		name := f.Body + f.Hei + f.Kai
		if !strings.Contains(err.Error(), "无法读取字体文件") || !strings.Contains(err.Error(), name) {
			t.Errorf("LoadFonts(%+v) = %v; want 无法读取字体文件 naming the file", f, err)
		}
	}
	_, err := LoadFonts(FontFiles{Body: filepath.Join(dir, "missing.ttf")})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v does not wrap os.ErrNotExist", err)
	}
}

// TestLoadFontsCollection loads a face out of a TrueType collection.
func TestLoadFontsCollection(t *testing.T) {
	const ttc = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
	if _, err := os.Stat(ttc); err != nil {
		t.Skip("fonts-wqy-microhei not installed")
	}
	if _, err := LoadFonts(FontFiles{Body: ttc + "#7"}); err == nil {
		t.Error("face #7 of a two-face collection loaded")
	}
	fs, err := LoadFonts(FontFiles{Body: ttc + "#1"})
	if err != nil {
		t.Fatal(err)
	}
	d := NewDocument(fs, Official())
	d.Paragraph("正文用用户指定的字体。", Style{FirstIndent: 2})
	pdf := render(t, d)
	found := false
	for _, f := range pdftest.Fonts(t, pdf) {
		found = found || strings.Contains(f.Name, "user0")
		if !f.Embedded {
			t.Errorf("font %s not embedded", f.Name)
		}
	}
	if !found {
		t.Errorf("the user's face is not used: %+v", pdftest.Fonts(t, pdf))
	}
	if !strings.Contains(squeeze(pdftest.Text(t, pdf)), "正文用用户指定的字体。") {
		t.Error("text lost with the user's face")
	}
}

func TestMissingGlyph(t *testing.T) {
	d := NewDocument(embedded(t), Official())
	d.Paragraph("村民𠀀某反映ก问题，又见𠀀。", Style{})
	miss := d.Missing()
	if len(miss) != 2 || miss[0].Rune != 0x20000 || miss[1].Rune != 'ก' {
		t.Fatalf("Missing() = %+v", miss)
	}
	if !strings.Contains(miss[0].Context, "村民𠀀某") {
		t.Errorf("context %q", miss[0].Context)
	}
	text := squeeze(pdftest.Text(t, render(t, d)))
	if !strings.Contains(text, "村民〓某反映〓问题") {
		t.Errorf("placeholder not drawn: %q", text)
	}
}

// TestConcurrentDocuments shares one FontSet between goroutines.
func TestConcurrentDocuments(t *testing.T) {
	var wg sync.WaitGroup
	outs := make([][]byte, 4)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			d := sampleDoc(t)
			if err := d.Write(&buf); err != nil {
				t.Error(err)
			}
			outs[i] = buf.Bytes()
		}()
	}
	wg.Wait()
	for i := range outs {
		if !bytes.Equal(outs[i], outs[0]) {
			t.Errorf("document %d differs", i)
		}
	}
}

// BenchmarkThirtyPages lays out and writes a 30-page document.
func BenchmarkThirtyPages(b *testing.B) {
	fs := embedded(b)
	text := strings.Repeat(sampleText, 3)
	for b.Loop() {
		d := NewDocument(fs, Official())
		d.Title("关于十五届市委第六轮巡察整改进展情况的通报")
		for i := 0; d.Pages() < 30; i++ {
			d.Paragraph("一、党委履行巡察整改主体责任情况", Style{Role: RoleHei, FirstIndent: 2})
			d.Paragraph("（一）提高政治站位，强化组织领导", Style{Role: RoleKai, FirstIndent: 2})
			d.Paragraph("1.压实整改责任", Style{Bold: true, FirstIndent: 2})
			d.Paragraph(text, Style{FirstIndent: 2})
			if i%10 == 9 {
				d.NewPage(Landscape)
				d.Table(Table{
					Columns: []Column{{Header: "序号", Width: 1}, {Header: "巡察反馈问题", Width: 5}, {Header: "整改措施", Width: 6}},
					Rows:    [][]string{{"1", sampleText, text}, {"2", text, sampleText}},
				})
				d.NewPage(Portrait)
			}
		}
		var buf bytes.Buffer
		if err := d.Write(&buf); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEmbeddedFontsOnce(t *testing.T) {
	a, b := embedded(t), embedded(t)
	if a != b {
		t.Error("EmbeddedFonts parsed the faces twice")
	}
	if len(a.faces()) != 5 {
		t.Errorf("%d distinct embedded faces, want 5 (serif, serif bold, sans, kai, fallback)", len(a.faces()))
	}
}

// TestOverlayMatchesPageNumbers: an overlay draws a page's number and a
// first-line label with exactly the operators, fonts and positions that
// the document itself writes for them, on portrait and landscape pages.
func TestOverlayMatchesPageNumbers(t *testing.T) {
	fs := embedded(t)
	label := Style{Role: RoleHei, Size: 16, Align: Left}
	ov := NewOverlay(fs, Official())
	for _, o := range []Orientation{Portrait, Landscape} {
		for _, n := range []int{1, 2, 17, 1234567890} {
			d := NewDocument(fs, Official())
			d.SetFirstPageNumber(n)
			d.SetCompression(false)
			d.NewPage(o)
			d.Paragraph("附件3", label)
			pdf := render(t, d)
			got, err := ov.Page(o, n, "附件3", label)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(got, []byte("q\n")) || !bytes.HasSuffix(got, []byte("Q\n")) {
				t.Fatalf("overlay not in q … Q: %q", got)
			}
			// The overlay names a face by its BaseFont (what a joiner maps
			// to the joined document's font), fpdf by a hash.
			inner := fontNameRE.ReplaceAll(got[2:len(got)-2], []byte("/FONT"))
			if !bytes.Contains(fontNameRE.ReplaceAll(pdf, []byte("/FONT")), inner) {
				t.Errorf("orientation %d, page %d: overlay\n%s\nnot in the page's stream", o, n, inner)
			}
		}
	}
}

var fontNameRE = regexp.MustCompile(`/(F[0-9a-f]{40}|utf8[a-z0-9+-]+) `)

// TestWithoutPageNumbers: pages typeset for joining carry no numbers, and
// report the characters they drew for the joined document's fonts.
func TestWithoutPageNumbers(t *testing.T) {
	d := NewDocument(embedded(t), Official())
	d.SetPageNumbers(false)
	d.Paragraph(strings.Repeat("国", 28*22+1), Style{})
	pdf := render(t, d)
	if text := pdftest.Text(t, pdf); pageNumberRE.MatchString(text) {
		t.Errorf("page numbers drawn: %q", pageNumberRE.FindAllString(text, -1))
	}
	if n := d.Runes().Len(); n != 1 {
		t.Errorf("%d characters drawn, want 1 (国)", n)
	}
	var nr RuneSet
	nr, err := NewOverlay(embedded(t), Official()).NumberRunes(Landscape)
	if err != nil {
		t.Fatal(err)
	}
	if nr.Len() != 11 { // — and ten digits
		t.Errorf("page numbers use %d characters, want 11", nr.Len())
	}
}

// TestFontBytesUntouched: making PDFs leaves the faces' bytes as they
// were. fpdf wrote into them for glyphs past the font's last long metric,
// so one PDF's glyph metrics depended on the PDFs made before it, and
// PDFs made in parallel were not reproducible.
func TestFontBytesUntouched(t *testing.T) {
	fs := embedded(t)
	sums := map[*face][32]byte{}
	for _, f := range fs.faces() {
		sums[f] = sha256.Sum256(f.data)
	}
	d := NewDocument(fs, Official())
	for _, role := range []Role{RoleBody, RoleTitle, RoleHei, RoleKai, RoleSong} {
		d.Paragraph(sampleText+"≒", Style{Role: role})
	}
	render(t, d)
	for f, sum := range sums {
		if sha256.Sum256(f.data) != sum {
			t.Errorf("face %s: bytes changed by writing a PDF", f.key)
		}
	}
}

// A first row that does not fit below the header but fits on a fresh page
// moves there whole, and the header goes with it: no header alone at the
// foot of a page.
func TestTableHeaderNotOrphaned(t *testing.T) {
	d := NewDocument(embedded(t), Official())
	d.NewPage(Landscape)
	d.Text("表前文字", Style{})
	d.BlankLines(9) // about 50 mm left: room for the header and two lines
	lines := make([]string, 15)
	for i := range lines {
		lines[i] = "第" + string(rune('一'+i)) + "行"
	}
	d.Table(Table{
		Columns: []Column{{Header: "序号", Width: 1}, {Header: "整改进展情况", Width: 6}},
		Rows:    [][]string{{"甲", strings.Join(lines, "\n")}},
	})
	pdf := render(t, d)
	pages := pdftest.Pages(t, pdf)
	if len(pages) != 2 {
		t.Fatalf("%d pages, want 2", len(pages))
	}
	if strings.Contains(pages[0], "序号") {
		t.Errorf("header left alone on page 1: %q", pages[0])
	}
	if !strings.Contains(pages[1], "序号") || !strings.Contains(squeeze(pages[1]), "甲") {
		t.Errorf("page 2 lacks the header or the row: %q", pages[1])
	}
	pdftest.Check(t, pdf)
}
