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

// LockName is the lock file's name inside the locked folder.
const LockName = ".taizhang.lock"

// Acquire takes the lock on dir for what (e.g. "生成" or "监视"), or fails at
// once with an error wrapping ErrLocked that says who holds it.
func Acquire(dir, what string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("无法创建文件夹“%s”：%w", dir, err)
	}
	path := filepath.Join(dir, LockName)
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
	f.Truncate(0)
	f.WriteAt([]byte(what+"，进程号 "+strconv.Itoa(os.Getpid())+"\n"), 0)
	return &Lock{f: f, path: path}, nil
}

// Release gives the lock up.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	l.f.Truncate(0)
	unlockFile(l.f)
	l.f.Close()
	l.f = nil
}
