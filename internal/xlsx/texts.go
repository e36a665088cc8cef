package xlsx

import (
	"math"
	"sync"
	"unsafe"
)

// texts gathers the texts kept from one part (a sheet's cells, the shared
// strings) into a single string, made once the part is read: not a string
// per cell. A ledger's text is most of what a build holds — a town of
// 2,000 villages × 100 tasks has about 250 MB of it in some two million
// cells — and as millions of small strings every collection marked and
// swept each one; as one string a part, they are a few thousand objects.
// One string of exactly their length: blocks filled as the cells come would
// leave a part's last one part empty, 40 % more memory in that town.
//
// While the part is read, a kept text is a view of bytes about to be
// written again (the reader's buffer): keep copies it here and the caller
// leaves the place empty; finish fills every place at the end.
type texts struct {
	buf  []byte
	refs []textRef
}

// textRef is where a kept text goes (i, j: the caller's indices) and where
// it is in buf.
type textRef struct{ i, j, off, n int32 }

// gathered is the shortest text keep gathers: a shorter one (a number, a
// name, a date) is copied on its own, cheaper than its place in refs, and
// one byte long costs nothing (the runtime has those strings).
const gathered = 16

// take is what the reader keeps of s, the text for place (i, j), read from
// buf: s itself when it is not a view of buf, else keep's.
func (t *texts) take(i, j int, s string, buf []byte) string {
	if !within(s, buf) {
		return s
	}
	return t.keep(i, j, s)
}

// keep returns s, the text for place (i, j), when it is short, as a copy;
// else "", s then copied into buf, to be set at (i, j) by finish.
func (t *texts) keep(i, j int, s string) string {
	if len(s) < gathered || len(t.buf)+len(s) > math.MaxInt32 || i > math.MaxInt32 || j > math.MaxInt32 {
		return string([]byte(s))
	}
	if t.buf == nil {
		g := gatherings.Get().(*gathering)
		t.buf, t.refs = g.buf[:0], g.refs[:0]
	}
	t.refs = append(t.refs, textRef{int32(i), int32(j), int32(len(t.buf)), int32(len(s))})
	t.buf = append(t.buf, s...)
	return ""
}

// finish calls set for every kept text, each a part of one string.
func (t *texts) finish(set func(i, j int, s string)) {
	if t.buf == nil {
		return
	}
	all := string(t.buf)
	for _, r := range t.refs {
		set(int(r.i), int(r.j), all[r.off:r.off+r.n])
	}
	gatherings.Put(&gathering{t.buf, t.refs})
	t.buf, t.refs = nil, nil
}

// gatherings are the buffers of parts read before, for the next: a
// sheet's are grown once, not at every sheet of every workbook (the
// string finish makes is a copy; nothing refers to them after).
var gatherings = sync.Pool{New: func() any { return new(gathering) }}

type gathering struct {
	buf  []byte
	refs []textRef
}

// view is b's bytes as a string without a copy: valid only until b is next
// written, so whatever of it is kept must be copied (within tells).
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// within reports whether s, not empty, lies in b's memory: a view of it or
// of a part of it.
func within(s string, b []byte) bool {
	if len(s) == 0 || cap(b) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(b[:cap(b)])))
	return p >= lo && p < lo+uintptr(cap(b))
}
