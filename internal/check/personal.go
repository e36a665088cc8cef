package check

import (
	"math/bits"
	"regexp"
	"strings"

	"golang.org/x/text/width"
)

// PersonalData is a phone or ID number found in text.
type PersonalData struct {
	Kind  string // 手机号码, 固定电话, 身份证号码
	Value string // as found, full-width digits folded
}

// Masked hides the middle digits, so the diagnostic itself does not spread
// the number: 138****8000, 4401**********1234, 0760-****8888.
func (p PersonalData) Masked() string {
	keepHead, keepTail := 3, 4
	if p.Kind != "手机号码" {
		keepHead = 4
	}
	n := 0
	for i := 0; i < len(p.Value); i++ {
		if p.Value[i] >= '0' && p.Value[i] <= '9' {
			n++
		}
	}
	b := []byte(p.Value)
	k := 0
	for i, c := range b {
		if c < '0' || c > '9' {
			continue
		}
		if k >= keepHead && k < n-keepTail {
			b[i] = '*'
		}
		k++
	}
	return string(b)
}

// advice says what to do about it in a published ledger.
func (p PersonalData) advice() string {
	switch p.Kind {
	case "手机号码":
		return "请删除，或改为单位的办公电话"
	case "固定电话":
		return "如是个人电话请删除"
	}
	return "请删除"
}

// foldSeparators rewrites the separators people type inside numbers — the
// Unicode hyphens and dashes (U+2010–U+2015, U+2212), no-break and
// ideographic spaces — to an ASCII hyphen or space, so one pattern reads
// 139‐2345‐6781 and 138 2233 4455 alike.
func foldSeparators(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0x2010 && r <= 0x2015, r == 0x2212, r == 0xFE63, r == 0xFF0D:
			return '-'
		case r == 0x00A0, r == 0x3000, r == 0x2009, r == 0x202F:
			return ' '
		}
		return r
	}, s)
}

var (
	// An 18-digit resident ID: region, birth date 19xx/20xx, sequence, check digit.
	// Split by spaces as people type it: 440102 19900101 123X.
	idRe = regexp.MustCompile(`[1-9]\d{5} ?(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]) ?\d{3}[0-9Xx]`)
	// A mainland mobile number, optionally after +86, whole or split by
	// spaces or hyphens: 13923456781, 139-2345-6781, 138 2233 4455, +86 137….
	mobileRe = regexp.MustCompile(`(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4})`)
	// A landline with its area code: 0760-88888888, (0760)88888888, 0760 8888 8888.
	landlineRe = regexp.MustCompile(`[(（]?0\d{2,3}[)）]?[- ]?[2-9]\d{2,3}[- ]?\d{4}`)
)

// FindPersonalData finds mobile numbers, landlines with an area code and
// 18-digit ID numbers in text, with full-width digits folded first. A match
// must stand alone: a digit right before or after it makes it part of a
// longer number (an amount, a document number), which is not reported.
func FindPersonalData(s string) []PersonalData {
	if !hasDigits(s, minPersonalDigits) {
		return nil
	}
	s = foldSeparators(width.Fold.String(s))
	var out []PersonalData
	add := func(kind, v string) {
		for _, f := range out {
			if strings.Contains(f.Value, v) || strings.Contains(f.Value, digitsOf(v)) {
				return
			}
		}
		out = append(out, PersonalData{Kind: kind, Value: v})
	}
	for _, v := range standalone(idRe, s, 0) {
		add("身份证号码", v)
	}
	for _, v := range standalone(mobileRe, s, 1) {
		add("手机号码", v)
	}
	for _, v := range standalone(landlineRe, s, 0) {
		if len(digitsOf(v)) >= 10 {
			add("固定电话", v)
		}
	}
	return out
}

// standalone returns group g of each match of re in s that has no digit (or
// letter, for an ID's X) right before or after it.
func standalone(re *regexp.Regexp, s string, g int) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		start, end := m[0], m[1]
		if start > 0 && isDigit(s[start-1]) || end < len(s) && (isDigit(s[end]) || s[end] == 'X' || s[end] == 'x') {
			continue
		}
		out = append(out, s[m[2*g]:m[2*g+1]])
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// minPersonalDigits is the fewest digits a number FindPersonalData reports
// holds: a mobile number has 11, an ID 17 and a check character, and a
// landline is reported with 10 or more. Text with fewer digits, ASCII or
// full-width (the only ones folding makes ASCII), holds none: most text in
// a ledger, which is searched no further.
const minPersonalDigits = 10

// hasDigits reports whether s holds at least n digits, ASCII or
// full-width (U+FF10–U+FF19, EF BC 90–99 in UTF-8). Every cell of every
// task passes here, so it looks at eight bytes at a time, skipping words
// with no byte that could begin a digit (30–39 or EF), and looks closer
// from the first such byte.
func hasDigits(s string, n int) bool {
	if len(s) < n {
		return false
	}
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for i := 0; ; {
		for i+8 <= len(s) {
			w := s[i : i+8]
			x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
				uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
			// A byte below 10 after ^30 is a digit; a zero byte after
			// ^EF was EF. Each test flags its first such byte exactly
			// (a borrow only runs upwards from it) and flags none when
			// there is none.
			d, e := x^(0x30*ones), x^(0xEF*ones)
			if m := ((d-10*ones)&^d | (e-ones)&^e) & highs; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(s) {
			return false
		}
		c := s[i]
		i++
		if c <= '9' {
			if c < '0' {
				continue
			}
		} else if c != 0xEF || i+1 >= len(s) || s[i] != 0xBC || s[i+1]-0x90 >= 10 {
			continue
		} else {
			i += 2
		}
		if n--; n == 0 {
			return true
		}
	}
}
