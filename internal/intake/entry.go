package intake

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unsafe"

	"github.com/cespare/xxhash/v2"

	"github.com/taizhang/taizhang/internal/ledger"
)

// An entry is a seal, then the Result in the encoding below: every field
// of Result and of what it holds, json:"-" ones too (a task's FromSection,
// MergedUp and Layout), but File.Path, which is not in the key (a
// workspace moved keeps its cache): the caller's path is set when the
// entry is used.
//
// The seal is a checksum (XXH64) of the key and the rest: the store's
// record says the bytes are whole, the seal that they are the reading made
// under this key — an entry of another key, or changed, whose record was
// made to match, is not used. Not a defence against someone who writes
// the cache on purpose (they can run any program as the clerk), but
// against the copies and repairs of folders that happen: as the store's
// own check, a checksum that no such accident passes, at a small part of
// SHA-256's cost (a rebuild checks every village's entry).
//
// The encoding is written for a rebuild, which decodes every village's
// entry: integers are varints, a string is its length and bytes, a slice
// its length plus one (0 for nil, so that nil and empty stay apart), and
// the tasks' layouts are written once each, the tasks naming theirs by
// number, so that decoding shares them as reading does. Decoding takes
// every string of the Result from the entry's own bytes, no copy: no
// allocation for all the text of a village's ledger, where gob made one per
// string (and compiled its types again for every entry).
//
// What the encoding covers is guarded twice: entryShape, the names and
// types of every field it covers, is part of every key (a field added
// changes every key, so an entry written without it is never decoded as
// if it had it), and TestEntryCoversEveryField fills every field of a
// Result and wants it back from its entry (a field the code below forgets
// fails it).

// encodeEntry is res's entry under key.
func encodeEntry(key string, res *Result) ([]byte, error) {
	e := encoder{b: make([]byte, sealSize, sealSize+entrySizeHint(res))}
	e.result(res)
	binary.LittleEndian.PutUint64(e.b, sealOf(key, e.b[sealSize:]))
	return e.b, nil
}

// decodeEntry is the Result of entry, when it is sealed under key and
// decodes whole; its Path is "". The Result's strings are entry's bytes
// (unsafe.String): entry must never be written again — Kept.get's comes
// from a file read for this call alone.
func decodeEntry(key string, entry []byte) (*Result, bool) {
	if len(entry) < sealSize || binary.LittleEndian.Uint64(entry) != sealOf(key, entry[sealSize:]) {
		return nil, false
	}
	p := entry[sealSize:]
	d := decoder{s: unsafe.String(unsafe.SliceData(p), len(p))}
	res := d.result()
	if d.err != nil || d.i != len(d.s) {
		return nil, false
	}
	return res, true
}

// sealSize is the size of an entry's seal, which comes first.
const sealSize = 8

func sealOf(key string, payload []byte) uint64 {
	h := xxhash.New()
	h.WriteString(key)
	h.Write(payload)
	return h.Sum64()
}

// entrySizeHint guesses the size of res's entry, so that encoding grows
// its buffer once or not at all.
func entrySizeHint(res *Result) int {
	n := 256
	for i := range res.Items {
		it := &res.Items[i]
		n += 64 + len(it.Village) + len(it.Seq) + len(it.Category) + len(it.Problem) + len(it.Measures) +
			len(it.Lead) + len(it.Unit) + len(it.Person) + len(it.Deadline.Text) + len(it.Progress) +
			len(it.Status) + len(it.Evidence) + len(it.Note) + len(it.Source.File) + len(it.Source.Sheet)
	}
	for i := range res.Diagnostics {
		n += 32 + len(res.Diagnostics[i].Message)
	}
	return n
}

