package typeset

import (
	"testing"
	"unicode"

	"github.com/rivo/uniseg"
)

// TestUAX14Classes: the breaker keeps what Unicode's line breaking table
// (UAX #14, rivo/uniseg) forbids next to an ideograph, except where clreq
// tailors it.
func TestUAX14Classes(t *testing.T) {
	// Members of the classes, from LineBreak.txt.
	for _, c := range []struct {
		r     rune
		class string
	}{
		{'．', "IS"}, {'。', "CL"}, {'，', "CL"}, {'）', "CL"}, {'！', "EX"}, {'？', "EX"},
		{'々', "NS"}, {'ー', "CJ"}, {'・', "NS"}, {'﹐', "CL"}, {'｡', "CL"}, {'‼', "NS"}, {'〕', "CL"},
	} {
		if canBreak('中', c.r) {
			t.Errorf("U+%04X %c (%s) may begin a line", c.r, c.r, c.class)
		}
	}
	for _, r := range "（〔【《“‘" {
		if canBreak(r, '中') {
			t.Errorf("U+%04X %c (OP, opening) may end a line", r, r)
		}
	}
	// And the table as a whole: wherever it forbids a break between an
	// ideograph and a character, so does the breaker — but for the
	// tailorings.
	noBreak := func(a, b string) bool {
		seg, _, _, _ := uniseg.FirstLineSegmentInString(a+b, -1)
		return len(seg) > len(a)
	}
	for r := rune(0x80); r < 0x10000; r++ {
		if r >= 0xD800 && r < 0xE000 || unicode.Is(unicode.Lo, r) || isSpace(r) || inseparable(r) {
			continue
		}
		s := string(r)
		b, a := noBreak("中", s), noBreak(s, "中")
		opening := unicode.In(r, unicode.Pi, unicode.Ps)
		closing := unicode.In(r, unicode.Pf, unicode.Pe)
		if b && !(a && opening) && canBreak('中', r) {
			t.Errorf("U+%04X %c: the table forbids a break before it, the breaker allows one", r, r)
		}
		if a && !(b && closing) && canBreak(r, '中') {
			t.Errorf("U+%04X %c: the table forbids a break after it, the breaker allows one", r, r)
		}
	}
	// The tailorings.
	for _, c := range []struct {
		a, b rune
		ok   bool
	}{
		{'中', '“', true}, {'”', '中', true}, {'“', '中', false}, {'中', '”', false}, // quotes as brackets
		{'中', '…', true}, {'…', '…', false}, {'中', '—', true}, {'—', '—', false}, // may begin, never split
		{'5', '年', false}, {'3', '月', false}, {'1', '日', false}, {'第', '3', false},
	} {
		if got := canBreak(c.a, c.b); got != c.ok {
			t.Errorf("canBreak(%c, %c) = %v, want %v", c.a, c.b, got, c.ok)
		}
	}
}
