package notice

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/consolidate"
)

// Field is one Chinese placeholder a narrative may write, 【完成率】, with
// its value in this build. Every figure is the consolidated summary's,
// formatted as the workbook formats it (consolidate.Percent for rates).
type Field struct {
	Name  string // without the brackets: 完成率, 大布村任务数
	Group string // 全镇, the village's name, 与上期对比
	About string // what it is, for `taizhang fields`
	Value string // "" when !Have
	Have  bool   // false: no value in this build; Why says when it has one
	Why   string
}

// Placeholder writes a field's name as a narrative does: 【完成率】.
func Placeholder(name string) string { return "【" + name + "】" }

// SinceGroup is the group of the fields that need build --since.
const SinceGroup = "与上期对比"

const noSince = "只有对比上一期（taizhang build --since 上一期的汇总台账.json）时才有"

// Fields lists every placeholder a narrative may use with its value for
// data: the town's, each village's (by its configured name), and the
// comparison with the previous period.
func Fields(d *Data) []Field {
	var out []Field
	add := func(group, name, about, value string) {
		out = append(out, Field{Name: name, Group: group, About: about, Value: value, Have: true})
	}
	itoa := strconv.Itoa
	const town = "全镇"
	add(town, "镇名", "镇的名称", d.Town.Name)
	add(town, "发文机关", "通报落款的发文机关", d.Issuer)
	add(town, "巡察轮次", "巡察轮次", d.Round)
	add(town, "巡察组", "巡察组名称", d.Inspection.Group)
	add(town, "公开日期", "通报公开（发布）日期", d.Disclosure.Date)
	add(town, "统计截止日期", "统计截止日期", d.AsOf)
	add(town, "村社区数", "村（社区）个数", itoa(d.VillageCount()))
	counts := func(group, prefix string, c consolidate.Counts, tasksName string) {
		add(group, tasksName, "整改任务数", itoa(c.Tasks))
		add(group, prefix+"已完成数", "已完成的任务数", itoa(c.Done))
		add(group, prefix+"完成率", "完成率（已完成÷任务数，四舍五入到0.1%）", c.RateText())
		add(group, prefix+"未完成数", "未完成的任务数（任务数减已完成）", itoa(c.Unfinished()))
		add(group, prefix+"基本完成数", "状态为“基本完成”的任务数", itoa(c.Mostly))
		add(group, prefix+"持续整改数", "状态为“持续整改”的任务数", itoa(c.Ongoing))
		add(group, prefix+"长期坚持数", "状态为“长期坚持”的任务数", itoa(c.LongTerm))
		add(group, prefix+"逾期数", "逾期未完成的任务数（截至统计截止日期）", itoa(c.Overdue))
		add(group, prefix+"临期数", "7日内到期、尚未完成的任务数", itoa(c.DueSoon))
	}
	counts(town, "", d.Town.Counts, "全镇任务数")
	add(town, "各村完成情况", "各村（社区）已完成数和完成率，按附件顺序", villagesSentence(d.Villages))
	for _, v := range d.Villages {
		counts(v.Name, v.Name, v.Counts, v.Name+"任务数")
		add(v.Name, v.Name+"党组织", "党组织全称", v.Org)
		add(v.Name, v.Name+"附件序号", "台账在通报中的附件序号", itoa(v.Number))
	}
	since := func(name, about string, value func(s *compare.Result) string) {
		f := Field{Name: name, Group: SinceGroup, About: about}
		if d.Since != nil {
			f.Value, f.Have = value(d.Since.Result), true
		} else {
			f.Why = noSince
		}
		out = append(out, f)
	}
	since("上期日期", "上一期的统计截止日期", func(s *compare.Result) string { return s.Then.AsOf.Chinese() })
	since("上期任务数", "上一期的整改任务数", func(s *compare.Result) string { return itoa(s.Town().Then.Tasks) })
	since("上期已完成数", "上一期已完成的任务数", func(s *compare.Result) string { return itoa(s.Town().Then.Done) })
	since("上期未完成数", "上一期未完成的任务数", func(s *compare.Result) string { return itoa(s.Town().Then.Unfinished()) })
	since("上期完成率", "上一期的完成率", func(s *compare.Result) string { return s.Town().Then.RateText() })
	since("进展", "完成率的变化，如“完成率从60.9%提高到96.4%”", func(s *compare.Result) string { return s.Sentence() })
	since("完成率变化", "完成率变化的百分点，如“提高35.5个百分点”", func(s *compare.Result) string { return s.Town().Gain() })
	for _, v := range d.Villages {
		name := v.Name
		progress := func(s *compare.Result) compare.Progress {
			p, _ := s.Village(name)
			return p
		}
		since(name+"上期完成率", name+"上一期的完成率", func(s *compare.Result) string { return progress(s).Then.RateText() })
		since(name+"进展", name+"完成率的变化", func(s *compare.Result) string { return progress(s).Sentence() })
	}
	return out
}

