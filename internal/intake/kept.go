package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/taizhang/taizhang/internal/cache"
	"github.com/taizhang/taizhang/internal/ledger"
)

// A workbook's reading is kept between builds (Options.Kept) so that a
// rebuild after one village's workbook changed reads that one workbook and
// takes the others' Results from the store. Reading is a pure function of
// the file's bytes, the name diagnostics call it by, Options and the
// program's code: the key (func key) is the digest of exactly these, plus
// a format and what the caller adds (the build's version and whole config). The file's
// bytes are hashed every time — a changed file may keep its size and
// modification time (a copy with -p, a clock set back, a share's coarse
// times), and hashing a town's workbooks costs little beside parsing them.

// keptFormat changes whenever what a key covers or how an entry is encoded
// (entry.go) changes. A field added to Result, File, SheetUse, ledger.Item …
// changes every key by itself (entryShape is in the key).
const keptFormat = "taizhang intake result/3"

// maxKept is the largest file whose reading is kept: the file is held in
// memory whole to hash it and read it from the same bytes. A larger file
// (no real ledger is) is read from disk as without a store.
const maxKept = 64 << 20

// Kept keeps Results in a cache.Store. Its methods may be called from
// several goroutines.
type Kept struct {
	store    *cache.Store
	salt     [][]byte
	readOnly bool // NewKeptReadOnly: take readings, keep none, prune nothing

	mu   sync.Mutex
	used map[string]bool // keys read or kept since NewKept

	read, reused atomic.Int32
}

// NewKept keeps Results in store, under keys that cover salt too: what
// besides the file, Options and the program the caller's results depend on
// (a build adds its version and config).
func NewKept(store *cache.Store, salt ...[]byte) *Kept {
	return &Kept{store: store, salt: salt, used: map[string]bool{}}
}

// NewKeptReadOnly is NewKept for a reader beside the builds (check,
// status, the desk), which holds no lock on the store: it takes the
// readings a build kept, and neither keeps one nor prunes. A build may be
// writing or pruning the store meanwhile; an entry met half written or
// half gone fails its record or its seal and the file is read, as any bad
// entry is.
func NewKeptReadOnly(store *cache.Store, salt ...[]byte) *Kept {
	k := NewKept(store, salt...)
	k.readOnly = true
	return k
}

// Counts returns how many files were read and how many Results were taken
// from the store instead, since NewKept.
func (k *Kept) Counts() (read, reused int) { return int(k.read.Load()), int(k.reused.Load()) }

// Prune removes from the store every entry not used since NewKept: the
// store holds the last build's readings, not every version of every file.
func (k *Kept) Prune() error {
	if k.readOnly {
		return errors.New("intake: a read-only Kept prunes nothing")
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.store.Keep(k.used)
}

// base digests what every file's key shares: the format, the program, the
// caller's salt and opts.
func (k *Kept) base(opts Options) (string, error) {
	prog, err := cache.Program()
	if err != nil {
		return "", err
	}
	fields := []string{keptFormat, entryShape, prog}
	for _, s := range k.salt {
		fields = append(fields, string(s))
	}
	// Every Options field but Kept itself, with the defaults reading
	// applies, in JSON: a key must be the same in every process.
	o, err := json.Marshal(struct {
		Villages []ledger.Village
		Limits   Limits
	}{opts.Villages, orDefault(opts.Limits)})
	if err != nil {
		return "", err
	}
	return cache.Key(append(fields, string(o))...), nil
}

// key is the file's key: base, the name its diagnostics use, the digest
// of its bytes. This is the one place a key is made.
func key(base, name string, sum [32]byte) string {
	return cache.Key(base, name, string(sum[:]))
}

// reader returns ReadAll's read for opts: Read, with each plain workbook
// file's Result taken from the store when it holds one under the file's
// key, and kept there when not. The keys' common part, which digests the
// program file (once per process, tens of megabytes), is made beside the
// first files' reading and hashing, which do not need it.
func (k *Kept) reader(opts Options) func(path string) *Result {
	base := sync.OnceValues(func() (string, error) { return k.base(opts) })
	go base()
	return func(path string) *Result { return k.readKept(path, opts, base) }
}

func (k *Kept) readKept(path string, opts Options, base func() (string, error)) *Result {
	name := filepath.Base(path)
	// Only a plain workbook file is kept. A link, a file that is not read
	// (by its name) and a file that cannot be opened give a Result that
	// depends on more than bytes, and cost nothing to read again.
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || !IsWorkbookName(name) || fi.Size() > maxKept {
		k.read.Add(1)
		return Read(path, opts)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		k.read.Add(1)
		return Read(path, opts)
	}
	sum := sha256.Sum256(data)
	b, err := base()
	if err != nil {
		// A key that cannot be made (the program file unreadable) keeps
		// nothing: every file is read, as without a store.
		k.read.Add(1)
		return readData(path, data, opts)
	}
	key := key(b, name, sum)
	if res, ok := k.get(key, path, data, sum); ok {
		k.reused.Add(1)
		k.use(key)
		return res
	}
	k.read.Add(1)
	res := readData(path, data, opts)
	if k.put(key, res) {
		k.use(key)
	}
	return res
}

func (k *Kept) use(key string) {
	k.mu.Lock()
	k.used[key] = true
	k.mu.Unlock()
}

// put keeps res under key, unless the file was rejected (an error). A
// rejected file's reading follows from the key as much as any other's, but
// it stops the build, and the clerk replaces the file: kept, it would
// hardly ever be used again, and a build that stops at check would leave
// the cache with readings no later build wants. Reading it again costs one
// file. (A reading that met a bug in this program, CodeInternal, is an
// error too: the next build tries again.)
func (k *Kept) put(key string, res *Result) bool {
	if res.File.Rejected || k.readOnly {
		return false
	}
	entry, err := encodeEntry(key, res)
	// Failing to keep a reading costs the next build a read, no more.
	return err == nil && k.store.PutBytes(key, entry, nil) == nil
}

// get returns the Result kept under key for the file at path whose bytes
// are data, when the store has a whole entry that decodes and names this
// file (a damaged or foreign entry is not used).
func (k *Kept) get(key, path string, data []byte, sum [32]byte) (*Result, bool) {
	b, _, ok := k.store.GetBytes(key)
	if !ok {
		return nil, false
	}
	res, ok := decodeEntry(key, b)
	if !ok {
		return nil, false
	}
	f := &res.File
	if f.Name != filepath.Base(path) || f.Size != int64(len(data)) ||
		(f.SHA256 != "" && f.SHA256 != hex.EncodeToString(sum[:])) {
		return nil, false
	}
	f.Path = path
	return res, true
}
