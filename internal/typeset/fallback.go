package typeset

import (
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Characters the faces of a set lack are looked for in the fonts of the
// machine: the Windows Fonts folder (SimSun-ExtB has CJK Extension B),
// /usr/share/fonts, the user's font folder. Looking is bounded: only when a
// character is missing, reading only each font's character map, each file
// once per process for each character asked. A face found is cut down to
// the characters wanted, and a character above U+FFFF — which the PDF
// library cannot address — is given a private-use code in that cut face;
// the PDF's ToUnicode map gives the real character back (ToUnicode), so
// that text extracts as itself.

// FontDirs returns the folders the machine keeps fonts in, in the order
// they are searched: on Windows the system Fonts folder and the user's; on
// macOS /Library/Fonts, /System/Library/Fonts and ~/Library/Fonts;
// elsewhere /usr/share/fonts, /usr/local/share/fonts, ~/.local/share/fonts
// and ~/.fonts. Folders that do not exist are left out.
func FontDirs() []string {
	home, _ := os.UserHomeDir()
	var dirs []string
	switch runtime.GOOS {
	case "windows":
		win := os.Getenv("WINDIR")
		if win == "" {
			win = `C:\Windows`
		}
		dirs = append(dirs, filepath.Join(win, "Fonts"))
		if la := os.Getenv("LOCALAPPDATA"); la != "" {
			dirs = append(dirs, filepath.Join(la, "Microsoft", "Windows", "Fonts"))
		}
	case "darwin":
		dirs = append(dirs, "/Library/Fonts", "/System/Library/Fonts")
		if home != "" {
			dirs = append(dirs, filepath.Join(home, "Library", "Fonts"))
		}
	default:
		dirs = append(dirs, "/usr/share/fonts", "/usr/local/share/fonts")
		if home != "" {
			dirs = append(dirs, filepath.Join(home, ".local", "share", "fonts"), filepath.Join(home, ".fonts"))
		}
	}
	var out []string
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			out = append(out, d)
		}
	}
	return out
}

// FoundFace is a face taken from a font file of the machine for characters
// the set lacked.
type FoundFace struct {
	File  string // the font file ("…/HanaMinB.ttf", "…/simsunb.ttf#0")
	Runes []rune // the characters it gives, in order
}

// privateUseFirst is where the codes of characters above U+FFFF start,
// in the BMP's Private Use Area.
const privateUseFirst = 0xF000

// WithFallback returns the set with faces from the fonts under dirs for
// those of runes it lacks, and which files it took them from. The set
// itself is not changed; when it lacks nothing, or no font has what it
// lacks, it is returned as is (a character still missing is reported by
// the Documents that draw it).
func (fs *FontSet) WithFallback(dirs []string, runes []rune) (*FontSet, []FoundFace, error) {
	var want []rune
	seen := map[rune]bool{}
	for _, r := range runes {
		if seen[r] || r < 0x20 || isSpace(r) || r == '\n' {
			continue
		}
		seen[r] = true
		if _, ok := fs.alias[r]; ok {
			continue
		}
		if fs.faceFor(RoleBody, r) == nil {
			want = append(want, r)
		}
	}
	if len(want) == 0 {
		return fs, nil, nil
	}
	slices.Sort(want)
	out := *fs
	out.extra = slices.Clone(fs.extra)
	out.alias = map[rune]rune{}
	for k, v := range fs.alias {
		out.alias[k] = v
	}
	out.toUnicode = map[string]map[rune]rune{}
	for k, v := range fs.toUnicode {
		out.toUnicode[k] = v
	}
	// Private-use codes not in the text or given out already.
	next := rune(privateUseFirst)
	for _, v := range out.alias {
		next = max(next, v+1)
	}
	pua := func() rune {
		for seen[next] {
			next++
		}
		next++
		return next - 1
	}
	var found []FoundFace
	for _, ff := range fontFiles(dirs) {
		if len(want) == 0 {
			break
		}
		covered := ff.covers(want)
		if len(covered) == 0 {
			continue
		}
		f, got, err := cutFace(ff, covered, pua, len(out.extra))
		if err != nil || len(got) == 0 {
			continue // a font that cannot be used is passed over
		}
		var gotRunes []rune
		tu := map[rune]rune{}
		for real, code := range got {
			gotRunes = append(gotRunes, real)
			if real != code {
				out.alias[real] = code
				tu[code] = real
			}
		}
		slices.Sort(gotRunes)
		f.runes = gotRunes
		if len(tu) > 0 {
			out.toUnicode[overlayFontName(f.key)] = tu
		}
		out.extra = append(out.extra, f)
		found = append(found, FoundFace{File: ff.name(), Runes: gotRunes})
		want = slices.DeleteFunc(want, func(r rune) bool { _, ok := got[r]; return ok })
	}
	if len(found) == 0 {
		return fs, nil, nil
	}
	out.buildChains()
	return &out, found, nil
}

