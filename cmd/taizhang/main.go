// Command taizhang checks the rectification ledgers (整改台账) villages send to
// the town, consolidates them, and writes the summary workbook and the
// notices in the official document layout.
//
// On Windows, double-clicking taizhang.exe in a workspace folder (no
// arguments, a console window of its own) starts `taizhang serve` in the
// exe's folder — the desk opens in the browser, and the console says its
// address and how to stop — and keeps the window open when it ends, instead
// of printing the help into a window that closes at once.
package main

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/taizhang/taizhang/internal/cli"
)

func main() {
	limitMemory()
	setupConsole()
	args := os.Args[1:]
	s := cli.System()
	if len(args) == 0 && launchedFromExplorer() {
		code := cli.Main(doubleClickArgs(), s)
		s.Err.Write([]byte("\n按回车键关闭窗口……"))
		bufio.NewReader(os.Stdin).ReadString('\n')
		os.Exit(code)
	}
	os.Exit(cli.Main(args, s))
}

// doubleClickArgs runs serve (the desk, which also watches the inbox) in
// the folder holding the exe: that is where the clerk put it, next to
// taizhang.yaml.
func doubleClickArgs() []string {
	dir := "."
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		dir = filepath.Dir(exe)
	}
	return []string{"serve", dir}
}

// softMemoryLimit is the memory the Go runtime collects garbage to stay
// under, unless GOMEMLIMIT says otherwise. Left alone, the heap of a build
// grows to about twice what it holds live: for 2,000 villages × 100 tasks
// (about 400 MiB live) that peaked at 1.1 GiB; under this limit at about
// 730 MiB, within the machine's noise of the time without it
// (docs/benchmarks.md).
// A town whose live data stays under it — every town up to several hundred
// villages — runs exactly as without it. It is a soft limit: a bigger town
// still builds, with the collector working harder.
const softMemoryLimit = 700 << 20

// limitMemory sets softMemoryLimit, unless the environment set a limit of
// its own (GOMEMLIMIT, which the runtime has applied already).
func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
}
