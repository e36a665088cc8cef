package config

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// TestNotepadMistakesAreReadWithAWarning: where what the clerk meant is
// beyond doubt, the file is read as meant and the warning names the line
// and the fix.
func TestNotepadMistakesAreReadWithAWarning(t *testing.T) {
	cases := []struct {
		name, yaml, warn string
	}{
		{"full-width colon", strings.Replace(good, "town: 三乡镇", "town：三乡镇", 1), "taizhang.yaml:1: 警告: 冒号用了全角“：”，已按“town: 三乡镇”读取"},
		{"no space after the colon", strings.Replace(good, "round: 十五届", "round:十五届", 1), "taizhang.yaml:3: 警告: 冒号后面少了一个空格，已按“round: 十五届市委第六轮”读取"},
		{"full-width colon, no space, in a list", strings.Replace(good, "  - {name: 振华社区, org: 中共中山市三乡镇振华社区总支委员会}", "  - name：振华社区\n    org：中共中山市三乡镇振华社区总支委员会", 1), "taizhang.yaml:9: 警告: 冒号用了全角“：”，已按“- name: 振华社区”读取"},
	}
	for _, c := range cases {
		cfg, err := Parse("taizhang.yaml", []byte(c.yaml))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if cfg.Town != "三乡镇" || cfg.Round != "十五届市委第六轮" || len(cfg.Villages) != 2 || cfg.Villages[1].Name != "振华社区" || cfg.Villages[1].Org != "中共中山市三乡镇振华社区总支委员会" {
			t.Errorf("%s: read %+v", c.name, cfg)
		}
		if len(cfg.Warnings) == 0 || !strings.Contains(cfg.Warnings[0], c.warn) {
			t.Errorf("%s: warnings %q, want %q", c.name, cfg.Warnings, c.warn)
		}
	}
	// A full-width colon inside a value is the clerk's text: kept.
	cfg, err := Parse("taizhang.yaml", []byte(good+"contact: {address: 地址：镇政府大楼}\n"))
	if err == nil && (cfg.Contact.Address != "地址：镇政府大楼" || len(cfg.Warnings) != 0) {
		t.Errorf("value changed: %q %q", cfg.Contact.Address, cfg.Warnings)
	}
}

// TestNotepadEncodingsAreReadWithAWarning: "Unicode" (UTF-16 LE with a
// BOM), big-endian UTF-16 and "ANSI" (GBK) are read, saying so; UTF-8 with
// a BOM is Notepad's UTF-8 and needs no word.
func TestNotepadEncodingsAreReadWithAWarning(t *testing.T) {
	le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(good))
	be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(good))
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(good))
	for _, c := range []struct {
		name string
		data []byte
		warn string
	}{
		{"UTF-16 LE", le, "UTF-16（记事本的“Unicode”）"},
		{"UTF-16 BE", be, "UTF-16（记事本的“Unicode”）"},
		{"GBK", gbk, "GBK（记事本的“ANSI”）"},
		{"UTF-8 BOM", append([]byte("\ufeff"), good...), ""},
	} {
		cfg, err := Parse("taizhang.yaml", c.data)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if cfg.Town != "三乡镇" || len(cfg.Villages) != 2 || cfg.Villages[1].Org != "中共中山市三乡镇振华社区总支委员会" {
			t.Errorf("%s: read %+v", c.name, cfg)
		}
		switch {
		case c.warn == "" && len(cfg.Warnings) != 0:
			t.Errorf("%s: unexpected warnings %q", c.name, cfg.Warnings)
		case c.warn != "" && (len(cfg.Warnings) != 1 || !strings.Contains(cfg.Warnings[0], c.warn) || !strings.Contains(cfg.Warnings[0], "编码选 UTF-8")):
			t.Errorf("%s: warnings %q", c.name, cfg.Warnings)
		}
	}
	if _, err := Parse("taizhang.yaml", []byte{0xFF, 0xFE, 0x00, 0xD8}); err == nil || !strings.Contains(err.Error(), "另存为") {
		t.Errorf("broken UTF-16: %v", err)
	}
}

// TestNotepadMistakesThatNeedTheClerk: what cannot be guessed is refused at
// its line with the fix.
func TestNotepadMistakesThatNeedTheClerk(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"tab indentation", strings.Replace(good, "  - {name: 圩仔社区", "\t- {name: 圩仔社区", 1), "taizhang.yaml:8: 这一行的开头用了制表符（Tab）缩进"},
		{"windows path in double quotes", good + "fonts:\n  body: \"C:\\Windows\\Fonts\\simfang.ttf\"\n", "taizhang.yaml:11: 双引号里的 Windows 路径 \"C:\\Windows\\Fonts\\simfang.ttf\" 中的反斜杠（\\）会被当成转义符：请改用单引号 'C:\\Windows\\Fonts\\simfang.ttf'，或写成 C:/Windows/Fonts/simfang.ttf"},
		{"path with \\n in it", good + "fonts: {body: \"D:\\new\\fs.ttf\"}\n", "taizhang.yaml:10: 双引号里的 Windows 路径"},
		{"misspelt key", strings.Replace(good, "town:", "tonw:", 1), "taizhang.yaml:1: 未知的配置项“tonw”：是不是“town”？"},
		{"misspelt nested key", strings.Replace(good, "feedback:", "feedbak:", 1), "taizhang.yaml:4: 未知的配置项“feedbak”：是不是“feedback”？"},
		{"misspelt key in a village", good + "  - {name: 大布村, orgg: 中共中山市三乡镇大布村委员会}\n", "未知的配置项“orgg”：是不是“org”？"},
		{"nothing near", strings.Replace(good, "round:", "zzzzzz:", 1), "taizhang.yaml:3: 未知的配置项“zzzzzz”（请检查拼写）"},
	}
	for _, c := range cases {
		_, err := Parse("taizhang.yaml", []byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v\nwant it to contain %q", c.name, err, c.want)
		}
	}
	// Escaped properly, or in single quotes, a Windows path is fine.
	for _, p := range []string{`"C:\\Windows\\Fonts\\simfang.ttf"`, `'C:\Windows\Fonts\simfang.ttf'`, `C:/Windows/Fonts/simfang.ttf`} {
		cfg, err := Parse("taizhang.yaml", []byte(good+"fonts: {body: "+p+"}\n"))
		if err != nil || !strings.HasSuffix(cfg.Fonts.Body, "simfang.ttf") {
			t.Errorf("%s: %v", p, err)
		}
	}
}