// ToUnicode gives, for each face that draws characters above U+FFFF under
// private-use codes, its PDF font name (fpdf's: "utf8" + family) and the
// character each code stands for. A PDF writer (package pdfjoin) puts
// them in the fonts' ToUnicode maps.
func (fs *FontSet) ToUnicode() map[string]map[rune]rune { return fs.toUnicode }

// fontFile is one face of a font file of the machine.
type fontFile struct {
	path  string
	index int
	ttc   bool
}

func (ff fontFile) name() string {
	if ff.ttc {
		return fmt.Sprintf("%s#%d", ff.path, ff.index)
	}
	return ff.path
}

// The faces of the font folders, and which characters each has, as far as
// asked: read once per process.
var sysFonts struct {
	sync.Mutex
	lists map[string][]fontFile      // by folder
	known map[fontFile]map[rune]bool // whether a face has each character asked so far
}

// fontFiles lists the TrueType faces under dirs: .ttf and .ttc files (an
// OpenType file with CFF outlines cannot be embedded), in the order of
// dirs, then of their paths.
func fontFiles(dirs []string) []fontFile {
	sysFonts.Lock()
	defer sysFonts.Unlock()
	if sysFonts.lists == nil {
		sysFonts.lists = map[string][]fontFile{}
		sysFonts.known = map[fontFile]map[rune]bool{}
	}
	var out []fontFile
	for _, dir := range dirs {
		list, ok := sysFonts.lists[dir]
		if !ok {
			filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
				if err != nil || e.IsDir() {
					return nil
				}
				switch strings.ToLower(filepath.Ext(p)) {
				case ".ttf":
					list = append(list, fontFile{path: p})
				case ".ttc":
					for i := range ttcCount(p) {
						list = append(list, fontFile{path: p, index: i, ttc: true})
					}
				}
				return nil
			})
			sysFonts.lists[dir] = list
		}
		out = append(out, list...)
	}
	return out
}

func ttcCount(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	var h [12]byte
	if _, err := io.ReadFull(f, h[:]); err != nil || string(h[:4]) != "ttcf" {
		return 0
	}
	return min(int(binary.BigEndian.Uint32(h[8:])), 64)
}

// covers returns those of runes the face's character map has. The answers
// are kept, not the map: a face's map is read again only for characters
// not asked before.
func (ff fontFile) covers(runes []rune) []rune {
	sysFonts.Lock()
	known := sysFonts.known[ff]
	if known == nil {
		known = map[rune]bool{}
		sysFonts.known[ff] = known
	}
	var ask []rune
	for _, r := range runes {
		if _, ok := known[r]; !ok {
			ask = append(ask, r)
		}
	}
	sysFonts.Unlock()
	if len(ask) > 0 {
		look := readCmap(ff)
		sysFonts.Lock()
		for _, r := range ask {
			known[r] = look(r) > 0
		}
		sysFonts.Unlock()
	}
	sysFonts.Lock()
	defer sysFonts.Unlock()
	var out []rune
	for _, r := range runes {
		if known[r] {
			out = append(out, r)
		}
	}
	return out
}

// readCmap reads only a face's character map: its table directory and its
// cmap table. A file that cannot be read has no characters.
func readCmap(ff fontFile) func(rune) int {
	none := func(rune) int { return 0 }
	f, err := os.Open(ff.path)
	if err != nil {
		return none
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return none
	}
	size := st.Size()
	read := func(off, n int64) []byte {
		if off < 0 || n <= 0 || n > 16<<20 || off+n > size {
			return nil
		}
		b := make([]byte, n)
		if _, err := f.ReadAt(b, off); err != nil {
			return nil
		}
		return b
	}
	var off int64
	if ff.ttc {
		h := read(12+4*int64(ff.index), 4)
		if h == nil {
			return none
		}
		off = int64(binary.BigEndian.Uint32(h))
	}
	h := read(off, 12)
	if h == nil {
		return none
	}
	n := int64(binary.BigEndian.Uint16(h[4:]))
	dir := read(off+12, 16*n)
	if dir == nil {
		return none
	}
	for i := range n {
		rec := dir[16*i:]
		if string(rec[:4]) == "cmap" {
			c := read(int64(binary.BigEndian.Uint32(rec[8:])), int64(binary.BigEndian.Uint32(rec[12:])))
			if c == nil {
				return none
			}
			return cmapLookup(c)
		}
	}
	return none
}

