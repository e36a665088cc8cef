// Command gentown writes a deterministic synthetic town for the benchmarks:
// N village workbooks of R tasks each (title row, header, wrapped styles,
// real Excel dates, progress of 100–400 characters) and a matching
// taizhang.yaml, via synth.WriteTown.
//
//	go run ./bench/gentown -villages 200 -tasks 100 -out /tmp/town
//
// The workbooks and taizhang.yaml go straight into DIR (the config's inbox
// is its own folder), so `taizhang build DIR` builds the town into DIR/out.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/taizhang/taizhang/internal/synth"
)

func main() {
	villages := flag.Int("villages", 9, "number of village workbooks")
	tasks := flag.Int("tasks", 40, "tasks (rows) per workbook")
	seed := flag.Int64("seed", 1, "random seed; the same flags give byte-identical files")
	out := flag.String("out", "", "folder to write the town into (required)")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	paths, err := synth.WriteTown(*out, synth.Spec{Villages: *villages, Tasks: *tasks, Seed: *seed})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d workbooks × %d tasks in %s\n", len(paths), *tasks, filepath.Dir(paths[0]))
}
