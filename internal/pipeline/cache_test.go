package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/synth"
)

// cacheDir is where a build keeps its typeset ledgers.
func cacheDir(cfg *config.Config) string { return filepath.Join(cfg.StateDir(), ledgerCache) }

// published maps every output under cfg's out folder to its digest,
// without the out folder's own state (the cache) and the lock.
func published(t *testing.T, cfg *config.Config) map[string][32]byte {
	t.Helper()
	files, temps := outputs(t, cfg.OutDir())
	if len(temps) > 0 {
		t.Errorf("temporary files left: %v", temps)
	}
	return files
}

func reload(t *testing.T, cfg *config.Config) *config.Config {
	t.Helper()
	c, err := config.Load(cfg.Path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func buildWith(t *testing.T, cfg *config.Config, noCache bool) *Result {
	t.Helper()
	return buildAsOf(t, cfg, noCache, ledger.Date{})
}

// buildAsOf is buildWith counting deadlines against asOf (--as-of); the
// zero date is the config's day.
func buildAsOf(t *testing.T, cfg *config.Config, noCache bool, asOf ledger.Date) *Result {
	t.Helper()
	res, err := Build(context.Background(), Options{Config: cfg, NoCache: noCache, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Outputs) == 0 {
		t.Fatalf("build published nothing: %v", res.Diagnostics)
	}
	return res
}

func sameFiles(t *testing.T, what string, got, want map[string][32]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d files, a build from nothing %d", what, len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s differs from a build from nothing", what, k)
		}
	}
}

// TestCachedRebuildIsByteIdentical keeps two copies of a town and changes
// both alike — one village's workbook, the config, the narrative — building
// one with its cache and the other from nothing (--no-cache) each time:
// every output must be the same bytes, and the cached build must have
// typeset exactly the ledgers whose inputs changed.
func TestCachedRebuildIsByteIdentical(t *testing.T) {
	a := town(t, 4, 12)
	bDir := t.TempDir()
	copyTree(t, a.Dir(), bDir, "out")
	b, err := config.Load(filepath.Join(bDir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	// Another town of the same villages, to take a changed workbook from.
	other := t.TempDir()
	paths, err := synth.WriteTown(other, synth.Spec{Villages: 4, Tasks: 12, Seed: 99})
	if err != nil {
		t.Fatal(err)
	}

	var asOf ledger.Date
	step := func(what string, typeset, reused int) {
		t.Helper()
		a, b = reload(t, a), reload(t, b)
		ra := buildAsOf(t, a, false, asOf)
		buildAsOf(t, b, true, asOf)
		if ra.Typeset != typeset || ra.Reused != reused {
			t.Errorf("%s: typeset %d, reused %d ledgers; want %d and %d", what, ra.Typeset, ra.Reused, typeset, reused)
		}
		sameFiles(t, what, published(t, a), published(t, b))
		if st, err := os.Stat(filepath.Join(b.StateDir(), "ledgers")); err == nil && st.IsDir() {
			if des, _ := os.ReadDir(filepath.Join(b.StateDir(), "ledgers")); len(des) > 0 {
				t.Errorf("%s: --no-cache wrote %d cache files", what, len(des))
			}
		}
	}
	both := func(f func(dir string)) { f(a.Dir()); f(b.Dir()) }

	step("first build", 4, 0)
	step("nothing changed", 0, 4)

	changed, err := os.ReadFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	both(func(dir string) {
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(paths[1])), changed, 0o644); err != nil {
			t.Fatal(err)
		}
	})
	step("one village's workbook", 1, 3)

	both(func(dir string) {
		p := filepath.Join(dir, config.FileName)
		y, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		y2 := strings.Replace(string(y), "round: 十五届市委第六轮", "round: 十五届市委第七轮", 1)
		if y2 == string(y) {
			t.Fatal("the synthetic config has no round to change")
		}
		if err := os.WriteFile(p, []byte(y2), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	step("the config", 4, 0)

	both(func(dir string) {
		n := reload(t, a).NarrativePath()
		n = filepath.Join(dir, filepath.Base(n))
		if err := os.WriteFile(n, []byte("一、总体情况\n镇党委高度重视巡察整改工作，逐项推进。\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	step("the narrative", 0, 4)

	// Another day to count against (build --as-of): the ledgers' pages stay
	// (they do not show the day), but every document's date changes, so no
	// village's file may come from the cache as it was.
	asOf = ledger.DateOf(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC))
	step("the day counted against", 0, 4)
	asOf = ledger.Date{}
	step("back to the config's day", 0, 4)
	step("nothing changed again", 0, 4)

	// Only this build's entries are kept: one ledger chunk and its
	// metadata per village.
	if des, _ := os.ReadDir(cacheDir(a)); len(des) != 2*4 {
		t.Errorf("cache holds %d files, want %d", len(des), 2*4)
	}
	// And one finished village file and its metadata per village.
	if des, _ := os.ReadDir(filepath.Join(a.StateDir(), fileCache)); len(des) != 2*4 {
		t.Errorf("village file cache holds %d files, want %d", len(des), 2*4)
	}
}

// TestBadCacheEntryIsRebuilt damages the cache in the ways a disk, a crash
// or a clerk copying folders can: a kept ledger's bytes changed, an entry
// copied under another village's key, metadata cut short, the bytes gone.
// Each bad entry is ignored and its ledger typeset again; the outputs stay
// those of a build from nothing.
func TestBadCacheEntryIsRebuilt(t *testing.T) {
	cfg := town(t, 4, 8)
	buildWith(t, cfg, true)
	want := published(t, cfg)
	buildWith(t, cfg, false)
	dir := cacheDir(cfg)
	entries := func() []string {
		des, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, de := range des {
			if k, ok := strings.CutSuffix(de.Name(), ".bin"); ok {
				keys = append(keys, k)
			}
		}
		if len(keys) != 4 {
			t.Fatalf("%d entries, want 4", len(keys))
		}
		return keys
	}
	damage := map[string]func(keys []string){
		"a byte of the kept pages changed": func(k []string) {
			p := filepath.Join(dir, k[0]+".bin")
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 0x20
			os.WriteFile(p, b, 0o644)
		},
		"another village's entry under this key": func(k []string) {
			for _, ext := range []string{".bin", ".json"} {
				b, _ := os.ReadFile(filepath.Join(dir, k[1]+ext))
				os.WriteFile(filepath.Join(dir, k[0]+ext), b, 0o644)
			}
		},
		"metadata cut short": func(k []string) {
			p := filepath.Join(dir, k[0]+".json")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)/2], 0o644)
		},
		"kept pages missing": func(k []string) { os.Remove(filepath.Join(dir, k[0]+".bin")) },
		"kept pages cut short, metadata to match": func(k []string) {
			// The bytes and the record agree, but the PDF is not whole.
			p := filepath.Join(dir, k[0]+".bin")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)-200], 0o644)
			fixRecord(t, filepath.Join(dir, k[0]+".json"), b[:len(b)-200])
		},
	}
	for what, f := range damage {
		f(entries())
		res := buildWith(t, cfg, false)
		if res.Typeset != 1 || res.Reused != 3 {
			t.Errorf("%s: typeset %d, reused %d; want 1 and 3", what, res.Typeset, res.Reused)
		}
		sameFiles(t, what, published(t, cfg), want)
	}
}

