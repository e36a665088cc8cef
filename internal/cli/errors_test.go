package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestMissingFolderIsNamedAsSuch: a mistyped workspace folder is "找不到文件夹",
// never "no config here", for every command that takes one.
func TestMissingFolderIsNamedAsSuch(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "第六轮巡察整该")
	for _, args := range [][]string{
		{"build", missing},
		{"watch", missing},
		{"status", missing},
		{"check", missing},
		{"build", "--config", filepath.Join(missing, "taizhang.yaml")},
		{"init", filepath.Join(t.TempDir(), "第七轮"), "--from-config", filepath.Join(missing, "taizhang.yaml")},
	} {
		code, _, errs := run(t, args...)
		if code != ExitUsage || !strings.Contains(errs, "找不到文件夹“"+missing+"”") || strings.Contains(errs, "找不到配置文件") {
			t.Errorf("%v: exit %d, stderr:\n%s", args, code, errs)
		}
	}
	// A file given where a folder is wanted says that.
	file := filepath.Join(t.TempDir(), "taizhang.yaml")
	os.WriteFile(file, []byte("town: 三乡镇\n"), 0o644)
	if code, _, errs := run(t, "build", file); code != ExitUsage || !strings.Contains(errs, "是一个文件，不是文件夹") {
		t.Errorf("build FILE: exit %d, stderr:\n%s", code, errs)
	}
}

// TestSystemErrorsAreExplainedInChinese: the operating system's English
// (permission denied, no space left) never reaches the clerk; what to do
// does.
func TestSystemErrorsAreExplainedInChinese(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("无法在“输出”中写入文件：%w", &fs.PathError{Op: "open", Path: "输出/.x.tmp", Err: syscall.EACCES}), "没有权限。请确认当前登录的用户可以读写这个位置"},
		{fmt.Errorf("写入失败：%w", &fs.PathError{Op: "write", Path: "输出/通报.pdf", Err: syscall.ENOSPC}), "“输出/通报.pdf”磁盘已满"},
		{&os.LinkError{Op: "rename", Old: "a", New: "输出/通报.pdf", Err: syscall.EROFS}, "只读"},
		{&os.SyscallError{Syscall: "flock", Err: syscall.EPERM}, "没有权限"},
	}
	for _, c := range cases {
		got := explain(c.err)
		if !strings.Contains(got, c.want) || strings.Contains(got, "permission") || strings.Contains(got, "denied") || strings.Contains(got, "open ") || strings.Contains(got, "rename ") {
			t.Errorf("%v\n  → %s\nwant it to contain %q and no English", c.err, got, c.want)
		}
	}
}

// TestConfigGuessesAreShownToTheClerk: a taizhang.yaml with a full-width
// colon is read, and the command says at which line and how to fix it.
func TestConfigGuessesAreShownToTheClerk(t *testing.T) {
	dir, cfg := newWorkspace(t)
	b, _ := os.ReadFile(cfg.Path)
	fixed := strings.Replace(string(b), "town: 三乡镇", "town：三乡镇", 1)
	if fixed == string(b) {
		t.Fatal("init's config has no town: 三乡镇 line")
	}
	os.WriteFile(cfg.Path, []byte(fixed), 0o644)
	for _, args := range [][]string{{"status", dir}, {"check", dir}} {
		_, _, errs := run(t, args...)
		if !strings.Contains(errs, "taizhang.yaml:") || !strings.Contains(errs, "警告: 冒号用了全角“：”，已按“town: 三乡镇”读取") {
			t.Errorf("%v: stderr:\n%s", args, errs)
		}
	}
}
