package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/intake"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/output"
	"github.com/taizhang/taizhang/internal/pipeline"
	"github.com/taizhang/taizhang/internal/watch"
	"github.com/taizhang/taizhang/internal/workspace"
)

// WatchOptions are the flags and arguments of `taizhang watch`.
type WatchOptions struct {
	Dir        string
	ConfigPath string
	Interval   time.Duration
	Quiet      bool
}

// NewCmdWatch builds `taizhang watch`. runF replaces the work in tests.
func NewCmdWatch(s *Streams, runF func(*WatchOptions) error) *cobra.Command {
	opts := &WatchOptions{}
	cmd := &cobra.Command{
		Use:   "watch [文件夹]",
		Short: "监视收件箱：收到台账就检查、回执、退回或更新通报（按 Ctrl+C 停止）",
		Long: `监视工作文件夹的收件箱，各村（社区）的台账一放进来就处理：
  文件写完（大小和修改时间稳定、能完整打开）后才处理，正在复制的不会被读到一半；
  合格的：在 输出/回执/ 写一份回执（村名、任务数、警告），并重新生成汇总台账和通报；
  有错误的：在 输出/退回/ 放一份标注好的工作簿（出错的单元格标红并加批注）和退回说明，
          收件箱里的原文件原样保留；
  同一个村（社区）交来新的合格台账时，旧文件移到 输出/归档/（不会删除）。
几个文件同时放进来时，等它们都处理完才重新生成一次。
每件事在屏幕上记一行。同一个收件箱只能有一个 watch 在运行。`,
		Example: `  taizhang watch
  taizhang watch 第六轮巡察整改`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Dir = dirArg(args)
			if runF != nil {
				return runF(opts)
			}
			return runWatch(c.Context(), s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.ConfigPath, "config", "", "配置文件（默认：文件夹中的 taizhang.yaml）")
	f.DurationVar(&opts.Interval, "interval", watch.DefaultInterval, "多久查看一次收件箱（网络共享文件夹没有变动通知，靠定时查看）")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "不显示开始和停止的提示")
	f.BoolP("help", "h", false, "显示帮助")
	return cmd
}

// watchLockName says who holds the inbox.
const watchLockName = "台账监视（taizhang watch）"

func runWatch(ctx context.Context, s *Streams, opts *WatchOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := loadWorkspaceConfig(opts.ConfigPath, opts.Dir)
	if err != nil {
		return err
	}
	w, d, release, err := newDesk(cfg, s.Out, opts.Interval)
	if err != nil {
		return err
	}
	defer release()
	if !opts.Quiet {
		fmt.Fprintf(s.Out, "%s 开始监视收件箱 %s（每 %s查看一次），按 Ctrl+C 停止。\n",
			time.Now().Format("15:04"), relWorkspace(cfg, cfg.InboxDir()), chineseDuration(w.Interval))
	}
	err = watch.Serve(ctx, w, d)
	if !opts.Quiet {
		fmt.Fprintf(s.Out, "%s 已停止监视。\n", time.Now().Format("15:04"))
	}
	return err
}

// newDesk takes the inbox's lock and wires a Watcher and a Desk to the
// checks and the build. release gives the lock back.
func newDesk(cfg *config.Config, log io.Writer, interval time.Duration) (*watch.Watcher, *watch.Desk, func(), error) {
	inbox := cfg.InboxDir()
	lock, err := output.Acquire(inbox, watchLockName)
	if err != nil {
		if errors.Is(err, output.ErrLocked) {
			return nil, nil, nil, usageError("收件箱“%s”已经有一个 taizhang watch 在监视（可能在另一个窗口里），不能再开第二个。", relWorkspace(cfg, inbox))
		}
		return nil, nil, nil, &ExitError{Code: ExitUsage, Err: err}
	}
	if interval <= 0 {
		interval = watch.DefaultInterval
	}
	names := make([]string, len(cfg.Villages))
	for i, v := range cfg.Villages {
		names[i] = v.Name
	}
	w := &watch.Watcher{Dir: inbox, Interval: interval}
	d := &watch.Desk{
		OutDir:     cfg.OutDir(),
		Villages:   names,
		Check:      func(path string) (*watch.Verdict, error) { return checkOne(cfg, path) },
		Build:      func(ctx context.Context, files []string) (string, error) { return buildAccepted(ctx, cfg, files) },
		Log:        log,
		Quiet:      interval + interval/2,
		Rel:        func(p string) string { return relWorkspace(cfg, p) },
		IsWorkbook: intake.IsWorkbookName,
	}
	return w, d, lock.Release, nil
}

