package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// Version is Taizhang's version, written into every manifest.
var Version = "0.1.0"

// NewCmdVersion prints the version.
func NewCmdVersion(s *Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "显示版本号",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(s.Out, "台账（taizhang）版本 %s\n", Version)
			return nil
		},
	}
}
