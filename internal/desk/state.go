package desk

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/taizhang/taizhang/internal/annotate"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/output"
	"github.com/taizhang/taizhang/internal/pipeline"
	"github.com/taizhang/taizhang/internal/watch"
	"github.com/taizhang/taizhang/internal/workspace"
)

// snapshot is what the pages show, read again after every change so that a
// page load only renders it.
type snapshot struct {
	at     time.Time
	status *workspace.Status
	err    error                // the status could not be read
	stats  *consolidate.Summary // the last build's statistics; nil before the first
	built  time.Time            // when the last build was written
	files  []output.File        // what the last build wrote
}

// lastBuild is the part of 汇总台账.json the overview needs.
type lastBuild struct {
	Statistics *consolidate.Summary `json:"statistics"`
}

func (s *Server) load() *snapshot {
	snap := &snapshot{at: s.eng.Now()}
	snap.status, snap.err = s.eng.Status()
	out := s.eng.Config.OutDir()
	if b, err := os.ReadFile(filepath.Join(out, pipeline.SnapshotName)); err == nil {
		var lb lastBuild
		if json.Unmarshal(b, &lb) == nil {
			snap.stats = lb.Statistics
		}
	}
	if b, err := os.ReadFile(filepath.Join(out, pipeline.ManifestName)); err == nil {
		var m pipeline.Manifest
		if json.Unmarshal(b, &m) == nil {
			snap.files = m.Outputs
		}
		if st, err := os.Stat(filepath.Join(out, pipeline.ManifestName)); err == nil {
			snap.built = st.ModTime()
		}
	}
	return snap
}

func (s *Server) current() *snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snap
}

// verdictEntry is a verdict and the file it was made of.
type verdictEntry struct {
	size    int64
	mtime   time.Time
	verdict *watch.Verdict
}

// remember keeps what the desk found about a file in the inbox.
func (s *Server) remember(path string, v *watch.Verdict) {
	st, err := os.Stat(path)
	if err != nil || v == nil {
		return
	}
	s.mu.Lock()
	s.verdicts[path] = verdictEntry{st.Size(), st.ModTime(), v}
	s.mu.Unlock()
}

// verdict is what checking a file finds, checked again only when the file
// changed.
func (s *Server) verdict(path string) (*watch.Verdict, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	e, ok := s.verdicts[path]
	s.mu.Unlock()
	if ok && e.size == st.Size() && e.mtime.Equal(st.ModTime()) {
		return e.verdict, nil
	}
	v, err := s.eng.Check(path)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.verdicts[path] = verdictEntry{st.Size(), st.ModTime(), v}
	s.mu.Unlock()
	return v, nil
}

// hub sends server-sent events to every open page.
type hub struct {
	mu   sync.Mutex
	subs map[chan []byte]bool
	done bool
}

func newHub() *hub { return &hub{subs: map[chan []byte]bool{}} }

func (h *hub) subscribe() chan []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := make(chan []byte, 32)
	if h.done {
		close(c)
		return c
	}
	h.subs[c] = true
	return c
}

func (h *hub) unsubscribe(c chan []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[c] {
		delete(h.subs, c)
		close(c)
	}
}

// send gives every page the event; a page that is not reading loses it
// rather than holding up the desk.
func (h *hub) send(event string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		return
	}
	msg := []byte(fmt.Sprintf("event: %s\ndata: %s\n\n", event, b))
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs {
		select {
		case c <- msg:
		default:
		}
	}
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.done = true
	for c := range h.subs {
		delete(h.subs, c)
		close(c)
	}
}

// counts is a village's figures from the last build, if it has any.
func (snap *snapshot) counts(village string) (consolidate.Counts, bool) {
	if snap.stats == nil {
		return consolidate.Counts{}, false
	}
	vc, ok := snap.stats.Village(village)
	return vc.Counts, ok
}

// villageStatus finds a village in the status.
func (snap *snapshot) villageStatus(name string) (workspace.VillageStatus, bool) {
	if snap.status == nil {
		return workspace.VillageStatus{}, false
	}
	for _, v := range snap.status.Villages {
		if v.Name == name {
			return v, true
		}
	}
	return workspace.VillageStatus{}, false
}

// firstErrors lists up to n of a file's errors as a clerk reads them.
func firstErrors(ds []ledger.Diagnostic, n int) []string {
	var out []string
	for _, d := range ds {
		if d.Severity == ledger.Error && len(out) < n {
			out = append(out, annotate.Where(d)+d.Message)
		}
	}
	return out
}
