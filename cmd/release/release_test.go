package main

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestReleaseZipIsCompleteAndByteIdentical builds the linux/amd64 member
// of the release set twice: the zips are byte-identical, hold the program
// (executable), 使用说明.txt, the font licences and the whole sample town
// without its outputs, all under one top folder; and the program in it runs
// on the sample town.
func TestReleaseZipIsCompleteAndByteIdentical(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the program; skipped with -short")
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	target := Target{"linux", "amd64"}
	build := func() []byte {
		out := t.TempDir()
		zips, err := Build(context.Background(), Options{Root: root, Out: out, Targets: []Target{target}})
		if err != nil {
			t.Fatal(err)
		}
		if len(zips) != 1 || filepath.Base(zips[0]) != "taizhang-linux-amd64.zip" {
			t.Fatalf("zips = %v", zips)
		}
		b, err := os.ReadFile(zips[0])
		if err != nil {
			t.Fatal(err)
		}
		sums, _ := os.ReadFile(filepath.Join(out, "SHA256SUMS.txt"))
		if !strings.HasSuffix(strings.TrimSpace(string(sums)), "  taizhang-linux-amd64.zip") {
			t.Errorf("SHA256SUMS.txt = %q", sums)
		}
		return b
	}
	first, second := build(), build()
	if !bytes.Equal(first, second) {
		t.Fatal("two builds of the release zip differ")
	}

	zr, err := zip.NewReader(bytes.NewReader(first), int64(len(first)))
	if err != nil {
		t.Fatal(err)
	}
	top := "taizhang-linux-amd64/"
	got := map[string]*zip.File{}
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, top) {
			t.Errorf("%s is outside the top folder", f.Name)
		}
		if !f.Modified.Equal(Stamp) {
			t.Errorf("%s dated %v", f.Name, f.Modified)
		}
		got[strings.TrimPrefix(f.Name, top)] = f
	}
	want := []string{"taizhang", "使用说明.txt", "工作流程.txt", LicenceDir + "/OFL.txt"}
	samples, _ := filepath.Glob(filepath.Join(root, "samples", "*"))
	for _, s := range samples {
		if st, _ := os.Stat(s); st.IsDir() {
			continue
		}
		want = append(want, SamplesDir+"/"+filepath.Base(s))
	}
	want = append(want, SamplesDir+"/snapshots/2025-06-30汇总台账.json")
	for _, w := range want {
		if got[w] == nil {
			t.Errorf("the zip lacks %s", w)
		}
	}
	for name := range got {
		if strings.Contains(name, "/out/") || strings.HasSuffix(name, "/out/") {
			t.Errorf("the zip holds the build output %s", name)
		}
	}
	if f := got["taizhang"]; f == nil || f.Mode().Perm() != 0o755 {
		t.Fatal("the program is missing or not executable")
	}
	for _, s := range []string{"taizhang.yaml", "大布村整改台账.xlsx"} {
		a, _ := os.ReadFile(filepath.Join(root, "samples", s))
		if b := read(t, got[SamplesDir+"/"+s]); !bytes.Equal(a, b) {
			t.Errorf("%s in the zip differs from samples/", s)
		}
	}
	if !strings.Contains(string(read(t, got["使用说明.txt"])), "./taizhang build 示例") {
		t.Error("使用说明.txt does not say how to try the sample town")
	}

	// The program, unzipped, checks the sample town it came with.
	if runtime.GOOS != target.GOOS || runtime.GOARCH != target.GOARCH {
		return
	}
	dir := t.TempDir()
	for name, f := range got {
		if strings.HasSuffix(name, "/") || name == "" {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, read(t, f), f.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(filepath.Join(dir, "taizhang"), "check", SamplesDir)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "共检查 9 个文件") {
		t.Errorf("taizhang check 示例: %v\n%s", err, out)
	}
}

func read(t *testing.T, f *zip.File) []byte {
	t.Helper()
	if f == nil {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWindowsGuideIsForNotepadAndSaysWindows10: the Windows 使用说明 opens
// right in Notepad (BOM, CRLF), names the Windows floor, and tells how to
// start with a double-click.
func TestWindowsGuideIsForNotepadAndSaysWindows10(t *testing.T) {
	g := string(guide(Target{"windows", "amd64"}))
	if !strings.HasPrefix(g, "\ufeff") || strings.Count(g, "\n") != strings.Count(g, "\r\n") {
		t.Error("not BOM + CRLF")
	}
	for _, s := range []string{"Windows 10", "taizhang build 示例", "双击", "taizhang init"} {
		if !strings.Contains(g, s) {
			t.Errorf("Windows guide lacks %q", s)
		}
	}
	l := string(guide(Target{"linux", "loong64"}))
	if !strings.Contains(l, "loong64") || strings.Contains(l, "\r") || strings.Contains(l, "{{") {
		t.Errorf("Linux guide:\n%s", l)
	}
}

// TestSamplesLeaveOutOutputsAndHiddenFiles: the sample town goes in as
// committed, without a build's out/ folder or hidden files.
func TestSamplesLeaveOutOutputsAndHiddenFiles(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"taizhang.yaml", "大布村.xlsx", "snapshots/a.json", "out/通报.pdf", ".taizhang.lock", "out/台账/大布村.pdf"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte(p), 0o644)
	}
	files, err := sampleFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.name)
	}
	if strings.Join(names, ",") != "示例/snapshots/a.json,示例/taizhang.yaml,示例/大布村.xlsx" {
		t.Errorf("samples = %v", names)
	}
}
