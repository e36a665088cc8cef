package workbook

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// tasksPart is the 汇总 sheet's part: the first sheet of a new excelize
// file, renamed, is sheet1.
const tasksPart = "xl/worksheets/sheet1.xml"

// zipWriter is what excelize saves a workbook through, and says how many
// parts it was given.
type zipWriter interface {
	excelize.ZipWriter
	parts() int
}

// sortedZip is the zip writer excelize saves the workbook through. It
// writes straight to the output, except the worksheets: excelize writes
// the streamed ones first in the order of a map, so they are held back,
// compressed into temporary files, and written last in name order. The same
// workbook then always gives the same bytes. Worksheets compressed before
// (a Draft's) are given as ready, and take the place of the ones excelize
// writes under their names.
type sortedZip struct {
	zw      *zip.Writer
	dir     string // for the temporary files; "" for the system's
	held    []*heldPart
	ready   []*heldPart // not ours: never removed here
	written int         // parts written, held or not
	closed  bool
}

func newSortedZip(w io.Writer, dir string, ready ...*heldPart) *sortedZip {
	return &sortedZip{zw: zip.NewWriter(w), dir: dir, ready: ready}
}

func (z *sortedZip) parts() int { return z.written }

// heldPart is a worksheet compressed into a temporary file. The worksheets
// are nearly all of a workbook's bytes; klauspost/compress's deflate (the
// library excelize's maintainers point to for a faster save, excelize
// PR #2200) at its default level compresses them about three times faster
// than the standard library's, into a file a few per cent larger. The small
// parts keep archive/zip's own. A part is either deflated as it is written
// (newHeldPart), or put together from fragments deflated apart (newPiecedPart:
// 汇总), its CRC-32 combined from theirs.
type heldPart struct {
	name  string
	ctx   context.Context // nil: never cancelled
	tmp   *os.File
	fw    *flate.Writer // nil for a pieced part, and once finished
	crc   hash.Hash32   // of what went through fw
	sum   uint32        // the CRC-32: a pieced part's so far, the other's once finished
	size  uint64        // uncompressed
	csize int64         // compressed, once finished
	done  bool
	used  bool // a ready part excelize wrote again
	err   error
}

func newHeldPart(dir, name string) (*heldPart, error) {
	p, err := newPiecedPart(dir, name)
	if err != nil {
		return nil, err
	}
	p.fw, _ = flate.NewWriter(p.tmp, flate.DefaultCompression) // the level is valid
	p.crc = crc32.NewIEEE()
	return p, nil
}

// newPiecedPart is a part put together with add.
func newPiecedPart(dir, name string) (*heldPart, error) {
	tmp, err := os.CreateTemp(dir, "taizhang-sheet-")
	if err != nil {
		return nil, err
	}
	return &heldPart{name: name, tmp: tmp}, nil
}

func (p *heldPart) Write(b []byte) (int, error) {
	if p.err == nil && p.ctx != nil {
		p.err = p.ctx.Err()
	}
	if p.err != nil {
		return 0, p.err
	}
	p.crc.Write(b)
	p.size += uint64(len(b))
	n, err := p.fw.Write(b)
	p.err = err
	return n, err
}

// add appends a deflated fragment to a pieced part: the last one added
// must end the deflate stream.
func (p *heldPart) add(fr fragment) error {
	if p.err == nil && p.ctx != nil {
		p.err = p.ctx.Err()
	}
	if p.err != nil {
		return p.err
	}
	if _, p.err = p.tmp.Write(fr.data); p.err != nil {
		return p.err
	}
	p.sum = crc32Combine(p.sum, fr.crc, fr.size)
	p.size += fr.size
	return nil
}

// finish ends the compressed stream; it may be called again.
func (p *heldPart) finish() error {
	if p.err != nil || p.done {
		return p.err
	}
	if p.fw != nil {
		if p.err = p.fw.Close(); p.err != nil {
			return p.err
		}
		p.fw, p.sum = nil, p.crc.Sum32()
	}
	p.done = true
	p.csize, p.err = p.tmp.Seek(0, io.SeekCurrent)
	return p.err
}

// copyTo writes the part, as compressed, into zw.
func (p *heldPart) copyTo(zw *zip.Writer) error {
	if err := p.finish(); err != nil {
		return err
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name:               p.name,
		Method:             zip.Deflate,
		CRC32:              p.sum,
		CompressedSize64:   uint64(p.csize),
		UncompressedSize64: p.size,
	})
	if err != nil {
		return err
	}
	_, err = io.Copy(w, io.NewSectionReader(p.tmp, 0, p.csize))
	return err
}

