package notice

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/pdftest"
	"github.com/taizhang/taizhang/internal/typeset"
)

// GB/T 9704 7.3.5.2: the issuer two characters from the right, the date
// on the next line starting two characters right of the issuer's first
// character; a date longer than that is set two characters from the right
// and the issuer moves left with it. The date is never broken.
func TestSignaturePlacement(t *testing.T) {
	pdftest.Need(t, "pdftotext")
	fonts, err := typeset.EmbeddedFonts()
	if err != nil {
		t.Fatal(err)
	}
	l := typeset.Official()
	const pt = 72 / 25.4
	right := (l.Left + l.BlockWidth) * pt
	em := l.BlockWidth * pt / float64(l.Chars) // one tracked character
	for _, issuer := range []string{"中共中山市三乡镇委员会", "三乡镇党委", "镇党委", "中共三乡镇委"} {
		t.Run(issuer, func(t *testing.T) {
			cfg := testConfig()
			cfg.Issuer = issuer
			d := typeset.NewDocument(fonts, l)
			d.NewPage(typeset.Portrait)
			signature(d, cfg)
			var buf bytes.Buffer
			if err := d.Write(&buf); err != nil {
				t.Fatal(err)
			}
			var iss, date *pdftest.Word
			words := pdftest.Words(t, buf.Bytes())
			for i := range words {
				switch w := &words[i]; {
				case w.Text == issuer:
					iss = w
				case strings.Contains(w.Text, "年") || strings.Contains(w.Text, "日"):
					if date != nil {
						t.Fatalf("date broken: %q and %q", date.Text, w.Text)
					}
					date = w
				}
			}
			if iss == nil || date == nil || date.Text != "2025年9月12日" {
				t.Fatalf("issuer %v, date %v in %+v", iss, date, words)
			}
			if iss.XMax > right-2*em+2 || date.XMax > right-2*em+2 {
				t.Errorf("issuer ends at %.1f, date at %.1f: want both at most %.1f (two characters from the right)", iss.XMax, date.XMax, right-2*em)
			}
			if math.Abs(date.XMin-iss.XMin-2*em) > 2 {
				t.Errorf("date starts %.1f pt right of the issuer, want %.1f (two characters)", date.XMin-iss.XMin, 2*em)
			}
		})
	}
}

// 附件说明: a name's wrapped lines hang under its first character, after
// the list number ("1.", "10.") as the number is really set.
func TestAttachmentListHang(t *testing.T) {
	pdftest.Need(t, "pdftotext")
	fonts, err := typeset.EmbeddedFonts()
	if err != nil {
		t.Fatal(err)
	}
	l := typeset.Official()
	const pt = 72 / 25.4
	em := l.BlockWidth * pt / float64(l.Chars)
	long := "中共中山市三乡镇塘敢村总支部委员会关于十五届市委第六轮对村巡察整改进展情况的通报台账"
	d := typeset.NewDocument(fonts, l)
	d.NewPage(typeset.Portrait)
	nums := []string{"1.", "2.", "10."}
	for _, n := range nums {
		d.Text(n, typeset.Style{Role: typeset.RoleBody, Size: sizeBody})
	}
	attachmentList(d, []VillageData{{Number: 1, Title: long}, {Number: 2, Title: long}, {Number: 10, Title: long}})
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		t.Fatal(err)
	}
	var words []pdftest.Word
	for _, w := range pdftest.Words(t, buf.Bytes()) {
		if !strings.Contains(w.Text, "—") { // the page number
			words = append(words, w)
		}
	}
	if len(words) != len(nums)+2*len(nums) {
		t.Fatalf("words: %+v", words)
	}
	for i, n := range nums {
		numW := words[i].XMax - words[i].XMin
		first, second := words[len(nums)+2*i], words[len(nums)+2*i+1]
		if !strings.Contains(first.Text, n+"中共") {
			t.Fatalf("line %q does not hold %q", first.Text, n)
		}
		// 附件： (or the space it takes) two characters in, then the number.
		nameX := l.Left*pt + 5*em + numW
		if math.Abs(second.XMin-nameX) > 1 {
			t.Errorf("%s: wrapped line starts at %.1f pt, the name at %.1f", n, second.XMin, nameX)
		}
	}
}

// The issuer and the date are never parted by a page break.
func TestSignatureKeptTogether(t *testing.T) {
	pdftest.Need(t, "pdftotext")
	fonts, err := typeset.EmbeddedFonts()
	if err != nil {
		t.Fatal(err)
	}
	for left := 1; left <= 4; left++ {
		d := typeset.NewDocument(fonts, typeset.Official())
		d.NewPage(typeset.Portrait)
		d.Paragraph("正文。", styles[Body])
		d.BlankLines(d.LinesLeft() - left)
		signature(d, testConfig())
		var buf bytes.Buffer
		if err := d.Write(&buf); err != nil {
			t.Fatal(err)
		}
		page := map[string]int{}
		for _, w := range pdftest.Words(t, buf.Bytes()) {
			page[w.Text] = w.Page
		}
		if page["中共中山市三乡镇委员会"] == 0 || page["中共中山市三乡镇委员会"] != page["2025年9月12日"] {
			t.Errorf("%d lines left: issuer on page %d, date on page %d", left, page["中共中山市三乡镇委员会"], page["2025年9月12日"])
		}
	}
}
