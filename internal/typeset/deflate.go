package typeset

import (
	"io"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// deflaters keeps BestSpeed zlib writers between page sets and font
// sources: each holds about a megabyte of tables, which a build would
// otherwise make anew for every ledger and every village's fonts — a
// tenth of everything a build allocates, and so of its garbage collection.
var deflaters = sync.Pool{New: func() any {
	z, _ := zlib.NewWriterLevel(io.Discard, zlib.BestSpeed)
	return z
}}

// getDeflater returns a BestSpeed zlib writer onto w, as new
// (zlib.Writer.Reset); give it back with putDeflater.
func getDeflater(w io.Writer) *zlib.Writer {
	z := deflaters.Get().(*zlib.Writer)
	z.Reset(w)
	return z
}

func putDeflater(z *zlib.Writer) {
	z.Reset(io.Discard) // holds on to no output
	deflaters.Put(z)
}
