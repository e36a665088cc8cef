package output

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// File is one published output.
type File struct {
	Path   string `json:"path"` // relative to the set's root, with forward slashes
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Set stages output files and publishes them together: after Commit every
// file of the set is the new one, after a failed Commit (or a crash, once
// Recover has run) every file is the old one. It is safe for concurrent use.
//
// Files are staged in a private folder under the work folder, never beside
// their final names. Commit first checks every final name (a folder in its
// place, a file another program holds open), then keeps a hard link (or
// copy) of every file it will replace, writes a journal, and renames the
// staged files into place; a failure puts the kept files back. Each rename
// is atomic, so even a killed process leaves no file half written or
// missing, and the journal lets the next Recover roll the set back whole.
type Set struct {
	root  string
	work  string
	stage string
	mu    sync.Mutex
	files map[string]File
	// standing are the files of the set already published with the same
	// bytes (Standing): Commit leaves them as they are.
	standing map[string]bool
	done     bool
}

// renameFile is os.Rename; tests make it fail or stop at a chosen file.
var renameFile = os.Rename

// stagePrefix starts the name of each set's private staging folder.
const stagePrefix = "staging-"

// journalName is the commit journal in the work folder: present only while
// a Commit is replacing files.
const journalName = "publish.json"

// journal records a Commit in progress, for Recover.
type journal struct {
	Root  string         `json:"root"`
	Stage string         `json:"stage"`
	Files []journalEntry `json:"files"`
}

type journalEntry struct {
	Path string `json:"path"` // relative to Root, with forward slashes
	Old  bool   `json:"old"`  // a previous file was kept under Stage/.old
}

// NewSet starts a set of outputs under root. work is the folder for the
// set's staging and journal (created, hidden on Windows); it must be on the
// same volume as root, e.g. root/.taizhang. A commit a crash interrupted is
// rolled back first, so the caller must hold the folder's lock.
func NewSet(root, work string) (*Set, error) {
	if err := MkdirHidden(work); err != nil {
		return nil, err
	}
	if err := Recover(work); err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp(work, stagePrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("无法在“%s”中写入文件（文件夹是否只读？）：%w", work, err)
	}
	return &Set{root: root, work: work, stage: stage, files: map[string]File{}, standing: map[string]bool{}}, nil
}

// Root is the folder the set publishes into.
func (s *Set) Root() string { return s.root }

// TempDir is a folder for a step's own temporary files; it goes with the
// set's staging.
func (s *Set) TempDir() string { return s.stage }

// Add stages rel (a slash-separated path under the root): fill writes its
// content. Nothing is visible under the final name until Commit.
func (s *Set) Add(rel string, fill func(io.Writer) error) error {
	if !fs.ValidPath(rel) || strings.HasPrefix(rel, ".") {
		return fmt.Errorf("输出文件名“%s”无效", rel)
	}
	staged := filepath.Join(s.stage, filepath.FromSlash(rel))
	h := sha256.New()
	var n int64
	err := WriteFile(staged, func(w io.Writer) error {
		cw := &countingWriter{w: io.MultiWriter(w, h)}
		err := fill(cw)
		n = cw.n
		return err
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[rel] = File{Path: rel, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	delete(s.standing, rel)
	return nil
}

// Standing takes rel into the set as the file already published under
// that name, when that file is size bytes long and same says its bytes are
// the ones the caller would write (a checksum of bytes it kept): Commit
// then leaves it as it is — nothing written, nothing renamed, no other
// program's hold on it in the way — and Files lists it, with its SHA-256,
// like a staged one. It reports whether it did; when it did not (no such
// file, other bytes, unreadable), the caller stages rel with Add. The file
// is read whole: its name and size alone say nothing of what someone may
// have done to it.
func (s *Set) Standing(rel string, size int64, same func(data []byte) bool) bool {
	if !fs.ValidPath(rel) || strings.HasPrefix(rel, ".") {
		return false
	}
	final := filepath.Join(s.root, filepath.FromSlash(rel))
	if st, err := os.Lstat(final); err != nil || !st.Mode().IsRegular() || st.Size() != size {
		return false
	}
	data, err := os.ReadFile(final)
	if err != nil || int64(len(data)) != size || !same(data) {
		return false
	}
	sum := sha256.Sum256(data)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[rel] = File{Path: rel, SHA256: hex.EncodeToString(sum[:]), Size: size}
	s.standing[rel] = true
	return true
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

// BlockedError says that an output cannot be replaced: another program has
// it open (Windows), or a folder stands in its place. Nothing was replaced.
type BlockedError struct {
	Path   string // relative to the set's root, with forward slashes
	Folder bool   // a folder is in the way, not an open file
	Err    error
}

func (e *BlockedError) Error() string {
	if e.Folder {
		return fmt.Sprintf("%s 的位置上有一个同名的文件夹，请把它移走或改名后重新生成（上次生成的文件都保持不变）", e.Path)
	}
	return fmt.Sprintf("%s 正被其他程序打开，请关闭后重新生成（上次生成的文件都保持不变）", e.Path)
}

func (e *BlockedError) Unwrap() error { return e.Err }

// Is makes an output held open by another program an ErrLocked: it goes
// away when that program lets go, so a caller may try again later (watch
// does). A folder in the way does not go away by itself.
func (e *BlockedError) Is(target error) bool { return target == ErrLocked && !e.Folder }

// Commit publishes every staged file, or none: on an error every output is
// as it was before.
func (s *Set) Commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return errors.New("output set already committed or discarded")
	}
	rels := make([]string, 0, len(s.files))
	for rel := range s.files {
		if !s.standing[rel] {
			rels = append(rels, rel)
		}
	}
	sort.Strings(rels)

	// Check every final name and keep what it holds, before replacing any.
	j := journal{Root: s.root, Stage: s.stage}
	for _, rel := range rels {
		final := filepath.Join(s.root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return fmt.Errorf("无法创建输出文件夹“%s”：%w", filepath.Dir(final), err)
		}
		st, err := os.Lstat(final)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			j.Files = append(j.Files, journalEntry{Path: rel})
			continue
		case err != nil:
			return fmt.Errorf("无法读取“%s”：%w", final, err)
		case !st.Mode().IsRegular():
			return &BlockedError{Path: rel, Folder: st.IsDir()}
		}
		if err := probeReplace(final); err != nil {
			return &BlockedError{Path: rel, Err: err}
		}
		if err := keep(final, oldPath(s.stage, rel)); err != nil {
			if isLocked(err) {
				return &BlockedError{Path: rel, Err: err}
			}
			return fmt.Errorf("无法备份“%s”：%w", final, err)
		}
		j.Files = append(j.Files, journalEntry{Path: rel, Old: true})
	}
	jpath := filepath.Join(s.work, journalName)
	if err := WriteFile(jpath, JSON(j)); err != nil {
		return err
	}

	for i, rel := range rels {
		final := filepath.Join(s.root, filepath.FromSlash(rel))
		if err := renameFile(filepath.Join(s.stage, filepath.FromSlash(rel)), final); err != nil {
			rerr := rollback(&journal{Root: j.Root, Stage: j.Stage, Files: j.Files[:i+1]})
			if rerr == nil {
				os.Remove(jpath)
			}
			var werr error = fmt.Errorf("无法写入“%s”（上次生成的文件都保持不变）：%w", final, err)
			if isLocked(err) {
				werr = &BlockedError{Path: rel, Err: err}
			}
			if rerr != nil {
				return fmt.Errorf("%w；恢复上次的文件时又出错：%v（下次生成时会再试）", werr, rerr)
			}
			return werr
		}
	}
	// The commit point: from here on the new set stands.
	if err := os.Remove(jpath); err != nil {
		return fmt.Errorf("无法完成写入：%w", err)
	}
	s.done = true
	os.RemoveAll(s.stage)
	return nil
}

// Discard removes the staged files; the previous outputs stay as they were.
// After a successful Commit it does nothing.
func (s *Set) Discard() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return
	}
	s.done = true
	os.RemoveAll(s.stage)
}

