//go:build windows

package cli

import (
	"errors"

	"golang.org/x/sys/windows"
)

// platformErrno names the Windows errors a clerk meets: a file Excel, WPS
// or a PDF viewer holds open.
func platformErrno(err error) string {
	switch {
	case errors.Is(err, windows.ERROR_SHARING_VIOLATION), errors.Is(err, windows.ERROR_LOCK_VIOLATION):
		return "文件正被其他程序打开（Excel、WPS 或 PDF 阅读器），请关闭后再试"
	}
	return ""
}
