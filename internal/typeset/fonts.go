package typeset

import (
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"codeberg.org/go-pdf/fpdf"
	"github.com/klauspost/compress/zstd"
	"github.com/taizhang/taizhang/internal/cache"
)

// FontFiles names the user's own font files, one per role. A name may be a
// .ttf file or a TrueType collection with a face index: "simsun.ttc#0"
// (index 0 when omitted). An empty name uses the embedded free face.
type FontFiles struct {
	Title string // 方正小标宋
	Body  string // 仿宋_GB2312 / 仿宋
	Hei   string // 黑体
	Kai   string // 楷体_GB2312 / 楷体
	Song  string // 宋体, for page numbers
}

// FontSet is a parsed set of faces, one per role, shared read-only by any
// number of Documents.
type FontSet struct {
	roles [numRoles]*face
	// chain lists, for each role, the faces to try for a character: the
	// role's own face first, then the others.
	chain [numRoles][]*face
	// extra are faces that serve no role, last in every chain.
	extra []*face
	// alias gives each character above U+FFFF that a face draws the
	// private-use code it has in that face; toUnicode gives each such
	// face's PDF font name the reverse (see WithFallback).
	alias     map[rune]rune
	toUnicode map[string]map[rune]rune
}

// The faces are zstd-compressed (.ttf.zst), which unpacks about four times
// faster than gzip: unpacking is a fixed cost of every build. A face
// still in gzip (.ttf.gz) is read too.
//
//go:embed fonts/*.ttf.*
var embeddedFS embed.FS

// The embedded faces and the roles they serve; see fonts/README.md.
var embeddedFiles = [numRoles]string{
	RoleBody:  "serif-regular",
	RoleTitle: "serif-bold",
	RoleHei:   "sans-regular",
	RoleKai:   "kai",
	RoleSong:  "serif-regular",
}

// embeddedLabels name the embedded faces for the clerk.
var embeddedLabels = map[string]string{
	"serif-regular": "内置 Noto Serif CJK SC", "serif-bold": "内置 Noto Serif CJK SC Bold",
	"sans-regular": "内置 Noto Sans CJK SC", "kai": "内置 AR PL KaitiM GB", "fallback": "内置 DejaVu Sans",
}

// fallbackFile is a last-resort face for the few GBK symbols the CJK faces
// lack (≒).
const fallbackFile = "fallback"

var (
	embeddedOnce sync.Once
	embeddedSet  *FontSet
	embeddedErr  error
)

// EmbeddedFonts returns the free faces compiled into the program (Noto
// Serif/Sans CJK SC converted to TrueType, AR PL KaitiM GB). They are
// decompressed and parsed once per process.
func EmbeddedFonts() (*FontSet, error) { return embeddedFonts(nil) }

// EmbeddedFontsKept is EmbeddedFonts keeping the unpacked faces in store
// between processes: a build reads them there, checked (cache.Store),
// instead of unpacking them again — zstd costs about 0.15 CPU-seconds a
// build. Its keys are KeptFaceKeys. Only the first call in a process, of
// either function, unpacks (or reads) the faces.
func EmbeddedFontsKept(store *cache.Store) (*FontSet, error) { return embeddedFonts(store) }

// keptFaceFormat changes whenever what a kept face's key covers changes.
const keptFaceFormat = "taizhang unpacked face/2"

// keptFaceKey is the key embedded face name is kept under: this program's
// faces only.
func keptFaceKey(name string) (string, bool) {
	prog, err := cache.Program()
	if err != nil {
		return "", false
	}
	return cache.Key(keptFaceFormat, prog, name), true
}

// KeptFaceKeys are the keys EmbeddedFontsKept keeps this program's faces
// under, for a caller that prunes the store to them.
func KeptFaceKeys() map[string]bool {
	keys := map[string]bool{}
	for _, name := range append(embeddedFiles[:], fallbackFile) {
		if k, ok := keptFaceKey(name); ok {
			keys[k] = true
		}
	}
	return keys
}

func embeddedFonts(store *cache.Store) (*FontSet, error) {
	embeddedOnce.Do(func() {
		// Decompress and parse the distinct faces in parallel: gunzip of
		// ~30 MB dominates.
		names := append(embeddedFiles[:], fallbackFile)
		faces := map[string]*face{}
		errs := map[string]error{}
		started := map[string]bool{} // read and written by this goroutine only
		var mu sync.Mutex            // guards faces and errs
		var wg sync.WaitGroup
		for _, name := range names {
			if started[name] {
				continue
			}
			started[name] = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				f, err := loadEmbedded(name, store)
				mu.Lock()
				faces[name], errs[name] = f, err
				mu.Unlock()
			}()
		}
		wg.Wait()
		for _, name := range names {
			if err := errs[name]; err != nil {
				embeddedErr = fmt.Errorf("内置字体 %s：%w", name, err)
				return
			}
		}
		var fs FontSet
		for role, name := range embeddedFiles {
			fs.roles[role] = faces[name]
		}
		fs.extra = []*face{faces[fallbackFile]}
		fs.buildChains()
		embeddedSet = &fs
	})
	return embeddedSet, embeddedErr
}

