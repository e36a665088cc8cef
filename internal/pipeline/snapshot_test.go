package pipeline

import (
	"bytes"
	"testing"

	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/output"
)

// The streamed 汇总台账.json must be the very bytes json.Encoder writes, so
// the format other programs read does not depend on the town's size.
func TestSnapshotStreamsTheSameBytesAsTheEncoder(t *testing.T) {
	items := []ledger.Item{
		{Village: "大布村", Seq: "1", Problem: "“第一议题”制度执行不严格<>&", Status: ledger.StatusDone,
			Deadline: ledger.Deadline{Kind: ledger.DeadlineOn, Date: ledger.NewDate(2025, 3, 31)},
			Done:     ledger.NewDate(2025, 3, 20), Source: ledger.Source{File: "大布村.xlsx", Sheet: "台账", Row: 4}},
		{Village: "桥头村", Seq: "（2）", Progress: "持续推进中\n第二段", Status: ledger.StatusLongTerm,
			Deadline: ledger.Deadline{Kind: ledger.DeadlineLongTerm}},
	}
	villages := []ledger.Village{{Name: "大布村", Org: "甲"}, {Name: "桥头村", Org: "乙"}}
	for _, its := range [][]ledger.Item{items, nil} {
		snap := Snapshot{Town: "三乡镇", AsOf: ledger.NewDate(2025, 9, 12), Items: its,
			Statistics: consolidate.Summarize(its, villages, ledger.NewDate(2025, 9, 12))}
		var want, got bytes.Buffer
		enc := snap
		if enc.Items == nil {
			enc.Items = []ledger.Item{} // an empty town still has a list of tasks: []
		}
		if err := output.JSON(enc)(&want); err != nil {
			t.Fatal(err)
		}
		if err := writeSnapshot(&got, &snap); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d items: streamed\n%s\nencoder\n%s", len(its), got.String(), want.String())
		}
	}
}
