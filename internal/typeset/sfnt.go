package typeset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"sync"
)

// face is one parsed TrueType face: its bytes (handed to fpdf, which subsets
// them into each PDF) and the metrics the layout needs, read once.
type face struct {
	key   string // fpdf family name, unique per face
	label string // what the clerk is told: the file, or the embedded face's name
	runes []rune // a face cut from a font of the machine: the characters it was taken for
	data  []byte // a standalone TrueType file
	bold  bool   // a real bold face: no simulated bold on top
	// adv holds the advance of every BMP rune in 1/1000 em; has marks the
	// runes the face can draw (mapped to a glyph with an outline, or a space).
	adv []uint16
	has []uint64
	// dashScale stretches a proportional em dash (Noto's is 0.89 em) to the
	// full em that Chinese usage expects: —— is two characters wide.
	dashScale float64
	// scale enlarges the drawn glyphs of a face designed small in its em
	// (AR PL KaitiM GB), each centred on its unchanged advance; 0 = 1.
	scale float64
	// What subsetting needs, read once: the tables (slices of data), the
	// glyph of every BMP rune, the glyph count and the loca format.
	tab       map[string][]byte
	glyphOf   []uint16
	numGlyphs int
	longLoca  bool
	// sum is the XXH64 of data, computed once (FontSet.Digest).
	sumOnce sync.Once
	sum     uint64
}

func (f *face) covers(r rune) bool {
	if r < 0 || r > 0xFFFF {
		return false
	}
	return f.has[r>>6]&(1<<(uint(r)&63)) != 0
}

// sfntTable is one entry of a font's table directory.
type sfntTable struct {
	tag    string
	off    uint32
	length uint32
	sum    uint32
}

var errNotSfnt = errors.New("不是 TrueType 字体")

// extractFace returns face index of a font file as a standalone TrueType
// file: a .ttf is returned as is (index must be 0), a TrueType collection
// (.ttc) has the face's tables copied out.
func extractFace(b []byte, index int) ([]byte, error) {
	if len(b) < 12 {
		return nil, errNotSfnt
	}
	if string(b[:4]) != "ttcf" {
		if index != 0 {
			return nil, fmt.Errorf("不是字体集合（.ttc），没有第 %d 个字体", index)
		}
		return b, nil
	}
	n := int(binary.BigEndian.Uint32(b[8:]))
	if index < 0 || index >= n {
		return nil, fmt.Errorf("字体集合只有 %d 个字体（#0–#%d），没有 #%d", n, n-1, index)
	}
	if len(b) < 12+4*n {
		return nil, errNotSfnt
	}
	off := int(binary.BigEndian.Uint32(b[12+4*index:]))
	tables, version, err := tableDirectory(b, off)
	if err != nil {
		return nil, err
	}
	// Lay the tables out after a fresh directory, each 4-byte aligned.
	data := make([][]byte, len(tables))
	for i, t := range tables {
		data[i] = b[t.off : t.off+t.length]
	}
	return layoutFont(version, tables, data), nil
}

// tableDirectory reads the table records of the font starting at off,
// sorted by tag, checking that every table lies inside b.
func tableDirectory(b []byte, off int) ([]sfntTable, uint32, error) {
	if off < 0 || off+12 > len(b) {
		return nil, 0, errNotSfnt
	}
	version := binary.BigEndian.Uint32(b[off:])
	switch version {
	case 0x00010000, 0x74727565: // 1.0, 'true'
	case 0x4F54544F: // 'OTTO'
		return nil, 0, errors.New("是 CFF 轮廓的 OpenType 字体（.otf），PDF 库只支持 TrueType 轮廓，请换用 .ttf 字体")
	default:
		return nil, 0, errNotSfnt
	}
	n := int(binary.BigEndian.Uint16(b[off+4:]))
	if off+12+16*n > len(b) {
		return nil, 0, errNotSfnt
	}
	tables := make([]sfntTable, 0, n)
	for i := range n {
		rec := b[off+12+16*i:]
		t := sfntTable{
			tag:    string(rec[:4]),
			sum:    binary.BigEndian.Uint32(rec[4:]),
			off:    binary.BigEndian.Uint32(rec[8:]),
			length: binary.BigEndian.Uint32(rec[12:]),
		}
		if uint64(t.off)+uint64(t.length) > uint64(len(b)) {
			return nil, 0, fmt.Errorf("字体表 %q 超出文件末尾，文件可能已损坏", t.tag)
		}
		tables = append(tables, t)
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i].tag < tables[j].tag })
	return tables, version, nil
}