func loadEmbedded(name string, store *cache.Store) (*face, error) {
	b, err := unpackKept(name, store)
	if err != nil {
		return nil, err
	}
	f, err := parseFace("emb-"+name, b)
	if err == nil {
		f.label = embeddedLabels[name]
	}
	if err == nil && name == "kai" {
		// AR PL KaitiM GB draws 国 0.69 em wide and 0.80 high, where the
		// Noto faces and the official 楷体_GB2312 fill about 0.85 × 0.90.
		f.scale = 1.15
	}
	return f, err
}

// LoadFonts parses the user's font files; roles left empty use the
// embedded faces. A file that cannot be used is an error naming it — never a
// silent fallback to another face.
func LoadFonts(files FontFiles) (*FontSet, error) {
	emb, err := EmbeddedFonts()
	if err != nil {
		return nil, err
	}
	names := [numRoles]string{
		RoleBody: files.Body, RoleTitle: files.Title, RoleHei: files.Hei,
		RoleKai: files.Kai, RoleSong: files.Song,
	}
	fs := *emb
	byName := map[string]*face{}
	for role, name := range names {
		if strings.TrimSpace(name) == "" {
			continue
		}
		f, ok := byName[name]
		if !ok {
			if f, err = loadFontFile(name, fmt.Sprintf("user%d", len(byName))); err != nil {
				return nil, err
			}
			byName[name] = f
		}
		fs.roles[role] = f
	}
	fs.buildChains()
	return &fs, nil
}

// loadFontFile reads "path" or "path#N".
func loadFontFile(name, key string) (*face, error) {
	path, index := name, 0
	if i := strings.LastIndexByte(name, '#'); i > 0 {
		if n, err := strconv.Atoi(name[i+1:]); err == nil && n >= 0 {
			if _, statErr := os.Stat(name); statErr != nil {
				path, index = name[:i], n
			}
		}
	}
	fail := func(err error) (*face, error) {
		return nil, fmt.Errorf("无法读取字体文件 %s：%w", name, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fail(err)
	}
	if b, err = extractFace(b, index); err != nil {
		return fail(err)
	}
	f, err := parseFace(key, b)
	if err != nil {
		return fail(err)
	}
	if err := tryFPDF(f); err != nil {
		return fail(err)
	}
	f.label = name
	return f, nil
}

// tryFPDF loads the face into a throwaway PDF, because fpdf reports a font
// it cannot parse only on standard output and then fails later.
func tryFPDF(f *face) error {
	p := fpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes(f.key, "", f.data)
	p.SetFont(f.key, "", 12)
	if err := p.Error(); err != nil {
		return fmt.Errorf("PDF 库无法使用这个字体：%w", err)
	}
	return nil
}

// buildChains orders the fallback faces of every role: its own face, then
// the others in role order, each face once.
func (fs *FontSet) buildChains() {
	for role := range fs.roles {
		chain := []*face{fs.roles[role]}
		for _, f := range append(fs.roles[:], fs.extra...) {
			dup := false
			for _, c := range chain {
				dup = dup || c == f
			}
			if !dup {
				chain = append(chain, f)
			}
		}
		fs.chain[role] = chain
	}
}

// faceFor returns the first face of the role's chain that has r, or nil.
func (fs *FontSet) faceFor(role Role, r rune) *face {
	for _, f := range fs.chain[role] {
		if f.covers(r) {
			return f
		}
	}
	return nil
}

// Covers reports whether some face of the set can draw r.
func (fs *FontSet) Covers(r rune) bool { return fs.faceFor(RoleBody, r) != nil }

// faces returns the distinct faces of the set.
func (fs *FontSet) faces() []*face {
	return fs.chain[RoleBody]
}

// zstdDecoder unpacks the embedded faces; DecodeAll may be called from
// several goroutines at once.
var zstdDecoder, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))

// unpackKept is unpackEmbedded, taking the face from store when it holds
// it whole and keeping it there when not (best effort). What is kept is
// the face as parseFace keeps it, every glyph's metrics long
// (fullMetrics): parsing a kept face does not copy it again.
func unpackKept(name string, store *cache.Store) ([]byte, error) {
	key, ok := keptFaceKey(name)
	if store == nil || !ok {
		return unpackEmbedded(name)
	}
	if b, _, ok := store.GetBytes(key); ok {
		return b, nil
	}
	b, err := unpackEmbedded(name)
	if err == nil {
		b, err = fullMetrics(b)
	}
	if err == nil {
		store.PutBytes(key, b, struct{}{})
	}
	return b, err
}

// unpackEmbedded returns the bytes of an embedded face, from its .ttf.zst
// or else its .ttf.gz.
func unpackEmbedded(name string) ([]byte, error) {
	if z, err := embeddedFS.ReadFile("fonts/" + name + ".ttf.zst"); err == nil {
		return zstdDecoder.DecodeAll(z, nil)
	}
	z, err := embeddedFS.Open("fonts/" + name + ".ttf.gz")
	if err != nil {
		return nil, err
	}
	defer z.Close()
	r, err := gzip.NewReader(z)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}
