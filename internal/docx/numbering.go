package docx

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

// level is one level of a numbering definition (w:lvl).
type level struct {
	start   int
	format  string // w:numFmt: decimal, chineseCounting, …
	text    string // w:lvlText: "%1、", "（%1）", "%1."
	restart int    // w:lvlRestart: restart after this level (1-based); -1: never; 0: after any higher level
	legal   bool   // w:isLgl: every %n in Arabic numerals
	style   string // w:pStyle: the paragraph style tied to this level
}

// numbering is numbering.xml: abstract definitions, the list instances
// that use them, and the counters Word keeps while it lays the document
// out.
type numbering struct {
	abstract map[string]map[int]*level // abstractNumId → ilvl → level
	nums     map[string]*num           // numId → instance
	// counters per abstract definition: Word continues a list across
	// instances of one definition unless an instance overrides its start.
	counters map[string]map[int]int
}

type num struct {
	abstract  string
	overrides map[int]*level // ilvl → level override
	starts    map[int]int    // ilvl → w:startOverride
	started   bool           // the overrides have been applied once
}

func parseNumbering(b []byte) (*numbering, error) {
	n := &numbering{abstract: map[string]map[int]*level{}, nums: map[string]*num{}, counters: map[string]map[int]int{}}
	d := xml.NewDecoder(bytes.NewReader(b))
	var (
		absID string
		cur   *num
		lvl   *level
		oIlvl = -1
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return nil, xmlError("word/numbering.xml")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "abstractNum":
				absID, cur = attr(t, "abstractNumId"), nil
				n.abstract[absID] = map[int]*level{}
			case "num":
				cur = &num{overrides: map[int]*level{}, starts: map[int]int{}}
				n.nums[attr(t, "numId")] = cur
				absID = ""
			case "abstractNumId":
				if cur != nil {
					cur.abstract = attr(t, "val")
				}
			case "lvlOverride":
				oIlvl = atoi(attr(t, "ilvl"), 0)
			case "startOverride":
				if cur != nil && oIlvl >= 0 {
					cur.starts[oIlvl] = atoi(attr(t, "val"), 1)
				}
			case "lvl":
				lvl = &level{start: 1, format: "decimal"}
				il := atoi(attr(t, "ilvl"), 0)
				if cur != nil && oIlvl >= 0 {
					cur.overrides[oIlvl] = lvl
				} else if absID != "" {
					n.abstract[absID][il] = lvl
				}
			case "start":
				if lvl != nil {
					lvl.start = atoi(attr(t, "val"), 1)
				}
			case "numFmt":
				if lvl != nil {
					lvl.format = attr(t, "val")
				}
			case "lvlText":
				if lvl != nil {
					lvl.text = attr(t, "val")
				}
			case "lvlRestart":
				if lvl != nil {
					lvl.restart = atoi(attr(t, "val"), 0)
					if lvl.restart == 0 {
						lvl.restart = -1
					}
				}
			case "isLgl":
				if lvl != nil {
					lvl.legal = onOff(t)
				}
			case "pStyle":
				if lvl != nil {
					lvl.style = attr(t, "val")
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "lvl":
				lvl = nil
			case "lvlOverride":
				oIlvl = -1
			case "num":
				cur = nil
			case "abstractNum":
				absID = ""
			}
		}
	}
}

func atoi(s string, def int) int {
	if v, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		return v
	}
	return def
}

// levelOf is the definition of level il of list instance id.
func (n *numbering) levelOf(id string, il int) *level {
	nm := n.nums[id]
	if nm == nil {
		return nil
	}
	if l := nm.overrides[il]; l != nil {
		return l
	}
	return n.abstract[nm.abstract][il]
}

// ref is a paragraph's place in a list: instance and level.
type ref struct {
	numID string
	ilvl  int
}

