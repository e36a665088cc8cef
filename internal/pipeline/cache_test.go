package pipeline

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/cache/cachetest"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/synth"
	"github.com/taizhang/taizhang/internal/typeset"
)

// cacheDir is where a build keeps its typeset ledgers.
func cacheDir(cfg *config.Config) string { return filepath.Join(cfg.StateDir(), ledgerCache) }

// intakeDir is where a build keeps its workbooks' readings.
func intakeDir(cfg *config.Config) string { return filepath.Join(cfg.StateDir(), intakeCache) }

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
// both alike — one village's workbook, a village gaining a task, a
// workbook's name, the config, the villages, the narrative, the day counted
// against — building one with its cache and the other from nothing
// (--no-cache) each time: every output (汇总台账.xlsx among them) must be the
// same bytes, and the cached build must have read exactly the workbooks,
// typeset exactly the ledgers and made exactly the villages' rows of 汇总
// whose inputs changed (rows also when they moved: a cell names its row).
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
	// And one of a task more.
	longer, err := synth.WriteTown(t.TempDir(), synth.Spec{Villages: 4, Tasks: 13, Seed: 99})
	if err != nil {
		t.Fatal(err)
	}

	// read is how many workbooks the cached build must read; the others'
	// readings come from the cache. rows is how many villages' rows of 汇总
	// it must make; the others' come from the cache.
	var asOf ledger.Date
	step := func(what string, typeset, reused, read, rows int) {
		t.Helper()
		a, b = reload(t, a), reload(t, b)
		ra := buildAsOf(t, a, false, asOf)
		rb := buildAsOf(t, b, true, asOf)
		if ra.Typeset != typeset || ra.Reused != reused {
			t.Errorf("%s: typeset %d, reused %d ledgers; want %d and %d", what, ra.Typeset, ra.Reused, typeset, reused)
		}
		if ra.RowsMade != rows || ra.RowsReused != 4-rows {
			t.Errorf("%s: made %d villages' rows, reused %d; want %d and %d", what, ra.RowsMade, ra.RowsReused, rows, 4-rows)
		}
		if rb.RowsMade != 4 || rb.RowsReused != 0 {
			t.Errorf("%s: --no-cache made %d villages' rows, reused %d", what, rb.RowsMade, rb.RowsReused)
		}
		if ra.Read != read || ra.ReadFromCache != 4-read {
			t.Errorf("%s: read %d workbooks, %d from the cache; want %d and %d", what, ra.Read, ra.ReadFromCache, read, 4-read)
		}
		if rb.Read != 4 || rb.ReadFromCache != 0 {
			t.Errorf("%s: --no-cache read %d workbooks, %d from the cache", what, rb.Read, rb.ReadFromCache)
		}
		sameFiles(t, what, published(t, a), published(t, b))
		for _, c := range cacheFolders {
			if des, _ := os.ReadDir(filepath.Join(b.StateDir(), c)); len(des) > 0 {
				t.Errorf("%s: --no-cache wrote %d cache files in %s", what, len(des), c)
			}
		}
	}
	both := func(f func(dir string)) { f(a.Dir()); f(b.Dir()) }

	step("first build", 4, 0, 4, 4)
	step("nothing changed", 0, 4, 0, 0)

	changed, err := os.ReadFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	both(func(dir string) {
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(paths[1])), changed, 0o644); err != nil {
			t.Fatal(err)
		}
	})
	step("one village's workbook", 1, 3, 1, 1)

	// The second village gains a task: its rows, and the two villages'
	// after it, which move down a row, are made again.
	gained, err := os.ReadFile(longer[1])
	if err != nil {
		t.Fatal(err)
	}
	both(func(dir string) {
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(longer[1])), gained, 0o644); err != nil {
			t.Fatal(err)
		}
	})
	step("a village gained a task", 1, 3, 1, 3)

	// Renamed: the tasks name their file, in the ledger too.
	both(func(dir string) {
		from := filepath.Join(dir, filepath.Base(paths[2]))
		if err := os.Rename(from, strings.TrimSuffix(from, ".xlsx")+"（9月更新）.xlsx"); err != nil {
			t.Fatal(err)
		}
	})
	step("a workbook renamed", 1, 3, 1, 1)

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
	// The rows show nothing of the round: they are kept.
	step("the config", 4, 0, 4, 0)

	// The villages are what reading matches a workbook's title against.
	both(func(dir string) {
		p := filepath.Join(dir, config.FileName)
		y, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		v := a.Villages[3]
		y2 := strings.Replace(string(y), v.Org, v.Org+"（新）", 1)
		if y2 == string(y) {
			t.Fatalf("the synthetic config has no %s to change", v.Org)
		}
		if err := os.WriteFile(p, []byte(y2), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	step("a village's organisation", 4, 0, 4, 1)

	both(func(dir string) {
		n := reload(t, a).NarrativePath()
		n = filepath.Join(dir, filepath.Base(n))
		if err := os.WriteFile(n, []byte("一、总体情况\n镇党委高度重视巡察整改工作，逐项推进。\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	step("the narrative", 0, 4, 0, 0)

	// Another day to count against (build --as-of): the ledgers' pages stay
	// (they do not show the day), but every document's date changes, so no
	// village's file may come from the cache as it was; and a status cell
	// is red when overdue, so no village's rows either.
	asOf = ledger.DateOf(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC))
	step("the day counted against", 0, 4, 0, 4)
	asOf = ledger.Date{}
	step("back to the config's day", 0, 4, 0, 4)
	step("nothing changed again", 0, 4, 0, 0)

	// Only this build's entries are kept: one ledger chunk and its
	// metadata per village, one reading and its record per workbook, one
	// village's tasks in 汇总台账.json and their record per village.
	for _, dir := range []string{cacheDir(a), intakeDir(a), filepath.Join(a.StateDir(), tasksCache)} {
		if des, _ := os.ReadDir(dir); len(des) != 2*4 {
			t.Errorf("%s holds %d files, want %d", dir, len(des), 2*4)
		}
	}
	// And one finished village file, and one village's rows, and their
	// metadata per village.
	for _, c := range []string{fileCache, rowsCache} {
		if des, _ := os.ReadDir(filepath.Join(a.StateDir(), c)); len(des) != 2*4 {
			t.Errorf("%s cache holds %d files, want %d", c, len(des), 2*4)
		}
	}
}

// TestBadIntakeEntryIsReadAgain damages the kept readings as a disk, a
// crash or a clerk copying folders can: a byte changed, another
// workbook's reading under this key with a record to match, cut short, the
// record gone. The workbook is read again, and the outputs stay those of a
// build from nothing.
func TestBadIntakeEntryIsReadAgain(t *testing.T) {
	cfg := town(t, 4, 8)
	buildWith(t, cfg, true)
	want := published(t, cfg)
	buildWith(t, cfg, false)
	dir := intakeDir(cfg)
	keys := func() []string { return keptKeys(t, dir, 4, "readings") }
	damage := []struct {
		what string
		do   func(k []string)
	}{
		{"a byte of the reading changed", func(k []string) {
			flipByte(filepath.Join(dir, k[0]+".bin"))
		}},
		{"another workbook's reading, record to match", func(k []string) {
			b, _ := os.ReadFile(filepath.Join(dir, k[1]+".bin"))
			os.WriteFile(filepath.Join(dir, k[0]+".bin"), b, 0o644)
			cachetest.FixRecord(t, filepath.Join(dir, k[0]+".json"), b)
		}},
		{"reading cut short, record to match", func(k []string) {
			p := filepath.Join(dir, k[0]+".bin")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)-50], 0o644)
			cachetest.FixRecord(t, filepath.Join(dir, k[0]+".json"), b[:len(b)-50])
		}},
		{"record gone", func(k []string) { os.Remove(filepath.Join(dir, k[0]+".json")) }},
	}
	for _, d := range damage {
		d.do(keys())
		res := buildWith(t, cfg, false)
		if res.Read != 1 || res.ReadFromCache != 3 {
			t.Errorf("%s: read %d, from the cache %d; want 1 and 3", d.what, res.Read, res.ReadFromCache)
		}
		if res.Typeset != 0 {
			t.Errorf("%s: typeset %d ledgers; the tasks did not change", d.what, res.Typeset)
		}
		sameFiles(t, d.what, published(t, cfg), want)
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
	entries := func() []string { return keptKeys(t, dir, 4, "ledgers") }
	damage := map[string]func(keys []string){
		"a byte of the kept pages changed": func(k []string) {
			flipByte(filepath.Join(dir, k[0]+".bin"))
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
			cachetest.FixRecord(t, filepath.Join(dir, k[0]+".json"), b[:len(b)-200])
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

// rebuildEnv, when set to a workspace, makes the test binary run one build
// of it with the cache and print its counts: each build of
// TestRebuildInANewProcess is a process of its own, as each clerk's is.
const rebuildEnv = "TAIZHANG_REBUILD_BUILD"

func rebuildChild(dir string) {
	cfg, err := config.Load(filepath.Join(dir, config.FileName))
	if err == nil {
		var res *Result
		if res, err = Build(context.Background(), Options{Config: cfg}); err == nil {
			fmt.Printf("typeset %d reused %d read %d from-cache %d rows %d\n", res.Typeset, res.Reused, res.Read, res.ReadFromCache, res.RowsMade)
			os.Exit(0)
		}
	}
	os.Stderr.WriteString(fmt.Sprint(err) + "\n")
	os.Exit(1)
}

// TestRebuildInANewProcess: what one process keeps, the next one uses —
// the cache's keys must not depend on what else a process did before
// computing them (gob numbers the types it meets in the order it meets
// them, process-wide: a build that read workbooks and one that took every
// reading from the cache meet them in other orders).
func TestRebuildInANewProcess(t *testing.T) {
	cfg := town(t, 3, 6)
	dir := cfg.Dir()
	other := t.TempDir()
	paths, err := synth.WriteTown(other, synth.Spec{Villages: 3, Tasks: 6, Seed: 99})
	if err != nil {
		t.Fatal(err)
	}
	build := func(what, want string) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), rebuildEnv+"="+dir)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v: %s", what, err, stderr.String())
		}
		if got := strings.TrimSpace(string(out)); got != want {
			t.Errorf("%s: %s; want %s", what, got, want)
		}
	}
	build("first build", "typeset 3 reused 0 read 3 from-cache 0 rows 3")
	// The first process unpacked the embedded faces and kept them, one
	// entry per face; the next reads them and writes none anew.
	facesDir := filepath.Join(cfg.StateDir(), facesCache)
	des, err := os.ReadDir(facesDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(des) != 2*len(typeset.KeptFaceKeys()) {
		t.Errorf("%d files in faces/; want an entry and its record per face (%d)", len(des), len(typeset.KeptFaceKeys()))
	}
	kept := cachetest.FolderState(t, facesDir)
	build("nothing changed", "typeset 0 reused 3 read 0 from-cache 3 rows 0")
	if again := cachetest.FolderState(t, facesDir); again != kept {
		t.Errorf("the faces kept were written again: %s, then %s", kept, again)
	}
	b, err := os.ReadFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, filepath.Base(paths[1])), b, 0o644); err != nil {
		t.Fatal(err)
	}
	build("one village's workbook", "typeset 1 reused 2 read 1 from-cache 2 rows 1")
	build("nothing changed again", "typeset 0 reused 3 read 0 from-cache 3 rows 0")
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
	keys := func() []string { return keptKeys(t, dir, 3, "village files") }
	damage := []struct {
		what string
		do   func(k []string)
	}{
		{"a byte of a kept file changed", func(k []string) {
			flipByte(filepath.Join(dir, k[0]+".bin"))
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
		// Without its published file, which would stand (see
		// TestUnchangedVillageFilesStand), the build must take the
		// village's file from the cache or join it again.
		removeVillageFiles(t, cfg)
		buildWith(t, cfg, false)
		sameFiles(t, d.what, published(t, cfg), want)
	}
}

// TestBadRowsEntryIsMadeAgain: a village's kept rows of 汇总 whose bytes
// changed, or copied from another village's entry with a record to match,
// are not used: the village's rows are made again, and the outputs are
// those of a build from nothing.
func TestBadRowsEntryIsMadeAgain(t *testing.T) {
	cfg := town(t, 3, 6)
	buildWith(t, cfg, true)
	want := published(t, cfg)
	buildWith(t, cfg, false)
	dir := filepath.Join(cfg.StateDir(), rowsCache)
	keys := func() []string { return keptKeys(t, dir, 3, "villages' rows") }
	damage := []struct {
		what string
		do   func(k []string)
	}{
		{"a byte of a village's rows changed", func(k []string) {
			flipByte(filepath.Join(dir, k[0]+".bin"))
		}},
		{"another village's rows under this key, record to match", func(k []string) {
			b, _ := os.ReadFile(filepath.Join(dir, k[1]+".bin"))
			os.WriteFile(filepath.Join(dir, k[0]+".bin"), b, 0o644)
			cachetest.FixRecord(t, filepath.Join(dir, k[0]+".json"), b)
		}},
	}
	for _, d := range damage {
		d.do(keys())
		res := buildWith(t, cfg, false)
		if res.RowsMade != 1 || res.RowsReused != 2 {
			t.Errorf("%s: made %d villages' rows, reused %d; want 1 and 2", d.what, res.RowsMade, res.RowsReused)
		}
		sameFiles(t, d.what, published(t, cfg), want)
	}
}

func removeVillageFiles(t *testing.T, cfg *config.Config) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(cfg.OutDir(), LedgerDir, "*.pdf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no village files published: %v", err)
	}
	for _, f := range files {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
}

// TestUnchangedVillageFilesStand: a rebuild leaves a village's published
// file as it is — the same file, not rewritten — when it holds the bytes
// the build would write, and writes the file of the village that changed;
// a published file someone edited since is written again, and the outputs
// are those of a build from nothing throughout.
func TestUnchangedVillageFilesStand(t *testing.T) {
	cfg := town(t, 3, 6)
	other := t.TempDir()
	paths, err := synth.WriteTown(other, synth.Spec{Villages: 3, Tasks: 6, Seed: 99})
	if err != nil {
		t.Fatal(err)
	}
	buildWith(t, cfg, false)
	villageFiles := func() map[string]os.FileInfo {
		t.Helper()
		files, _ := filepath.Glob(filepath.Join(cfg.OutDir(), LedgerDir, "*.pdf"))
		out := map[string]os.FileInfo{}
		for _, f := range files {
			st, err := os.Stat(f)
			if err != nil {
				t.Fatal(err)
			}
			out[filepath.Base(f)] = st
		}
		if len(out) != 3 {
			t.Fatalf("%d village files published, want 3", len(out))
		}
		return out
	}
	before := villageFiles()

	// One village's workbook changes: its file is written, the others stand.
	changed, err := os.ReadFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg.Dir(), filepath.Base(paths[1])), changed, 0o644); err != nil {
		t.Fatal(err)
	}
	buildWith(t, reload(t, cfg), false)
	after := villageFiles()
	var stood []string
	for name, st := range after {
		if os.SameFile(st, before[name]) {
			stood = append(stood, name)
		}
	}
	if len(stood) != 2 {
		t.Errorf("files left in place: %v; want the two villages that did not change", stood)
	}
	rebuilt := published(t, cfg)
	buildWith(t, reload(t, cfg), true)
	sameFiles(t, "one village changed", rebuilt, published(t, cfg))
	want := published(t, cfg)

	// Someone edited a published file (the same size): it is written anew.
	buildWith(t, reload(t, cfg), false) // the cache as a cached build leaves it
	name := stood[0]
	path := filepath.Join(cfg.OutDir(), LedgerDir, name)
	flipByte(path)
	edited, _ := os.Stat(path)
	buildWith(t, reload(t, cfg), false)
	sameFiles(t, "a published file edited", published(t, cfg), want)
	if st, _ := os.Stat(path); os.SameFile(st, edited) {
		t.Error("the edited file was left in place")
	}
}

// keptKeys lists the keys of the entries in a cache folder, failing unless
// there are n (what they are, for the message).
func keptKeys(t *testing.T, dir string, n int, what string) []string {
	t.Helper()
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
	if len(keys) != n {
		t.Fatalf("%d %s kept, want %d", len(keys), what, n)
	}
	return keys
}

// flipByte changes one byte in the middle of the file at path, as a
// failing disk might.
func flipByte(path string) {
	b, _ := os.ReadFile(path)
	b[len(b)/2] ^= 0x20
	os.WriteFile(path, b, 0o644)
}
