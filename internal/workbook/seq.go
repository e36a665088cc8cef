package workbook

import (
	"strconv"
	"strings"
)

// SeqNumber reads a 序号 as the whole number it is, so that it is stored as
// a number (sorting and filtering in Excel and pandas work on it): "3" and
// "３" are 3. Anything else a village numbers with — "3-1", "（一）", "03",
// "3.1" — is not a number and stays text.
func SeqNumber(seq string) (int, bool) {
	s := strings.TrimSpace(seq)
	if s == "" || len(s) > 3*9 {
		return 0, false
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		default:
			return 0, false
		}
	}
	digits := b.String()
	if len(digits) > 1 && digits[0] == '0' {
		return 0, false // a leading zero the village typed: keep it as written
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n > 1<<31-1 {
		return 0, false
	}
	return n, true
}

// seq writes a 序号: a number when it is one, else text as written.
func (s *sheet) seq(col, row int, v string, style int) {
	if n, ok := SeqNumber(v); ok {
		s.int(col, row, n, style)
		return
	}
	s.text(col, row, v, style)
}
