package notice

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pdftest"
	"github.com/taizhang/taizhang/internal/typeset"
)

// TestRateOfNoTasks: a group with no tasks has no rate, printed "—", not
// a 0.0% that would say nothing was done.
func TestRateOfNoTasks(t *testing.T) {
	cfg := testConfig()
	d := NewData(cfg, nil, nil, nil)
	if got := d.Town.Rate(); got != consolidate.NoRate {
		t.Errorf("town with no tasks: Rate = %q, want %q", got, consolidate.NoRate)
	}
	if v, _ := d.Village("大布村"); v.Rate() != consolidate.NoRate {
		t.Errorf("village with no tasks: Rate = %q, want %q", v.Rate(), consolidate.NoRate)
	}
	got, err := execNarrative("通报正文.txt", "一、总体情况\n完成率{{.Town.Rate}}，大布村{{(.Village \"大布村\").Rate}}。", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "完成率—，大布村—。") || strings.Contains(got, "0.0%") {
		t.Errorf("narrative = %q, want the rates as —", got)
	}
	if d := testData(t); d.Town.Rate() != "57.1%" {
		t.Errorf("town rate = %q, want 57.1%%", d.Town.Rate())
	}
}

// TestDeadlinePrintedAsWritten: a deadline the village wrote as text is
// printed as written, while its date still counts overdue; a date cell is
// printed in the official form. Both dates fit their columns on two lines.
func TestDeadlinePrintedAsWritten(t *testing.T) {
	cfg := testConfig()
	items := testItems()
	month, ok := ledger.ParseDeadline("2025年10月底前")
	if !ok {
		t.Fatal("2025年10月底前 does not parse")
	}
	items[3].Deadline = month
	items[3].Status = ledger.StatusOngoing
	items[4].Deadline = ledger.Deadline{Kind: ledger.DeadlineOn, Date: ledger.NewDate(2025, time.October, 28)}
	items[4].Done = ledger.NewDate(2025, time.October, 28)
	items[6].Deadline, _ = ledger.ParseDeadline("立行立改")
	items[5].Deadline, _ = ledger.ParseDeadline("2025.10.28") // a bare date typed as text: the official form
	if !items[3].Overdue(ledger.NewDate(2025, time.November, 3)) {
		t.Error("a text deadline's date does not count overdue")
	}
	consolidate.Order(items, cfg.Villages)
	in := Input{Config: cfg, Items: items}
	var buf bytes.Buffer
	if _, err := Village(&buf, in, "大布村"); err != nil {
		t.Fatal(err)
	}
	pdf := readDoc(t, buf.Bytes(), "时限.pdf")
	raw := pdf.raw(t, 1)
	for _, want := range []string{"2025年10月底前", "立行立改"} {
		if !strings.Contains(raw, want) {
			t.Errorf("ledger lacks the deadline as written %q", want)
		}
	}
	if strings.Contains(raw, "10月31日") {
		t.Error("2025年10月底前 was rewritten as a date")
	}
	// "2025年" over "10月28日", each line whole, in both date columns.
	lines := strings.Split(pdftotext(t, "-raw", pdf.path, "-"), "\n")
	n := 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "10月28日" {
			n++
		}
	}
	if n < 3 {
		t.Errorf("10月28日 is on a line of its own %d times, want 3 (two 整改时限, one 完成时间):\n%s", n, strings.Join(lines, "\n"))
	}
	if strings.Contains(raw, "2025.10.28") {
		t.Error("a bare date typed as text is not in the official form")
	}
}

// sectionItems is a village ledger kept as villages keep them: categories
// from section rows, one problem merged over three measures, and one
// merged over enough measures to cross a page.
func sectionItems() []ledger.Item {
	d := ledger.NewDate(2025, time.March, 31)
	var items []ledger.Item
	add := func(cat, problem, measures string, merged bool) {
		it := item("大布村", cat, problem, ledger.StatusDone, d)
		it.FromSection = true
		it.Measures = measures
		if merged {
			it.MergedUp = it.MergedUp.With(ledger.ColProblem)
		}
		items = append(items, it)
	}
	add("一、学习贯彻党的创新理论方面", "第一议题制度落实不到位，学习记录流于形式", "建立第一议题学习台账。", false)
	add("一、学习贯彻党的创新理论方面", "第一议题制度落实不到位，学习记录流于形式", "每月开展一次专题学习。", true)
	add("一、学习贯彻党的创新理论方面", "第一议题制度落实不到位，学习记录流于形式", "镇党委定期抽查学习记录。", true)
	add("二、集体经济和资产管理方面", "集体资产租赁合同不规范，部分合同到期未续签", "全面清理到期合同。", false)
	for k := 0; k < 14; k++ {
		add("二、集体经济和资产管理方面", "集体资产租赁合同不规范，部分合同到期未续签",
			fmt.Sprintf("第%d批合同：逐份核对租赁面积、租金标准和期限，对不规范条款重新协商签订补充协议，并在村务公开栏公示结果，接受群众监督。", k+1), true)
	}
	return items
}

