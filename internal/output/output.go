// Package output writes files so that a reader never sees half of one: each
// file is written to a temporary name in its final folder, synced, and
// renamed into place. A Set stages many files and publishes them together at
// the end, so a build that fails half-way leaves the previous outputs whole.
package output

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// WriteFile writes path atomically: fill gets a writer on a temporary file in
// the same folder, which replaces path only when fill and the sync succeed.
func WriteFile(path string, fill func(io.Writer) error) error {
	f, err := createTemp(path)
	if err != nil {
		return err
	}
	if err := finish(f, fill); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("无法写入“%s”：%w", path, err)
	}
	return nil
}

func createTemp(path string) (*os.File, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("无法创建输出文件夹“%s”：%w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("无法在“%s”中写入文件（文件夹是否只读？）：%w", dir, err)
	}
	// CreateTemp makes the file private (0600); outputs are for the whole
	// office, like any file the clerk saves.
	if err := f.Chmod(0o644); err != nil && runtime.GOOS != "windows" {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("无法在“%s”中写入文件：%w", dir, err)
	}
	return f, nil
}

func finish(f *os.File, fill func(io.Writer) error) error {
	if err := fill(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("写入“%s”失败：%w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("写入“%s”失败：%w", f.Name(), err)
	}
	return nil
}

// File is one published output.
type File struct {
	Path   string `json:"path"` // relative to the set's root, with forward slashes
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Set stages output files under a root folder and publishes them together.
// It is safe for concurrent use.
type Set struct {
	root   string
	mu     sync.Mutex
	staged map[string]string // final path → temporary path
	files  map[string]File
}

// NewSet starts a set of outputs under root.
func NewSet(root string) *Set {
	return &Set{root: root, staged: map[string]string{}, files: map[string]File{}}
}

// Root is the folder the set publishes into.
func (s *Set) Root() string { return s.root }

// Add stages rel (a slash-separated path under the root): fill writes its
// content to a temporary file beside the final one. Nothing is visible under
// the final name until Commit.
func (s *Set) Add(rel string, fill func(io.Writer) error) error {
	final := filepath.Join(s.root, filepath.FromSlash(rel))
	f, err := createTemp(final)
	if err != nil {
		return err
	}
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(f, h)}
	if err := finish(f, func(io.Writer) error { return fill(cw) }); err != nil {
		os.Remove(f.Name())
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.staged[final]; ok {
		os.Remove(old)
	}
	s.staged[final] = f.Name()
	s.files[rel] = File{Path: rel, SHA256: hex.EncodeToString(h.Sum(nil)), Size: cw.n}
	return nil
}

// Files lists the staged files, sorted by path.
func (s *Set) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, 0, len(s.files))
	for _, f := range s.files {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Commit renames every staged file into place. Each rename is atomic; a
// crash in the middle leaves every file either old or new, never half.
func (s *Set) Commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	finals := make([]string, 0, len(s.staged))
	for final := range s.staged {
		finals = append(finals, final)
	}
	sort.Strings(finals)
	for _, final := range finals {
		if err := os.Rename(s.staged[final], final); err != nil {
			return fmt.Errorf("无法写入“%s”：%w", final, err)
		}
		delete(s.staged, final)
	}
	return nil
}

// Discard removes every staged file; the previous outputs stay as they were.
func (s *Set) Discard() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for final, tmp := range s.staged {
		os.Remove(tmp)
		delete(s.staged, final)
	}
}

// CleanStale removes temporary files a killed build may have left in dir
// (names of the form .NAME.*.tmp), without touching anything else.
func CleanStale(dir string) {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		n := d.Name()
		if !d.IsDir() && strings.HasPrefix(n, ".") && strings.HasSuffix(n, ".tmp") {
			os.Remove(p)
		}
		return nil
	})
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// CopyFile writes a copy of src at dst, atomically; src is only read.
func CopyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return WriteFile(dst, func(w io.Writer) error { _, err := io.Copy(w, in); return err })
}

// Text fills a text file a clerk opens in Notepad: UTF-8 with a byte order
// mark and Windows line ends.
func Text(text string) func(io.Writer) error {
	return func(w io.Writer) error {
		lf := strings.ReplaceAll(text, "\r\n", "\n")
		_, err := io.WriteString(w, "\ufeff"+strings.ReplaceAll(lf, "\n", "\r\n"))
		return err
	}
}
