package notice

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/taizhang/taizhang/internal/cache"
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

// PublishOptions say where and how Publish works.
type PublishOptions struct {
	// Workers is how many ledgers are typeset at once (at least 1).
	Workers int
	// Progress, when not nil, is told how many of the files are written.
	Progress func(done, total int)
	// Cache, when not nil, keeps each village's typeset ledger between
	// builds under the digest of everything it is made from (ledgerKey):
	// a ledger whose key is kept is joined from the kept pages instead of
	// typeset again, with the same bytes as a, and only the entries this
	// build used are kept afterwards.
	Cache *cache.Store
	// Files, when not nil (and Cache is set), keeps each village's
	// finished file, 台账/<村>.pdf, under the digest of its ledger's key and
	// its document information (fileKey): a village whose file is kept
	// gets those bytes again, without its file being joined anew.
	Files *cache.Store
	// Standing, when not nil (and Files is set), is asked first about a
	// village whose file is kept: whether the file already published
	// under that name, of that size, holds the very bytes kept — same
	// compares a file's bytes with the kept ones' checksum
	// (output.Set.Standing, which then takes it as this build's). When it
	// does, the village's file is neither joined nor copied: a rebuild
	// writes only the files that changed.
	Standing func(rel string, size int64, same func(data []byte) bool) bool
	// Version is the program's version, part of every cache key.
	Version string
}

// Published is what Publish did besides writing its files.
type Published struct {
	Diagnostics []ledger.Diagnostic
	// Fonts are the faces the files were set in: Input.Fonts (or the
	// embedded faces) with faces of the machine's fonts for the
	// characters they lack (生僻字).
	Fonts *typeset.FontSet
	// Typeset and Reused count the village ledgers typeset by this call
	// and those joined from the cache.
	Typeset, Reused int
	// Prune removes from the caches (PublishOptions.Cache and Files) every
	// entry this call did not use: the caches hold one town's ledgers, not
	// every version of them. Call it once the files are published, so that
	// a build that fails after Publish leaves the caches of the last good
	// one. Nil when there is nothing to prune. Failing to prune costs disk
	// space, not correctness.
	Prune func()
}

// Publish writes the town notice (通报.pdf) and every configured village's
// ledger (台账/<村>.pdf) through add. Each ledger is typeset once (or
// taken from the cache), on opts.Workers goroutines, into pages held in
// memory until both files it goes into have them (a few ledgers at a
// time); the town notice is the notice's own pages followed by every ledger's
// pages, its page numbers and 附件N labels drawn over them, and one set of
// fonts covering them all; a village's file is its ledger's pages numbered
// from 1 with the ledger's own fonts. Nothing holds a whole document in
// memory.
func Publish(ctx context.Context, in Input, add Sink, opts PublishOptions) (*Published, error) {
	t, err := prepareTown(in)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	pub := &Published{Fonts: t.fonts}
	if err := t.publish(ctx, opts, true, add, res, pub); err != nil {
		return nil, err
	}
	pub.Diagnostics = res.Diagnostics
	return pub, nil
}

// ledgerChunk is a village's ledger typeset once: a page set
// (typeset.NewPageSet) of its pages, without page numbers and with the
// label's line left empty, held in memory until both files it goes into
// are joined (publishRun.ahead bounds how many are).
type ledgerChunk struct {
	// src is the pages, opened on their bytes. A Source is read-only once
	// opened: the village's file and the town notice join from it at once.
	src     *pdfjoin.Source
	data    []byte // src's bytes
	pages   int
	runes   typeset.RuneSet // every character drawn, and the page numbers'
	missing []typeset.MissingGlyph
}

// labelStyle is the 附件N label's: 黑体 三号, flush left, on the first line.
var labelStyle = typeset.Style{Role: typeset.RoleHei, Size: sizeBody, Align: typeset.Left}