// TestSectionRowsAndMergedProblems: section rows printed once each and no
// 问题类别 column; a problem merged over three rows printed once; one
// merged over rows crossing a page printed again, marked （续）, on the next.
func TestSectionRowsAndMergedProblems(t *testing.T) {
	cfg := testConfig()
	items := sectionItems()
	in := Input{Config: cfg, Items: items}
	var buf bytes.Buffer
	if _, err := Village(&buf, in, "大布村"); err != nil {
		t.Fatal(err)
	}
	pdf := readDoc(t, buf.Bytes(), "分节合并.pdf")
	if len(pdf.pages) < 2 {
		t.Fatalf("%d pages, want the long merged problem across two", len(pdf.pages))
	}
	all := pdf.raw(t, 1)
	for _, sec := range []string{"一、学习贯彻党的创新理论方面", "二、集体经济和资产管理方面"} {
		if n := strings.Count(all, sec); n != 1 {
			t.Errorf("section %q printed %d times, want once", sec, n)
		}
	}
	if strings.Contains(all, "问题类别") {
		t.Error("a ledger with section rows has a 问题类别 column")
	}
	if n := strings.Count(all, squeeze("第一议题制度落实不到位，学习记录流于形式")); n != 1 {
		t.Errorf("problem merged over three rows printed %d times, want once", n)
	}
	long := squeeze("集体资产租赁合同不规范，部分合同到期未续签")
	p1 := squeeze(pdf.pages[0])
	p2 := squeeze(pdftotext(t, "-raw", "-f", "2", "-l", "2", pdf.path, "-"))
	if strings.Count(p1, long) != 1 {
		t.Errorf("page 1 prints the merged problem %d times, want once", strings.Count(p1, long))
	}
	if !strings.Contains(p2, long+"（续）") {
		t.Errorf("page 2 lacks the merged problem repeated with （续）: %.200s", p2)
	}
	pdf.cellsIntact(t, 1, items, cfg.Publish)

	// The same tasks with a category column keep the column.
	for i := range items {
		items[i].FromSection = false
	}
	buf.Reset()
	if _, err := Village(&buf, Input{Config: cfg, Items: items}, "大布村"); err != nil {
		t.Fatal(err)
	}
	if raw := readDoc(t, buf.Bytes(), "类别列.pdf").raw(t, 1); !strings.Contains(raw, "问题类别") {
		t.Error("a ledger with a category column lost it")
	}
}

// TestSplitRowShowsSeq: a row continued on the next page shows its 序号
// again, marked （续）.
func TestSplitRowShowsSeq(t *testing.T) {
	cfg := testConfig()
	items := testItems()
	for i := range items {
		items[i].Seq = fmt.Sprint(i + 1)
	}
	items[5].Progress = longProgress()
	consolidate.Order(items, cfg.Villages)
	var seq string
	for _, it := range items {
		if it.Progress == longProgress() {
			seq = it.Seq
		}
	}
	var buf bytes.Buffer
	if _, err := Village(&buf, Input{Config: cfg, Items: items}, "大布村"); err != nil {
		t.Fatal(err)
	}
	pdf := readDoc(t, buf.Bytes(), "续行.pdf")
	p2 := squeeze(pdftotext(t, "-raw", "-f", "2", "-l", "2", pdf.path, "-"))
	if !strings.Contains(p2, seq+"（续）") {
		t.Errorf("page 2 lacks the continued row's 序号 %s（续）: %.200s", seq, p2)
	}
}

// TestHeadingNeverEndsAPage: a heading that would fall on a page's last
// line moves to the next page with its text.
func TestHeadingNeverEndsAPage(t *testing.T) {
	fonts, err := typeset.EmbeddedFonts()
	if err != nil {
		t.Fatal(err)
	}
	for _, blank := range []int{21, 20} { // the heading alone; the heading and one line
		d := typeset.NewDocument(fonts, typeset.Official())
		d.NewPage(typeset.Portrait)
		d.BlankLines(blank)
		paragraphs(d, "二、巡察反馈重点事项整改落实情况\n"+strings.Repeat("镇党委对照反馈问题逐项制定整改措施，明确责任领导和完成时限。", 3))
		var buf bytes.Buffer
		if err := d.Write(&buf); err != nil {
			t.Fatal(err)
		}
		pdf := readDoc(t, buf.Bytes(), "标题.pdf")
		if len(pdf.pages) != 2 {
			t.Fatalf("%d pages, want 2", len(pdf.pages))
		}
		if strings.Contains(pdf.pages[0], "巡察反馈") || !strings.Contains(squeeze(pdf.pages[1]), "二、巡察反馈重点事项整改落实情况") {
			t.Errorf("blank %d: the heading stays at the foot of page 1:\n%s", blank, pdf.pages[0])
		}
	}
}

