package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// Draft is a document to write: paragraphs, and the lists (automatic
// numbering) some of them belong to.
type Draft struct {
	Paragraphs []Para
	Lists      []List // list n (from 1) is w:numId n
}

// Para is one paragraph to write.
type Para struct {
	Text    string
	Heading int // 1–4: the notice's heading faces (黑体, 楷体, 仿宋 bold, 仿宋); 0: body text
	List    int // from 1: numbered by Lists[List-1]; 0: not numbered
	Level   int // the list level, from 0
}

// List is an automatic numbering definition, one entry a level.
type List struct {
	Levels []Level
	// Separate writes the list as its own definition; lists that are not
	// separate but have equal levels share one definition, as Word does
	// when a list is continued in another place.
	Separate bool
}

// Level is one level of a list: Word's numFmt ("decimal",
// "chineseCounting", …), its text ("%1、", "（%1）") and start.
type Level struct {
	Format string
	Text   string
	Start  int
	// Continue: the level never restarts after a higher level, as the
	// notice's 1. and （1） run on across their parents.
	Continue bool
}

// epoch is every part's time, so the same draft gives the same bytes.
var epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Write writes d as a .docx that Word, WPS and LibreOffice open: the
// package parts WordprocessingML needs and no more, A4 pages with the
// official margins, 仿宋 16 pt body text indented two characters. The same
// draft gives the same bytes.
func Write(w io.Writer, d Draft) error {
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes(len(d.Lists) > 0)},
		{"_rels/.rels", packageRels},
		{"word/_rels/document.xml.rels", documentRels(len(d.Lists) > 0)},
		{"word/document.xml", documentXML(d)},
		{"word/styles.xml", stylesXML},
	}
	if len(d.Lists) > 0 {
		parts = append(parts, struct{ name, body string }{"word/numbering.xml", numberingXML(d.Lists)})
	}
	zw := zip.NewWriter(w)
	for _, p := range parts {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: epoch})
		if err != nil {
			return fmt.Errorf("写入 Word 文档失败：%w", err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return fmt.Errorf("写入 Word 文档失败：%w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("写入 Word 文档失败：%w", err)
	}
	return nil
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

func contentTypes(lists bool) string {
	s := xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
		`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>`
	if lists {
		s += `<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>`
	}
	return s + `</Types>`
}

const packageRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`</Relationships>`

func documentRels(lists bool) string {
	s := xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`
	if lists {
		s += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>`
	}
	return s + `</Relationships>`
}

func escape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s)) // never fails on a bytes.Buffer
	return b.String()
}

func documentXML(d Draft) string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<w:document xmlns:w="` + nsW + `"><w:body>`)
	for _, p := range d.Paragraphs {
		b.WriteString(`<w:p>`)
		if p.Heading > 0 || p.List > 0 {
			b.WriteString(`<w:pPr>`)
			if p.Heading > 0 && p.Heading <= 4 {
				fmt.Fprintf(&b, `<w:pStyle w:val="Heading%d"/>`, p.Heading)
			}
			if p.List > 0 {
				fmt.Fprintf(&b, `<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr>`, p.Level, p.List)
			}
			b.WriteString(`</w:pPr>`)
		}
		if p.Text != "" {
			b.WriteString(`<w:r><w:t xml:space="preserve">` + escape(p.Text) + `</w:t></w:r>`)
		}
		b.WriteString(`</w:p>`)
	}
	// A4, margins of GB/T 9704: top 37 mm, left 28 mm, a 156 × 225 mm block.
	b.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>` +
		`<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/>` +
		`</w:sectPr></w:body></w:document>`)
	return b.String()
}

// numberingXML writes the lists, each element in the order the schema
// gives (Word refuses a document whose elements are out of order).
func numberingXML(lists []List) string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<w:numbering xmlns:w="` + nsW + `">`)
	abstractOf := make([]int, len(lists))
	var defs []List
	for i, l := range lists {
		abstractOf[i] = -1
		if !l.Separate {
			for j, d := range defs {
				if !d.Separate && equalLevels(d.Levels, l.Levels) {
					abstractOf[i] = j
				}
			}
		}
		if abstractOf[i] < 0 {
			abstractOf[i] = len(defs)
			defs = append(defs, l)
		}
	}
	for j, l := range defs {
		fmt.Fprintf(&b, `<w:abstractNum w:abstractNumId="%d"><w:multiLevelType w:val="multilevel"/>`, j)
		for il, lv := range l.Levels {
			start := lv.Start
			if start == 0 {
				start = 1
			}
			restart := ""
			if lv.Continue {
				restart = `<w:lvlRestart w:val="0"/>`
			}
			fmt.Fprintf(&b, `<w:lvl w:ilvl="%d"><w:start w:val="%d"/><w:numFmt w:val="%s"/>%s<w:suff w:val="nothing"/><w:lvlText w:val="%s"/></w:lvl>`,
				il, start, escape(lv.Format), restart, escape(lv.Text))
		}
		b.WriteString(`</w:abstractNum>`)
	}
	for i := range lists {
		fmt.Fprintf(&b, `<w:num w:numId="%d"><w:abstractNumId w:val="%d"/></w:num>`, i+1, abstractOf[i])
	}
	b.WriteString(`</w:numbering>`)
	return b.String()
}

func equalLevels(a, b []Level) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// stylesXML: 仿宋 16 pt (三号) body indented two characters, lines at a
// fixed 28.95 pt as an official document sets them; headings in the
// notice's faces.
const stylesXML = xmlHeader + `<w:styles xmlns:w="` + nsW + `">` +
	`<w:docDefaults><w:rPrDefault><w:rPr>` +
	`<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/>` +
	`<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/>` +
	`</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>` +
	`<w:spacing w:line="579" w:lineRule="exact"/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/>` +
	`</w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:rFonts w:eastAsia="楷体_GB2312"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading4"><w:name w:val="heading 4"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:outlineLvl w:val="3"/></w:pPr></w:style>` +
	`</w:styles>`
