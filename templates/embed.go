// Package templates holds the wording of the town notice as Go text/template
// files, embedded in the binary. A clerk overrides one by putting a file of
// the same name in the workspace's templates folder (see notice.LoadTemplates).
package templates

import "embed"

// FS is the embedded templates.
//
//go:embed *.tmpl
var FS embed.FS
