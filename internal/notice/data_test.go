package notice

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
)

// testConfig is a two-village town with the reference's dates and contact.
func testConfig() *config.Config {
	return &config.Config{
		Town:   "三乡镇",
		Issuer: "中共中山市三乡镇委员会",
		Round:  "十五届市委第六轮",
		Inspection: config.Inspection{
			Group:    "市委对村巡察第四组",
			From:     ledger.NewDate(2024, time.September, 24),
			To:       ledger.NewDate(2024, time.December, 20),
			Feedback: ledger.NewDate(2025, time.January, 14),
		},
		Disclosure: config.Disclosure{Date: ledger.NewDate(2025, time.September, 12), Days: 15},
		Contact: config.Contact{
			Phone:    "0760-86388332",
			Address:  "中山市三乡镇景观大道1号镇政府大楼三乡镇党建和组织人事办公室",
			Envelope: "对中共中山市三乡镇委员会关于巡察整改落实情况的意见建议",
			Postcode: "528463",
			Email:    "sxxcxtb@126.com",
		},
		Villages: []ledger.Village{
			{Name: "圩仔社区", Org: "中共中山市三乡镇圩仔社区委员会"},
			{Name: "大布村", Org: "中共中山市三乡镇大布村委员会"},
		},
	}
}

func item(village, cat, problem string, st ledger.Status, deadline ledger.Date) ledger.Item {
	return ledger.Item{
		Village: village, Category: cat, Problem: problem,
		Measures: "针对" + problem + "制定整改措施。", Progress: "已按计划推进。",
		Unit: "党建办", Person: "张三丰", Lead: "李四光",
		Status:   st,
		Deadline: ledger.Deadline{Kind: ledger.DeadlineOn, Date: deadline},
	}
}

func long(village, cat, problem string) ledger.Item {
	it := item(village, cat, problem, ledger.StatusLongTerm, ledger.Date{})
	it.Deadline = ledger.Deadline{Kind: ledger.DeadlineLongTerm, Text: "长期坚持"}
	return it
}

func testItems() []ledger.Item {
	d := ledger.NewDate(2025, time.March, 31)
	late := ledger.NewDate(2025, time.June, 30)
	return []ledger.Item{
		item("圩仔社区", "理论学习", "学习记录不完整", ledger.StatusDone, d),
		item("圩仔社区", "理论学习", "学用结合不紧", ledger.StatusDone, d),
		item("圩仔社区", "集体经济", "闲置资产未盘活", ledger.StatusOngoing, late),
		item("大布村", "理论学习", "第一议题落实不到位", ledger.StatusDone, d),
		item("大布村", "集体经济", "租赁合同不规范", ledger.StatusMostly, d),
		long("大布村", "红色阵地", "共和米机项目未启动"),
		item("大布村", "集体经济", "应收款长期挂账", ledger.StatusDone, d),
	}
}

func testData(t *testing.T) *Data {
	t.Helper()
	cfg := testConfig()
	items := testItems()
	sum := consolidate.Summarize(items, cfg.Villages, cfg.Disclosure.Date)
	return NewData(cfg, items, sum, nil)
}

func TestNarrativeFigures(t *testing.T) {
	d := testData(t)
	for src, want := range map[string]string{
		"共{{.Town.Tasks}}项，已完成{{.Town.Done}}项，完成率{{.Town.Rate}}":               "共7项，已完成4项，完成率57.1%",
		"逾期{{.Town.Overdue}}项，长期{{.Town.LongTerm}}项，未完成{{.Town.Unfinished}}项":  "逾期2项，长期1项，未完成3项",
		`大布村完成率{{(.Village "大布村").Rate}}`:                                      "大布村完成率50.0%",
		`{{(.Village "大布村").Number}}:{{(.Village "大布村").Org}}`:                 "2:中共中山市三乡镇大布村委员会",
		`{{(.Category "集体经济").Tasks}}/{{(.Category "集体经济").Done}}`:             "3/1",
		`{{((.Village "大布村").Category "集体经济").Tasks}}`:                         "2",
		`{{(.Village "圩仔社区").Overdue}}`:                                        "1",
		`{{range .Villages}}{{.Ordinal}}{{.Name}}{{.Done}}/{{.Tasks}} {{end}}`: "一圩仔社区2/3 二大布村2/4 ",
		"{{.VillageCount}}个，{{.AsOf}}，{{.Disclosure.Period}}":                  "2个，2025年9月12日，2025年9月12日至26日（共计15日）",
		// typed in a Chinese editor: full-width brackets and quotes inside the action
		"{{（.Village “大布村”）.Tasks}}": "4",
	} {
		got, err := execNarrative("通报正文.txt", src, d)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if got != want {
			t.Errorf("%s\n got %q\nwant %q", src, got, want)
		}
	}
}

func TestNarrativeErrors(t *testing.T) {
	d := testData(t)
	for src, want := range map[string]string{
		"第一行\n{{(.Village \"小布村\").Rate}}": "通报正文.txt第2行：没有村（社区）“小布村”，已配置的有：圩仔社区、大布村",
		"{{.Town.Don}}":              "通报正文.txt第1行：没有数据项“Don”",
		`{{(.Category "党建").Tasks}}`: "没有问题类别“党建”，已有的类别：理论学习、集体经济、红色阵地",
		"{{.Town.Done":               "通报正文.txt第1行",
	} {
		_, err := execNarrative("通报正文.txt", src, d)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", src, err, want)
		}
	}
}

