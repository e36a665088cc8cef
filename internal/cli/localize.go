package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// usageTemplate is cobra's default usage text, in Chinese.
const usageTemplate = `用法：{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [命令]{{end}}{{if gt (len .Aliases) 0}}

别名：
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

示例：
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

命令：{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

选项：
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

通用选项：
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasHelpSubCommands}}

其他帮助主题：{{range .Commands}}{{if .IsAdditionalHelpTopicCommand}}
  {{rpad .CommandPath .CommandPathPadding}} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableSubCommands}}

查看某个命令的说明：{{.CommandPath}} [命令] --help{{end}}
`

// localize puts cobra's built-in texts into Chinese: usage, help, version
// and the completion command.
func localize(root *cobra.Command) {
	root.SetUsageTemplate(usageTemplate)
	root.SetVersionTemplate("台账（taizhang）版本 {{.Version}}\n")
	root.Flags().BoolP("help", "h", false, "显示帮助")
	root.Flags().BoolP("version", "v", false, "显示版本号")
	root.PersistentFlags().BoolP("help", "h", false, "显示帮助")
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [命令]",
		Short: "显示某个命令的帮助",
		Run: func(c *cobra.Command, args []string) {
			cmd, _, e := c.Root().Find(args)
			if cmd == nil || e != nil {
				c.Printf("未知的命令：%q\n", args)
				c.Root().Usage()
				return
			}
			cmd.Help()
		},
	})
	root.CompletionOptions.HiddenDefaultCmd = false
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Short = "生成命令行自动补全脚本（bash、zsh、fish、powershell）"
			c.Long = "生成命令行自动补全脚本。例如在 bash 中：source <(taizhang completion bash)"
			for _, sub := range c.Commands() {
				sub.Short = "生成 " + sub.Name() + " 的自动补全脚本"
				sub.Flags().BoolP("help", "h", false, "显示帮助")
				if f := sub.Flags().Lookup("no-descriptions"); f != nil {
					f.Usage = "不显示补全项的说明"
				}
			}
		}
	}
}

// translateCobraError turns cobra's English parse errors into Chinese.
func translateCobraError(err error) string {
	msg := err.Error()
	repl := []struct{ en, zh string }{
		{"unknown command", "未知的命令"},
		{"unknown flag", "未知的选项"},
		{"unknown shorthand flag", "未知的选项"},
		{"flag needs an argument", "选项缺少取值"},
		{"invalid argument", "选项取值无效"},
		{"accepts at most", "参数太多，最多接受"},
		{"requires at least", "参数太少，至少需要"},
		{"accepts", "参数个数不对，应为"},
		{" arg(s), only received ", " 个参数，实际只有 "},
		{" arg(s), received ", " 个参数，实际给了 "},
		{" for \"", "：“"},
	}
	for _, r := range repl {
		msg = strings.ReplaceAll(msg, r.en, r.zh)
	}
	return msg
}
