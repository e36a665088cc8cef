package compare

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
)

var villages = []ledger.Village{{Name: "圩仔社区", Org: "甲"}, {Name: "大布村", Org: "乙"}}

var layout = &ledger.Layout{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M"}

func task(village string, seq int, st ledger.Status) ledger.Item {
	return ledger.Item{
		Village:  village,
		Seq:      fmt.Sprint(seq),
		Category: fmt.Sprintf("类别%d", seq%3),
		Problem:  fmt.Sprintf("%s第%d项问题：村务公开不及时，“三资”台账登记不规范", village, seq),
		Measures: fmt.Sprintf("措施%d", seq),
		Progress: "已按要求推进",
		Status:   st,
		Source:   ledger.Source{File: village + ".xlsx", Sheet: "台账", Row: seq + 3, Layout: layout},
	}
}

// town197 builds the reference's 197 tasks, done of them 已完成.
func town197(done int) []ledger.Item {
	var items []ledger.Item
	for i := 0; i < 197; i++ {
		v, seq := villages[0].Name, i+1
		if i >= 100 {
			v, seq = villages[1].Name, i-99
		}
		st := ledger.StatusOngoing
		if i < done {
			st = ledger.StatusDone
		}
		items = append(items, task(v, seq, st))
	}
	return items
}

func TestCompareReferenceFigures(t *testing.T) {
	then := &Snapshot{AsOf: ledger.NewDate(2025, 2, 28), Items: town197(120)}
	now := town197(190)
	for i := range now {
		now[i].Progress += "，已完成验收" // progress edits never break a match
	}
	r := Compare(then, now, villages, ledger.NewDate(2025, 6, 30))
	town := r.Town()
	if got := town.ThenText(); got != "已完成120个，待完成77个" {
		t.Errorf("ThenText = %q", got)
	}
	if got := town.NowText(); got != "已完成190个，待完成7个" {
		t.Errorf("NowText = %q", got)
	}
	if got := r.Sentence(); got != "完成率从60.9%提高到96.4%" {
		t.Errorf("Sentence = %q", got)
	}
	if got := town.Gain(); got != "提高35.5个百分点" {
		t.Errorf("Gain = %q", got)
	}
	if r.Matched != 197 || len(r.New) != 0 || len(r.Removed) != 0 || len(r.Backwards) != 0 {
		t.Errorf("matched %d, new %d, removed %d, backwards %d", r.Matched, len(r.New), len(r.Removed), len(r.Backwards))
	}
	if len(r.Changed) != 70 {
		t.Errorf("Changed = %d, want 70", len(r.Changed))
	}
	// 圩仔社区 holds tasks 1–100: 100 done now, 100 then.
	// 大布村 holds 97: 20 done then (101–120), 90 now.
	p, ok := r.Village("大布村")
	if !ok || p.Then.Done != 20 || p.Now.Done != 90 || p.Then.Tasks != 97 {
		t.Fatalf("大布村 = %+v", p)
	}
	if got := p.Sentence(); got != "完成率从20.6%提高到92.8%" {
		t.Errorf("大布村 Sentence = %q", got)
	}
	if vs := r.Villages(); len(vs) != 2 || vs[0].Name != "圩仔社区" || vs[0].Sentence() != "完成率保持在100.0%" {
		t.Errorf("Villages = %+v", vs)
	}
	cats := r.Categories()
	sum := 0
	for _, c := range cats {
		sum += c.Now.Tasks
	}
	if len(cats) != 3 || sum != 197 {
		t.Errorf("Categories = %+v", cats)
	}
	if c, ok := r.Category(cats[0].Name); !ok || c.Now.Tasks != cats[0].Now.Tasks {
		t.Errorf("Category lookup failed")
	}
}

func TestCompareNewRemovedBackwards(t *testing.T) {
	then := &Snapshot{AsOf: ledger.NewDate(2025, 6, 30), Items: []ledger.Item{
		task("大布村", 1, ledger.StatusDone),
		task("大布村", 2, ledger.StatusOngoing),
		task("大布村", 3, ledger.StatusOngoing), // removed
		task("圩仔社区", 1, ledger.StatusMostly),
		task("圩仔社区", 2, ledger.StatusOngoing),
	}}
	now := []ledger.Item{
		task("圩仔社区", 1, ledger.StatusDone),
		task("圩仔社区", 2, ledger.StatusOngoing),
		task("大布村", 1, ledger.StatusOngoing), // backwards
		task("大布村", 2, ledger.StatusDone),
		task("大布村", 4, ledger.StatusOngoing), // new
	}
	r := Compare(then, now, villages, ledger.NewDate(2025, 9, 12))
	if len(r.New) != 1 || r.New[0].Seq != "4" {
		t.Errorf("New = %+v", r.New)
	}
	if len(r.Removed) != 1 || r.Removed[0].Seq != "3" {
		t.Errorf("Removed = %+v", r.Removed)
	}
	if len(r.Changed) != 3 {
		t.Errorf("Changed = %d, want 3", len(r.Changed))
	}
	if len(r.Backwards) != 1 || r.Backwards[0].Now.Village != "大布村" || r.Backwards[0].Now.Seq != "1" {
		t.Fatalf("Backwards = %+v", r.Backwards)
	}
	if len(r.Diagnostics) != 2 {
		t.Fatalf("Diagnostics = %+v", r.Diagnostics)
	}
	back, gone := r.Diagnostics[0], r.Diagnostics[1]
	if back.Code != ledger.CodeStatusBackwards || back.Severity != ledger.Warning || back.File != "大布村.xlsx" || back.Cell != "J4" {
		t.Errorf("backwards diagnostic = %+v", back)
	}
	if !strings.Contains(back.Message, "2025年6月30日") || !strings.Contains(back.Message, "“已完成”") || !strings.Contains(back.Message, "“持续整改”") {
		t.Errorf("backwards message = %q", back.Message)
	}
	if gone.Code != ledger.CodeTaskRemoved || gone.Severity != ledger.Warning || !strings.Contains(gone.Message, "序号3") {
		t.Errorf("removed diagnostic = %+v", gone)
	}
	p, _ := r.Village("大布村")
	if got := p.Sentence(); got != "完成率保持在33.3%" {
		t.Errorf("大布村 Sentence = %q", got)
	}
}

func TestMatchingRule(t *testing.T) {
	base := task("大布村", 5, ledger.StatusOngoing)
	cases := []struct {
		name  string
		edit  func(*ledger.Item)
		match bool
	}{
		{"identical", func(*ledger.Item) {}, true},
		{"progress rewritten", func(it *ledger.Item) { it.Progress = "完全不同的进展" }, true},
		{"measures rewritten", func(it *ledger.Item) { it.Measures = "新的措施" }, true},
		{"punctuation and width", func(it *ledger.Item) {
			it.Problem = strings.ReplaceAll(it.Problem, "：", ":") + "。"
			it.Seq = "５"
		}, true},
		{"small edit to the problem", func(it *ledger.Item) {
			it.Problem = strings.Replace(it.Problem, "不及时", "不够及时", 1)
		}, true},
		{"renumbered", func(it *ledger.Item) { it.Seq = "6" }, true},
		{"renumbered and problem edited", func(it *ledger.Item) {
			it.Seq = "6"
			it.Problem += "整改"
		}, false},
		{"other problem, same seq", func(it *ledger.Item) { it.Problem = "党员发展程序不规范" }, false},
		{"other village", func(it *ledger.Item) { it.Village = "圩仔社区" }, false},
	}
	for _, c := range cases {
		now := base
		c.edit(&now)
		r := Compare(&Snapshot{Items: []ledger.Item{base}}, []ledger.Item{now}, villages, ledger.Date{})
		if got := r.Matched == 1; got != c.match {
			t.Errorf("%s: matched = %v, want %v", c.name, got, c.match)
		}
	}
}

func TestMatchingPrefersExactOverSimilar(t *testing.T) {
	// One problem merged over two measure rows with the same 序号: each row
	// keeps its own partner, even when they swap places.
	a := task("大布村", 7, ledger.StatusDone)
	b := a
	b.Measures = "另一条措施"
	b.Status = ledger.StatusOngoing
	r := Compare(&Snapshot{Items: []ledger.Item{a, b}}, []ledger.Item{b, a}, villages, ledger.Date{})
	if r.Matched != 2 || len(r.Changed) != 0 {
		t.Errorf("matched %d changed %d", r.Matched, len(r.Changed))
	}
}

func TestLoadSnapshot(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "汇总台账.json")
	os.WriteFile(good, []byte(`{"town":"三乡镇","as_of":"2025-06-30","statistics":{"x":1},"items":[
		{"village":"大布村","seq":"1","problem":"问题","status":"已完成","deadline":"2025-03-31","done":"2025-03-20","source":{"file":"大布村.xlsx","sheet":"台账","row":4}},
		{"village":"大布村","seq":"2","problem":"问题二","status":"整改中","deadline":"长期"}]}`), 0o644)
	s, err := LoadSnapshot(good)
	if err != nil {
		t.Fatal(err)
	}
	if s.Town != "三乡镇" || s.AsOf != ledger.NewDate(2025, 6, 30) || len(s.Items) != 2 {
		t.Fatalf("snapshot = %+v", s)
	}
	if s.Items[1].Status != ledger.StatusOngoing || s.Items[0].Deadline.Date != ledger.NewDate(2025, 3, 31) {
		t.Errorf("items = %+v", s.Items)
	}

	bad := map[string]string{
		"empty.json":    "",
		"broken.json":   `{"items": [`,
		"noitems.json":  `{"town":"三乡镇"}`,
		"badtype.json":  `{"items": {"a": 1}}`,
		"baddate.json":  `{"as_of":"2025/6/30","items":[]}`,
		"notfound.json": "",
	}
	for name, body := range bad {
		p := filepath.Join(dir, name)
		if name != "notfound.json" {
			os.WriteFile(p, []byte(body), 0o644)
		}
		_, err := LoadSnapshot(p)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.ContainsAny(err.Error(), "找不是缺日期") {
			t.Errorf("%s: error not in Chinese: %v", name, err)
		}
		t.Logf("%s: %v", name, err)
	}
}

