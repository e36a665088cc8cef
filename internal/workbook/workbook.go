// Package workbook writes the town's consolidated workbook, 汇总台账.xlsx:
// every task of every village (汇总), the counts and completion rates with a
// chart (统计), the progress since an earlier build (进展对比, with --since),
// every warning with its file and cell (校验), and the files read (来源).
//
// The workbook is meant to be printed as it is: every sheet is A4 landscape,
// fitted to one page wide, with its header row repeated on every page and
// its row heights stored (LibreOffice does not grow wrapped rows by itself).
// The same input always gives the same bytes.
package workbook

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/cache"
	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
)

// FileName is the name of the consolidated workbook in the output folder.
const FileName = "汇总台账.xlsx"

// The sheet names, in workbook order.
const (
	SheetTasks    = "汇总"
	SheetStats    = "统计"
	SheetProgress = "进展对比"
	SheetChecks   = "校验"
	SheetSources  = "来源"
)

// Source is one input file: the village it was taken for, the sheet read,
// its SHA-256, how many rows were read and how many tasks taken from them.
type Source struct {
	File, Village, Sheet, SHA256 string
	RowsRead, Tasks              int
}

// Input is everything the workbook shows.
type Input struct {
	Town       string
	AsOf       ledger.Date
	Villages   []ledger.Village     // config order
	Items      []ledger.Item        // every task; written in consolidated order
	Summary    *consolidate.Summary // counted from Items; computed when nil
	Warnings   []ledger.Diagnostic
	Sources    []Source
	Comparison *compare.Result // nil when the build has no --since
}

// Write writes the workbook to w. Every sheet is streamed: 汇总's rows are
// made a few villages at a time (tasksChunk), on every core at once, and
// compressed into a temporary file in order; the other sheets' rows go
// to excelize's stream writer; the workbook is zipped straight into w. So
// memory does not grow with the number of tasks. It is NewDraft then
// Draft.Write with in.Warnings.
func Write(w io.Writer, in Input) error {
	d, err := NewDraft(context.Background(), in, DraftOptions{})
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Write(w, in.Warnings)
}

// DraftOptions are how a Draft is made; the zero value keeps nothing.
type DraftOptions struct {
	// Dir holds its temporary files ("" for the system's; a build gives
	// its staging folder, which the next build clears should this one be
	// killed).
	Dir string
	// Rows, when set, keeps each village's rows of 汇总, deflated, between
	// builds, so that a draft makes only those of the villages whose part
	// of the town changed (or that moved: a cell names its row). The
	// workbook's bytes are the same with it or without.
	Rows *cache.Store
	// Version is the program's version, part of every kept row's key.
	Version string
	// Digests are the villages' ledger.VillageDigests of in, when the
	// caller has them; computed otherwise.
	Digests map[string]string
}

// Draft is a workbook begun before its warnings are known. NewDraft makes
// and compresses its 汇总 sheet, the bulk of the file, which depends on
// nothing but the tasks; Write makes the other sheets, 校验 with the
// warnings it is given, and puts the file together with 汇总 as compressed
// then. The bytes are those of a workbook made in one go.
type Draft struct {
	in    Input
	dir   string
	tasks *heldPart // 汇总, compressed
	kept  *keptRows // nil when no rows are kept
	// Made and Reused count the villages whose rows of 汇总 this draft made
	// and those it took from the ones kept by an earlier build.
	Made, Reused int
}

// NewDraft makes the 汇总 sheet of in, everything of in but its Warnings
// (Draft.Write takes them), and stops early when ctx ends. Close removes
// its temporary files.
func NewDraft(ctx context.Context, in Input, opts DraftOptions) (*Draft, error) {
	in.Warnings = nil
	if in.Summary == nil {
		in.Summary = consolidate.Summarize(in.Items, in.Villages, in.AsOf) // once, not at every Write
	}
	if !consolidate.Ordered(in.Items, in.Villages) {
		in.Items = append([]ledger.Item(nil), in.Items...)
		consolidate.Order(in.Items, in.Villages)
		opts.Digests = nil // of the caller's order
	}
	var kept *keptRows
	if opts.Rows != nil {
		kept = newKeptRows(opts.Rows, opts.Version, &in, opts.Digests)
	}
	runs := villageRuns(in.Items, kept)
	// The villages' rows not kept are made meanwhile, on other cores.
	rest := startChunks(ctx, in, planChunks(runs, kept), kept)
	defer rest.stop()
	capture := &draftZip{ctx: ctx, dir: opts.Dir, in: in, runs: runs, kept: kept, rest: rest}
	if err := writeBook(ctx, in, modeTasksOnly, capture); err != nil {
		capture.remove()
		return nil, err
	}
	if capture.tasks == nil {
		return nil, fmt.Errorf("workbook: excelize did not write the sheet %s as %s", SheetTasks, tasksPart)
	}
	return &Draft{in: in, dir: opts.Dir, tasks: capture.tasks, kept: kept, Made: capture.made, Reused: capture.reused}, nil
}

// Write writes the workbook, its 校验 listing warnings, to w. It may be
// called more than once.
func (d *Draft) Write(w io.Writer, warnings []ledger.Diagnostic) error {
	in := d.in
	in.Warnings = warnings
	zw := newSortedZip(w, d.dir, d.tasks)
	defer zw.cleanup()
	return writeBook(context.Background(), in, modeAllButTasks, zw)
}

