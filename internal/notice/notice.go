package notice

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pdfjoin"
	"github.com/taizhang/taizhang/internal/typeset"
)

// Input is everything a notice is made from.
type Input struct {
	Config        *config.Config
	Items         []ledger.Item        // ordered (consolidate.Order)
	Summary       *consolidate.Summary // computed from Items when nil
	Narrative     string               // the clerk's narrative, a template
	HaveNarrative bool                 // false: the template's 正文 stands in, with a warning
	Templates     fs.FS                // nil = the embedded templates
	Fonts         *typeset.FontSet     // nil = the embedded faces
	Since         *compare.Result      // comparison with an earlier snapshot (build --since); may be nil
	// VillageDigests are ledger.VillageDigests of Config.Villages and
	// Items, computed when nil.
	VillageDigests map[string]string

	// NarrativeWarnings are what reading the narrative found (tracked
	// changes, comments); Input.ReadNarrative fills them.
	NarrativeWarnings []ledger.Diagnostic
}

// Result is what composing a document produced besides the PDF.
type Result struct {
	Pages       int
	Diagnostics []ledger.Diagnostic // narrative missing, characters no font has
}

// The sizes of an official document, in points.
const (
	sizeBody  = 16   // 三号
	sizeTable = 10.5 // 五号
)

// town is a town notice ready to typeset: its texts composed, its
// narrative executed.
type town struct {
	in     Input
	fonts  *typeset.FontSet
	data   *Data
	blocks map[string]string
	body   string
	title  string
	diags  []ledger.Diagnostic // the narrative's
	// found are the faces taken from the machine's fonts for characters
	// the set lacked.
	found []typeset.FoundFace
	// asOf is the build's as-of day, the PDFs' creation date.
	asOf ledger.Date
	// tasks lists each village's tasks by their index in in.Items (a copy
	// of every task would be another few hundred megabytes in a large town).
	tasks map[string][]int32
}

// prepareTown composes the notice's texts; every error of the templates
// or the narrative comes from here, before anything is typeset.
func prepareTown(in Input) (*town, error) {
	if in.Config == nil {
		return nil, errors.New("生成通报：没有读入配置文件")
	}
	data := NewData(in.Config, in.Items, in.Summary, in.Since)
	tm, err := noticeTemplates(in.Templates)
	if err != nil {
		return nil, err
	}
	blocks := map[string]string{}
	for _, b := range []string{blockTitle, blockLead, blockFeedback} {
		if blocks[b], err = execBlock(tm, b, data); err != nil {
			return nil, err
		}
	}
	body, diags, err := narrativeBody(in, tm, data)
	if err != nil {
		return nil, err
	}
	fonts, err := fontsOf(in.Fonts)
	if err != nil {
		return nil, err
	}
	fonts, found := withFallback(fonts, append([]string{blocks[blockTitle], blocks[blockLead], blocks[blockFeedback], body}, attachmentTitles(data)...), in.Items, in.Config.Publish)
	return &town{
		found: found,
		in:    in, fonts: fonts, data: data, blocks: blocks, body: body, diags: diags,
		title: titleText(blocks[blockTitle]),
		asOf:  asOfOf(in),
		tasks: tasksByVillage(in.Items),
	}, nil
}

// asOfOf is the day the build counts against: the summary's, else the
// config's.
func asOfOf(in Input) ledger.Date {
	if in.Summary != nil && !in.Summary.AsOf.IsZero() {
		return in.Summary.AsOf
	}
	return in.Config.BuildAsOf()
}

// info is the document information of a published PDF: its title, the
// issuer, the as-of day as its date (the same bytes for the same inputs),
// in Chinese.
func (t *town) info(title string, outline []pdfjoin.Bookmark) pdfjoin.Info {
	in := pdfjoin.Info{Title: title, Author: t.in.Config.Issuer, Producer: "taizhang", Lang: "zh-CN", Outline: outline,
		ToUnicode: t.fonts.ToUnicode()}
	if !t.asOf.IsZero() {
		in.Date = t.asOf.Time()
	}
	return in
}

