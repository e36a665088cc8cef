// Package pipeline drives a Taizhang run. A build is a short, ordered list of
// steps; each lives in its own package and knows nothing of the steps after
// it:
//
//	intake      → read every village workbook into tasks and diagnostics
//	check       → rules across tasks and files; any error stops the build here
//	consolidate → the town's ordered list and its statistics
//	compare     → progress since an earlier snapshot (--since)
//	notice      → 通报.pdf and 台账/<村>.pdf; at the same time, beside it,
//	              汇总台账.json and the 汇总 sheet of the workbook, which need
//	              nothing from the notices
//	workbook    → the rest of 汇总台账.xlsx, whose 校验 lists every warning,
//	              the notice's too
//	manifest    → manifest.json, with every digest
//	publish     → rename the staged files into place, all or nothing
//
// A step and the work beside it stop together: the first to fail cancels
// the others, and the build returns its error with nothing published.
package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/taizhang/taizhang/internal/check"
	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/intake"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/output"
	"github.com/taizhang/taizhang/internal/workbook"
)

// Options configure a build. Only Config is required; every other field
// has a documented default, so a caller (the CLI, watch, a web desk) sets
// only what it decides itself.
type Options struct {
	Config *config.Config // required: the town, its villages, its folders

	// Inputs are the village workbooks to read: files, or folders read
	// whole (one level). nil means the config's inbox; an empty, non-nil
	// list reads no file at all. A build takes its
	// inputs as the whole round, so a configured village with no file
	// among them is warned of, and shown in the notice as 尚未报送.
	Inputs []string

	OutDir string      // where the outputs go; default: Config.OutDir()
	AsOf   ledger.Date // the day overdue is counted against; default: Config.AsOfDay()
	Since  string      // an earlier build's 汇总台账.json, or ""
	// Final is the disclosure-day set: a character no font has refuses it
	// unless acknowledged.
	Final bool
	// Version is the tool version written into manifest.json; default:
	// buildinfo.Version().
	Version string
	// StateDir holds the build's lock and staging; it must be on the same
	// volume as OutDir. Default: Config.StateDir() when OutDir is the
	// config's out folder or inside it (build --final), else OutDir/.taizhang.
	StateDir string
	// NoCache reads every workbook and typesets every village's ledger
	// afresh, ignoring and not touching the readings and ledgers kept from
	// earlier builds (build --no-cache).
	NoCache bool

	// Progress, when set, is told each step's name as it starts, and how far
	// long steps have got.
	Progress func(step string, done, total int)
}

// Result is what a build found and wrote.
type Result struct {
	AsOf        ledger.Date
	Report      *check.Report        // intake and checks
	Summary     *consolidate.Summary // nil when the build stopped at check
	Comparison  *compare.Result      // nil without --since
	Diagnostics []ledger.Diagnostic  // every diagnostic: the report's, then comparison and notice warnings
	OutDir      string
	Outputs     []output.File // what was published; empty when the build stopped
	Fonts       string        // the faces the notices were set in (typeset.FontSet.Describe)
	// Typeset and Reused count the village ledgers typeset by this build
	// and those joined from the ones kept by an earlier build.
	Typeset, Reused int
	// RowsMade and RowsReused count the villages whose rows of 汇总 this
	// build made and those taken from the ones kept by an earlier build.
	RowsMade, RowsReused int
	// Read and ReadFromCache count the input files read by this build and
	// those whose reading was kept from an earlier build.
	Read, ReadFromCache int
}

// Errors counts the error diagnostics.
func (r *Result) Errors() int { e, _ := ledger.Count(r.Diagnostics); return e }

// Warnings counts the warning diagnostics.
func (r *Result) Warnings() int { _, w := ledger.Count(r.Diagnostics); return w }

// run carries one build's state from step to step.
type run struct {
	opts    Options
	cfg     *config.Config
	res     *Result
	results []*intake.Result
	kept    *intake.Kept // the readings kept between builds; nil with NoCache
	items   []ledger.Item
	digests map[string]string // each village's ledger.VillageDigests, for the caches' keys
	wb      *workbook.Draft   // the workbook begun beside the notices
	staged  *output.Set
	state   string // the state folder: lock, staging, the caches (cacheFolders)

	// prunes keep each cache to the entries this build used, run once it
	// is published (pruneOnPublish): a build that fails prunes nothing,
	// and its caches stay those of the last good build.
	prunesMu sync.Mutex
	prunes   []func()
}

