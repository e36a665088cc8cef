// Package output writes files so that a reader never sees half of one: each
// file is written to a temporary name in its final folder, synced, and
// renamed into place. A Set stages many files and publishes them all or
// none, so a build that fails half-way, or finds an output open in another
// program, leaves the previous outputs whole. The folder lock and the hidden
// bookkeeping folder live here too.
package output

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
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

// JSON fills a JSON document for people and programs: indented, Chinese
// left as it is (no \u escapes), no HTML escaping. Every JSON file and
// --json output Taizhang writes goes through it.
func JSON(v any) func(io.Writer) error {
	return func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	}
}

// MkdirHidden creates dir (and its parents) for the tool's bookkeeping and
// marks it hidden on Windows, so a clerk browsing the folder does not see it.
func MkdirHidden(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("无法创建文件夹“%s”：%w", dir, err)
	}
	return hide(dir)
}

// CleanStale removes temporary files a killed write may have left in dir
// and below (names of the form .NAME.*.tmp), without touching anything else.
func CleanStale(dir string) {
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
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
