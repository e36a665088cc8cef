package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// explain rewrites the system's English inside err's message: every
// *fs.PathError, *os.LinkError or *os.SyscallError in the chain ("open
// 收件箱/x.xlsx: permission denied") becomes what happened and what to do,
// in Chinese. It is applied to every message a command ends with, so no
// English error text of the operating system reaches a clerk.
func explain(err error) string {
	msg := err.Error()
	for e := err; e != nil; e = errors.Unwrap(e) {
		var (
			inner error
			path  string
		)
		switch x := e.(type) {
		case *fs.PathError:
			inner, path = x.Err, x.Path
		case *os.LinkError:
			inner, path = x.Err, x.New
		case *os.SyscallError:
			inner = x.Err
		default:
			continue
		}
		zh := errnoText(inner)
		if path != "" && !strings.Contains(msg[:max(0, strings.Index(msg, e.Error()))], path) {
			zh = "“" + path + "”" + zh
		}
		msg = strings.Replace(msg, e.Error(), zh, 1)
		break
	}
	return msg
}

// accessError is the message for a path that exists but cannot be looked
// at.
func accessError(path string, err error) error {
	return fmt.Errorf("无法访问“%s”：%s", path, errnoText(err))
}

// errnoText says in Chinese what a system error means and what to do.
func errnoText(err error) string {
	if s := platformErrno(err); s != "" {
		return s
	}
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "没有权限。请确认当前登录的用户可以读写这个位置：文件是否设为只读、共享文件夹是否给了写入权限，或换一个自己有权限的文件夹"
	case errors.Is(err, fs.ErrNotExist):
		return "文件或文件夹不存在"
	case errors.Is(err, fs.ErrExist):
		return "已经有同名的文件或文件夹"
	case errors.Is(err, syscall.ENOSPC):
		return "磁盘已满，请清理出空间后再试"
	case errors.Is(err, syscall.EROFS):
		return "所在的磁盘或共享是只读的，请换一个能写入的位置"
	case errors.Is(err, syscall.ENOTDIR):
		return "路径中有一段是文件而不是文件夹"
	case errors.Is(err, syscall.EISDIR):
		return "这是一个文件夹，不是文件"
	case errors.Is(err, syscall.ENOTEMPTY):
		return "文件夹不是空的"
	case errors.Is(err, syscall.ENAMETOOLONG):
		return "路径太长，请把工作文件夹放到层级浅一些的位置"
	}
	return fmt.Sprintf("系统错误（%v）", err)
}

// explainedError is an error whose message is explain's, keeping the chain
// for errors.Is (output.ErrLocked).
type explainedError struct {
	msg string
	err error
}

func (e *explainedError) Error() string { return e.msg }
func (e *explainedError) Unwrap() error { return e.err }

// explained wraps err so that its message reaches a clerk in Chinese.
func explained(err error) error {
	if err == nil {
		return nil
	}
	return &explainedError{msg: explain(err), err: err}
}
