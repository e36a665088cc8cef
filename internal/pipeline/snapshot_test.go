package pipeline

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/cache"
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
		if err := writeSnapshot(&got, &snap, nil); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d items: streamed\n%s\nencoder\n%s", len(its), got.String(), want.String())
		}
		// With every village's tasks kept: when made, then when taken
		// from the cache.
		digests, err := ledger.VillageDigests(villages, its)
		if err != nil {
			t.Fatal(err)
		}
		store, err := cache.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		for _, pass := range []string{"made", "kept"} {
			kept := newKeptTasks(store, "test", digests)
			got.Reset()
			if err := writeSnapshot(&got, &snap, kept); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("%d items, tasks %s: streamed\n%s\nencoder\n%s", len(its), pass, got.String(), want.String())
			}
			if pass == "kept" && (kept.made != 0 || kept.reused != len(villages)) && len(its) > 0 {
				t.Errorf("second pass made %d villages' tasks, reused %d; want 0 and %d", kept.made, kept.reused, len(villages))
			}
		}
	}
}

// TestKeptTasksAreThoseOfTheirVillage: a rebuild encodes again only the
// village whose tasks changed, a village whose tasks are split (not in
// consolidated order) is never taken from the cache, and a damaged or
// foreign entry is not used — the bytes are always the encoder's.
func TestKeptTasksAreThoseOfTheirVillage(t *testing.T) {
	villages := []ledger.Village{{Name: "大布村"}, {Name: "桥头村"}, {Name: "新村"}}
	var items []ledger.Item
	for _, v := range villages {
		for k := 1; k <= 3; k++ {
			items = append(items, ledger.Item{Village: v.Name, Seq: fmt.Sprint(k), Problem: v.Name + "的问题" + fmt.Sprint(k)})
		}
	}
	store, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	write := func(what string, its []ledger.Item, made, reused int) {
		t.Helper()
		snap := Snapshot{Town: "三乡镇", Items: its, Statistics: consolidate.Summarize(its, villages, ledger.Date{})}
		var want, got bytes.Buffer
		if err := output.JSON(snap)(&want); err != nil {
			t.Fatal(err)
		}
		digests, err := ledger.VillageDigests(villages, its)
		if err != nil {
			t.Fatal(err)
		}
		kept := newKeptTasks(store, "test", digests)
		if err := writeSnapshot(&got, &snap, kept); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: the bytes differ from the encoder's:\n%s", what, got.String())
		}
		if kept.made != made || kept.reused != reused {
			t.Errorf("%s: made %d villages' tasks, reused %d; want %d and %d", what, kept.made, kept.reused, made, reused)
		}
	}
	write("first", items, 3, 0)
	write("again", items, 0, 3)
	changed := append([]ledger.Item(nil), items...)
	changed[4].Progress = "已完成整改"
	write("one village changed", changed, 1, 2)
	split := append([]ledger.Item(nil), items...)
	split[1], split[4] = split[4], split[1] // 大布村 and 桥头村 in six runs of one
	write("not in consolidated order", split, 6, 1)

	// Every entry damaged, then every entry another village's.
	des, _ := os.ReadDir(store.Dir())
	for _, de := range des {
		if strings.HasSuffix(de.Name(), ".bin") {
			flipByte(filepath.Join(store.Dir(), de.Name()))
		}
	}
	write("entries damaged", items, 3, 0)
	keys := newKeptTasks(store, "test", mustDigests(t, villages, items)).keys
	for _, ext := range []string{".bin", ".json"} {
		b, _ := os.ReadFile(filepath.Join(store.Dir(), keys["大布村"]+ext))
		os.WriteFile(filepath.Join(store.Dir(), keys["桥头村"]+ext), b, 0o644)
	}
	write("another village's entry", items, 1, 2)
}

func mustDigests(t *testing.T, villages []ledger.Village, items []ledger.Item) map[string]string {
	t.Helper()
	d, err := ledger.VillageDigests(villages, items)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
