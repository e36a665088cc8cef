package notice

import (
	"context"
	"io"
	"path/filepath"
	"sync"
	"testing"

	"github.com/taizhang/taizhang/internal/check"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/intake"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/typeset"
)

// sampleInput reads the bundled sample town the way a build does, with the
// embedded fonts and templates.
func sampleInput(tb testing.TB) Input {
	tb.Helper()
	cfg, err := config.Load(filepath.Join("..", "..", "samples", "taizhang.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	files, err := intake.Discover([]string{cfg.InboxDir()})
	if err != nil {
		tb.Fatal(err)
	}
	results := intake.ReadAll(files, intake.Options{Villages: cfg.Villages})
	rep := check.Run(results, check.Options{Config: cfg, AsOf: cfg.BuildAsOf()})
	if rep.Errors() > 0 {
		tb.Fatalf("samples have %d errors", rep.Errors())
	}
	items := rep.Items
	consolidate.Order(items, cfg.Villages)
	fonts, err := typeset.EmbeddedFonts()
	if err != nil {
		tb.Fatal(err)
	}
	tmpl, err := LoadTemplates(cfg.TemplatesDir())
	if err != nil {
		tb.Fatal(err)
	}
	in := Input{Config: cfg, Items: items, Templates: tmpl, Fonts: fonts,
		Summary: consolidate.Summarize(items, cfg.Villages, cfg.BuildAsOf())}
	if in.Narrative, in.HaveNarrative, err = ReadNarrative(cfg); err != nil {
		tb.Fatal(err)
	}
	return in
}

// renderSample typesets the sample town's notice (with its nine
// attachments) and the nine village ledgers, on GOMAXPROCS workers as the
// build does.
func renderSample(tb testing.TB, in Input, workers int) {
	jobs := make(chan func() error)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range jobs {
				if err := job(); err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
				}
			}
		}()
	}
	jobs <- func() error { _, err := Town(io.Discard, in); return err }
	for _, v := range in.Config.Villages {
		jobs <- func() error { _, err := Village(io.Discard, in, v.Name); return err }
	}
	close(jobs)
	wg.Wait()
	if first != nil {
		tb.Fatal(first)
	}
}

// BenchmarkSampleNotices is issue 4's benchmark: the sample town's notice
// and its nine ledgers, in parallel as the build renders them. The fonts
// are loaded (decompressed and measured) once per process, before the
// timer; the target is under a second per run.
func BenchmarkSampleNotices(b *testing.B) {
	in := sampleInput(b)
	b.ReportAllocs()
	for b.Loop() {
		renderSample(b, in, 2)
	}
}

// BenchmarkSampleNoticesSerial is the same on one core.
func BenchmarkSampleNoticesSerial(b *testing.B) {
	in := sampleInput(b)
	b.ReportAllocs()
	for b.Loop() {
		renderSample(b, in, 1)
	}
}

// BenchmarkSampleTownNotice is the town notice alone, the one document that
// cannot be split across cores.
func BenchmarkSampleTownNotice(b *testing.B) {
	in := sampleInput(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Town(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSamplePublish is what the build does: every ledger typeset
// once, joined into the town notice and the nine village files.
func BenchmarkSamplePublish(b *testing.B) {
	in := sampleInput(b)
	discard := func(rel string, fill func(io.Writer) error) error { return fill(io.Discard) }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Publish(context.Background(), in, discard, PublishOptions{Workers: 2}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTypesetLedger typesets the sample village with the most tasks
// into a page set, as a build does for each village whose ledger is not
// kept: the part of a build that grows with the tasks.
func BenchmarkTypesetLedger(b *testing.B) {
	in := sampleInput(b)
	t, err := prepareTown(in)
	if err != nil {
		b.Fatal(err)
	}
	var v ledger.Village
	most := -1
	for _, c := range in.Config.Villages {
		if n := len(t.villageItems(c.Name)); n > most {
			v, most = c, n
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := typesetLedger(t.fonts, in.Config, v, t.villageItems(v.Name)); err != nil {
			b.Fatal(err)
		}
	}
}
