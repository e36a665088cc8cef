package intake

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/taizhang/taizhang/internal/cache"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/synth"
)

// benchDir holds the synthetic town; TestMain removes it.
var benchDir string

// benchTown is a synthetic town of 200 villages × 100 tasks, written once,
// with the options its config gives.
var benchTown = sync.OnceValues(func() ([]string, error) {
	dir, err := os.MkdirTemp("", "taizhang-bench-")
	if err != nil {
		return nil, err
	}
	benchDir = dir
	return synth.WriteTown(filepath.Join(dir, "town"), synth.Spec{Villages: 200, Tasks: 100, Seed: 1})
})

func benchOptions() Options {
	var vs []ledger.Village
	for i := range 200 {
		vs = append(vs, synth.TownVillage(i))
	}
	return Options{Villages: vs}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// BenchmarkReadAll reads 200 workbooks × 100 rows with ReadAll (GOMAXPROCS
// workers) and reports rows/s and the peak heap in use after each run, which
// must not grow with the number of files.
func BenchmarkReadAll(b *testing.B) {
	paths, err := benchTown()
	if err != nil {
		b.Fatal(err)
	}
	opts := benchOptions()
	res := ReadAll(paths[:1], opts)
	if len(res[0].Items) != 100 || len(res[0].Diagnostics) != 0 {
		b.Fatalf("synthetic ledger read as %d items: %v", len(res[0].Items), diags(res[0]))
	}
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	for b.Loop() {
		for _, r := range ReadAll(paths, opts) {
			rows += r.File.Items
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadAllKept is BenchmarkReadAll on a rebuild: every reading is
// kept in the store from an earlier run, so each file costs reading and
// hashing its bytes and decoding its kept Result (the program's hash, made
// once per process, is left out).
func BenchmarkReadAllKept(b *testing.B) {
	paths, err := benchTown()
	if err != nil {
		b.Fatal(err)
	}
	store, err := cache.Open(filepath.Join(b.TempDir(), "intake"))
	if err != nil {
		b.Fatal(err)
	}
	opts := benchOptions()
	opts.Kept = NewKept(store)
	ReadAll(paths, opts)
	if _, err := cache.Program(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	for b.Loop() {
		opts.Kept = NewKept(store)
		for _, r := range ReadAll(paths, opts) {
			rows += r.File.Items
		}
		if read, _ := opts.Kept.Counts(); read != 0 {
			b.Fatalf("%d files read, not taken from the store", read)
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkRead reads one 100-row workbook.
func BenchmarkRead(b *testing.B) {
	paths, err := benchTown()
	if err != nil {
		b.Fatal(err)
	}
	opts := benchOptions()
	if res := Read(paths[0], opts); len(res.Items) != 100 {
		b.Fatalf("read %d items", len(res.Items))
	}
	b.ReportAllocs()
	for b.Loop() {
		Read(paths[0], opts)
	}
	b.ReportMetric(100*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestMemoryDoesNotGrowWithFileCount reads 20 and then 200 workbooks and
// compares the heap in use afterwards: results aside, reading holds nothing
// per file.
func TestMemoryDoesNotGrowWithFileCount(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 200 workbooks")
	}
	paths, err := benchTown()
	if err != nil {
		t.Fatal(err)
	}
	opts := benchOptions()
	peak := func(ps []string) uint64 {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var maxHeap uint64
		done := make(chan struct{})
		go func() {
			defer close(done)
			// Results are dropped as they come, as a streaming caller would.
			for i := 0; i < len(ps); i += runtime.GOMAXPROCS(0) {
				ReadAll(ps[i:min(i+runtime.GOMAXPROCS(0), len(ps))], opts)
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				maxHeap = max(maxHeap, m.HeapInuse)
			}
		}()
		<-done
		return maxHeap
	}
	small, large := peak(paths[:20]), peak(paths)
	t.Logf("peak heap in use: 20 files %d KB, 200 files %d KB", small>>10, large>>10)
	if large > 2*small+8<<20 {
		t.Errorf("heap grew with file count: %d → %d bytes", small, large)
	}
}

// BenchmarkHugeSharedString reads a ~115 KB workbook whose one shared
// string of a million characters is referenced by every cell (issue 11:
// 20 s of CPU before the shared string was prepared once, not per cell).
func BenchmarkHugeSharedString(b *testing.B) {
	p := writeFile(b, "大布村.xlsx", hugeSharedStringBook(b, 6000))
	b.ResetTimer()
	for range b.N {
		if res := Read(p, Options{}); len(res.Items) != 6000 {
			b.Fatal(len(res.Items))
		}
	}
}
