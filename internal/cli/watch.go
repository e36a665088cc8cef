package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/taizhang/taizhang/internal/check"
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
每件事在屏幕上记一行。同一个工作文件夹只能有一个 watch 在运行。
程序的锁和记录都放在输出文件夹里，不写进收件箱（收件箱可以是共享文件夹）；
只有归档旧文件时，才会把它从收件箱移走。`,
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
	ctx, stop := untilStopped(ctx)
	defer stop()
	cfg, err := loadWorkspaceConfig(opts.ConfigPath, opts.Dir)
	if err != nil {
		return err
	}
	configWarnings(s, cfg)
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

// untilStopped is ctx (the background when nil) cancelled by Ctrl+C or
// SIGTERM: how watch and serve, which run until the clerk stops them, end.
func untilStopped(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx == nil {
		ctx = context.Background()
	}
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}

// watchLock is the lock file of a workspace's watch, in its state folder:
// never in the inbox, which may be a read-only share.
const watchLock = "watch.lock"

// newDesk takes the workspace's watch lock and wires a Watcher and a Desk to the
// checks and the build. release gives the lock back.
func newDesk(cfg *config.Config, log io.Writer, interval time.Duration) (*watch.Watcher, *watch.Desk, func(), error) {
	inbox := cfg.InboxDir()
	lock, err := output.Acquire(filepath.Join(cfg.StateDir(), watchLock), inbox, watchLockName)
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
		State:      cfg.StateDir(),
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

// checkOne checks one workbook on its own, as the build will: the file's
// own report, with every per-file rule check applies ("village missing" is
// about the others and is not in it).
func checkOne(cfg *config.Config, path string) (*watch.Verdict, error) {
	rep, _, err := pipeline.CheckKept([]string{path}, cfg, checkAsOf(cfg))
	if err != nil {
		return nil, explained(err)
	}
	v := &watch.Verdict{Items: rep.Items, JSON: fileJSON(rep)}
	if f := rep.File(path); f != nil {
		v.Village, v.Diagnostics = f.Village, f.Diagnostics
	}
	return v, nil
}

// fileJSON is the one file's entry of check --json, from check's own
// writer.
func fileJSON(rep *check.Report) json.RawMessage {
	b, err := json.Marshal(rep.JSON())
	if err != nil {
		return nil
	}
	var doc struct {
		Files []json.RawMessage `json:"files"`
	}
	if json.Unmarshal(b, &doc) != nil || len(doc.Files) == 0 {
		return nil
	}
	return doc.Files[0]
}

// buildAccepted rebuilds the outputs from the accepted files only: rejected
// files stay in the inbox untouched for the clerk, and must not stop the
// notice from showing everyone else's progress. The build reads exactly
// those files, named in the manifest where they lie.
func buildAccepted(ctx context.Context, cfg *config.Config, files []string) (string, error) {
	res, err := buildFiles(ctx, cfg, files, nil)
	if err != nil {
		return "", explained(err) // the desk logs it as it is
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
		relWorkspace(cfg, res.OutDir), len(res.Report.Files), len(cfg.Villages), t.Tasks, t.Done, t.RateText()), nil
}

// buildFiles builds the outputs from the given inbox files only (the web
// desk's 生成 button uses it too), telling progress its steps when set.
func buildFiles(ctx context.Context, cfg *config.Config, files []string, progress func(string, int, int)) (*pipeline.Result, error) {
	if files == nil {
		files = []string{} // none accepted: not the whole inbox (nil)
	}
	return pipeline.Build(ctx, pipeline.Options{Config: cfg, Inputs: files, AsOf: checkAsOf(cfg), Progress: progress})
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
