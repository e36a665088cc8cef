// Package cachetest helps tests damage a cache (package cache) the ways a
// disk, a crash or a clerk copying folders can.
package cachetest

import (
	"encoding/json"
	"os"
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