// fixRecord makes an entry's record describe b, as if b had been kept.
func fixRecord(t *testing.T, path string, b []byte) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	rec["size"], rec["sha256"] = len(b), hex.EncodeToString(sum[:])
	raw, _ = json.Marshal(rec)
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBadVillageFileEntryIsRebuilt: a kept village file whose bytes
// changed, or one copied under another village's key, is not published;
// the village's file is joined again, and the outputs are those of a build
// from nothing.
func TestBadVillageFileEntryIsRebuilt(t *testing.T) {
	cfg := town(t, 3, 6)
	buildWith(t, cfg, true)
	want := published(t, cfg)
	buildWith(t, cfg, false)
	dir := filepath.Join(cfg.StateDir(), fileCache)
	keys := func() []string {
		des, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, de := range des {
			if k, ok := strings.CutSuffix(de.Name(), ".bin"); ok {
				keys = append(keys, k)
			}
		}
		if len(keys) != 3 {
			t.Fatalf("%d village files kept, want 3", len(keys))
		}
		return keys
	}
	damage := []struct {
		what string
		do   func(k []string)
	}{
		{"a byte of a kept file changed", func(k []string) {
			p := filepath.Join(dir, k[0]+".bin")
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 0x20
			os.WriteFile(p, b, 0o644)
		}},
		{"another village's file under this key", func(k []string) {
			for _, ext := range []string{".bin", ".json"} {
				b, _ := os.ReadFile(filepath.Join(dir, k[1]+ext))
				os.WriteFile(filepath.Join(dir, k[0]+ext), b, 0o644)
			}
		}},
	}
	for _, d := range damage {
		d.do(keys())
		buildWith(t, cfg, false)
		sameFiles(t, d.what, published(t, cfg), want)
	}
}
