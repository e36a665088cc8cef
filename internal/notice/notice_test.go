package notice

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pdftest"
)

// longProgress is a 1,500+ character progress text that must cross a page.
func longProgress() string {
	var b strings.Builder
	for i := 1; b.Len() < 1700*3; i++ {
		fmt.Fprintf(&b, "第%d轮排查中，镇农业部门会同大布村逐户核对集体资产台账，补录漏登的厂房、商铺和鱼塘共%d处，对到期合同重新公开招租，租金收入同比提高%d.%d%%；", i, i*3, i%9+1, i%7)
	}
	b.WriteString("相关资料已归档。")
	return b.String()
}

func townInput(t *testing.T, cfg *config.Config) Input {
	t.Helper()
	items := testItems()
	items[5].Progress = longProgress()
	items[0].Note = "（已销号）"
	items[0].Done = ledger.NewDate(2025, 3, 20)
	consolidate.Order(items, cfg.Villages)
	narrative, err := os.ReadFile("../../samples/通报正文.txt")
	if err != nil {
		t.Fatal(err)
	}
	return Input{
		Config:        cfg,
		Items:         items,
		Summary:       consolidate.Summarize(items, cfg.Villages, cfg.Disclosure.Date),
		Narrative:     string(narrative),
		HaveNarrative: true,
	}
}