// TestTownPDFIsADocument: the notice has an outline (the body, each 附件N
// with its village, at its first page), /Lang zh-CN, the as-of day as its
// creation date, and subset tags on its fonts.
func TestTownPDFIsADocument(t *testing.T) {
	pdftest.Need(t, "qpdf", "pdfinfo", "pdffonts")
	cfg := testConfig()
	in := townInput(t, cfg)
	var buf bytes.Buffer
	if _, err := Town(&buf, in); err != nil {
		t.Fatal(err)
	}
	pdf := readDoc(t, buf.Bytes(), "通报-大纲.pdf")
	out, err := exec.Command("qpdf", "--json", "--json-key=outlines", "--json-key=pages", pdf.path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var js struct {
		Outlines []struct {
			Title      string `json:"title"`
			DestPageNo int    `json:"destpageposfrom1"`
		} `json:"outlines"`
	}
	if err := json.Unmarshal(out, &js); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range js.Outlines {
		got = append(got, fmt.Sprintf("%s@%d", o.Title, o.DestPageNo))
	}
	want := []string{"中共中山市三乡镇委员会关于十五届市委第六轮巡察整改进展情况的通报@1",
		fmt.Sprintf("附件1　圩仔社区@%d", pdf.pageOf("附件1")), fmt.Sprintf("附件2　大布村@%d", pdf.pageOf("附件2"))}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("outline = %q, want %q", got, want)
	}
	raw := buf.String()
	if !strings.Contains(raw, "/Lang (zh-CN)") {
		t.Error("catalog lacks /Lang (zh-CN)")
	}
	if !strings.Contains(raw, "/CreationDate (D:20250912000000)") {
		t.Error("creation date is not the as-of day 2025-09-12")
	}
	fonts := pdftest.Fonts(t, buf.Bytes())
	if len(fonts) == 0 {
		t.Fatal("no fonts")
	}
	tag := regexp.MustCompile(`^[A-Z]{6}\+`)
	for _, f := range fonts {
		if !tag.MatchString(f.Name) || !f.Subset {
			t.Errorf("font %s has no subset tag", f.Name)
		}
	}
	// The same inputs, the same bytes (the tags too).
	var again bytes.Buffer
	if _, err := Town(&again, in); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Error("two builds differ")
	}
}

// TestRareCharacterFromMachineFonts: 𠀋 (U+2000B, CJK Extension B), which
// no embedded face has and the PDF library cannot address, is printed from
// a font of the machine found without configuration (CI: Debian's
// fonts-hanazono in /usr/share/fonts), and extracts as itself; a character
// no font has is a warning naming it and its cell.
func TestRareCharacterFromMachineFonts(t *testing.T) {
	if _, err := os.Stat("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("fonts-hanazono is not installed")
		}
		t.Skip("fonts-hanazono is not installed")
	}
	cfg := testConfig()
	in := townInput(t, cfg)
	for i := range in.Items {
		if in.Items[i].Village == "大布村" {
			in.Items[i].Progress = "已迁入\U0002000B字号新址，另有\U000323AF待查。"
			in.Items[i].Source = ledger.Source{File: "大布村.xlsx", Sheet: "台账", Row: 5, Layout: &ledger.Layout{ledger.ColProgress: "H"}}
			break
		}
	}
	var buf bytes.Buffer
	res, err := Town(&buf, in)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, d := range res.Diagnostics {
		if d.Code == ledger.CodeMissingGlyph {
			missing = append(missing, d.String())
		}
	}
	if len(missing) != 1 || !strings.Contains(missing[0], "U+323AF") || !strings.Contains(missing[0], "H5") {
		t.Errorf("missing-glyph diagnostics = %q, want one for U+323AF at H5", missing)
	}
	pdf := readDoc(t, buf.Bytes(), "通报-生僻字.pdf")
	if raw := pdf.raw(t, 1); !strings.Contains(raw, "已迁入\U0002000B字号新址") {
		t.Errorf("𠀋 does not extract as U+2000B")
	}
	var sys bool
	for _, f := range pdftest.Fonts(t, buf.Bytes()) {
		sys = sys || strings.Contains(f.Name, "+utf8sys")
		if !f.Embedded {
			t.Errorf("font %s not embedded", f.Name)
		}
	}
	if !sys {
		t.Error("no face from the machine's fonts in the PDF")
	}
	// The village's own file too.
	buf.Reset()
	if _, err := Village(&buf, in, "大布村"); err != nil {
		t.Fatal(err)
	}
	if raw := readDoc(t, buf.Bytes(), "大布村-生僻字.pdf").raw(t, 1); !strings.Contains(raw, "已迁入\U0002000B字号新址") {
		t.Errorf("𠀋 does not extract as U+2000B from the village's file")
	}
}

