package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDoubleClickStartsTheDeskInTheExesFolder(t *testing.T) {
	args := doubleClickArgs()
	exe, _ := os.Executable()
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	if len(args) != 2 || args[0] != "serve" || args[1] != filepath.Dir(exe) {
		t.Errorf("double-click runs %v, want serve in %s", args, filepath.Dir(exe))
	}
}