func TestTownPDF(t *testing.T) {
	pdftest.Need(t, "pdftotext", "pdfinfo", "qpdf")
	cfg := testConfig()
	in := townInput(t, cfg)
	var buf bytes.Buffer
	res, err := Town(&buf, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Diagnostics {
		t.Errorf("unexpected diagnostic: %s", d)
	}
	pdf := readDoc(t, buf.Bytes(), "通报.pdf")
	sizes := pdf.sizes
	if res.Pages != len(sizes) {
		t.Errorf("Result.Pages = %d, PDF has %d", res.Pages, len(sizes))
	}
	// Notice pages A4 portrait, then each attachment on landscape pages.
	const a4w, a4h = 595.28, 841.89
	notice := 0
	for i, s := range sizes {
		portrait := near(s.W, a4w) && near(s.H, a4h)
		landscape := near(s.W, a4h) && near(s.H, a4w)
		if !portrait && !landscape {
			t.Errorf("page %d is %.1f×%.1f pt, not A4", i+1, s.W, s.H)
		}
		if portrait {
			if notice != i {
				t.Errorf("portrait page %d after a landscape one", i+1)
			}
			notice++
		}
	}
	if notice == 0 || notice == len(sizes) {
		t.Fatalf("%d portrait pages of %d: want the notice portrait and the attachments landscape", notice, len(sizes))
	}
	noticeText := pdf.text(1, notice)
	attText := pdf.text(notice+1, len(sizes))
	all := pdf.text(1, len(sizes))

	// Page numbers run on through the attachments.
	for p := 1; p <= len(sizes); p++ {
		if !regexp.MustCompile(fmt.Sprintf(`—\s*%d\s*—`, p)).MatchString(pdf.pages[p-1]) {
			t.Errorf("page %d has no page number “— %d —”", p, p)
		}
	}

	// The notice: title, lead, the narrative's figures, feedback, attachment list, signature.
	sq := squeeze(noticeText)
	for _, want := range []string{
		"中共中山市三乡镇委员会关于十五届市委第六轮巡察整改进展情况的通报",
		"2025年1月14日，市委巡察组向三乡镇党委反馈巡察意见。",
		"一、党委履行巡察整改主体责任情况", "四、下一步工作打算",
		"共梳理整改任务7项，已完成4项，整体完成率57.1%",
		"公开期限：2025年9月12日至26日（共计15日）。",
		"联系电话：0760-86388332（工作时间）",
		"电子邮箱：sxxcxtb@126.com。",
		"附件：1.中共中山市三乡镇圩仔社区委员会关于十五届市委第六轮对村巡察整改进展情况的通报台账",
		"2.中共中山市三乡镇大布村委员会关于十五届市委第六轮对村巡察整改进展情况的通报台账",
		"中共中山市三乡镇委员会2025年9月12日",
	} {
		if !strings.Contains(sq, want) {
			t.Errorf("notice lacks %q", want)
		}
	}
	if strings.ContainsAny(noticeText, ",:;()") {
		for _, l := range strings.Split(noticeText, "\n") {
			if strings.ContainsAny(l, ",:;()") && !strings.Contains(l, "@") {
				t.Errorf("ASCII punctuation in the notice: %q", l)
			}
		}
	}

	// The attachments: label, title, public columns, every task's text in full.
	asq := pdf.raw(t, notice+1)
	for _, want := range []string{"附件1", "附件2", "序号", "问题类别", "巡察反馈问题", "整改措施", "责任单位", "整改时限",
		"整改进展情况", "整改状态", "完成时间", "备注", "2025年3月31日", "长期坚持", "2025年3月20日", "（已销号）"} {
		if !strings.Contains(asq, want) {
			t.Errorf("attachments lack %q", want)
		}
	}
	for _, private := range []string{"张三丰", "李四光"} {
		if strings.Contains(all, private) {
			t.Errorf("personal data %q published by default", private)
		}
	}
	for _, header := range []string{"责任人", "责任领导", "佐证材料"} {
		if strings.Contains(attText, header) {
			t.Errorf("column %q published by default", header)
		}
	}
	pdf.cellsIntact(t, notice+1, in.Items, cfg.Publish)
	// The long task crosses pages, and loses nothing doing so (cellsIntact).
	if n := len([]rune(in.Items[5].Progress)); n < 1500 {
		t.Fatalf("long progress text has %d characters", n)
	}
	if a, b := pdf.pageOf("第1轮排查中"), pdf.pageOf("归档。"); a <= notice || b <= a {
		t.Errorf("long task on pages %d–%d, want it to start in the attachments and cross a page", a, b)
	}
	// No line starts with punctuation that must not start one.
	for _, l := range strings.Split(all, "\n") {
		l = strings.TrimLeft(l, " \u3000\f")
		if l != "" && strings.ContainsRune("，。、；：！？）」》”", []rune(l)[0]) {
			t.Errorf("line starts with %q: %q", []rune(l)[0], l)
		}
	}
}

func TestTownPublishPerson(t *testing.T) {
	cfg := testConfig()
	cfg.Publish.Person = true
	var buf bytes.Buffer
	if _, err := Town(&buf, townInput(t, cfg)); err != nil {
		t.Fatal(err)
	}
	pdf := readDoc(t, buf.Bytes(), "通报-责任人.pdf")
	all := squeeze(pdf.text(1, len(pdf.pages)))
	for _, want := range []string{"责任人", "张三丰"} {
		if !strings.Contains(all, want) {
			t.Errorf("publish.person set, but %q is absent", want)
		}
	}
	if strings.Contains(all, "李四光") {
		t.Error("责任领导 published without publish.lead")
	}
}

func TestTownWithoutNarrative(t *testing.T) {
	cfg := testConfig()
	in := townInput(t, cfg)
	in.Narrative, in.HaveNarrative = "", false
	var buf bytes.Buffer
	res, err := Town(&buf, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Code != ledger.CodeNarrative || res.Diagnostics[0].Severity != ledger.Warning {
		t.Errorf("diagnostics = %v, want one narrative warning", res.Diagnostics)
	}
	pdf := readDoc(t, buf.Bytes(), "通报-无正文.pdf")
	txt := squeeze(pdf.text(1, 2))
	for _, want := range []string{"共有整改任务7项，已完成4项，完成率57.1%", "公开期限："} {
		if !strings.Contains(txt, want) {
			t.Errorf("template-only notice lacks %q", want)
		}
	}
}

func TestTownNarrativeError(t *testing.T) {
	in := townInput(t, testConfig())
	in.Narrative = "一、总体情况\n完成率{{(.Village \"小布村\").Rate}}。"
	_, err := Town(&bytes.Buffer{}, in)
	if err == nil || !strings.Contains(err.Error(), "通报正文.txt第2行") || !strings.Contains(err.Error(), "小布村") {
		t.Errorf("err = %v, want one naming the line and the village", err)
	}
}

func TestVillagePDF(t *testing.T) {
	cfg := testConfig()
	in := townInput(t, cfg)
	var buf bytes.Buffer
	res, err := Village(&buf, in, "大布村")
	if err != nil {
		t.Fatal(err)
	}
	pdf := readDoc(t, buf.Bytes(), "大布村.pdf")
	sizes := pdf.sizes
	if res.Pages != len(sizes) || len(sizes) < 2 {
		t.Errorf("pages = %d (PDF %d), want the long task over 2+ pages", res.Pages, len(sizes))
	}
	for i, s := range sizes {
		if s.W < s.H {
			t.Errorf("page %d is portrait", i+1)
		}
	}
	txt := pdf.text(1, len(sizes))
	if !regexp.MustCompile(`—\s*1\s*—`).MatchString(pdf.pages[0]) {
		t.Error("page 1 is not numbered “— 1 —”")
	}
	sq := squeeze(txt)
	if !strings.Contains(sq, "中共中山市三乡镇大布村委员会关于十五届市委第六轮对村巡察整改进展情况的通报台账") {
		t.Error("village ledger lacks its title")
	}
	if strings.Contains(sq, "附件") || strings.Contains(sq, "圩仔") {
		t.Error("village ledger carries the notice's attachment label or another village")
	}
	var own []ledger.Item
	for _, it := range in.Items {
		if it.Village == "大布村" {
			own = append(own, it)
		}
	}
	pdf.cellsIntact(t, 1, own, cfg.Publish)
	if _, err := Village(&buf, in, "小布村"); err == nil {
		t.Error("unknown village gave no error")
	}
}

func near(a, b float64) bool { return a > b-1 && a < b+1 }

func TestMissingGlyphAndEmptyVillage(t *testing.T) {
	cfg := testConfig()
	cfg.Villages = append(cfg.Villages, ledger.Village{Name: "桥头村", Org: "中共中山市三乡镇桥头村支部委员会"})
	in := townInput(t, cfg)
	in.Items[0].Progress = "已迁入\U000323AF字号新址。" // CJK Extension H: no font here has it
	var buf bytes.Buffer
	res, err := Town(&buf, in)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, d := range res.Diagnostics {
		if d.Code == ledger.CodeMissingGlyph && strings.Contains(d.Message, "\U000323AF") && strings.Contains(d.Message, "U+323AF") && strings.Contains(d.Message, "已迁入") {
			found = true
		}
	}
	if !found {
		t.Errorf("diagnostics %v lack the missing character, its code point and where it is", res.Diagnostics)
	}
	pdf := readDoc(t, buf.Bytes(), "通报-缺字.pdf")
	all := squeeze(pdf.text(1, len(pdf.pages)))
	for _, want := range []string{"附件3", "3.中共中山市三乡镇桥头村支部委员会关于十五届市委第六轮对村巡察整改进展情况的通报台账", "尚未报送。"} {
		if !strings.Contains(all, want) {
			t.Errorf("a village with no tasks: notice lacks %q", want)
		}
	}

	buf.Reset()
	vres, err := Village(&buf, in, "桥头村")
	if err != nil || vres.Pages != 1 {
		t.Fatalf("Village(桥头村) = %+v, %v", vres, err)
	}
}

func TestEmptyNarrative(t *testing.T) {
	in := townInput(t, testConfig())
	in.Narrative = "\n  \n{{/* 还没写 */}}\n"
	res, err := Town(&bytes.Buffer{}, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Code != ledger.CodeNarrative {
		t.Errorf("diagnostics = %v, want one about the empty narrative", res.Diagnostics)
	}
}

// TestConcurrent renders the notice and the village ledgers from one Input
// at once, as the build does (run with -race).
func TestConcurrent(t *testing.T) {
	in := townInput(t, testConfig())
	done := make(chan error)
	go func() { _, err := Town(&bytes.Buffer{}, in); done <- err }()
	for _, v := range in.Config.Villages {
		go func() { _, err := Village(&bytes.Buffer{}, in, v.Name); done <- err }()
	}
	for range 1 + len(in.Config.Villages) {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