func tasksByVillage(items []ledger.Item) map[string][]int32 {
	out := map[string][]int32{}
	for i := range items {
		out[items[i].Village] = append(out[items[i].Village], int32(i))
	}
	return out
}

// villageItems is a village's tasks, in order.
func (t *town) villageItems(village string) []ledger.Item {
	idx := t.tasks[village]
	out := make([]ledger.Item, len(idx))
	for k, i := range idx {
		out[k] = t.in.Items[i]
	}
	return out
}

// typesetBody sets the notice itself, without its attachments: portrait
// pages numbered from 1.
func (t *town) typesetBody() *typeset.Document {
	cfg := t.in.Config
	layout := typeset.Official()
	d := typeset.NewDocument(t.fonts, layout)
	// Every character the body draws, declared first: fpdf then gets each
	// face cut to them, not whole (a tenth of a rebuild went into fpdf
	// reading and cutting the whole faces). One not declared still
	// prints, its face then whole.
	d.Reserve(append([]string{t.title, cfg.Issuer, cfg.Disclosure.Date.Chinese(), "附件：.",
		t.blocks[blockLead], t.body, finishSentence(t.blocks[blockFeedback])}, attachmentTitles(t.data)...)...)
	d.SetInfo(strings.ReplaceAll(t.title, "\n", ""), cfg.Issuer)
	d.NewPage(typeset.Portrait)
	d.Title(breakTitle(t.title, titleCapacity(layout.BlockWidth), cfg.Issuer, cfg.Round))
	d.BlankLines(1)
	paragraphs(d, t.blocks[blockLead])
	paragraphs(d, t.body)
	paragraphs(d, finishSentence(t.blocks[blockFeedback]))
	attachmentList(d, t.data.Villages)
	signature(d, cfg)
	return d
}

// withFallback adds to fonts faces of the machine's fonts (typeset.FontDirs)
// for the characters of texts and items' published columns it lacks —
// looked for only when a character is missing.
func withFallback(fonts *typeset.FontSet, texts []string, items []ledger.Item, pub config.Publish) (*typeset.FontSet, []typeset.FoundFace) {
	lack := lackingInParts(fonts, texts, items, pub)
	if len(lack) == 0 {
		return fonts, nil
	}
	out, found, err := fonts.WithFallback(typeset.FontDirs(), lack)
	if err != nil {
		return fonts, nil
	}
	return out, found
}

// lackingInParts is lacking, the tasks scanned in parts on every core
// (each character is about three nanoseconds, and a town's tasks are
// megabytes of text), the parts' characters then taken in order: the same
// list, in order of first appearance, as one scan gives.
func lackingInParts(fonts *typeset.FontSet, texts []string, items []ledger.Item, pub config.Publish) []rune {
	parts := max(1, min(runtime.GOMAXPROCS(0), len(items)/1000))
	lacks := make([][]rune, parts+1)
	lacks[0] = lacking(fonts, texts, nil, pub)
	var wg sync.WaitGroup
	for k := range parts {
		lo, hi := k*len(items)/parts, (k+1)*len(items)/parts
		wg.Go(func() { lacks[k+1] = lacking(fonts, nil, items[lo:hi], pub) })
	}
	wg.Wait()
	var lack []rune
	seen := map[rune]bool{}
	for _, l := range lacks {
		for _, r := range l {
			if !seen[r] {
				seen[r] = true
				lack = append(lack, r)
			}
		}
	}
	return lack
}

