package typeset

import (
	"strings"
	"sync"
	"unicode"

	"github.com/rivo/uniseg"
)

// Line breaking after the basic level of W3C "Requirements for Chinese Text
// Layout" (clreq) and GB/T 15834: a line never starts with a closing
// punctuation mark and never ends with an opening one; dashes and
// ellipses are never split; Latin words and numbers stay whole, together with
// the unit or date character that follows a number.

// The classes of UAX #14 (Unicode's line breaking algorithm) decide which
// characters may begin or end a line: taken from the Unicode table kept by
// rivo/uniseg, by asking it whether a line may break between an ideograph
// and each character (classes CL, CP, EX, IS, NS, BA, … never begin a
// line after one; OP, PR, BB, … never end one before one). clreq tailors
// it: dashes and ellipses may begin a line; quotation marks (class QU, no
// break on either side) break as brackets do — an opening quote never ends
// a line, a closing one never begins one; numbers keep their 年, 月, 日 and
// units, 第 its number, and dashes and ellipses their doubles (canBreak).
// The lists below are clreq's own and hold whatever the table says.

// uax14 holds the characters of the Basic Multilingual Plane that UAX #14
// forbids to begin (noStart) or end (noEnd) a line next to an ideograph,
// tailored; built once, on first use.
var uax14 struct {
	once           sync.Once
	noStart, noEnd []uint64
}

func uax14Sets() {
	uax14.noStart = make([]uint64, 0x10000/64)
	uax14.noEnd = make([]uint64, 0x10000/64)
	noBreak := func(a, b string) bool {
		seg, _, _, _ := uniseg.FirstLineSegmentInString(a+b, -1)
		return len(seg) > len(a)
	}
	const ideograph = "中"
	for r := rune(0x80); r < 0x10000; r++ {
		if r >= 0xD800 && r < 0xE000 || unicode.Is(unicode.Lo, r) {
			// Surrogates; letters of scripts without spaces, which UAX #14
			// breaks like ideographs. (ASCII: word rules keep it whole.)
			continue
		}
		c := string(r)
		before, after := noBreak(ideograph, c), noBreak(c, ideograph)
		if before && after { // QU, GL, WJ: a quote by its side
			switch {
			case unicode.In(r, unicode.Pi, unicode.Ps):
				before = false
			case unicode.In(r, unicode.Pf, unicode.Pe):
				after = false
			}
		}
		if inseparable(r) {
			// clreq: —— and …… may begin a line (class IN says never);
			// they are only never split.
			before = false
		}
		if before {
			uax14.noStart[r>>6] |= 1 << (uint(r) & 63)
		}
		if after {
			uax14.noEnd[r>>6] |= 1 << (uint(r) & 63)
		}
	}
	// clreq's own lists join the table's, so that a test is one lookup
	// (every character of every table cell is tested).
	for _, r := range noStart {
		uax14.noStart[r>>6] |= 1 << (uint(r) & 63)
	}
	for _, r := range noEnd {
		uax14.noEnd[r>>6] |= 1 << (uint(r) & 63)
	}
}

func inSet64(set []uint64, r rune) bool {
	return r >= 0 && r < 0x10000 && set[r>>6]&(1<<(uint(r)&63)) != 0
}

// isNoStart reports a character that never begins a line.
func isNoStart(r rune) bool {
	uax14.once.Do(uax14Sets)
	return inSet64(uax14.noStart, r)
}

// isNoEnd reports a character that never ends a line.
func isNoEnd(r rune) bool {
	uax14.once.Do(uax14Sets)
	return inSet64(uax14.noEnd, r)
}

// noStart are the characters that never begin a line by clreq: 句号, 逗号,
// 顿号, 分号, 冒号, 问号, 叹号, closing quotes and brackets, 间隔号, 连接号, and
// their half-width forms.
const noStart = "，。、；：！？）」』》〉】〕〗〙〛］｝”’" +
	",.;:!?)]}%％‰℃°′″·・～〜々〻ヽヾゝゞ"

// noEnd are the characters that never end a line: opening quotes and
// brackets, and currency signs that belong to the number after them.
const noEnd = "（「『《〈【〔〖〘〚［｛“‘([{￥＄$£€"

// unitAfterNumber are the characters that stay on the line of the number
// they follow: 2025年, 3月, 31日, 96.5%, 10万元 ...
const unitAfterNumber = "年月日号时分秒%％‰℃°万亿元个项条人次户岁"

func in(set string, r rune) bool { return strings.ContainsRune(set, r) }

// isWordRune reports runes that form unbreakable Latin words and numbers:
// visible ASCII and the full-width digits and letters.
func isWordRune(r rune) bool {
	return (r > ' ' && r < 0x7F && !in("([{)]}", r)) ||
		(r >= '０' && r <= '９') || (r >= 'Ａ' && r <= 'Ｚ') || (r >= 'ａ' && r <= 'ｚ')
}

func isDigit(r rune) bool { return (r >= '0' && r <= '9') || (r >= '０' && r <= '９') }

// inseparable are the marks written doubled that must not be split: ——, ……
func inseparable(r rune) bool {
	return r == '—' || r == '…' || r == '―' || r == '⸺' || r == '⋯'
}

// canBreak reports whether a line may end between a and b.
func canBreak(a, b rune) bool {
	switch {
	case isNoStart(b) || isSpace(b):
		return false
	case isNoEnd(a) || a == 0xA0 || a == 0x202F: // no-break spaces hold both sides
		return false
	case inseparable(a) && a == b:
		return false
	case isWordRune(a) && isWordRune(b):
		return false
	case isDigit(a) && in(unitAfterNumber, b):
		return false
	case a == '第' && isDigit(b):
		return false
	}
	return true
}

