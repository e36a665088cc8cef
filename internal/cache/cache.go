// Package cache keeps files a build made, between builds, under the key of
// everything they were made from, so that a later build with the same key
// can take the file instead of making it again. A build keeps each
// village's typeset ledger here (package notice), in the out folder's own
// state (config.StateDir), so that a rebuild after one village's workbook
// changed typesets one village, not the town; each village's finished
// file (package notice), copied instead of joined again (or left where it
// is published, when it holds the kept bytes: Store.Checksum); each workbook's
// reading (package intake), so that it reads one workbook, not the
// town's; each village's rows of 汇总台账.xlsx, deflated (package
// workbook), so that it makes one village's rows, not the town's; each
// village's tasks as 汇总台账.json lists them (package pipeline); and the
// embedded faces, unpacked (package typeset). The folders are listed in
// package pipeline (cacheFolders).
//
// An entry is two files in the store's folder: KEY.bin, the kept bytes, and
// KEY.json, written after it, naming the key, the bytes' size and XXH64,
// and the caller's own metadata. An entry is used only when both are there
// and agree — the right key, the right size, the right XXH64 (a checksum
// some twenty times faster than SHA-256 that no damage a disk or a crash
// does passes unseen) — so an entry
// cut short by a crash, damaged on disk or copied from another key is
// ignored (and made again by the caller), never used. The cache is not an
// output: writing it does not touch the out folder's published files, and
// a failed build may leave entries behind, which are valid by construction.
package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"
)

// Field writes b to a key's hash h after its length, so that no two lists
// of fields write the same bytes. Every key of every cache is made of such
// fields (Key).
func Field(h hash.Hash, b []byte) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

