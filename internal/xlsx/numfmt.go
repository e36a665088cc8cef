package xlsx

import (
	"math"
	"strconv"
	"strings"
)

// builtinCodes are the built-in number formats a ledger's numbers use
// (ECMA-376 18.8.30); the others read as General.
var builtinCodes = map[int]string{
	1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
	9: "0%", 10: "0.00%",
}

// formatShown gives a number as a cell with the number format code shows
// it, for the plain numeric formats clerks use: decimals (0.00), thousands
// separators (#,##0.00) and percentages (0%). ok is false for General and
// for any format it does not know, which then reads as General.
func formatShown(v float64, code string) (string, bool) {
	if i := strings.IndexByte(code, ';'); i >= 0 {
		if v < 0 {
			return "", false // a negative section may differ; read as General
		}
		code = code[:i]
	}
	var prefix, suffix, pattern strings.Builder
	inQuote := false
	for i := 0; i < len(code); i++ {
		ch := code[i]
		switch {
		case inQuote:
			if ch == '"' {
				inQuote = false
			} else if pattern.Len() == 0 {
				prefix.WriteByte(ch)
			} else {
				suffix.WriteByte(ch)
			}
		case ch == '"':
			inQuote = true
		case ch == '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return "", false
			}
			i += j
		case ch == '\\' && i+1 < len(code):
			i++
			if pattern.Len() == 0 {
				prefix.WriteByte(code[i])
			} else {
				suffix.WriteByte(code[i])
			}
		case ch == '0' || ch == '#' || ch == ',' || ch == '.' || ch == '%':
			if suffix.Len() > 0 {
				return "", false
			}
			pattern.WriteByte(ch)
		case ch == '_' || ch == '*':
			i++ // a padding: width only
		case ch == ' ':
		default:
			return "", false
		}
	}
	p := pattern.String()
	if !strings.ContainsAny(p, "0#") || strings.Count(p, ".") > 1 || strings.Count(p, "%") > 1 {
		return "", false
	}
	percent := strings.HasSuffix(p, "%")
	p = strings.TrimSuffix(p, "%")
	if strings.Contains(p, "%") {
		return "", false
	}
	intPart, frac, _ := strings.Cut(p, ".")
	decimals := strings.Count(frac, "0") + strings.Count(frac, "#")
	minDecimals := strings.Count(frac, "0")
	if percent {
		v *= 100
	}
	if math.IsInf(v, 0) || math.IsNaN(v) || math.Abs(v) >= 1e15 {
		return "", false
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if minDecimals < decimals { // # places drop trailing zeros
		whole, f, _ := strings.Cut(s, ".")
		f = strings.TrimRight(f, "0")
		for len(f) < minDecimals {
			f += "0"
		}
		s = whole
		if f != "" {
			s += "." + f
		}
	}
	if strings.Contains(intPart, ",") {
		s = group(s)
	}
	if strings.Trim(intPart, "#,") == "" && strings.HasPrefix(s, "0.") && strings.Contains(intPart, "#") {
		s = s[1:] // #.00 shows .50
	}
	if percent {
		s += "%"
	}
	return prefix.String() + s + suffix.String(), true
}

// group puts thousands separators into a formatted number.
func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, ch := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