// typesetLedger typesets village v's ledger. Everything it reads is in its
// arguments, and ledgerKey digests them all: a new input must be added
// there too, or a kept ledger made without it would be used.
func typesetLedger(fonts *typeset.FontSet, cfg *config.Config, v ledger.Village, items []ledger.Item) (*ledgerChunk, error) {
	layout := typeset.Official()
	// A page set: the pages only, their fonts named, not embedded — both
	// files this ledger is joined into embed fonts of their own.
	d := typeset.NewPageSet(fonts, layout)
	d.SetPageNumbers(false)
	title := breakTitle(AttachmentTitle(v, cfg.Round), titleCapacity(landscapeWidth), v.Org, cfg.Round)
	d.NewPage(typeset.Landscape)
	// The 附件N label's line (one line of the grid, as a paragraph of body
	// size takes), then the blank line below it.
	d.BlankLines(2)
	d.Title(title)
	d.BlankLines(1)
	ledgerTable(d, items, cfg.Publish)
	c := &ledgerChunk{pages: d.Pages(), missing: d.Missing()}
	// The fonts of the village's own file are cut to this ledger's
	// characters: its page numbers' too.
	numbers, err := typeset.NewOverlay(fonts, layout).NumberRunes(typeset.Landscape)
	if err != nil {
		return nil, err
	}
	c.runes = d.Runes()
	c.runes.Add(numbers)

	var b bytes.Buffer
	b.Grow(d.SizeHint()) // one allocation, not a doubling's worth
	if err := d.Write(&b); err != nil {
		return nil, err
	}
	c.data = b.Bytes()
	if c.src, err = pdfjoin.OpenBytes(c.data); err != nil {
		return nil, err
	}
	return c, nil
}

// joinVillage writes a village's file from its ledger: the pages numbered
// from 1, the fonts cut to the ledger's characters.
func joinVillage(w io.Writer, c *ledgerChunk, fonts *typeset.FontSet, info pdfjoin.Info) error {
	src := c.src
	if src.Pages() != c.pages {
		return fmt.Errorf("台账有 %d 页，应为 %d 页", src.Pages(), c.pages)
	}
	fontSrc, done, err := fontSource(c.runes)
	if err != nil {
		return err
	}
	defer done()
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
	return j.Close(fontSrc, info)
}

// fontSource is the font source (typeset.WriteFontSource) of a joined PDF
// whose pages draw rs; call done once the PDF is closed, and use the
// source no more: its buffer goes back to be used again.
func fontSource(rs typeset.RuneSet) (src *pdfjoin.Source, done func(), err error) {
	b := fontBuffers.Get().(*bytes.Buffer)
	b.Reset()
	done = func() { fontBuffers.Put(b) }
	if err := typeset.WriteFontSource(b, rs); err != nil {
		done()
		return nil, nil, err
	}
	if src, err = pdfjoin.OpenBytes(b.Bytes()); err != nil {
		done()
		return nil, nil, err
	}
	return src, done, nil
}

// fontBuffers keep the buffers font sources are written into: a village's
// file takes a megabyte or so of fonts, and a town two thousand files.
var fontBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// job is one village's ledger on its way: typeset (or taken from the
// cache), then joined into the village's file and the town notice,
// whichever comes last dropping its pages.
type job struct {
	v     ledger.Village
	c     *ledgerChunk
	err   error
	ready chan struct{} // closed when c or err is set
	refs  atomic.Int32
}

// release drops one user of the job's ledger.
func (j *job) release() {
	if j.refs.Add(-1) != 0 || j.c == nil {
		return
	}
	// The last user: its pages and characters are in both files now.
	// Dropping them keeps a big town's memory to the ledgers still being
	// joined.
	j.c.runes = typeset.RuneSet{}
	j.c.src, j.c.data = nil, nil
}

// aheadPerWorker bounds, per worker, how many ledgers may be ready or on
// their way beyond the one the town notice is joining.
var aheadPerWorker = 8 // a test makes it 1

