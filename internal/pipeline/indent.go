package pipeline

// appendIndented appends compact JSON (as json.Encoder writes it: no
// space outside strings, valid) to dst, indented exactly as json.Indent
// would indent it with prefix and indent, and returns the result. It is
// one pass that knows its input is valid and compact, where json.Indent
// runs its full scanner over every byte: 汇总台账.json's tasks took longer
// to indent than to encode.
func appendIndented(dst, compact []byte, prefix, indent string) []byte {
	depth := 0
	needIndent := false // after { or [: the newline waits, so that {} and [] stay so
	inString, escaped := false, false
	newline := func() {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, indent...)
		}
	}
	for _, c := range compact {
		if inString {
			dst = append(dst, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			newline()
		}
		switch c {
		case '"':
			inString = true
			dst = append(dst, c)
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
