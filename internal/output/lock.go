package output

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrLocked means another Taizhang process holds the folder's lock.
var ErrLocked = errors.New("locked")

// Lock is an exclusive, advisory lock on a folder, held through an open
// file. The operating system releases it when the process ends, however it
// ends, so a killed build never leaves a stale lock behind.
type Lock struct {
	f    *os.File
	path string
}

// Acquire takes the lock held through the file at path (created, in a
// hidden folder) for what (e.g. "生成" or "监视"), or fails at once with an
// error wrapping ErrLocked that says who holds it. dir names the folder the
// lock guards, in that message.
func Acquire(path, dir, what string) (*Lock, error) {
	if err := MkdirHidden(filepath.Dir(path)); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("无法创建锁文件“%s”：%w", path, err)
	}
	if err := lockFile(f); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		who := strings.TrimSpace(string(holder))
		if who == "" {
			who = "另一个台账程序"
		}
		return nil, fmt.Errorf("文件夹“%s”正被占用（%s），请等它结束后再试：%w", dir, who, ErrLocked)
	}
	// Who holds the lock, for the message a second process gives; the
	// lock itself is the open file, so failing to write this is harmless.
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(what+"，进程号 "+strconv.Itoa(os.Getpid())+"\n"), 0)
	return &Lock{f: f, path: path}, nil
}

// Release gives the lock up.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	_ = l.f.Truncate(0)
	_ = unlockFile(l.f)
	_ = l.f.Close()
	l.f = nil
}
