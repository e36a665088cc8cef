package check

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/intake"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/synth"
)

// BenchmarkRun checks a synthetic town of 200 villages × 100 tasks with
// progress texts of 100–400 characters (the medium bench town), read
// once: what a rebuild's 校验 costs.
func BenchmarkRun(b *testing.B) {
	dir, err := os.MkdirTemp("", "taizhang-check-bench-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	paths, err := synth.WriteTown(filepath.Join(dir, "town"), synth.Spec{Villages: 200, Tasks: 100, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	cfg := &config.Config{}
	for i := range 200 {
		cfg.Villages = append(cfg.Villages, synth.TownVillage(i))
	}
	results := intake.ReadAll(paths, intake.Options{Villages: cfg.Villages})
	opts := Options{Config: cfg, AsOf: ledger.Date{Year: 2025, Month: 9, Day: 12}, Complete: true}
	if rep := Run(results, opts); rep.Errors() > 0 || len(rep.Items) != 20000 {
		b.Fatalf("%d errors, %d tasks", rep.Errors(), len(rep.Items))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Run(results, opts)
	}
}