// parseFace reads the metrics of a standalone TrueType file and checks that
// it has everything fpdf needs, so that fpdf never fails on it silently.
func parseFace(key string, b []byte) (*face, error) {
	b, err := fullMetrics(b)
	if err != nil {
		return nil, err
	}
	tables, _, err := tableDirectory(b, 0)
	if err != nil {
		return nil, err
	}
	tab := map[string][]byte{}
	for _, t := range tables {
		tab[t.tag] = b[t.off : t.off+t.length]
	}
	if _, ok := tab["CFF "]; ok {
		return nil, errors.New("是 CFF 轮廓的 OpenType 字体，PDF 库只支持 TrueType 轮廓")
	}
	for _, need := range []string{"head", "hhea", "hmtx", "maxp", "cmap", "loca", "glyf", "name", "post", "OS/2"} {
		if _, ok := tab[need]; !ok {
			return nil, fmt.Errorf("缺少字体表 %q，不是完整的 TrueType 字体", need)
		}
	}
	headT, hhea, maxp := tab["head"], tab["hhea"], tab["maxp"]
	if len(headT) < 54 || len(hhea) < 36 || len(maxp) < 6 || len(tab["name"]) < 2 {
		return nil, errNotSfnt
	}
	if binary.BigEndian.Uint16(tab["name"]) != 0 {
		return nil, errors.New("字体名称表格式不受支持")
	}
	upem := float64(binary.BigEndian.Uint16(headT[18:]))
	if upem == 0 {
		return nil, errNotSfnt
	}
	f := &face{key: key, data: b, adv: make([]uint16, 0x10000), has: make([]uint64, 0x10000/64), tab: tab}
	f.bold = binary.BigEndian.Uint16(headT[44:])&1 != 0
	if os2 := tab["OS/2"]; len(os2) >= 6 && binary.BigEndian.Uint16(os2[4:]) >= 600 {
		f.bold = true
	}
	longLoca := binary.BigEndian.Uint16(headT[50:]) != 0
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	numHM := int(binary.BigEndian.Uint16(hhea[34:]))
	hmtx, loca := tab["hmtx"], tab["loca"]
	if numHM == 0 || len(hmtx) < 4*numHM {
		return nil, errors.New("字体水平度量表（hmtx）已损坏")
	}
	advance := func(g int) uint16 {
		if g >= numHM {
			g = numHM - 1
		}
		return uint16(float64(binary.BigEndian.Uint16(hmtx[4*g:]))*1000/upem + 0.5)
	}
	glyphLen := func(g int) int {
		if longLoca {
			if 4*g+8 > len(loca) {
				return 0
			}
			return int(binary.BigEndian.Uint32(loca[4*g+4:])) - int(binary.BigEndian.Uint32(loca[4*g:]))
		}
		if 2*g+4 > len(loca) {
			return 0
		}
		return 2 * (int(binary.BigEndian.Uint16(loca[2*g+2:])) - int(binary.BigEndian.Uint16(loca[2*g:])))
	}
	cmap, err := cmapFormat4(tab["cmap"])
	if groups := cmapFormat12(tab["cmap"]); err != nil && len(groups) > 0 {
		// A face for the other planes (HanaMinB): its BMP from format 12.
		cmap, err = make([]int, 0x10000), nil
		for _, g := range groups {
			for r := g[0]; r <= min(g[1], 0xFFFF); r++ {
				cmap[r] = int(g[2] + r - g[0])
			}
		}
	}
	if err != nil {
		return nil, err
	}
	f.numGlyphs, f.longLoca = numGlyphs, longLoca
	f.glyphOf = make([]uint16, len(cmap))
	for r, g := range cmap {
		if g == 0 || g >= numGlyphs {
			continue
		}
		if glyphLen(g) <= 0 && !isSpace(rune(r)) {
			continue // mapped to an empty glyph: a blank, not a character
		}
		f.adv[r] = advance(g)
		f.has[r>>6] |= 1 << (uint(r) & 63)
		f.glyphOf[r] = uint16(g)
	}
	if a := f.adv['—']; f.covers('—') && a >= 800 && a < 1000 {
		f.dashScale = 1000 / float64(a)
		f.adv['—'] = 1000
	}
	return f, nil
}