// publishRun is one publish's shared state.
type publishRun struct {
	t        *town
	opts     PublishOptions
	villages bool // write each village's file too
	add      Sink
	keys     *ledgerKeys // nil: no cache
	jobs     []*job
	ahead    chan struct{}         // one per ledger started and not yet joined into the town notice
	diags    [][]ledger.Diagnostic // each village file's
	done     atomic.Int32          // files written
	total    int
	// typeset and reused count the ledgers made and taken from the cache.
	typeset, reused atomic.Int32
}

func (p *publishRun) tick() {
	n := p.done.Add(1)
	if p.opts.Progress != nil {
		p.opts.Progress(int(n), p.total)
	}
}

// publish typesets the ledgers on opts.Workers goroutines and joins them:
// into each village's file when villages is true, and into the town notice
// (res gets its page count and every diagnostic, pub the counts).
func (t *town) publish(ctx context.Context, opts PublishOptions, villages bool, add Sink, res *Result, pub *Published) error {
	cfg := t.in.Config
	p := &publishRun{t: t, opts: opts, villages: villages, add: add, total: 1,
		ahead: make(chan struct{}, aheadPerWorker*max(opts.Workers, 1))}
	p.jobs = make([]*job, len(cfg.Villages))
	p.diags = make([][]ledger.Diagnostic, len(cfg.Villages))
	for i, v := range cfg.Villages {
		p.jobs[i] = &job{v: v, ready: make(chan struct{})}
		p.jobs[i].refs.Store(1)
		if villages {
			p.jobs[i].refs.Store(2)
		}
	}
	if villages {
		p.total += len(p.jobs)
	}
	if opts.Cache != nil {
		// A cache that cannot be keyed (the program file unreadable) is
		// not used: the build typesets everything, as with --no-cache.
		p.keys, _ = t.ledgerKeys(opts.Version)
		if p.keys != nil && opts.Files != nil && villages {
			p.keys.file = map[string]string{}
			for _, v := range cfg.Villages {
				p.keys.file[v.Name] = fileKey(p.keys.village[v.Name], t.villageInfo(v))
			}
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(opts.Workers, 1))

	// The town notice is joined as the ledgers come, in order. It watches
	// ctx, not gctx, which ends when Wait returns; a failing ledger cancels
	// ctx too.
	townErr := make(chan error, 1)
	go func() {
		err := add(TownFile, func(w io.Writer) error { return t.joinTown(ctx, w, p.jobs, p.ahead, res) })
		if err != nil {
			cancel()
		} else {
			p.tick()
		}
		townErr <- err
	}()
	for i := range p.jobs {
		// A ledger starts only when the town notice has joined all but
		// the last few before it (p.ahead, taken here in order): kept
		// ledgers come much faster than the town joins them, and each
		// holds its pages in memory until it is joined.
		var err error
		select {
		case p.ahead <- struct{}{}:
			err = gctx.Err()
		case <-gctx.Done():
			err = gctx.Err()
		}
		if err != nil {
			for _, j := range p.jobs[i:] {
				j.err = err
				close(j.ready)
			}
			break
		}
		g.Go(func() error {
			err := p.run(gctx, i)
			if err != nil {
				cancel()
			}
			return err
		})
	}
	gerr := g.Wait()
	terr := <-townErr
	// The first error that is not another's cancelling.
	for _, err := range []error{gerr, terr, ctx.Err()} {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	if err := cmp.Or(gerr, terr, ctx.Err()); err != nil {
		return err
	}
	for _, ds := range p.diags {
		res.Diagnostics = append(res.Diagnostics, ds...)
	}
	if pub != nil {
		pub.Typeset, pub.Reused = int(p.typeset.Load()), int(p.reused.Load())
	}
	if p.keys != nil && pub != nil {
		keys := p.keys
		pub.Prune = func() {
			opts.Cache.Keep(keySet(keys.village))
			if keys.file != nil {
				opts.Files.Keep(keySet(keys.file))
			}
		}
	}
	return nil
}

// keySet is the set of m's values.
func keySet(m map[string]string) map[string]bool {
	keep := make(map[string]bool, len(m))
	for _, k := range m {
		keep[k] = true
	}
	return keep
}

// run makes the i-th village's ledger and, when villages is set, its file.
func (p *publishRun) run(ctx context.Context, i int) error {
	j := p.jobs[i]
	if err := ctx.Err(); err != nil {
		j.err = err
		close(j.ready)
		return err
	}
	var hit bool
	j.c, hit, j.err = p.t.ledger(j.v, p.keys, p.opts)
	switch {
	case j.err != nil:
		j.err = fmt.Errorf("写出 %s 失败：%w", TownFile, j.err)
	case hit:
		p.reused.Add(1)
	default:
		p.typeset.Add(1)
	}
	close(j.ready)
	if !p.villages || j.err != nil {
		return j.err
	}
	defer j.release()
	rel := villageFile(j.v.Name)
	if !p.standing(rel, j.v) {
		info := p.t.villageInfo(j.v)
		fill := func(w io.Writer) error { return joinVillage(w, j.c, p.t.fonts, info) }
		if p.keys != nil && p.keys.file != nil {
			fill = keptFile(p.opts.Files, p.keys.file[j.v.Name], fill)
		}
		if err := p.add(rel, fill); err != nil {
			return fmt.Errorf("写出 %s 失败：%w", rel, err)
		}
	}
	p.diags[i] = missingDiags(j.c.missing, rel, p.t.villageItems(j.v.Name))
	p.tick()
	return nil
}

// standing reports whether village v's file, rel, is kept and already
// published with the kept bytes (PublishOptions.Standing).
func (p *publishRun) standing(rel string, v ledger.Village) bool {
	if p.opts.Standing == nil || p.keys == nil || p.keys.file == nil {
		return false
	}
	sum, size, ok := p.opts.Files.Checksum(p.keys.file[v.Name])
	return ok && p.opts.Standing(rel, size, func(data []byte) bool { return cache.ChecksumOf(data) == sum })
}

// villageInfo is the document information of village v's own file.
func (t *town) villageInfo(v ledger.Village) pdfjoin.Info {
	return t.info(AttachmentTitle(v, t.in.Config.Round), nil)
}

// joinTown writes the town notice: the notice's pages, then each ledger's
// as its chunk is ready, and at the end the fonts, subset to every
// character drawn on any page.
func (t *town) joinTown(ctx context.Context, w io.Writer, jobs []*job, ahead <-chan struct{}, res *Result) error {
	res.Diagnostics = append([]ledger.Diagnostic(nil), t.diags...)
	// The notice's own pages are set first — their number is where the
	// attachments' begin — but written (fpdf's part, a fifth of the
	// town's join in a rebuild) while the attachments are joined, and
	// added last, then moved to the front.
	d := t.typesetBody()
	bodyPages := d.Pages()
	runes := d.Runes()
	missing := d.Missing()
	seen := map[rune]bool{}
	for _, m := range missing {
		seen[m.Rune] = true
	}
	type written struct {
		pdf []byte
		err error
	}
	bodyPDF := make(chan written, 1)
	go func() {
		var b bytes.Buffer
		err := d.Write(&b)
		bodyPDF <- written{b.Bytes(), err}
	}()
	j := pdfjoin.NewWriter(w)
	// The ledgers' page numbers and 附件N labels are drawn on a
	// goroutine of their own, a village or two ahead of the join: the
	// join, one goroutine, is the longest path of a rebuild.
	ov := typeset.NewOverlay(t.fonts, typeset.Official())
	marksCtx, stopMarks := context.WithCancel(ctx)
	defer stopMarks()
	marks := make(chan villageMarks, 2)
	go t.drawMarks(marksCtx, ov, jobs, bodyPages+1, marks)
	title := strings.ReplaceAll(t.title, "\n", "")
	outline := []pdfjoin.Bookmark{{Title: title, Page: 0}}
	for k, jb := range jobs {
		var m villageMarks
		select {
		case m = <-marks: // drawn once jb was ready
		case <-ctx.Done():
			return ctx.Err()
		}
		if m.err != nil {
			return m.err
		}
		if m.pages == nil {
			return ctx.Err() // drawing stopped: the build is cancelled
		}
		v := t.data.Villages[k]
		outline = append(outline, pdfjoin.Bookmark{Title: "附件" + strconv.Itoa(v.Number) + "　" + v.Name, Page: bodyPages + j.Pages()})
		// What the town takes of the chunk besides its pages, before
		// joinLedger releases it.
		runes.Add(jb.c.runes)
		for _, m := range jb.c.missing {
			if !seen[m.Rune] {
				seen[m.Rune] = true
				missing = append(missing, m)
			}
		}
		if err := joinLedger(j, jb, m.pages); err != nil {
			return err
		}
		<-ahead
	}
	for range marks {
		// drawMarks has drawn its last: its overlay's characters are all in.
	}
	body := <-bodyPDF
	if body.err != nil {
		return fmt.Errorf("写出 %s 失败：%w", TownFile, body.err)
	}
	src, err := pdfjoin.OpenBytes(body.pdf)
	if err != nil {
		return err
	}
	if src.Pages() != bodyPages {
		return fmt.Errorf("通报正文有 %d 页，应为 %d 页", src.Pages(), bodyPages)
	}
	for i := range bodyPages {
		if err := j.AddPage(src, i, nil); err != nil {
			return err
		}
	}
	j.MoveToFront(bodyPages)
	runes.Add(ov.Runes())
	fonts, done, err := fontSource(runes)
	if err != nil {
		return err
	}
	defer done()
	res.Pages = j.Pages()
	res.Diagnostics = append(res.Diagnostics, missingDiags(missing, TownFile, t.in.Items)...)
	return j.Close(fonts, t.info(title, outline))
}

// villageMarks are the overlays of a village's ledger pages in the town
// notice, one per page, or the error that stopped them.
type villageMarks struct {
	pages [][]byte
	err   error
}

// drawMarks draws, for each ledger as its job is ready, the overlays of
// its pages in the town notice — the page numbers running on from first,
// 附件N on the first page — and sends them to out in order, closing it
// when done or when ctx ends.
func (t *town) drawMarks(ctx context.Context, ov *typeset.Overlay, jobs []*job, first int, out chan<- villageMarks) {
	defer close(out)
	n := first
	for k, jb := range jobs {
		select {
		case <-jb.ready:
		case <-ctx.Done():
			return
		}
		m := villageMarks{err: jb.err}
		if m.err == nil {
			label := "附件" + strconv.Itoa(t.data.Villages[k].Number)
			m.pages = make([][]byte, jb.c.pages)
			for i := range m.pages {
				if m.pages[i], m.err = ov.Page(typeset.Landscape, n, label, labelStyle); m.err != nil {
					break
				}
				n++
				label = ""
			}
		}
		select {
		case out <- m:
		case <-ctx.Done():
			return
		}
		if m.err != nil {
			return
		}
	}
}

// joinLedger adds a village's ledger to the town notice, each page with
// its overlay (drawMarks).
func joinLedger(j *pdfjoin.Writer, jb *job, marks [][]byte) error {
	defer jb.release()
	src := jb.c.src
	if src.Pages() != jb.c.pages || len(marks) != jb.c.pages {
		return fmt.Errorf("台账有 %d 页，应为 %d 页", src.Pages(), jb.c.pages)
	}
	for i, b := range marks {
		if err := j.AddPage(src, i, b); err != nil {
			return err
		}
	}
	return nil
}
