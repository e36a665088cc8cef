package pdfjoin

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// The PDF object syntax, as much of it as a joiner needs: values are parsed
// into a small tree, and written back with their scalars' bytes unchanged
// and their indirect references renumbered.

type kind uint8

const (
	kNull kind = iota
	kBool
	kInt
	kReal
	kName
	kString
	kArray
	kDict
	kRef
	kKeyword
)

type value struct {
	kind kind
	raw  []byte // the bytes of a scalar (name with its slash, string with its delimiters)
	num  int64  // kInt: the value; kRef: the object number
	gen  int64  // kRef
	arr  []value
	dict []entry
}

type entry struct {
	key string // without the slash, as written (no #xx decoding)
	val value
}

// get returns the value of key in a dictionary.
func (v value) get(key string) (value, bool) {
	for _, e := range v.dict {
		if e.key == key {
			return e.val, true
		}
	}
	return value{}, false
}

// errShort is a value cut off by the end of the bytes read.
var errShort = errors.New("truncated")

type parser struct {
	b   []byte
	pos int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// skip passes white space and comments.
func (p *parser) skip() {
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		switch {
		case isSpace(c):
			p.pos++
		case c == '%':
			for p.pos < len(p.b) && p.b[p.pos] != '\n' && p.b[p.pos] != '\r' {
				p.pos++
			}
		default:
			return
		}
	}
}

// regular reads a run of regular characters.
func (p *parser) regular() []byte {
	start := p.pos
	for p.pos < len(p.b) && !isSpace(p.b[p.pos]) && !isDelim(p.b[p.pos]) {
		p.pos++
	}
	return p.b[start:p.pos:p.pos]
}

// keyword reads the next token if it is a keyword, else returns "".
func (p *parser) keyword() string {
	p.skip()
	save := p.pos
	k := p.regular()
	if len(k) == 0 || !(k[0] >= 'a' && k[0] <= 'z' || k[0] >= 'A' && k[0] <= 'Z') {
		p.pos = save
		return ""
	}
	return string(k)
}

const maxDepth = 64

func (p *parser) value(depth int) (value, error) {
	if depth > maxDepth {
		return value{}, errors.New("nested too deep")
	}
	p.skip()
	if p.pos >= len(p.b) {
		return value{}, errShort
	}
	start := p.pos
	c := p.b[p.pos]
	switch {
	case c == '/':
		p.pos++
		p.regular()
		return value{kind: kName, raw: p.b[start:p.pos:p.pos]}, nil
	case c == '(':
		n := 0
		for p.pos < len(p.b) {
			switch p.b[p.pos] {
			case '\\':
				p.pos++
			case '(':
				n++
			case ')':
				n--
			}
			p.pos++
			if n == 0 {
				return value{kind: kString, raw: p.b[start:p.pos:p.pos]}, nil
			}
		}
		return value{}, errShort
	case c == '<' && p.pos+1 < len(p.b) && p.b[p.pos+1] == '<':
		p.pos += 2
		// Collected on the stack, then kept at their exact size: most
		// dictionaries (a page, a stream's) have a handful of entries.
		var buf [8]entry
		d := buf[:0]
		for {
			p.skip()
			if p.pos+1 >= len(p.b) {
				return value{}, errShort
			}
			if p.b[p.pos] == '>' && p.b[p.pos+1] == '>' {
				p.pos += 2
				return value{kind: kDict, dict: slices.Clip(slices.Clone(d))}, nil
			}
			if p.b[p.pos] != '/' {
				return value{}, fmt.Errorf("dictionary key expected at byte %d", p.pos)
			}
			p.pos++
			key := string(p.regular())
			v, err := p.value(depth + 1)
			if err != nil {
				return value{}, err
			}
			d = append(d, entry{key, v})
		}
	case c == '<':
		end := bytes.IndexByte(p.b[p.pos:], '>')
		if end < 0 {
			return value{}, errShort
		}
		p.pos += end + 1
		return value{kind: kString, raw: p.b[start:p.pos:p.pos]}, nil
	case c == '[':
		p.pos++
		var buf [8]value
		a := buf[:0]
		for {
			p.skip()
			if p.pos >= len(p.b) {
				return value{}, errShort
			}
			if p.b[p.pos] == ']' {
				p.pos++
				return value{kind: kArray, arr: slices.Clip(slices.Clone(a))}, nil
			}
			v, err := p.value(depth + 1)
			if err != nil {
				return value{}, err
			}
			a = append(a, v)
		}
	case c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.':
		tok := p.regular()
		n, err := strconv.ParseInt(string(tok), 10, 64)
		if err != nil {
			if _, err := strconv.ParseFloat(string(tok), 64); err != nil {
				return value{}, fmt.Errorf("bad number %q", tok)
			}
			return value{kind: kReal, raw: tok}, nil
		}
		// "n g R" is a reference.
		save := p.pos
		p.skip()
		if p.pos < len(p.b) && p.b[p.pos] >= '0' && p.b[p.pos] <= '9' {
			gtok := p.regular()
			if g, err := strconv.ParseInt(string(gtok), 10, 64); err == nil {
				p.skip()
				if p.pos < len(p.b) && p.b[p.pos] == 'R' && (p.pos+1 == len(p.b) || isSpace(p.b[p.pos+1]) || isDelim(p.b[p.pos+1])) {
					p.pos++
					return value{kind: kRef, num: n, gen: g}, nil
				}
			}
		}
		p.pos = save
		return value{kind: kInt, raw: tok, num: n}, nil
	case c == ')' || c == '>' || c == ']' || c == '{' || c == '}':
		return value{}, fmt.Errorf("unexpected %q at byte %d", c, p.pos)
	default:
		tok := p.regular()
		switch string(tok) {
		case "true", "false":
			return value{kind: kBool, raw: tok}, nil
		case "null":
			return value{kind: kNull, raw: tok}, nil
		}
		return value{kind: kKeyword, raw: tok}, nil
	}
}

// write appends v to b, every reference renumbered by ref.
func write(b []byte, v value, ref func(int64) (int64, error)) ([]byte, error) {
	switch v.kind {
	case kRef:
		n, err := ref(v.num)
		if err != nil {
			return nil, err
		}
		b = strconv.AppendInt(b, n, 10)
		return append(b, " 0 R"...), nil
	case kArray:
		b = append(b, '[')
		for i, e := range v.arr {
			if i > 0 {
				b = append(b, ' ')
			}
			var err error
			if b, err = write(b, e, ref); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case kDict:
		b = append(b, "<<"...)
		for i, e := range v.dict {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, '/')
			b = append(b, e.key...)
			b = append(b, ' ')
			var err error
			if b, err = write(b, e.val, ref); err != nil {
				return nil, err
			}
		}
		return append(b, ">>"...), nil
	case kNull:
		return append(b, "null"...), nil
	}
	return append(b, v.raw...), nil
}
