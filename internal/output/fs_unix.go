//go:build !windows

package output

// probeReplace reports why the file at path could not be replaced. On
// Unix an open file never stops a rename, so nothing does.
func probeReplace(path string) error { return nil }

// isLocked reports whether err means another program holds the file.
func isLocked(err error) bool { return false }

// hide does nothing: a leading dot hides a name on Unix.
func hide(path string) error { return nil }
