package notice

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/taizhang/taizhang/internal/typeset"
)

// Level is the kind of a narrative paragraph.
type Level int

// The paragraph kinds of an official document's body.
const (
	Body     Level = iota // 正文段落
	Heading1              // 一、 黑体
	Heading2              // （一） 楷体
	Heading3              // 1. 仿宋加粗
	Heading4              // （1） 仿宋
)

// Block is one paragraph of the narrative.
type Block struct {
	Level Level
	Text  string
	// Lead is a run-in heading: a body paragraph whose first Lead
	// characters are a heading sentence of level LeadLevel
	// ("（1）规范会议记录。统一购置……"), set in that heading's face.
	Lead      int
	LeadLevel Level
}

var headingRes = []struct {
	level Level
	re    *regexp.Regexp
}{
	{Heading1, regexp.MustCompile(`^[一二三四五六七八九十]+、`)},
	{Heading2, regexp.MustCompile(`^[（(][一二三四五六七八九十]+[）)]`)},
	{Heading3, regexp.MustCompile(`^[0-9０-９]{1,2}[.．、]([^0-9０-９]|$)`)},
	{Heading4, regexp.MustCompile(`^[（(][0-9０-９]{1,3}[）)]`)},
}

// HeadingLevel tells the kind of a paragraph from its prefix: 一、 is a
// first-level heading, （一） or (一) second, 1. or 1． third, （1） or (1)
// fourth; anything else is body text.
func HeadingLevel(line string) Level {
	for _, h := range headingRes {
		if h.re.MatchString(line) {
			return h.level
		}
	}
	return Body
}

// ParseNarrative splits the clerk's narrative into paragraphs: one a line,
// blank lines ignored, leading and trailing spaces (also the full-width
// spaces clerks indent with) dropped, ASCII punctuation between Chinese
// characters made full-width. A heading line that goes on after its first
// 。 ("（1）规范会议记录。统一购置……") stays one body paragraph with a
// run-in heading (Block.Lead), as official notices print it.
func ParseNarrative(text string) []Block {
	text = strings.TrimPrefix(text, "\ufeff")
	var out []Block
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimFunc(line, unicode.IsSpace)
		if line == "" {
			continue
		}
		line = NormalizePunctuation(line)
		level := HeadingLevel(line)
		if level != Body {
			if i := strings.Index(line, "。"); i >= 0 && i+len("。") < len(line) {
				head := line[:i+len("。")]
				rest := strings.TrimFunc(line[i+len("。"):], unicode.IsSpace)
				if rest != "" {
					out = append(out, Block{Level: Body, Text: head + rest, Lead: utf8.RuneCountInString(head), LeadLevel: level})
					continue
				}
			}
		}
		out = append(out, Block{Level: level, Text: line})
	}
	return out
}

// style is how the paragraph is set: its level's style, a run-in
// heading's characters in that heading's face.
func (b Block) style() typeset.Style {
	st := styles[b.Level]
	if b.Lead > 0 {
		h := styles[b.LeadLevel]
		st.Lead, st.LeadRole, st.LeadBold = b.Lead, h.Role, h.Bold
	}
	return st
}

// wide reports whether r belongs to Chinese text: a Han character, CJK
// punctuation, a full-width form, Chinese quotes, the dash or the ellipsis.
func wide(r rune) bool {
	switch {
	case unicode.Is(unicode.Han, r),
		r >= 0x3000 && r <= 0x303F,
		r >= 0xFF00 && r <= 0xFFEF,
		r >= 0x2018 && r <= 0x201D,
		r == '—', r == '…', r == '·':
		return true
	}
	return false
}

var fullWidth = map[rune]rune{
	',': '，', ':': '：', ';': '；', '?': '？', '!': '！', '(': '（', ')': '）',
}