// fullMetrics returns the font with a long horizontal metric (advance and
// left side bearing) for every glyph. A CJK face usually stores advances
// for its first few hundred glyphs only, the rest sharing the last one; for
// those fpdf (v0.12, utf8FontFile.getMetrics) appends to a slice of the
// font's bytes and so overwrites a left side bearing in them — in the
// bytes every Document shares, so a glyph's metrics in one PDF depended on
// what other PDFs had subset before (or at the same time). With every
// metric long, fpdf only reads. The glyphs and their metrics are
// unchanged.
func fullMetrics(b []byte) ([]byte, error) {
	tables, version, err := tableDirectory(b, 0)
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	for i, t := range tables {
		idx[t.tag] = i
	}
	ih, ok1 := idx["hhea"]
	im, ok2 := idx["maxp"]
	ix, ok3 := idx["hmtx"]
	if !ok1 || !ok2 || !ok3 {
		return b, nil // parseFace reports what is missing
	}
	tab := func(i int) []byte { t := tables[i]; return b[t.off : t.off+t.length] }
	hhea, maxp, hmtx := tab(ih), tab(im), tab(ix)
	if len(hhea) < 36 || len(maxp) < 6 {
		return b, nil
	}
	numHM := int(binary.BigEndian.Uint16(hhea[34:]))
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	if numHM == 0 || numHM >= numGlyphs || len(hmtx) < 4*numHM {
		return b, nil
	}
	full := make([]byte, 4*numGlyphs)
	copy(full, hmtx[:4*numHM])
	adv := hmtx[4*(numHM-1) : 4*(numHM-1)+2]
	for g := numHM; g < numGlyphs; g++ {
		copy(full[4*g:], adv)
		if p := 4*numHM + 2*(g-numHM); p+2 <= len(hmtx) {
			copy(full[4*g+2:], hmtx[p:p+2])
		}
	}
	newHhea := append([]byte(nil), hhea...)
	binary.BigEndian.PutUint16(newHhea[34:], uint16(numGlyphs))
	data := make([][]byte, len(tables))
	for i := range tables {
		data[i] = tab(i)
	}
	data[ih], data[ix] = newHhea, full
	return layoutFont(version, tables, data), nil
}

// layoutFont writes a TrueType file of the given tables (their records,
// sorted by tag) and contents: a directory, then each table 4-byte
// aligned, the changed tables' checksums recomputed.
func layoutFont(version uint32, tables []sfntTable, data [][]byte) []byte {
	head := 12 + 16*len(tables)
	size := head
	for _, d := range data {
		size += (len(d) + 3) &^ 3
	}
	out := make([]byte, size)
	binary.BigEndian.PutUint32(out, version)
	nt := len(tables)
	binary.BigEndian.PutUint16(out[4:], uint16(nt))
	es := 0
	for 1<<(es+1) <= nt {
		es++
	}
	binary.BigEndian.PutUint16(out[6:], uint16(16<<es))
	binary.BigEndian.PutUint16(out[8:], uint16(es))
	binary.BigEndian.PutUint16(out[10:], uint16(nt*16-(16<<es)))
	pos := head
	for i, t := range tables {
		rec := out[12+16*i:]
		copy(rec, t.tag)
		sum := t.sum
		if uint32(len(data[i])) != t.length || t.tag == "hhea" {
			sum = tableSum(data[i])
		}
		binary.BigEndian.PutUint32(rec[4:], sum)
		binary.BigEndian.PutUint32(rec[8:], uint32(pos))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(data[i])))
		copy(out[pos:], data[i])
		pos += (len(data[i]) + 3) &^ 3
	}
	return out
}

