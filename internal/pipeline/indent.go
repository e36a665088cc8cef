package pipeline

import "bytes"

// appendIndented appends compact JSON (as json.Encoder writes it: no
// space outside strings, valid) to dst, indented exactly as json.Indent
// would indent it with prefix and indent, and returns the result. It is
// one pass that knows its input is valid and compact, and copies each
// string whole, where json.Indent runs its full scanner over every byte:
// 汇总台账.json's tasks took longer to indent than to encode.
func appendIndented(dst, compact []byte, prefix, indent string) []byte {
	depth := 0
	needIndent := false // after { or [: the newline waits, so that {} and [] stay so
	newline := func() {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(compact); i++ {
		c := compact[i]
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			newline()
		}
		switch c {
		case '"':
			end := stringEnd(compact, i)
			dst = append(dst, compact[i:end+1]...)
			i = end
		case '{', '[':
			needIndent = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				newline()
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// stringEnd is the index of the quote closing the string whose opening
// quote is at start: the next quote not escaped, that is not after an odd
// number of backslashes (the last byte when there is none).
func stringEnd(b []byte, start int) int {
	j := start + 1
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return len(b) - 1
		}
		j += k
		n := 0
		for p := j - 1; p > start && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return j
		}
		j++
	}
}
