package workspace

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/notice"
)

func TestInitLaysOutAReadyWorkspace(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "三乡镇 2025 第六轮")
	res, err := Init(dir, InitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"taizhang.yaml", "收件箱", "输出", "通报正文.docx", "空白台账/圩仔社区整改台账.xlsx", "空白台账/大布村整改台账.xlsx"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s missing: %v", p, err)
		}
	}
	cfg, err := config.Load(filepath.Join(dir, "taizhang.yaml"))
	if err != nil {
		t.Fatalf("the written config does not load: %v", err)
	}
	if cfg.InboxDir() != filepath.Join(dir, "收件箱") || cfg.OutDir() != filepath.Join(dir, "输出") || len(cfg.Villages) != 2 {
		t.Errorf("config: inbox %s out %s villages %v", cfg.InboxDir(), cfg.OutDir(), cfg.Villages)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "taizhang.yaml"))
	if !strings.Contains(string(raw), "# 各村（社区）及其党组织全称") {
		t.Error("config has no Chinese comments")
	}
	narr, have, err := notice.ReadNarrative(cfg)
	if !have || err != nil {
		t.Fatalf("the narrative does not read: %v", err)
	}
	for _, h := range []string{"一、", "二、", "三、", "四、"} {
		if !strings.Contains(narr, "\n"+h) && !strings.HasPrefix(narr, h) {
			t.Errorf("narrative lacks heading %s", h)
		}
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "空白台账", "大布村整改台账.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("台账", "A2"); v != "填报单位：中共中山市三乡镇大布村委员会" {
		t.Errorf("blank ledger unit line = %q", v)
	}
	f.Close()
	if len(res.Created) != 6 || len(res.Kept) != 0 {
		t.Errorf("created %v kept %v", res.Created, res.Kept)
	}

	// A second init keeps everything, the clerk's edits included.
	os.WriteFile(cfg.NarrativePath(), []byte("一、我的正文"), 0o644)
	res, err = Init(dir, InitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 0 || len(res.Kept) != 6 {
		t.Errorf("second init: created %v kept %v", res.Created, res.Kept)
	}
	if b, _ := os.ReadFile(cfg.NarrativePath()); string(b) != "一、我的正文" {
		t.Error("init overwrote the narrative")
	}
}