func oldPath(stage, rel string) string {
	return filepath.Join(stage, ".old", filepath.FromSlash(rel))
}

// keep preserves final's content at dst: a hard link where the volume has
// them, else a copy. final stays where it is.
func keep(final, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.Link(final, dst); err == nil {
		return nil
	}
	return CopyFile(final, dst)
}

// rollback puts back what j's files held before: the kept old file, or
// nothing for a file that is new.
func rollback(j *journal) error {
	var first error
	for _, e := range j.Files {
		final := filepath.Join(j.Root, filepath.FromSlash(e.Path))
		var err error
		if e.Old {
			old := oldPath(j.Stage, e.Path)
			if _, serr := os.Stat(old); serr == nil {
				err = os.Rename(old, final)
			}
		} else if rerr := os.Remove(final); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = rerr
		}
		if err != nil && first == nil {
			first = fmt.Errorf("“%s”：%w", final, err)
		}
	}
	return first
}

// Recover finishes what a crashed process left in work: a Commit that was
// replacing files is rolled back, so the previous set stands whole again,
// and staging folders are removed. The caller holds the folder's lock.
func Recover(work string) error {
	jpath := filepath.Join(work, journalName)
	b, err := os.ReadFile(jpath)
	switch {
	case err == nil:
		var j journal
		if err := json.Unmarshal(b, &j); err != nil {
			// A journal is written atomically; one that does not parse
			// is not ours. Keep it for a person to look at.
			return fmt.Errorf("“%s”已损坏，请把它移走后重新生成：%v", jpath, err)
		}
		if err := rollback(&j); err != nil {
			return fmt.Errorf("上次生成被中断，恢复上次的文件时出错：%w", err)
		}
		if err := os.Remove(jpath); err != nil {
			return err
		}
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("无法读取“%s”：%w", jpath, err)
	}
	ents, err := os.ReadDir(work)
	if err != nil {
		return nil
	}
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), stagePrefix) {
			os.RemoveAll(filepath.Join(work, e.Name()))
		}
	}
	return nil
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
