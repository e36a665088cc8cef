// Package cli holds Taizhang's commands. Each command is a small function:
// NewCmdX parses flags into an options struct, and runX does the work,
// writing to Streams, so tests can call it without cobra or a terminal.
package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes shared by every command.
const (
	ExitOK       = 0 // done; warnings allowed
	ExitProblems = 1 // the input has errors (or --final refused)
	ExitUsage    = 2 // the command itself could not run: bad flags, unreadable config
)

// ExitError carries an exit code out of a command. Its message, when not
// empty, is printed to stderr.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return ""
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// problems ends a command with exit 1 and no further message (the
// diagnostics were already printed).
func problems() error { return &ExitError{Code: ExitProblems} }

// usageError ends a command with exit 2 and a message.
func usageError(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// dirArg is the workspace folder a command was given, "." when none.
func dirArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "."
}

// NewRootCmd builds the taizhang command tree.
func NewRootCmd(s *Streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "taizhang",
		Short: "台账：核对、汇总各村（社区）巡察整改台账，生成汇总表和公开通报",
		Long: `台账（taizhang）帮助镇党委核对各村（社区）报来的巡察整改台账：
  检查格式和内容（错误和警告分开列出，指到具体单元格），
  汇总成全镇整改台账和统计表，
  按党政机关公文格式生成通报和各村台账的 PDF，供公开公示。`,
		Version:       versionText(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetIn(s.In)
	root.AddCommand(
		NewCmdCheck(s, nil),
		NewCmdBuild(s, nil),
		NewCmdInit(s, nil),
		NewCmdTemplate(s, nil),
		NewCmdWatch(s, nil),
		NewCmdServe(s, nil),
		NewCmdStatus(s, nil),
		NewCmdFields(s),
		NewCmdVersion(s),
	)
	localize(root) // after the commands: cobra adds `completion` only to a root that has some
	return root
}

// Main runs the command line and returns the process exit code.
func Main(args []string, s *Streams) int {
	root := NewRootCmd(s)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintln(s.Err, "taizhang:", explain(ee.Err))
		}
		return ee.Code
	}
	// cobra's own errors (unknown command, bad flag, wrong argument count),
	// or a command's plain error, whose system part explain translates.
	msg := translateCobraError(root, err)
	if msg == strings.TrimSpace(err.Error()) {
		msg = explain(err)
	}
	fmt.Fprintln(s.Err, "taizhang:", msg)
	fmt.Fprintln(s.Err, "用法请看：taizhang --help")
	return ExitUsage
}
