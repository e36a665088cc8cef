package cache

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cespare/xxhash/v2"
)

const keyA, keyB = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"

func put(t *testing.T, s *Store, key, content string) {
	t.Helper()
	src := filepath.Join(s.Dir(), ".src.tmp")
	if err := os.WriteFile(src, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	path, err := s.Put(key, src, map[string]int{"pages": len(content)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); !os.IsNotExist(err) {
		t.Errorf("Put left its source: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != content {
		t.Errorf("Put's path holds %q", b)
	}
}

// TestStore: an entry put is got back with its metadata; one whose bytes,
// record or key do not agree is not; Keep removes all but the keys named.
func TestStore(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "ledgers"))
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, keyA, "页面甲")
	put(t, s, keyB, "页面乙乙")
	data, meta, ok := s.GetBytes(keyA)
	var m map[string]int
	if !ok || string(data) != "页面甲" || json.Unmarshal(meta, &m) != nil || m["pages"] != len("页面甲") {
		t.Fatalf("GetBytes(a) = %q, %s, %v", data, meta, ok)
	}
	if b, _ := os.ReadFile(s.Path(keyA)); string(b) != "页面甲" {
		t.Errorf("Path(a) holds %q", b)
	}
	if sum, size, ok := s.Checksum(keyA); !ok || size != int64(len("页面甲")) || sum != fmt.Sprintf("%016x", xxhash.Sum64String("页面甲")) {
		t.Errorf("Checksum(a) = %s, %d, %v: want the kept bytes' XXH64 and size", sum, size, ok)
	}
	if _, _, ok := s.Checksum(strings.Repeat("0", 32)); ok {
		t.Error("Checksum found an absent key")
	}
	if _, _, ok := s.GetBytes("../../etc/passwd"); ok {
		t.Error("a key that is no digest was looked up")
	}
	if _, _, ok := s.GetBytes(strings.Repeat("0", 32)); ok {
		t.Error("an absent key was found")
	}

	// The same length, other bytes.
	os.WriteFile(filepath.Join(s.Dir(), keyA+".bin"), []byte("页面丙"), 0o644)
	if _, _, ok := s.GetBytes(keyA); ok {
		t.Error("an entry whose bytes changed was used")
	}
	// b's entry copied under a's key.
	for _, ext := range []string{".bin", ".json"} {
		b, _ := os.ReadFile(filepath.Join(s.Dir(), keyB+ext))
		os.WriteFile(filepath.Join(s.Dir(), keyA+ext), b, 0o644)
	}
	if _, _, ok := s.GetBytes(keyA); ok {
		t.Error("another key's entry was used")
	}
	put(t, s, keyA, "页面甲")
	os.WriteFile(filepath.Join(s.Dir(), ".entry.1.tmp"), nil, 0o644)
	if err := s.Keep(map[string]bool{keyB: true}); err != nil {
		t.Fatal(err)
	}
	des, _ := os.ReadDir(s.Dir())
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	if strings.Join(names, " ") != keyB+".bin "+keyB+".json" {
		t.Errorf("after Keep(b): %v", names)
	}
	if _, _, ok := s.GetBytes(keyB); !ok {
		t.Error("the entry kept is gone")
	}
}

// TestBytes: PutBytes keeps bytes that GetBytes gives back whole; bytes
// changed, cut short or under another key's record are not given.
func TestBytes(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "intake"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutBytes(keyA, []byte("读取结果甲"), nil); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBytes(keyB, []byte("读取结果乙"), map[string]int{"n": 2}); err != nil {
		t.Fatal(err)
	}
	if b, _, ok := s.GetBytes(keyA); !ok || string(b) != "读取结果甲" {
		t.Fatalf("GetBytes(a) = %q, %v", b, ok)
	}
	if b, meta, ok := s.GetBytes(keyB); !ok || string(b) != "读取结果乙" || string(meta) != `{"n":2}` {
		t.Fatalf("GetBytes(b) = %q, %s, %v", b, meta, ok)
	}
	if des, _ := os.ReadDir(s.Dir()); len(des) != 4 {
		t.Errorf("PutBytes left %d files, want 2 entries of 2", len(des))
	}
	bin := filepath.Join(s.Dir(), keyA+".bin")
	os.WriteFile(bin, []byte("读取结果丙"), 0o644)
	if _, _, ok := s.GetBytes(keyA); ok {
		t.Error("bytes changed were given")
	}
	os.WriteFile(bin, []byte("读取结果"), 0o644)
	if _, _, ok := s.GetBytes(keyA); ok {
		t.Error("bytes cut short were given")
	}
	for _, ext := range []string{".bin", ".json"} {
		b, _ := os.ReadFile(filepath.Join(s.Dir(), keyB+ext))
		os.WriteFile(filepath.Join(s.Dir(), keyA+ext), b, 0o644)
	}
	if _, _, ok := s.GetBytes(keyA); ok {
		t.Error("another key's entry was given")
	}
	if err := s.PutBytes("../x", nil, nil); err == nil {
		t.Error("a key that is no digest was kept")
	}
	if des, _ := os.ReadDir(s.Dir()); len(des) != 4 {
		t.Errorf("a refused PutBytes left a file: %d files", len(des))
	}
}

// TestKeyTellsFieldsApart: a key is its fields, in order, each with its
// length: no two lists of fields give one key.
func TestKeyTellsFieldsApart(t *testing.T) {
	keys := map[string][]string{}
	for _, fields := range [][]string{{"ab"}, {"a", "b"}, {"b", "a"}, {"a", "b", ""}, {}, {""}, {Key("a"), "b"}} {
		k := Key(fields...)
		if !validKey(k) {
			t.Errorf("Key(%q) = %q: not a key a store takes", fields, k)
		}
		if other, ok := keys[k]; ok {
			t.Errorf("Key(%q) = Key(%q)", fields, other)
		}
		keys[k] = fields
	}
	same := []string{"a", "b"}
	if Key(same...) != Key("a", "b") {
		t.Error("the same fields gave two keys")
	}
}
