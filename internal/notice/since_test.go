package notice

import (
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
)

// sinceNarrative is how a clerk writes the comparison once: the numbers
// fill themselves, and the sentence disappears when there is no --since.
const sinceNarrative = `{{with .Since}}{{.Date}}，全镇整改任务{{.Town.ThenText}}；截至目前，{{.Town.NowText}}，{{.Sentence}}，{{.Town.Gain}}。大布村{{(.Village "大布村").Sentence}}。{{end}}以上情况予以通报。`

func TestNarrativeRendersTheComparison(t *testing.T) {
	cfg := testConfig()
	now := testItems()
	for i := range now {
		now[i].Seq = string(rune('1' + i))
	}
	// Then, as of 2025-06-30: two of today's finished tasks were still open.
	then := make([]ledger.Item, len(now))
	copy(then, now)
	then[1].Status = ledger.StatusOngoing // 圩仔社区
	then[3].Status = ledger.StatusOngoing // 大布村
	snap := &compare.Snapshot{AsOf: ledger.NewDate(2025, 6, 30), Items: then}
	res := compare.Compare(snap, now, cfg.Villages, cfg.Disclosure.Date)

	sum := consolidate.Summarize(now, cfg.Villages, cfg.Disclosure.Date)
	got, err := execNarrative("通报正文.txt", sinceNarrative, NewData(cfg, now, sum, res))
	if err != nil {
		t.Fatal(err)
	}
	// Now: 4 of 7 done (57.1%); then: 2 of 7 (28.6%). 大布村 now 2 of 4, then 1 of 4.
	want := "2025年6月30日，全镇整改任务已完成2个，待完成5个；截至目前，已完成4个，待完成3个，完成率从28.6%提高到57.1%，提高28.5个百分点。大布村完成率从25.0%提高到50.0%。以上情况予以通报。"
	if got != want {
		t.Errorf("narrative:\n got %s\nwant %s", got, want)
	}

	// Without --since the sentence is left out, not an error.
	got, err = execNarrative("通报正文.txt", sinceNarrative, NewData(cfg, now, sum, nil))
	if err != nil || got != "以上情况予以通报。" {
		t.Errorf("without --since: %q, %v", got, err)
	}

	// A misspelt village stops the build with a message naming it.
	_, err = execNarrative("通报正文.txt", `{{with .Since}}{{(.Village "小布村").Sentence}}{{end}}`, NewData(cfg, now, sum, res))
	if err == nil || !strings.Contains(err.Error(), "小布村") {
		t.Errorf("unknown village: %v", err)
	}
}
