package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestRunTwice: two runs give byte-identical workbooks, and a stale workbook
// left in the folder is removed.
func TestRunTwice(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	first := snapshot(t, dir)
	if len(first) != 9 {
		t.Fatalf("wrote %d workbooks, want 9", len(first))
	}
	stale := filepath.Join(dir, "旧村整改台账.xlsx")
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	second := snapshot(t, dir)
	if len(second) != len(first) {
		t.Errorf("second run left %d workbooks, want %d", len(second), len(first))
	}
	for name, b := range first {
		if !bytes.Equal(b, second[name]) {
			t.Errorf("%s differs between runs", name)
		}
	}
}

func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m[filepath.Base(p)] = b
	}
	return m
}
