// Command taizhang checks the rectification ledgers (整改台账) villages send to
// the town, consolidates them, and writes the summary workbook and the
// notices in the official document layout.
package main

import (
	"os"

	"github.com/taizhang/taizhang/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.System()))
}