// cmapLookup returns a rune → glyph lookup over a cmap table: its format 12
// subtable (every plane) when it has one, else its format 4 (the BMP).
func cmapLookup(c []byte) func(rune) int {
	if groups := cmapFormat12(c); groups != nil {
		return func(r rune) int {
			i, ok := slices.BinarySearchFunc(groups, uint32(r), func(g [3]uint32, r uint32) int {
				switch {
				case g[1] < r:
					return -1
				case g[0] > r:
					return 1
				}
				return 0
			})
			if !ok {
				return 0
			}
			return int(groups[i][2] + uint32(r) - groups[i][0])
		}
	}
	m, err := cmapFormat4(c)
	if err != nil {
		return func(rune) int { return 0 }
	}
	return func(r rune) int {
		if r < 0 || r > 0xFFFF {
			return 0
		}
		return m[r]
	}
}

// cmapFormat12 returns the groups (first char, last char, first glyph) of
// the cmap's format 12 subtable (3,10) or (0,4), sorted; nil if none.
func cmapFormat12(c []byte) [][3]uint32 {
	for _, r := range cmapRecords(c) {
		pid, eid, off := r.platform, r.encoding, r.offset
		if !(pid == 3 && eid == 10) && !(pid == 0 && (eid == 4 || eid == 6)) {
			continue
		}
		if off < 0 || off+16 > len(c) || binary.BigEndian.Uint16(c[off:]) != 12 {
			continue
		}
		ng := int(binary.BigEndian.Uint32(c[off+12:]))
		if ng < 0 || ng > (len(c)-off-16)/12 {
			continue
		}
		groups := make([][3]uint32, 0, ng)
		var last uint32
		for g := range ng {
			p := off + 16 + 12*g
			a, b, s := binary.BigEndian.Uint32(c[p:]), binary.BigEndian.Uint32(c[p+4:]), binary.BigEndian.Uint32(c[p+8:])
			if b < a || b > 0x10FFFF || (len(groups) > 0 && a <= last) {
				continue // damaged or unsorted: skipped
			}
			groups = append(groups, [3]uint32{a, b, s})
			last = b
		}
		return groups
	}
	return nil
}

// cutFace reads a face of a font file and cuts it to runes, each above
// U+FFFF under a private-use code from pua. It returns the face and, for
// each character it has, the code it is drawn with.
func cutFace(ff fontFile, runes []rune, pua func() rune, n int) (*face, map[rune]rune, error) {
	b, err := os.ReadFile(ff.path)
	if err != nil {
		return nil, nil, err
	}
	if b, err = extractFace(b, ff.index); err != nil {
		return nil, nil, err
	}
	full, err := parseFace("scan", b)
	if err != nil {
		return nil, nil, err
	}
	look := cmapLookup(full.tab["cmap"])
	codes := map[rune]rune{}
	var pairs []codeGlyph
	for _, r := range runes {
		g := look(r)
		if g <= 0 || g >= full.numGlyphs {
			continue
		}
		if gl, err := full.glyph(g); err != nil || len(gl) == 0 {
			continue // an empty glyph: a blank, not the character
		}
		code := r
		if r > 0xFFFF {
			code = pua()
		}
		codes[r] = code
		pairs = append(pairs, codeGlyph{code, g})
	}
	slices.SortFunc(pairs, func(a, b codeGlyph) int { return int(a.code - b.code) })
	sub, err := full.subsetGlyphs(pairs)
	if err != nil {
		return nil, nil, err
	}
	base := strings.ToLower(strings.TrimSuffix(filepath.Base(ff.path), filepath.Ext(ff.path)))
	key := fmt.Sprintf("sys%d-%s", n, strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, base))
	f, err := parseFace(key, sub)
	if err != nil {
		return nil, nil, err
	}
	f.label = ff.name()
	return f, codes, nil
}
