package workbook

import (
	"archive/zip"
	"compress/flate"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
)

// sortedZip is the zip writer excelize saves the workbook through. It
// writes straight to the output, except the worksheets: excelize writes
// the streamed ones first in the order of a map, so they are held back,
// compressed into temporary files, and written last in name order. The same
// workbook then always gives the same bytes.
type sortedZip struct {
	zw      *zip.Writer
	held    []*heldPart
	written int // parts written, held or not
	closed  bool
}

func newSortedZip(w io.Writer) *sortedZip {
	return &sortedZip{zw: zip.NewWriter(w)}
}

// heldPart is a worksheet compressed into a temporary file.
type heldPart struct {
	name string
	tmp  *os.File
	fw   *flate.Writer
	crc  hash.Hash32
	size uint64
	err  error
}

func (p *heldPart) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	p.crc.Write(b)
	p.size += uint64(len(b))
	n, err := p.fw.Write(b)
	p.err = err
	return n, err
}

func (z *sortedZip) Create(name string) (io.Writer, error) {
	z.written++
	if !strings.HasPrefix(name, "xl/worksheets/sheet") {
		return z.zw.Create(name)
	}
	tmp, err := os.CreateTemp("", "taizhang-sheet-")
	if err != nil {
		return nil, err
	}
	fw, _ := flate.NewWriter(tmp, flate.DefaultCompression)
	p := &heldPart{name: name, tmp: tmp, fw: fw, crc: crc32.NewIEEE()}
	z.held = append(z.held, p)
	return p, nil
}

func (z *sortedZip) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }

// Close writes the held worksheets in name order and ends the archive.
func (z *sortedZip) Close() error {
	if z.closed {
		return nil
	}
	z.closed = true
	defer z.cleanup()
	sort.Slice(z.held, func(i, j int) bool { return z.held[i].name < z.held[j].name })
	for _, p := range z.held {
		if err := z.copyHeld(p); err != nil {
			return err
		}
	}
	return z.zw.Close()
}

func (z *sortedZip) copyHeld(p *heldPart) error {
	if p.err != nil {
		return p.err
	}
	if err := p.fw.Close(); err != nil {
		return err
	}
	n, err := p.tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if _, err := p.tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	w, err := z.zw.CreateRaw(&zip.FileHeader{
		Name:               p.name,
		Method:             zip.Deflate,
		CRC32:              p.crc.Sum32(),
		CompressedSize64:   uint64(n),
		UncompressedSize64: p.size,
	})
	if err != nil {
		return err
	}
	_, err = io.Copy(w, p.tmp)
	return err
}

// cleanup removes the temporary files.
func (z *sortedZip) cleanup() {
	for _, p := range z.held {
		p.tmp.Close()
		os.Remove(p.tmp.Name())
	}
	z.held = nil
}
