package pipeline

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/taizhang/taizhang/internal/cache/cachetest"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/synth"
)

// TestCheckKeptTakesTheBuildsReadings: check, status and the desk
// (CheckKept) take the readings the last build kept for the workbooks
// unchanged since, and report what Check reports; they write nothing into
// the state folder — no folder before the first build, no reading of a
// changed workbook, no pruning of the one it replaced.
func TestCheckKeptTakesTheBuildsReadings(t *testing.T) {
	cfg := town(t, 4, 8)
	inbox := []string{cfg.InboxDir()}
	asOf := ledger.Date{Year: 2025, Month: 9, Day: 12}
	same := func(what string, wantFromCache int) {
		t.Helper()
		got, fromCache, err := CheckKept(inbox, cfg, asOf)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Check(inbox, cfg, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if fromCache != wantFromCache {
			t.Errorf("%s: %d readings from the build's cache, want %d", what, fromCache, wantFromCache)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the report differs from Check's", what)
		}
	}

	same("before any build", 0)
	if _, err := os.Stat(cfg.StateDir()); !os.IsNotExist(err) {
		t.Errorf("checking made the state folder: %v", err)
	}

	buildWith(t, cfg, false)
	before := cachetest.FolderState(t, intakeDir(cfg))
	same("after a build", 4)

	other := t.TempDir()
	paths, err := synth.WriteTown(other, synth.Spec{Villages: 1, Tasks: 8, Seed: 99})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg.InboxDir(), filepath.Base(paths[0])), b, 0o644); err != nil {
		t.Fatal(err)
	}
	same("one workbook changed", 3)
	if after := cachetest.FolderState(t, intakeDir(cfg)); after != before {
		t.Errorf("checking changed the build's readings:\nbefore %s\nafter  %s", before, after)
	}
}