// Close removes the draft's temporary file.
func (d *Draft) Close() {
	if d.tasks != nil {
		d.tasks.remove()
		d.tasks = nil
	}
}

// Prune removes from DraftOptions.Rows every village's rows but this
// draft's, so that the cache holds the town as it is, not every version of
// it. A build calls it once its outputs are published; it may be called
// after Close.
func (d *Draft) Prune() error {
	if d.kept == nil {
		return nil
	}
	return d.kept.keep()
}

// mode is what a write makes of the workbook.
type mode int

const (
	modeWhole       mode = iota // every sheet, in one go
	modeTasksOnly               // 汇总 only, for a Draft: the other sheets exist, empty, and are not saved
	modeAllButTasks             // every sheet but the rows of 汇总, taken from a Draft
)

// writeBook makes the workbook of in and saves it through zw. Every mode sets
// up every sheet the same way, so the parts each makes are the parts the
// whole would have.
func writeBook(ctx context.Context, in Input, m mode, zw zipWriter) error {
	f := excelize.NewFile()
	defer f.Close()
	b, err := newBook(ctx, f, in, m)
	if err != nil {
		return err
	}
	type sheetWriter struct {
		name  string
		write func(string) error
	}
	sheets := []sheetWriter{{SheetTasks, b.writeTasks}, {SheetStats, b.writeStats}}
	if in.Comparison != nil {
		sheets = append(sheets, sheetWriter{SheetProgress, b.writeProgress})
	}
	sheets = append(sheets, sheetWriter{SheetChecks, b.writeChecks}, sheetWriter{SheetSources, b.writeSources})
	// Every sheet exists, and the first is the selected one, before any is
	// streamed: a streamed sheet cannot be changed afterwards.
	for i, st := range sheets {
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), st.name); err != nil {
				return fmt.Errorf("workbook: %w", err)
			}
		} else if _, err := f.NewSheet(st.name); err != nil {
			return fmt.Errorf("workbook: %w", err)
		}
	}
	f.SetActiveSheet(0)
	for _, st := range sheets {
		if m == modeTasksOnly && st.name != SheetTasks {
			continue
		}
		if err := st.write(st.name); err != nil {
			return fmt.Errorf("workbook: sheet %s: %w", st.name, err)
		}
	}
	if err := b.setDocProps(); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	// excelize adds the image content types from a map: sort them, so the
	// bytes do not depend on map order.
	if ct := f.ContentTypes; ct != nil {
		sort.SliceStable(ct.Defaults, func(i, j int) bool { return ct.Defaults[i].Extension < ct.Defaults[j].Extension })
	}
	// excelize zips into a buffer it then copies to w; given a zip writer
	// of our own it writes to that, and the buffer stays empty.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	if _, err := f.WriteTo(io.Discard); err != nil {
		return fmt.Errorf("workbook: write: %w", err)
	}
	if zw.parts() == 0 {
		return fmt.Errorf("workbook: write: excelize did not use the zip writer")
	}
	return nil
}

// book carries the file, the input and the shared styles while writing.
type book struct {
	ctx   context.Context // a long sheet stops when it ends
	f     *excelize.File
	in    Input
	mode  mode
	sum   *consolidate.Summary
	items []ledger.Item // in consolidated order
	st    styles
}

func newBook(ctx context.Context, f *excelize.File, in Input, m mode) (*book, error) {
	b := &book{ctx: ctx, f: f, in: in, mode: m, sum: in.Summary}
	if b.sum == nil {
		b.sum = consolidate.Summarize(in.Items, in.Villages, in.AsOf)
	}
	// The items in consolidated order: a build's are already; a copy
	// sorted otherwise, never the caller's. A Draft's own write needs only
	// their number.
	b.items = in.Items
	if m != modeAllButTasks && !consolidate.Ordered(b.items, in.Villages) {
		b.items = append([]ledger.Item(nil), in.Items...)
		consolidate.Order(b.items, in.Villages)
	}
	st, err := newStyles(f)
	if err != nil {
		return nil, fmt.Errorf("workbook: styles: %w", err)
	}
	b.st = st
	return b, nil
}

// title names the workbook in page headers: "三乡镇整改任务汇总台账".
func (b *book) title(what string) string {
	s := b.in.Town + what
	if !b.in.AsOf.IsZero() {
		s += "（截至" + b.in.AsOf.Chinese() + "）"
	}
	return s
}

// setDocProps fixes the document properties, including the times excelize
// would otherwise leave at its template's, so that they say something true
// and the bytes stay the same for the same input.
func (b *book) setDocProps() error {
	stamp := "2000-01-01T00:00:00Z"
	if !b.in.AsOf.IsZero() {
		stamp = b.in.AsOf.String() + "T00:00:00Z"
	}
	return b.f.SetDocProps(&excelize.DocProperties{
		Title:          b.in.Town + "整改任务汇总台账",
		Subject:        "巡察整改台账汇总",
		Creator:        "taizhang",
		LastModifiedBy: "taizhang",
		Created:        stamp,
		Modified:       stamp,
		Language:       "zh-CN",
	})
}
