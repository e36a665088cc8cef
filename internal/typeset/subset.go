package typeset

import (
	"encoding/binary"
	"errors"
	"slices"
)

// Subsetting: fpdf parses every face it is given in full — its cmap and
// metrics, ~22,000 glyphs for a GBK face — and cuts it down again when it
// writes the PDF; for a document that draws a few hundred characters that
// was most of the time spent making it. A Document that knows its
// characters beforehand (Reserve) hands fpdf a face cut to them instead.

// Composite glyph flags.
const (
	compArgsAreWords = 0x0001
	compHaveScale    = 0x0008
	compMore         = 0x0020
	compXYScale      = 0x0040
	compTwoByTwo     = 0x0080
)

var errBadGlyf = errors.New("字体字形表（glyf）已损坏")

// glyph returns the outline data of glyph g (empty for a blank).
func (f *face) glyph(g int) ([]byte, error) {
	loca, glyf := f.tab["loca"], f.tab["glyf"]
	var start, end int
	if f.longLoca {
		if 4*g+8 > len(loca) {
			return nil, errBadGlyf
		}
		start, end = int(binary.BigEndian.Uint32(loca[4*g:])), int(binary.BigEndian.Uint32(loca[4*g+4:]))
	} else {
		if 2*g+4 > len(loca) {
			return nil, errBadGlyf
		}
		start, end = 2*int(binary.BigEndian.Uint16(loca[2*g:])), 2*int(binary.BigEndian.Uint16(loca[2*g+2:]))
	}
	if start > end || end > len(glyf) {
		return nil, errBadGlyf
	}
	return glyf[start:end], nil
}

// components calls fn with the offset, in a composite glyph's data, of each
// component's glyph index. A simple glyph has none.
func components(g []byte, fn func(at int)) error {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil
	}
	for p := 10; ; {
		if p+4 > len(g) {
			return errBadGlyf
		}
		flags := binary.BigEndian.Uint16(g[p:])
		fn(p + 2)
		p += 4
		if flags&compArgsAreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&compHaveScale != 0:
			p += 2
		case flags&compXYScale != 0:
			p += 4
		case flags&compTwoByTwo != 0:
			p += 8
		}
		if flags&compMore == 0 {
			return nil
		}
	}
}

// subset writes a TrueType file with the face's glyphs for runes (each one
// the face covers; others are ignored): .notdef, the runes' glyphs in rune
// order, then the components of composite glyphs, renumbered. Metrics and
// the tables fpdf reads are kept; the cmap is one format 4 subtable.
func (f *face) subset(runes []rune) ([]byte, error) {
	runes = slices.Clone(runes)
	slices.Sort(runes)
	runes = slices.Compact(runes)
	var pairs []codeGlyph
	for _, r := range runes {
		if f.covers(r) {
			pairs = append(pairs, codeGlyph{r, int(f.glyphOf[r])})
		}
	}
	return f.subsetGlyphs(pairs)
}

// codeGlyph maps a character code of a subset's cmap to a glyph of the
// face.
type codeGlyph struct {
	code  rune // ≤ U+FFFF
	glyph int
}

// subsetGlyphs is subset for a cmap given as codes (ascending, in the
// BMP) and the face's glyphs: a character above U+FFFF gets a private-use
// code this way (see fallback.go).
func (f *face) subsetGlyphs(pairs []codeGlyph) ([]byte, error) {
	b, _, err := f.cutGlyphs(pairs)
	return b, err
}

// subsetMap is subset, and the glyph each rune has in the subset.
func (f *face) subsetMap(runes []rune) ([]byte, map[rune]int, error) {
	var pairs []codeGlyph
	for _, r := range runes {
		if f.covers(r) {
			pairs = append(pairs, codeGlyph{r, int(f.glyphOf[r])})
		}
	}
	b, cmap, err := f.cutGlyphs(pairs)
	if err != nil {
		return nil, nil, err
	}
	gids := make(map[rune]int, len(cmap))
	for _, m := range cmap {
		gids[m.code] = m.glyph
	}
	return b, gids, nil
}

