// Package docx reads and writes the little of a Word document
// (WordprocessingML, .docx as Word, WPS and LibreOffice save it) that a
// notice's narrative is: paragraphs in order, with their text and the
// numbers Word's automatic numbering shows before them. Tables, images,
// comments and tracked changes are noted, not read. It knows nothing of
// notices.
package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Limits bound what reading one document may cost, so a zip bomb or a
// runaway file is refused instead of filling memory.
const (
	maxParts     = 2000     // files in the package
	maxPartBytes = 32 << 20 // one part, uncompressed
	maxTotal     = 64 << 20 // every part read, uncompressed
)

// The WordprocessingML namespace (strict documents use another; both are
// matched by local name).
const nsW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// Document is what was read from a .docx.
type Document struct {
	Paragraphs []Paragraph // the body's paragraphs, in order, outside tables
	Tables     int         // tables in the body, not read
	Images     int         // pictures and drawings, not read
}

// Paragraph is one paragraph of the body.
type Paragraph struct {
	Number string // what automatic numbering shows before it ("一、", "（1）"), or ""
	Body   string // its text as Word shows it with changes accepted
	// Revised: the paragraph holds a tracked change not yet accepted or
	// rejected (an insertion, deletion, move or formatting change).
	Revised bool
	// Commented: a comment is anchored in the paragraph.
	Commented bool
}

// Text is the paragraph as Word shows it: its number, then its text.
func (p Paragraph) Text() string { return p.Number + p.Body }

// Read reads a .docx from r (size bytes). Every error is in Chinese.
func Read(r io.ReaderAt, size int64) (*Document, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, errors.New("不是有效的 Word 文档（.docx）：文件已损坏、被加密，或其实是旧的 .doc 格式；请用 WPS 或 Word 打开后“另存为”.docx")
	}
	if len(zr.File) > maxParts {
		return nil, fmt.Errorf("Word 文档内部文件过多（%d 个），不像正常的通报正文", len(zr.File))
	}
	pkg := &pkg{files: map[string]*zip.File{}}
	for _, f := range zr.File {
		pkg.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	main := pkg.mainPart()
	docXML, err := pkg.read(main)
	if err != nil {
		return nil, err
	}
	if docXML == nil {
		return nil, errors.New("不是 Word 文档：里面没有正文（word/document.xml）；请用 WPS 或 Word 打开后“另存为”.docx")
	}
	dir := path.Dir(main)
	num := &numbering{}
	if b, err := pkg.read(path.Join(dir, "numbering.xml")); err != nil {
		return nil, err
	} else if b != nil {
		if num, err = parseNumbering(b); err != nil {
			return nil, err
		}
	}
	st := styles{}
	if b, err := pkg.read(path.Join(dir, "styles.xml")); err != nil {
		return nil, err
	} else if b != nil {
		if st, err = parseStyles(b); err != nil {
			return nil, err
		}
	}
	return parseDocument(docXML, num, st)
}

type pkg struct {
	files map[string]*zip.File
	total int64
}

// mainPart is the main document part named by the package relationships,
// word/document.xml when they do not say.
func (p *pkg) mainPart() string {
	b, err := p.read("_rels/.rels")
	if err != nil || b == nil {
		return "word/document.xml"
	}
	var rels struct {
		Rel []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if xml.Unmarshal(b, &rels) != nil {
		return "word/document.xml"
	}
	for _, r := range rels.Rel {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			t := strings.TrimPrefix(path.Clean("/"+r.Target), "/")
			if _, ok := p.files[t]; ok {
				return t
			}
		}
	}
	return "word/document.xml"
}

// read returns a part's bytes, nil when it is absent.
func (p *pkg) read(name string) ([]byte, error) {
	f, ok := p.files[name]
	if !ok {
		return nil, nil
	}
	if f.UncompressedSize64 > maxPartBytes || p.total+int64(f.UncompressedSize64) > maxTotal {
		return nil, errors.New("Word 文档解压后过大，不像正常的通报正文")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("Word 文档已损坏（%s 无法读取）", name)
	}
	defer rc.Close()
	// The declared size may lie: the LimitReader is a second fence.
	b, err := io.ReadAll(io.LimitReader(rc, maxPartBytes+1))
	if err != nil {
		return nil, fmt.Errorf("Word 文档已损坏（%s 无法解压）", name)
	}
	if len(b) > maxPartBytes || p.total+int64(len(b)) > maxTotal {
		return nil, errors.New("Word 文档解压后过大，不像正常的通报正文")
	}
	p.total += int64(len(b))
	return b, nil
}

