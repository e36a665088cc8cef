package watch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/ledger"
)

func TestDeskTellsOfEveryJudgementAndBuild(t *testing.T) {
	inbox, out := t.TempDir(), t.TempDir()
	c := newClock()
	fc := fakeCheck{
		"大布村.xlsx": {Village: "大布村", Items: items("大布村", 3)},
		"塘敢村.xlsx": {Village: "塘敢村", Diagnostics: []ledger.Diagnostic{{Severity: ledger.Error, Sheet: "台账", Cell: "J5", Message: "整改状态为空"}}},
	}
	var builds [][]string
	d, _ := newDesk(t, out, c, fc, &builds)
	var got []Judgement
	d.OnJudged = func(j Judgement) { got = append(got, j) }
	var ends []error
	d.OnBuild = func(_ string, err error) { ends = append(ends, err) }
	for n := range fc {
		os.WriteFile(filepath.Join(inbox, n), []byte("x"), 0o644)
	}
	d.Take([]string{filepath.Join(inbox, "大布村.xlsx"), filepath.Join(inbox, "塘敢村.xlsx")})
	if len(got) != 2 {
		t.Fatalf("judgements = %+v, want two", got)
	}
	by := map[string]Judgement{}
	for _, j := range got {
		by[j.Village] = j
	}
	if !by["大布村"].Accepted || by["塘敢村"].Accepted || by["塘敢村"].Verdict.Errors() != 1 {
		t.Errorf("judgements = %+v", got)
	}
	// The receipt is on disk when the judgement is told.
	if _, err := os.Stat(filepath.Join(out, ReceiptDir, "大布村-回执.txt")); err != nil {
		t.Error(err)
	}
	c.Add(4 * time.Second)
	d.Build = func(context.Context, []string) (string, error) { return "", errors.New("坏了") }
	if !d.Idle() || len(ends) != 1 || ends[0] == nil {
		t.Errorf("build ends told = %v, want one failure", ends)
	}
}

func TestHandedFileIsTakenAtOnceAndNotAgainByAScan(t *testing.T) {
	inbox := t.TempDir()
	c := newClock()
	w := newWatcher(inbox, c)
	var ready [][]string
	w.OnReady = func(p []string) { ready = append(ready, p) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w.Interval = time.Hour // only the first scan and Hand
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	p := filepath.Join(inbox, "大布村.xlsx")
	os.WriteFile(p, workbook(t, 2), 0o644)
	if err := w.Hand(ctx, []string{p}); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	if len(ready) != 1 || len(ready[0]) != 1 || ready[0][0] != p {
		t.Fatalf("ready = %v, want the handed file once", ready)
	}
	// Later scans see it settled and handed on already.
	c.Add(5 * time.Second)
	w.Scan()
	c.Add(5 * time.Second)
	w.Scan()
	if len(ready) != 1 {
		t.Errorf("handed file taken again by a scan: %v", ready)
	}
}
