package watch

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/output"
)

// TestOutputHeldOpenIsRetried: a build refused because the clerk has
// 通报.pdf open in a viewer says which file, and the desk builds again once
// things are quiet, instead of leaving the notice stale until the next file.
func TestOutputHeldOpenIsRetried(t *testing.T) {
	inbox, out := t.TempDir(), t.TempDir()
	c := newClock()
	fc := fakeCheck{"大布村整改台账.xlsx": {Village: "大布村", Items: items("大布村", 3)}}
	var builds [][]string
	d, log := newDesk(t, out, c, fc, &builds)
	held := true
	d.Build = func(_ context.Context, files []string) (string, error) {
		builds = append(builds, files)
		if held {
			return "", &output.BlockedError{Path: "通报.pdf"}
		}
		return "", nil
	}
	p := filepath.Join(inbox, "大布村整改台账.xlsx")
	os.WriteFile(p, []byte("x"), 0o644)
	d.Take([]string{p})
	c.Add(5 * time.Second)
	d.Idle()
	if !strings.Contains(log.String(), "通报.pdf 正被其他程序打开，请关闭它，稍后再更新通报") || !d.Pending() {
		t.Fatalf("pending %v, log:\n%s", d.Pending(), log)
	}
	held = false
	c.Add(5 * time.Second)
	if !d.Idle() || d.Pending() || len(builds) != 2 {
		t.Errorf("not retried: %d builds, pending %v", len(builds), d.Pending())
	}
}