// lacking lists the characters of texts and of items' published columns
// that fonts lack, each once, in order of first appearance.
func lacking(fonts *typeset.FontSet, texts []string, items []ledger.Item, pub config.Publish) []rune {
	var lack []rune
	// Each character is looked up once: a bit per BMP character, a map
	// for the few above it.
	var looked [0x10000 / 64]uint64
	seen := map[rune]bool{}
	scan := func(s string) {
		for _, r := range s {
			switch {
			case r <= ' ':
				continue
			case r <= 0xFFFF:
				if looked[r>>6]&(1<<(uint(r)&63)) != 0 {
					continue
				}
				looked[r>>6] |= 1 << (uint(r) & 63)
				if fonts.Covers(r) {
					continue
				}
			case seen[r]:
				continue
			default:
				seen[r] = true
			}
			lack = append(lack, r)
		}
	}
	for _, t := range texts {
		scan(t)
	}
	for i := range items {
		for _, c := range publishedColumns {
			if (c != ledger.ColLead || pub.Lead) && (c != ledger.ColPerson || pub.Person) {
				scan(items[i].Text(c))
			}
		}
	}
	return lack
}

// publishedColumns are the columns a published ledger can show.
var publishedColumns = []ledger.Column{ledger.ColSeq, ledger.ColCategory, ledger.ColProblem, ledger.ColMeasures,
	ledger.ColLead, ledger.ColUnit, ledger.ColPerson, ledger.ColDeadline, ledger.ColProgress, ledger.ColStatus, ledger.ColNote}

func attachmentTitles(d *Data) []string {
	out := make([]string, len(d.Villages))
	for i, v := range d.Villages {
		out[i] = v.Title
	}
	return out
}

func fontsOf(f *typeset.FontSet) (*typeset.FontSet, error) {
	if f != nil {
		return f, nil
	}
	f, err := typeset.EmbeddedFonts()
	if err != nil {
		return nil, fmt.Errorf("无法加载内置字体：%w", err)
	}
	return f, nil
}

// missingDiags reports the characters no font has, found in file: at the
// ledger cell it comes from when it is in one of items (the first), else
// at the output file (the notice's own text).
func missingDiags(missing []typeset.MissingGlyph, file string, items []ledger.Item) []ledger.Diagnostic {
	var out []ledger.Diagnostic
	for _, m := range missing {
		msg := fmt.Sprintf("字符“%c”（U+%04X）所有字体都没有，已印成“〓”，出现在：“%s”；"+
			"请安装含有这个字的字体（如 Windows 的 SimSun-ExtB），或在 taizhang.yaml 的 fonts 中指定", m.Rune, m.Rune, m.Context)
		d := ledger.Diagnostic{Severity: ledger.Warning, Code: ledger.CodeMissingGlyph, File: file, Message: msg}
	find:
		for i := range items {
			for _, c := range publishedColumns {
				if strings.ContainsRune(items[i].Text(c), m.Rune) {
					d = ledger.At(ledger.Warning, ledger.CodeMissingGlyph, &items[i], c, "%s", msg)
					break find
				}
			}
		}
		out = append(out, d)
	}
	return out
}

func narrativeDiag(cfg *config.Config, msg string) ledger.Diagnostic {
	return ledger.Diagnostic{Severity: ledger.Warning, Code: ledger.CodeNarrative, File: cfg.NarrativePath(), Message: msg}
}

// styles gives each paragraph kind its face: 一、 黑体, （一） 楷体, 1. bold
// body face, （1） and text the body face; all indented two characters.
var styles = map[Level]typeset.Style{
	Body:     {Role: typeset.RoleBody, Size: sizeBody, FirstIndent: 2},
	Heading1: {Role: typeset.RoleHei, Size: sizeBody, FirstIndent: 2},
	Heading2: {Role: typeset.RoleKai, Size: sizeBody, FirstIndent: 2},
	Heading3: {Role: typeset.RoleBody, Size: sizeBody, FirstIndent: 2, Bold: true},
	Heading4: {Role: typeset.RoleBody, Size: sizeBody, FirstIndent: 2},
}

