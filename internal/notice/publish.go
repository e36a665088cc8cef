package notice

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pdfjoin"
	"github.com/taizhang/taizhang/internal/typeset"
)

// Output files, relative to the out folder.
const (
	TownFile  = "通报.pdf"
	LedgerDir = "台账"
)

func villageFile(village string) string { return path.Join(LedgerDir, village+".pdf") }

// Sink takes one output file: rel is its path under the out folder (with
// forward slashes), fill writes its bytes. It may be called from several
// goroutines at once.
type Sink func(rel string, fill func(io.Writer) error) error

// Publish writes the town notice (通报.pdf) and every configured village's
// ledger (台账/<村>.pdf) through add. Each ledger is typeset once, on
// workers goroutines, into a temporary file in tmpDir (named .chunk.*.tmp,
// removed when joined); the town notice is the notice's own pages followed
// by every ledger's pages, its page numbers and 附件N labels drawn over
// them, and one set of fonts covering them all; a village's file is its
// ledger's pages numbered from 1 with the ledger's own fonts. Nothing holds
// a whole document in memory. progress, when not nil, is told how many of
// the files are written.
func Publish(ctx context.Context, in Input, tmpDir string, workers int, add Sink, progress func(done, total int)) ([]ledger.Diagnostic, error) {
	t, err := prepareTown(in)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	if err := t.publish(ctx, tmpDir, workers, true, add, progress, res); err != nil {
		return nil, err
	}
	return res.Diagnostics, nil
}

// ledgerChunk is a village's ledger typeset once, in a temporary file:
// its pages, without page numbers and with the label's line left empty,
// then one page carrying the glyphs of its page numbers (dropped when
// joined).
type ledgerChunk struct {
	path    string
	pages   int // without the font carrier page
	runes   typeset.RuneSet
	missing []typeset.MissingGlyph
}

// labelStyle is the 附件N label's: 黑体 三号, flush left, on the first line.
var labelStyle = typeset.Style{Role: typeset.RoleHei, Size: sizeBody, Align: typeset.Left}

// typesetLedger typesets village v's ledger into a new temporary file in dir.
func typesetLedger(fonts *typeset.FontSet, cfg *config.Config, v ledger.Village, items []ledger.Item, dir string) (*ledgerChunk, error) {
	layout := typeset.Official()
	d := typeset.NewDocument(fonts, layout)
	d.SetPageNumbers(false)
	// Every character the ledger draws, so that its PDF embeds the faces
	// cut down to them: the title, the table, the page numbers (Reserve
	// adds those).
	title := breakTitle(AttachmentTitle(v, cfg.Round), titleCapacity(landscapeWidth), v.Org, cfg.Round)
	d.Reserve(title)
	reserveLedger(d, items, cfg.Publish)
	d.NewPage(typeset.Landscape)
	// The 附件N label's line (one line of the grid, as a paragraph of body
	// size takes), then the blank line below it.
	d.BlankLines(2)
	d.Title(title)
	d.BlankLines(1)
	ledgerTable(d, items, cfg.Publish)
	c := &ledgerChunk{pages: d.Pages(), missing: d.Missing()}
	numbers, err := typeset.NewOverlay(fonts, layout).NumberRunes(typeset.Landscape)
	if err != nil {
		return nil, err
	}
	d.DrawRunes(numbers)
	c.runes = d.Runes()

	// fpdf writes the pages uncompressed; the joiner compresses them with
	// one reused compressor as it copies them to the file.
	d.SetCompression(false)
	var raw bytes.Buffer
	if err := d.Write(&raw); err != nil {
		return nil, err
	}
	src, err := pdfjoin.Open(bytes.NewReader(raw.Bytes()), int64(raw.Len()))
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, ".chunk.*.tmp")
	if err != nil {
		return nil, err
	}
	c.path = f.Name()
	bw := bufio.NewWriterSize(f, 1<<16)
	j := pdfjoin.NewWriter(bw)
	j.SetCompression(true)
	for i := range src.Pages() {
		if err = j.AddPage(src, i, nil); err != nil {
			break
		}
	}
	if err == nil {
		err = j.Close(src, pdfjoin.Info{Producer: "taizhang"})
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(c.path)
		return nil, err
	}
	return c, nil
}

