package workbook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"strconv"
	"sync"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/ledger"
)

// tasksChunk is about how many tasks' rows of 汇总 a Draft makes in one
// piece: whole villages, as many as reach it. The pieces are made at the
// same time, each in an excelize file of its own (setting one up costs
// more than a village's rows), and each piece's rows cut at its villages'
// first rows into one fragment per village: the sheet's XML is the one a
// single stream would give, whatever the number of cores.
var tasksChunk = 2000

// villageRun is one village's rows of 汇总: in.Items[lo:hi], at rows lo+2
// to hi+1 (the header is row 1).
type villageRun struct {
	village string
	lo, hi  int
	key     string // its kept rows' key; "" when they are not kept
	chunk   int    // the chunk that makes its rows; -1 when they are kept
	at      int    // its place among that chunk's runs
}

// villageRuns cuts items (in consolidated order) into their villages'
// runs. A village's tasks are one run; should a village have two, neither
// is kept (its digest covers both).
func villageRuns(items []ledger.Item, kept *keptRows) []villageRun {
	var runs []villageRun
	seen := map[string]int{}
	for i := range items {
		if n := len(runs); n > 0 && runs[n-1].village == items[i].Village {
			runs[n-1].hi = i + 1
			continue
		}
		runs = append(runs, villageRun{village: items[i].Village, lo: i, hi: i + 1})
		seen[items[i].Village]++
	}
	if kept != nil {
		for i := range runs {
			if seen[runs[i].village] == 1 {
				runs[i].key = kept.key(runs[i].village, runs[i].lo+2)
			}
		}
	}
	return runs
}

// planChunks marks the runs whose rows are kept, and gathers the others,
// in order, into chunks of whole villages of about tasksChunk tasks.
func planChunks(runs []villageRun, kept *keptRows) [][]villageRun {
	var chunks [][]villageRun
	tasks := 0
	for i := range runs {
		r := &runs[i]
		if r.key != "" && kept.has(r.key) {
			r.chunk = -1
			continue
		}
		if len(chunks) == 0 || tasks >= tasksChunk {
			chunks, tasks = append(chunks, nil), 0
		}
		k := len(chunks) - 1
		r.chunk, r.at = k, len(chunks[k])
		chunks[k] = append(chunks[k], *r)
		tasks += r.hi - r.lo
	}
	return chunks
}

// chunks makes the rows of 汇总 for every chunk, on as many goroutines as
// there are cores, with never more chunks made and not yet written than
// that.
type chunks struct {
	cancel  context.CancelFunc
	results []chan chunkRows // one per chunk, each sent once
	slots   chan struct{}    // taken by a chunk being made, given back when it is written
	wg      sync.WaitGroup
}

type chunkRows struct {
	frags []fragment // one per run of the chunk
	err   error
	slot  bool // the chunk took a slot
}

// startChunks starts making the chunks' rows of in.Items (in consolidated
// order), keeping them in kept when it is not nil.
func startChunks(ctx context.Context, in Input, plan [][]villageRun, kept *keptRows) *chunks {
	ctx, cancel := context.WithCancel(ctx)
	c := &chunks{cancel: cancel, slots: make(chan struct{}, runtime.GOMAXPROCS(0))}
	for range plan {
		c.results = append(c.results, make(chan chunkRows, 1))
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for i, out := range c.results {
			select {
			case c.slots <- struct{}{}:
			case <-ctx.Done():
				for _, out := range c.results[i:] {
					out <- chunkRows{err: ctx.Err()}
				}
				return
			}
			c.wg.Add(1)
			go func() {
				defer c.wg.Done()
				var d deflater
				frags, err := makeRuns(ctx, in, plan[i], kept, &d)
				out <- chunkRows{frags, err, true}
			}()
		}
	}()
	return c
}

// next waits for the k-th chunk, to be asked for in order, and frees its
// slot for another.
func (c *chunks) next(k int) ([]fragment, error) {
	r := <-c.results[k]
	if r.slot {
		<-c.slots
	}
	return r.frags, r.err
}

// stop ends what is still being made and waits for it.
func (c *chunks) stop() {
	c.cancel()
	c.wg.Wait()
}

// makeRuns makes the rows of runs (in order) in one excelize file, cuts
// them into one fragment per run, deflates each and keeps those with a key
// in kept.
func makeRuns(ctx context.Context, in Input, runs []villageRun, kept *keptRows, d *deflater) ([]fragment, error) {
	rows, err := tasksRows(ctx, in, runs)
	if err != nil {
		return nil, err
	}
	frags := make([]fragment, 0, len(runs))
	for i, r := range runs {
		end := len(rows)
		if i+1 < len(runs) {
			mark := []byte(`<row r="` + strconv.Itoa(runs[i+1].lo+2) + `"`)
			if end = bytes.Index(rows, mark); end < 0 {
				return nil, fmt.Errorf("excelize wrote no row %d", runs[i+1].lo+2)
			}
		}
		fr, err := d.fragment(rows[:end], false)
		if err != nil {
			return nil, err
		}
		if kept != nil && r.key != "" {
			kept.put(r.key, r, fr)
		}
		frags = append(frags, fr)
		rows = rows[end:]
	}
	return frags, nil
}

// tasksRows makes the rows of 汇总 for the runs' tasks in an excelize file
// of its own, set up as the draft's, and returns them: the sheet's XML
// between <sheetData> and </sheetData>.
func tasksRows(ctx context.Context, in Input, runs []villageRun) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	b := &book{ctx: ctx, f: f, in: in, mode: modeTasksOnly, sum: in.Summary, items: in.Items, st: st}
	if err := f.SetSheetName(f.GetSheetName(0), SheetTasks); err != nil {
		return nil, err
	}
	s, err := b.sheet(SheetTasks, b.tasksSpec())
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		b.taskRows(s, r.lo, r.hi)
	}
	if err := s.close(); err != nil {
		return nil, err
	}
	var raw rawZip
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return &raw })
	if _, err := f.WriteTo(io.Discard); err != nil {
		return nil, err
	}
	rows, _, _, err := splitRows(raw.sheet.Bytes())
	return rows, err
}

// splitRows splits a worksheet's XML into its rows and what comes before
// and after them.
func splitRows(xml []byte) (rows, head, tail []byte, err error) {
	i := bytes.Index(xml, []byte("<sheetData>"))
	j := bytes.LastIndex(xml, []byte("</sheetData>"))
	if i < 0 || j < i {
		return nil, nil, nil, errors.New("excelize wrote a worksheet without sheetData")
	}
	i += len("<sheetData>")
	return xml[i:j], xml[:i], xml[j:], nil
}

// rawZip keeps the 汇总 sheet's XML as excelize writes it, and drops
// every other part.
type rawZip struct {
	sheet   bytes.Buffer
	written int
}

func (z *rawZip) parts() int { return z.written }

func (z *rawZip) Create(name string) (io.Writer, error) {
	z.written++
	if name == tasksPart {
		return &z.sheet, nil
	}
	return io.Discard, nil
}

func (z *rawZip) AddFS(fs.FS) error { return nil }
func (z *rawZip) Close() error      { return nil }
