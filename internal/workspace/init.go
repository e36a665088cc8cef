// Package workspace is the clerk's folder for one round: what `init` lays
// out (taizhang.yaml, 收件箱/, 输出/, 通报正文.docx, a blank ledger per
// village) and what `status` reads back from it (who has sent, who has not,
// what was rejected, how long until the disclosure date).
package workspace

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"go.yaml.in/yaml/v3"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/docx"
	"github.com/taizhang/taizhang/internal/form"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/notice"
	"github.com/taizhang/taizhang/internal/output"
)

// Names of what init lays out, relative to the workspace.
const (
	InboxName     = "收件箱"
	OutName       = "输出"
	NarrativeName = "通报正文.docx" // edited in WPS or Word
	BlankDir      = "空白台账"      // one blank ledger per village, to hand out
)

// InitOptions tune Init.
type InitOptions struct {
	// From, when set, gives the town, dates and villages; otherwise the
	// config is a template with two example villages for the clerk to edit.
	From *config.Config
}

// InitResult lists what Init made and what it found already there.
type InitResult struct {
	Dir     string
	Created []string // relative paths, in the order made
	Kept    []string // already there, left as they were
	Config  *config.Config
}

// Init lays out a workspace in dir. It never overwrites: what exists is
// kept and listed. The config it writes always loads.
func Init(dir string, opts InitOptions) (*InitResult, error) {
	res := &InitResult{Dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("无法创建文件夹“%s”：%w", dir, err)
	}
	cfgText, err := ConfigText(opts.From)
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(dir, config.FileName)
	if err := res.file(cfgPath, config.FileName, func(w io.Writer) error { _, err := io.WriteString(w, cfgText); return err }); err != nil {
		return nil, err
	}
	// The folder's own config wins when it was there already.
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	res.Config = cfg
	for _, d := range []string{cfg.InboxDir(), cfg.OutDir()} {
		rel := Rel(dir, d)
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			res.Kept = append(res.Kept, rel+"/")
			continue
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("无法创建文件夹“%s”：%w", d, err)
		}
		res.Created = append(res.Created, rel+"/")
	}
	narr := cfg.NarrativePath()
	if err := res.file(narr, Rel(dir, narr), narrativeWriter(narr)); err != nil {
		return nil, err
	}
	for _, v := range cfg.Villages {
		p := filepath.Join(dir, BlankDir, form.FileName(v.Name))
		o := form.Options{Village: v, Round: cfg.Round}
		if err := res.file(p, Rel(dir, p), func(w io.Writer) error { return form.Write(w, o) }); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// narrativeWriter writes the skeleton narrative in the form path's name
// asks for: a Word document, or a text file for Notepad.
func narrativeWriter(path string) func(io.Writer) error {
	if strings.EqualFold(filepath.Ext(path), ".docx") {
		return writeNarrative(NarrativeSkeleton)
	}
	return output.Text(NarrativeSkeleton)
}

// file writes path unless it exists.
func (r *InitResult) file(path, rel string, fill func(io.Writer) error) error {
	if _, err := os.Lstat(path); err == nil {
		r.Kept = append(r.Kept, rel)
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("无法访问“%s”：%w", path, err)
	}
	if err := output.WriteFile(path, fill); err != nil {
		return err
	}
	r.Created = append(r.Created, rel)
	return nil
}

// Rel shows p the way a clerk reads a place in the workspace: relative to
// dir with forward slashes (输出/退回/大布村-已批注.xlsx, "." for dir itself)
// when p lies inside dir, else p as given.
func Rel(dir, p string) string {
	ad, err1 := filepath.Abs(dir)
	ap, err2 := filepath.Abs(p)
	if err1 != nil || err2 != nil {
		return p
	}
	rel, err := filepath.Rel(ad, ap)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return p
	}
	return filepath.ToSlash(rel)
}

