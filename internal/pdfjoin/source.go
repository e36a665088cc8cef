// Package pdfjoin streams a PDF made of pages taken from other PDFs: each
// page's content streams copied byte for byte, an optional extra content
// stream drawn over it, and one shared set of fonts copied from a
// designated source. It reads what fpdf writes — a classic cross-reference
// table, no object streams, no encryption, one resource dictionary — and
// knows nothing of what the pages show.
//
// Fonts are matched by face, not by resource name: fpdf names a font
// /F<SHA-1 of its metrics>, which differs with the subset a document
// embeds, so each source's font names are mapped, through their /BaseFont
// (fpdf: "utf8" + the family key), to the font source's font of the same
// BaseFont — or, for a BaseFont ending in "+full" (a face a document had
// to embed in full besides its subset), of the BaseFont without it. The
// pages of each source get a resource dictionary of their own with those
// names, plus every font of the font source under its BaseFont (without
// "+full") as a name, for overlays. The font source must embed every glyph
// the pages use: the joiner checks the faces, the caller the glyphs.
//
// Memory holds offsets, never a joined document's pages: a large source is
// read object by object (a small file is read whole: OpenFile), and the
// output is written as the pages are added.
package pdfjoin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Source is an opened PDF. It is read-only once open: any number of
// Writers may copy pages from it at once.
type Source struct {
	r     io.ReaderAt
	size  int64
	objs  objIndex
	pages []page
	// fonts maps each font resource name the pages use to its object, in
	// the order of the resource dictionary; res is that dictionary.
	fonts []entry
	res   value
	// baseFonts is each font's /BaseFont, without the slash ("" if none).
	baseFonts []string
	f         *os.File // when opened by OpenFile
	// data is the whole file, when the Source was opened on its bytes
	// (OpenBytes): what the Source reads are slices of it, not copies.
	data []byte
}

type span struct{ off, end int64 }

// page is what a joined page takes from its source page.
type page struct {
	contents []int64 // content stream objects
	// boxes is the page's MediaBox and CropBox (inherited ones made
	// explicit) and any /Rotate, written out: " /MediaBox [0 0 595.28 841.89]".
	boxes []byte
}

// Open reads the structure of the PDF in r (size bytes): its
// cross-reference table, pages and resources.
func Open(r io.ReaderAt, size int64) (*Source, error) {
	s := &Source{r: r, size: size}
	if err := s.open(); err != nil {
		return nil, fmt.Errorf("pdfjoin: %w", err)
	}
	return s, nil
}

// OpenBytes parses the PDF b, which the Source reads from without copying
// it: b must not change while the Source is used.
func OpenBytes(b []byte) (*Source, error) {
	s := &Source{r: bytes.NewReader(b), size: int64(len(b)), data: b}
	if err := s.open(); err != nil {
		return nil, fmt.Errorf("pdfjoin: %w", err)
	}
	return s, nil
}

// wholeFile is the size up to which OpenFile reads a file at once: a
// village's pages are a few hundred kilobytes, and one read is much cheaper
// than one per object.
const wholeFile = 16 << 20

