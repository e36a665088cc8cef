package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/intake"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/output"
	"github.com/taizhang/taizhang/internal/pipeline"
	"github.com/taizhang/taizhang/internal/workspace"
)

// BuildOptions are the flags and arguments of `taizhang build`.
type BuildOptions struct {
	Dir        string
	ConfigPath string
	OutDir     string
	AsOf       string
	Since      string
	JSON       bool
	Quiet      bool
	Final      bool // the disclosure-day set, in a dated folder (final.go)
	NoCache    bool // typeset every ledger afresh
	// Progress, when set, is told the build's steps instead of the terminal
	// bar (the web desk's progress bar).
	Progress func(step string, done, total int)
}

// NewCmdBuild builds `taizhang build`. runF replaces the work in tests.
func NewCmdBuild(s *Streams, runF func(*BuildOptions) error) *cobra.Command {
	opts := &BuildOptions{}
	cmd := &cobra.Command{
		Use:   "build [文件夹]",
		Short: "汇总各村台账，生成汇总台账（Excel）、通报和各村台账（PDF）",
		Long: `读取文件夹中的 taizhang.yaml 和各村（社区）整改台账，先做与 check 相同的检查：
有任何错误就不生成任何文件，列出错误并以退出码 1 结束；只有警告时照常生成。
输出（默认写到文件夹下的 out）：
  汇总台账.xlsx   汇总、统计、校验、来源四张表（加 --since 时另有“进展对比”表）
  通报.pdf        镇党委通报及附件（各村台账），公文格式
  台账/<村>.pdf   各村（社区）单独张贴用的台账
  汇总台账.json、manifest.json   供其他程序读取和核对
要么全部换成新的，要么一个也不换：某个文件正被其他程序打开（如 PDF 阅读器、WPS）时，
先报出是哪个文件，上次生成的文件全部保持不变。
同样的输入和配置，每次生成的文件逐字节相同。`,
		Example: `  taizhang build samples
  taizhang build 三乡镇 --as-of 2025-09-12
  taizhang build samples --since samples/snapshots/2025-06-30汇总台账.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Dir = dirArg(args)
			if runF != nil {
				return runF(opts)
			}
			return runBuild(c.Context(), s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.ConfigPath, "config", "", "配置文件（默认：文件夹中的 taizhang.yaml）")
	f.StringVar(&opts.OutDir, "out", "", "输出文件夹（默认：文件夹下的 out）")
	f.StringVar(&opts.AsOf, "as-of", "", "统计截止日期（格式 2025-09-12，默认取配置中的 as_of 或公开日期，都没有时为今天）")
	f.StringVar(&opts.Since, "since", "", "与上次生成的 汇总台账.json 对比整改进展")
	f.BoolVar(&opts.JSON, "json", false, "输出 JSON，供其他程序读取")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "只在出错时输出")
	f.BoolVar(&opts.NoCache, "no-cache", false, "不用上次生成时保存的台账读取结果和各村排版结果，全部重新读取、重新排版（结果与使用时逐字节相同）")
	f.BoolVar(&opts.Final, "final", false, "公开日用：各村（社区）都已报送、没有错误和未登记的个人信息时，生成公开版到 输出/公开-<公开日期>/")
	f.BoolP("help", "h", false, "显示帮助")
	return cmd
}

// loadWorkspaceConfig loads the config of the workspace folder dir (or
// explicit), naming a folder that is not there as such.
func loadWorkspaceConfig(explicit, dir string) (*config.Config, error) {
	if explicit == "" {
		if err := needFolder(dir); err != nil {
			return nil, err
		}
	}
	cfg, err := config.Find(explicit, dir)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	if cfg == nil {
		return nil, usageError("在“%s”中找不到配置文件 %s：请用 --config 指定，或先运行 taizhang init 建立工作文件夹", dir, config.FileName)
	}
	return cfg, nil
}

func runBuild(ctx context.Context, s *Streams, opts *BuildOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	cfg, err := loadWorkspaceConfig(opts.ConfigPath, opts.Dir)
	if err != nil {
		return err
	}
	configWarnings(s, cfg)
	asOf, err := parseAsOf(opts.AsOf, checkAsOf(cfg))
	if err != nil {
		return err
	}
	if opts.Final {
		err = runFinal(ctx, s, opts, cfg, asOf)
	} else {
		_, err = buildAndReport(ctx, s, opts, cfg, asOf, opts.OutDir, "任何文件")
	}
	if errors.Is(err, context.Canceled) {
		return usageError("已停止（按了 Ctrl+C）：没有写入任何文件，上次生成的文件保持不变")
	}
	return err
}

// buildAndReport runs the pipeline into outDir and reports what it did the
// way a clerk reads it (or as JSON). refused names what was not written when
// errors stopped the build: "任何文件", or "公开版" for --final.
func buildAndReport(ctx context.Context, s *Streams, opts *BuildOptions, cfg *config.Config, asOf ledger.Date, outDir, refused string) (*pipeline.Result, error) {
	popts := pipeline.Options{Config: cfg, OutDir: outDir, AsOf: asOf, Since: opts.Since, Final: opts.Final, NoCache: opts.NoCache}
	switch {
	case opts.Progress != nil:
		popts.Progress = opts.Progress
	case !opts.JSON && !opts.Quiet:
		popts.Progress = newProgress(s).step
	}
	res, err := pipeline.Build(ctx, popts)
	if err != nil {
		if res != nil && !opts.JSON && !opts.Quiet {
			printDiagnostics(s, res.Diagnostics)
		}
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	if opts.JSON {
		if err := writeBuildJSON(s.Out, res); err != nil {
			return nil, err
		}
	} else {
		if !opts.Quiet || res.Errors() > 0 {
			printDiagnostics(s, res.Diagnostics)
		}
		if !opts.Quiet && res.Summary != nil {
			printBuildSummary(s.Out, cfg, res)
		}
	}
	if res.Errors() > 0 {
		if !opts.JSON {
			fmt.Fprintf(s.Err, "有 %d 条错误，没有生成%s：请按上面的提示改正台账后重新生成。\n", res.Errors(), refused)
		}
		return res, problems()
	}
	return res, nil
}

func printBuildSummary(w io.Writer, cfg *config.Config, res *pipeline.Result) {
	t := res.Summary.Town
	fmt.Fprintf(w, "\n%s截至%s：共读取 %d 个村（社区）台账、%d 项整改任务，已完成 %d 项，完成率 %s；基本完成 %d 项，持续整改 %d 项，长期坚持 %d 项；逾期 %d 项，7 日内到期 %d 项。警告 %d 条",
		cfg.Town, res.AsOf.Chinese(), len(res.Report.Files), t.Tasks, t.Done, t.RateText(), t.Mostly, t.Ongoing, t.LongTerm, t.Overdue, t.DueSoon, res.Warnings())
	if res.Warnings() > 0 {
		fmt.Fprint(w, "（见上方，也列在汇总台账.xlsx 的“校验”表中）")
	}
	fmt.Fprintln(w, "。")
	if c := res.Comparison; c != nil {
		fmt.Fprintf(w, "与%s相比：%s。\n", c.Then.AsOf.Chinese(), c.Sentence())
	}
	if res.Fonts != "" {
		fmt.Fprintf(w, "通报所用字体：%s。\n", res.Fonts)
	}
	fmt.Fprintf(w, "\n文件已写入 %s：\n", displayPath(res.OutDir))
	for _, f := range res.Outputs {
		fmt.Fprintf(w, "  %s\n", f.Path)
	}
}

// displayPath shows p relative to the current folder when it lies inside it.
func displayPath(p string) string { return workspace.Rel(".", p) }

// buildJSON is what `build --json` prints.
type buildJSON struct {
	OK          bool                 `json:"ok"`
	AsOf        ledger.Date          `json:"as_of"`
	Out         string               `json:"out"`
	Outputs     any                  `json:"outputs"`
	Statistics  *consolidate.Summary `json:"statistics"`
	Diagnostics []ledger.Diagnostic  `json:"diagnostics"`
}

func writeBuildJSON(w io.Writer, res *pipeline.Result) error {
	out := buildJSON{OK: res.Errors() == 0, AsOf: res.AsOf, Out: res.OutDir, Outputs: res.Outputs,
		Statistics: res.Summary, Diagnostics: res.Diagnostics}
	if out.Diagnostics == nil {
		out.Diagnostics = []ledger.Diagnostic{}
	}
	return writeJSONTo(w, out)
}

// writeJSONTo prints one JSON document (output.JSON), Chinese left as it is.
func writeJSONTo(w io.Writer, v any) error { return output.JSON(v)(w) }

// needFolder fails, naming it, when dir does not exist or is not a folder:
// a mistyped path is not "no taizhang.yaml here".
func needFolder(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return usageError("找不到文件夹“%s”：请检查路径是否正确%s", dir, hereHint())
	case err != nil:
		return &ExitError{Code: ExitUsage, Err: accessError(dir, err)}
	case !st.IsDir():
		return usageError("“%s”是一个文件，不是文件夹：请给出工作文件夹（放 taizhang.yaml 的文件夹）", dir)
	}
	return nil
}

// hereHint names the current folder, against which a relative path was
// looked up.
func hereHint() string {
	if wd, err := os.Getwd(); err == nil {
		return "（当前所在的文件夹是 " + wd + "）"
	}
	return ""
}

// needPaths fails, naming it, on the first path (a workbook or a folder)
// that does not exist.
func needPaths(paths []string) error {
	for _, p := range paths {
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			if intake.IsWorkbookName(filepath.Base(p)) {
				return usageError("找不到文件“%s”：请检查路径是否正确%s", p, hereHint())
			}
			return needFolder(p)
		}
	}
	return nil
}

// configWarnings prints what reading taizhang.yaml guessed (a full-width
// colon, a GBK-saved file), one line each, on stderr.
func configWarnings(s *Streams, cfg *config.Config) {
	if cfg == nil {
		return
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintln(s.Err, w)
	}
}
