package watch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// fileOps are the file system calls a move makes; tests replace them to
// make one fail, as Windows does for a file Excel holds open.
type fileOps struct {
	rename func(oldpath, newpath string) error
	remove func(path string) error
}

func (o fileOps) withDefaults() fileOps {
	if o.rename == nil {
		o.rename = os.Rename
	}
	if o.remove == nil {
		o.remove = os.Remove
	}
	return o
}

// ArchivePath gives a free name in dir for a file archived from the inbox:
// its modification time first, so the archive sorts by age
// (2025-09-10_0912_大布村整改台账.xlsx).
func ArchivePath(dir, name string, mtime time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("无法创建归档文件夹“%s”（%s）", dir, reason(err))
	}
	base := mtime.Format("2006-01-02_1504") + "_" + name
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for i := 1; ; i++ {
		p := filepath.Join(dir, base)
		if i > 1 {
			p = filepath.Join(dir, fmt.Sprintf("%s（%d）%s", stem, i, ext))
		}
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p, nil
		}
	}
}

// move moves src to dst whole or not at all: a rename when it can; across
// drives, a copy and then the removal of src, and when src cannot be
// removed (Windows refuses while Excel or WPS has it open) the copy is
// removed again, so the file is never both in the inbox and archived. The
// error says in Chinese what happened and where the file is.
func (o fileOps) move(src, dst string) error {
	o = o.withDefaults()
	renameErr := o.rename(src, dst)
	if renameErr == nil {
		return nil
	}
	st, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("无法移动（%s）", reason(renameErr))
	}
	if err := copyWhole(src, dst, st.ModTime()); err != nil {
		os.Remove(dst)
		return fmt.Errorf("无法移动（%s），也无法复制过去（%s）；文件仍在收件箱", reason(renameErr), reason(err))
	}
	if err := o.remove(src); err != nil {
		if undo := os.Remove(dst); undo != nil {
			return fmt.Errorf("已复制到“%s”，但无法从收件箱删除（%s），复制的那份也删不掉（%s）：现在两处都有，请关闭打开它的程序后删掉其中一份", filepath.Base(dst), reason(err), reason(undo))
		}
		return fmt.Errorf("无法从收件箱移走（%s），已撤销复制的那份，文件仍在收件箱", reason(err))
	}
	return nil
}

// copyWhole copies src to a new file dst (never replacing one) with src's
// modification time; on failure dst may be partial and is the caller's to
// remove.
func copyWhole(src, dst string, mtime time.Time) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	os.Chtimes(dst, mtime, mtime)
	return nil
}

// reason says in Chinese why a file operation failed, without the
// library's English.
func reason(err error) string {
	switch {
	case errors.Is(err, os.ErrPermission):
		return "没有权限，或文件正被其他程序（如 Excel、WPS）打开"
	case errors.Is(err, os.ErrNotExist):
		return "文件已不在原处"
	case errors.Is(err, os.ErrExist):
		return "目标位置已有同名文件"
	}
	return "文件可能正被其他程序（如 Excel、WPS）打开，或文件夹不可写"
}
