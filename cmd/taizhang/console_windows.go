//go:build windows

package main

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// cpUTF8 is the UTF-8 code page.
const cpUTF8 = 65001

var getConsoleProcessList = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetConsoleProcessList")

// launchedFromExplorer reports whether this process has a console window
// of its own: when started from cmd or PowerShell the console also lists
// the shell; double-clicked from Explorer it lists only this process.
func launchedFromExplorer() bool {
	if getConsoleProcessList.Find() != nil {
		return false
	}
	var pids [4]uint32
	n, _, _ := getConsoleProcessList.Call(uintptr(unsafe.Pointer(&pids[0])), uintptr(len(pids)))
	return n == 1
}

// setupConsole makes the console show UTF-8 (Chinese) output and the
// progress bar's escape sequences.
func setupConsole() {
	windows.SetConsoleOutputCP(cpUTF8)
	windows.SetConsoleCP(cpUTF8)
	for _, h := range []windows.Handle{windows.Stdout, windows.Stderr} {
		var mode uint32
		if windows.GetConsoleMode(h, &mode) == nil {
			windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING)
		}
	}
}