// pruneOnPublish adds f to what the publish step runs once the outputs
// stand; steps beside each other may call it at once. Failing to prune
// costs disk space, not correctness.
func (r *run) pruneOnPublish(f func()) {
	r.prunesMu.Lock()
	defer r.prunesMu.Unlock()
	r.prunes = append(r.prunes, f)
}

// step is one stage of the build.
type step struct {
	name string // shown to the clerk in progress output
	do   work
	// beside run at the same time as do, each in a goroutine of its own,
	// on whatever CPU do leaves; the step ends when all have.
	beside []work
}

// work is a step's, or work beside it.
type work func(*run, context.Context) error

// steps is the whole build, in order.
var steps = []step{
	{"读取台账", (*run).intake, nil},                                    // every workbook in the inbox → tasks + diagnostics
	{"校验", (*run).check, nil},                                       // rules across files; errors stop here, nothing written
	{"汇总", (*run).consolidate, nil},                                 // order the town's list, count it
	{"进展对比", (*run).compare, nil},                                   // against --since, when given
	{"生成通报", (*run).notices, []work{(*run).draft, (*run).snapshot}}, // 通报.pdf, 台账/<村>.pdf, their warnings; beside: the workbook's 汇总, 汇总台账.json
	{"生成汇总台账", (*run).workbook, nil},                                // 汇总台账.xlsx, its 校验 listing every warning
	{"生成清单", (*run).manifest, nil},                                  // manifest.json
	{"写入输出", (*run).publish, nil},                                   // rename everything into place together
}

// errStop ends a build early without an error of its own: the diagnostics
// say why.
var errStop = fmt.Errorf("stopped")

// Build runs the whole pipeline. An error return means the build could not
// run (I/O, a lock, a bad --since file); problems in the input are in the
// result's diagnostics, and then nothing is written.
func Build(ctx context.Context, opts Options) (*Result, error) {
	r := &run{opts: opts, cfg: opts.Config, res: &Result{}}
	r.res.AsOf = opts.AsOf
	if r.res.AsOf.IsZero() {
		r.res.AsOf = r.cfg.AsOfDay()
	}
	r.res.OutDir = opts.OutDir
	if r.res.OutDir == "" {
		r.res.OutDir = r.cfg.OutDir()
	}
	state := opts.StateDir
	if state == "" {
		state = stateDir(r.cfg, r.res.OutDir)
	}
	r.state = state
	lock, err := output.Acquire(filepath.Join(state, LockName), r.res.OutDir, "生成输出")
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	output.CleanStale(r.res.OutDir)                         // temporaries of an older Taizhang, beside their outputs
	_ = os.RemoveAll(filepath.Join(r.res.OutDir, ".watch")) // an older watch's staging inbox
	if r.staged, err = output.NewSet(r.res.OutDir, state); err != nil {
		return nil, err
	}
	defer r.staged.Discard() // no-op after a successful publish
	defer func() {
		if r.wb != nil {
			r.wb.Close()
		}
	}()

	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return r.res, err
		}
		r.progress(s.name, 0, 0)
		if err := r.do(ctx, s); err != nil {
			if err == errStop {
				return r.res, nil
			}
			return r.res, err
		}
	}
	return r.res, nil
}

// do runs a step and the work beside it; the first to fail cancels the
// others, and its error is the step's.
func (r *run) do(ctx context.Context, s step) error {
	if len(s.beside) == 0 {
		return s.do(r, ctx)
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, w := range s.beside {
		g.Go(func() error { return w(r, gctx) })
	}
	g.Go(func() error { return s.do(r, gctx) })
	return g.Wait()
}

func (r *run) progress(step string, done, total int) {
	if r.opts.Progress != nil {
		r.opts.Progress(step, done, total)
	}
}

// LockName is the build lock's file in the state folder.
const LockName = "build.lock"

// stateDir is where a build into out keeps its lock and staging: the
// config's state folder when out is the config's out folder or inside it,
// so a build and a build --final are never at once, else a hidden folder
// in out itself (same volume).
func stateDir(cfg *config.Config, out string) string {
	base, err1 := filepath.Abs(cfg.OutDir())
	o, err2 := filepath.Abs(out)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(base, o); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return cfg.StateDir()
		}
	}
	return config.StateDirOf(out)
}
