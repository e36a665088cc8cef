package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/pipeline"
)

// TestBuildWithABlockedOutputSaysWhichAndReplacesNothing: 通报.pdf cannot
// be replaced (a folder in its place here; on Windows, a PDF viewer holding
// it open): the build names it in Chinese, exits non-zero, and the whole
// previous set stays, the manifest with it.
func TestBuildWithABlockedOutputSaysWhichAndReplacesNothing(t *testing.T) {
	dir := copySamples(t)
	if code, _, errs := run(t, "build", "--quiet", dir); code != ExitOK {
		t.Fatalf("first build: %d %s", code, errs)
	}
	out := filepath.Join(dir, "out")
	notice := filepath.Join(out, "通报.pdf")
	os.Rename(notice, notice+".keep")
	os.MkdirAll(filepath.Join(notice, "x"), 0o755)
	before := digests(t, out)
	code, stdout, errs := run(t, "build", "--as-of", "2025-09-20", dir)
	if code == ExitOK || !strings.Contains(errs, "通报.pdf 的位置上有一个同名的文件夹") || !strings.Contains(errs, "上次生成的文件都保持不变") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, errs)
	}
	if strings.Contains(stdout, "文件已写入") {
		t.Errorf("claims to have written files:\n%s", stdout)
	}
	// Every file is as it was; the caches may only have gained entries (a
	// failed build may keep what it made, valid by construction, and
	// prunes nothing).
	after := digests(t, out)
	for rel := range after {
		if _, had := before[rel]; !had && isCacheEntry(rel) {
			delete(after, rel)
		}
	}
	sameTree(t, "outputs after a blocked build", before, after)
}

// isCacheEntry reports whether rel, under the out folder, is in one of the
// caches a build keeps in its state folder.
func isCacheEntry(rel string) bool {
	for _, c := range pipeline.CacheFolders() {
		if strings.HasPrefix(filepath.ToSlash(rel), ".taizhang/"+c+"/") {
			return true
		}
	}
	return false
}
