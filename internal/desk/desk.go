// Package desk is the town clerk's desk in the browser: the pages
// `taizhang serve` shows on http://127.0.0.1:8765 (总览, 上传, 村（社区）,
// 生成, 催报) and the small JSON API behind them.
//
// The desk is a second face of the watch engine, not a second engine: the
// files it receives go into the inbox and are handed to the same Watcher and
// Desk (package watch) that `taizhang watch` runs, so receipts, rejections,
// the archive and the rebuilds are the folder's own. Everything the desk
// shows is computed by the code the commands run, handed in as an Engine.
//
// Every page, style sheet and script is embedded; nothing is fetched from
// the internet. The server is meant for the clerk's own PC: it checks the
// Host of every request and the Origin and token of every request that
// changes something (see security.go).
package desk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/watch"
	"github.com/taizhang/taizhang/internal/workspace"
)

// Engine is what the desk needs from the rest of the program. The CLI wires
// it to the code its own commands run, so the desk and the commands agree.
type Engine struct {
	Config *config.Config
	// Status is the value `taizhang status --json` prints.
	Status func() (*workspace.Status, error)
	// Check checks one workbook exactly as the folder's desk does.
	Check func(path string) (*watch.Verdict, error)
	// Build runs the working build (final false) or build --final, and
	// returns the document `build --json` (or `build --final --json`) prints.
	Build func(ctx context.Context, final bool, progress func(step string, done, total int)) (json.RawMessage, error)
	// Hand gives files just written into the inbox to the watcher at once.
	Hand func(ctx context.Context, paths []string) error
	// Template writes a village's form (`taizhang template`), prefilled
	// from the last build when prefill is set.
	Template func(w io.Writer, village string, prefill bool) error
	Log      io.Writer        // one line per upload; default io.Discard
	Now      func() time.Time // default time.Now
}

// Limits on uploads.
const (
	MaxUploadFiles = 20       // files in one request
	MaxFileSize    = 20 << 20 // bytes in one file: a ledger is well under 1 MB
	maxRequestSize = 64 << 20 // bytes in one request, all files together
)

// Server serves the desk. Make one with New.
type Server struct {
	eng      Engine
	addr     string // host:port the pages are served on
	loopback bool
	token    string // the CSRF token pages send back
	mux      *http.ServeMux
	hub      *hub

	mu         sync.Mutex
	snap       *snapshot
	verdicts   map[string]verdictEntry    // by path: what the desk decided, or what Check found
	digests    map[string]string          // SHA-256 by path, size and time
	tables     map[string]*table          // drawn ledgers by path, size, time and verdict
	judgements map[string]watch.Judgement // by path: the desk's last word on each file
	refresh    chan struct{}

	buildMu sync.Mutex
}

// New makes the desk for eng, served at addr (host:port as the browser
// writes it: 127.0.0.1:8765). It reads the workspace's status once, so the
// first page is ready at once.
func New(eng Engine, addr string) *Server {
	if eng.Log == nil {
		eng.Log = io.Discard
	}
	if eng.Now == nil {
		eng.Now = time.Now
	}
	tok := make([]byte, 16)
	rand.Read(tok)
	s := &Server{
		eng: eng, addr: addr, loopback: isLoopback(addr), token: hex.EncodeToString(tok),
		hub: newHub(), verdicts: map[string]verdictEntry{}, judgements: map[string]watch.Judgement{}, refresh: make(chan struct{}, 1),
	}
	s.snap = s.load()
	s.routes()
	return s
}

// Token is the CSRF token state-changing requests from a browser carry in
// the X-Taizhang-Token header (the pages read it from their <meta>).
func (s *Server) Token() string { return s.token }

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.overview)
	m.HandleFunc("GET /upload", s.uploadPage)
	m.HandleFunc("GET /village/{name}", s.villagePage)
	m.HandleFunc("GET /village/{name}/template", s.template)
	m.HandleFunc("GET /build", s.buildPage)
	m.HandleFunc("GET /remind", s.remindPage)
	m.HandleFunc("GET /files/{path...}", s.file)
	m.HandleFunc("GET /assets/{name}", s.asset)
	m.HandleFunc("GET /api/status", s.apiStatus)
	m.HandleFunc("POST /api/upload", s.apiUpload)
	m.HandleFunc("POST /api/build", s.apiBuild)
	m.HandleFunc("GET /api/events", s.apiEvents)
	m.HandleFunc("/", notFound) // in Chinese, also for a wrong method
	s.mux = m
}

// notFound answers a page the desk does not have, in Chinese (the
// standard library's answers are in English).
func notFound(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "没有这个页面或文件。请从工作台的总览页进入。", http.StatusNotFound)
}

// ServeHTTP checks every request (security.go) before it reaches a page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.guard(s.mux).ServeHTTP(w, r)
}

// Run refreshes what the pages show whenever the engine says something
// changed, and every RefreshInterval besides (a file deleted from the inbox
// by hand tells nobody), until ctx ends.
func (s *Server) Run(ctx context.Context) {
	tick := time.NewTicker(RefreshInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			s.hub.close()
			return
		case <-s.refresh:
			s.refreshNow()
		case <-tick.C:
			s.refreshNow()
		}
	}
}

// RefreshInterval is how often Run reads the status when nothing told it
// of a change.
const RefreshInterval = 20 * time.Second

// changed asks Run to read the status again.
func (s *Server) changed() {
	select {
	case s.refresh <- struct{}{}:
	default:
	}
}

// Judged is the watch Desk's OnJudged: a file was received, returned or
// archived.
func (s *Server) Judged(j watch.Judgement) {
	s.remember(j.Path, j.Verdict)
	s.mu.Lock()
	s.judgements[j.Path] = j
	s.mu.Unlock()
	s.hub.send("judged", map[string]any{"village": j.Village, "file": filepath.Base(j.Path), "accepted": j.Accepted, "archived": j.Archived,
		"errors": j.Verdict.Errors(), "warnings": j.Verdict.Warnings()})
	s.changed()
	if !j.Archived {
		go s.table(j.Path, j.Verdict) // drawn now, so the village page opens at once
	}
}

// Built is the watch Desk's OnBuild: an automatic rebuild ended.
func (s *Server) Built(summary string, err error) {
	ev := map[string]any{"ok": err == nil, "summary": summary}
	if err != nil {
		ev["error"] = err.Error()
	}
	s.hub.send("build", ev)
	s.changed()
}

// refreshNow reads the status again and tells the pages to redraw. An
// upload or a build calls it before answering, so the page that asked sees
// its own change.
func (s *Server) refreshNow() {
	snap := s.load()
	s.mu.Lock()
	s.snap = snap
	s.mu.Unlock()
	s.hub.send("status", map[string]any{"at": snap.at.Format(time.RFC3339)})
}
