package notice

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"

	"github.com/taizhang/taizhang/internal/cache"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pdfjoin"
	"github.com/taizhang/taizhang/internal/typeset"
)

// A village's typeset ledger is kept between builds (PublishOptions.Cache)
// under ledgerKey: the digest of every input of typesetLedger. The kept
// bytes are the chunk file itself; its metadata, what joining needs besides
// the pages, is chunkMeta.

// keyFormat changes whenever what a key covers or what an entry holds
// changes.
const keyFormat = "taizhang ledger chunk/3"

// ledgerKeys are one build's cache keys, by village name.
type ledgerKeys struct {
	village map[string]string
	// file is each village's fileKey, when village files are kept.
	file map[string]string
}

// ledgerKeys computes every village's key: a digest of what is the same
// for all of them — the program (its version and its executable's bytes,
// which hold the code and the embedded faces), the faces the build uses,
// the whole config, the templates — and of the village's own entry and
// tasks (ledger.VillageDigests: every field, the layout facts included).
func (t *town) ledgerKeys(version string) (*ledgerKeys, error) {
	prog, err := cache.Program()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	put := func(b []byte) { cache.Field(h, b) }
	put([]byte(keyFormat))
	put([]byte(version))
	put([]byte(prog))
	put([]byte(t.fonts.Digest()))
	cfg, err := t.in.Config.KeyJSON()
	if err != nil {
		return nil, err
	}
	put(cfg)
	if t.in.Templates != nil {
		err := fs.WalkDir(t.in.Templates, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(t.in.Templates, p)
			put([]byte(p))
			put(b)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	base := h.Sum(nil)

	digests := t.in.VillageDigests
	if digests == nil {
		if digests, err = ledger.VillageDigests(t.in.Config.Villages, t.in.Items); err != nil {
			return nil, err
		}
	}
	k := &ledgerKeys{village: map[string]string{}}
	for _, v := range t.in.Config.Villages {
		k.village[v.Name] = cache.Key(hex.EncodeToString(base), digests[v.Name])
	}
	return k, nil
}

// chunkMeta is what joining a kept chunk needs besides its pages.
type chunkMeta struct {
	Pages   int                    `json:"pages"`
	Runes   map[string][]rune      `json:"runes"` // by face key
	Missing []typeset.MissingGlyph `json:"missing"`
}

// ledger returns village v's typeset ledger: the kept one when the cache
// has it (hit), else a new one, put into the cache when there is one.
func (t *town) ledger(v ledger.Village, keys *ledgerKeys, opts PublishOptions) (c *ledgerChunk, hit bool, err error) {
	cfg := t.in.Config
	if keys == nil {
		c, err := typesetLedger(t.fonts, cfg, v, t.villageItems(v.Name))
		return c, false, err
	}
	key := keys.village[v.Name]
	if c, ok := t.kept(opts.Cache, key); ok {
		return c, true, nil
	}
	c, err = typesetLedger(t.fonts, cfg, v, t.villageItems(v.Name))
	if err != nil {
		return nil, false, err
	}
	meta := chunkMeta{Pages: c.pages, Runes: c.runes.ByFace(), Missing: c.missing}
	// A chunk that cannot be kept is still this build's: the cache is not
	// an output, and the ledger is typeset again next time.
	opts.Cache.PutBytes(key, c.data, meta)
	return c, false, nil
}

// kept returns the chunk kept under key, when there is a whole one that
// opens as the metadata says.
func (t *town) kept(store *cache.Store, key string) (*ledgerChunk, bool) {
	// One read: the bytes checked against the record are the bytes opened.
	data, raw, ok := store.GetBytes(key)
	if !ok {
		return nil, false
	}
	var meta chunkMeta
	if json.Unmarshal(raw, &meta) != nil || meta.Pages <= 0 {
		return nil, false
	}
	runes, ok := t.fonts.RuneSetOf(meta.Runes)
	if !ok {
		return nil, false
	}
	src, err := pdfjoin.OpenBytes(data)
	if err != nil || src.Pages() != meta.Pages {
		return nil, false
	}
	return &ledgerChunk{src: src, data: data, pages: meta.Pages, runes: runes, missing: meta.Missing}, true
}

// fileFormat changes whenever what a village file's key covers changes.
const fileFormat = "taizhang village file/1"

// fileKey is the key of a village's finished file: its ledger's key, which
// covers the pages and the program that joins them, and the document
// information the joiner writes (title, author, date, ToUnicode maps).
func fileKey(ledgerKey string, info pdfjoin.Info) string {
	// encoding/json writes map keys sorted: the same info, the same bytes.
	b, _ := json.Marshal(info)
	return cache.Key(fileFormat, ledgerKey, string(b))
}

// keptFile returns fill, or the bytes kept under key in store when it
// holds a whole entry: fill again, else, teeing what fill writes into a
// new entry. Keeping is best effort: a file that cannot be kept is still
// written, and made anew next time.
func keptFile(store *cache.Store, key string, fill func(io.Writer) error) func(io.Writer) error {
	if data, _, ok := store.GetBytes(key); ok {
		return func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		}
	}
	return func(w io.Writer) error {
		tmp, terr := os.CreateTemp(store.Dir(), ".file.*.tmp")
		if terr != nil {
			return fill(w)
		}
		keep := &bestEffort{w: bufio.NewWriterSize(tmp, 1<<16)}
		err := fill(io.MultiWriter(w, keep))
		if err == nil && keep.err == nil {
			keep.err = keep.w.(*bufio.Writer).Flush()
		}
		if cerr := tmp.Close(); keep.err == nil {
			keep.err = cerr
		}
		if err != nil || keep.err != nil {
			os.Remove(tmp.Name())
			return err
		}
		if _, perr := store.Put(key, tmp.Name(), struct{}{}); perr != nil {
			os.Remove(tmp.Name())
		}
		return nil
	}
}

// bestEffort writes to w until the first error, which it keeps instead of
// returning: a copy whose failure must not fail the write it copies.
type bestEffort struct {
	w   io.Writer
	err error
}

func (b *bestEffort) Write(p []byte) (int, error) {
	if b.err == nil {
		_, b.err = b.w.Write(p)
	}
	return len(p), nil
}
