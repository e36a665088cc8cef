// Command gensamples rewrites the sample town's ledger workbooks in samples/
// from the data in internal/synth/sampletown. The output is byte-identical on
// every run; internal/synth's tests fail when samples/ is stale.
//
//	go run ./cmd/gensamples            # writes samples/*.xlsx
//	go run ./cmd/gensamples -out DIR   # writes them elsewhere
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/taizhang/taizhang/internal/synth"
)

func main() {
	out := flag.String("out", "samples", "folder to write the sample workbooks into")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gensamples:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	paths, err := synth.WriteSampleTown(out)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, p := range paths {
		keep[filepath.Base(p)] = true
		fmt.Println(p)
	}
	// Workbooks left over from renamed villages would be read as a tenth
	// village: remove them.
	old, err := filepath.Glob(filepath.Join(out, "*.xlsx"))
	if err != nil {
		return err
	}
	for _, p := range old {
		if !keep[filepath.Base(p)] {
			if err := os.Remove(p); err != nil {
				return err
			}
			fmt.Println("removed", p)
		}
	}
	return nil
}