func (p *heldPart) remove() {
	p.tmp.Close()
	os.Remove(p.tmp.Name())
}

func (z *sortedZip) Create(name string) (io.Writer, error) {
	z.written++
	for _, p := range z.ready {
		if p.name == name {
			p.used = true
			return io.Discard, nil
		}
	}
	if !strings.HasPrefix(name, "xl/worksheets/sheet") {
		return z.zw.Create(name)
	}
	p, err := newHeldPart(z.dir, name)
	if err != nil {
		return nil, err
	}
	z.held = append(z.held, p)
	return p, nil
}

func (z *sortedZip) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }

// Close writes the held worksheets, and the ready ones, in name order and
// ends the archive.
func (z *sortedZip) Close() error {
	if z.closed {
		return nil
	}
	z.closed = true
	defer z.cleanup()
	parts := append([]*heldPart(nil), z.held...)
	for _, p := range z.ready {
		if !p.used {
			return fmt.Errorf("excelize wrote no %s for the part made before", p.name)
		}
		parts = append(parts, p)
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].name < parts[j].name })
	for _, p := range parts {
		if err := p.copyTo(z.zw); err != nil {
			return err
		}
	}
	return z.zw.Close()
}

// cleanup removes the temporary files of the held parts.
func (z *sortedZip) cleanup() {
	for _, p := range z.held {
		p.remove()
	}
	z.held = nil
}

// draftZip is the zip writer a Draft saves its workbook through: it keeps
// the 汇总 sheet, its head and tail as excelize wrote them around the header
// row, with every village's rows between, kept or made (rest), compressed
// in fragments; and drops every other part.
type draftZip struct {
	ctx     context.Context
	dir     string // for the temporary file; "" for the system's
	in      Input
	runs    []villageRun
	kept    *keptRows    // nil when no rows are kept
	rest    *chunks      // the rows not kept
	sheet   bytes.Buffer // 汇总 as excelize wrote it, its header row only
	seen    bool
	tasks   *heldPart
	written int
	// made and reused count the villages whose rows were made and those
	// taken from the kept ones.
	made, reused int
}

func (z *draftZip) parts() int { return z.written }

func (z *draftZip) Create(name string) (io.Writer, error) {
	z.written++
	if name != tasksPart || z.seen {
		return io.Discard, nil
	}
	z.seen = true
	return &z.sheet, nil
}

func (z *draftZip) AddFS(fs.FS) error { return nil }

// Close compresses the kept sheet: its head and header row, every
// village's rows in order, kept or as they come, then its tail.
func (z *draftZip) Close() error {
	if !z.seen {
		return nil
	}
	header, head, tail, err := splitRows(z.sheet.Bytes())
	if err != nil {
		return err
	}
	p, err := newPiecedPart(z.dir, tasksPart)
	if err != nil {
		return err
	}
	p.ctx = z.ctx
	z.tasks = p
	var d deflater
	fr, err := d.fragment(z.sheet.Bytes()[:len(head)+len(header)], false)
	if err != nil {
		return err
	}
	if err := p.add(fr); err != nil {
		return err
	}
	var made []fragment // the chunk being taken
	k := -1
	for _, r := range z.runs {
		var fr fragment
		if r.chunk < 0 {
			ok := false
			if fr, ok = z.kept.get(r.key, r); ok {
				z.reused++
			} else { // not whole after all: made again, here
				frs, err := makeRuns(z.ctx, z.in, []villageRun{r}, z.kept, &d)
				if err != nil {
					return err
				}
				fr = frs[0]
				z.made++
			}
		} else {
			if r.chunk != k {
				if made, err = z.rest.next(r.chunk); err != nil {
					return err
				}
				k = r.chunk
			}
			fr = made[r.at]
			z.made++
		}
		if err := p.add(fr); err != nil {
			return err
		}
	}
	if fr, err = d.fragment(tail, true); err != nil {
		return err
	}
	if err := p.add(fr); err != nil {
		return err
	}
	z.sheet = bytes.Buffer{}
	return p.finish()
}

// remove removes the kept sheet, after a failure.
func (z *draftZip) remove() {
	if z.tasks != nil {
		z.tasks.remove()
		z.tasks = nil
	}
}