func TestTemplateBlocks(t *testing.T) {
	d := testData(t)
	tm, err := noticeTemplates(nil)
	if err != nil {
		t.Fatal(err)
	}
	for block, want := range map[string]string{
		blockTitle: "中共中山市三乡镇委员会关于十五届市委第六轮巡察整改进展情况的通报",
		blockLead:  "根据市委统一部署，2024年9月24日至12月20日，市委对村巡察第四组对三乡镇圩仔社区等2个村（社区）党组织开展巡察。2025年1月14日，市委巡察组向三乡镇党委反馈巡察意见。按照巡察工作有关要求，现将巡察整改进展情况予以公布。",
		blockFeedback: "欢迎广大干部群众对巡察整改落实情况进行监督。如有意见建议，请及时向我们反映。公开期限：2025年9月12日至26日（共计15日）。" +
			"联系电话：0760-86388332（工作时间）；邮政信箱：中山市三乡镇景观大道1号镇政府大楼三乡镇党建和组织人事办公室（信封上注明“对中共中山市三乡镇委员会关于巡察整改落实情况的意见建议”）；邮政编码：528463；电子邮箱：sxxcxtb@126.com；",
	} {
		got, err := execBlock(tm, block, d)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s\n got %q\nwant %q", block, got, want)
		}
	}
	body, err := execBlock(tm, blockBody, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"共有整改任务7项，已完成4项，完成率57.1%", "（二）大布村。整改任务4项，已完成2项，完成率50.0%，逾期未完成1项。具体情况见附件2。", "（一）圩仔社区。整改任务3项，已完成2项，完成率66.7%，逾期未完成1项。"} {
		if !strings.Contains(body, want) {
			t.Errorf("正文 lacks %q:\n%s", want, body)
		}
	}
	if bs := ParseNarrative(body); len(bs) < 5 || bs[0].Level != Heading1 {
		t.Errorf("正文 does not parse into headed paragraphs: %+v", bs)
	}
}

func TestLoadTemplatesOverlay(t *testing.T) {
	dir := t.TempDir()
	fsys, err := LoadTemplates(filepath.Join(dir, "absent"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := noticeTemplates(fsys); err != nil {
		t.Fatal(err)
	}
	// A user file redefining one block wins for that block only.
	user := `{{define "标题"}}{{.Issuer}}关于巡察整改情况的通报{{end}}`
	if err := os.WriteFile(filepath.Join(dir, NoticeTemplate), []byte(user), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys, err = LoadTemplates(dir)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := noticeTemplates(fsys)
	if err != nil {
		t.Fatal(err)
	}
	d := testData(t)
	if got, _ := execBlock(tm, blockTitle, d); got != "中共中山市三乡镇委员会关于巡察整改情况的通报" {
		t.Errorf("user title not used: %q", got)
	}
	if got, _ := execBlock(tm, blockLead, d); !strings.HasPrefix(got, "根据市委统一部署") {
		t.Errorf("embedded lead lost: %q", got)
	}
	// A broken user template is an error naming the file and line.
	_, err = noticeTemplates(fstest.MapFS{NoticeTemplate: {Data: []byte("\n{{define \"标题\"}}{{.Issuer}")}})
	if err == nil || !strings.Contains(err.Error(), "模板通报.tmpl第2行") {
		t.Errorf("broken template: %v", err)
	}
	// A file where the folder should be.
	f := filepath.Join(dir, "file")
	os.WriteFile(f, nil, 0o644)
	if _, err := LoadTemplates(f); err == nil {
		t.Error("LoadTemplates(file) gave no error")
	}
}

func TestSampleNarrativeExecutes(t *testing.T) {
	src, err := os.ReadFile("../../samples/通报正文.txt")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	items := testItems()
	sum := consolidate.Summarize(items, cfg.Villages, cfg.Disclosure.Date)
	out, err := execNarrative("通报正文.txt", string(src), NewData(cfg, items, sum, nil))
	if err != nil {
		t.Fatal(err)
	}
	bs := ParseNarrative(out)
	var h1 []string
	for _, b := range bs {
		if b.Level == Heading1 {
			h1 = append(h1, b.Text)
		}
	}
	want := []string{"一、党委履行巡察整改主体责任情况", "二、巡察反馈重点事项整改落实情况", "三、需长期整改事项进展情况", "四、下一步工作打算"}
	if strings.Join(h1, "|") != strings.Join(want, "|") {
		t.Errorf("sample's parts = %q, want %q", h1, want)
	}
	if !strings.Contains(out, "共梳理整改任务7项，已完成4项，整体完成率57.1%") {
		t.Errorf("sample narrative lacks the computed figures:\n%s", out)
	}
}

func TestReadNarrative(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig()
	cfg.Path = filepath.Join(dir, config.FileName)
	if _, have, err := ReadNarrative(cfg); have || err != nil {
		t.Errorf("missing file: have %v, err %v", have, err)
	}
	os.WriteFile(filepath.Join(dir, "通报正文.txt"), []byte("一、总体情况\n"), 0o644)
	if text, have, err := ReadNarrative(cfg); !have || err != nil || text != "一、总体情况\n" {
		t.Errorf("got %q, %v, %v", text, have, err)
	}
	os.WriteFile(filepath.Join(dir, "通报正文.txt"), []byte{0xd2, 0xbb, 0xa1, 0xa2}, 0o644) // GBK 一、
	if text, have, err := ReadNarrative(cfg); !have || err != nil || text != "一、" {
		t.Errorf("GBK file: got %q, %v, %v", text, have, err)
	}
}
