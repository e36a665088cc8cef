package pdfjoin

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/klauspost/compress/zlib"
)

// Info is the document information written into the joined PDF.
type Info struct {
	Title, Author, Producer string
	Date                    time.Time  // creation and modification date; zero = 2000-01-01
	Lang                    string     // the catalog's /Lang ("zh-CN"); "" = none
	Outline                 []Bookmark // the document outline, in page order; nil = none
	// ToUnicode gives fonts (by BaseFont, without subset tag) whose codes
	// stand for other characters — a character above U+FFFF drawn under a
	// private-use code — the character of each such code, for their
	// ToUnicode maps; every other code stands for itself.
	ToUnicode map[string]map[rune]rune
}

// Bookmark is one entry of the document outline: a title and the page it
// opens (0-based, among the pages added).
type Bookmark struct {
	Title string
	Page  int
}

// Writer writes a joined PDF: AddPage for each page in order, then Close.
// Objects are written as they come; only their offsets are kept.
type Writer struct {
	w       *bufio.Writer
	n       int64   // bytes written
	offsets []int64 // by object number; 0 is unused
	kids    []int64
	// res are the pages' resource dictionaries, one per distinct mapping
	// of a source's font names to faces, keyed by that mapping; resNum is
	// the one of the pages of last.
	res     map[string]*resDict
	resList []*resDict
	resNum  int64
	last    *Source // of the page added last
	buf     []byte
	err     error
	// compress: content streams copied without a filter are compressed.
	compress bool
	zbuf     bytes.Buffer
	// tags gives each embedded face's name its subset tag ("ABCDEF+name"),
	// for the fonts Close copies.
	tags      map[string]string
	toUnicode map[string]map[rune]rune
}