// TestMergedUnitAndSectionNumbers: a 责任单位 merged in the ledger is one
// cell over its rows (not merged: one a row), and section rows whose
// numbers intake took off are numbered again in order.
func TestMergedUnitAndSectionNumbers(t *testing.T) {
	items := sectionItems()[:4]
	for i := range items {
		items[i].Category = strings.TrimPrefix(strings.TrimPrefix(items[i].Category, "一、"), "二、")
		items[i].Unit = "村党委"
	}
	tbl := ledgerTableOf(items, config.Publish{})
	unit := -1
	for j, c := range ledgerColumns(items, config.Publish{}, landscapeWidth) {
		if c.Col == ledger.ColUnit {
			unit = j
		}
	}
	if tbl.Merged[1][unit] || tbl.Merged[2][unit] {
		t.Error("责任单位 merged without the ledger merging it")
	}
	items[1].MergedUp = items[1].MergedUp.With(ledger.ColUnit)
	items[2].MergedUp = items[2].MergedUp.With(ledger.ColUnit)
	tbl = ledgerTableOf(items, config.Publish{})
	if !tbl.Merged[1][unit] || !tbl.Merged[2][unit] || tbl.Merged[3][unit] {
		t.Errorf("责任单位 merged = %v %v %v, want rows 2–3 merged up", tbl.Merged[1][unit], tbl.Merged[2][unit], tbl.Merged[3][unit])
	}
	if tbl.Sections[0] != "一、学习贯彻党的创新理论方面" || tbl.Sections[3] != "二、集体经济和资产管理方面" || tbl.Sections[1] != "" {
		t.Errorf("sections = %q", tbl.Sections)
	}
	var buf bytes.Buffer
	if _, err := Village(&buf, Input{Config: testConfig(), Items: items}, "大布村"); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(readDoc(t, buf.Bytes(), "单位合并.pdf").raw(t, 1), "村党委"); n != 2 {
		t.Errorf("村党委 printed %d times, want 2 (one merged cell over three rows, one row)", n)
	}
}

// TestLackingInPartsIsOneScan: the characters no face has, scanned in
// parts on every core, are those of one scan, in the same order — a
// character first met in a later part after those of the earlier ones.
func TestLackingInPartsIsOneScan(t *testing.T) {
	fonts, err := typeset.EmbeddedFonts()
	if err != nil {
		t.Fatal(err)
	}
	rare := []string{"𠀀", "𪚥", "𠮷", "䶵"}
	var items []ledger.Item
	for i := range 5000 {
		it := ledger.Item{Village: "大布村", Seq: "1", Problem: "道路破损需修复"}
		if i%1300 == 7 {
			it.Progress = "已联系" + rare[(i/1300)%len(rare)] + "家"
		}
		if i == 4999 {
			it.Measures = rare[0] + rare[3]
		}
		items = append(items, it)
	}
	texts := []string{"关于" + rare[2] + "的通报"}
	want := lacking(fonts, texts, items, config.Publish{})
	if len(want) == 0 {
		t.Fatal("the embedded faces have every rare character: the test proves nothing")
	}
	got := lackingInParts(fonts, texts, items, config.Publish{})
	if string(got) != string(want) {
		t.Errorf("in parts %q, one scan %q", string(got), string(want))
	}
}

// TestBodyReservesWhatItDraws: the notice's own pages declare every
// character they draw before drawing, so that fpdf is handed each face
// cut to them, never whole.
func TestBodyReservesWhatItDraws(t *testing.T) {
	in := townInput(t, testConfig())
	tn, err := prepareTown(in)
	if err != nil {
		t.Fatal(err)
	}
	d := tn.typesetBody()
	if whole := d.WholeFaces(); len(whole) > 0 {
		t.Errorf("faces handed to fpdf whole: %v; the body drew characters it had not reserved", whole)
	}
}
