package notice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/taizhang/taizhang/internal/cache"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pdftest"
)

// memSink keeps every file Publish writes.
type memSink struct {
	mu    sync.Mutex
	files map[string][]byte
	fail  string // a file whose writing fails
}

func (s *memSink) add(rel string, fill func(io.Writer) error) error {
	var b bytes.Buffer
	if err := fill(&b); err != nil {
		return err
	}
	if rel == s.fail {
		return errors.New("disk full")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files = map[string][]byte{}
	}
	s.files[rel] = b.Bytes()
	return nil
}

func publish(t *testing.T, in Input, workers int) (map[string][]byte, []ledger.Diagnostic) {
	t.Helper()
	var sink memSink
	var mu sync.Mutex
	last := 0
	pub, err := Publish(context.Background(), in, sink.add, PublishOptions{Workers: workers, Progress: func(done, total int) {
		mu.Lock()
		last = done
		mu.Unlock()
		if total != 1+len(in.Config.Villages) {
			t.Errorf("progress total %d", total)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if last != 1+len(in.Config.Villages) {
		t.Errorf("progress ended at %d", last)
	}
	return sink.files, pub.Diagnostics
}

// TestPublish: one typesetting of every ledger makes the town notice
// (page numbers running on, 附件N on each attachment's first page) and
// each village's file (numbered from 1), the same as Town and Village
// make, the same bytes on every run and with any number of workers.
func TestPublish(t *testing.T) {
	pdftest.Need(t, "pdftotext", "pdfinfo", "qpdf", "pdffonts")
	cfg := testConfig()
	in := townInput(t, cfg)
	files, diags := publish(t, in, 2)
	if len(files) != 1+len(cfg.Villages) {
		t.Fatalf("%d files written", len(files))
	}
	for _, d := range diags {
		t.Errorf("unexpected diagnostic %s", d)
	}
	again, _ := publish(t, in, 1)
	for rel, b := range files {
		if !bytes.Equal(b, again[rel]) {
			t.Errorf("%s differs between runs", rel)
		}
	}
	var town bytes.Buffer
	if _, err := Town(&town, in); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(town.Bytes(), files[TownFile]) {
		t.Error("Publish's 通报.pdf differs from Town's")
	}

	notice := readDoc(t, files[TownFile], "publish-通报.pdf")
	for p := range notice.pages {
		if !regexp.MustCompile(fmt.Sprintf(`—\s*%d\s*—`, p+1)).MatchString(notice.pages[p]) {
			t.Errorf("通报.pdf page %d has no “— %d —”", p+1, p+1)
		}
	}
	for _, f := range pdftest.Fonts(t, files[TownFile]) {
		if !f.Embedded {
			t.Errorf("通报.pdf: font %s not embedded", f.Name)
		}
	}
	first := 0
	for i, s := range notice.sizes {
		if s.W > s.H && first == 0 {
			first = i + 1
		}
	}
	for k, v := range cfg.Villages {
		rel := villageFile(v.Name)
		var own bytes.Buffer
		if _, err := Village(&own, in, v.Name); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(own.Bytes(), files[rel]) {
			t.Errorf("Publish's %s differs from Village's", rel)
		}
		vd := readDoc(t, files[rel], "publish-"+v.Name+".pdf")
		for p := range vd.pages {
			if !regexp.MustCompile(fmt.Sprintf(`—\s*%d\s*—`, p+1)).MatchString(vd.pages[p]) {
				t.Errorf("%s page %d has no “— %d —”", rel, p+1, p+1)
			}
			if strings.Contains(vd.pages[p], "附件") {
				t.Errorf("%s page %d has an attachment label", rel, p+1)
			}
		}
		// The attachment's first page carries 附件N, then the village's
		// own pages follow, as many as in its file.
		label := fmt.Sprintf("附件%d", k+1)
		if !strings.Contains(squeeze(notice.pages[first-1]), label) {
			t.Errorf("通报.pdf page %d lacks %s", first, label)
		}
		for p := first; p < first+len(vd.pages)-1; p++ {
			if strings.Contains(notice.pages[p], label) {
				t.Errorf("通报.pdf page %d repeats %s", p+1, label)
			}
		}
		first += len(vd.pages)
	}
	if first-1 != len(notice.pages) {
		t.Errorf("attachments end on page %d of %d", first-1, len(notice.pages))
	}
}

// TestPublishFailureStopsIt: a file that cannot be written fails the whole
// publication, and so does a cancelled context.
func TestPublishFailureStopsIt(t *testing.T) {
	in := townInput(t, testConfig())
	for _, fail := range []string{TownFile, villageFile("大布村")} {
		sink := memSink{fail: fail}
		if _, err := Publish(context.Background(), in, sink.add, PublishOptions{Workers: 2}); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s failing: err = %v", fail, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Publish(ctx, in, (&memSink{}).add, PublishOptions{Workers: 2}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

// TestKeptLedgersWaitForTheTownNotice: with room for a single ledger
// ahead of the town notice, kept and typeset ledgers alike are joined in
// order — no ledger waits forever on another — and the files are those of
// a publish without the cache.
func TestKeptLedgersWaitForTheTownNotice(t *testing.T) {
	defer func(n int) { aheadPerWorker = n }(aheadPerWorker)
	aheadPerWorker = 1
	in := townInput(t, testConfig())
	if len(in.Config.Villages) < 2 {
		t.Fatalf("the test town has %d villages; the bound needs more than one to bite", len(in.Config.Villages))
	}
	want, _ := publish(t, in, 1)
	store, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, round := range []string{"typeset", "kept"} {
		for _, workers := range []int{1, 2} {
			var sink memSink
			pub, err := Publish(context.Background(), in, sink.add, PublishOptions{Workers: workers, Cache: store, Version: "test"})
			if err != nil {
				t.Fatalf("%s, %d workers: %v", round, workers, err)
			}
			if round == "kept" && pub.Reused != len(in.Config.Villages) {
				t.Errorf("%s: %d ledgers reused, want %d", round, pub.Reused, len(in.Config.Villages))
			}
			for rel, b := range want {
				if !bytes.Equal(sink.files[rel], b) {
					t.Errorf("%s, %d workers: %s differs from a publish without the cache", round, workers, rel)
				}
			}
		}
	}
}
