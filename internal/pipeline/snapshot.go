package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/taizhang/taizhang/internal/cache"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
)

// Snapshot is 汇总台账.json: the consolidated tasks and statistics for other
// programs, and the "then" of a later build's --since.
type Snapshot struct {
	Town       string               `json:"town"`
	AsOf       ledger.Date          `json:"as_of"`
	Items      []ledger.Item        `json:"items"`
	Statistics *consolidate.Summary `json:"statistics"`
}

// snapshot writes 汇总台账.json, beside the notices: it needs nothing from
// them. Each village's tasks are kept between builds as the file lists
// them (keptTasks), so that a rebuild encodes only the villages that
// changed.
func (r *run) snapshot(ctx context.Context) error {
	snap := Snapshot{Town: r.cfg.Town, AsOf: r.res.AsOf, Items: r.items, Statistics: r.res.Summary}
	var kept *keptTasks
	if !r.opts.NoCache {
		kept = r.keptTasks()
	}
	err := r.staged.Add(SnapshotName, func(w io.Writer) error { return writeSnapshot(ctxWriter{ctx, w}, &snap, kept) })
	if err == nil && kept != nil {
		r.pruneOnPublish(kept.prune)
	}
	return err
}

// tasksFormat changes whenever what a kept village's tasks hold, or what
// their key covers, changes.
const tasksFormat = "taizhang json tasks/1"

// keptTasks keeps each village's tasks as 汇总台账.json lists them — each
// task indented, one after the other with their commas — in the state
// folder's cache, under a key of the program (its version and
// executable) and the village's digest (ledger.VillageDigests): the same
// tasks, the same bytes. nil keeps nothing.
type keptTasks struct {
	store *cache.Store
	keys  map[string]string // by village name
	// made and reused count the runs of one village's tasks encoded and
	// taken from the store.
	made, reused int
}

// keptTasks opens the store, or returns nil when it cannot be opened or
// keyed: the cache is not an output.
func (r *run) keptTasks() *keptTasks {
	store, err := cache.Open(filepath.Join(r.state, tasksCache))
	if err != nil {
		return nil
	}
	return newKeptTasks(store, r.version(), r.digests)
}

func newKeptTasks(store *cache.Store, version string, digests map[string]string) *keptTasks {
	prog, err := cache.Program()
	if err != nil {
		return nil
	}
	base := cache.Key(tasksFormat, version, prog)
	k := &keptTasks{store: store, keys: make(map[string]string, len(digests))}
	for v, d := range digests {
		k.keys[v] = cache.Key(base, d)
	}
	return k
}

// tasksMeta is a kept village's count of tasks, checked against the
// tasks it stands for.
type tasksMeta struct {
	Tasks int `json:"tasks"`
}

// get returns the kept bytes of village's tasks, when there are n of them.
func (k *keptTasks) get(village string, n int) ([]byte, bool) {
	key, ok := k.keys[village]
	if !ok {
		return nil, false
	}
	data, raw, ok := k.store.GetBytes(key)
	var meta tasksMeta
	if !ok || json.Unmarshal(raw, &meta) != nil || meta.Tasks != n {
		return nil, false
	}
	k.reused++
	return data, true
}

// put keeps village's tasks, n of them, as encoded; best effort.
func (k *keptTasks) put(village string, n int, data []byte) {
	if key, ok := k.keys[village]; ok {
		k.store.PutBytes(key, data, tasksMeta{Tasks: n})
	}
}

// prune keeps this build's villages only.
func (k *keptTasks) prune() {
	keep := make(map[string]bool, len(k.keys))
	for _, key := range k.keys {
		keep[key] = true
	}
	k.store.Keep(keep)
}

// writeSnapshot writes snap exactly as output.JSON would, but a task at a
// time: a city's 200,000 tasks make a JSON document of hundreds of
// megabytes, which json.Encoder would first build whole in memory.
func writeSnapshot(w io.Writer, snap *Snapshot, kept *keptTasks) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var item bytes.Buffer
	enc := json.NewEncoder(&item)
	enc.SetIndent("  ", "  ")
	enc.SetEscapeHTML(false)
	field := func(name string, v any, last bool) error {
		item.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		fmt.Fprintf(bw, "  %q: %s", name, bytes.TrimSuffix(item.Bytes(), []byte("\n")))
		if !last {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		return nil
	}
	bw.WriteString("{\n")
	if err := field("town", snap.Town, false); err != nil {
		return err
	}
	if err := field("as_of", snap.AsOf, false); err != nil {
		return err
	}
	if len(snap.Items) == 0 {
		bw.WriteString("  \"items\": [],\n")
	} else {
		bw.WriteString("  \"items\": [\n")
		// A village's tasks are encoded together (or taken from kept)
		// when they are all of its tasks, one after the other, as in
		// consolidated order.
		count := map[string]int{}
		for i := range snap.Items {
			count[snap.Items[i].Village]++
		}
		var tasks tasksEncoder
		for i := 0; i < len(snap.Items); {
			v := snap.Items[i].Village
			j := i + 1
			for j < len(snap.Items) && snap.Items[j].Village == v {
				j++
			}
			run := snap.Items[i:j]
			whole := kept != nil && count[v] == len(run)
			part, ok := []byte(nil), false
			if whole {
				part, ok = kept.get(v, len(run))
			}
			if !ok {
				var err error
				if part, err = tasks.encode(run); err != nil {
					return err
				}
				if kept != nil {
					kept.made++
				}
				if whole {
					kept.put(v, len(run), part)
				}
			}
			bw.Write(part)
			if j < len(snap.Items) {
				bw.WriteString(",")
			}
			bw.WriteString("\n")
			i = j
		}
		bw.WriteString("  ],\n")
	}
	if err := field("statistics", snap.Statistics, true); err != nil {
		return err
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// tasksEncoder encodes tasks as 汇总台账.json lists them: each encoded
// compact, then indented in one pass, with a comma and a line break
// between them, none after the last. What encode returns is good until
// its next call.
type tasksEncoder struct {
	compact  *json.Encoder
	item     bytes.Buffer
	indented []byte
	out      []byte
}

func (e *tasksEncoder) encode(tasks []ledger.Item) ([]byte, error) {
	if e.compact == nil {
		e.compact = json.NewEncoder(&e.item)
		e.compact.SetEscapeHTML(false)
	}
	out := e.out[:0]
	for i := range tasks {
		e.item.Reset()
		if err := e.compact.Encode(&tasks[i]); err != nil {
			return nil, err
		}
		e.indented = appendIndented(e.indented[:0], bytes.TrimSuffix(e.item.Bytes(), []byte("\n")), "    ", "  ")
		out = append(out, "    "...)
		out = append(out, e.indented...)
		if i < len(tasks)-1 {
			out = append(out, ",\n"...)
		}
	}
	e.out = out
	return out, nil
}
