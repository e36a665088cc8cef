package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/taizhang/taizhang/internal/check"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pipeline"
)

// CheckOptions are the flags and arguments of `taizhang check`.
type CheckOptions struct {
	Paths      []string
	ConfigPath string
	AsOf       string
	JSON       bool
}

// NewCmdCheck builds `taizhang check`. runF replaces the work in tests.
func NewCmdCheck(s *Streams, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{}
	cmd := &cobra.Command{
		Use:   "check [--config 配置文件] [--as-of 日期] [--json] 路径...",
		Short: "检查各村（社区）报来的整改台账，列出错误和警告",
		Long: `检查整改台账工作簿（.xlsx）。路径可以是文件，也可以是文件夹（检查其中所有台账）。
每个问题一行：文件:工作表!单元格: 错误|警告: 说明。
逾期、临期按 --as-of 的日期判断，不加时按配置中的 as_of（或公开日期），没有配置时按当天。
有错误、或一个台账文件也没找到时，退出码为 1；只有警告时为 0；
命令本身无法运行（选项错误、配置文件有误、路径不存在）时为 2。`,
		Example: `  taizhang check samples
  taizhang check --as-of 2025-09-12 收件箱/大布村.xlsx
  taizhang check --json 收件箱 > 结果.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return runCheck(s, opts)
		},
	}
	cmd.Flags().StringVar(&opts.ConfigPath, "config", "", "配置文件（默认：文件夹中的 taizhang.yaml）")
	cmd.Flags().StringVar(&opts.AsOf, "as-of", "", "按哪一天判断逾期、完成时间（格式 2025-09-12，默认取配置中的 as_of 或公开日期，没有配置时为今天）")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "输出 JSON，供其他程序读取")
	cmd.Flags().BoolP("help", "h", false, "显示帮助")
	return cmd
}

func runCheck(s *Streams, opts *CheckOptions) error {
	if err := needPaths(opts.Paths); err != nil {
		return err
	}
	cfg, err := findConfig(opts.ConfigPath, opts.Paths)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	configWarnings(s, cfg)
	asOf, err := parseAsOf(opts.AsOf, checkAsOf(cfg))
	if err != nil {
		return err
	}
	rep, _, err := pipeline.CheckKept(opts.Paths, cfg, asOf)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if opts.JSON {
		if err := writeJSONTo(s.Out, rep.JSON()); err != nil {
			return err
		}
	} else {
		printDiagnostics(s, rep.Diagnostics)
		printReading(s, rep)
		fmt.Fprintf(s.Out, "共检查 %d 个文件，读取 %d 项整改任务：错误 %d 条，警告 %d 条。\n",
			len(rep.Files), len(rep.Items), rep.Errors(), rep.Warnings())
		if len(rep.Files) == 0 {
			fmt.Fprintln(s.Out, "没有找到台账文件（.xlsx）：请检查路径是否正确。")
		}
	}
	if rep.Errors() > 0 || len(rep.Files) == 0 {
		return problems()
	}
	return nil
}

// inboxOfParent returns the config of the workspace whose inbox is dir
// (taizhang check 收件箱 run inside the workspace), or nil.
func inboxOfParent(dir string) *config.Config {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	cfg, err := config.Find("", filepath.Dir(abs))
	if err != nil || cfg == nil {
		return nil
	}
	if inbox, err := filepath.Abs(cfg.InboxDir()); err != nil || inbox != abs {
		return nil
	}
	return cfg
}

// findConfig loads --config, else a taizhang.yaml in the first folder
// among paths; no config is not an error for check.
func findConfig(explicit string, paths []string) (*config.Config, error) {
	if explicit != "" {
		return config.Load(explicit)
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			cfg, err := config.Find("", p)
			if cfg != nil || err != nil {
				return cfg, err
			}
			return inboxOfParent(p), nil
		}
		if len(paths) == 1 {
			return config.Find("", filepath.Dir(p))
		}
	}
	return nil, nil
}

// checkAsOf is the day every command counts dates against when --as-of is
// not given (config.AsOfDay), so a file one of them accepts is a file the
// build takes.
func checkAsOf(cfg *config.Config) ledger.Date { return cfg.AsOfDay() }

func parseAsOf(flag string, fallback ledger.Date) (ledger.Date, error) {
	if flag == "" {
		return fallback, nil
	}
	d, err := ledger.ParseISODate(flag)
	if err != nil {
		return ledger.Date{}, usageError("--as-of：%v", err)
	}
	return d, nil
}

// printDiagnostics prints errors first, then warnings, one line each.
func printDiagnostics(s *Streams, ds []ledger.Diagnostic) {
	for _, sev := range []ledger.Severity{ledger.Error, ledger.Warning} {
		for _, d := range ds {
			if d.Severity == sev {
				fmt.Fprintln(s.Out, d.String())
			}
		}
	}
}

// printReading says, per file, what was read and what was skipped and why:
// every sheet, and the rows and columns below a header that are not tasks
// (section rows, the normal case, are not listed).
func printReading(s *Streams, rep *check.Report) {
	const most = 5
	var lines []string
	for _, f := range append(append([]check.FileReport(nil), rep.Files...), rep.Unread...) {
		var parts []string
		for _, u := range f.Sheets {
			if !u.Read {
				parts = append(parts, fmt.Sprintf("跳过工作表“%s”（%s）", u.Sheet, u.Reason))
				continue
			}
			read := fmt.Sprintf("读取工作表“%s”%d项任务", u.Sheet, u.Tasks)
			if u.FirstRow > 0 {
				read = fmt.Sprintf("读取工作表“%s”第%d–%d行，%d项任务", u.Sheet, u.FirstRow, u.LastRow, u.Tasks)
			}
			if u.Village != "" && u.Village != f.Village {
				read += "（" + u.Village + "）"
			}
			parts = append(parts, read)
			n := 0
			for _, r := range u.Skipped {
				if strings.HasPrefix(r.Reason, "分类行") {
					continue
				}
				if n++; n <= most {
					parts = append(parts, fmt.Sprintf("跳过第%d行（%s）", r.Row, r.Reason))
				}
			}
			if n > most {
				parts = append(parts, fmt.Sprintf("另跳过%d行", n-most))
			}
			for _, c := range u.SkippedColumns {
				parts = append(parts, fmt.Sprintf("未读取%s列（%s）", c.Column, c.Reason))
			}
		}
		if f.Unread {
			parts = append(parts, "没有读取（不是Excel台账）")
		}
		if len(parts) > 0 {
			lines = append(lines, fmt.Sprintf("  %s：%s", f.Name, strings.Join(parts, "；")))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintln(s.Out, "读取情况：")
		for _, l := range lines {
			fmt.Fprintln(s.Out, l)
		}
	}
}
