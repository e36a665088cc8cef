//go:build !windows

package main

// launchedFromExplorer is a Windows matter: elsewhere a program is started
// from a shell.
func launchedFromExplorer() bool { return false }

func setupConsole() {}
