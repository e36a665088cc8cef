// Command tzbench runs a Taizhang build, or part of one, for the benchmarks,
// optionally under the CPU or heap profiler.
//
//	go run ./bench/tzbench -part build DIR      # the whole build, as `taizhang build DIR`
//	go run ./bench/tzbench -no-cache DIR        # … from nothing, as `taizhang build --no-cache DIR`
//	go run ./bench/tzbench -part workbook DIR   # intake + check + consolidate + 汇总台账.xlsx only
//
// The workbook part does what the first steps of internal/pipeline do
// (pipeline.Check, then consolidate and workbook.Write) and writes the
// workbook to DIR/out-bench/汇总台账.xlsx; nothing else is written. It is a
// bench-only tool, not part of the product.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/output"
	"github.com/taizhang/taizhang/internal/pipeline"
	"github.com/taizhang/taizhang/internal/workbook"
)

func main() {
	part := flag.String("part", "build", "build (everything) or workbook (intake+check+consolidate+workbook)")
	cpu := flag.String("cpuprofile", "", "write a CPU profile here")
	mem := flag.String("memprofile", "", "write a heap profile (in use at the end of the largest step) here")
	verbose := flag.Bool("v", false, "print each step's wall time")
	noCache := flag.Bool("no-cache", false, "typeset every ledger afresh (build --no-cache)")
	memStep := flag.String("memstep", "", "with -memprofile and -part build: write the heap profile as the step of this name starts, not at the end (a step name as -v prints it)")
	memDone := flag.Int("memdone", 0, "with -memstep: write it once that step has done this many of its parts (for the notices, files written), not as it starts")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: tzbench [-part build|workbook] [-cpuprofile F] DIR")
		os.Exit(2)
	}
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fail(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	cfg, err := config.Load(filepath.Join(flag.Arg(0), "taizhang.yaml"))
	if err != nil {
		fail(err)
	}
	start := time.Now()
	last := start
	lastStep := ""
	tick := func(step string) {
		if *verbose && lastStep != "" {
			fmt.Fprintf(os.Stderr, "%-14s %6.2fs\n", lastStep, time.Since(last).Seconds())
		}
		last, lastStep = time.Now(), step
	}
	switch *part {
	case "build":
		res, err := pipeline.Build(context.Background(), pipeline.Options{Config: cfg, NoCache: *noCache,
			Progress: func(step string, done, total int) {
				if done == 0 && total == 0 {
					tick(step)
				}
				if *mem != "" && step == *memStep && done == *memDone && (done > 0 || total == 0) {
					writeHeap(*mem)
				}
			}})
		tick("")
		if err != nil {
			fail(err)
		}
		if res.Errors() > 0 || len(res.Outputs) == 0 {
			fail(fmt.Errorf("build stopped with %d errors", res.Errors()))
		}
		fmt.Printf("build: %d tasks, %d outputs, %d workbooks read, %d from the cache, %d ledgers typeset, %d from the cache, %.2fs\n",
			len(res.Report.Items), len(res.Outputs), res.Read, res.ReadFromCache, res.Typeset, res.Reused, time.Since(start).Seconds())
	case "workbook":
		tick("读取台账+校验")
		asOf := cfg.BuildAsOf()
		rep, err := pipeline.Check([]string{cfg.InboxDir()}, cfg, asOf)
		if err != nil {
			fail(err)
		}
		if rep.Errors() > 0 {
			fail(fmt.Errorf("check found %d errors", rep.Errors()))
		}
		tick("汇总")
		items := rep.Items
		consolidate.Order(items, cfg.Villages)
		sum := consolidate.Summarize(items, cfg.Villages, asOf)
		tick("生成汇总台账")
		in := workbook.Input{Town: cfg.Town, AsOf: asOf, Villages: cfg.Villages, Items: items,
			Summary: sum, Warnings: rep.Diagnostics}
		for _, f := range rep.Files {
			in.Sources = append(in.Sources, workbook.Source{File: f.Name, Village: f.Village,
				Sheet: f.Sheet, SHA256: f.SHA256, RowsRead: f.RowsRead, Tasks: f.Items})
		}
		out := filepath.Join(flag.Arg(0), "out-bench", workbook.FileName)
		if err := output.WriteFile(out, func(w io.Writer) error { return workbook.Write(w, in) }); err != nil {
			fail(err)
		}
		tick("")
		fmt.Printf("workbook: %d tasks, %.2fs\n", len(items), time.Since(start).Seconds())
	default:
		fail(fmt.Errorf("unknown part %q", *part))
	}
	if *mem != "" && *memStep == "" {
		writeHeap(*mem)
	}
}

// writeHeap writes a heap profile of what is in use now to path.
func writeHeap(path string) {
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	runtime.GC()
	pprof.WriteHeapProfile(f)
	f.Close()
}

func fail(err error) {
	pprof.StopCPUProfile()
	fmt.Fprintln(os.Stderr, "tzbench:", err)
	os.Exit(1)
}
