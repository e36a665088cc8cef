package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/workspace"
)

// InitOptions are the flags and arguments of `taizhang init`.
type InitOptions struct {
	Dir        string
	FromConfig string
	Quiet      bool
}

// NewCmdInit builds `taizhang init`. runF replaces the work in tests.
func NewCmdInit(s *Streams, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{}
	cmd := &cobra.Command{
		Use:   "init [--from-config 配置文件] 文件夹",
		Short: "新建一轮整改台账的工作文件夹（配置、收件箱、输出、通报正文、空白台账）",
		Long: `新建工作文件夹，其中有：
  taizhang.yaml   配置文件（带中文说明），写明镇名、公开日期、各村（社区）及党组织名称
  收件箱/         各村（社区）报来的台账放在这里
  输出/           生成的汇总台账、通报、回执、退回件都在这里
  通报正文.docx   通报正文的框架（一、至四、四个部分），用 WPS 或 Word 填写；
                  数字写成【完成率】这样的占位符（taizhang fields 列出全部）
  空白台账/       每个村（社区）一份空白台账，发给各村填写

不加 --from-config 时，配置文件里是两个示例村（社区），请按本镇实际修改，
改好后运行 taizhang template --all -o 空白台账 --force 重新生成空白台账（覆盖按示例村生成的表格）。
加 --from-config 时，镇名、日期和各村（社区）取自已有的配置文件（例如上一轮的）。
文件夹里已有的文件一律保留，不会覆盖。`,
		Example: `  taizhang init 第六轮巡察整改
  taizhang init 第七轮 --from-config 第六轮巡察整改/taizhang.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if runF != nil {
				return runF(opts)
			}
			return runInit(s, opts)
		},
	}
	cmd.Flags().StringVar(&opts.FromConfig, "from-config", "", "沿用这个配置文件中的镇名、日期和各村（社区）")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "只在出错时输出")
	cmd.Flags().BoolP("help", "h", false, "显示帮助")
	return cmd
}

func runInit(s *Streams, opts *InitOptions) error {
	var from *config.Config
	if opts.FromConfig != "" {
		c, err := config.Load(opts.FromConfig)
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		from = c
	}
	res, err := workspace.Init(opts.Dir, workspace.InitOptions{From: from})
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if opts.Quiet {
		return nil
	}
	fmt.Fprintf(s.Out, "工作文件夹：%s\n", displayPath(opts.Dir))
	for _, p := range res.Created {
		fmt.Fprintf(s.Out, "  新建  %s\n", p)
	}
	for _, p := range res.Kept {
		fmt.Fprintf(s.Out, "  保留  %s（已存在，未改动）\n", p)
	}
	fmt.Fprintln(s.Out, "\n接下来：")
	step := 1
	if from == nil {
		fmt.Fprintf(s.Out, "  %d. 打开 taizhang.yaml，把示例改成本镇的镇名、日期和各村（社区）党组织名称；\n", step)
		step++
		fmt.Fprintf(s.Out, "  %d. 运行 taizhang template --all -o 空白台账 --force，按新的村（社区）名单重新生成空白台账；\n", step)
		step++
	}
	fmt.Fprintf(s.Out, "  %d. 把“空白台账”里的表发给各村（社区）填写，收回后放进“收件箱”；\n", step)
	fmt.Fprintf(s.Out, "  %d. 在工作文件夹里运行 taizhang serve（Windows 上双击 taizhang.exe 即可），浏览器里打开工作台，自动检查、回执和更新通报；只想用命令行窗口时运行 taizhang watch。\n", step+1)
	fmt.Fprintln(s.Out, "详细步骤见 docs/工作流程.md。")
	return nil
}