// One problem merged over several measure rows gives tasks with the same
// 序号 and 巡察反馈问题. When one of those rows is deleted and a later one
// reworded, the reworded row must pair with its own earlier wording, and
// the deleted row must be the one reported removed.
func TestCompareSharedProblemPairsByMeasures(t *testing.T) {
	row := func(measures string, st ledger.Status, r int) ledger.Item {
		it := task("大布村", 1, st)
		it.Measures = measures
		it.Source.Row = r
		return it
	}
	then := &Snapshot{Items: []ledger.Item{
		row("全面清理村集体合同，逐份登记建档", ledger.StatusOngoing, 4),
		row("建立合同到期预警机制，按季度提醒续签", ledger.StatusDone, 5),
		row("每季度在村务公开栏公开租金收取情况", ledger.StatusOngoing, 6),
	}}
	now := []ledger.Item{
		row("全面清理村集体合同，逐份登记建档", ledger.StatusOngoing, 4),
		row("每季度在村务公开栏和微信群公开租金收取情况", ledger.StatusDone, 5),
	}
	r := Compare(then, now, villages, ledger.NewDate(2025, 9, 12))
	if len(r.Removed) != 1 || r.Removed[0].Measures != then.Items[1].Measures {
		t.Fatalf("removed = %+v, want the 到期预警 row", r.Removed)
	}
	if len(r.Changed) != 1 || r.Changed[0].Then.Measures != then.Items[2].Measures {
		t.Errorf("changed = %+v, want the 公开 row from 持续整改 to 已完成", r.Changed)
	}
	if len(r.Backwards) != 0 {
		t.Errorf("no status went backwards, got %+v", r.Backwards)
	}
}

// TestProgressOfAGroupWithoutTasks: a village absent from one snapshot has
// no rate there, so its progress never reads as rising from (or falling
// to) 0.0%.
func TestProgressOfAGroupWithoutTasks(t *testing.T) {
	some := consolidate.Counts{Tasks: 20, Done: 15}
	for _, c := range []struct {
		p              Progress
		sentence, gain string
	}{
		{Progress{Then: consolidate.Counts{}, Now: some}, "上期没有整改任务，本期完成率75.0%", consolidate.NoRate},
		{Progress{Then: some, Now: consolidate.Counts{}}, "上期完成率75.0%，本期没有整改任务", consolidate.NoRate},
		{Progress{}, "两期都没有整改任务", consolidate.NoRate},
		{Progress{Then: consolidate.Counts{Tasks: 20, Done: 10}, Now: some}, "完成率从50.0%提高到75.0%", "提高25.0个百分点"},
	} {
		if got := c.p.Sentence(); got != c.sentence {
			t.Errorf("%+v: Sentence = %q, want %q", c.p, got, c.sentence)
		}
		if got := c.p.Gain(); got != c.gain {
			t.Errorf("%+v: Gain = %q, want %q", c.p, got, c.gain)
		}
	}
}