// toUnicodeCMap is a ToUnicode map in which every 2-byte code stands for
// itself but those of m, which stand for their characters.
func toUnicodeCMap(m map[rune]rune) []byte {
	codes := make([]rune, 0, len(m))
	for c := range m {
		if c >= 0 && c <= 0xFFFF {
			codes = append(codes, c)
		}
	}
	slices.Sort(codes)
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	// The identity, around the codes of m.
	var ranges [][2]rune
	from := rune(0)
	for _, c := range codes {
		if c > from {
			ranges = append(ranges, [2]rune{from, c - 1})
		}
		from = c + 1
	}
	if from <= 0xFFFF {
		ranges = append(ranges, [2]rune{from, 0xFFFF})
	}
	for i := 0; i < len(ranges); i += 100 {
		part := ranges[i:min(i+100, len(ranges))]
		fmt.Fprintf(&b, "%d beginbfrange\n", len(part))
		for _, r := range part {
			fmt.Fprintf(&b, "<%04X> <%04X> <%04X>\n", r[0], r[1], r[0])
		}
		b.WriteString("endbfrange\n")
	}
	for i := 0; i < len(codes); i += 100 {
		part := codes[i:min(i+100, len(codes))]
		fmt.Fprintf(&b, "%d beginbfchar\n", len(part))
		for _, c := range part {
			fmt.Fprintf(&b, "<%04X> <", c)
			for _, u := range utf16.Encode([]rune{m[c]}) {
				fmt.Fprintf(&b, "%04X", u)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}

// ownToUnicode returns the ToUnicode map a font dictionary must have
// instead of its own, or nil.
func (j *Writer) ownToUnicode(v value) []byte {
	if j.toUnicode == nil || v.kind != kDict {
		return nil
	}
	bf, ok := v.get("BaseFont")
	if !ok || bf.kind != kName {
		return nil
	}
	if _, has := v.get("ToUnicode"); !has {
		return nil
	}
	m := j.toUnicode[faceOf(strings.TrimPrefix(string(bf.raw), "/"))]
	if len(m) == 0 {
		return nil
	}
	return toUnicodeCMap(m)
}

// subsetTags names every font of the font source as the subset it is
// (PDF 32000 9.6.4: six capital letters, a plus, the name). fpdf embeds
// only the glyphs drawn, so every embedded face is a subset; the tag is
// derived from the name and the descendant font's dictionary (its widths,
// one per glyph kept), so the same subset always gets the same tag and two
// subsets of one face different ones.
func subsetTags(fonts *Source) map[string]string {
	tags := map[string]string{}
	for i, e := range fonts.fonts {
		bf := fonts.baseFonts[i]
		if bf == "" || untagged(bf) != bf {
			continue // none, or tagged already (a joined PDF joined again)
		}
		h := sha256.New()
		h.Write([]byte(bf))
		if fo, err := fonts.object(e.val.num); err == nil {
			if df, ok := fo.get("DescendantFonts"); ok && df.kind == kArray && len(df.arr) == 1 && df.arr[0].kind == kRef {
				if dv, err := fonts.object(df.arr[0].num); err == nil {
					b, _ := write(nil, dv, func(n int64) (int64, error) { return n, nil })
					h.Write(b)
				}
			}
		}
		sum := h.Sum(nil)
		tag := make([]byte, 6, 7+len(bf))
		for k := range tag {
			tag[k] = 'A' + sum[k]%26
		}
		tags[bf] = string(append(append(tag, '+'), bf...))
	}
	return tags
}

// tagFontName gives a font's or font descriptor's name its subset tag.
func (j *Writer) tagFontName(v value) {
	if j.tags == nil || v.kind != kDict {
		return
	}
	for k, e := range v.dict {
		if (e.key == "BaseFont" || e.key == "FontName") && e.val.kind == kName {
			if t, ok := j.tags[strings.TrimPrefix(string(e.val.raw), "/")]; ok {
				v.dict[k].val = value{kind: kName, raw: []byte("/" + t)}
			}
		}
	}
}

// resDict is a resource dictionary to write at Close: each font name of
// some source's pages and the face (BaseFont) it stands for.
type resDict struct {
	num          int64
	names, faces []string
}

// Objects 1 and 2 are the page tree's root and the first resource
// dictionary, written last.
const (
	objPages     = 1
	objResources = 2
)

// NewWriter starts a joined PDF on w.
func NewWriter(w io.Writer) *Writer {
	j := &Writer{
		w:       bufio.NewWriterSize(w, 256<<10),
		offsets: make([]int64, 3),
		res:     map[string]*resDict{},
	}
	j.put([]byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"))
	return j
}

func (j *Writer) put(b []byte) {
	if j.err != nil {
		return
	}
	n, err := j.w.Write(b)
	j.n += int64(n)
	j.err = err
}

func (j *Writer) putf(format string, args ...any) {
	j.put(fmt.Appendf(j.buf[:0], format, args...))
}

// alloc reserves an object number.
func (j *Writer) alloc() int64 {
	j.offsets = append(j.offsets, -1)
	return int64(len(j.offsets) - 1)
}

// begin starts object num at the current offset.
func (j *Writer) begin(num int64) {
	j.offsets[num] = j.n
	var a [32]byte
	j.put(append(strconv.AppendInt(a[:0], num, 10), " 0 obj\n"...))
}

// SetCompression makes the writer compress (zlib, best speed) the content
// streams it copies that are not compressed, with one compressor reused
// for all of them. fpdf makes a new compressor, and clears its megabyte of
// state, for every page: a source written uncompressed and copied once
// through here costs a fraction of that.
func (j *Writer) SetCompression(on bool) { j.compress = on }

// Pages is the number of pages added so far.
func (j *Writer) Pages() int { return len(j.kids) }

// MoveToFront makes the last n pages added the document's first, in their
// order: pages made last, written after the others, that come first (a
// notice's own pages, set while its attachments are joined). Bookmarks
// given to Close count pages in the order after the move.
func (j *Writer) MoveToFront(n int) {
	if n <= 0 || n > len(j.kids) {
		return
	}
	last := slices.Clone(j.kids[len(j.kids)-n:])
	copy(j.kids[n:], j.kids[:len(j.kids)-n])
	copy(j.kids, last)
}

// AddPage adds page i (from 0) of src, with overlay (a content stream,
// uncompressed; may be nil) drawn before the page's own content. Put the
// overlay's drawing in q … Q so that the page's content starts from the
// default graphics state.
func (j *Writer) AddPage(src *Source, i int, overlay []byte) error {
	if j.err != nil {
		return j.err
	}
	if i < 0 || i >= len(src.pages) {
		return fmt.Errorf("pdfjoin: page %d of %d", i+1, len(src.pages))
	}
	if src != j.last {
		// Pages come source after source: note each one's fonts once,
		// without keeping the source.
		j.last = src
		rd := &resDict{names: src.fontNames(), faces: src.baseFonts}
		var key []byte
		for i, n := range rd.names {
			key = append(append(append(append(key, n...), '='), rd.faces[i]...), ';')
		}
		if have := j.res[string(key)]; have != nil {
			rd = have
		} else {
			if len(j.resList) == 0 {
				rd.num = objResources
			} else {
				rd.num = j.alloc()
			}
			j.res[string(key)] = rd
			j.resList = append(j.resList, rd)
		}
		j.resNum = rd.num
	}
	pg := src.pages[i]
	num := j.alloc()
	j.kids = append(j.kids, num)
	var ov int64
	if overlay != nil {
		ov = j.alloc()
	}
	contents := make([]int64, len(pg.contents))
	for k := range contents {
		contents[k] = j.alloc()
	}
	b := append(j.buf[:0], "<</Type /Page /Parent 1 0 R"...)
	b = append(b, pg.boxes...)
	b = append(b, " /Resources "...)
	b = strconv.AppendInt(b, j.resNum, 10)
	b = append(b, " 0 R /Contents ["...)
	all := contents
	if overlay != nil {
		all = append([]int64{ov}, contents...)
	}
	for k, c := range all {
		if k > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, c, 10)
		b = append(b, " 0 R"...)
	}
	b = append(b, "]>>\nendobj\n"...)
	j.begin(num)
	j.put(b)
	j.buf = b[:0]
	if overlay != nil {
		j.begin(ov)
		j.putf("<</Length %d>>\nstream\n", len(overlay))
		j.put(overlay)
		j.put([]byte("\nendstream\nendobj\n"))
	}
	for k, c := range pg.contents {
		if err := j.copyObject(src, c, contents[k], noRefs, j.compress); err != nil {
			return err
		}
	}
	return j.err
}

// noRefs refuses references where fpdf writes none.
func noRefs(int64) (int64, error) { return 0, errors.New("unexpected reference to another object") }

// copyObject writes object num of src as object to, its references
// renumbered by ref and a stream's /Length made direct.
func (j *Writer) copyObject(src *Source, num, to int64, ref func(int64) (int64, error), compress bool) error {
	v, st, err := src.objectAt(num)
	if err != nil {
		return fmt.Errorf("pdfjoin: %w", err)
	}
	if _, filtered := v.get("Filter"); compress && st.n >= 0 && !filtered {
		return j.copyCompressed(src, v, st, to)
	}
	if st.n >= 0 {
		for k := range v.dict {
			if v.dict[k].key == "Length" {
				v.dict[k].val = value{kind: kInt, raw: strconv.AppendInt(nil, st.n, 10), num: st.n}
			}
		}
	}
	var cmap []byte
	var cmapNum int64
	if cmap = j.ownToUnicode(v); cmap != nil {
		cmapNum = j.alloc()
		for k := range v.dict {
			if v.dict[k].key == "ToUnicode" {
				v.dict[k].val = value{kind: kRef, num: -1}
			}
		}
		inner := ref
		ref = func(n int64) (int64, error) {
			if n == -1 {
				return cmapNum, nil
			}
			return inner(n)
		}
	}
	j.tagFontName(v)
	b, err := write(j.buf[:0], v, ref)
	if err != nil {
		return fmt.Errorf("pdfjoin: object %d: %w", num, err)
	}
	j.begin(to)
	j.put(b)
	j.buf = b[:0]
	if cmap != nil {
		defer func() {
			j.begin(cmapNum)
			j.putf("<</Length %d>>\nstream\n", len(cmap))
			j.put(cmap)
			j.put([]byte("\nendstream\nendobj\n"))
		}()
	}
	if st.n >= 0 {
		j.put([]byte("\nstream\n"))
		if j.err == nil {
			var n int64
			n, j.err = io.Copy(j.w, io.NewSectionReader(src.r, st.off, st.n))
			j.n += n
		}
		j.put([]byte("\nendstream"))
	}
	j.put([]byte("\nendobj\n"))
	return j.err
}

// deflaters keeps BestSpeed zlib writers between the streams a Writer
// compresses: each holds about a megabyte of tables.
var deflaters = sync.Pool{New: func() any {
	z, _ := zlib.NewWriterLevel(io.Discard, zlib.BestSpeed)
	return z
}}

// copyCompressed writes the unfiltered stream st with dictionary v as
// object to, compressed.
func (j *Writer) copyCompressed(src *Source, v value, st stream, to int64) error {
	data := make([]byte, st.n)
	if _, err := src.r.ReadAt(data, st.off); err != nil && !(errors.Is(err, io.EOF) && st.off+st.n == src.size) {
		return fmt.Errorf("pdfjoin: %w", err)
	}
	j.zbuf.Reset()
	zw := deflaters.Get().(*zlib.Writer)
	zw.Reset(&j.zbuf)
	_, err := zw.Write(data)
	if err == nil {
		err = zw.Close()
	}
	zw.Reset(io.Discard)
	deflaters.Put(zw)
	if err != nil {
		return err
	}
	n := int64(j.zbuf.Len())
	d := value{kind: kDict, dict: []entry{{"Filter", value{kind: kName, raw: []byte("/FlateDecode")}}}}
	for _, e := range v.dict {
		if e.key == "Length" {
			e.val = value{kind: kInt, raw: strconv.AppendInt(nil, n, 10), num: n}
		}
		d.dict = append(d.dict, e)
	}
	b, err := write(j.buf[:0], d, noRefs)
	if err != nil {
		return fmt.Errorf("pdfjoin: %w", err)
	}
	j.begin(to)
	j.put(b)
	j.buf = b[:0]
	j.put([]byte("\nstream\n"))
	j.put(j.zbuf.Bytes())
	j.put([]byte("\nendstream\nendobj\n"))
	return j.err
}

// Close writes the fonts of the font source and everything they refer to,
// renumbered, and a resource dictionary for each source's pages mapping
// their font names to those fonts by face (see the package comment), then
// the page tree, document information, catalog, cross-reference table and
// trailer, and flushes. Every face the pages use must be one of the font
// source's.
func (j *Writer) Close(fonts *Source, info Info) error {
	if j.err != nil {
		return j.err
	}
	if len(j.kids) == 0 {
		return errors.New("pdfjoin: no pages")
	}
	// The font source's fonts by BaseFont and by face.
	byBase := map[string]int64{}
	byFace := map[string]int64{}
	var faces []string
	for i, e := range fonts.fonts {
		bf := fonts.baseFonts[i]
		if bf == "" {
			continue
		}
		byBase[bf] = e.val.num
		f := faceOf(bf)
		if _, ok := byFace[f]; !ok {
			faces = append(faces, f)
		}
		if _, ok := byFace[f]; !ok || bf != f {
			byFace[f] = e.val.num // a face in full rather than its subset
		}
	}
	find := func(bf string) (int64, bool) {
		if n, ok := byBase[bf]; ok && bf != "" {
			return n, true
		}
		n, ok := byFace[faceOf(bf)]
		return n, ok && bf != ""
	}
	for _, rd := range j.resList {
		for i, name := range rd.names {
			if _, ok := find(rd.faces[i]); !ok {
				return fmt.Errorf("pdfjoin: the font source lacks fonts the pages use: /%s (%s)", name, rd.faces[i])
			}
		}
	}
	slices.Sort(faces)
	j.tags = subsetTags(fonts)
	j.toUnicode = info.ToUnicode

	// The resources and the objects they reach, breadth first.
	renum := map[int64]int64{}
	var queue []int64
	ref := func(old int64) (int64, error) {
		if n, ok := renum[old]; ok {
			return n, nil
		}
		n := j.alloc()
		renum[old] = n
		queue = append(queue, old)
		return n, nil
	}
	for _, rd := range j.resList {
		b := append(j.buf[:0], "<</ProcSet [/PDF /Text /ImageB /ImageC /ImageI] /Font <<"...)
		written := map[string]bool{}
		entry := func(name string, old int64) {
			if written[name] {
				return // a joined source's own overlay names
			}
			written[name] = true
			n, _ := ref(old)
			b = append(b, '/')
			b = append(b, name...)
			b = append(b, ' ')
			b = strconv.AppendInt(b, n, 10)
			b = append(b, " 0 R "...)
		}
		for i, name := range rd.names {
			old, _ := find(rd.faces[i])
			entry(name, old)
		}
		for _, f := range faces {
			entry(f, byFace[f])
		}
		b = append(b, ">> >>\nendobj\n"...)
		j.begin(rd.num)
		j.put(b)
		j.buf = b[:0]
	}
	for len(queue) > 0 {
		old := queue[0]
		queue = queue[1:]
		if err := j.copyObject(fonts, old, renum[old], ref, false); err != nil {
			return err
		}
	}

	j.begin(objPages)
	j.put([]byte("<</Type /Pages /Kids ["))
	for k, kid := range j.kids {
		b := j.buf[:0]
		if k > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, kid, 10)
		j.put(append(b, " 0 R"...))
	}
	j.putf("] /Count %d>>\nendobj\n", len(j.kids))

	date := info.Date
	if date.IsZero() {
		date = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	d := "(D:" + date.Format("20060102150405") + ")"
	infoNum := j.alloc()
	j.begin(infoNum)
	j.put([]byte("<<"))
	for _, kv := range [][2]string{{"Producer", info.Producer}, {"Title", info.Title}, {"Author", info.Author}} {
		if kv[1] != "" {
			j.putf("/%s %s\n", kv[0], textString(kv[1]))
		}
	}
	j.putf("/CreationDate %s\n/ModDate %s>>\nendobj\n", d, d)
	outline := j.writeOutline(info.Outline)
	catalog := j.alloc()
	j.begin(catalog)
	j.put([]byte("<</Type /Catalog /Pages 1 0 R"))
	if outline > 0 {
		j.putf(" /Outlines %d 0 R /PageMode /UseOutlines", outline)
	}
	if info.Lang != "" {
		j.putf(" /Lang %s", textString(info.Lang))
	}
	j.put([]byte(">>\nendobj\n"))

	xref := j.n
	j.putf("xref\n0 %d\n0000000000 65535 f \n", len(j.offsets))
	for _, off := range j.offsets[1:] {
		if off < 0 {
			return errors.New("pdfjoin: an object was reserved but not written")
		}
		j.put(fmt.Appendf(j.buf[:0], "%010d 00000 n \n", off))
	}
	j.putf("trailer\n<</Size %d /Root %d 0 R /Info %d 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(j.offsets), catalog, infoNum, xref)
	if j.err != nil {
		return j.err
	}
	return j.w.Flush()
}

// writeOutline writes the outline's items and its root, and returns the
// root's object number (0 when there are none).
func (j *Writer) writeOutline(bs []Bookmark) int64 {
	var keep []Bookmark
	for _, b := range bs {
		if b.Page >= 0 && b.Page < len(j.kids) && b.Title != "" {
			keep = append(keep, b)
		}
	}
	if len(keep) == 0 {
		return 0
	}
	root := j.alloc()
	nums := make([]int64, len(keep))
	for i := range keep {
		nums[i] = j.alloc()
	}
	for i, b := range keep {
		j.begin(nums[i])
		j.putf("<</Title %s /Parent %d 0 R", textString(b.Title), root)
		if i > 0 {
			j.putf(" /Prev %d 0 R", nums[i-1])
		}
		if i+1 < len(keep) {
			j.putf(" /Next %d 0 R", nums[i+1])
		}
		j.putf(" /Dest [%d 0 R /Fit]>>\nendobj\n", j.kids[b.Page])
	}
	j.begin(root)
	j.putf("<</Type /Outlines /First %d 0 R /Last %d 0 R /Count %d>>\nendobj\n", nums[0], nums[len(nums)-1], len(nums))
	return root
}

// textString is a PDF text string: ASCII as a literal, anything else as
// UTF-16BE with a byte order mark, in hex.
func textString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
		}
	}
	if ascii {
		b := []byte{'('}
		for i := 0; i < len(s); i++ {
			if s[i] == '(' || s[i] == ')' || s[i] == '\\' {
				b = append(b, '\\')
			}
			b = append(b, s[i])
		}
		return string(append(b, ')'))
	}
	b := []byte("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		b = fmt.Appendf(b, "%04X", u)
	}
	return string(append(b, '>'))
}
