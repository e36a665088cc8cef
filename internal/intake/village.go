package intake

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/xlsx"
)

// village tells whose ledger this is. With a config, the file is filed
// under the village its name holds; otherwise the sheet's own words — the
// 填报单位 line, then the title rows above the header — then the sheet name.
// When the name and the title name two different configured villages (a
// borrowed template), that is an error naming both. Without a match an
// error is recorded and "" returned.
func (r *reader) village(g *xlsx.Grid, h header, sheetName string, fromName bool) string {
	base := strings.TrimSuffix(r.res.File.Name, filepath.Ext(r.res.File.Name))
	inSheet := append(sheetTexts(g, h), sheetName)
	texts := append(append([]string(nil), inSheet...), base)

	if vs := r.opts.Villages; len(vs) > 0 {
		names := make([]string, len(vs))
		for i, v := range vs {
			names[i] = v.Name
		}
		byName := ""
		if fromName {
			byName = matchVillage(vs, []string{base})
		}
		bySheet := matchVillage(vs, sheetTexts(g, h))
		switch {
		case byName != "" && bySheet != "" && byName != bySheet:
			r.fileError(ledger.CodeWrongVillage, "文件名是“%s”的台账，但表格标题或“填报单位”写的是“%s”（可能借用了别村的表格）：请核对后改正文件名或标题", byName, bySheet)
			return byName
		case byName != "":
			return byName
		}
		if v := matchVillage(vs, texts); v != "" {
			return v
		}
		if guess := guessVillage(texts); guess != "" {
			r.fileError(ledger.CodeUnknownVillage, "%s", NotInConfigMessage(guess, vs))
		} else {
			r.fileError(ledger.CodeUnknownVillage, "无法确定这份台账属于哪个村（社区），配置的名单是：%s。请在标题或“填报单位”中写明村（社区）名称，或把文件命名为“大布村.xlsx”这样的名称", strings.Join(names, "、"))
		}
		return ""
	}
	if guess := guessVillage(texts); guess != "" {
		return guess
	}
	r.fileError(ledger.CodeUnknownVillage, "无法确定这份台账属于哪个村（社区）：请在标题或“填报单位”中写明村（社区）名称，或把文件命名为“大布村.xlsx”这样的名称")
	return ""
}

// sheetTexts are the sheet's own words above the header: the 填报单位 name
// first, then every title cell.
func sheetTexts(g *xlsx.Grid, h header) []string {
	var unit string
	var titles []string
	for _, row := range g.RowNums() {
		if row >= h.first {
			break
		}
		for c := 1; c <= g.MaxCol; c++ {
			v, filled := g.At(row, c)
			if filled || v.Text == "" {
				continue
			}
			titles = append(titles, v.Text)
			if unit == "" {
				if u, ok := fillUnit(v.Text); ok {
					if u == "" {
						u = g.Text(row, c+1)
					}
					unit = u
				}
			}
		}
	}
	return append([]string{unit}, titles...)
}

// matchVillage returns the first configured village named in the texts, in
// order; longest names first, so that 大布村 is not taken for a shorter name
// inside it.
func matchVillage(vs []ledger.Village, texts []string) string {
	sorted := make([]string, len(vs))
	for i, v := range vs {
		sorted[i] = v.Name
	}
	sort.SliceStable(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
	for _, t := range texts {
		for _, n := range sorted {
			if t != "" && strings.Contains(t, n) {
				return n
			}
		}
	}
	return ""
}

// VillageInName returns the configured village a file name holds, or "".
func VillageInName(name string, vs []ledger.Village) string {
	return matchVillage(vs, []string{strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))})
}

// NotInConfigMessage says that a ledger's village is not one of the
// configured ones, listing them.
func NotInConfigMessage(village string, villages []ledger.Village) string {
	names := make([]string, len(villages))
	for i, v := range villages {
		names[i] = v.Name
	}
	return fmt.Sprintf("台账中的村（社区）“%s”不在配置的名单中（%s）：请核对标题或“填报单位”中的名称", village, strings.Join(names, "、"))
}

// fillUnit reads "填报单位：大布村党委　填报日期：…"; ok is true when the text
// is a 填报单位 line (the name may be in the next cell, then it is "").
func fillUnit(s string) (string, bool) {
	i := strings.Index(s, "填报单位")
	if i < 0 {
		return "", false
	}
	rest := strings.TrimLeft(s[i+len("填报单位"):], ":： \u3000\t")
	if j := strings.Index(rest, "填报日期"); j >= 0 {
		rest = rest[:j]
	}
	if j := strings.IndexAny(rest, " \u3000\t\n"); j >= 0 {
		rest = rest[:j]
	}
	return strings.TrimSpace(rest), true
}

// guessVillage finds a village or community name (…村, …社区) in the texts,
// in order, without a list to match against.
func guessVillage(texts []string) string {
	for _, t := range texts {
		if n := villageIn(t); n != "" {
			return n
		}
	}
	return ""
}

// villageBounds end the words before a village name: the town, county,
// city, brackets and punctuation.
var villageBounds = []string{"镇", "乡", "街道", "市", "县", "中共", "：", ":", "（", "(", "“", "《", "【", " ", "\u3000", "、", "，", "_", "-"}

// villageIn finds "大布村" in "中共中山市三乡镇大布村委员会" or "圩仔社区" in
// "圩仔社区整改台账".
func villageIn(s string) string {
	for start := 0; start < len(s); {
		i, suffix := indexSuffix(s[start:])
		if i < 0 {
			return ""
		}
		i += start
		prefix := s[:i]
		for _, b := range villageBounds {
			if j := strings.LastIndex(prefix, b); j >= 0 {
				prefix = prefix[j+len(b):]
			}
		}
		n := utf8.RuneCountInString(prefix)
		if n >= 1 && n <= 6 && !strings.ContainsAny(prefix, "第轮届对各本该全于") && hanOnly(prefix) {
			return prefix + suffix
		}
		start = i + len(suffix)
	}
	return ""
}

func indexSuffix(s string) (int, string) {
	i, j := strings.Index(s, "社区"), strings.Index(s, "村")
	switch {
	case i >= 0 && (j < 0 || i < j):
		return i, "社区"
	case j >= 0:
		return j, "村"
	}
	return -1, ""
}

func hanOnly(s string) bool {
	for _, r := range s {
		if r < 0x3400 || r > 0x9FFF {
			return false
		}
	}
	return true
}