// next counts a paragraph of list r as Word does and returns the number
// it shows: the level's counter is advanced, deeper levels restart, and
// the level's text is written with every %n filled in.
func (n *numbering) next(r *ref) string {
	if r == nil || n == nil || n.nums == nil {
		return ""
	}
	nm := n.nums[r.numID]
	lv := n.levelOf(r.numID, r.ilvl)
	if nm == nil || lv == nil {
		return ""
	}
	key := nm.abstract
	if len(nm.starts) > 0 || len(nm.overrides) > 0 {
		key = "num:" + r.numID // an instance that restarts keeps its own counters
	}
	c := n.counters[key]
	if c == nil {
		c = map[int]int{}
		n.counters[key] = c
	}
	if !nm.started {
		nm.started = true
		for il, s := range nm.starts {
			c[il] = s - 1
		}
	}
	if _, ok := c[r.ilvl]; !ok {
		c[r.ilvl] = lv.start - 1
	}
	c[r.ilvl]++
	// Deeper levels restart after this one, unless they say otherwise.
	for il := r.ilvl + 1; il <= 8; il++ {
		dl := n.levelOf(r.numID, il)
		if dl == nil {
			delete(c, il)
			continue
		}
		if dl.restart == -1 || (dl.restart > 0 && dl.restart-1 < r.ilvl) {
			continue
		}
		delete(c, il)
	}
	if lv.format == "none" || lv.format == "bullet" {
		return ""
	}
	var b strings.Builder
	t := lv.text
	for i := 0; i < len(t); i++ {
		if t[i] == '%' && i+1 < len(t) && t[i+1] >= '1' && t[i+1] <= '9' {
			il := int(t[i+1] - '1')
			v, ok := c[il]
			l := n.levelOf(r.numID, il)
			if !ok && l != nil {
				v = l.start
			}
			format := "decimal"
			if l != nil && !(lv.legal && il != r.ilvl) {
				format = l.format
			}
			b.WriteString(Format(v, format))
			i++
			continue
		}
		b.WriteByte(t[i])
	}
	return b.String()
}

// Format writes n in a Word number format (w:numFmt): decimal 1,
// decimalZero 01, decimalFullWidth １, chineseCounting and
// chineseCountingThousand 一 … 十一 … 一百零一, ideographTraditional
// 甲乙丙…, ideographZodiac 子丑寅…, decimalEnclosedCircle ①, the
// Latin and Roman letters; any other format is written as decimal.
func Format(n int, format string) string {
	switch format {
	case "decimalZero":
		if n < 10 && n >= 0 {
			return "0" + strconv.Itoa(n)
		}
	case "decimalFullWidth", "decimalFullWidth2":
		var b strings.Builder
		for _, r := range strconv.Itoa(n) {
			b.WriteRune(r - '0' + '０')
		}
		return b.String()
	case "chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital", "taiwaneseCounting", "taiwaneseCountingThousand":
		if format == "ideographDigital" {
			return digitsHan(n)
		}
		if format == "chineseLegalSimplified" {
			return strings.NewReplacer("一", "壹", "二", "贰", "三", "叁", "四", "肆", "五", "伍", "六", "陆", "七", "柒", "八", "捌", "九", "玖", "十", "拾", "百", "佰", "千", "仟").Replace(countHan(n, true))
		}
		return countHan(n, format == "chineseCountingThousand" || format == "taiwaneseCountingThousand")
	case "ideographTraditional":
		if n >= 1 && n <= 10 {
			return string([]rune("甲乙丙丁戊己庚辛壬癸")[n-1])
		}
	case "ideographZodiac":
		if n >= 1 && n <= 12 {
			return string([]rune("子丑寅卯辰巳午未申酉戌亥")[n-1])
		}
	case "decimalEnclosedCircle", "decimalEnclosedCircleChinese":
		if n >= 1 && n <= 20 {
			return string(rune(0x2460 + n - 1))
		}
	case "decimalEnclosedParen":
		if n >= 1 && n <= 20 {
			return string(rune(0x2474 + n - 1))
		}
	case "lowerLetter", "upperLetter":
		if n >= 1 {
			base := 'a'
			if format == "upperLetter" {
				base = 'A'
			}
			// Word repeats the letter: a … z, aa … zz.
			return strings.Repeat(string(base+rune((n-1)%26)), (n-1)/26+1)
		}
	case "lowerRoman", "upperRoman":
		if n >= 1 && n < 4000 {
			r := roman(n)
			if format == "lowerRoman" {
				r = strings.ToLower(r)
			}
			return r
		}
	}
	return strconv.Itoa(n)
}