// paragraphs sets text written in the narrative markup.
//
// A heading never ends a page: it starts a new one unless the page also
// holds the headings right after it and the first two lines (the whole,
// if shorter) of the text they introduce.
func paragraphs(d *typeset.Document, text string) {
	blocks := ParseNarrative(text)
	for i, b := range blocks {
		if b.Level != Body && (i == 0 || blocks[i-1].Level == Body) {
			need := 0
			k := i
			for ; k < len(blocks) && blocks[k].Level != Body; k++ {
				need += d.Lines(blocks[k].Text, blocks[k].style())
			}
			if k < len(blocks) {
				need += min(2, d.Lines(blocks[k].Text, blocks[k].style()))
			}
			if left := d.LinesLeft(); left > 0 && left < need && need <= typeset.Official().Lines {
				d.NewPage(typeset.Portrait)
			}
		}
		d.Paragraph(b.Text, b.style())
	}
}

// titleText is the 标题 block's text: its lines, trimmed, are the title's
// lines, so a clerk who wants the title broken at a given place writes it
// on two lines in the template.
func titleText(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, NormalizePunctuation(l))
		}
	}
	return strings.Join(lines, "\n")
}

// finishSentence ends a paragraph built from optional parts ("…；邮政编码：
// 528463；") with a full stop.
func finishSentence(s string) string {
	s = strings.TrimRight(s, " \t\r\n")
	for _, end := range []string{"；", ";", "，", ","} {
		if strings.HasSuffix(s, end) {
			return strings.TrimSuffix(s, end) + "。"
		}
	}
	return s
}

// attachmentList writes the 附件说明: one blank line below the body, two
// characters in, "附件：1.×××", every name's wrapped lines hanging under its
// first character.
func attachmentList(d *typeset.Document, vs []VillageData) {
	if len(vs) == 0 {
		return
	}
	d.BlankLines(1)
	const label = 3 // 附件：
	for i, v := range vs {
		num := strconv.Itoa(v.Number) + "."
		text := num + v.Title
		first := 2.0 + label
		if i == 0 {
			text = "附件：" + text
			first = 2
		}
		st := typeset.Style{Role: typeset.RoleBody, Size: sizeBody, Align: typeset.Justify, FirstIndent: first}
		st.HangIndent = 2 + label + d.Width(num, st)
		d.Paragraph(text, st)
	}
}

// signature writes the unsealed signature (GB/T 9704 7.3.5.2): one blank
// line below, the issuer two characters from the right, the date on the
// next line starting two characters right of the issuer's first character;
// a date longer than that is set two characters from the right and the
// issuer moves left with it. A page break never parts the two.
func signature(d *typeset.Document, cfg *config.Config) {
	d.BlankLines(1)
	st := typeset.Style{Role: typeset.RoleBody, Size: sizeBody, Align: typeset.Right, RightIndent: 2}
	date := cfg.Disclosure.Date.Chinese()
	if date == "" {
		d.Paragraph(cfg.Issuer, st)
		return
	}
	if d.LinesLeft() < 2 { // the issuer and the date stay on one page
		d.NewPage(typeset.Portrait)
	}
	iw, dw := d.Width(cfg.Issuer, st), d.Width(date, st)
	if iw+2 > 26 { // an issuer as wide as the line: both flush right
		d.Paragraph(cfg.Issuer, st)
		d.Paragraph(date, st)
		return
	}
	if dw+2 <= iw {
		d.Paragraph(cfg.Issuer, st)
		d.Paragraph(date, typeset.Style{Role: typeset.RoleBody, Size: sizeBody, Align: typeset.Left, FirstIndent: 28 - iw})
		return
	}
	issuer := st
	issuer.RightIndent += dw + 2 - iw
	d.Paragraph(cfg.Issuer, issuer)
	d.Paragraph(date, st)
}

// ledgerColumn is one column of a published ledger table.
type ledgerColumn struct {
	Col    ledger.Column
	Header string  // the column's name, broken over two lines in narrow columns
	Width  float64 // mm
	Align  typeset.Align
}