// checkOne checks one workbook on its own, as the build will: every rule
// that concerns the file; "village missing" is about the others and is left
// out.
func checkOne(cfg *config.Config, path string) (*watch.Verdict, error) {
	rep, err := pipeline.Check([]string{path}, cfg, checkAsOf(cfg))
	if err != nil {
		return nil, err
	}
	v := &watch.Verdict{Items: rep.Items}
	if len(rep.Files) > 0 {
		v.Village = rep.Files[0].Village
	}
	for _, d := range rep.Diagnostics {
		if d.Code != ledger.CodeMissingVillage {
			v.Diagnostics = append(v.Diagnostics, d)
		}
	}
	if len(v.Items) == 0 && v.Errors() == 0 {
		v.Diagnostics = append(v.Diagnostics, noTasks(filepath.Base(path)))
	}
	return v, nil
}

// noTasks is the error for a workbook that reads cleanly but holds no task:
// most often the blank form sent back.
func noTasks(name string) ledger.Diagnostic {
	return ledger.Diagnostic{Severity: ledger.Error, Code: ledger.CodeNoLedgerSheet, File: name,
		Message: "没有读到任何整改任务（是不是交回了空白表？），请填写后重新报送"}
}

// buildAccepted rebuilds the outputs from the accepted files only: rejected
// files stay in the inbox untouched for the clerk, and must not stop the
// notice from showing everyone else's progress. The files are linked (or
// copied) into a staging inbox under the out folder, and the build reads a
// copy of the config whose folder is the staging folder, so the manifest
// names them as a build of the real inbox would.
func buildAccepted(ctx context.Context, cfg *config.Config, files []string) (string, error) {
	res, err := buildFiles(ctx, cfg, files, nil)
	if err != nil {
		return "", err
	}
	if res.Errors() > 0 {
		for _, d := range res.Diagnostics {
			if d.Severity == ledger.Error {
				return "", fmt.Errorf("汇总时发现 %d 条错误，如 %s", res.Errors(), d.String())
			}
		}
	}
	t := res.Summary.Town
	return fmt.Sprintf("已更新 %s：已收 %d/%d 个村（社区），%d 项任务，已完成 %d 项，完成率 %s",
		relWorkspace(cfg, res.OutDir), len(res.Report.Files), len(cfg.Villages), t.Tasks, t.Done, t.Rate()), nil
}

// buildFiles builds the outputs from the given inbox files only (the web
// desk's 生成 button uses it too), telling progress its steps when set.
func buildFiles(ctx context.Context, cfg *config.Config, files []string, progress func(string, int, int)) (*pipeline.Result, error) {
	stage := filepath.Join(cfg.OutDir(), ".watch")
	scfg, inbox := stagedConfig(cfg, stage)
	if err := os.RemoveAll(inbox); err != nil {
		return nil, fmt.Errorf("无法清理暂存文件夹：%w", err)
	}
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := linkOrCopy(f, filepath.Join(inbox, filepath.Base(f))); err != nil {
			return nil, fmt.Errorf("无法暂存“%s”：%w", filepath.Base(f), err)
		}
	}
	pipeline.ToolVersion = Version
	return pipeline.Build(ctx, pipeline.Options{Config: scfg, OutDir: cfg.OutDir(), Progress: progress})
}

// stagedConfig copies cfg for a build whose inbox is under stage: every
// path the config resolves is made absolute first, since the copy's folder
// is the stage. It returns the copy and the staging inbox.
func stagedConfig(cfg *config.Config, stage string) (*config.Config, string) {
	c := *cfg
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	c.Out = abs(cfg.OutDir())
	c.Narrative = abs(cfg.NarrativePath())
	c.Templates = abs(cfg.TemplatesDir())
	for _, p := range []*string{&c.Fonts.Title, &c.Fonts.Body, &c.Fonts.Hei, &c.Fonts.Kai, &c.Fonts.Song} {
		if *p != "" {
			*p = abs(cfg.Resolve(*p))
		}
	}
	rel, err := filepath.Rel(cfg.Dir(), cfg.InboxDir())
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) {
		rel = "收件箱"
	}
	c.Inbox = rel
	c.Path = filepath.Join(abs(stage), config.FileName)
	return &c, filepath.Join(abs(stage), rel)
}

func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	return output.CopyFile(src, dst)
}

// relWorkspace shows a path relative to the workspace, with forward
// slashes: 输出/退回/大布村-已批注.xlsx.
func relWorkspace(cfg *config.Config, p string) string {
	if rel := workspace.Rel(cfg.Dir(), p); rel != "." {
		return rel
	}
	return "工作文件夹"
}

func chineseDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%d 秒", int(d/time.Second))
	}
	return fmt.Sprintf("%d 毫秒", d.Milliseconds())
}