// attr is the value of a w: attribute by local name (w:val, w:id).
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// onOff reads a WordprocessingML toggle: present with no value, or with
// true/1/on, is on.
func onOff(e xml.StartElement) bool {
	switch attr(e, "val") {
	case "", "true", "1", "on":
		return true
	}
	return false
}

func xmlError(part string) error {
	return fmt.Errorf("Word 文档已损坏（%s 不是有效的 XML）；请用 WPS 或 Word 打开后重新保存", part)
}

// parseDocument walks the body: top-level paragraphs (also those inside
// content controls) are read; a table's, a text box's or a footnote's are
// not.
func parseDocument(b []byte, num *numbering, st styles) (*Document, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	doc := &Document{}
	var (
		stack   []string // local names of open elements
		p       *Paragraph
		text    strings.Builder
		pDepth  int // depth of the open paragraph
		numID   = ""
		ilvl    = ""
		pStyle  = ""
		inTable int
		skip    int // inside a drawing, a text box or the old properties of a change
	)
	under := func(local string) bool {
		for _, s := range stack {
			if s == local {
				return true
			}
		}
		return false
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlError("word/document.xml")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			stack = append(stack, name)
			switch {
			case name == "tbl":
				if inTable == 0 && p == nil {
					doc.Tables++
				}
				inTable++
			case name == "p" && p == nil && inTable == 0 && under("body") && !under("txbxContent"):
				p, pDepth = &Paragraph{}, len(stack)
				text.Reset()
				numID, ilvl, pStyle = "", "", ""
			case p == nil:
				// outside a read paragraph
				if name == "drawing" || name == "pict" {
					doc.Images++
				}
			case name == "drawing" || name == "pict" || name == "object":
				doc.Images++
				skip++
			case skipped[name]:
				if name != "txbxContent" {
					p.Revised = true // a formatting change
				}
				skip++ // a text box's paragraphs, or the properties before a change
			case name == "ins" || name == "moveTo" || name == "del" || name == "moveFrom":
				// Deleted and moved-away text is in w:delText, never read.
				p.Revised = true
			case name == "commentRangeStart" || name == "commentReference":
				p.Commented = true
			case skip > 0:
			case name == "pStyle" && under("pPr"):
				pStyle = attr(t, "val")
			case name == "numId" && under("numPr"):
				numID = attr(t, "val")
			case name == "ilvl" && under("numPr"):
				ilvl = attr(t, "val")
			case name == "t":
				s, err := charData(d)
				if err != nil {
					return nil, xmlError("word/document.xml")
				}
				text.WriteString(s)
				stack = stack[:len(stack)-1] // charData consumed the end
			case name == "tab" && under("r"):
				text.WriteString("\t")
			case name == "noBreakHyphen":
				text.WriteString("-")
			case name == "sym":
				if c, err := strconv.ParseUint(attr(t, "char"), 16, 32); err == nil && c >= 0x20 && (c < 0xE000 || c > 0xF8FF) {
					text.WriteRune(rune(c))
				}
			}
		case xml.EndElement:
			name := t.Name.Local
			if len(stack) == 0 {
				return nil, xmlError("word/document.xml")
			}
			depth := len(stack)
			stack = stack[:len(stack)-1]
			switch {
			case name == "tbl":
				inTable--
			case p != nil && name == "p" && depth == pDepth:
				p.Body = text.String()
				p.Number = num.next(st.numPr(pStyle, numID, ilvl, num))
				doc.Paragraphs = append(doc.Paragraphs, *p)
				p = nil
			case p != nil && skip > 0 && (skipped[name] || name == "drawing" || name == "pict" || name == "object"):
				skip--
			}
		}
	}
	return doc, nil
}

// skipped are the elements whose content is not the paragraph's: a text
// box, and the old properties a tracked formatting change keeps.
var skipped = map[string]bool{
	"txbxContent": true, "rPrChange": true, "pPrChange": true, "numberingChange": true,
	"sectPrChange": true, "tblPrChange": true, "trPrChange": true, "tcPrChange": true,
}

// charData reads the text of the element just opened, through its end.
func charData(d *xml.Decoder) (string, error) {
	var b strings.Builder
	depth := 1
	for depth > 0 {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if depth == 1 {
				b.Write(t)
			}
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return b.String(), nil
}
