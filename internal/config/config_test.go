package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/ledger"
)

const good = `town: 三乡镇
issuer: 中共中山市三乡镇委员会
round: 十五届市委第六轮
inspection: {group: 市委对村巡察第四组, from: 2024-09-24, to: 2024-12-20, feedback: 2025-01-14}
disclosure: {date: 2025-09-12, days: 15}
contact: {phone: "0760-86388332", postcode: "528463"}
villages:
  - {name: 圩仔社区, org: 中共中山市三乡镇圩仔社区委员会}
  - {name: 振华社区, org: 中共中山市三乡镇振华社区总支委员会}
`

func TestParseReadsTheTown(t *testing.T) {
	c, err := Parse("taizhang.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if c.Town != "三乡镇" || c.Inspection.Feedback != ledger.NewDate(2025, 1, 14) || c.Disclosure.Days != 15 {
		t.Errorf("config = %+v", c)
	}
	// Organisation names are free text: 振华 is 总支委员会, without 部.
	if v, ok := c.Village("振华社区"); !ok || v.Org != "中共中山市三乡镇振华社区总支委员会" || c.VillageIndex("振华社区") != 1 {
		t.Errorf("village = %+v", v)
	}
	if c.Contact.Phone != "0760-86388332" || len(c.Digest) != 64 {
		t.Errorf("contact/digest: %+v %q", c.Contact, c.Digest)
	}
}

func TestBadConfigsNameTheLine(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown key", strings.Replace(good, "round:", "rond:", 1), "taizhang.yaml:3: 未知的配置项“rond”"},
		{"bad date", strings.Replace(good, "to: 2024-12-20", "to: 2024-13-20", 1), "taizhang.yaml:4: 日期“2024-13-20”不是“年-月-日”格式"},
		{"duplicate village", good + "  - {name: 圩仔社区, org: 别的}\n", "taizhang.yaml:10: 村（社区）“圩仔社区”重复配置了两次"},
		{"village without org", good + "  - {name: 大布村}\n", "taizhang.yaml:10: 村（社区）“大布村”没有填写党组织名称"},
		{"no villages", "town: 三乡镇\n", "没有配置任何村（社区）"},
		{"inspection backwards", strings.Replace(good, "from: 2024-09-24", "from: 2025-09-24", 1), "taizhang.yaml:4: 巡察结束日期（inspection.to）早于开始日期"},
		{"not yaml", "town: [三乡镇\n", "taizhang.yaml:"},
		{"empty", "", "配置文件是空的"},
	}
	for _, c := range cases {
		_, err := Parse("taizhang.yaml", []byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func TestDisclosureEndCountsInclusively(t *testing.T) {
	c := &Config{Disclosure: Disclosure{Date: ledger.NewDate(2025, 9, 12), Days: 15}}
	if got := c.DisclosureEnd(); got != ledger.NewDate(2025, 9, 26) {
		t.Errorf("end = %v", got)
	}
	c.Disclosure.Date = ledger.NewDate(2025, 9, 20)
	if got := c.DisclosureEnd(); got != ledger.NewDate(2025, 10, 4) {
		t.Errorf("end across a month = %v", got)
	}
}

func TestFindAndPathsAreRelativeToTheConfig(t *testing.T) {
	dir := t.TempDir()
	if c, err := Find("", dir); c != nil || err != nil {
		t.Fatalf("no config: %v, %v", c, err)
	}
	os.WriteFile(filepath.Join(dir, FileName), []byte(good+"inbox: 收件箱\n"), 0o644)
	c, err := Find("", dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.InboxDir() != filepath.Join(dir, "收件箱") || c.OutDir() != filepath.Join(dir, "out") || c.NarrativePath() != filepath.Join(dir, "通报正文.txt") {
		t.Errorf("paths: %s %s %s", c.InboxDir(), c.OutDir(), c.NarrativePath())
	}
	if c.BuildAsOf() != ledger.NewDate(2025, 9, 12) {
		t.Errorf("as-of defaults to the disclosure date: %v", c.BuildAsOf())
	}
	if _, err := Load(filepath.Join(dir, "nope.yaml")); err == nil || !strings.Contains(err.Error(), "找不到配置文件") {
		t.Errorf("missing: %v", err)
	}
}

// TestDefaultsAreResolvedHere: what a config leaves out is answered by the
// Config, one rule each, for every caller.
func TestDefaultsAreResolvedHere(t *testing.T) {
	c := &Config{}
	if c.DisclosureDays() != 15 || c.ContactHours() != "工作时间" {
		t.Errorf("defaults: %d days, hours %q", c.DisclosureDays(), c.ContactHours())
	}
	c = &Config{Disclosure: Disclosure{Date: ledger.NewDate(2025, 9, 12), Days: 7}, Contact: Contact{Hours: "周一至周五 8:30-12:00"}}
	if c.DisclosureDays() != 7 || c.ContactHours() != "周一至周五 8:30-12:00" || c.AsOfDay() != ledger.NewDate(2025, 9, 12) {
		t.Errorf("set values: %d, %q, %v", c.DisclosureDays(), c.ContactHours(), c.AsOfDay())
	}
	c.AsOf = ledger.NewDate(2025, 9, 1)
	if c.AsOfDay() != ledger.NewDate(2025, 9, 1) {
		t.Errorf("as_of wins over the disclosure date: %v", c.AsOfDay())
	}
	var none *Config // no workspace: today
	if d := none.AsOfDay(); d != ledger.DateOf(time.Now()) && d != ledger.DateOf(time.Now().Add(-time.Minute)) {
		t.Errorf("nil config as-of = %v, want today", d)
	}
	if (&Config{}).AsOfDay() != ledger.DateOf(time.Now()) && (&Config{}).AsOfDay() != ledger.DateOf(time.Now().Add(-time.Minute)) {
		t.Error("empty config as-of is not today")
	}
}

// TestTheModelKnowsNoYAML: reading taizhang.yaml is this package's job; the
// model package neither imports a YAML library nor carries yaml tags.
func TestTheModelKnowsNoYAML(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "ledger", "*.go"))
	if len(files) == 0 {
		t.Fatal("no ledger sources found")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if s := string(b); strings.Contains(s, "yaml") {
			t.Errorf("%s mentions yaml", f)
		}
	}
}