// tableSum is a table's checksum: the sum of its big-endian uint32s, the
// last one padded with zeros.
func tableSum(d []byte) uint32 {
	var sum uint32
	for i := 0; i < len(d); i += 4 {
		var w [4]byte
		copy(w[:], d[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}

func isSpace(r rune) bool {
	return r == ' ' || r == 0xA0 || r == 0x3000 || (r >= 0x2000 && r <= 0x200A)
}

// cmapRecord is one encoding record of a cmap table: which platform and
// encoding the subtable at offset (from the start of the table) serves.
type cmapRecord struct {
	platform, encoding uint16
	offset             int
}

// cmapRecords returns the encoding records of cmap table c, in table
// order, up to the first one the table is too short to hold.
func cmapRecords(c []byte) []cmapRecord {
	if len(c) < 4 {
		return nil
	}
	n := int(binary.BigEndian.Uint16(c[2:]))
	var out []cmapRecord
	for i := range n {
		rec := 4 + 8*i
		if rec+8 > len(c) {
			break
		}
		out = append(out, cmapRecord{
			platform: binary.BigEndian.Uint16(c[rec:]),
			encoding: binary.BigEndian.Uint16(c[rec+2:]),
			offset:   int(binary.BigEndian.Uint32(c[rec+4:])),
		})
	}
	return out
}

// cmapFormat4 returns the rune → glyph map of the font's Unicode BMP
// subtable, the one fpdf uses: (3,1) or platform 0, format 4.
func cmapFormat4(c []byte) ([]int, error) {
	bad := errors.New("字体没有 Unicode 字符映射表（cmap 格式 4），无法用于中文")
	sub := -1
	for _, r := range cmapRecords(c) {
		if (r.platform == 3 && r.encoding == 1) || r.platform == 0 {
			if r.offset+2 <= len(c) && binary.BigEndian.Uint16(c[r.offset:]) == 4 {
				sub = r.offset
				break
			}
		}
	}
	if sub < 0 || sub+14 > len(c) {
		return nil, bad
	}
	t := c[sub:]
	segs := int(binary.BigEndian.Uint16(t[6:])) / 2
	if 16+8*segs > len(t) {
		return nil, bad
	}
	ends, starts := t[14:], t[16+2*segs:]
	deltas, ranges := t[16+4*segs:], t[16+6*segs:]
	out := make([]int, 0x10000)
	// Segments are sorted and do not overlap: one that does is skipped, so
	// that a damaged table costs at most one pass over the plane (32,767
	// segments each spanning it would be two billion steps).
	next := 0
	for s := range segs {
		end := int(binary.BigEndian.Uint16(ends[2*s:]))
		start := int(binary.BigEndian.Uint16(starts[2*s:]))
		if start < next || end < start {
			continue
		}
		next = end + 1
		delta := int(binary.BigEndian.Uint16(deltas[2*s:]))
		ro := int(binary.BigEndian.Uint16(ranges[2*s:]))
		for ch := start; ch <= end && ch <= 0xFFFF; ch++ {
			var g int
			if ro == 0 {
				g = (ch + delta) & 0xFFFF
			} else {
				p := 16 + 6*segs + 2*s + ro + 2*(ch-start)
				if p+2 > len(t) {
					continue
				}
				g = int(binary.BigEndian.Uint16(t[p:]))
				if g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			out[ch] = g
		}
	}
	return out, nil
}
