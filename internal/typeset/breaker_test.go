package typeset

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// halfASCII measures ASCII as half a character and everything else as one,
// like a CJK face.
func halfASCII(r rune) float64 {
	if r < 0x80 {
		return 0.5
	}
	return 1
}

func TestBreakLines(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"plain", "一二三四五六七八九", 4, []string{"一二三四", "五六七八", "九"}},
		{"comma pushes a character down", "一二三四，五六", 4, []string{"一二三", "四，五六"}},
		{"full stop and closing quote", "一二三四。”五", 4, []string{"一二三", "四。”五"}},
		{"every closing mark", "一二三）", 3, []string{"一二", "三）"}},
		{"colon and semicolon", "甲乙丙：丁；", 3, []string{"甲乙", "丙：", "丁；"}},
		{"opening quote never ends a line", "一二三“四五”", 4, []string{"一二三", "“四五”"}},
		{"opening book-title mark", "一二三《四》", 4, []string{"一二三", "《四》"}},
		{"dash is never split", "一二三——四五", 4, []string{"一二三", "——四五"}},
		{"ellipsis is never split", "一二三……四", 4, []string{"一二三", "……四"}},
		{"number stays with 年", "截至2025年9月", 4, []string{"截至", "2025年", "9月"}},
		{"number stays with %", "完成率96.5%", 4, []string{"完成率", "96.5%"}},
		{"number stays with 日", "一二三12日", 4, []string{"一二三", "12日"}},
		{"latin word stays whole", "请发邮件email至", 4.5, []string{"请发邮件", "email至"}},
		{"latin word moves down whole", "请发邮件email", 6, []string{"请发邮件", "email"}},
		{"range connector holds its numbers", "附件1—9", 3, []string{"附件", "1—9"}},
		{"explicit breaks", "一二\n三", 4, []string{"一二", "三"}},
		{"empty line kept", "一\n\n二", 4, []string{"一", "", "二"}},
		{"crlf", "一\r\n二", 4, []string{"一", "二"}},
		{"trailing space hangs", "ab cd ef", 1.5, []string{"ab ", "cd ", "ef"}},
		{"overlong word is split", "abcdefghij", 2, []string{"abcd", "efgh", "ij"}},
		{"row of commas", "，，，，，", 2, []string{"，，", "，，", "，"}},
		{"no break after a no-break space", "一二三10\u00a0万元", 4, []string{"一二三", "10\u00a0万元"}},
		{"empty", "", 4, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := BreakLines(tt.text, tt.width, halfASCII)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("BreakLines(%q, %g) = %q, want %q", tt.text, tt.width, got, tt.want)
			}
		})
	}
}

func TestBalancedWidth(t *testing.T) {
	text := "关于十五届市委第六轮巡察整改进展情况的通报"
	one := func(rune) float64 { return 1 }
	greedy := BreakLines(text, 16, one)
	balanced := BreakLines(text, balancedWidth(text, 16, one), one)
	if len(greedy) != 2 || len(balanced) != 2 {
		t.Fatalf("lines: greedy %q balanced %q", greedy, balanced)
	}
	a, b := utf8.RuneCountInString(balanced[0]), utf8.RuneCountInString(balanced[1])
	if a-b > 1 || b-a > 1 {
		t.Errorf("balanced lines %q: %d and %d characters", balanced, a, b)
	}
}

// checkBreak asserts the invariants of BreakLines.
func checkBreak(t *testing.T, text string, width float64) {
	lines := BreakLines(text, width, halfASCII)
	strip := strings.NewReplacer("\r", "", "\n", "")
	if got, want := strings.Join(lines, ""), strip.Replace(text); got != want {
		t.Fatalf("characters lost or added:\n got %q\nwant %q", got, want)
	}
	hard := 0
	for _, h := range splitHard(text) {
		rs := []rune(h)
		ls := breakHard(rs, func(int) float64 { return width }, halfASCII)
		hard += len(ls)
		pos := 0
		for i, l := range ls {
			lr := []rune(string(l))
			w := 0.0
			visible := strings.TrimRightFunc(string(lr), isSpace)
			for _, r := range visible {
				w += halfASCII(r)
			}
			if w > width+widthEps && utf8.RuneCountInString(visible) > 1 {
				t.Errorf("line %q is %g wide, max %g", string(lr), w, width)
			}
			pos += len(lr)
			if i == len(ls)-1 || breakAt(rs, pos) {
				continue
			}
			// A break the rules forbid is only allowed inside a run with
			// no break opportunity that is wider than the line.
			s, e := pos-1, pos+1
			for s > 0 && !breakAt(rs, s) {
				s--
			}
			for e < len(rs) && !breakAt(rs, e) {
				e++
			}
			cw := 0.0
			for _, r := range strings.TrimRightFunc(string(rs[s:e]), isSpace) {
				cw += halfASCII(r)
			}
			if cw <= width {
				t.Errorf("forbidden break before %q in %q (lines %q)", string(rs[pos]), h, ls)
			}
		}
	}
	if hard != len(lines) {
		t.Fatalf("BreakLines gave %d lines, breakHard %d", len(lines), hard)
	}
}

func FuzzBreakLines(f *testing.F) {
	f.Add(sampleText, uint8(10))
	f.Add("一二三四，五六。“七八”——九十……完成率96.5%，2025年9月12日", uint8(3))
	f.Add("，，，，，，（（（（", uint8(1))
	f.Add("abc def\nghi\r\njkl  mno", uint8(2))
	f.Add("附件1—9、2024—2025年", uint8(4))
	f.Add("\U00020000𠀀\t\x00", uint8(0))
	f.Fuzz(func(t *testing.T, text string, w uint8) {
		if !utf8.ValidString(text) {
			return
		}
		checkBreak(t, text, 1+float64(w%24))
	})
}

func BenchmarkBreakLinesUnbreakable(b *testing.B) {
	text := strings.Repeat("，", 20000) + strings.Repeat("a", 20000)
	for b.Loop() {
		BreakLines(text, 1, halfASCII)
	}
}
