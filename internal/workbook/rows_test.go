package workbook

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/cache"
	"github.com/taizhang/taizhang/internal/cache/cachetest"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
)

// drafted is the workbook of in made through a Draft with opts, and the
// draft's counts of villages' rows made and reused.
func drafted(t *testing.T, in Input, opts DraftOptions) (b []byte, made, reused int) {
	t.Helper()
	d, err := NewDraft(context.Background(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var buf bytes.Buffer
	if err := d.Write(&buf, in.Warnings); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), d.Made, d.Reused
}

// TestKeptRowsGiveTheSameBytes: a draft that keeps its villages' rows
// between builds gives, build after build, the bytes of a draft that keeps
// nothing, and makes the rows of exactly the villages whose tasks changed,
// whose rows moved (a village before them gained a task) or whose status
// styles may have (another day counted against) — whatever the chunks.
func TestKeptRowsGiveTheSameBytes(t *testing.T) {
	saved := tasksChunk
	t.Cleanup(func() { tasksChunk = saved })
	for _, chunk := range []int{saved, 50} {
		tasksChunk = chunk
		store, err := cache.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		opts := DraftOptions{Rows: store, Version: "test"}
		in := input()
		step := func(what string, wantMade int) {
			t.Helper()
			in.Summary = nil
			got, made, reused := drafted(t, in, opts)
			if made != wantMade || reused != len(nine)-wantMade {
				t.Errorf("chunks of %d, %s: made %d villages' rows, reused %d; want %d and %d", chunk, what, made, reused, wantMade, len(nine)-wantMade)
			}
			if want, _, _ := drafted(t, in, DraftOptions{}); !bytes.Equal(got, want) {
				t.Errorf("chunks of %d, %s: the workbook differs from one made keeping nothing", chunk, what)
			}
		}
		step("first draft", len(nine))
		step("nothing changed", 0)

		// The villages in consolidated order: the third one's tasks change.
		ordered := append([]ledger.Item(nil), in.Items...)
		consolidate.Order(ordered, in.Villages)
		in.Items = ordered
		third := nine[2].Name
		for i := range in.Items {
			if in.Items[i].Village == third && in.Items[i].Seq == "2" {
				in.Items[i].Progress = "已全部续签，租金按季公开。"
			}
		}
		step("one village's task changed", 1)

		// The third village gains a task: its rows and the six villages'
		// after it are made again (they moved down a row).
		var gained []ledger.Item
		for _, it := range in.Items {
			gained = append(gained, it)
			if it.Village == third && it.Seq == "22" {
				it.Seq = "23"
				gained = append(gained, it)
			}
		}
		in.Items = gained
		step("a village gained a task", len(nine)-2)
		step("nothing changed again", 0)

		in.AsOf = asOf.AddDays(1)
		step("another day", len(nine))
		in.AsOf = asOf
		step("back to the day before (its rows not pruned)", 0)

		// Pruning keeps this draft's rows only: one entry (two files) per
		// village.
		d, err := NewDraft(context.Background(), in, opts)
		if err != nil {
			t.Fatal(err)
		}
		d.Close()
		if err := d.Prune(); err != nil {
			t.Fatal(err)
		}
		if des, _ := os.ReadDir(store.Dir()); len(des) != 2*len(nine) {
			t.Errorf("chunks of %d: the store holds %d files after pruning, want %d", chunk, len(des), 2*len(nine))
		}
	}
}

// TestBadKeptRowsAreMadeAgain damages the kept rows as a disk, a crash or
// a clerk copying folders can: a byte changed, another village's rows
// under this key with a record to match, rows cut short with a record to
// match, the record gone, the record's rows not the trailer's. The bad
// entry is never used: its village's rows are made again (and kept anew),
// and the workbook is the one made keeping nothing.
func TestBadKeptRowsAreMadeAgain(t *testing.T) {
	store, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	opts := DraftOptions{Rows: store, Version: "test"}
	in := input()
	want, _, _ := drafted(t, in, DraftOptions{})
	drafted(t, in, opts)
	dir := store.Dir()
	keys := func() []string {
		var keys []string
		des, _ := os.ReadDir(dir)
		for _, de := range des {
			if k, ok := strings.CutSuffix(de.Name(), ".bin"); ok {
				keys = append(keys, k)
			}
		}
		if len(keys) != len(nine) {
			t.Fatalf("%d villages' rows kept, want %d", len(keys), len(nine))
		}
		return keys
	}
	damage := []struct {
		what string
		do   func(k []string)
	}{
		{"a byte of the rows changed", func(k []string) {
			p := filepath.Join(dir, k[0]+".bin")
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 0x20
			os.WriteFile(p, b, 0o644)
		}},
		{"a byte changed, record to match", func(k []string) {
			p := filepath.Join(dir, k[0]+".bin")
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 0x20
			os.WriteFile(p, b, 0o644)
			cachetest.FixRecord(t, filepath.Join(dir, k[0]+".json"), b)
		}},
		{"another village's rows, record to match", func(k []string) {
			b, _ := os.ReadFile(filepath.Join(dir, k[1]+".bin"))
			os.WriteFile(filepath.Join(dir, k[0]+".bin"), b, 0o644)
			cachetest.FixRecord(t, filepath.Join(dir, k[0]+".json"), b)
		}},
		{"another village's entry, record and all", func(k []string) {
			for _, ext := range []string{".bin", ".json"} {
				b, _ := os.ReadFile(filepath.Join(dir, k[1]+ext))
				os.WriteFile(filepath.Join(dir, k[0]+ext), b, 0o644)
			}
		}},
		{"rows cut short, record to match", func(k []string) {
			p := filepath.Join(dir, k[0]+".bin")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)-100], 0o644)
			cachetest.FixRecord(t, filepath.Join(dir, k[0]+".json"), b[:len(b)-100])
		}},
		{"record gone", func(k []string) { os.Remove(filepath.Join(dir, k[0]+".json")) }},
	}
	for _, d := range damage {
		d.do(keys())
		got, made, reused := drafted(t, in, opts)
		if made != 1 || reused != len(nine)-1 {
			t.Errorf("%s: made %d villages' rows, reused %d; want 1 and %d", d.what, made, reused, len(nine)-1)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the workbook differs from one made keeping nothing", d.what)
		}
		// Made again and kept: the next draft takes them.
		if _, made, _ := drafted(t, in, opts); made != 0 {
			t.Errorf("%s: the rows made again were not kept (made %d the draft after)", d.what, made)
		}
	}
}
