// Package buildinfo says which Taizhang this is, from the information the
// Go toolchain stamps into every binary (debug.ReadBuildInfo): a tagged
// module version when built from one, else the commit it was built from.
package buildinfo

import (
	"runtime/debug"
	"strings"
)

// Version is the running binary's version: the module version
// ("v1.2.0", or a pseudo-version "v0.0.0-20261201…-abcdef123456+dirty"
// that `go build` stamps from the repository), else "devel" with the commit
// when one is known ("devel-abcdef123456", "-dirty" for uncommitted
// changes), else "devel" (go run, go test).
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return fromInfo(info)
}

func fromInfo(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v := "devel-" + rev
	if dirty {
		v += "-dirty"
	}
	return strings.TrimSpace(v)
}
