package xlsx

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// scanner is a minimal streaming XML tokenizer for the two big parts of a
// package, the worksheets and the shared strings. encoding/xml spends ~4 ms
// on a 200 KB sheet (an allocation per token); this reads the same in a
// fraction of that. It knows elements, attributes, text, CDATA, comments and
// processing instructions, drops namespace prefixes, and decodes the five
// predefined entities and character references. It does not check that the
// document is well formed beyond what reading needs.
type scanner struct {
	r     *bufio.Reader
	tag   []byte // the current start or end tag, without < and >
	text  []byte // the current text (entities decoded)
	kind  tokenKind
	empty bool // the current start tag is self-closing
}

type tokenKind uint8

const (
	tokStart tokenKind = iota + 1
	tokEnd
	tokText
)

var errSyntax = errors.New("xml syntax error")

func newScanner(r io.Reader) *scanner {
	return &scanner{r: bufio.NewReaderSize(r, 64<<10)}
}

// next reads the next token; io.EOF at the end. wantText says whether text
// is wanted: when false, text is skipped without being kept. Comments,
// processing instructions and declarations are skipped in a loop, not by
// recursion: a part may hold millions of them, and a stack overflow is fatal.
func (s *scanner) next(wantText bool) error {
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return err
		}
		if c != '<' {
			s.r.UnreadByte()
			return s.readText(wantText)
		}
		c, err = s.r.ReadByte()
		if err != nil {
			return errSyntax
		}
		switch c {
		case '/':
			s.kind = tokEnd
			return s.readTag()
		case '?':
			if err := s.readUntil("?>", nil); err != nil {
				return err
			}
			continue
		case '!':
			token, err := s.readBang()
			if err != nil || token {
				return err
			}
			continue
		}
		s.r.UnreadByte()
		s.kind = tokStart
		if err := s.readTag(); err != nil {
			return err
		}
		s.empty = len(s.tag) > 0 && s.tag[len(s.tag)-1] == '/'
		if s.empty {
			s.tag = s.tag[:len(s.tag)-1]
		}
		return nil
	}
}

// readText reads character data up to the next '<'.
func (s *scanner) readText(keep bool) error {
	s.kind = tokText
	s.text = s.text[:0]
	for {
		chunk, err := s.r.ReadSlice('<')
		if err == nil {
			chunk = chunk[:len(chunk)-1]
			s.r.UnreadByte()
		}
		if keep {
			s.text = append(s.text, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return err
		}
		if keep {
			s.text = decodeEntities(s.text)
		}
		return nil
	}
}

// readTag reads up to the closing '>', honouring quoted attribute values.
func (s *scanner) readTag() error {
	s.tag = s.tag[:0]
	var quote byte
	for {
		chunk, err := s.r.ReadSlice('>')
		for _, c := range chunk {
			if quote != 0 {
				if c == quote {
					quote = 0
				}
			} else if c == '"' || c == '\'' {
				quote = c
			}
		}
		s.tag = append(s.tag, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return errSyntax
		}
		if quote == 0 {
			s.tag = bytes.TrimRight(s.tag[:len(s.tag)-1], " \t\r\n")
			return nil
		}
	}
}

// readBang handles <!-- comments -->, <![CDATA[ text ]]> and <!DOCTYPE …>;
// token is true for CDATA, which is text, and false for what is skipped.
func (s *scanner) readBang() (token bool, err error) {
	peek, _ := s.r.Peek(7)
	switch {
	case bytes.HasPrefix(peek, []byte("--")):
		s.r.Discard(2)
		return false, s.readUntil("-->", nil)
	case bytes.HasPrefix(peek, []byte("[CDATA[")):
		s.r.Discard(7)
		s.kind = tokText
		s.text = s.text[:0]
		return true, s.readUntil("]]>", &s.text)
	}
	return false, s.readTag()
}

// readUntil reads up to and including end, keeping what comes before it in
// *keep when keep is not nil.
func (s *scanner) readUntil(end string, keep *[]byte) error {
	last := end[len(end)-1]
	var window []byte
	for {
		chunk, err := s.r.ReadSlice(last)
		window = append(window, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return errSyntax
		}
		if bytes.HasSuffix(window, []byte(end)) {
			if keep != nil {
				*keep = append(*keep, window[:len(window)-len(end)]...)
			}
			return nil
		}
	}
}

// name returns the local name of the current tag (prefix dropped).
func (s *scanner) name() []byte {
	n := s.tag
	for i, c := range n {
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			n = n[:i]
			break
		}
	}
	if i := bytes.IndexByte(n, ':'); i >= 0 {
		n = n[i+1:]
	}
	return n
}

// attrs calls fn with each attribute's local name and raw value.
func (s *scanner) attrs(fn func(name, value []byte)) {
	t := s.tag
	i := bytes.IndexAny(t, " \t\r\n")
	if i < 0 {
		return
	}
	t = t[i:]
	for {
		t = bytes.TrimLeft(t, " \t\r\n")
		eq := bytes.IndexByte(t, '=')
		if eq < 0 {
			return
		}
		name := bytes.TrimRight(t[:eq], " \t\r\n")
		if j := bytes.IndexByte(name, ':'); j >= 0 {
			name = name[j+1:]
		}
		t = bytes.TrimLeft(t[eq+1:], " \t\r\n")
		if len(t) == 0 || (t[0] != '"' && t[0] != '\'') {
			return
		}
		q := t[0]
		end := bytes.IndexByte(t[1:], q)
		if end < 0 {
			return
		}
		fn(name, t[1:1+end])
		t = t[end+2:]
	}
}

// attr returns the decoded value of the attribute with that local name.
func (s *scanner) attr(name string) string {
	var out string
	s.attrs(func(n, v []byte) {
		if string(n) == name {
			out = string(decodeEntities(append([]byte(nil), v...)))
		}
	})
	return out
}

// decodeEntities decodes &lt; &gt; &amp; &quot; &apos; and &#…; in place.
func decodeEntities(b []byte) []byte {
	i := bytes.IndexByte(b, '&')
	if i < 0 {
		return b
	}
	out := b[:i]
	for i < len(b) {
		c := b[i]
		if c != '&' {
			out = append(out, c)
			i++
			continue
		}
		semi := bytes.IndexByte(b[i:], ';')
		if semi < 0 || semi > 12 {
			out = append(out, c)
			i++
			continue
		}
		ent := b[i+1 : i+semi]
		var r rune = -1
		switch string(ent) {
		case "lt":
			r = '<'
		case "gt":
			r = '>'
		case "amp":
			r = '&'
		case "quot":
			r = '"'
		case "apos":
			r = '\''
		default:
			if len(ent) > 1 && ent[0] == '#' {
				var v uint64
				var err error
				if ent[1] == 'x' || ent[1] == 'X' {
					v, err = strconv.ParseUint(string(ent[2:]), 16, 32)
				} else {
					v, err = strconv.ParseUint(string(ent[1:]), 10, 32)
				}
				if err == nil && utf8.ValidRune(rune(v)) {
					r = rune(v)
				}
			}
		}
		if r < 0 {
			out = append(out, c)
			i++
			continue
		}
		out = utf8.AppendRune(out, r)
		i += semi + 1
	}
	return out
}
