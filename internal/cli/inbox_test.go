package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/pipeline"
)

// listing is every entry under dir with its size and time, to see that
// nothing was written there.
func listing(t *testing.T, dir string) string {
	t.Helper()
	var rows []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rows = append(rows, fmt.Sprintf("%s %d %d", rel, fi.Size(), fi.ModTime().UnixNano()))
		return nil
	})
	sort.Strings(rows)
	return strings.Join(rows, "\n")
}

// TestReadOnlyInboxIsNeverWrittenTo: the inbox may be a read-only shared
// folder. check, status, build and watch read it and write their locks,
// staging and state under the out folder only. (Tests run as root, for
// whom the folder's mode stops nothing, so the test asserts that nothing
// in the inbox changed.)
func TestReadOnlyInboxIsNeverWrittenTo(t *testing.T) {
	dir, cfg := newWorkspace(t)
	inbox := cfg.InboxDir()
	writeLedger(t, cfg, filepath.Join(inbox, "大布村整改台账.xlsx"), "大布村", tasks("大布村", 4))
	if err := os.Chmod(inbox, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(inbox, 0o755)
	before := listing(t, inbox)

	for _, args := range [][]string{{"check", inbox}, {"status", dir}, {"build", "--quiet", dir}} {
		if code, out, errs := run(t, args...); code == ExitUsage {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	var log bytes.Buffer
	step, release := drivenDesk(t, cfg, &log, time.Now())
	for i := 0; i < 4; i++ {
		step()
	}
	release()
	if !strings.Contains(log.String(), "已更新") {
		t.Errorf("watch did not build:\n%s", log.String())
	}
	if after := listing(t, inbox); after != before {
		t.Errorf("the inbox changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// The bookkeeping is in the out folder's state folder, and nothing of a
	// build is left there but the locks and the caches it keeps for the
	// next build: typeset ledgers, village files, workbooks' readings
	// (ledgers/, files/, intake/).
	ents, _ := os.ReadDir(cfg.StateDir())
	for _, e := range ents {
		if n := e.Name(); n != "build.lock" && n != watchLock && !slices.Contains(pipeline.CacheFolders(), n) && !strings.HasPrefix(n, "receipt") && !strings.HasSuffix(n, ".json") {
			t.Errorf("left in the state folder: %s", n)
		}
		if strings.HasPrefix(e.Name(), "staging-") || e.Name() == "publish.json" {
			t.Errorf("a build's staging is left behind: %s", e.Name())
		}
	}
}
