package cli

import (
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// Streams are where a command reads and writes, so tests can drive commands
// without a terminal.
type Streams struct {
	In          io.Reader
	Out         io.Writer
	Err         io.Writer
	OutTerminal bool // stdout is an interactive terminal: progress bars are welcome
}

// System returns the process's own standard streams.
func System() *Streams {
	return &Streams{
		In:          os.Stdin,
		Out:         os.Stdout,
		Err:         os.Stderr,
		OutTerminal: isatty.IsTerminal(os.Stdout.Fd()) || isatty.IsCygwinTerminal(os.Stdout.Fd()),
	}
}
