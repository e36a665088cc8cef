package typeset

import (
	"os"
	"strings"
	"testing"
)

// sampleText is a paragraph written for these tests, in the register of a
// rectification notice.
const sampleText = "镇党委坚决扛起巡察整改主体责任，把整改工作作为重要政治任务，成立整改工作领导小组，由党委书记任组长，定期召开专题会议研究部署，逐项梳理反馈问题，建立“问题、任务、责任”三张清单，明确整改时限和责任人。截至2025年9月12日，反馈的197项问题已完成190项，完成率96.5%；其余7项正在按计划持续推进（详见附件1—9）。下一步，我们将坚持“当下改”与“长久立”相结合——以制度建设巩固整改成果……"

func sampleDoc(t testing.TB) *Document {
	fs, err := EmbeddedFonts()
	if err != nil {
		t.Fatal(err)
	}
	d := NewDocument(fs, Official())
	d.NewPage(Portrait)
	d.Title("中共中山市三乡镇委员会关于十五届市委第六轮巡察整改进展情况的通报")
	d.BlankLines(1)
	d.Paragraph(sampleText, Style{FirstIndent: 2})
	d.Paragraph("一、党委履行巡察整改主体责任情况", Style{Role: RoleHei, FirstIndent: 2})
	d.Paragraph("（一）提高政治站位，强化组织领导", Style{Role: RoleKai, FirstIndent: 2})
	d.Paragraph("1.压实整改责任", Style{Bold: true, FirstIndent: 2})
	d.Paragraph(strings.Repeat(sampleText, 6), Style{FirstIndent: 2})
	d.NewPage(Landscape)
	d.Text("附件1", Style{Role: RoleHei})
	d.Table(Table{
		Columns: []Column{{Header: "序号", Width: 1, Align: Center}, {Header: "巡察反馈问题", Width: 5}, {Header: "整改措施", Width: 6}, {Header: "整改时限", Width: 2, Align: Center}, {Header: "整改状态", Width: 2, Align: Center}},
		Rows: [][]string{
			{"1", sampleText, sampleText, "2025年3月31日", "已完成"},
			{"2", "短", strings.Repeat(sampleText, 8), "长期坚持", "持续整改"},
			{"3", "问题", "措施", "2025年底", "基本完成"},
		},
	})
	return d
}

func TestWriteSample(t *testing.T) {
	out := os.Getenv("TYPESET_SAMPLE")
	if out == "" {
		t.Skip("set TYPESET_SAMPLE=file.pdf to write a sample")
	}
	d := sampleDoc(t)
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := d.Write(f); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d pages, missing %v", d.Pages(), d.Missing())
}
