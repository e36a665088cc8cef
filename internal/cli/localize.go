package cli

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/rivo/uniseg"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// usageTemplate is cobra's default usage text, in Chinese.
const usageTemplate = `用法：{{if .Runnable}}
  {{useLineZh .}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [命令]{{end}}{{if gt (len .Aliases) 0}}

别名：
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

示例：
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

命令：{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

选项：
{{flagUsagesZh .LocalFlags}}{{end}}{{if .HasAvailableInheritedFlags}}

通用选项：
{{flagUsagesZh .InheritedFlags}}{{end}}{{if .HasHelpSubCommands}}

其他帮助主题：{{range .Commands}}{{if .IsAdditionalHelpTopicCommand}}
  {{rpad .CommandPath .CommandPathPadding}} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableSubCommands}}

查看某个命令的说明：{{.CommandPath}} [命令] --help{{end}}
`

func init() {
	cobra.AddTemplateFunc("useLineZh", useLineZh)
	cobra.AddTemplateFunc("flagUsagesZh", flagUsagesZh)
}

// useLineZh is the command's usage line with cobra's "[flags]" in Chinese.
func useLineZh(c *cobra.Command) string {
	return strings.Replace(c.UseLine(), "[flags]", "[选项]", 1)
}

// valueNames say what a flag's value is, where pflag would print its Go
// type ("string", "duration").
var valueNames = map[string]string{
	"as-of": "日期", "today": "日期", "config": "文件", "from-config": "文件",
	"out": "文件夹", "since": "文件", "from": "文件", "village": "村名",
	"output": "文件或文件夹", "interval": "时长", "addr": "地址", "port": "端口",
}

var typeNames = map[string]string{
	"string": "文字", "duration": "时长", "int": "数字", "uint": "数字", "float64": "数字",
	"stringSlice": "文字", "stringArray": "文字", "intSlice": "数字",
}

// flagUsagesZh lists a command's flags as pflag's FlagUsages does, with
// the value's name and the default in Chinese: "--interval 时长 …（默认 2 秒）".
func flagUsagesZh(fs *pflag.FlagSet) string {
	type row struct{ left, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		left := "      --" + f.Name
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			left = "  -" + f.Shorthand + ", --" + f.Name
		}
		if t := f.Value.Type(); t != "bool" {
			name := valueNames[f.Name]
			if name == "" {
				name = typeNames[t]
			}
			if name == "" {
				name = "值"
			}
			left += " " + name
		}
		usage := f.Usage
		if d := defaultText(f); d != "" {
			usage += "（默认 " + d + "）"
		}
		if w := uniseg.StringWidth(left); w > width {
			width = w
		}
		rows = append(rows, row{left, usage})
	})
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(r.left)
		// Pad by display width: a Chinese value name takes two columns of
		// a console, so the descriptions line up.
		b.WriteString(strings.Repeat(" ", width-uniseg.StringWidth(r.left)+3))
		b.WriteString(r.usage)
	}
	return b.String()
}

// defaultText is a flag's default worth showing, in Chinese; "" when it is
// the zero value (or the usage already says it).
func defaultText(f *pflag.Flag) string {
	switch f.Value.Type() {
	case "bool":
		return ""
	case "duration":
		if d, err := time.ParseDuration(f.DefValue); err == nil && d != 0 {
			return chineseDuration(d)
		}
		return ""
	}
	if f.DefValue == "" || f.DefValue == "0" || f.DefValue == "[]" || strings.Contains(f.Usage, "默认") {
		return ""
	}
	return f.DefValue
}

// localize puts cobra's built-in texts into Chinese: usage, help, version
// and the completion command.
func localize(root *cobra.Command) {
	root.SetUsageTemplate(usageTemplate)
	// Suggestions for a mistyped command are made in Chinese, by
	// translateCobraError from root.SuggestionsFor.
	root.DisableSuggestions = true
	root.SuggestionsMinimumDistance = 2
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
				c.Printf("没有“%s”这个命令。\n", strings.Join(args, " "))
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
				sub.Long = "生成 " + sub.Name() + " 的命令行自动补全脚本，输出到屏幕。"
				sub.Flags().BoolP("help", "h", false, "显示帮助")
				if f := sub.Flags().Lookup("no-descriptions"); f != nil {
					f.Usage = "不显示补全项的说明"
				}
			}
		}
	}
}

var (
	unknownCommandRe = regexp.MustCompile(`^unknown command "([^"]*)" for "([^"]*)"`)
	invalidArgRe     = regexp.MustCompile(`^invalid argument "([^"]*)" for "([^"]*)" flag: (.*)$`)
	shorthandRe      = regexp.MustCompile(`'(.)' in -(\S+)`)
	argCountRe       = regexp.MustCompile(`^(accepts at most|requires at least|accepts|accepts between) (\d+)(?: and (\d+))? arg\(s\), (?:only )?received (\d+)$`)
)

// translateCobraError turns cobra's and pflag's English parse errors into
// Chinese, suggesting the nearest command for a mistyped one.
func translateCobraError(root *cobra.Command, err error) string {
	msg := strings.TrimSpace(err.Error())
	if m := unknownCommandRe.FindStringSubmatch(msg); m != nil {
		out := fmt.Sprintf("未知的命令“%s”", m[1])
		if sug := root.SuggestionsFor(m[1]); len(sug) > 0 {
			out += fmt.Sprintf("。是不是要用“%s”？", strings.Join(sug, "”或“"))
		}
		return out
	}
	if m := invalidArgRe.FindStringSubmatch(msg); m != nil {
		out := fmt.Sprintf("选项 %s 的取值“%s”无效", m[2], m[1])
		switch {
		case strings.Contains(m[3], "duration"):
			out += "：时长请写成 2s（2 秒）、500ms（500 毫秒）或 1m（1 分钟）"
		case strings.Contains(m[3], "ParseBool"):
			out += "：只能是 true 或 false"
		case strings.Contains(m[3], "ParseInt") || strings.Contains(m[3], "ParseUint"):
			out += "：请写一个整数"
		}
		return out
	}
	if m := argCountRe.FindStringSubmatch(msg); m != nil {
		switch m[1] {
		case "accepts at most":
			return fmt.Sprintf("参数太多：最多 %s 个，实际给了 %s 个", m[2], m[4])
		case "requires at least":
			return fmt.Sprintf("参数太少：至少 %s 个，实际只有 %s 个", m[2], m[4])
		case "accepts between":
			return fmt.Sprintf("参数个数不对：应为 %s 到 %s 个，实际给了 %s 个", m[2], m[3], m[4])
		}
		return fmt.Sprintf("参数个数不对：应为 %s 个，实际给了 %s 个", m[2], m[4])
	}
	for _, r := range []struct{ en, zh string }{
		{"unknown shorthand flag: ", "未知的选项："},
		{"unknown flag: ", "未知的选项："},
		{"flag needs an argument: ", "这个选项后面要写取值："},
		{"bad flag syntax: ", "选项的写法不对："},
	} {
		if rest, ok := strings.CutPrefix(msg, r.en); ok {
			if m := shorthandRe.FindStringSubmatch(rest); m != nil {
				rest = "-" + m[1]
			}
			return r.zh + rest
		}
	}
	if rest, ok := strings.CutPrefix(msg, "unknown command "); ok {
		return "未知的命令：" + rest
	}
	return msg
}
