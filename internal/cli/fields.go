package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/notice"
	"github.com/taizhang/taizhang/internal/pipeline"
	"github.com/taizhang/taizhang/internal/workspace"
)

// FieldsOptions are the flags and arguments of `taizhang fields`.
type FieldsOptions struct {
	Dir        string
	ConfigPath string
	AsOf       string
	Since      string
	JSON       bool
}

// NewCmdFields builds `taizhang fields`.
func NewCmdFields(s *Streams) *cobra.Command {
	opts := &FieldsOptions{}
	cmd := &cobra.Command{
		Use:   "fields [文件夹]",
		Short: "列出通报正文中可以使用的占位符（如【完成率】）和按当前收件箱算出的数值",
		Long: `通报正文（通报正文.docx 或 通报正文.txt）里写【全镇任务数】【完成率】【大布村完成率】这样的占位符，
生成通报时换成按台账算出的数字，和汇总台账.xlsx 里的数字一致。
本命令读取收件箱里的全部台账，列出每个占位符和它现在的数值，生成通报前先看一看会印出什么。
“与上期对比”的占位符（【进展】【上期完成率】等）只有加 --since 上一期的汇总台账.json 时才有数值。`,
		Example: `  taizhang fields
  taizhang fields 第六轮巡察整改 --since 输出/公开-2025-06-30/汇总台账.json
  taizhang fields --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Dir = dirArg(args)
			return runFields(s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.ConfigPath, "config", "", "配置文件（默认：文件夹中的 taizhang.yaml）")
	f.StringVar(&opts.AsOf, "as-of", "", "统计截止日期（格式 2025-09-12，默认取配置中的 as_of 或公开日期）")
	f.StringVar(&opts.Since, "since", "", "与上次生成的 汇总台账.json 对比整改进展")
	f.BoolVar(&opts.JSON, "json", false, "输出 JSON，供其他程序读取")
	f.BoolP("help", "h", false, "显示帮助")
	return cmd
}

// fieldJSON is one placeholder as `fields --json` prints it.
type fieldJSON struct {
	Placeholder string `json:"placeholder"`
	Group       string `json:"group"`
	About       string `json:"about"`
	Value       string `json:"value"`
	Available   bool   `json:"available"`
	Why         string `json:"why,omitempty"`
}

func runFields(s *Streams, opts *FieldsOptions) error {
	cfg, err := loadWorkspaceConfig(opts.ConfigPath, opts.Dir)
	if err != nil {
		return err
	}
	asOf, err := parseAsOf(opts.AsOf, checkAsOf(cfg))
	if err != nil {
		return err
	}
	// The figures a build would print: the same check, order and summary.
	rep, _, err := pipeline.CheckKept([]string{cfg.InboxDir()}, cfg, asOf)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	items := rep.Items
	consolidate.Order(items, cfg.Villages)
	sum := consolidate.Summarize(items, cfg.Villages, asOf)
	var since *compare.Result
	if opts.Since != "" {
		snap, err := compare.LoadSnapshot(opts.Since)
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		since = compare.Compare(snap, items, cfg.Villages, asOf)
	}
	fields := notice.Fields(notice.NewData(cfg, items, sum, since))
	// The narrative as the build will read it: does every placeholder in it
	// have a value?
	narrName := workspace.Rel(filepath.Dir(cfg.Path), cfg.NarrativePath())
	var narrErr error
	var narrWarn []ledger.Diagnostic
	tmpl, err := notice.LoadTemplates(cfg.TemplatesDir())
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	in := notice.Input{Config: cfg, Items: items, Summary: sum, Since: since, Templates: tmpl}
	if narrErr = in.ReadNarrative(); narrErr == nil {
		narrWarn, narrErr = notice.CheckNarrative(in)
	}
	if opts.JSON {
		out := make([]fieldJSON, len(fields))
		for i, f := range fields {
			out[i] = fieldJSON{notice.Placeholder(f.Name), f.Group, f.About, f.Value, f.Have, f.Why}
		}
		narr := map[string]any{"file": narrName, "ok": narrErr == nil, "warnings": append([]ledger.Diagnostic{}, narrWarn...)}
		if narrErr != nil {
			narr["error"] = narrErr.Error()
		}
		if err := writeJSONTo(s.Out, map[string]any{"as_of": asOf, "errors": rep.Errors(), "fields": out, "narrative": narr}); err != nil {
			return err
		}
		if narrErr != nil {
			return problems()
		}
		return nil
	}
	fmt.Fprintf(s.Out, "通报正文中可以使用的占位符（%s，统计截止日期%s，按收件箱里现有的 %d 个台账计算）：\n", cfg.Town, asOf.Chinese(), len(rep.Files))
	if n := rep.Errors(); n > 0 {
		fmt.Fprintf(s.Out, "注意：台账中还有 %d 条错误（运行 taizhang check 查看），改正以后数字可能变化，有错误时也不能生成通报。\n", n)
	}
	group, pad := "", 0
	for i, f := range fields {
		if f.Group != group {
			group = f.Group
			title := group
			if group == notice.SinceGroup && since == nil {
				title += "（" + f.Why + "）"
			}
			fmt.Fprintf(s.Out, "\n%s\n", title)
			pad = 0
			for _, g := range fields[i:] {
				if g.Group != group {
					break
				}
				pad = max(pad, displayWidth(notice.Placeholder(g.Name)))
			}
		}
		value := f.Value
		if !f.Have {
			value = "（暂无）"
		}
		name := notice.Placeholder(f.Name)
		line := "  " + name + strings.Repeat(" ", pad-displayWidth(name)+2) + value
		if f.Group == "全镇" || f.Group == notice.SinceGroup || f.Name == f.Group+"党组织" {
			line += "　（" + f.About + "）"
		}
		fmt.Fprintln(s.Out, line)
	}
	fmt.Fprintln(s.Out, "\n只在对比上一期时才印的句子，请写在 {{with .Since}} 和 {{end}} 之间；写错的占位符在生成通报时会报错并提示最接近的写法。")
	fmt.Fprintln(s.Out)
	switch {
	case narrErr != nil:
		fmt.Fprintf(s.Out, "通报正文（%s）现在不能生成通报：\n", narrName)
		for _, line := range strings.Split(narrErr.Error(), "\n") {
			fmt.Fprintf(s.Out, "  · %s\n", line)
		}
	case !in.HaveNarrative:
		fmt.Fprintf(s.Out, "还没有通报正文（%s）：生成时通报正文由模板按统计数字生成。\n", narrName)
	default:
		fmt.Fprintf(s.Out, "通报正文（%s）里的占位符都有数值。\n", narrName)
	}
	for _, d := range narrWarn {
		fmt.Fprintf(s.Out, "  警告：%s\n", d.Message)
	}
	if narrErr != nil {
		return problems()
	}
	return nil
}

// displayWidth is how many columns s takes in a terminal: two for a Chinese
// character or full-width form, one for the rest.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFF60) || (r >= 0x2E80 && r <= 0xA4CF) {
			w += 2
		} else {
			w++
		}
	}
	return w
}
