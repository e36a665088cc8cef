// Package cachetest helps tests damage a cache (package cache) the ways a
// disk, a crash or a clerk copying folders can.
package cachetest

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/cache"
)

// FixRecord rewrites the entry record at path so that it describes b (its
// size and XXH64), as if b had been kept: the case where bytes and record
// agree and only the contents can tell the entry is bad.
func FixRecord(t testing.TB, path string, b []byte) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	rec["size"], rec["xxh64"] = len(b), cache.ChecksumOf(b)
	if raw, err = json.Marshal(rec); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// FolderState describes every file in dir — name, mode, modification time,
// digest — so that a test can tell that nothing in the folder was written.
func FolderState(t testing.TB, dir string) string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, de := range des {
		p := filepath.Join(dir, de.Name())
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(p)
		fmt.Fprintf(&b, "%s %v %d %x; ", de.Name(), fi.Mode(), fi.ModTime().UnixNano(), sha256.Sum256(data))
	}
	return b.String()
}
