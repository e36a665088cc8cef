package notice

import (
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/ledger"
)

func TestDisclosurePeriod(t *testing.T) {
	for _, c := range []struct {
		from ledger.Date
		days int
		want string
	}{
		{ledger.NewDate(2025, time.September, 12), 15, "2025年9月12日至26日（共计15日）"},
		{ledger.NewDate(2025, time.September, 20), 15, "2025年9月20日至10月4日（共计15日）"},
		{ledger.NewDate(2025, time.December, 25), 15, "2025年12月25日至2026年1月8日（共计15日）"},
		{ledger.NewDate(2024, time.February, 20), 10, "2024年2月20日至29日（共计10日）"},
		{ledger.NewDate(2025, time.September, 12), 1, "2025年9月12日（共计1日）"},
		{ledger.NewDate(2025, time.September, 12), 0, "2025年9月12日至26日（共计15日）"},
	} {
		if got := DisclosurePeriod(c.from, c.days); got != c.want {
			t.Errorf("DisclosurePeriod(%s, %d) = %q, want %q", c.from, c.days, got, c.want)
		}
	}
}

func TestDateRange(t *testing.T) {
	if got, want := DateRange(ledger.NewDate(2024, 9, 24), ledger.NewDate(2024, 12, 20)), "2024年9月24日至12月20日"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestHeadingLevel(t *testing.T) {
	for line, want := range map[string]Level{
		"一、党委履行巡察整改主体责任情况": Heading1,
		"十二、其他": Heading1,
		"（一）提高政治站位，落实主体责任。":   Heading2,
		"(三)强化监督检查":           Heading2,
		"1.学习贯彻习近平总书记重要讲话精神。": Heading3,
		"12．贯彻落实部署要求":         Heading3,
		"3、工作责任落实":            Heading3,
		"（1）认真落实“第一议题”制度。":    Heading4,
		"(36)大力推进发展党员工作":      Heading4,
		"一是全面摸底排查，夯实制度基础。":    Body,
		"2025年1月，向各村印发工作提示。":  Body,
		"1.1万人次参与攻坚行动。":       Body,
		"经过集中整改，取得了阶段性成效。":    Body,
		"一方面强化统筹部署":           Body,
	} {
		if got := HeadingLevel(line); got != want {
			t.Errorf("HeadingLevel(%q) = %d, want %d", line, got, want)
		}
	}
}

func TestParseNarrative(t *testing.T) {
	in := "\ufeff一、总体情况\r\n\r\n　　（一）提高站位,落实责任。镇党委高度重视.\n  2.规范学习\n(1)认真落实制度\n一是全面排查。\n\n"
	want := []Block{
		{Level: Heading1, Text: "一、总体情况"},
		{Level: Body, Text: "（一）提高站位，落实责任。镇党委高度重视。", Lead: 13, LeadLevel: Heading2},
		{Level: Heading3, Text: "2.规范学习"},
		{Level: Heading4, Text: "（1）认真落实制度"},
		{Level: Body, Text: "一是全面排查。"},
	}
	got := ParseNarrative(in)
	if len(got) != len(want) {
		t.Fatalf("got %d blocks %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("block %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestNormalizePunctuation(t *testing.T) {
	for in, want := range map[string]string{
		// The reference's web text: ASCII punctuation between Chinese.
		"根据市委统一部署,2024年9月24日至12月20日,市委对9个村(社区)党组织开展巡察。":              "根据市委统一部署，2024年9月24日至12月20日，市委对9个村（社区）党组织开展巡察。",
		"公开期限:2025年9月12日至26日(共计15日)。":                                "公开期限：2025年9月12日至26日（共计15日）。",
		"联系电话:0760-86388332(工作时间);邮政编码:528463;电子邮箱:sxxcxtb@126.com。": "联系电话：0760-86388332（工作时间）；邮政编码：528463；电子邮箱：sxxcxtb@126.com。",
		"(1)认真落实制度":                  "（1）认真落实制度",
		"完成率96.5%,项目推进滞后问题得到解决":      "完成率96.5%，项目推进滞后问题得到解决",
		"通过\"回头看\"巩固成效":              "通过“回头看”巩固成效",
		"整改完成, 效果明显!":                "整改完成，效果明显！",
		"他说 : 是吗?":                   "他说：是吗？",
		"全年1,200元,时间10:30":           "全年1,200元，时间10:30",
		"see http://example.com/a,b": "see http://example.com/a,b",
		"3.5万元":                      "3.5万元",
		"已完成.":                       "已完成。",
		"already ASCII (fine), ok.":  "already ASCII (fine), ok.",
		"圩仔(Xuzai)社区":                "圩仔（Xuzai）社区",
	} {
		if got := NormalizePunctuation(in); got != want {
			t.Errorf("NormalizePunctuation(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestAsciiActions(t *testing.T) {
	got := asciiActions("完成率{{（.Village “大布村”）.Rate}}，（不变）")
	want := `完成率{{(.Village "大布村").Rate}}，（不变）`
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestChineseNumber(t *testing.T) {
	for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 11: "十一", 20: "二十", 23: "二十三"} {
		if got := chineseNumber(n); got != want {
			t.Errorf("chineseNumber(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestBreakTitle(t *testing.T) {
	for _, c := range []struct {
		title string
		cap   float64
		names []string
		want  string
	}{
		{"中共中山市三乡镇委员会关于十五届市委第六轮巡察整改进展情况的通报", 20,
			[]string{"中共中山市三乡镇委员会", "十五届市委第六轮"},
			"中共中山市三乡镇委员会关于\n十五届市委第六轮巡察整改进展情况的通报"},
		{"中共中山市三乡镇圩仔社区委员会关于十五届市委第六轮对村巡察整改进展情况的通报台账", 28,
			[]string{"中共中山市三乡镇圩仔社区委员会", "十五届市委第六轮"},
			"中共中山市三乡镇圩仔社区委员会关于\n十五届市委第六轮对村巡察整改进展情况的通报台账"},
		{"短标题", 20, nil, "短标题"},
		{"第一行\n第二行很长很长很长很长很长很长很长很长很长", 5, nil, "第一行\n第二行很长很长很长很长很长很长很长很长很长"},
		{"没有任何可以断开的地方的一个非常非常非常长的标题文字", 10, nil, "没有任何可以断开的地方的一个非常非常非常长的标题文字"},
	} {
		if got := breakTitle(c.title, c.cap, c.names...); got != c.want {
			t.Errorf("breakTitle(%q)\n got %q\nwant %q", c.title, got, c.want)
		}
	}
	if got := titleCapacity(156); got != 20 {
		t.Errorf("portrait title capacity %v, want 20", got)
	}
}
