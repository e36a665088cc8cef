//go:build windows

package output

import (
	"errors"

	"golang.org/x/sys/windows"
)

// probeReplace reports why the file at path could not be replaced: another
// program (a PDF viewer, Excel, WPS) holds it open without sharing delete
// access, so that neither a rename over it nor a delete would work. It
// opens the file for delete access, allowing everything to others, and
// closes it at once; nothing is changed.
func probeReplace(path string) error {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	h, err := windows.CreateFile(p, windows.DELETE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		if errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return err
		}
		return nil // not a lock: let the rename report it
	}
	return windows.CloseHandle(h)
}

// isLocked reports whether err means another program holds the file.
func isLocked(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION) ||
		errors.Is(err, windows.ERROR_ACCESS_DENIED)
}

// hide sets the hidden attribute on path, keeping its others.
func hide(path string) error {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	attrs, err := windows.GetFileAttributes(p)
	if err != nil {
		return err
	}
	if attrs&windows.FILE_ATTRIBUTE_HIDDEN != 0 {
		return nil
	}
	return windows.SetFileAttributes(p, attrs|windows.FILE_ATTRIBUTE_HIDDEN)
}