type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int64(v int64) { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) int(v int)     { e.int64(int64(v)) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// count writes a slice's length, 0 for nil.
func (e *encoder) count(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

func (e *encoder) date(d ledger.Date) { e.int(d.Year); e.int(int(d.Month)); e.int(d.Day) }

func (e *encoder) result(r *Result) {
	f := &r.File
	e.str(f.Name)
	e.str(f.Village)
	e.str(f.Sheet)
	e.int(f.RowsRead)
	e.int(f.Items)
	e.str(f.SHA256)
	e.int64(f.Size)
	e.bool(f.Rejected)
	e.bool(f.Unread)
	e.count(len(f.Sheets), f.Sheets == nil)
	for i := range f.Sheets {
		s := &f.Sheets[i]
		e.str(s.Sheet)
		e.bool(s.Read)
		e.str(s.Reason)
		e.str(s.Village)
		e.int(s.Tasks)
		e.int(s.FirstRow)
		e.int(s.LastRow)
		e.count(len(s.Skipped), s.Skipped == nil)
		for _, n := range s.Skipped {
			e.int(n.Row)
			e.str(n.Reason)
		}
		e.count(len(s.SkippedColumns), s.SkippedColumns == nil)
		for _, c := range s.SkippedColumns {
			e.str(c.Column)
			e.str(c.Header)
			e.str(c.Reason)
		}
	}

	// The layouts, each once, in the order the tasks first name them.
	layouts := map[*ledger.Layout]int{}
	var order []*ledger.Layout
	for i := range r.Items {
		if l := r.Items[i].Source.Layout; l != nil {
			if _, ok := layouts[l]; !ok {
				layouts[l] = len(order)
				order = append(order, l)
			}
		}
	}
	e.uint(uint64(len(order)))
	for _, l := range order {
		for _, c := range l {
			e.str(c)
		}
	}
	e.count(len(r.Items), r.Items == nil)
	for i := range r.Items {
		it := &r.Items[i]
		e.str(it.Village)
		e.str(it.Seq)
		e.str(it.Category)
		e.str(it.Problem)
		e.str(it.Measures)
		e.str(it.Lead)
		e.str(it.Unit)
		e.str(it.Person)
		e.uint(uint64(it.Deadline.Kind))
		e.date(it.Deadline.Date)
		e.str(it.Deadline.Text)
		e.str(it.Progress)
		e.str(string(it.Status))
		e.date(it.Done)
		e.str(it.Evidence)
		e.str(it.Note)
		e.str(it.Source.File)
		e.str(it.Source.Sheet)
		e.int(it.Source.Row)
		if l := it.Source.Layout; l != nil {
			e.uint(uint64(layouts[l]) + 1)
		} else {
			e.uint(0)
		}
		e.bool(it.FromSection)
		e.uint(uint64(it.MergedUp))
	}
	e.count(len(r.Diagnostics), r.Diagnostics == nil)
	for i := range r.Diagnostics {
		d := &r.Diagnostics[i]
		e.uint(uint64(d.Severity))
		e.str(d.Code)
		e.str(d.File)
		e.str(d.Sheet)
		e.str(d.Cell)
		e.int(d.Row)
		e.str(d.Column)
		e.str(d.Message)
	}
}

// decoder reads an entry's payload; its strings are substrings of s.
// After the first error every read returns zero.
type decoder struct {
	s   string
	i   int
	err error
}

var errEntry = errors.New("the entry does not decode")

func (d *decoder) fail() { d.err, d.i = errEntry, len(d.s) }

func (d *decoder) uint() uint64 {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if d.i >= len(d.s) {
			d.fail()
			return 0
		}
		c := d.s[d.i]
		d.i++
		if c < 0x80 {
			return v | uint64(c)<<shift
		}
		v |= uint64(c&0x7f) << shift
	}
	d.fail()
	return 0
}

func (d *decoder) int64() int64 {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *decoder) int() int { return int(d.int64()) }

func (d *decoder) str() string {
	n := d.uint()
	if n > uint64(len(d.s)-d.i) {
		d.fail()
		return ""
	}
	s := d.s[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

func (d *decoder) bool() bool {
	switch d.uint() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

// count reads a slice's length: -1 for nil. A length no entry of this
// size could hold (each element takes a byte at least) is an error, so
// that a damaged length allocates nothing.
func (d *decoder) count() int {
	n := d.uint()
	if n == 0 {
		return -1
	}
	if n-1 > uint64(len(d.s)-d.i) {
		d.fail()
		return -1
	}
	return int(n - 1)
}

func (d *decoder) date() ledger.Date {
	return ledger.Date{Year: d.int(), Month: time.Month(d.int()), Day: d.int()}
}

func (d *decoder) result() *Result {
	r := new(Result)
	f := &r.File
	f.Name = d.str()
	f.Village = d.str()
	f.Sheet = d.str()
	f.RowsRead = d.int()
	f.Items = d.int()
	f.SHA256 = d.str()
	f.Size = d.int64()
	f.Rejected = d.bool()
	f.Unread = d.bool()
	if n := d.count(); n >= 0 {
		f.Sheets = make([]SheetUse, n)
		for i := range f.Sheets {
			s := &f.Sheets[i]
			s.Sheet = d.str()
			s.Read = d.bool()
			s.Reason = d.str()
			s.Village = d.str()
			s.Tasks = d.int()
			s.FirstRow = d.int()
			s.LastRow = d.int()
			if n := d.count(); n >= 0 {
				s.Skipped = make([]RowNote, n)
				for j := range s.Skipped {
					s.Skipped[j] = RowNote{Row: d.int(), Reason: d.str()}
				}
			}
			if n := d.count(); n >= 0 {
				s.SkippedColumns = make([]ColumnNote, n)
				for j := range s.SkippedColumns {
					s.SkippedColumns[j] = ColumnNote{Column: d.str(), Header: d.str(), Reason: d.str()}
				}
			}
		}
	}

	nl := d.uint()
	if nl > uint64(len(d.s)-d.i) {
		d.fail()
		return r
	}
	layouts := make([]ledger.Layout, nl)
	for i := range layouts {
		for c := range layouts[i] {
			layouts[i][c] = d.str()
		}
	}
	if n := d.count(); n >= 0 {
		r.Items = make([]ledger.Item, n)
		for i := range r.Items {
			it := &r.Items[i]
			it.Village = d.str()
			it.Seq = d.str()
			it.Category = d.str()
			it.Problem = d.str()
			it.Measures = d.str()
			it.Lead = d.str()
			it.Unit = d.str()
			it.Person = d.str()
			it.Deadline.Kind = ledger.DeadlineKind(d.uint())
			it.Deadline.Date = d.date()
			it.Deadline.Text = d.str()
			it.Progress = d.str()
			it.Status = ledger.Status(d.str())
			it.Done = d.date()
			it.Evidence = d.str()
			it.Note = d.str()
			it.Source.File = d.str()
			it.Source.Sheet = d.str()
			it.Source.Row = d.int()
			switch l := d.uint(); {
			case l > uint64(len(layouts)):
				d.fail()
			case l > 0:
				it.Source.Layout = &layouts[l-1]
			}
			it.FromSection = d.bool()
			it.MergedUp = ledger.ColumnSet(d.uint())
		}
	}
	if n := d.count(); n >= 0 {
		r.Diagnostics = make([]ledger.Diagnostic, n)
		for i := range r.Diagnostics {
			x := &r.Diagnostics[i]
			x.Severity = ledger.Severity(d.uint())
			x.Code = d.str()
			x.File = d.str()
			x.Sheet = d.str()
			x.Cell = d.str()
			x.Row = d.int()
			x.Column = d.str()
			x.Message = d.str()
		}
	}
	return r
}

// entryShape names every type and field an entry covers, in order: it is
// part of every key, so that a field added to Result, File, ledger.Item …
// makes every key new.
var entryShape = shapeOf(reflect.TypeFor[Result]())

func shapeOf(t reflect.Type) string {
	var b strings.Builder
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		fmt.Fprintf(&b, "%s:%s", t.String(), t.Kind())
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice:
			b.WriteString("(")
			walk(t.Elem())
			b.WriteString(")")
		case reflect.Array:
			fmt.Fprintf(&b, "[%d](", t.Len())
			walk(t.Elem())
			b.WriteString(")")
		case reflect.Struct:
			if seen[t] {
				return
			}
			seen[t] = true
			b.WriteString("{")
			for i := range t.NumField() {
				fmt.Fprintf(&b, "%s ", t.Field(i).Name)
				walk(t.Field(i).Type)
				b.WriteString(";")
			}
			b.WriteString("}")
		}
	}
	walk(t)
	return b.String()
}