// breakAt reports whether a line may end before rs[i] (0 < i < len(rs)):
// canBreak for the pair, and a single dash between numbers or words (the
// range connector of 1—9, 2024—2025) holds both its neighbours.
func breakAt(rs []rune, i int) bool {
	a, b := rs[i-1], rs[i]
	if !canBreak(a, b) {
		return false
	}
	single := func(j int) bool {
		return rs[j] == '—' && (j == 0 || rs[j-1] != '—') && (j+1 == len(rs) || rs[j+1] != '—')
	}
	if single(i) && isWordRune(a) && i+1 < len(rs) && isWordRune(rs[i+1]) {
		return false
	}
	if single(i-1) && isWordRune(b) && i >= 2 && isWordRune(rs[i-2]) {
		return false
	}
	return true
}

// canForce is the weaker rule used to split a run that has no break
// opportunity and is wider than the line (a long URL, a row of commas):
// still keep punctuation at the right end of lines where possible.
func canForce(a, b rune) bool {
	return !isNoStart(b) && !isNoEnd(a) && !(inseparable(a) && a == b)
}

// BreakLines breaks text into lines no wider than maxWidth, measuring each
// rune with measure. Explicit line breaks (\n, \r\n, \r) are kept as breaks
// and do not appear in the lines. No character is dropped or added: the
// lines concatenated equal the text without its line-break characters.
// Trailing spaces stay at the end of their line and are not counted against
// maxWidth.
func BreakLines(text string, maxWidth float64, measure func(rune) float64) []string {
	return breakLines(text, func(int) float64 { return maxWidth }, measure)
}

// breakLines is BreakLines with a width per line of each hard line (index 0
// is the first line after an explicit break, e.g. with a first-line indent).
func breakLines(text string, width func(line int) float64, measure func(rune) float64) []string {
	var out []string
	for _, hard := range splitHard(text) {
		for _, l := range breakHard([]rune(hard), width, measure) {
			out = append(out, string(l))
		}
	}
	return out
}

// splitHard splits text at its explicit line breaks.
func splitHard(text string) []string {
	if !strings.ContainsAny(text, "\r\n") {
		return []string{text}
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(text, "\n")
}

// widthEps absorbs rounding when a line of exactly maxWidth is summed.
const widthEps = 1e-6

func breakHard(rs []rune, width func(int) float64, measure func(rune) float64) [][]rune {
	if len(rs) == 0 {
		return [][]rune{nil}
	}
	var lines [][]rune
	// The line being filled is rs[ls:le]: the pieces added to it always
	// follow each other in rs, so a line is a slice of rs, never a copy.
	ls, le := 0, 0
	w := 0.0 // width of line without its trailing spaces
	trail := 0.0
	flush := func() {
		lines = append(lines, rs[ls:le:le])
		ls, w, trail = le, 0, 0
	}
	// measureOf is what add needs of a piece: its width without trailing
	// spaces (leading spaces counted), its trailing spaces' width, and
	// whether it has anything but spaces.
	measureOf := func(c []rune) (cw, ctrail float64, ink bool) {
		for _, r := range c {
			if isSpace(r) {
				ctrail += measure(r)
			} else {
				cw += ctrail + measure(r)
				ctrail, ink = 0, true
			}
		}
		return cw, ctrail, ink
	}
	add := func(n int, cw, ctrail float64, ink bool) {
		if ink {
			w += trail + cw
			trail = ctrail
		} else {
			trail += ctrail
		}
		le += n
	}
	for start := 0; start < len(rs); {
		end := start + 1
		for end < len(rs) && !breakAt(rs, end) {
			end++
		}
		c := rs[start:end]
		start = end
		cw, ctrail, ink := measureOf(c)
		if le > ls && w+trail+cw > width(len(lines))+widthEps {
			flush()
		}
		if le > ls || cw <= width(len(lines))+widthEps {
			add(len(c), cw, ctrail, ink)
			continue
		}
		// A cluster wider than a whole line: split it, preferring the weaker
		// break rule, and keep its last piece open for what follows.
		for len(c) > 0 {
			max := width(len(lines)) + widthEps
			fit, acc := 0, 0.0
			for fit < len(c) {
				acc += measure(c[fit])
				if acc > max && !isSpace(c[fit]) {
					break
				}
				fit++
			}
			if fit == len(c) {
				cw, ctrail, ink := measureOf(c)
				add(len(c), cw, ctrail, ink)
				break
			}
			cut := fit
			for cut > 0 && !canForce(c[cut-1], c[cut]) {
				cut--
			}
			if cut == 0 {
				cut = max1(fit)
			}
			cw, ctrail, ink := measureOf(c[:cut])
			add(cut, cw, ctrail, ink)
			flush()
			c = c[cut:]
		}
	}
	if le > ls {
		lines = append(lines, rs[ls:le:le])
	} else if len(lines) == 0 {
		lines = append(lines, nil)
	}
	return lines
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// balancedWidth returns the smallest width at most maxWidth that breaks the
// text into no more lines than maxWidth does, so that the lines of a title
// come out of even length instead of one full line and a short tail.
func balancedWidth(text string, maxWidth float64, measure func(rune) float64) float64 {
	n := len(BreakLines(text, maxWidth, measure))
	if n <= 1 {
		return maxWidth
	}
	lo, hi := maxWidth/float64(n)*0.9, maxWidth
	for range 40 {
		mid := (lo + hi) / 2
		if len(BreakLines(text, mid, measure)) <= n {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}