// cutGlyphs is subsetGlyphs, and the subset's cmap: each code with its
// glyph in the subset.
func (f *face) cutGlyphs(pairs []codeGlyph) ([]byte, []codeGlyph, error) {
	newID := map[int]int{0: 0}
	old := []int{0}
	add := func(g int) int {
		if n, ok := newID[g]; ok {
			return n
		}
		n := len(old)
		newID[g] = n
		old = append(old, g)
		return n
	}
	type mapping struct {
		r rune
		g int
	}
	var cmap []mapping
	for _, p := range pairs {
		if p.glyph <= 0 || p.glyph >= f.numGlyphs || p.code < 0 || p.code >= 0xFFFF {
			continue
		}
		cmap = append(cmap, mapping{p.code, add(p.glyph)})
	}
	subCmap := make([]codeGlyph, len(cmap))
	for i, m := range cmap {
		subCmap[i] = codeGlyph{m.r, m.g}
	}
	// Components, breadth first; add appends to old as it goes.
	for i := 0; i < len(old); i++ {
		g, err := f.glyph(old[i])
		if err != nil {
			return nil, nil, err
		}
		var comp []int
		if err := components(g, func(at int) { comp = append(comp, int(binary.BigEndian.Uint16(g[at:]))) }); err != nil {
			return nil, nil, err
		}
		for _, c := range comp {
			if c >= f.numGlyphs {
				return nil, nil, errBadGlyf
			}
			add(c)
		}
	}
	n := len(old)

	// glyf and loca (long offsets), each glyph 4-byte aligned.
	size := 0
	for _, og := range old {
		g, _ := f.glyph(og)
		size += (len(g) + 3) &^ 3
	}
	glyf := make([]byte, 0, size)
	loca := make([]byte, 4*(n+1))
	for i, og := range old {
		binary.BigEndian.PutUint32(loca[4*i:], uint32(len(glyf)))
		g, _ := f.glyph(og)
		at := len(glyf)
		glyf = append(glyf, g...)
		components(glyf[at:], func(p int) {
			c := int(binary.BigEndian.Uint16(glyf[at+p:]))
			binary.BigEndian.PutUint16(glyf[at+p:], uint16(newID[c]))
		})
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	binary.BigEndian.PutUint32(loca[4*n:], uint32(len(glyf)))

	// hmtx: a long metric per glyph (see fullMetrics).
	hmtxOld := f.tab["hmtx"]
	numHM := int(binary.BigEndian.Uint16(f.tab["hhea"][34:]))
	hmtx := make([]byte, 4*n)
	for i, og := range old {
		a := min(og, numHM-1)
		copy(hmtx[4*i:4*i+2], hmtxOld[4*a:])
		if og < numHM {
			copy(hmtx[4*i+2:4*i+4], hmtxOld[4*og+2:])
		} else if p := 4*numHM + 2*(og-numHM); p+2 <= len(hmtxOld) {
			copy(hmtx[4*i+2:4*i+4], hmtxOld[p:])
		}
	}

	// cmap: segments of consecutive runes with consecutive glyphs.
	type seg struct{ start, end, delta int }
	var segs []seg
	for _, m := range cmap {
		if k := len(segs) - 1; k >= 0 && int(m.r) == segs[k].end+1 && m.g-int(m.r) == segs[k].delta {
			segs[k].end++
			continue
		}
		segs = append(segs, seg{int(m.r), int(m.r), m.g - int(m.r)})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})
	ns := len(segs)
	sub := make([]byte, 16+8*ns)
	binary.BigEndian.PutUint16(sub[0:], 4)
	binary.BigEndian.PutUint16(sub[2:], uint16(len(sub)))
	binary.BigEndian.PutUint16(sub[6:], uint16(2*ns))
	es := 0
	for 1<<(es+1) <= ns {
		es++
	}
	binary.BigEndian.PutUint16(sub[8:], uint16(2<<es))
	binary.BigEndian.PutUint16(sub[10:], uint16(es))
	binary.BigEndian.PutUint16(sub[12:], uint16(2*ns-(2<<es)))
	for i, s := range segs {
		binary.BigEndian.PutUint16(sub[14+2*i:], uint16(s.end))
		binary.BigEndian.PutUint16(sub[16+2*ns+2*i:], uint16(s.start))
		binary.BigEndian.PutUint16(sub[16+4*ns+2*i:], uint16(s.delta&0xFFFF))
		// idRangeOffset 0
	}
	cmapT := make([]byte, 12, 12+len(sub))
	binary.BigEndian.PutUint16(cmapT[2:], 1)
	binary.BigEndian.PutUint16(cmapT[4:], 3)
	binary.BigEndian.PutUint16(cmapT[6:], 1)
	binary.BigEndian.PutUint32(cmapT[8:], 12)
	cmapT = append(cmapT, sub...)

	head := slices.Clone(f.tab["head"])
	binary.BigEndian.PutUint32(head[8:], 0) // checkSumAdjustment, set below
	binary.BigEndian.PutUint16(head[50:], 1)
	hhea := slices.Clone(f.tab["hhea"])
	binary.BigEndian.PutUint16(hhea[34:], uint16(n))
	maxp := slices.Clone(f.tab["maxp"])
	binary.BigEndian.PutUint16(maxp[4:], uint16(n))
	post := make([]byte, 32)
	copy(post, f.tab["post"])
	binary.BigEndian.PutUint32(post, 0x00030000)

	out := map[string][]byte{
		"cmap": cmapT, "glyf": glyf, "head": head, "hhea": hhea, "hmtx": hmtx,
		"loca": loca, "maxp": maxp, "name": f.tab["name"], "OS/2": f.tab["OS/2"], "post": post,
	}
	// Hinting: the glyphs' instructions may call into these.
	for _, tag := range []string{"cvt ", "fpgm", "prep", "gasp"} {
		if t, ok := f.tab[tag]; ok {
			out[tag] = t
		}
	}
	tables := make([]sfntTable, 0, len(out))
	for tag, d := range out {
		tables = append(tables, sfntTable{tag: tag, length: uint32(len(d)), sum: tableSum(d)})
	}
	slices.SortFunc(tables, func(a, b sfntTable) int {
		switch {
		case a.tag < b.tag:
			return -1
		case a.tag > b.tag:
			return 1
		}
		return 0
	})
	data := make([][]byte, len(tables))
	headAt := 0
	for i, t := range tables {
		data[i] = out[t.tag]
		if t.tag == "head" {
			headAt = i
		}
	}
	font := layoutFont(0x00010000, tables, data)
	headOff := binary.BigEndian.Uint32(font[12+16*headAt+8:])
	binary.BigEndian.PutUint32(font[headOff+8:], 0xB1B0AFBA-tableSum(font))
	return font, subCmap, nil
}
