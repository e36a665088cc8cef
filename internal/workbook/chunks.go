package workbook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"runtime"
	"sync"

	"github.com/xuri/excelize/v2"
)

// tasksChunk is how many tasks' rows of 汇总 a Draft makes in one piece.
// The first piece is made in the draft's own excelize file; the others at
// the same time, each in a file of its own, and their rows spliced in
// order into the first's sheet: the sheet's XML is the one a single
// stream would give, whatever the number of cores.
var tasksChunk = 2000

// chunkRange is the range of items the k-th chunk of n items covers.
func chunkRange(k, n int) (lo, hi int) {
	return min(k*tasksChunk, n), min((k+1)*tasksChunk, n)
}

// chunks makes the rows of 汇总 for every chunk but the first, on as many
// goroutines as there are cores, with never more chunks made and not yet
// written than that.
type chunks struct {
	cancel  context.CancelFunc
	results []chan chunkRows // one per chunk after the first, each sent once
	slots   chan struct{}    // taken by a chunk being made, given back when it is written
	wg      sync.WaitGroup
}

type chunkRows struct {
	rows []byte
	err  error
	slot bool // the chunk took a slot
}

// startChunks starts making the chunks of in.Items (in consolidated order)
// after the first.
func startChunks(ctx context.Context, in Input) *chunks {
	n := (len(in.Items) + tasksChunk - 1) / tasksChunk
	ctx, cancel := context.WithCancel(ctx)
	c := &chunks{cancel: cancel, slots: make(chan struct{}, runtime.GOMAXPROCS(0))}
	for k := 1; k < n; k++ {
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
				lo, hi := chunkRange(i+1, len(in.Items))
				rows, err := tasksRows(ctx, in, lo, hi)
				out <- chunkRows{rows, err, true}
			}()
		}
	}()
	return c
}

// count is the number of chunks after the first.
func (c *chunks) count() int { return len(c.results) }

// next waits for the k-th chunk after the first (from 0), to be asked for
// in order, and frees its slot for another.
func (c *chunks) next(k int) ([]byte, error) {
	r := <-c.results[k]
	if r.slot {
		<-c.slots
	}
	return r.rows, r.err
}

// stop ends what is still being made and waits for it.
func (c *chunks) stop() {
	c.cancel()
	c.wg.Wait()
}

// tasksRows makes the rows of 汇总 for in.Items[lo:hi] in an excelize file
// of its own, set up as the draft's, and returns them: the sheet's XML
// between <sheetData> and </sheetData>.
func tasksRows(ctx context.Context, in Input, lo, hi int) ([]byte, error) {
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
	b.taskRows(s, lo, hi)
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
