package cli

import (
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/taizhang/taizhang/internal/check"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pipeline"
	"github.com/taizhang/taizhang/internal/workspace"
)

// StatusOptions are the flags and arguments of `taizhang status`.
type StatusOptions struct {
	Dir        string
	ConfigPath string
	JSON       bool
	Today      string // for tests and rehearsals; default: today
}

// NewCmdStatus builds `taizhang status`. runF replaces the work in tests.
func NewCmdStatus(s *Streams, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{}
	cmd := &cobra.Command{
		Use:   "status [文件夹]",
		Short: "收件情况：哪些村（社区）已报送、哪些未报送、哪些被退回，离公开日期还有几天",
		Long: `检查收件箱里的全部台账，列出：
  已报送的村（社区）及任务数；
  未报送的村（社区）（催报名单）；
  被退回的文件和前几条错误；
  可能含有个人信息、还没有在配置中登记的警告；
  离公开日期还有几天。
各村都已报送、没有错误和未登记的个人信息时，提示可以运行 build --final。`,
		Example: `  taizhang status
  taizhang status 第六轮巡察整改 --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Dir = dirArg(args)
			if runF != nil {
				return runF(opts)
			}
			return runStatus(s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.ConfigPath, "config", "", "配置文件（默认：文件夹中的 taizhang.yaml）")
	f.BoolVar(&opts.JSON, "json", false, "输出 JSON，供其他程序读取")
	f.StringVar(&opts.Today, "today", "", "按哪一天计算（格式 2025-09-10，默认今天）")
	f.MarkHidden("today")
	f.BoolP("help", "h", false, "显示帮助")
	return cmd
}

func runStatus(s *Streams, opts *StatusOptions) error {
	cfg, err := loadWorkspaceConfig(opts.ConfigPath, opts.Dir)
	if err != nil {
		return err
	}
	configWarnings(s, cfg)
	today, err := parseAsOf(opts.Today, ledger.DateOf(time.Now()))
	if err != nil {
		return err
	}
	st, _, err := inboxStatus(cfg, today)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSONTo(s.Out, st)
	}
	st.Print(s.Out)
	return nil
}

// inboxStatus checks every workbook in the inbox together, as a build
// would, and works out where each village stands. It also returns the
// number of errors found.
func inboxStatus(cfg *config.Config, today ledger.Date) (*workspace.Status, int, error) {
	inbox := cfg.InboxDir()
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		return nil, 0, &ExitError{Code: ExitUsage, Err: err}
	}
	rep, _, err := pipeline.CheckKept([]string{inbox}, cfg, checkAsOf(cfg))
	if err != nil {
		return nil, 0, &ExitError{Code: ExitUsage, Err: err}
	}
	subs := submissions(rep)
	st := workspace.Compute(cfg, subs, today)
	if fi, err := os.Stat(filepath.Join(cfg.OutDir(), pipeline.WorkbookName)); err == nil {
		t := fi.ModTime()
		st.LastBuild = &t
	}
	if err := st.Refuse(cfg, rep.Errors()); err != nil {
		return nil, 0, err
	}
	return st, rep.Errors(), nil
}

// submissions takes each file's verdict from the check report as it is:
// check keeps diagnostics per file, so status judges every file as check,
// build and watch do.
func submissions(rep *check.Report) []workspace.Submission {
	var subs []workspace.Submission
	add := func(f check.FileReport) {
		sub := workspace.Submission{Path: f.Path, Name: f.Name, Village: f.Village, Villages: f.File.Villages(),
			Tasks: f.Items, Unread: f.Unread, Diagnostics: f.Diagnostics}
		for _, u := range f.Sheets {
			if u.Read && u.Village != "" {
				if sub.ByVillage == nil {
					sub.ByVillage = map[string]int{}
				}
				sub.ByVillage[u.Village] += u.Tasks
			}
		}
		if sub.Diagnostics == nil {
			sub.Diagnostics = []ledger.Diagnostic{}
		}
		if fi, err := os.Stat(f.Path); err == nil {
			sub.Modified = fi.ModTime()
		}
		subs = append(subs, sub)
	}
	for _, f := range rep.Files {
		add(f)
	}
	for _, f := range rep.Unread {
		add(f)
	}
	return subs
}
