package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/taizhang/taizhang/internal/ledger"
)

// besideStep replaces, for one test, the do and the work beside it of the
// step that has some (the notices, with the workbook's draft and the
// snapshot): change gets do and all the work beside it as one.
func besideStep(t *testing.T, change func(do, beside work) (work, work)) {
	t.Helper()
	saved := slices.Clone(steps)
	t.Cleanup(func() { steps = saved })
	for i := range steps {
		if len(steps[i].beside) > 0 {
			all := slices.Clone(steps[i].beside)
			beside := func(r *run, ctx context.Context) error {
				for _, w := range all {
					if err := w(r, ctx); err != nil {
						return err
					}
				}
				return nil
			}
			do, b := change(steps[i].do, beside)
			steps[i].do, steps[i].beside = do, []work{b}
			return
		}
	}
	t.Fatal("no step has work beside it")
}

// nothingPublished fails the test when out holds an output or a temporary,
// or tmp (the process's temporary folder) a file.
func nothingPublished(t *testing.T, out, tmp string) {
	t.Helper()
	files, temps := outputs(t, out)
	if len(files) > 0 || len(temps) > 0 {
		t.Errorf("the failed build left outputs %v and temporaries %v", files, temps)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("the failed build left %s in the temporary folder", left[0].Name())
	}
}

// TestNoticeFailureAfterTheWorkbookBeganPublishesNothing: the notices fail
// once the work beside them is done (汇总 compressed, 汇总台账.json staged):
// the build returns the notices' error and publishes nothing, the staged
// files and the draft's temporary file removed.
func TestNoticeFailureAfterTheWorkbookBeganPublishesNothing(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	cfg := town(t, 2, 4)
	boom := errors.New("通报排版失败")
	drafted := make(chan struct{})
	besideStep(t, func(do, beside work) (work, work) {
		return func(r *run, ctx context.Context) error {
				if err := do(r, ctx); err != nil {
					return err
				}
				<-drafted
				return boom
			}, func(r *run, ctx context.Context) error {
				defer close(drafted)
				if err := beside(r, ctx); err != nil {
					return err
				}
				if r.wb == nil || len(r.staged.Files()) == 0 {
					t.Error("the draft made no workbook or staged nothing")
				}
				return nil
			}
	})
	out := filepath.Join(t.TempDir(), "out")
	res, err := Build(context.Background(), Options{Config: cfg, AsOf: cfg.BuildAsOf(), OutDir: out})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the notices' error", err)
	}
	if len(res.Outputs) > 0 {
		t.Errorf("the failed build reports outputs %v", res.Outputs)
	}
	nothingPublished(t, out, tmp)
}

// TestWorkbookFailureCancelsTheNotices: the draft beside the notices fails:
// the notices' context ends, the build returns the draft's error, not the
// notices' cancelling, and publishes nothing.
func TestWorkbookFailureCancelsTheNotices(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	cfg := town(t, 2, 4)
	boom := errors.New("汇总台账写入失败")
	var noticeErr error
	besideStep(t, func(do, beside work) (work, work) {
		return func(r *run, ctx context.Context) error {
				<-ctx.Done() // only the draft's failure ends it
				noticeErr = do(r, ctx)
				return noticeErr
			}, func(r *run, ctx context.Context) error {
				return boom
			}
	})
	out := filepath.Join(t.TempDir(), "out")
	_, err := Build(context.Background(), Options{Config: cfg, AsOf: cfg.BuildAsOf(), OutDir: out})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the draft's error", err)
	}
	if !errors.Is(noticeErr, context.Canceled) {
		t.Errorf("the cancelled notices returned %v, want context.Canceled", noticeErr)
	}
	nothingPublished(t, out, tmp)
}

// TestWorkbookListsTheNoticesMissingGlyph: a character no font has, found
// while the notices are typeset (after the workbook's 汇总 was begun beside
// them), is listed in the workbook's 校验 with the notice's message.
func TestWorkbookListsTheNoticesMissingGlyph(t *testing.T) {
	cfg := town(t, 2, 3)
	if err := os.WriteFile(cfg.NarrativePath(), []byte("一、总体情况\n镇党委在\U000323AF村召开整改推进会。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := build(t, cfg, cfg.BuildAsOf())
	var glyph *ledger.Diagnostic
	for i, d := range res.Diagnostics {
		if d.Code == ledger.CodeMissingGlyph && strings.Contains(d.Message, "U+323AF") {
			glyph = &res.Diagnostics[i]
		}
	}
	if glyph == nil {
		t.Fatalf("the build reports no missing glyph U+323AF: %v", res.Diagnostics)
	}
	rows := checkRows(t, res)
	for _, r := range rows[1:] {
		if len(r) >= 8 && r[7] == glyph.Code && r[6] == glyph.Message && r[2] == glyph.File {
			return
		}
	}
	t.Errorf("校验 does not list %s %s: %s", glyph.File, glyph.Code, glyph.Message)
}

// TestProgressNamesEachStepOnce: the progress callback is told every step
// of the list once, in order, and the work beside the notices tells it
// nothing of its own: the counts it gets are the notices'.
func TestProgressNamesEachStepOnce(t *testing.T) {
	cfg := town(t, 3, 4)
	var mu sync.Mutex
	var started []string
	counted := map[string]bool{}
	_, err := Build(context.Background(), Options{Config: cfg, AsOf: cfg.BuildAsOf(), OutDir: filepath.Join(t.TempDir(), "out"),
		Progress: func(step string, done, total int) {
			mu.Lock()
			defer mu.Unlock()
			if done == 0 && total == 0 {
				started = append(started, step)
			} else {
				counted[step] = true
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, s := range steps {
		want = append(want, s.name)
	}
	if !slices.Equal(started, want) {
		t.Errorf("steps told = %v, want %v", started, want)
	}
	if len(counted) != 1 || !counted["生成通报"] {
		t.Errorf("counts were told for %v, want only 生成通报's", counted)
	}
}
