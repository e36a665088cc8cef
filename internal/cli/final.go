package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/ledger"
)

// FinalDirPrefix starts the dated folder of the published set:
// 输出/公开-2025-09-12/.
const FinalDirPrefix = "公开-"

// FinalDir is where build --final writes: a folder named for the
// disclosure date (the as-of day when the config has none) under out.
func FinalDir(cfg *config.Config, out string, asOf ledger.Date) string {
	if out == "" {
		out = cfg.OutDir()
	}
	day := cfg.Disclosure.Date
	if day.IsZero() {
		day = asOf
	}
	return filepath.Join(out, FinalDirPrefix+day.String())
}

// runFinal is build --final: the disclosure-day build. It refuses unless
// every configured village is in with no error and no unacknowledged
// personal data, and nothing init laid out for the clerk to replace is
// left (workspace.FinalRefusals), then writes the whole set into the dated folder. The same
// inputs give the same bytes, so re-running it changes nothing.
func runFinal(ctx context.Context, s *Streams, opts *BuildOptions, cfg *config.Config, asOf ledger.Date) error {
	st, _, err := inboxStatus(cfg, asOf)
	if err != nil {
		return err
	}
	why := st.Refusals
	if len(why) > 0 {
		if opts.JSON {
			// A program reading stdout gets one document here too.
			reasons := make([]string, len(why))
			for i, w := range why {
				reasons[i] = strings.TrimSpace(w)
			}
			if err := writeJSONTo(s.Out, map[string]any{"ok": false, "final": false, "refused": reasons}); err != nil {
				return err
			}
		}
		fmt.Fprintln(s.Err, "不能生成公开版：")
		for _, w := range why {
			if strings.HasPrefix(w, "    ") {
				fmt.Fprintln(s.Err, w)
				continue
			}
			fmt.Fprintf(s.Err, "  · %s\n", w)
		}
		fmt.Fprintln(s.Err, "处理好以后再运行 taizhang build --final。平时的工作版可以照常用 taizhang build 生成。")
		return problems()
	}
	if _, err := buildAndReport(ctx, s, opts, cfg, asOf, FinalDir(cfg, opts.OutDir, asOf), "公开版"); err != nil {
		return err
	}
	if !opts.Quiet && !opts.JSON {
		fmt.Fprintf(s.Out, "\n这是公开版（%s公开）。manifest.json 记有每个文件的校验值；同样的台账再运行一次，文件逐字节相同。\n", cfg.Disclosure.Date.Chinese())
	}
	return nil
}
