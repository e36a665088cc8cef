package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestVersionComesFromTheBuildInformation(t *testing.T) {
	cases := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"tagged", debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, "v1.2.0"},
		{"go build in a repository", debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201144500-a67b6208f3c1+dirty"}}, "v0.0.0-20261201144500-a67b6208f3c1+dirty"},
		{"devel with commit", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "a67b6208f3c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5"}, {Key: "vcs.modified", Value: "true"}}}, "devel-a67b6208f3c1-dirty"},
		{"go run", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
		{"test binary", debug.BuildInfo{}, "devel"},
	}
	for _, c := range cases {
		if got := fromInfo(&c.info); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if Version() == "" {
		t.Error("Version is empty")
	}
}