// NarrativeSkeleton is the narrative a new workspace starts with, one
// paragraph a line: the four headings of the notice body, the figures as
// placeholders the build fills in, and a guidance sentence (Guidance) where
// the town's own words go. init writes it as 通报正文.docx.
var NarrativeSkeleton = strings.Join([]string{
	"一、党委履行巡察整改主体责任情况",
	Guidance[0],
	"二、巡察反馈重点事项整改落实情况",
	"截至【统计截止日期】，【村社区数】个村（社区）党组织共梳理整改任务【全镇任务数】项，已完成【已完成数】项，整体完成率【完成率】；" +
		"基本完成【基本完成数】项，持续整改【持续整改数】项，需长期坚持【长期坚持数】项。各村（社区）完成情况为：【各村完成情况】。",
	Guidance[1],
	"三、需长期整改事项进展情况",
	"目前全镇需长期坚持的整改任务【长期坚持数】项、持续整改任务【持续整改数】项，均已明确责任单位和阶段目标，按计划推进。",
	"四、下一步工作打算",
	Guidance[2],
}, "\n") + "\n"

// writeNarrative writes text, one paragraph a line, as a Word document:
// lines numbered 一、 （一） 1. （1） in their heading faces.
func writeNarrative(text string) func(io.Writer) error {
	return func(w io.Writer) error {
		var d docx.Draft
		for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
			d.Paragraphs = append(d.Paragraphs, docx.Para{Text: line, Heading: int(notice.HeadingLevel(line))})
		}
		return docx.Write(w, d)
	}
}

// configTemplate is taizhang.yaml as init writes it: every key with a
// Chinese comment a clerk can follow.
const configTemplate = `# 台账（taizhang）配置文件：本轮巡察整改的基本情况。
# 用记事本或 WPS 打开修改即可；“#”后面是说明，不影响使用。
# 冒号后面要有一个空格；日期一律写成 2025-09-12 这样的格式。
{{- if .Example}}
# 下面的内容是示例（以三乡镇为例），请逐项改成本镇的实际情况。
{{- end}}

# 镇名和发文机关（通报落款）
town: {{q .C.Town}}
issuer: {{q .C.Issuer}}
# 巡察轮次，用在通报和台账标题中
round: {{q .C.Round}}

# 本轮巡察
inspection:
  group: {{q .C.Inspection.Group}}    # 巡察组
  from: {{d .C.Inspection.From}}        # 巡察开始日期
  to: {{d .C.Inspection.To}}          # 巡察结束日期
  feedback: {{d .C.Inspection.Feedback}}    # 反馈意见的日期

# 公开公示
disclosure:
  date: {{d .C.Disclosure.Date}}        # 公开（通报发布）日期
  days: {{.C.Disclosure.Days}}                # 公开期限，天数（含首日）

# 统计截止日期：检查（check、watch、status）和生成（build）都按这一天判断逾期；
# 不写时按公开日期，公开日期也没写时按当天
{{if .C.AsOf.IsZero}}# as_of: 2025-09-12{{else}}as_of: {{d .C.AsOf}}{{end}}

# 通报末尾的意见反馈方式
contact:
  phone: {{q .C.Contact.Phone}}
  hours: {{q .C.Contact.Hours}}
  address: {{q .C.Contact.Address}}
  envelope: {{q .C.Contact.Envelope}}    # 信封上注明的字样
  postcode: {{q .C.Contact.Postcode}}
  email: {{q .C.Contact.Email}}

# 各村（社区）及其党组织全称，按通报附件的顺序排列。
# 党组织名称请照抄正式名称（各村不一定一样，如“总支部委员会”“总支委员会”）。
villages:
{{- range .C.Villages}}
  - name: {{q .Name}}
    org: {{q .Org}}
{{- end}}

# 文件夹：各村报来的台账放进“收件箱”，生成的文件在“输出”
inbox: {{q .C.Inbox}}
out: {{q .C.Out}}
# 通报正文：用 WPS 或 Word 编辑；数字写成【完成率】这样的占位符，生成通报时自动填入
# （taizhang fields 列出全部占位符）。也可以改用记事本编辑的 通报正文.txt
narrative: {{q .C.Narrative}}

# 公开的台账是否显示责任人、责任领导（默认不显示，保护个人信息）
publish:
  person: {{.C.Publish.Person}}
  lead: {{.C.Publish.Lead}}

# 已核实可以公开的“个人信息”警告：把警告开头的位置抄在这里，
# 例如 - 大布村整改台账.xlsx:台账!I12 。没有列出的，build --final 不会生成公开版。
acknowledged:
{{- range .C.Acknowledged}}
  - {{q .}}
{{- else}} []
{{- end}}
{{- if .Fonts}}

# 字体文件（不写的，用电脑字体文件夹里的仿宋、黑体、楷体、方正小标宋，没有时用程序自带字体）
fonts:
{{- if .C.Fonts.Title}}
  title: {{q .C.Fonts.Title}}
{{- end}}
{{- if .C.Fonts.Body}}
  body: {{q .C.Fonts.Body}}
{{- end}}
{{- if .C.Fonts.Hei}}
  hei: {{q .C.Fonts.Hei}}
{{- end}}
{{- if .C.Fonts.Kai}}
  kai: {{q .C.Fonts.Kai}}
{{- end}}
{{- if .C.Fonts.Song}}
  song: {{q .C.Fonts.Song}}
{{- end}}
{{- else}}

# 字体：电脑字体文件夹里有仿宋（simfang.ttf）、黑体（simhei.ttf）、楷体（simkai.ttf）、
# 方正小标宋时自动使用，没有时用程序自带字体；也可以指定别的字体文件，例如
# fonts:
#   body: C:/Windows/Fonts/simfang.ttf
#   hei: C:/Windows/Fonts/simhei.ttf
#   kai: C:/Windows/Fonts/simkai.ttf
{{- end}}
`

