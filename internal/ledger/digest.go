package ledger

import (
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
)

// gob numbers the types it meets, process-wide, in the order it meets them,
// and a digest's encoding carries those numbers: the digest's types are met
// here, at init, in a fixed order, so that every process of one program
// digests the same tasks alike, whatever it encoded before (a build that
// read workbooks and one that took them all from the cache may have
// encoded other things first).
func init() {
	enc := gob.NewEncoder(io.Discard)
	enc.Encode(Village{})
	enc.Encode(&Item{})
}

// VillageDigests gives each of villages the digest (hex SHA-256) of its
// part of the town: its entry and its tasks among items, in their order,
// every exported field of each — gob writes json:"-" fields too (a task's
// FromSection and MergedUp change how it is shown). Whatever is made of
// one village's part alone — its typeset ledger, its rows of 汇总, its
// tasks in 汇总台账.json — can be kept between builds under a key that
// includes this digest; every output that does so digests the village
// the same way, here.
func VillageDigests(villages []Village, items []Item) (map[string]string, error) {
	byVillage := make(map[string][]int, len(villages))
	for i := range items {
		byVillage[items[i].Village] = append(byVillage[items[i].Village], i)
	}
	// On every core: gob costs about a microsecond per task.
	sums := make([]string, len(villages))
	errs := make([]error, len(villages))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(villages)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1)) - 1
				if k >= len(villages) {
					return
				}
				sums[k], errs[k] = villageDigest(villages[k], items, byVillage[villages[k].Name])
			}
		}()
	}
	wg.Wait()
	out := make(map[string]string, len(villages))
	for k, v := range villages {
		if errs[k] != nil {
			return nil, errs[k]
		}
		out[v.Name] = sums[k]
	}
	return out, nil
}

// villageDigest digests v's entry and its tasks, items[idx].
func villageDigest(v Village, items []Item, idx []int) (string, error) {
	h := sha256.New()
	enc := gob.NewEncoder(h)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	if err := enc.Encode(len(idx)); err != nil {
		return "", err
	}
	for _, i := range idx {
		if err := enc.Encode(&items[i]); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