// OpenFile opens the PDF file at path; Close closes it. A file of up to
// wholeFile bytes is read whole; a larger one object by object.
func OpenFile(path string) (*Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.Size() <= wholeFile {
		b := make([]byte, st.Size())
		_, err := io.ReadFull(f, b)
		f.Close()
		if err != nil {
			return nil, err
		}
		s, err := OpenBytes(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return s, nil
	}
	s, err := Open(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.f = f
	return s, nil
}

// Close closes the file of a Source from OpenFile.
func (s *Source) Close() error {
	if s.f == nil {
		return nil
	}
	return s.f.Close()
}

// Pages is the number of pages.
func (s *Source) Pages() int { return len(s.pages) }

func (s *Source) read(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off+n > s.size {
		return nil, fmt.Errorf("offset %d+%d beyond the file (%d bytes)", off, n, s.size)
	}
	if s.data != nil {
		return s.data[off : off+n : off+n], nil
	}
	b := make([]byte, n)
	if _, err := s.r.ReadAt(b, off); err != nil && !(errors.Is(err, io.EOF) && off+n == s.size) {
		return nil, err
	}
	return b, nil
}

func (s *Source) open() error {
	// startxref: in the last kilobyte.
	tailLen := min(s.size, 1024)
	tail, err := s.read(s.size-tailLen, tailLen)
	if err != nil {
		return err
	}
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return errors.New("no startxref")
	}
	p := &parser{b: tail, pos: i + len("startxref")}
	v, err := p.value(0)
	if err != nil || v.kind != kInt || v.num <= 0 || v.num >= s.size {
		return errors.New("bad startxref")
	}
	xrefOff := v.num
	xb, err := s.read(xrefOff, s.size-xrefOff)
	if err != nil {
		return err
	}
	p = &parser{b: xb}
	if p.keyword() != "xref" {
		return errors.New("no classic cross-reference table at startxref (object streams are not supported)")
	}
	type at struct {
		num int64
		off int64
	}
	var offs []at
	for {
		p.skip()
		save := p.pos
		if p.keyword() == "trailer" {
			break
		}
		p.pos = save
		first, err1 := p.value(0)
		count, err2 := p.value(0)
		if err1 != nil || err2 != nil || first.kind != kInt || count.kind != kInt || count.num < 0 || count.num > s.size/18 {
			return errors.New("bad cross-reference subsection")
		}
		for k := int64(0); k < count.num; k++ {
			o, err1 := p.value(0)
			g, err2 := p.value(0)
			t := p.keyword()
			if err1 != nil || err2 != nil || o.kind != kInt || g.kind != kInt || (t != "n" && t != "f") {
				return errors.New("bad cross-reference entry")
			}
			if t == "n" {
				if o.num <= 0 || o.num >= xrefOff {
					return fmt.Errorf("object %d at offset %d, outside the file", first.num+k, o.num)
				}
				offs = append(offs, at{first.num + k, o.num})
			}
		}
	}
	trailer, err := p.value(0)
	if err != nil || trailer.kind != kDict {
		return errors.New("bad trailer")
	}
	if _, ok := trailer.get("Prev"); ok {
		return errors.New("incremental updates are not supported")
	}
	if _, ok := trailer.get("Encrypt"); ok {
		return errors.New("encrypted PDFs are not supported")
	}
	// Each object runs to the next one's offset (or the xref table). The
	// index is as large as the table is, whatever the object numbers
	// claim: a 150-byte file may name object 67,108,000.
	sort.Slice(offs, func(i, j int) bool { return offs[i].off < offs[j].off })
	s.objs = newObjIndex(len(offs))
	for i, o := range offs {
		end := xrefOff
		if i+1 < len(offs) {
			end = offs[i+1].off
		}
		s.objs.set(o.num, span{o.off, end})
	}

	root, ok := trailer.get("Root")
	if !ok || root.kind != kRef {
		return errors.New("no /Root")
	}
	cat, err := s.object(root.num)
	if err != nil {
		return err
	}
	pages, ok := cat.get("Pages")
	if !ok || pages.kind != kRef {
		return errors.New("catalog without /Pages")
	}
	w := &walker{seen: map[int64]bool{}}
	if err := s.walk(w, pages.num, nil); err != nil {
		return err
	}
	if len(s.pages) == 0 {
		return errors.New("no pages")
	}
	if !w.haveRes {
		return errors.New("pages without /Resources")
	}
	return s.resources(w.res)
}

// walker is the state of a walk down the page tree.
type walker struct {
	seen    map[int64]bool
	res     value // the pages' /Resources
	haveRes bool
	depth   int // of the node being walked
}

// maxTreeDepth bounds the page tree's depth (fpdf's has two levels), and
// so the walk's recursion.
const maxTreeDepth = 64

// inherited is a page tree node's inheritable attributes.
var inherited = []string{"MediaBox", "CropBox", "Rotate", "Resources"}

// walk collects the pages under node, in order.
func (s *Source) walk(w *walker, num int64, inh []entry) error {
	w.depth++
	defer func() { w.depth-- }()
	if w.depth > maxTreeDepth {
		return fmt.Errorf("page tree deeper than %d levels", maxTreeDepth)
	}
	if w.seen[num] {
		return fmt.Errorf("page tree loops at object %d", num)
	}
	w.seen[num] = true
	n, err := s.object(num)
	if err != nil {
		return err
	}
	if n.kind != kDict {
		return fmt.Errorf("page tree node %d is not a dictionary", num)
	}
	attrs := append([]entry(nil), inh...)
	for _, k := range inherited {
		if v, ok := n.get(k); ok {
			attrs = setEntry(attrs, k, v)
		}
	}
	typ, _ := n.get("Type")
	if string(typ.raw) == "/Pages" {
		kids, ok := n.get("Kids")
		if !ok || kids.kind != kArray {
			return fmt.Errorf("pages node %d without /Kids", num)
		}
		for _, k := range kids.arr {
			if k.kind != kRef {
				return fmt.Errorf("pages node %d: a kid is not a reference", num)
			}
			if err := s.walk(w, k.num, attrs); err != nil {
				return err
			}
		}
		return nil
	}
	if string(typ.raw) != "/Page" {
		return fmt.Errorf("object %d in the page tree is %s, not a page", num, typ.raw)
	}
	var pg page
	hasMediaBox := false
	for _, e := range attrs {
		switch e.key {
		case "MediaBox", "CropBox":
			if e.val.kind != kArray {
				return fmt.Errorf("page %d: /%s is not a direct array", num, e.key)
			}
			hasMediaBox = hasMediaBox || e.key == "MediaBox"
			var err error
			if pg.boxes, err = write(append(pg.boxes, " /"+e.key+" "...), e.val, noRefs); err != nil {
				return fmt.Errorf("page %d: /%s: %w", num, e.key, err)
			}
		case "Rotate":
			if e.val.kind != kInt {
				return fmt.Errorf("page %d: /Rotate is not a number", num)
			}
			if e.val.num != 0 {
				pg.boxes = append(append(pg.boxes, " /Rotate "...), e.val.raw...)
			}
		case "Resources":
			if !w.haveRes {
				w.res, w.haveRes = e.val, true
			} else if !sameRes(w.res, e.val) {
				return fmt.Errorf("page %d has resources of its own (one dictionary for all pages is supported)", num)
			}
		}
	}
	if !hasMediaBox {
		return fmt.Errorf("page %d has no /MediaBox", num)
	}
	c, ok := n.get("Contents")
	switch {
	case !ok:
	case c.kind == kRef:
		pg.contents = []int64{c.num}
	case c.kind == kArray:
		for _, e := range c.arr {
			if e.kind != kRef {
				return fmt.Errorf("page %d: /Contents holds a direct object", num)
			}
			pg.contents = append(pg.contents, e.num)
		}
	default:
		return fmt.Errorf("page %d: bad /Contents", num)
	}
	if _, ok := n.get("Annots"); ok {
		return fmt.Errorf("page %d has annotations (not supported)", num)
	}
	s.pages = append(s.pages, pg)
	return nil
}

func setEntry(es []entry, k string, v value) []entry {
	for i := range es {
		if es[i].key == k {
			es[i].val = v
			return es
		}
	}
	return append(es, entry{k, v})
}

func sameRes(a, b value) bool {
	return a.kind == kRef && b.kind == kRef && a.num == b.num
}

// resources reads the one resource dictionary: fonts only (empty
// dictionaries of other kinds are allowed, as fpdf writes /XObject <<>>).
func (s *Source) resources(ref value) error {
	switch ref.kind {
	case kRef:
		v, err := s.object(ref.num)
		if err != nil {
			return err
		}
		ref = v
	case kDict:
	default:
		return errors.New("bad /Resources")
	}
	if ref.kind != kDict {
		return errors.New("/Resources is not a dictionary")
	}
	s.res = ref
	for _, e := range ref.dict {
		switch e.key {
		case "ProcSet":
		case "Font":
			f := e.val
			if f.kind == kRef {
				v, err := s.object(f.num)
				if err != nil {
					return err
				}
				f = v
			}
			if f.kind != kDict {
				return errors.New("/Font is not a dictionary")
			}
			s.baseFonts = make([]string, len(f.dict))
			for i, fe := range f.dict {
				if fe.val.kind != kRef {
					return fmt.Errorf("font /%s is not an indirect object", fe.key)
				}
				fo, err := s.object(fe.val.num)
				if err != nil {
					return err
				}
				if bf, ok := fo.get("BaseFont"); ok && bf.kind == kName {
					s.baseFonts[i] = strings.TrimPrefix(string(bf.raw), "/")
				}
			}
			s.fonts = f.dict
		default:
			v := e.val
			if v.kind == kRef {
				o, err := s.object(v.num)
				if err != nil {
					return err
				}
				v = o
			}
			if v.kind != kDict || len(v.dict) > 0 {
				return fmt.Errorf("resources of kind /%s are not supported", e.key)
			}
		}
	}
	return nil
}

// object reads a non-stream object's value (or a stream's dictionary).
func (s *Source) object(num int64) (value, error) {
	v, _, err := s.objectAt(num)
	return v, err
}

// stream is where a stream's data is.
type stream struct {
	off, n int64
}

// objectAt reads object num: its value, and when it is a stream, where the
// data is (n < 0 when it is not a stream).
func (s *Source) objectAt(num int64) (value, stream, error) {
	return s.objectAtDepth(num, 0)
}

// objectAtDepth is objectAt for an object read to resolve another's
// indirect /Length (depth 1), which must not itself need one.
func (s *Source) objectAtDepth(num int64, depth int) (value, stream, error) {
	none := stream{n: -1}
	sp, ok := s.objs.get(num)
	if !ok {
		return value{}, none, fmt.Errorf("object %d does not exist", num)
	}
	window := min(sp.end-sp.off, 4096)
	for {
		b, err := s.read(sp.off, window)
		if err != nil {
			return value{}, none, err
		}
		v, st, err := s.parseObject(num, b, sp, depth)
		if errors.Is(err, errShort) && window < sp.end-sp.off {
			window = sp.end - sp.off
			continue
		}
		if err != nil {
			return value{}, none, fmt.Errorf("object %d: %w", num, err)
		}
		return v, st, nil
	}
}

func (s *Source) parseObject(num int64, b []byte, sp span, depth int) (value, stream, error) {
	none := stream{n: -1}
	p := &parser{b: b}
	n, err1 := p.value(0)
	g, err2 := p.value(0)
	if err := errors.Join(err1, err2); err != nil {
		return value{}, none, err
	}
	if n.kind != kInt || n.num != num || g.kind != kInt || p.keyword() != "obj" {
		return value{}, none, errors.New("no “N 0 obj” where the cross-reference table points")
	}
	v, err := p.value(0)
	if err != nil {
		return value{}, none, err
	}
	p.skip()
	if p.pos+6 > len(b) {
		if int64(len(b)) < sp.end-sp.off {
			return value{}, none, errShort
		}
		return value{}, none, errors.New("no endobj")
	}
	if !bytes.HasPrefix(b[p.pos:], []byte("stream")) {
		return v, none, nil
	}
	if v.kind != kDict {
		return value{}, none, errors.New("stream without a dictionary")
	}
	p.pos += len("stream")
	if p.pos < len(b) && b[p.pos] == '\r' {
		p.pos++
	}
	if p.pos >= len(b) {
		return value{}, none, errShort
	}
	if b[p.pos] != '\n' {
		return value{}, none, errors.New("stream keyword not followed by an end of line")
	}
	p.pos++
	l, ok := v.get("Length")
	if !ok {
		return value{}, none, errors.New("stream without /Length")
	}
	if l.kind == kRef {
		if depth > 0 {
			return value{}, none, errors.New("a stream's /Length refers to another stream")
		}
		if l, _, err = s.objectAtDepth(l.num, depth+1); err != nil {
			return value{}, none, err
		}
	}
	if l.kind != kInt || l.num < 0 || sp.off+int64(p.pos)+l.num > sp.end {
		return value{}, none, fmt.Errorf("bad stream /Length %s", l.raw)
	}
	return v, stream{off: sp.off + int64(p.pos), n: l.num}, nil
}

// faceOf is the face a font of BaseFont bf is: bf without "+full" and
// without a subset tag ("ABCDEF+", which a joined PDF's fonts carry).
func faceOf(bf string) string { return strings.TrimSuffix(untagged(bf), "+full") }

// untagged is a font name without its subset tag.
func untagged(bf string) string {
	if len(bf) > 7 && bf[6] == '+' && strings.Trim(bf[:6], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
		return bf[7:]
	}
	return bf
}

// fontNames lists the font resource names.
func (s *Source) fontNames() []string {
	out := make([]string, len(s.fonts))
	for i, e := range s.fonts {
		out[i] = e.key
	}
	return out
}

// objIndex finds an object's span by its number: in a slice while the
// numbers are dense (fpdf numbers its objects 1, 2, 3 …), in a map beyond,
// so that its size follows the number of objects, not their numbers.
type objIndex struct {
	dense  []span // by object number; end 0 = no such object
	sparse map[int64]span
}

// newObjIndex is an index for n objects.
func newObjIndex(n int) objIndex {
	return objIndex{dense: make([]span, 0, n+1)}
}

func (x *objIndex) set(num int64, sp span) {
	if num <= 0 {
		return
	}
	if num < int64(cap(x.dense)) {
		if num >= int64(len(x.dense)) {
			x.dense = x.dense[:num+1]
		}
		x.dense[num] = sp
		return
	}
	if x.sparse == nil {
		x.sparse = map[int64]span{}
	}
	x.sparse[num] = sp
}

func (x *objIndex) get(num int64) (span, bool) {
	if num > 0 && num < int64(len(x.dense)) {
		sp := x.dense[num]
		return sp, sp.end != 0
	}
	sp, ok := x.sparse[num]
	return sp, ok
}