// ledgerColumns chooses and sizes the columns of a published ledger for a
// text block width mm wide: 序号, 问题类别 when any task has one and the
// categories came from a column (section rows are drawn as such), 备注 when any task has one,
// 巡察反馈问题, 整改措施, 责任单位, 整改时限, 整改进展情况, 整改状态,
// 完成时间; 责任领导 and 责任人 only when the config publishes them;
// 佐证材料 never. The short columns get what their longest usual content
// needs at 10.5 pt, their headers on two lines (a date on two lines too:
// "2025年" over "3月31日"); problem,
// measures and progress share the rest 25:28:47 (narrow columns set ragged, as justifying
// them spreads a short line thin).
func ledgerColumns(items []ledger.Item, pub config.Publish, width float64) []ledgerColumn {
	has := func(c ledger.Column) bool {
		for i := range items {
			if strings.TrimSpace(items[i].Text(c)) != "" {
				return true
			}
		}
		return false
	}
	all := []struct {
		col    ledger.Column
		header string  // "" = the column's name
		width  float64 // mm, or a negative share of what is left
		align  typeset.Align
		show   bool
	}{
		{ledger.ColSeq, "", 14.5, typeset.Center, true}, // room for 3（续）
		{ledger.ColCategory, "问题\n类别", 18.5, typeset.Center, has(ledger.ColCategory) && !fromSections(items)},
		{ledger.ColProblem, "", -25, typeset.Left, true},
		{ledger.ColMeasures, "", -28, typeset.Left, true},
		{ledger.ColLead, "责任\n领导", 15, typeset.Center, pub.Lead},
		{ledger.ColUnit, "责任\n单位", 15, typeset.Center, true},
		{ledger.ColPerson, "", 15, typeset.Center, pub.Person},
		{ledger.ColDeadline, "整改\n时限", 18.5, typeset.Center, true},
		{ledger.ColProgress, "", -47, typeset.Justify, true},
		{ledger.ColStatus, "整改\n状态", 18.5, typeset.Center, true},
		{ledger.ColDone, "完成\n时间", 18.5, typeset.Center, true},
		{ledger.ColNote, "", 13, typeset.Left, has(ledger.ColNote)},
	}
	fixed, shares := 0.0, 0.0
	for _, c := range all {
		if !c.show {
			continue
		}
		if c.width > 0 {
			fixed += c.width
		} else {
			shares -= c.width
		}
	}
	left := width - fixed
	if left < width/3 { // too many columns for the page: shrink the short ones too
		left = width / 3
		fixed = width - left
	}
	scale := (width - left) / math.Max(fixed, 1)
	var out []ledgerColumn
	for _, c := range all {
		if !c.show {
			continue
		}
		w := c.width * scale
		if c.width < 0 {
			w = left * -c.width / shares
		}
		h := c.header
		if h == "" {
			h = c.col.Name()
		}
		out = append(out, ledgerColumn{c.col, h, w, c.align})
	}
	return out
}

// ledgerTable sets a village's tasks as a table of the public columns.
func ledgerTable(d *typeset.Document, items []ledger.Item, pub config.Publish) {
	if len(items) == 0 {
		d.Paragraph(noTasks, typeset.Style{Role: typeset.RoleBody, Size: sizeBody, FirstIndent: 2})
		return
	}
	d.Table(ledgerTableOf(items, pub))
}

// noTasks stands in the attachment of a village with no task: a ledger
// without tasks is refused by check, so such a village has not reported
// (a draft; the final gate requires every village).
const noTasks = "尚未报送。"