// example is the config a new workspace starts from without --from-config.
var example = config.Config{
	Town:   "三乡镇",
	Issuer: "中共中山市三乡镇委员会",
	Round:  "十五届市委第六轮",
	Inspection: config.Inspection{
		Group: "市委对村巡察第四组",
		From:  ledger.NewDate(2024, 9, 24), To: ledger.NewDate(2024, 12, 20), Feedback: ledger.NewDate(2025, 1, 14),
	},
	Disclosure: config.Disclosure{Date: ledger.NewDate(2025, 9, 12), Days: config.DefaultDisclosureDays},
	Contact: config.Contact{
		Phone: "0760-86388332", Hours: config.DefaultHours,
		Address:  "中山市三乡镇景观大道1号镇政府大楼三乡镇党建和组织人事办公室",
		Envelope: "对中共中山市三乡镇委员会关于巡察整改落实情况的意见建议",
		Postcode: "528463", Email: "sxxcxtb@126.com",
	},
	Villages: []ledger.Village{
		{Name: "圩仔社区", Org: "中共中山市三乡镇圩仔社区委员会"},
		{Name: "大布村", Org: "中共中山市三乡镇大布村委员会"},
	},
}

// ConfigText renders a commented taizhang.yaml: from's values when given
// (its folders replaced by the workspace's 收件箱 and 输出, its font paths made
// absolute), else the two-village example.
func ConfigText(from *config.Config) (string, error) {
	c := example
	isExample := from == nil
	if from != nil {
		c = *from
		f := &c.Fonts
		for _, p := range []*string{&f.Title, &f.Body, &f.Hei, &f.Kai, &f.Song} {
			if *p != "" {
				abs, err := filepath.Abs(from.Resolve(*p))
				if err == nil {
					*p = filepath.ToSlash(abs)
				}
			}
		}
	}
	c.Inbox, c.Out, c.Narrative = InboxName, OutName, NarrativeName
	c.Disclosure.Days = c.DisclosureDays()
	funcs := template.FuncMap{
		"q": quote,
		"d": func(d ledger.Date) string {
			if d.IsZero() {
				return `""`
			}
			return d.String()
		},
	}
	t := template.Must(template.New(config.FileName).Funcs(funcs).Parse(configTemplate))
	var b bytes.Buffer
	err := t.Execute(&b, struct {
		C       config.Config
		Example bool
		Fonts   bool
	}{c, isExample, c.Fonts != (config.Fonts{})})
	if err != nil {
		return "", err
	}
	if _, err := config.Parse(config.FileName, b.Bytes()); err != nil {
		return "", fmt.Errorf("生成的配置文件有误（这是程序的问题）：%w", err)
	}
	return b.String(), nil
}

// quote writes a YAML scalar: plain when that reads back as the same
// string, double-quoted otherwise.
func quote(s string) string {
	if s == "" {
		return `""`
	}
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(out), "\n")
}