// villagesSentence is 【各村完成情况】: "圩仔社区20项（完成率95.2%）、…".
func villagesSentence(vs []VillageData) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprintf("%s%d项（完成率%s）", v.Name, v.Done, v.Rate())
	}
	return strings.Join(parts, "、")
}

// placeholderRe finds 【…】 in a narrative.
var placeholderRe = regexp.MustCompile(`【([^【】\n]{1,40})】`)

// fieldFunc is the template function a placeholder becomes.
const fieldFunc = "taizhangField"

// fillPlaceholders turns every 【name】 of text into a call that prints
// the field's value when the narrative runs, so a placeholder inside
// {{with .Since}}…{{end}} costs nothing without --since. An unknown name
// is an error naming it, its place (label of its line) and the nearest
// known name.
func fillPlaceholders(text string, fields []Field, label func(line int) string) (string, error) {
	known := map[string]int{}
	for i, f := range fields {
		if _, dup := known[f.Name]; !dup {
			known[f.Name] = i
		}
	}
	var errs []string
	out := placeholderRe.ReplaceAllStringFunc(text, func(m string) string {
		name := strings.TrimSpace(placeholderRe.FindStringSubmatch(m)[1])
		i, ok := known[name]
		if !ok {
			return m // reported below, with its place
		}
		return "{{" + fieldFunc + " " + strconv.Itoa(i) + "}}"
	})
	for i, line := range strings.Split(text, "\n") {
		for _, m := range placeholderRe.FindAllStringSubmatch(line, -1) {
			name := strings.TrimSpace(m[1])
			if _, ok := known[name]; ok {
				continue
			}
			msg := fmt.Sprintf("%s：%s不是可用的数字", label(i+1), Placeholder(name))
			if near := nearest(name, fields); near != "" {
				msg += "，是不是" + Placeholder(near) + "？"
			} else {
				msg += "（可用的占位符见 taizhang fields）"
			}
			errs = append(errs, msg)
		}
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

// fieldValue is the template function: the field's value, or an error
// when it has none in this build.
func fieldValue(fields []Field) func(int) (string, error) {
	return func(i int) (string, error) {
		f := fields[i]
		if !f.Have {
			return "", fmt.Errorf("%s这一次没有数值：%s", Placeholder(f.Name), f.Why)
		}
		return f.Value, nil
	}
}

// nearest is the known field name closest to name, when one is close
// enough to be a slip (a character or two off).
func nearest(name string, fields []Field) string {
	best, bestD := "", 1<<30
	rn := []rune(name)
	for _, f := range fields {
		d := compare.EditDistance(rn, []rune(f.Name))
		if d < bestD {
			best, bestD = f.Name, d
		}
	}
	limit := len(rn) / 2
	if limit < 1 {
		limit = 1
	}
	if bestD > limit {
		return ""
	}
	return best
}
