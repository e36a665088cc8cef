package typeset

import (
	"bytes"
	"os"
	"testing"

	"github.com/taizhang/taizhang/internal/cache"
)

// TestUnpackKeptReadsTheStore: a face unpacked once is kept under its key;
// the store's copy is what the next unpacking takes; a damaged copy is not
// taken — the face is unpacked again, and kept again.
func TestUnpackKeptReadsTheStore(t *testing.T) {
	store, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want, err := unpackEmbedded(fallbackFile)
	if err == nil {
		want, err = fullMetrics(want)
	}
	if err != nil {
		t.Fatal(err)
	}
	// A kept face is parsed as it is: fullMetrics, which copies a face
	// whose metrics are short (a CJK face's), leaves it.
	kai, err := unpackEmbedded("kai")
	if err != nil {
		t.Fatal(err)
	}
	full, err := fullMetrics(kai)
	if err != nil || &full[0] == &kai[0] {
		t.Fatalf("fullMetrics(kai): %v; the test needs a face with short metrics", err)
	}
	if again, err := fullMetrics(full); err != nil || &again[0] != &full[0] {
		t.Error("a face with full metrics is copied again by fullMetrics")
	}
	got, err := unpackKept(fallbackFile, store)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("first unpacking: %d bytes, %v; want the face's %d", len(got), err, len(want))
	}
	key, ok := keptFaceKey(fallbackFile)
	if !ok || !KeptFaceKeys()[key] {
		t.Fatalf("key %q, %v: not among KeptFaceKeys", key, ok)
	}
	if b, _, ok := store.GetBytes(key); !ok || !bytes.Equal(b, want) {
		t.Fatal("the unpacked face was not kept under its key")
	}
	// What the store holds is what is taken.
	marked := append(bytes.Clone(want), "kept"...)
	if err := store.PutBytes(key, marked, struct{}{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := unpackKept(fallbackFile, store); !bytes.Equal(got, marked) {
		t.Error("the kept face was not read from the store")
	}
	// Damaged: unpacked again, and kept again.
	bin := store.Path(key)
	b, _ := os.ReadFile(bin)
	b[len(b)/2] ^= 0x20
	os.WriteFile(bin, b, 0o644)
	if got, _ := unpackKept(fallbackFile, store); !bytes.Equal(got, want) {
		t.Error("a damaged kept face was used")
	}
	if b, _, ok := store.GetBytes(key); !ok || !bytes.Equal(b, want) {
		t.Error("the face unpacked again was not kept again")
	}
}