// joinVillage writes a village's file from its ledger: the pages numbered
// from 1, the ledger's own fonts.
func joinVillage(w io.Writer, c *ledgerChunk, fonts *typeset.FontSet, info pdfjoin.Info) error {
	src, err := pdfjoin.OpenFile(c.path)
	if err != nil {
		return err
	}
	defer src.Close()
	if src.Pages() != c.pages+1 {
		return fmt.Errorf("台账有 %d 页，应为 %d 页", src.Pages(), c.pages+1)
	}
	ov := typeset.NewOverlay(fonts, typeset.Official())
	j := pdfjoin.NewWriter(w)
	for i := 0; i < c.pages; i++ {
		b, err := ov.Page(typeset.Landscape, i+1, "", typeset.Style{})
		if err != nil {
			return err
		}
		if err := j.AddPage(src, i, b); err != nil {
			return err
		}
	}
	return j.Close(src, info)
}

// job is one village's ledger on its way: typeset, then joined into the
// village's file and the town notice, whichever comes last removing it.
type job struct {
	v     ledger.Village
	c     *ledgerChunk
	err   error
	ready chan struct{} // closed when c or err is set
	refs  atomic.Int32
}

// release drops one user of the job's temporary file.
func (j *job) release() {
	if j.refs.Add(-1) == 0 && j.c != nil {
		os.Remove(j.c.path)
	}
}

// publish typesets the ledgers on workers goroutines and joins them: into
// each village's file when villages is true, and into the town notice
// (res gets its page count and every diagnostic).
func (t *town) publish(ctx context.Context, tmpDir string, workers int, villages bool, add Sink, progress func(done, total int), res *Result) error {
	cfg := t.in.Config
	jobs := make([]*job, len(cfg.Villages))
	for i, v := range cfg.Villages {
		jobs[i] = &job{v: v, ready: make(chan struct{})}
		jobs[i].refs.Store(1)
		if villages {
			jobs[i].refs.Store(2)
		}
	}
	total := 1
	if villages {
		total += len(jobs)
	}
	var done atomic.Int32
	tick := func() {
		n := done.Add(1)
		if progress != nil {
			progress(int(n), total)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	villageDiags := make([][]ledger.Diagnostic, len(jobs))
	villageErrs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				j := jobs[i]
				if ctx.Err() != nil {
					j.err = ctx.Err()
					close(j.ready)
					continue
				}
				j.c, j.err = typesetLedger(t.fonts, cfg, j.v, t.villageItems(j.v.Name), tmpDir)
				if j.err != nil {
					j.err = fmt.Errorf("写出 %s 失败：%w", TownFile, j.err)
					cancel()
				}
				close(j.ready)
				if !villages || j.err != nil {
					continue
				}
				rel := villageFile(j.v.Name)
				err := add(rel, func(w io.Writer) error {
					return joinVillage(w, j.c, t.fonts, t.info(AttachmentTitle(j.v, cfg.Round), nil))
				})
				if err != nil {
					villageErrs[i] = fmt.Errorf("写出 %s 失败：%w", rel, err)
					cancel()
				} else {
					villageDiags[i] = missingDiags(j.c.missing, rel, t.villageItems(j.v.Name))
					tick()
				}
				j.release()
			}
		}()
	}
	feedErr := make(chan error, 1)
	go func() {
		defer close(next)
		for i := range jobs {
			select {
			case next <- i:
			case <-ctx.Done():
				for _, j := range jobs[i:] {
					j.err = ctx.Err()
					close(j.ready)
				}
				feedErr <- ctx.Err()
				return
			}
		}
		feedErr <- nil
	}()

	townErr := add(TownFile, func(w io.Writer) error { return t.joinTown(ctx, w, jobs, res) })
	if townErr != nil {
		cancel()
	} else {
		tick()
	}
	wg.Wait()
	<-feedErr
	// Whatever was not joined is removed here.
	for _, j := range jobs {
		<-j.ready
		if j.c != nil && j.refs.Load() > 0 {
			os.Remove(j.c.path)
		}
	}
	var errs []error
	for _, j := range jobs {
		if j.err != nil && !errors.Is(j.err, context.Canceled) {
			errs = append(errs, j.err)
		}
	}
	errs = append(errs, villageErrs...)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if townErr != nil {
		return townErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, ds := range villageDiags {
		res.Diagnostics = append(res.Diagnostics, ds...)
	}
	return nil
}

