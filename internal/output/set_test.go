package output

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// outputsOf is a build's set in miniature: three outputs and the manifest
// listing their digests, the way the pipeline writes it.
var outputsOf = []string{"台账/大布村.pdf", "汇总台账.xlsx", "通报.pdf"}

type manifest struct {
	Outputs []File `json:"outputs"`
}

// stageAll stages every output with content tag (and one file only the new
// set has, when extra is set) plus manifest.json.
func stageAll(t *testing.T, s *Set, tag string, extra bool) {
	t.Helper()
	names := append([]string(nil), outputsOf...)
	if extra {
		names = append(names, "台账/桥头村.pdf")
	}
	for _, n := range names {
		body := tag + " " + n
		if err := s.Add(n, func(w io.Writer) error { _, err := io.WriteString(w, body); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Add("manifest.json", JSON(manifest{Outputs: s.Files()})); err != nil {
		t.Fatal(err)
	}
}

// wholeSet reads manifest.json under dir and reports which set ("old" or
// "new") stands, failing when any listed file does not match its digest or
// belongs to the other set.
func wholeSet(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatalf("manifest: %v", err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	tag := ""
	for _, f := range m.Outputs {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Errorf("%s listed in the manifest: %v", f.Path, err)
			continue
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != f.SHA256 {
			t.Errorf("%s does not match the manifest beside it (%q)", f.Path, data)
		}
		if tag == "" {
			tag, _, _ = strings.Cut(string(data), " ")
		}
	}
	// A file only the new set has must not outlive a rolled-back commit.
	if _, err := os.Stat(filepath.Join(dir, "台账", "桥头村.pdf")); err == nil && tag == "old" {
		t.Error("the new set's extra file is left beside the old set")
	}
	return tag
}

// published builds the old set in a fresh folder and returns it.
func published(t *testing.T) string {
	dir := t.TempDir()
	s := newSet(t, dir)
	stageAll(t, s, "old", false)
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if wholeSet(t, dir) != "old" {
		t.Fatal("the first set is not whole")
	}
	return dir
}

// TestCommitBlockedAtAnyOutputReplacesNothing puts a folder in the place of
// each output in turn (on Windows a PDF viewer's lock does the same; see the
// _windows_test): the commit names the output and every file stays old.
func TestCommitBlockedAtAnyOutputReplacesNothing(t *testing.T) {
	for _, pos := range append(append([]string(nil), outputsOf...), "manifest.json", "台账/桥头村.pdf") {
		t.Run(pos, func(t *testing.T) {
			dir := published(t)
			blocked := filepath.Join(dir, filepath.FromSlash(pos))
			if pos != "台账/桥头村.pdf" { // the new set's extra file: nothing to keep
				if err := os.Rename(blocked, blocked+".keep"); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.MkdirAll(filepath.Join(blocked, "子文件夹"), 0o755); err != nil {
				t.Fatal(err)
			}
			s := newSet(t, dir)
			stageAll(t, s, "new", true)
			err := s.Commit()
			var be *BlockedError
			if !errors.As(err, &be) || be.Path != pos || !strings.Contains(err.Error(), pos+" 的位置上有一个同名的文件夹") {
				t.Fatalf("commit: %v, want a BlockedError naming %s", err, pos)
			}
			s.Discard()
			os.RemoveAll(blocked)
			if pos != "台账/桥头村.pdf" {
				os.Rename(blocked+".keep", blocked)
			}
			if got := wholeSet(t, dir); got != "old" {
				t.Errorf("after a blocked commit the %s set stands", got)
			}
			assertOnly(t, filepath.Join(dir, ".taizhang"))
		})
	}
}

// TestCommitFailingMidwayRollsBack makes the rename of each output fail in
// turn, after the ones before it were replaced: the commit puts them back.
func TestCommitFailingMidwayRollsBack(t *testing.T) {
	for _, pos := range []string{"manifest.json", "台账/大布村.pdf", "台账/桥头村.pdf", "汇总台账.xlsx", "通报.pdf"} {
		t.Run(pos, func(t *testing.T) {
			dir := published(t)
			s := newSet(t, dir)
			stageAll(t, s, "new", true)
			defer func() { renameFile = os.Rename }()
			renameFile = func(from, to string) error {
				if to == filepath.Join(dir, filepath.FromSlash(pos)) {
					return &os.LinkError{Op: "rename", Old: from, New: to, Err: errors.New("disk gone")}
				}
				return os.Rename(from, to)
			}
			err := s.Commit()
			if err == nil || !strings.Contains(err.Error(), "上次生成的文件都保持不变") {
				t.Fatalf("commit: %v", err)
			}
			s.Discard()
			if got := wholeSet(t, dir); got != "old" {
				t.Errorf("after a failed commit the %s set stands", got)
			}
			assertOnly(t, filepath.Join(dir, ".taizhang"))
		})
	}
}

// TestCrashMidCommitIsRolledBackByTheNextSet stops a commit dead after some
// renames, as a killed process would: every file is whole (old or new), and
// the next set's Recover puts the old set back whole before anything else.
func TestCrashMidCommitIsRolledBackByTheNextSet(t *testing.T) {
	for stopAt := 1; stopAt <= 4; stopAt++ {
		dir := published(t)
		s := newSet(t, dir)
		stageAll(t, s, "new", true)
		n := 0
		renameFile = func(from, to string) error {
			if n++; n == stopAt {
				runtime.Goexit() // the process dies here: no rollback runs
			}
			return os.Rename(from, to)
		}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); s.Commit() }()
		wg.Wait()
		renameFile = os.Rename
		if _, err := os.Stat(filepath.Join(dir, ".taizhang", journalName)); err != nil {
			t.Fatalf("stopped at rename %d: no journal left for recovery: %v", stopAt, err)
		}
		for _, n := range outputsOf {
			if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(n))); err != nil || !strings.HasSuffix(string(b), " "+n) {
				t.Errorf("stopped at rename %d: %s is not whole: %q %v", stopAt, n, b, err)
			}
		}
		next := newSet(t, dir) // recovers
		next.Discard()
		if got := wholeSet(t, dir); got != "old" {
			t.Errorf("stopped at rename %d: after recovery the %s set stands", stopAt, got)
		}
		assertOnly(t, filepath.Join(dir, ".taizhang"))
	}
}

func TestCommitReplacesEveryFileAndAddsNewOnes(t *testing.T) {
	dir := published(t)
	s := newSet(t, dir)
	stageAll(t, s, "new", true)
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := wholeSet(t, dir); got != "new" {
		t.Errorf("after commit the %s set stands", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "台账", "桥头村.pdf")); err != nil {
		t.Error("new file not published")
	}
	assertOnly(t, filepath.Join(dir, ".taizhang"))
}

// TestStandingFileIsLeftInPlace: a file already published with the bytes a
// new set would write stands as the new set's own, untouched (the same
// file, not a copy), and is listed with its digest; a file whose bytes
// differ in any way — other content of the same size, another size,
// missing — is refused, to be staged anew.
func TestStandingFileIsLeftInPlace(t *testing.T) {
	dir, rel, data := publishedVillageFile(t)
	final := filepath.Join(dir, filepath.FromSlash(rel))
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	before, err := os.Stat(final)
	if err != nil {
		t.Fatal(err)
	}
	// The caller's check: are these the bytes it kept?
	keptAre := func(kept []byte) func([]byte) bool {
		return func(b []byte) bool { return bytes.Equal(b, kept) }
	}

	s := newSet(t, dir)
	if s.Standing("台账/桥头村.pdf", int64(len(data)), keptAre(data)) {
		t.Error("a file never published was taken as standing")
	}
	if s.Standing(rel, int64(len(data))+1, keptAre(data)) {
		t.Error("a file of another size was taken as standing")
	}
	if s.Standing(rel, int64(len(data)), keptAre([]byte("new "+rel))) {
		t.Error("a file of other bytes was taken as standing")
	}
	if !s.Standing(rel, int64(len(data)), keptAre(data)) {
		t.Fatal("the published file, with the very bytes, was not taken as standing")
	}
	stageRest(t, s)
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(final)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Error("the standing file was replaced, not left in place")
	}
	// The manifest lists it with its digest: wholeSet checks every file
	// against the manifest.
	wholeSet(t, dir)
	var listed bool
	for _, f := range s.Files() {
		listed = listed || f.Path == rel && f.SHA256 == digest && f.Size == int64(len(data))
	}
	if !listed {
		t.Errorf("Files %v: the standing file is not listed with its digest", s.Files())
	}
	// Same size, other bytes: someone edited the published file.
	if err := os.WriteFile(final, []byte(strings.Repeat("x", len(data))), 0o644); err != nil {
		t.Fatal(err)
	}
	s2 := newSet(t, dir)
	defer s2.Discard()
	if s2.Standing(rel, int64(len(data)), keptAre(data)) {
		t.Error("a published file edited since (same size) was taken as standing")
	}
}

// publishedVillageFile publishes the old set in a fresh folder and returns
// it, the village file's name and its bytes.
func publishedVillageFile(t *testing.T) (dir, rel string, data []byte) {
	t.Helper()
	dir, rel = published(t), "台账/大布村.pdf"
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return dir, rel, data
}

// stageRest stages the outputs but the village's file, new, and the
// manifest: a set whose village file stands.
func stageRest(t *testing.T, s *Set) {
	t.Helper()
	for _, n := range []string{"汇总台账.xlsx", "通报.pdf"} {
		body := "new " + n
		if err := s.Add(n, func(w io.Writer) error { _, err := io.WriteString(w, body); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Add("manifest.json", JSON(manifest{Outputs: s.Files()})); err != nil {
		t.Fatal(err)
	}
}