// NormalizePunctuation makes ASCII punctuation that belongs to Chinese text
// full-width: , : ; ? ! next to a Chinese character (skipping spaces)
// become ，：；？！; a pair of ( ) becomes （ ） when it holds or touches
// Chinese, or opens the line ("(1)…"); straight quotes around Chinese become
// “ ”; a . after a Chinese character at the end of a sentence becomes 。.
// Spaces next to the new punctuation are dropped. Numbers (1,000, 10:30,
// 3.5), e-mail addresses and web addresses are left alone.
func NormalizePunctuation(s string) string {
	if !strings.ContainsAny(s, ",:;?!()\".") {
		return s
	}
	rs := []rune(s)
	prev := func(i int) rune {
		for i--; i >= 0; i-- {
			if rs[i] != ' ' && rs[i] != '\t' {
				return rs[i]
			}
		}
		return 0
	}
	next := func(i int) rune {
		for i++; i < len(rs); i++ {
			if rs[i] != ' ' && rs[i] != '\t' {
				return rs[i]
			}
		}
		return 0
	}
	changed := make([]bool, len(rs))
	convert := func(i int, r rune) { rs[i], changed[i] = r, true }

	// Brackets first, as pairs.
	var open []int
	for i, r := range rs {
		switch r {
		case '(':
			open = append(open, i)
		case ')':
			if len(open) == 0 {
				if wide(prev(i)) || wide(next(i)) {
					convert(i, '）')
				}
				continue
			}
			o := open[len(open)-1]
			open = open[:len(open)-1]
			inner := false
			for _, c := range rs[o+1 : i] {
				if wide(c) {
					inner = true
					break
				}
			}
			if inner || wide(prev(o)) || wide(next(i)) || prev(o) == 0 {
				convert(o, '（')
				convert(i, '）')
			}
		}
	}
	for _, o := range open {
		if wide(prev(o)) || wide(next(o)) {
			convert(o, '（')
		}
	}
	// Straight double quotes alternate open and close within a line.
	if strings.ContainsRune(s, '"') && strings.ContainsFunc(s, wide) {
		opening := true
		for i, r := range rs {
			if r == '"' && (wide(prev(i)) || wide(next(i)) || prev(i) == 0) {
				if opening {
					convert(i, '“')
				} else {
					convert(i, '”')
				}
				opening = !opening
			}
		}
	}
	for i, r := range rs {
		switch r {
		case ',', ':', ';', '?', '!':
			p, n := prev(i), next(i)
			if wide(p) || wide(n) {
				convert(i, fullWidth[r])
			}
		case '.':
			p, n := prev(i), next(i)
			if unicode.Is(unicode.Han, p) && (n == 0 || wide(n)) {
				convert(i, '。')
			}
		}
	}
	var b strings.Builder
	for i, r := range rs {
		if r == ' ' || r == '\t' {
			if nearChanged(rs, changed, i) {
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// nearChanged reports whether the run of spaces around i touches a
// punctuation mark that was made full-width.
func nearChanged(rs []rune, changed []bool, i int) bool {
	for j := i - 1; j >= 0; j-- {
		if rs[j] != ' ' && rs[j] != '\t' {
			if changed[j] {
				return true
			}
			break
		}
	}
	for j := i + 1; j < len(rs); j++ {
		if rs[j] != ' ' && rs[j] != '\t' {
			return changed[j]
		}
	}
	return false
}

// actionRe finds template actions, whose quotes and brackets a Chinese
// editor may have made full-width.
var actionRe = regexp.MustCompile(`\{\{.*?\}\}`)

var actionASCII = strings.NewReplacer("“", `"`, "”", `"`, "（", "(", "）", ")", "．", ".", "\u3000", " ")

// asciiActions turns full-width quotes and brackets inside {{ }} back to
// ASCII, so {{（.Village “大布村”）.Rate}} typed in a Chinese editor still
// works.
func asciiActions(s string) string {
	return actionRe.ReplaceAllStringFunc(s, actionASCII.Replace)
}
