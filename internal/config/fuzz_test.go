package config

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// yamlEnglish is the English a YAML library would say; none of it may reach
// a clerk through a config error.
var yamlEnglish = regexp.MustCompile(`\b(cannot|unmarshal|found|expected|mapping|line|yaml|character|invalid|not allowed|into|while|scanning|parsing)\b`)

// FuzzParse feeds taizhang.yaml bytes to Parse: it never panics, an error
// is always a config *Error in Chinese, and a config it accepts has what
// validate promises (named villages with organisations, no duplicates, a
// positive disclosure period). Seeds are in testdata/fuzz/FuzzParse: the
// good config and the Notepad mistakes.
func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte(strings.Replace(good, "town: ", "town：", 1)))
	f.Add([]byte(good + "fonts: {body: \"C:\\Windows\\Fonts\\simfang.ttf\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("taizhang.yaml", data)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			// The clerk's own words may be quoted back ("读到的却是“into”"):
			// English the input holds is theirs, not a library's.
			for _, m := range yamlEnglish.FindAllString(strings.ReplaceAll(ce.Msg, "taizhang.yaml", ""), -1) {
				if !strings.Contains(strings.ToLower(string(data)), m) {
					t.Fatalf("English %q reaches the clerk: %s", m, ce.Msg)
				}
			}
			return
		}
		if len(c.Villages) == 0 || c.DisclosureDays() <= 0 || c.Disclosure.Days <= 0 {
			t.Fatalf("accepted a config validate should refuse: %+v", c)
		}
		seen := map[string]bool{}
		for _, v := range c.Villages {
			if strings.TrimSpace(v.Name) == "" || strings.TrimSpace(v.Org) == "" || seen[v.Name] {
				t.Fatalf("accepted village %+v", v)
			}
			seen[v.Name] = true
		}
		if len(c.Digest) != 64 {
			t.Fatalf("digest %q", c.Digest)
		}
	})
}
