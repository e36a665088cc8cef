package output

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"
)

// openWithoutShareDelete opens path as a PDF viewer or Excel does: others
// may read it, but not rename or delete it.
func openWithoutShareDelete(t *testing.T, path string) {
	t.Helper()
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ, windows.FILE_SHARE_READ, nil,
		windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { windows.CloseHandle(h) })
}

// TestCommitWithAnOutputOpenInAnotherProgramReplacesNothing holds each
// output open in turn: the commit names it in Chinese before replacing any
// file, and the old set stands whole.
func TestCommitWithAnOutputOpenInAnotherProgramReplacesNothing(t *testing.T) {
	for _, pos := range append(append([]string(nil), outputsOf...), "manifest.json") {
		t.Run(pos, func(t *testing.T) {
			dir := published(t)
			openWithoutShareDelete(t, filepath.Join(dir, filepath.FromSlash(pos)))
			s := newSet(t, dir)
			stageAll(t, s, "new", true)
			err := s.Commit()
			var be *BlockedError
			if !errors.As(err, &be) || be.Path != pos || !strings.Contains(err.Error(), pos+" 正被其他程序打开，请关闭后重新生成") {
				t.Fatalf("commit: %v", err)
			}
			s.Discard()
			if got := wholeSet(t, dir); got != "old" {
				t.Errorf("after a blocked commit the %s set stands", got)
			}
		})
	}
}

// TestStandingFileOpenInAnotherProgramDoesNotBlock: a published file that
// stands (the same bytes) is left alone, so a viewer holding it open does
// not stop the set from being published.
func TestStandingFileOpenInAnotherProgramDoesNotBlock(t *testing.T) {
	dir, rel, data := publishedVillageFile(t)
	openWithoutShareDelete(t, filepath.Join(dir, filepath.FromSlash(rel)))
	s := newSet(t, dir)
	if !s.Standing(rel, int64(len(data)), func(b []byte) bool { return bytes.Equal(b, data) }) {
		t.Fatal("the published file, open in a viewer, was not taken as standing")
	}
	stageRest(t, s)
	if err := s.Commit(); err != nil {
		t.Fatalf("commit with a standing file held open: %v", err)
	}
}

// TestStateFolderIsHidden: the bookkeeping folder does not show in Explorer.
func TestStateFolderIsHidden(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".taizhang")
	if err := MkdirHidden(dir); err != nil {
		t.Fatal(err)
	}
	p, _ := windows.UTF16PtrFromString(dir)
	attrs, err := windows.GetFileAttributes(p)
	if err != nil || attrs&windows.FILE_ATTRIBUTE_HIDDEN == 0 {
		t.Errorf("attributes %#x, %v: want hidden", attrs, err)
	}
}
