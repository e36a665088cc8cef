// Package notice composes the town's notice (通报) and the village ledgers
// attached to it as PDF documents in the official layout, with
// internal/typeset. The wording comes from Go text/templates (the
// embedded templates/通报.tmpl, overridable per file by the workspace's
// templates folder) and from the clerk's own narrative — a Word/WPS
// document (internal/docx) or a text file — whose Chinese placeholders
// (【完成率】, fields.go) are filled from the consolidated summary and
// which is then executed as a template over the same Data, so every figure
// it quotes is computed, never typed.
package notice
