package pdfjoin

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"github.com/taizhang/taizhang/internal/pdftest"
	"github.com/taizhang/taizhang/internal/typeset"
)

func fonts(t *testing.T) *typeset.FontSet {
	t.Helper()
	fs, err := typeset.EmbeddedFonts()
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// doc typesets a document without page numbers and returns its PDF and
// the characters it drew.
func doc(t *testing.T, fs *typeset.FontSet, o typeset.Orientation, texts ...string) ([]byte, typeset.RuneSet) {
	t.Helper()
	d := typeset.NewDocument(fs, typeset.Official())
	d.SetPageNumbers(false)
	for _, s := range texts {
		d.NewPage(o)
		d.Paragraph(s, typeset.Style{Role: typeset.RoleBody})
	}
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), d.Runes()
}

func open(t *testing.T, pdf []byte) *Source {
	t.Helper()
	s, err := Open(bytes.NewReader(pdf), int64(len(pdf)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// carrier is a font source (typeset.WriteFontSource) covering rs.
func carrier(t *testing.T, rs typeset.RuneSet) *Source {
	t.Helper()
	var b bytes.Buffer
	if err := typeset.WriteFontSource(&b, rs); err != nil {
		t.Fatal(err)
	}
	return open(t, b.Bytes())
}

// TestJoin joins a portrait document and a landscape one, numbering the
// pages with overlays and taking the fonts from a carrier of every
// character: the result is valid, every font embedded, every text and
// number there, the page sizes kept, and the same bytes every time.
func TestJoin(t *testing.T) {
	pdftest.Need(t, "qpdf", "pdftotext", "pdffonts", "pdfinfo")
	fs := fonts(t)
	a, ra := doc(t, fs, typeset.Portrait, "甲文档第一页：整改工作领导小组。", "甲文档第二页，共两页。")
	b, rb := doc(t, fs, typeset.Landscape, "乙文档（横版）《表格》——完成率96.5%", "乙文档第二页", "乙文档末页")
	join := func() []byte {
		sa, sb := open(t, a), open(t, b)
		ov := typeset.NewOverlay(fs, typeset.Official())
		var out bytes.Buffer
		j := NewWriter(&out)
		n := 0
		for i := range sa.Pages() {
			n++
			o, err := ov.Page(typeset.Portrait, n, "", typeset.Style{})
			if err != nil {
				t.Fatal(err)
			}
			if err := j.AddPage(sa, i, o); err != nil {
				t.Fatal(err)
			}
		}
		for i := range sb.Pages() {
			n++
			label := ""
			if i == 0 {
				label = "附件1"
			}
			o, err := ov.Page(typeset.Landscape, n, label, typeset.Style{Role: typeset.RoleHei, Size: 16, Align: typeset.Left})
			if err != nil {
				t.Fatal(err)
			}
			if err := j.AddPage(sb, i, o); err != nil {
				t.Fatal(err)
			}
		}
		var all typeset.RuneSet
		all.Add(ra)
		all.Add(rb)
		all.Add(ov.Runes())
		if err := j.Close(carrier(t, all), Info{Title: "合并测试", Author: "三乡镇", Producer: "taizhang"}); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	pdf := join()
	pdftest.Check(t, pdf)
	if again := join(); !bytes.Equal(pdf, again) {
		t.Error("two joins of the same pages differ")
	}
	pages := pdftest.Pages(t, pdf)
	if len(pages) != 5 {
		t.Fatalf("%d pages, want 5", len(pages))
	}
	want := []string{"甲文档第一页：整改工作领导小组。", "甲文档第二页，共两页。", "乙文档（横版）《表格》——完成率96.5%", "乙文档第二页", "乙文档末页"}
	for i, p := range pages {
		sq := strings.Join(strings.Fields(p), "")
		if !strings.Contains(sq, want[i]) {
			t.Errorf("page %d: %q lacks %q", i+1, sq, want[i])
		}
		if !regexp.MustCompile(`—` + strconv.Itoa(i+1) + `—`).MatchString(sq) {
			t.Errorf("page %d: no page number in %q", i+1, sq)
		}
		if strings.Contains(sq, "附件1") != (i == 2) {
			t.Errorf("page %d: label 附件1 %v, want only on page 3", i+1, strings.Contains(sq, "附件1"))
		}
	}
	sizes := pdftest.PageSizes(t, pdf)
	for i, s := range sizes {
		if landscape := s.W > s.H; landscape != (i >= 2) {
			t.Errorf("page %d is %v", i+1, s)
		}
	}
	fl := pdftest.Fonts(t, pdf)
	if len(fl) < 2 {
		t.Errorf("fonts: %+v", fl)
	}
	for _, f := range fl {
		if !f.Embedded {
			t.Errorf("font %s not embedded", f.Name)
		}
	}
	if info := pdftest.Info(t, pdf); info["Title"] != "合并测试" || info["Author"] != "三乡镇" {
		t.Errorf("info = %v", info)
	}
}

// TestFontsMustCoverThePages: a font source without a face the pages use
// is refused.
func TestFontsMustCoverThePages(t *testing.T) {
	fs := fonts(t)
	a, _ := doc(t, fs, typeset.Portrait, "正文")
	hei := typeset.NewDocument(fs, typeset.Official())
	hei.SetPageNumbers(false)
	hei.NewPage(typeset.Portrait)
	hei.Paragraph("黑体", typeset.Style{Role: typeset.RoleHei})
	var hb bytes.Buffer
	if err := hei.Write(&hb); err != nil {
		t.Fatal(err)
	}
	j := NewWriter(&bytes.Buffer{})
	if err := j.AddPage(open(t, a), 0, nil); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(open(t, hb.Bytes()), Info{}); err == nil || !strings.Contains(err.Error(), "lacks fonts") {
		t.Errorf("err = %v, want the missing font named", err)
	}
}

// TestStreamsCopiedVerbatim: what looks like a reference inside a content
// stream is data, copied byte for byte; references in dictionaries are
// renumbered.
func TestStreamsCopiedVerbatim(t *testing.T) {
	pdftest.Need(t, "qpdf")
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false)
	p.AddPage()
	p.RawWriteStr("% 1 0 R 2 0 R << /Kids [3 0 R] >> endobj stream")
	p.Rect(10, 10, 20, 20, "D")
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	src := open(t, b.Bytes())
	var out bytes.Buffer
	j := NewWriter(&out)
	for range 3 { // the same page thrice: new numbers each time
		if err := j.AddPage(src, 0, []byte("q Q")); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(src, Info{}); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(out.Bytes(), []byte("% 1 0 R 2 0 R << /Kids [3 0 R] >> endobj stream\n")); n != 3 {
		t.Errorf("stream data found %d times, want 3", n)
	}
	pdftest.Check(t, out.Bytes())
	if sizes := pdftest.PageSizes(t, out.Bytes()); len(sizes) != 3 {
		t.Errorf("%d pages, want 3", len(sizes))
	}
}

// TestCompression: uncompressed content streams are compressed when asked,
// and the pages read the same.
func TestCompression(t *testing.T) {
	pdftest.Need(t, "qpdf", "pdftotext")
	fs := fonts(t)
	d := typeset.NewDocument(fs, typeset.Official())
	d.SetCompression(false)
	d.Paragraph(strings.Repeat("整改工作扎实推进，", 200), typeset.Style{})
	var raw bytes.Buffer
	if err := d.Write(&raw); err != nil {
		t.Fatal(err)
	}
	src := open(t, raw.Bytes())
	var out bytes.Buffer
	j := NewWriter(&out)
	j.SetCompression(true)
	for i := range src.Pages() {
		if err := j.AddPage(src, i, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(src, Info{}); err != nil {
		t.Fatal(err)
	}
	pdftest.Check(t, out.Bytes())
	if out.Len() >= raw.Len() {
		t.Errorf("compressed %d bytes, uncompressed %d", out.Len(), raw.Len())
	}
	if got, want := pdftest.Text(t, out.Bytes()), pdftest.Text(t, raw.Bytes()); got != want {
		t.Error("text differs after compression")
	}
}

func TestParseAndRenumber(t *testing.T) {
	in := "<</A 1 0 R /B [2 0 R (x 3 0 R \\) 4 0 R) <41> /N#20x] /C 4 /D [5 0] /E<</F 6 0 R>> /G true /H null /I -1.5>>"
	p := &parser{b: []byte(in)}
	v, err := p.value(0)
	if err != nil {
		t.Fatal(err)
	}
	out, err := write(nil, v, func(n int64) (int64, error) { return n + 100, nil })
	if err != nil {
		t.Fatal(err)
	}
	want := "<</A 101 0 R /B [102 0 R (x 3 0 R \\) 4 0 R) <41> /N#20x] /C 4 /D [5 0] /E <</F 106 0 R>> /G true /H null /I -1.5>>"
	if string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
}

func TestOpenRefusesWhatItCannotRead(t *testing.T) {
	fs := fonts(t)
	good, _ := doc(t, fs, typeset.Portrait, "正文")
	for name, pdf := range map[string][]byte{
		"empty":     nil,
		"garbage":   []byte("%PDF-1.4\nhello\n"),
		"truncated": good[:len(good)/2],
		"bad xref":  bytes.Replace(good, []byte("xref\n"), []byte("xref?\n"), 1),
		"moved":     append(append([]byte(nil), good[:9]...), good[10:]...), // every offset one byte too far
	} {
		if _, err := Open(bytes.NewReader(pdf), int64(len(pdf))); err == nil {
			t.Errorf("%s: opened", name)
		}
	}
}

// TestOpenFile reads from a file, as the build does with its temporary
// ledgers.
func TestOpenFile(t *testing.T) {
	fs := fonts(t)
	pdf, _ := doc(t, fs, typeset.Landscape, "一", "二")
	path := filepath.Join(t.TempDir(), "a.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Pages() != 2 {
		t.Errorf("%d pages", s.Pages())
	}
	if _, err := OpenFile(filepath.Join(t.TempDir(), "none.pdf")); err == nil {
		t.Error("a missing file opened")
	}
}

// TestMoveToFront: pages added last and moved to the front come first, in
// their order, and a bookmark counts pages in the order after the move.
func TestMoveToFront(t *testing.T) {
	pdftest.Need(t, "qpdf", "pdftotext")
	fs := fonts(t)
	a, ra := doc(t, fs, typeset.Portrait, "正文第一页", "正文第二页")
	b, rb := doc(t, fs, typeset.Landscape, "附件第一页", "附件第二页", "附件末页")
	sa, sb := open(t, a), open(t, b)
	var out bytes.Buffer
	j := NewWriter(&out)
	for i := range sb.Pages() {
		if err := j.AddPage(sb, i, nil); err != nil {
			t.Fatal(err)
		}
	}
	for i := range sa.Pages() {
		if err := j.AddPage(sa, i, nil); err != nil {
			t.Fatal(err)
		}
	}
	j.MoveToFront(sa.Pages())
	var all typeset.RuneSet
	all.Add(ra)
	all.Add(rb)
	if err := j.Close(carrier(t, all), Info{Title: "移到前面", Outline: []Bookmark{{Title: "附件", Page: 2}}}); err != nil {
		t.Fatal(err)
	}
	pdf := out.Bytes()
	pdftest.Check(t, pdf)
	want := []string{"正文第一页", "正文第二页", "附件第一页", "附件第二页", "附件末页"}
	pages := pdftest.Pages(t, pdf)
	if len(pages) != len(want) {
		t.Fatalf("%d pages, want %d", len(pages), len(want))
	}
	for i, p := range pages {
		if sq := strings.Join(strings.Fields(p), ""); !strings.Contains(sq, want[i]) {
			t.Errorf("page %d: %q lacks %q", i+1, sq, want[i])
		}
	}
	js, err := exec.Command("qpdf", "--json", "--json-key=outlines", pdftest.File(t, pdf)).Output()
	if err != nil {
		t.Fatal(err)
	}
	var outline struct {
		Outlines []struct {
			Title string `json:"title"`
			Page  int    `json:"destpageposfrom1"`
		} `json:"outlines"`
	}
	if err := json.Unmarshal(js, &outline); err != nil {
		t.Fatal(err)
	}
	if len(outline.Outlines) != 1 || outline.Outlines[0].Page != 3 {
		t.Errorf("outline %+v: want 附件 at page 3, the attachment's first after the move", outline.Outlines)
	}
}
