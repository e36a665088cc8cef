//go:build !windows

package cli

func platformErrno(error) string { return "" }
