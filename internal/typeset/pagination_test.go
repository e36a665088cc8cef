package typeset

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/pdftest"
)

// linesOf is the text lines of a page (pdftotext), page numbers dropped.
func linesOf(page string) []string {
	var out []string
	for _, l := range strings.Split(page, "\n") {
		if l = strings.TrimSpace(l); l != "" && !pageNumberRE.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

// TestNoWidowsNoOrphans: a paragraph never leaves one line alone at the
// foot of a page (it starts on the next) or at the top of the next (a line
// moves over with it); the grid of 22 lines stays.
func TestNoWidowsNoOrphans(t *testing.T) {
	pdftest.Need(t, "pdftotext")
	fs := embedded(t)
	// Four lines of the 28-character grid.
	four := strings.Repeat("镇党委把巡察整改作为重要政治任务来抓，", 4) + "确保整改落实到位。"
	st := Style{Role: RoleBody, Size: 16, FirstIndent: 2}
	cases := []struct {
		name      string
		blank     int // lines used before the paragraph
		text      string
		lines     int // lines of the paragraph
		wantFirst int // on page 1
	}{
		{"orphan", 21, four, 4, 0},            // one line left: the paragraph moves whole
		{"widow", 19, four, 4, 2},             // three fit, one would be alone: two go on
		{"widow-long", 16, four + four, 7, 5}, // six fit of seven: five stay, two go on
		{"fits", 18, four, 4, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := NewDocument(fs, Official())
			d.NewPage(Portrait)
			d.BlankLines(c.blank)
			n := d.Lines(c.text, st)
			if n != c.lines {
				t.Fatalf("paragraph has %d lines, want %d", n, c.lines)
			}
			d.Paragraph(c.text, st)
			pages := pdftest.Pages(t, render(t, d))
			first := len(linesOf(pages[0]))
			if first != c.wantFirst {
				t.Errorf("%d of %d lines on page 1, want %d", first, n, c.wantFirst)
			}
			if len(pages) > 1 {
				if rest := len(linesOf(pages[1])); rest == 1 || (first == 1 && n > 1) {
					t.Errorf("lines split %d/%d: a line alone", first, rest)
				}
			}
		})
	}
}

// TestMergedCellTallerThanItsRows: a merged cell's text longer than the
// rows under it makes its last row grow; nothing is cut, the text is drawn
// once, and a section row is drawn across the table.
func TestMergedCellTallerThanItsRows(t *testing.T) {
	pdftest.Need(t, "pdftotext")
	long := strings.Repeat("集体资产租赁合同不规范，", 8) + "完。"
	d := NewDocument(embedded(t), Official())
	d.NewPage(Landscape)
	d.Table(Table{
		Columns:  []Column{{Header: "序号", Width: 1}, {Header: "问题", Width: 2}, {Header: "措施", Width: 4}},
		Rows:     [][]string{{"1", long, "甲"}, {"2", "", "乙"}},
		Sections: []string{"一、集体经济方面", ""},
		Merged:   [][]bool{nil, {false, true, false}},
	})
	out, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", pdftest.File(t, render(t, d)), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	raw := squeeze(string(out))
	if strings.Count(raw, squeeze(long)) != 1 {
		t.Errorf("merged text drawn %d times, want once whole:\n%s", strings.Count(raw, squeeze(long)), raw)
	}
	if strings.Count(raw, "一、集体经济方面") != 1 {
		t.Error("section row not drawn once")
	}
}
