package config

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// A clerk edits taizhang.yaml in Notepad. What Notepad users get wrong is
// answered here, before YAML sees the text, at the line it is on:
//
//   - Read anyway, with a warning saying how to save it properly, where the
//     intent is beyond doubt: a UTF-8 byte order mark (silently: it is how
//     Notepad saves UTF-8), UTF-16 with a byte order mark (Notepad's
//     "Unicode"), GB18030/GBK (Notepad's "ANSI" on a Chinese Windows), a
//     full-width colon after a key (town：三乡镇), no space after a key's
//     colon (town:三乡镇). Only the keys taizhang.yaml knows are repaired,
//     so a value is never changed.
//   - Refused, with the fix: a tab in the indentation (how deep it meant is
//     a guess), a Windows path in double quotes ("C:\Windows\Fonts\x.ttf",
//     where \ starts an escape and "\n" would silently become a line
//     break), and an unknown key, with the nearest known one suggested.

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
)

// decodeText turns the file's bytes into UTF-8 text, saying in a warning
// which encoding it guessed when it was not UTF-8.
func decodeText(name string, data []byte) (string, []string, error) {
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		data = data[len(utf8BOM):]
	case bytes.HasPrefix(data, utf16LEBOM), bytes.HasPrefix(data, utf16BEBOM):
		text, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(text) || bytes.ContainsRune(text, utf8.RuneError) {
			return "", nil, &Error{File: name, Msg: "配置文件像是 UTF-16（记事本的“Unicode”）格式，但内容读不出来：请用记事本打开，“另存为”时编码选 UTF-8"}
		}
		return strings.TrimPrefix(string(text), "\ufeff"), []string{
			fmt.Sprintf("%s: 警告: 配置文件是以 UTF-16（记事本的“Unicode”）保存的，已按 UTF-16 读取；建议用记事本“另存为”，编码选 UTF-8", name)}, nil
	}
	if utf8.Valid(data) {
		return string(data), nil, nil
	}
	text, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(text) {
		return "", nil, &Error{File: name, Msg: "配置文件的编码无法识别（不是 UTF-8，也不是 GBK）：请用记事本打开，“另存为”时编码选 UTF-8"}
	}
	return string(text), []string{
		fmt.Sprintf("%s: 警告: 配置文件是以 GBK（记事本的“ANSI”）保存的，已按 GBK 读取；建议用记事本“另存为”，编码选 UTF-8", name)}, nil
}

var (
	// keyLineRe is a line that starts with a key: indentation, maybe a
	// list dash, the key, and what follows it.
	keyLineRe = regexp.MustCompile(`^([ \t]*(?:-[ \t]+)?)([A-Za-z_]+)[ \t]*(：|:)(.*)$`)
	// quotedPathRe is a double-quoted Windows path: C:\… or \\server\….
	quotedPathRe = regexp.MustCompile(`"((?:[A-Za-z]:\\|\\\\)[^"]*)"`)
)

// repairLines checks text line by line, repairing the colons around known
// keys (with a warning each) and refusing tabs in indentation and Windows
// paths in double quotes.
func repairLines(name, text string) (string, []string, error) {
	known := knownKeys()
	lines := strings.Split(text, "\n")
	var warns []string
	for i, line := range lines {
		n := i + 1
		body := strings.TrimRight(line, "\r")
		if strings.HasPrefix(strings.TrimLeft(body, " "), "#") {
			continue
		}
		if indent := body[:len(body)-len(strings.TrimLeft(body, " \t"))]; strings.Contains(indent, "\t") {
			return "", nil, &Error{File: name, Line: n, Msg: "这一行的开头用了制表符（Tab）缩进，YAML 只认空格：请把 Tab 换成空格（每深一层多两个空格）"}
		}
		if m := quotedPathRe.FindStringSubmatch(body); m != nil && strings.Contains(strings.ReplaceAll(m[1], `\\`, ""), `\`) {
			return "", nil, &Error{File: name, Line: n, Msg: fmt.Sprintf(
				"双引号里的 Windows 路径 \"%s\" 中的反斜杠（\\）会被当成转义符：请改用单引号 '%s'，或写成 %s",
				m[1], m[1], strings.ReplaceAll(m[1], `\`, "/"))}
		}
		m := keyLineRe.FindStringSubmatch(body)
		if m == nil || !known[m[2]] {
			continue
		}
		lead, key, colon, rest := m[1], m[2], m[3], m[4]
		fixed := rest
		why := ""
		if colon == "：" {
			why = "冒号用了全角“：”"
		}
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			fixed = " " + rest
			if why == "" {
				why = "冒号后面少了一个空格"
			}
		}
		if why == "" {
			continue
		}
		repaired := lead + key + ":" + fixed
		lines[i] = repaired + line[len(body):]
		warns = append(warns, fmt.Sprintf("%s:%d: 警告: %s，已按“%s”读取；请照此改正", name, n, why, strings.TrimSpace(repaired)))
	}
	return strings.Join(lines, "\n"), warns, nil
}

// knownKeys is every key taizhang.yaml may hold, at any level.
func knownKeys() map[string]bool {
	keys := map[string]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if k, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); k != "" && k != "-" {
				keys[k] = true
				walk(f.Type)
			}
		}
	}
	walk(reflect.TypeOf(file{}))
	return keys
}

// keysOf lists the keys of the struct a yaml type error names
// ("config.inspection"), every known key when it names none.
func keysOf(typeName string) []string {
	var found reflect.Type
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || found != nil {
			return
		}
		if t.String() == typeName {
			found = t
			return
		}
		for i := 0; i < t.NumField(); i++ {
			walk(t.Field(i).Type)
		}
	}
	walk(reflect.TypeOf(file{}))
	var out []string
	if found == nil {
		for k := range knownKeys() {
			out = append(out, k)
		}
	} else {
		for i := 0; i < found.NumField(); i++ {
			if k, _, _ := strings.Cut(found.Field(i).Tag.Get("yaml"), ","); k != "" && k != "-" {
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// nearestKey is the known key closest to a misspelt one, or "" when none
// is close (at most two edits, fewer for short keys).
func nearestKey(key string, keys []string) string {
	best, bestD := "", 3
	if len(key) <= 4 {
		bestD = 2
	}
	for _, k := range keys {
		if d := editDistance(strings.ToLower(key), k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the Damerau–Levenshtein distance (with adjacent swaps:
// tonw → town is one edit).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
