package notice

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pdftest"
)

// TestDocImages renders previews like those of docs/images from the sample
// narrative and a synthetic nine-village town (docs/images themselves are
// rendered from the sample build: taizhang build --config
// samples/taizhang.yaml, then pdftoppm -r 60 of 通报.pdf pages 1 and 8 and
// of 台账/大布村.pdf page 1 — a page with section rows, merged problems and
// a （续）). It runs only when NOTICE_IMAGES names the folder to write to:
//
//	NOTICE_IMAGES=$PWD/docs/images go test -run TestDocImages ./internal/notice
func TestDocImages(t *testing.T) {
	dir := os.Getenv("NOTICE_IMAGES")
	if dir == "" {
		t.Skip("NOTICE_IMAGES not set")
	}
	pdftest.Need(t, "pdftoppm")
	cfg := testConfig()
	cfg.Villages = []ledger.Village{
		{Name: "圩仔社区", Org: "中共中山市三乡镇圩仔社区委员会"},
		{Name: "前陇社区", Org: "中共中山市三乡镇前陇社区总支部委员会"},
		{Name: "南龙社区", Org: "中共中山市三乡镇南龙社区支部委员会"},
		{Name: "西山社区", Org: "中共中山市三乡镇西山社区支部委员会"},
		{Name: "振华社区", Org: "中共中山市三乡镇振华社区总支委员会"},
		{Name: "大布村", Org: "中共中山市三乡镇大布村委员会"},
		{Name: "塘敢村", Org: "中共中山市三乡镇塘敢村总支部委员会"},
		{Name: "茅湾村", Org: "中共中山市三乡镇茅湾村支部委员会"},
		{Name: "桥头村", Org: "中共中山市三乡镇桥头村支部委员会"},
	}
	var items []ledger.Item
	for i, v := range cfg.Villages {
		for j, task := range sampleTasks {
			it := task
			it.Village = v.Name
			it.Seq = string(rune('1' + j))
			if (i+j)%4 == 3 {
				it.Status, it.Done = ledger.StatusOngoing, ledger.Date{}
				it.Progress = "已完成资产清查和方案制定，正在推进公开招租，预计年底前完成。"
			}
			items = append(items, it)
		}
	}
	narrative, err := os.ReadFile("../../samples/通报正文.txt")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_, err = Town(&buf, Input{Config: cfg, Items: items, Narrative: string(narrative), HaveNarrative: true,
		Summary: consolidate.Summarize(items, cfg.Villages, cfg.Disclosure.Date)})
	if err != nil {
		t.Fatal(err)
	}
	if keep := os.Getenv("NOTICE_KEEP"); keep != "" {
		os.WriteFile(filepath.Join(keep, "通报-九村.pdf"), buf.Bytes(), 0o644)
	}
	sizes := pdftest.PageSizes(t, buf.Bytes())
	first := 0
	for i, s := range sizes {
		if s.W > s.H {
			first = i + 1
			break
		}
	}
	for name, page := range map[string]int{"notice-page.png": 1, "notice-attachment.png": first} {
		if err := pdftest.SavePNG(pdftest.Render(t, buf.Bytes(), page, 60), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

var sampleTasks = []ledger.Item{
	{
		Category: "学习贯彻党的创新理论方面",
		Problem:  "“第一议题”学习记录不完整，部分会议未记录学习内容。",
		Measures: "对照规范补齐学习记录；明确会前审核议题、专人记录的要求。",
		Unit:     "党委", Person: "陈某某",
		Deadline: ledger.Deadline{Kind: ledger.DeadlineOn, Date: ledger.NewDate(2025, time.March, 31)},
		Progress: "已补齐2024年以来的学习记录，每次会议由组织委员审核议题并专人记录，镇里抽查未再发现问题。",
		Status:   ledger.StatusDone, Done: ledger.NewDate(2025, time.March, 20),
	},
	{
		Category: "推动村集体经济发展方面",
		Problem:  "集体物业闲置，到期合同未及时续租或公开招租。",
		Measures: "建立闲置资产清单，通过农村集体“三资”平台公开招租；到期合同提前三个月提醒。",
		Unit:     "经联社", Person: "黄某某",
		Deadline: ledger.Deadline{Kind: ledger.DeadlineOn, Date: ledger.NewDate(2025, time.June, 30)},
		Progress: "已梳理闲置物业，其中大部分已通过平台公开招租并签订合同，到期合同提醒机制已建立。",
		Status:   ledger.StatusDone, Done: ledger.NewDate(2025, time.June, 18),
	},
	{
		Category: "全面从严治党方面",
		Problem:  "警示教育开展不经常，未用好身边案例。",
		Measures: "每年至少开展两次警示教育，结合身边案例组织讨论。",
		Unit:     "党委", Person: "李某某",
		Deadline: ledger.Deadline{Kind: ledger.DeadlineLongTerm, Text: "长期坚持"},
		Progress: "已于2025年4月开展一次警示教育，下半年计划再开展一次，纳入年度考核。",
		Status:   ledger.StatusLongTerm,
	},
}
