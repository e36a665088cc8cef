package typeset

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"strconv"
	"sync"
)

// WriteFontSource writes a one-page PDF whose resources embed, for each
// face of rs, the face cut down to the characters rs holds for it: the font
// source from which pdfjoin takes the one set of fonts of a joined PDF. Its
// fonts are what fpdf writes for a UTF-8 face — a Type0 font, Identity-H,
// character codes equal to the Unicode values, a CIDToGIDMap to the
// subset's glyphs, the widths the typesetter measured with — named by
// BaseFont "utf8" + the face's key, as pages set by fpdf, page sets and
// overlays all name them. The page itself is blank.
func WriteFontSource(w io.Writer, rs RuneSet) error {
	faces := rs.faces()
	p := &pdfOut{w: w}
	p.put("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	// 1 the page tree, 2 the resources, 3 the page, 4 the catalog, then
	// seven objects per face.
	const perFace = 7
	p.begin(2)
	p.put("<</Font <<")
	for i, f := range faces {
		p.put(" /" + overlayFontName(f.key) + " " + strconv.Itoa(5+perFace*i) + " 0 R")
	}
	p.put(" >> >>\nendobj\n")
	p.begin(3)
	p.put("<</Type /Page /Parent 1 0 R /MediaBox [0 0 595.28 841.89] /Resources 2 0 R>>\nendobj\n")
	p.begin(1)
	p.put("<</Type /Pages /Kids [3 0 R] /Count 1>>\nendobj\n")
	p.begin(4)
	p.put("<</Type /Catalog /Pages 1 0 R>>\nendobj\n")
	var zbuf bytes.Buffer
	zw := getDeflater(&zbuf)
	defer putDeflater(zw)
	deflate := func(b []byte) ([]byte, error) {
		zbuf.Reset()
		zw.Reset(&zbuf)
		if _, err := zw.Write(b); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		return bytes.Clone(zbuf.Bytes()), nil
	}
	for i, f := range faces {
		var runes []rune
		for _, r := range rs.runes(f) {
			if f.covers(r) && r < 0xFFFF {
				runes = append(runes, r)
			}
		}
		if err := writeFont(p, 5+perFace*i, f, runes, deflate); err != nil {
			return err
		}
	}
	return p.finish(4)
}

// cidMaps keeps CIDToGIDMap buffers (128 KiB each, one per face of every
// joined file) for reuse.
var cidMaps = sync.Pool{New: func() any { return new([2 * 0x10000]byte) }}

// writeFont writes face f's font objects, numbered from n: the Type0 font,
// its CIDFont, the ToUnicode map, the CIDSystemInfo, the descriptor, the
// CIDToGIDMap and the font file, cut to runes (sorted).
func writeFont(p *pdfOut, n int, f *face, runes []rune, deflate func([]byte) ([]byte, error)) error {
	name := overlayFontName(f.key)
	file, gids, err := f.subsetMap(runes)
	if err != nil {
		// A face the subsetter cannot cut goes in whole, its own glyphs.
		file, gids = f.data, map[rune]int{}
		for _, r := range runes {
			gids[r] = int(f.glyphOf[r])
		}
	}
	ref := func(k int) string { return strconv.Itoa(n+k) + " 0 R" }
	p.begin(n)
	p.put("<</Type /Font\n/Subtype /Type0\n/BaseFont /" + name + "\n/Encoding /Identity-H\n/DescendantFonts [" +
		ref(1) + "]\n/ToUnicode " + ref(2) + ">>\nendobj\n")

	p.begin(n + 1)
	p.put("<</Type /Font\n/Subtype /CIDFontType2\n/BaseFont /" + name + "\n/CIDSystemInfo " + ref(3) +
		"\n/FontDescriptor " + ref(4) + "\n/DW 1000\n/W [")
	// Only the characters not one em wide: DW covers the rest.
	var b []byte
	for i := 0; i < len(runes); {
		if f.pdfWidth(runes[i]) == 1000 {
			i++
			continue
		}
		b = strconv.AppendInt(append(b, ' '), int64(runes[i]), 10)
		b = append(b, " ["...)
		j := i
		for ; j < len(runes) && runes[j] == runes[i]+rune(j-i); j++ {
			w := f.pdfWidth(runes[j])
			if w == 1000 {
				break
			}
			if j > i {
				b = append(b, ' ')
			}
			b = strconv.AppendInt(b, int64(w), 10)
		}
		b = append(b, ']')
		i = j
	}
	p.putBytes(b)
	p.put(" ]\n/CIDToGIDMap " + ref(5) + ">>\nendobj\n")

	const toUnicode = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n" +
		"<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n" +
		"/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n1 beginbfrange\n" +
		"<0000> <FFFF> <0000>\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
	p.begin(n + 2)
	p.put("<</Length " + strconv.Itoa(len(toUnicode)) + ">>\nstream\n" + toUnicode + "\nendstream\nendobj\n")

	p.begin(n + 3)
	p.put("<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0>>\nendobj\n")

	m := f.pdfMetrics()
	p.begin(n + 4)
	p.put("<</Type /FontDescriptor /FontName /" + name +
		"\n /Ascent " + strconv.Itoa(m.ascent) + " /Descent " + strconv.Itoa(m.descent) +
		" /CapHeight " + strconv.Itoa(m.capHeight) + " /Flags " + strconv.Itoa(m.flags) +
		" /FontBBox [" + strconv.Itoa(m.bbox[0]) + " " + strconv.Itoa(m.bbox[1]) + " " + strconv.Itoa(m.bbox[2]) + " " + strconv.Itoa(m.bbox[3]) +
		"] /ItalicAngle " + strconv.Itoa(m.italic) + " /StemV " + strconv.Itoa(m.stemV) +
		" /MissingWidth 1000 /FontFile2 " + ref(6) + ">>\nendobj\n")

	cidToGID := cidMaps.Get().(*[2 * 0x10000]byte)
	clear(cidToGID[:])
	for r, g := range gids {
		binary.BigEndian.PutUint16(cidToGID[2*r:], uint16(g))
	}
	z, err := deflate(cidToGID[:])
	cidMaps.Put(cidToGID)
	if err != nil {
		return err
	}
	p.begin(n + 5)
	p.put("<</Length " + strconv.Itoa(len(z)) + " /Filter /FlateDecode>>\nstream\n")
	p.putBytes(z)
	p.put("\nendstream\nendobj\n")

	z, err = deflate(file)
	if err != nil {
		return err
	}
	p.begin(n + 6)
	p.put("<</Length " + strconv.Itoa(len(z)) + " /Filter /FlateDecode /Length1 " + strconv.Itoa(len(file)) + ">>\nstream\n")
	p.putBytes(z)
	p.put("\nendstream\nendobj\n")
	return p.err
}

// pdfWidth is r's width in the font's /W, in 1/1000 em: the glyph's own
// advance. (The typesetter measures a proportional em dash as a full em,
// and draws it stretched to one: see dashScale.)
func (f *face) pdfWidth(r rune) int {
	if r == '—' && f.dashScale > 0 {
		return int(math.Round(1000 / f.dashScale))
	}
	return int(f.adv[r])
}

// fontMetrics is what a font descriptor says of a face, in 1/1000 em.
type fontMetrics struct {
	ascent, descent, capHeight int
	flags                      int
	bbox                       [4]int
	italic, stemV              int
}

// pdfMetrics reads the descriptor's figures from the face's tables as fpdf
// reads them: ascent and descent from hhea (else OS/2's typographic ones,
// else the bounding box), the cap height from OS/2, StemV from the weight
// class, the italic angle and fixed pitch from post.
func (f *face) pdfMetrics() fontMetrics {
	u16 := func(t []byte, at int) int {
		if at+2 > len(t) {
			return 0
		}
		return int(binary.BigEndian.Uint16(t[at:]))
	}
	i16 := func(t []byte, at int) int { return int(int16(u16(t, at))) }
	head, hhea, os2, post := f.tab["head"], f.tab["hhea"], f.tab["OS/2"], f.tab["post"]
	upem := u16(head, 18)
	if upem == 0 {
		upem = 1000
	}
	scale := func(v int) int { return int(float64(v) * 1000 / float64(upem)) }
	var m fontMetrics
	m.bbox = [4]int{scale(i16(head, 36)), scale(i16(head, 38)), scale(i16(head, 40)), scale(i16(head, 42))}
	m.ascent, m.descent = scale(i16(hhea, 4)), scale(i16(hhea, 6))
	weight := 500
	if len(os2) >= 78 {
		weight = u16(os2, 4)
		if m.ascent == 0 {
			m.ascent = scale(i16(os2, 68))
		}
		if m.descent == 0 {
			m.descent = scale(i16(os2, 70))
		}
		m.capHeight = m.ascent
		if u16(os2, 0) > 1 && len(os2) >= 90 {
			m.capHeight = scale(i16(os2, 88))
		}
	} else {
		if m.ascent == 0 {
			m.ascent = m.bbox[3]
		}
		if m.descent == 0 {
			m.descent = m.bbox[1]
		}
		m.capHeight = m.ascent
	}
	m.stemV = 50 + int(math.Pow(float64(weight)/65.0, 2))
	m.italic = i16(post, 4)
	m.flags = 4
	if m.italic != 0 {
		m.flags |= 64
	}
	if weight >= 600 {
		m.flags |= 262144
	}
	if len(post) >= 16 && binary.BigEndian.Uint32(post[12:]) != 0 {
		m.flags |= 1
	}
	return m
}
