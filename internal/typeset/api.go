// Package typeset lays out Chinese text and tables on PDF pages in the
// official document layout (GB/T 9704-2012). It knows nothing of ledgers,
// villages or inspections: it takes fonts, styled paragraphs and tables, and
// writes pages.
//
// The pieces: fonts.go and sfnt.go load the faces (embedded Noto/Arphic
// substitutes, or the user's TrueType files and .ttc faces) and fall back
// per character; official.go finds the official faces in the machine's
// font folders; fallback.go takes a character no face has from the
// machine's fonts (above U+FFFF under a private-use code, given back by
// the PDF's ToUnicode map); breaker.go breaks lines by the clreq rules; document.go
// sets paragraphs on the GB/T 9704 grid (22 lines of 28 characters, tracked
// to fit 156 mm) with page numbers; table.go sets tables across pages;
// overlay.go draws page numbers and labels as separate content streams,
// for pages typeset once and joined into several PDFs (package pdfjoin).
// fpdf writes the PDF, but never breaks a line: its MultiCell drops
// characters at CJK breaks.
//
// This file is the package's contract; the implementation lives beside it.
package typeset

// Role is what a face is used for; each role falls back per character to the
// others when it lacks a glyph.
type Role int

// The font roles of an official document.
const (
	RoleBody  Role = iota // 正文: 仿宋 (or a Song face substitute)
	RoleTitle             // 标题: 方正小标宋 substitute
	RoleHei               // 黑体: first-level headings, 附件N
	RoleKai               // 楷体: second-level headings
	RoleSong              // 宋体: page numbers
	numRoles
)

// Align is the horizontal alignment of a paragraph's lines.
type Align int

// Alignments. Justify spreads CJK lines by inter-character spacing; the last
// line of a paragraph is left-aligned.
const (
	Justify Align = iota
	Left
	Center
	Right
)

// Style describes one paragraph. Indents are in characters of the
// paragraph's own size (2 = the usual first-line indent).
type Style struct {
	Role        Role
	Size        float64 // points; 0 = 16 (三号)
	Bold        bool    // simulated bold when the face has none
	Align       Align
	FirstIndent float64 // first-line indent, in characters
	HangIndent  float64 // indent of every line after the first, in characters
	RightIndent float64 // space kept free at the right, in characters
	LineHeight  float64 // mm; 0 = the page's line grid (225 mm / 22 lines)
	Balanced    bool    // break lines into a balanced shape (titles)
	// Lead sets the paragraph's first Lead characters in LeadRole, bold
	// when LeadBold: a run-in heading ("（1）规范会议记录。" in its heading's
	// face, the text after it in the paragraph's).
	Lead     int
	LeadRole Role
	LeadBold bool
}

// Orientation of a page.
type Orientation int

// Page orientations.
const (
	Portrait Orientation = iota
	Landscape
)

// Column is one column of a table.
type Column struct {
	Header string
	Width  float64 // relative weight; widths are scaled to the text block
	Align  Align   // of the body cells
	// Repeat: where a row is continued on the next page, this column's
	// cell shows its text again, marked Continued (a row's 序号).
	Repeat bool
}

// Continued marks a cell's text repeated at the top of a page: the rest of
// a row, or of a merged cell, that began on the page before.
const Continued = "（续）"

// Table is a grid of wrapped text. The header row repeats on every page; a
// row taller than the space left continues on the next page.
//
// Section rows and merged cells reproduce a ledger as it was kept: a
// section row spans the table in the heading face and stays with the row
// below it; a cell merged with the cells above it is drawn as one cell over
// their rows, its text (the first row's) centred vertically. A merged cell
// that crosses a page is split: its text in the first part, and again,
// marked Continued, at the top of the next page.
type Table struct {
	Columns []Column
	Rows    [][]string
	// Sections[i], when not "", is a section row drawn before Rows[i]. It
	// ends every merged cell above it.
	Sections []string
	// Merged[i][j] says that cell j of Rows[i] continues the cell above it
	// (one cell merged over both rows); its own text is not drawn.
	Merged     [][]bool
	Size       float64 // points for body cells; 0 = 10.5 (五号)
	HeaderSize float64 // points for the header; 0 = Size
}

// MissingGlyph is a character that no loaded font can draw.
type MissingGlyph struct {
	Rune    rune
	Context string // a few characters around it, for the clerk to find it
}
