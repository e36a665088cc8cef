package cli

import (
	"fmt"
	"strings"
)

// progress shows the build's steps: a redrawn bar on a terminal, nothing
// when stdout is a file or a pipe (logs stay clean).
type progress struct {
	s    *Streams
	last string
}

func newProgress(s *Streams) *progress { return &progress{s: s} }

func (p *progress) step(name string, done, total int) {
	if !p.s.OutTerminal {
		return
	}
	line := name + "……"
	if total > 0 {
		const width = 30
		filled := width * done / total
		line = fmt.Sprintf("%s [%s%s] %d/%d", name, strings.Repeat("█", filled), strings.Repeat("░", width-filled), done, total)
	}
	if line == p.last {
		return
	}
	p.last = line
	fmt.Fprintf(p.s.Err, "\r\033[K%s", line)
	if name == "写入输出" {
		fmt.Fprint(p.s.Err, "\r\033[K")
	}
}
