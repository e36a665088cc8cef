package cli

import (
	"regexp"
	"strings"
	"testing"
)

// cobraEnglish are the words cobra and pflag print on their own: usage
// headings, flag types and defaults, parse errors, suggestions.
var cobraEnglish = regexp.MustCompile(`\b(Usage|Flags|Global|Available|Commands|Additional|Aliases|Examples|Use|information|default|flags|Did|mean|unknown|invalid|argument|string|duration|accepts|requires|received|arg|Generate|script|needs|shorthand|command|Error|help for|bool|int)\b`)

// TestNoCobraEnglishReachesAClerk runs every command's --help and a set of
// bad invocations and finds none of cobra's or pflag's English in what is
// printed.
func TestNoCobraEnglishReachesAClerk(t *testing.T) {
	invocations := [][]string{
		{"--help"}, {"help"}, {"help", "nope"}, {"-v"}, {"version"},
		{"biuld"}, {"stauts"}, {"frobnicate"},
		{"build", "--bogus"}, {"build", "-x"}, {"build", "a", "b"}, {"build", "--out"},
		{"check"}, {"init"}, {"watch", "--interval", "x"}, {"watch", "--interval"},
		{"template", "--all=maybe"}, {"version", "extra"},
	}
	root := NewRootCmd(&Streams{})
	for _, c := range root.Commands() {
		invocations = append(invocations, []string{c.Name(), "--help"})
		for _, sub := range c.Commands() {
			invocations = append(invocations, []string{c.Name(), sub.Name(), "--help"})
		}
	}
	for _, args := range invocations {
		_, out, errs := run(t, args...)
		if m := cobraEnglish.FindAllString(out+errs, -1); len(m) > 0 {
			t.Errorf("taizhang %s prints cobra's English %q:\n%s%s", strings.Join(args, " "), m, out, errs)
		}
	}
	// And the Chinese is there: the suggestion for a mistyped command, the
	// value names and defaults of flags.
	if _, _, errs := run(t, "biuld"); !strings.Contains(errs, "是不是要用“build”") {
		t.Errorf("no suggestion: %s", errs)
	}
	if _, out, _ := run(t, "watch", "--help"); !strings.Contains(out, "--interval 时长") || !strings.Contains(out, "（默认 2 秒）") || !strings.Contains(out, "[选项]") {
		t.Errorf("watch --help:\n%s", out)
	}
}
