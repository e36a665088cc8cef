package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/taizhang/taizhang/internal/buildinfo"
)

// NewCmdVersion prints the version, the one written into every manifest.
func NewCmdVersion(s *Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "显示版本号",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(s.Out, "台账（taizhang）版本 %s\n", versionText())
			return nil
		},
	}
}

// versionText is the version as a clerk reads it: a development build
// (go run, or a build outside a tagged release) says so.
func versionText() string {
	v := buildinfo.Version()
	if v == "devel" {
		return "开发版（未标记版本）"
	}
	if len(v) > len("devel-") && v[:len("devel-")] == "devel-" {
		return "开发版 " + v[len("devel-"):]
	}
	return v
}
