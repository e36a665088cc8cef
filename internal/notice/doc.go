// Package notice composes the town's notice (通报) and the village ledgers
// attached to it as PDF documents in the official layout, with
// internal/typeset. The wording comes from Go text/templates (the
// embedded templates/通报.tmpl, overridable per file by the workspace's
// templates folder) and from the clerk's own narrative, a plain-text file
// that is itself executed as a template over the same Data, so every figure
// it quotes is computed, never typed.
package notice
