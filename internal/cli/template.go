package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/form"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/output"
)

// TemplateOptions are the flags of `taizhang template`.
type TemplateOptions struct {
	ConfigPath string
	Village    string
	All        bool
	From       string
	Output     string
	Force      bool // replace files that already exist
	Quiet      bool
}

// NewCmdTemplate builds `taizhang template`. runF replaces the work in tests.
func NewCmdTemplate(s *Streams, runF func(*TemplateOptions) error) *cobra.Command {
	opts := &TemplateOptions{}
	cmd := &cobra.Command{
		Use:   "template [--village 村名 | --all] [--from 汇总台账.json] -o 文件",
		Short: "生成发给各村（社区）填写的台账表格（可带上一轮的内容）",
		Long: `生成村（社区）填写用的整改台账工作簿：
  表头与全镇汇总一致，已锁定（数据区可以自由填写、插入行）；
  “整改状态”有下拉列表（已完成、基本完成、持续整改、长期坚持）；
  “完成时间”只能填日期；另有“填表说明”工作表；已设置列宽和打印格式（A4 横向）。
  标题和“填报单位”写好了该村（社区）党组织的名称（取自配置文件）。
加 --from 输出/汇总台账.json 时，表中预先填好该村（社区）上次汇总的全部任务，
各村只需更新进展、状态和完成时间，不必重新录入。
--all 为配置中的每个村（社区）各生成一份，-o 为文件夹。
已有同名文件时不生成、不覆盖（那可能是村里交回的台账），除非加 --force。`,
		Example: `  taizhang template --village 大布村 -o 大布村整改台账.xlsx
  taizhang template --village 大布村 --from 输出/汇总台账.json -o 下发/大布村整改台账.xlsx
  taizhang template --all --from 输出/汇总台账.json -o 下发`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runTemplate(s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.ConfigPath, "config", "", "配置文件（默认：当前文件夹中的 taizhang.yaml）")
	f.StringVar(&opts.Village, "village", "", "村（社区）名称，须与配置文件中的一致")
	f.BoolVar(&opts.All, "all", false, "为每个村（社区）各生成一份")
	f.StringVar(&opts.From, "from", "", "上次生成的 汇总台账.json：预先填好该村（社区）的任务")
	f.StringVarP(&opts.Output, "output", "o", "", "输出文件（--all 时为文件夹；默认：<村名>整改台账.xlsx）")
	f.BoolVar(&opts.Force, "force", false, "覆盖已有的同名文件")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "只在出错时输出")
	f.BoolP("help", "h", false, "显示帮助")
	return cmd
}

func runTemplate(s *Streams, opts *TemplateOptions) error {
	cfg, err := config.Find(opts.ConfigPath, ".")
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if opts.All && opts.Village != "" {
		return usageError("--all 和 --village 只能用一个")
	}
	if opts.All && cfg == nil {
		return usageError("--all 需要配置文件（taizhang.yaml）中的村（社区）名单：请在工作文件夹中运行，或用 --config 指定")
	}
	if opts.From != "" && !opts.All && opts.Village == "" {
		return usageError("--from 需要用 --village 指定村（社区），或用 --all 为每个村（社区）各生成一份")
	}
	var items []ledger.Item
	if opts.From != "" {
		snap, err := compare.LoadSnapshot(opts.From)
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		items = snap.Items
	}
	round := ""
	if cfg != nil {
		round = cfg.Round
	}

	var villages []ledger.Village
	switch {
	case opts.All:
		villages = cfg.Villages
	case opts.Village != "":
		v := ledger.Village{Name: opts.Village}
		if cfg != nil {
			cv, ok := cfg.Village(opts.Village)
			if !ok {
				return usageError("配置文件中没有村（社区）“%s”：现有 %s", opts.Village, villageNames(cfg))
			}
			v = cv
		}
		villages = []ledger.Village{v}
	default:
		villages = []ledger.Village{{}} // a blank form for anyone
	}

	paths := make([]string, len(villages))
	for i, v := range villages {
		path := opts.Output
		switch {
		case opts.All:
			if path == "" {
				path = "."
			}
			path = filepath.Join(path, form.FileName(v.Name))
		case path == "":
			path = form.FileName(v.Name)
		}
		paths[i] = path
	}
	if err := refuseExisting(paths, opts.Force); err != nil {
		return err
	}
	for i, v := range villages {
		path := paths[i]
		mine := form.VillageItems(items, v.Name)
		o := form.Options{Village: v, Round: round, Items: mine}
		if err := output.WriteFile(path, func(w io.Writer) error { return form.Write(w, o) }); err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		if opts.Quiet {
			continue
		}
		switch {
		case opts.From != "" && len(mine) == 0:
			fmt.Fprintf(s.Out, "%s：%s 中没有%s的任务，生成的是空白表。\n", displayPath(path), filepath.Base(opts.From), v.Name)
		case opts.From != "":
			fmt.Fprintf(s.Out, "%s：已填入%s上次汇总的 %d 项任务。\n", displayPath(path), v.Name, len(mine))
		default:
			fmt.Fprintf(s.Out, "%s：空白台账。\n", displayPath(path))
		}
	}
	return nil
}

// refuseExisting is the usage error for forms that would replace a file
// already there (a village's returned ledger in the inbox, most likely),
// unless force, or a folder; checked before anything is written, nil when
// every path is free.
func refuseExisting(paths []string, force bool) error {
	var taken []string
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return usageError("“%s”是一个文件夹：-o 请写出文件名，如 %s；为每个村（社区）各生成一份请用 --all", displayPath(p), filepath.Join(displayPath(p), form.FileName("大布村")))
		}
		if _, err := os.Lstat(p); err == nil {
			taken = append(taken, "“"+displayPath(p)+"”")
		}
	}
	if len(taken) == 0 || force {
		return nil
	}
	return usageError("%s 已经存在，没有生成（不覆盖已有的文件，它可能是村里交回的台账）。请换一个文件夹或文件名；确实要覆盖，加 --force", strings.Join(taken, "、"))
}

func villageNames(cfg *config.Config) string {
	names := make([]string, len(cfg.Villages))
	for i, v := range cfg.Villages {
		names[i] = v.Name
	}
	return strings.Join(names, "、")
}