var hanDigits = []rune("〇一二三四五六七八九")

func digitsHan(n int) string {
	var b strings.Builder
	for _, r := range strconv.Itoa(n) {
		if r >= '0' && r <= '9' {
			b.WriteRune(hanDigits[r-'0'])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// countHan writes n in Chinese counting numerals as Word does: 十, 十一,
// 二十, 一百, 一百零一, 一百一十; thousand adds 一千 and beyond.
func countHan(n int, thousand bool) string {
	if n <= 0 || n >= 10000 || (!thousand && n >= 1000) {
		return digitsHan(n)
	}
	units := []string{"", "十", "百", "千"}
	ds := strconv.Itoa(n)
	var b strings.Builder
	zero := false
	for i, r := range ds {
		d := int(r - '0')
		u := len(ds) - 1 - i
		if d == 0 {
			zero = true
			continue
		}
		if zero && b.Len() > 0 {
			b.WriteString("零")
		}
		zero = false
		if !(d == 1 && u == 1 && i == 0) { // 十一, not 一十一
			b.WriteRune(hanDigits[d])
		}
		b.WriteString(units[u])
	}
	return b.String()
}

func roman(n int) string {
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}

// style is what a paragraph style says about numbering.
type style struct {
	basedOn string
	numID   string
	ilvl    string
}

// styles is styles.xml's paragraph styles by id.
type styles map[string]*style

func parseStyles(b []byte) (styles, error) {
	st := styles{}
	d := xml.NewDecoder(bytes.NewReader(b))
	var cur *style
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return st, nil
		}
		if err != nil {
			return nil, xmlError("word/styles.xml")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			switch t.Name.Local {
			case "style":
				cur = nil
				if attr(t, "type") == "paragraph" {
					cur = &style{}
					st[attr(t, "styleId")] = cur
				}
			case "basedOn":
				if cur != nil {
					cur.basedOn = attr(t, "val")
				}
			case "numId":
				if cur != nil && inside(stack, "numPr") && !inside(stack, "pPrChange") {
					cur.numID = attr(t, "val")
				}
			case "ilvl":
				if cur != nil && inside(stack, "numPr") && !inside(stack, "pPrChange") {
					cur.ilvl = attr(t, "val")
				}
			}
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			if t.Name.Local == "style" {
				cur = nil
			}
		}
	}
}

func inside(stack []string, local string) bool {
	for _, s := range stack {
		if s == local {
			return true
		}
	}
	return false
}

// numPr resolves a paragraph's list: its own w:numPr first, else its
// style's (through basedOn). numId 0 means no numbering. A style's level
// is the one its list ties to that style (w:lvl/w:pStyle) when it names
// none.
func (st styles) numPr(pStyle, numID, ilvl string, n *numbering) *ref {
	id, il := numID, ilvl
	styleID := ""
	for s, hops := pStyle, 0; id == "" && s != "" && hops < 20; hops++ {
		sd := st[s]
		if sd == nil {
			break
		}
		if sd.numID != "" {
			id, styleID = sd.numID, s
			if il == "" {
				il = sd.ilvl
			}
		}
		s = sd.basedOn
	}
	if id == "" || id == "0" {
		return nil
	}
	lv := atoi(il, -1)
	if lv < 0 && styleID != "" && n != nil {
		if nm := n.nums[id]; nm != nil {
			for i, l := range n.abstract[nm.abstract] {
				if l.style == styleID {
					lv = i
				}
			}
		}
	}
	if lv < 0 {
		lv = 0
	}
	if lv > 8 {
		return &ref{numID: id, ilvl: 8}
	}
	return &ref{numID: id, ilvl: lv}
}
