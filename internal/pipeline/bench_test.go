package pipeline

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/synth"
)

// BenchmarkRebuildReadAndCheck runs a rebuild's first two steps (读取台账,
// 校验) on the medium bench town (200 villages × 100 tasks), every reading
// kept by the build before: what every rebuild pays before it typesets
// its one village. The program's digest, made once per process, is made
// before the timing.
func BenchmarkRebuildReadAndCheck(b *testing.B) {
	dir := b.TempDir()
	if _, err := synth.WriteTown(dir, synth.Spec{Villages: 200, Tasks: 100, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "taizhang.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	if res, err := Build(context.Background(), Options{Config: cfg}); err != nil || len(res.Outputs) == 0 {
		b.Fatalf("build: %v", err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := &run{opts: Options{Config: cfg}, cfg: cfg, res: &Result{AsOf: cfg.AsOfDay()}, state: cfg.StateDir()}
		if err := r.intake(context.Background()); err != nil {
			b.Fatal(err)
		}
		if r.res.ReadFromCache != 200 {
			b.Fatalf("%d of 200 readings from the cache", r.res.ReadFromCache)
		}
		if err := r.check(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
