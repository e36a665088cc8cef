package workbook

import (
	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/ledger"
)

// fontFamily is the face clerks' machines have; LibreOffice substitutes a
// CJK face of its own where it is missing.
const (
	fontFamily  = "宋体"
	fontSize    = 10.0
	sectionSize = 12.0 // section titles above a table
)

// The status colours, Excel's own "good / neutral / bad" cell styles.
const (
	greenFill, greenFont   = "C6EFCE", "006100"
	yellowFill, yellowFont = "FFEB9C", "9C5700"
	redFill, redFont       = "FFC7CE", "9C0006"
	headerFill             = "D9E1F2"
	totalFill              = "F2F2F2"
)

// Number formats.
const (
	percentFormat = "0.0%" // shows Percent.Float() exactly as Percent.String()
	dateFormat    = "yyyy-mm-dd"
)

// styles are the style ids every sheet shares.
type styles struct {
	header  int // bold, shaded, centred
	text    int // wrapped, left
	center  int // wrapped, centred
	date    int // a date cell, centred
	integer int // a count, centred
	percent int // a rate, 0.0%
	// the total rows: bold, lightly shaded
	totalText, totalInt, totalPercent int
	// status cells
	done, pending, overdue int
	section                int // a section title above a table, no border
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	border := []excelize.Border{
		{Type: "left", Color: "808080", Style: 1}, {Type: "right", Color: "808080", Style: 1},
		{Type: "top", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1},
	}
	pct, date := percentFormat, dateFormat
	mk := func(dst *int, horiz string, bold bool, fill, fontColor string, numFmt *string) {
		if err != nil {
			return
		}
		st := &excelize.Style{
			Border:    border,
			Font:      &excelize.Font{Family: fontFamily, Size: fontSize, Bold: bold, Color: fontColor},
			Alignment: &excelize.Alignment{Horizontal: horiz, Vertical: "center", WrapText: true},
		}
		if fill != "" {
			st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}}
		}
		if numFmt != nil {
			st.CustomNumFmt = numFmt
		}
		*dst, err = f.NewStyle(st)
	}
	mk(&s.header, "center", true, headerFill, "", nil)
	mk(&s.text, "left", false, "", "", nil)
	mk(&s.center, "center", false, "", "", nil)
	mk(&s.date, "center", false, "", "", &date)
	mk(&s.integer, "center", false, "", "", nil)
	mk(&s.percent, "center", false, "", "", &pct)
	mk(&s.totalText, "center", true, totalFill, "", nil)
	mk(&s.totalInt, "center", true, totalFill, "", nil)
	mk(&s.totalPercent, "center", true, totalFill, "", &pct)
	mk(&s.done, "center", false, greenFill, greenFont, nil)
	mk(&s.pending, "center", false, yellowFill, yellowFont, nil)
	mk(&s.overdue, "center", true, redFill, redFont, nil)
	if err != nil {
		return s, err
	}
	s.section, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Family: fontFamily, Size: sectionSize, Bold: true},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	return s, err
}

// status picks the style of a status cell: red when the task is overdue,
// green when 已完成, yellow when 基本完成 or 持续整改, plain otherwise (长期坚持).
func (s styles) status(st ledger.Status, overdue bool) int {
	switch {
	case overdue:
		return s.overdue
	case st == ledger.StatusDone:
		return s.done
	case st == ledger.StatusMostly || st == ledger.StatusOngoing:
		return s.pending
	}
	return s.center
}
