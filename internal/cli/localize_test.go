package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/rivo/uniseg"
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

// TestFlagDescriptionsLineUpOnAConsole: a Chinese value name (文件夹) takes
// two console columns a character, so every flag's description starts at
// the same display column, as cmd.exe and a terminal show it.
func TestFlagDescriptionsLineUpOnAConsole(t *testing.T) {
	root := NewRootCmd(&Streams{})
	for _, c := range root.Commands() {
		_, out, _ := run(t, c.Name(), "--help")
		_, rest, ok := strings.Cut(out, "选项：\n")
		if !ok {
			continue
		}
		col := -1
		for _, line := range strings.Split(strings.TrimRight(rest, "\n"), "\n") {
			if !strings.HasPrefix(line, "  ") {
				break
			}
			// The description starts after the run of spaces that follows the flag.
			i := strings.Index(strings.TrimLeft(line, " "), "   ")
			if i < 0 {
				t.Errorf("%s: no gap in %q", c.Name(), line)
				continue
			}
			lead := len(line) - len(strings.TrimLeft(line, " "))
			flag := line[:lead+i]
			desc := strings.TrimLeft(line[lead+i:], " ")
			at := uniseg.StringWidth(line[:len(line)-len(desc)])
			if col < 0 {
				col = at
			} else if at != col {
				t.Errorf("taizhang %s --help: %q starts its description at column %d, the first flag at %d", c.Name(), flag, at, col)
			}
		}
	}
}