// ledgerTableOf is the table ledgerTable draws for items, laid out as the
// village kept it: a section row where its categories came from section
// rows, one cell over the rows of a problem shared by consecutive tasks
// (merged in the ledger, or the same text repeated), and of a 序号, 责任单位
// or 问题类别 the ledger merged.
func ledgerTableOf(items []ledger.Item, pub config.Publish) typeset.Table {
	cols := ledgerColumns(items, pub, landscapeWidth)
	t := typeset.Table{Size: sizeTable, HeaderSize: sizeTable}
	for _, c := range cols {
		t.Columns = append(t.Columns, typeset.Column{Header: c.Header, Width: c.Width, Align: c.Align, Repeat: c.Col == ledger.ColSeq})
	}
	sections := fromSections(items)
	numbered := 0
	for i := range items {
		row := make([]string, len(cols))
		for j, c := range cols {
			row[j] = cell(&items[i], c.Col, i)
		}
		t.Rows = append(t.Rows, row)
		section := ""
		if sections && items[i].Category != "" && (i == 0 || items[i].Category != items[i-1].Category) {
			// Numbered as the village numbered its section rows (一、…方面),
			// the numbers intake took off.
			numbered++
			section = publishText(items[i].Category)
			if HeadingLevel(section) != Heading1 {
				section = chineseNumber(numbered) + "、" + section
			}
		}
		t.Sections = append(t.Sections, section)
		merged := make([]bool, len(cols))
		for j, c := range cols {
			merged[j] = i > 0 && section == "" && mergedUp(&items[i-1], &items[i], c.Col)
		}
		t.Merged = append(t.Merged, merged)
	}
	return t
}

// fromSections reports whether a village's categories came from section
// rows (every task with a category has it from one).
func fromSections(items []ledger.Item) bool {
	found := false
	for i := range items {
		if items[i].Category == "" {
			continue
		}
		if !items[i].FromSection {
			return false
		}
		found = true
	}
	return found
}

// mergedUp reports whether column c of task it is drawn as one cell with
// the task before it, prev.
func mergedUp(prev, it *ledger.Item, c ledger.Column) bool {
	switch c {
	case ledger.ColProblem:
		p := strings.TrimSpace(it.Problem)
		return it.MergedUp.Has(c) || (p != "" && p == strings.TrimSpace(prev.Problem))
	case ledger.ColSeq, ledger.ColUnit, ledger.ColCategory:
		return it.MergedUp.Has(c)
	}
	return false
}

// landscapeWidth is the text block's width on a landscape page: the
// portrait block turned with the paper.
var landscapeWidth = typeset.Official().BlockHeight

// cell is the published text of one column of a task.
func cell(it *ledger.Item, c ledger.Column, i int) string {
	switch c {
	case ledger.ColSeq:
		if s := strings.TrimSpace(it.Seq); s != "" {
			return s
		}
		return strconv.Itoa(i + 1)
	case ledger.ColDeadline:
		// What the village wrote ("2025年10月底前", "立行立改"), as written;
		// a date cell, or a bare date typed as text (2025-03-31,
		// 2025.3.31), in the official form.
		if t := strings.TrimSpace(it.Deadline.Text); t != "" && !(it.Deadline.Kind == ledger.DeadlineOn && bareDate(t)) {
			return publishText(t)
		}
		if it.Deadline.Kind == ledger.DeadlineOn {
			return twoLineDate(it.Deadline.Date)
		}
		return it.Deadline.Chinese()
	case ledger.ColDone:
		return twoLineDate(it.Done)
	}
	return publishText(it.Text(c))
}

// bareDate reports a deadline written as a date and nothing else: digits,
// separators and 年月日号, no words (底, 前, 之前).
func bareDate(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= '０' && r <= '９' || strings.ContainsRune("-/.－／．年月日号 :", r))
	}) < 0
}

// twoLineDate writes a date for a narrow column: "2025年" over "3月31日".
func twoLineDate(d ledger.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年\n%d月%d日", d.Year, int(d.Month), d.Day)
}

// publishText tidies a cell for print: line by line, punctuation made
// full-width, lines kept (clerks break lists inside a cell).
func publishText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l != "" {
			out = append(out, NormalizePunctuation(l))
		}
	}
	return strings.Join(out, "\n")
}