func TestInitFromConfig(t *testing.T) {
	src := t.TempDir()
	yml := `town: 三乡镇
issuer: 中共中山市三乡镇委员会
round: 十五届市委第六轮
disclosure: {date: 2025-09-12}
contact: {phone: "0760-86388332", postcode: "528463"}
villages:
  - {name: 振华社区, org: 中共中山市三乡镇振华社区总支委员会}
  - {name: 塘敢村, org: 中共中山市三乡镇塘敢村总支部委员会}
  - {name: "桥头村", org: "中共中山市三乡镇桥头村支部委员会"}
fonts: {body: fonts/simfang.ttf}
acknowledged: ["大布村.xlsx:台账!I12"]
`
	os.WriteFile(filepath.Join(src, "taizhang.yaml"), []byte(yml), 0o644)
	from, err := config.Load(filepath.Join(src, "taizhang.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Init(dir, InitOptions{From: from}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "taizhang.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Villages) != 3 || cfg.Villages[0] != from.Villages[0] || cfg.Contact.Postcode != "528463" ||
		cfg.Disclosure != from.Disclosure || len(cfg.Acknowledged) != 1 {
		t.Errorf("config not carried over: %+v", cfg)
	}
	if want := filepath.ToSlash(filepath.Join(src, "fonts/simfang.ttf")); cfg.Fonts.Body != want {
		t.Errorf("font = %q, want %q", cfg.Fonts.Body, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "空白台账", "桥头村整改台账.xlsx")); err != nil {
		t.Error(err)
	}
}

func testConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Parse("taizhang.yaml", []byte(`town: 三乡镇
disclosure: {date: 2025-09-12, days: 15}
villages:
  - {name: 圩仔社区, org: 中共中山市三乡镇圩仔社区委员会}
  - {name: 大布村, org: 中共中山市三乡镇大布村委员会}
  - {name: 塘敢村, org: 中共中山市三乡镇塘敢村总支部委员会}
  - {name: 茅湾村, org: 中共中山市三乡镇茅湾村支部委员会}
acknowledged:
  - "大布村.xlsx:台账!I7: 警告: 可能含有手机号码"
`))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestStatusListsMissingAndRejectedVillages(t *testing.T) {
	cfg := testConfig(t)
	phone := func(cell string) ledger.Diagnostic {
		return ledger.Diagnostic{Severity: ledger.Warning, Code: ledger.CodePersonalData, File: "大布村.xlsx", Sheet: "台账", Cell: cell, Message: "可能含有手机号码"}
	}
	subs := []Submission{
		{Name: "圩仔社区.xlsx", Village: "圩仔社区", Tasks: 21},
		{Name: "大布村.xlsx", Village: "大布村", Tasks: 32, Diagnostics: []ledger.Diagnostic{phone("I7"), phone("I9")}},
		{Name: "塘敢村台账.xlsx", Village: "塘敢村", Diagnostics: []ledger.Diagnostic{
			{Severity: ledger.Error, Sheet: "台账", Cell: "J12", Message: "整改状态“搁置”不是允许的状态"}}},
		{Name: "新建 XLSX 工作表.xlsx"},
	}
	st := Compute(cfg, subs, ledger.NewDate(2025, 9, 10))
	if strings.Join(st.Missing, ",") != "茅湾村" || strings.Join(st.Rejected, ",") != "塘敢村" {
		t.Errorf("missing %v rejected %v", st.Missing, st.Rejected)
	}
	if st.DaysLeft != 2 || len(st.Unknown) != 1 || len(st.PersonalData) != 1 || st.PersonalData[0].Cell != "I9" {
		t.Errorf("days %d unknown %v personal %v", st.DaysLeft, st.Unknown, st.PersonalData)
	}
	if st.Ready() {
		t.Error("ready with a village missing")
	}
	var b bytes.Buffer
	st.Print(&b)
	out := b.String()
	for _, s := range []string{
		"距公开日期2025年9月12日还有 2 天。",
		"已报送 2 个，退回待改 1 个，未报送 1 个",
		"未报送（请催报）：茅湾村",
		"塘敢村  塘敢村台账.xlsx：1 条错误",
		"台账!J12：整改状态“搁置”不是允许的状态",
		"新建 XLSX 工作表.xlsx：看不出是哪个村（社区）的台账",
		"可能含有个人信息 1 处",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("status lacks %q:\n%s", s, out)
		}
	}
}

func TestCountdown(t *testing.T) {
	cfg := testConfig(t)
	for _, c := range []struct {
		today ledger.Date
		want  string
	}{
		{ledger.NewDate(2025, 9, 12), "今天（2025年9月12日）是公开日期。"},
		{ledger.NewDate(2025, 9, 14), "今天是第 3 天"},
		{ledger.NewDate(2025, 9, 27), "公开期已于2025年9月26日结束。"},
	} {
		if got := Compute(cfg, nil, c.today).Countdown(); !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.today, got, c.want)
		}
	}
}

func TestRel(t *testing.T) {
	base := filepath.Join(t.TempDir(), "第六轮")
	for _, c := range []struct{ p, want string }{
		{base, "."},
		{filepath.Join(base, "输出", "退回", "大布村-已批注.xlsx"), "输出/退回/大布村-已批注.xlsx"},
		{filepath.Join(base, "..旧", "台账.xlsx"), "..旧/台账.xlsx"}, // a folder whose name starts with two dots is inside
		{filepath.Join(filepath.Dir(base), "别处", "台账.xlsx"), filepath.Join(filepath.Dir(base), "别处", "台账.xlsx")},
	} {
		if got := Rel(base, c.p); got != c.want {
			t.Errorf("Rel(%q) = %q, want %q", c.p, got, c.want)
		}
	}
}