// joinTown writes the town notice: the notice's pages, then each ledger's
// as its chunk is ready, and at the end the fonts, subset to every
// character drawn on any page.
func (t *town) joinTown(ctx context.Context, w io.Writer, jobs []*job, res *Result) error {
	res.Diagnostics = append([]ledger.Diagnostic(nil), t.diags...)
	d := t.typesetBody()
	var body bytes.Buffer
	if err := d.Write(&body); err != nil {
		return fmt.Errorf("写出 %s 失败：%w", TownFile, err)
	}
	runes := d.Runes()
	missing := d.Missing()
	seen := map[rune]bool{}
	for _, m := range missing {
		seen[m.Rune] = true
	}
	src, err := pdfjoin.Open(bytes.NewReader(body.Bytes()), int64(body.Len()))
	if err != nil {
		return err
	}
	j := pdfjoin.NewWriter(w)
	for i := range src.Pages() {
		if err := j.AddPage(src, i, nil); err != nil {
			return err
		}
	}
	layout := typeset.Official()
	ov := typeset.NewOverlay(t.fonts, layout)
	title := strings.ReplaceAll(t.title, "\n", "")
	outline := []pdfjoin.Bookmark{{Title: title, Page: 0}}
	for k, jb := range jobs {
		select {
		case <-jb.ready:
		case <-ctx.Done():
			return ctx.Err()
		}
		if jb.err != nil {
			return jb.err
		}
		v := t.data.Villages[k]
		outline = append(outline, pdfjoin.Bookmark{Title: "附件" + strconv.Itoa(v.Number) + "　" + v.Name, Page: j.Pages()})
		if err := t.joinLedger(j, ov, jb, k); err != nil {
			return err
		}
		runes.Add(jb.c.runes)
		jb.c.runes = typeset.RuneSet{} // only this goroutine reads it; drop it
		for _, m := range jb.c.missing {
			if !seen[m.Rune] {
				seen[m.Rune] = true
				missing = append(missing, m)
			}
		}
	}
	runes.Add(ov.Runes())
	carrier := typeset.NewDocument(t.fonts, layout)
	carrier.SetPageNumbers(false)
	carrier.DrawRunes(runes)
	var cb bytes.Buffer
	if err := carrier.Write(&cb); err != nil {
		return fmt.Errorf("写出 %s 失败：%w", TownFile, err)
	}
	fonts, err := pdfjoin.Open(bytes.NewReader(cb.Bytes()), int64(cb.Len()))
	if err != nil {
		return err
	}
	res.Pages = j.Pages()
	res.Diagnostics = append(res.Diagnostics, missingDiags(missing, TownFile, t.in.Items)...)
	return j.Close(fonts, t.info(title, outline))
}

// joinLedger adds the k-th village's ledger to the town notice: its pages
// numbered on, 附件N on the first.
func (t *town) joinLedger(j *pdfjoin.Writer, ov *typeset.Overlay, jb *job, k int) error {
	defer jb.release()
	src, err := pdfjoin.OpenFile(jb.c.path)
	if err != nil {
		return err
	}
	defer src.Close()
	if src.Pages() != jb.c.pages+1 {
		return fmt.Errorf("台账有 %d 页，应为 %d 页", src.Pages(), jb.c.pages+1)
	}
	label := "附件" + strconv.Itoa(t.data.Villages[k].Number)
	for i := 0; i < jb.c.pages; i++ {
		b, err := ov.Page(typeset.Landscape, j.Pages()+1, label, labelStyle)
		if err != nil {
			return err
		}
		if err := j.AddPage(src, i, b); err != nil {
			return err
		}
		label = ""
	}
	return nil
}