// Key is the key of fields: the hex SHA-256 of them, each written with
// Field. A key may be a field of another: the part every village's key
// shares, then a village's own, is Key(Key(shared...), village...).
func Key(fields ...string) string {
	h := sha256.New()
	for _, f := range fields {
		Field(h, []byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Store is a folder of entries. Its methods may be called from several
// goroutines; two processes must not share a store at once (a build holds
// the out folder's lock).
type Store struct {
	dir string
}

// Open returns the store in dir, creating the folder.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("建立缓存文件夹 %s 失败：%w", dir, err)
	}
	return &Store{dir: dir}, nil
}

// Dir is the store's folder: where Put's source files should be written,
// so that taking them in is a rename.
func (s *Store) Dir() string { return s.dir }

// format is written into every entry's metadata; an entry of another
// format is not used.
const format = "taizhang-cache/3"

type record struct {
	Format string          `json:"format"`
	Key    string          `json:"key"`
	Size   int64           `json:"size"`
	XXH64  string          `json:"xxh64"`
	Meta   json.RawMessage `json:"meta"`
}

// xxh64 writes an XXH64 checksum as a record holds it.
func xxh64(sum uint64) string { return fmt.Sprintf("%016x", sum) }

// ChecksumOf is the XXH64 a record gives b: what Store.Checksum says of
// the bytes kept.
func ChecksumOf(b []byte) string { return xxh64(xxhash.Sum64(b)) }

// validKey accepts keys that are safe file names: lower-case hex digests.
func validKey(key string) bool {
	if len(key) < 16 || len(key) > 128 {
		return false
	}
	for _, c := range key {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (s *Store) paths(key string) (bin, meta string) {
	return filepath.Join(s.dir, key+".bin"), filepath.Join(s.dir, key+".json")
}

// record returns key's record and the path of its bytes, when key is valid
// and its record whole and of this format and key.
func (s *Store) record(key string) (rec record, bin string, ok bool) {
	if !validKey(key) {
		return rec, "", false
	}
	bin, mp := s.paths(key)
	b, err := os.ReadFile(mp)
	if err != nil || json.Unmarshal(b, &rec) != nil || rec.Format != format || rec.Key != key {
		return rec, "", false
	}
	return rec, bin, true
}

// GetBytes returns the bytes kept under key and their metadata, read once
// and checked against the record, or ok false when there is no whole,
// valid entry for key.
func (s *Store) GetBytes(key string) (data []byte, meta json.RawMessage, ok bool) {
	rec, bin, ok := s.record(key)
	if !ok {
		return nil, nil, false
	}
	data, err := os.ReadFile(bin)
	if err != nil || int64(len(data)) != rec.Size {
		return nil, nil, false
	}
	if ChecksumOf(data) != rec.XXH64 {
		return nil, nil, false
	}
	return data, rec.Meta, true
}

// Checksum returns the XXH64 (ChecksumOf) and size its record gives the
// bytes kept under key, without reading them, or ok false when key has no
// valid record: a caller can tell whether other bytes are the kept ones
// without reading those. It says what the bytes were when kept, not that
// they are still whole: a caller that uses the bytes reads them with
// GetBytes.
func (s *Store) Checksum(key string) (xxh64 string, size int64, ok bool) {
	rec, _, ok := s.record(key)
	return rec.XXH64, rec.Size, ok
}

// Path is where the bytes of key's entry lie, for a caller that checked
// the entry with GetBytes and reads the file again later (under the same
// lock, so that it is the file checked).
func (s *Store) Path(key string) string {
	bin, _ := s.paths(key)
	return bin
}

// PutBytes keeps data under key with its metadata, as Put keeps a file.
func (s *Store) PutBytes(key string, data []byte, meta any) error {
	tmp, err := os.CreateTemp(s.dir, ".put.*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		var at string
		if at, err = s.Put(key, tmp.Name(), meta); err != nil && at == tmp.Name() {
			os.Remove(tmp.Name())
		}
		return err
	}
	os.Remove(tmp.Name())
	return err
}

// Put takes the file at src (in Dir, so that this is a rename) in under
// key with its metadata, replacing any entry of that key. It returns where
// the bytes are afterwards — the entry's file, or src when they could not
// be moved — so that a caller whose Put failed can still use them.
func (s *Store) Put(key, src string, meta any) (string, error) {
	if !validKey(key) {
		return src, fmt.Errorf("缓存键 %q 无效", key)
	}
	mb, err := json.Marshal(meta)
	if err != nil {
		return src, err
	}
	f, err := os.Open(src)
	if err != nil {
		return src, err
	}
	x := xxhash.New()
	n, err := io.Copy(x, f)
	f.Close()
	if err != nil {
		return src, err
	}
	rb, err := json.Marshal(record{Format: format, Key: key, Size: n, XXH64: xxh64(x.Sum64()), Meta: mb})
	if err != nil {
		return src, err
	}
	bin, mp := s.paths(key)
	// The metadata goes out of the way first and comes back last: in
	// between, the entry is not valid.
	if err := os.Remove(mp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return src, err
	}
	if err := os.Rename(src, bin); err != nil {
		return src, err
	}
	tmp, err := os.CreateTemp(s.dir, ".entry.*.tmp")
	if err != nil {
		return bin, err
	}
	_, err = tmp.Write(rb)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), mp)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return bin, err
}

// Keep removes every entry whose key is not in keep, and any file in the
// folder that is no entry of this store (a temporary file left by a killed
// build, a stray copy). It returns the first error met.
func (s *Store) Keep(keep map[string]bool) error {
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	var first error
	for _, de := range des {
		name := de.Name()
		key, ok := strings.CutSuffix(name, ".bin")
		if !ok {
			key, ok = strings.CutSuffix(name, ".json")
		}
		if ok && validKey(key) && keep[key] && !de.IsDir() {
			continue
		}
		if err := os.RemoveAll(filepath.Join(s.dir, name)); err != nil && first == nil {
			first = err
		}
	}
	return first
}

var (
	programOnce sync.Once
	programSum  string
	programErr  error
)

// Program identifies the running program: the XXH64 of its executable
// (tens of megabytes, the faces included), read once per process. A cache
// key that includes it changes with every build of the program, released
// or not, so that no entry made by one program's code is used by
// another's.
func Program() (string, error) {
	programOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			programErr = err
			return
		}
		f, err := os.Open(exe)
		if err != nil {
			programErr = err
			return
		}
		defer f.Close()
		h := xxhash.New()
		if _, err := io.Copy(h, f); err != nil {
			programErr = err
			return
		}
		programSum = xxh64(h.Sum64())
	})
	if programErr != nil {
		return "", errors.Join(errors.New("无法读取程序文件"), programErr)
	}
	return programSum, nil
}
