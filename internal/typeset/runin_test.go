package typeset

import (
	"bytes"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/pdftest"
)

// TestRunInHeading: a paragraph with a run-in heading is one paragraph
// (its first line holds the heading and the text after it), the heading
// in its own face and the rest in the paragraph's.
func TestRunInHeading(t *testing.T) {
	fs, err := EmbeddedFonts()
	if err != nil {
		t.Fatal(err)
	}
	const head = "（1）规范会议记录。"
	text := head + "统一购置会议记录本，明确专人记录，会后及时整理归档，" + strings.Repeat("做到一会一记、一事一档。", 3)
	pdfOf := func(st Style) []byte {
		d := NewDocument(fs, Official())
		d.NewPage(Portrait)
		d.Paragraph(text, st)
		var b bytes.Buffer
		if err := d.Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	body := Style{Role: RoleBody, FirstIndent: 2}
	lead := body
	lead.Lead, lead.LeadRole = len([]rune(head)), RoleKai
	faces := func(pdf []byte) map[string]bool {
		out := map[string]bool{}
		for _, f := range pdftest.Fonts(t, pdf) {
			name := f.Name
			if i := strings.IndexByte(name, '+'); i >= 0 {
				name = name[i+1:]
			}
			out[name] = true
		}
		return out
	}
	plain, runIn := faces(pdfOf(body)), faces(pdfOf(lead))
	added := 0
	for f := range runIn {
		if !plain[f] {
			added++
		}
	}
	if added != 1 || len(runIn) != len(plain)+1 {
		t.Errorf("faces: plain %v, run-in %v; want the run-in heading to add one face (楷体)", plain, runIn)
	}
	kaiOnly := faces(pdfOf(Style{Role: RoleKai, FirstIndent: 2}))
	for f := range runIn {
		if !plain[f] && !kaiOnly[f] {
			t.Errorf("the added face %s is not the 楷体 face %v", f, kaiOnly)
		}
	}
	pages := pdftest.Pages(t, pdfOf(lead))
	first := strings.SplitN(strings.TrimSpace(pages[0]), "\n", 2)[0]
	if !strings.HasPrefix(strings.ReplaceAll(first, " ", ""), head+"统一购置") {
		t.Errorf("the first line is %q, want the heading and its text run in", first)
	}
}
