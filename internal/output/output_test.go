package output

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestWriteFileKeepsOldContentWhenFillFails(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "汇总台账.xlsx")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(p, func(w io.Writer) error {
		io.WriteString(w, "half")
		return errors.New("boom")
	})
	if err == nil {
		t.Fatal("want the fill error")
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("content = %q, want old content kept", b)
	}
	assertOnly(t, dir, "汇总台账.xlsx")
	if err := WriteFile(p, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("content = %q, want new", b)
	}
	if st, _ := os.Stat(p); runtime.GOOS != "windows" && st.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644: outputs are for the whole office", st.Mode().Perm())
	}
}

func newSet(t *testing.T, dir string) *Set {
	t.Helper()
	s, err := NewSet(dir, filepath.Join(dir, ".taizhang"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSetPublishesNothingUntilCommit(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "通报.pdf"), []byte("old"), 0o644)
	s := newSet(t, dir)
	for _, name := range []string{"通报.pdf", "台账/大布村.pdf"} {
		if err := s.Add(name, func(w io.Writer) error { _, err := io.WriteString(w, "new "+name); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "通报.pdf")); string(b) != "old" {
		t.Fatalf("visible before commit: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "台账", "大布村.pdf")); err == nil {
		t.Fatal("new file visible before commit")
	}
	assertOnly(t, dir, ".taizhang", "通报.pdf") // staging is never beside the outputs
	files := s.Files()
	if len(files) != 2 || files[0].Path != "台账/大布村.pdf" || files[1].Size != int64(len("new 通报.pdf")) || len(files[1].SHA256) != 64 {
		t.Fatalf("files = %+v", files)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "通报.pdf")); string(b) != "new 通报.pdf" {
		t.Errorf("after commit: %q", b)
	}
	assertOnly(t, filepath.Join(dir, ".taizhang")) // nothing stale left
}

func TestSetDiscardLeavesPreviousOutputsWhole(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "通报.pdf"), []byte("old"), 0o644)
	s := newSet(t, dir)
	s.Add("通报.pdf", func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err })
	if err := s.Add("汇总台账.xlsx", func(w io.Writer) error { return errors.New("disk full") }); err == nil {
		t.Fatal("want error")
	}
	s.Discard()
	if b, _ := os.ReadFile(filepath.Join(dir, "通报.pdf")); string(b) != "old" {
		t.Errorf("content = %q", b)
	}
	assertOnly(t, dir, ".taizhang", "通报.pdf")
	assertOnly(t, filepath.Join(dir, ".taizhang"))
}

func TestWriteIntoReadOnlyFolderIsAClearError(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only folders; covered by the CLI test with a file in the way")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	err := WriteFile(filepath.Join(dir, "x"), func(io.Writer) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "无法在") {
		t.Errorf("err = %v", err)
	}
}

func TestOutputFolderThatIsAFileIsAClearError(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "out")
	os.WriteFile(blocker, []byte("x"), 0o644)
	_, err := NewSet(blocker, filepath.Join(blocker, ".taizhang"))
	if err == nil || !strings.Contains(err.Error(), "无法创建文件夹") {
		t.Errorf("err = %v", err)
	}
}

func TestLockRefusesASecondHolderUntilReleased(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".taizhang", "build.lock")
	a, err := Acquire(path, dir, "监视")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(path, dir, "生成")
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "监视") {
		t.Fatalf("second acquire: %v", err)
	}
	a.Release()
	b, err := Acquire(path, dir, "生成")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	b.Release()
}

func TestCleanStaleRemovesOnlyTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".通报.pdf.123.tmp"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "通报.pdf"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "村.tmp"), nil, 0o644)
	CleanStale(dir)
	assertOnly(t, dir, "村.tmp", "通报.pdf")
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("folder holds %v, want %v", got, names)
	}
}

func TestCopyFileAndText(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "大布村整改台账.xlsx"), filepath.Join(dir, "归档", "副本.xlsx")
	os.WriteFile(src, []byte("原件"), 0o644)
	if err := CopyFile(src, dst); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "原件" {
		t.Errorf("copy = %q", b)
	}
	if b, _ := os.ReadFile(src); string(b) != "原件" {
		t.Errorf("source changed to %q", b)
	}
	txt := filepath.Join(dir, "回执.txt")
	if err := WriteFile(txt, Text("回执\n\n村：大布村\r\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(txt); string(b) != "\ufeff回执\r\n\r\n村：大布村\r\n" {
		t.Errorf("text = %q", b)
	}
}
