// Package watch is the folder-drop loop of the clerk's desk: a Watcher sees
// workbooks arrive in the inbox and says when each is completely written; a
// Desk checks each ready workbook, writes its receipt or its rejection, files
// superseded submissions away and rebuilds the outputs once things go quiet.
//
// fsnotify has no "write finished" event and misses network shares, so the
// Watcher does not trust events: they only make it look sooner. A file is
// ready when its size and modification time have stayed the same for the
// settle time across at least two scans, and it opens (an xlsx also has to
// read as a whole zip, which a half-copied one does not). A periodic rescan
// catches what events miss. Time is injectable, so tests drive Scan directly.
package watch

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Defaults of a Watcher.
const (
	DefaultInterval = 2 * time.Second
	// DefaultGiveUp is how many settled scans a file that never reads as a
	// whole zip is held back before it is handed on anyway (to be rejected
	// as damaged instead of waiting for ever).
	DefaultGiveUp = 5
)

// Watcher finds completely written files in one folder (not its
// subfolders).
type Watcher struct {
	Dir      string
	Interval time.Duration           // between periodic scans; default DefaultInterval
	Settle   time.Duration           // how long size and mtime must hold; default Interval
	Now      func() time.Time        // default time.Now
	Ignore   func(name string) bool  // default Ignored
	OnReady  func(paths []string)    // a batch of newly ready files, in name order
	OnGone   func(paths []string)    // files handed on earlier that have left the folder
	OnIdle   func()                  // after a scan that left nothing unsettled
	OnError  func(err error)         // a folder that cannot be read; default: ignored
	Open     func(path string) error // the "it opens" test; default Complete

	files map[string]*tracked
	once  sync.Once
	hands chan handReq // Hand's requests, served by Run
}

// handReq is one call of Hand waiting for Run.
type handReq struct {
	paths []string
	done  chan struct{}
}

func (w *Watcher) handCh() chan handReq {
	w.once.Do(func() { w.hands = make(chan handReq) })
	return w.hands
}

// Hand gives files known to be whole (an upload written by this program) to
// OnReady at once, without waiting for them to settle, and marks them handed
// on so that no later scan hands them again. It runs on the goroutine
// running Run, like every other callback, and returns when OnReady has
// returned or ctx ends.
func (w *Watcher) Hand(ctx context.Context, paths []string) error {
	req := handReq{paths: paths, done: make(chan struct{})}
	select {
	case w.handCh() <- req:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-req.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// handNow is Hand's work, on Run's goroutine.
func (w *Watcher) handNow(paths []string) {
	if w.files == nil {
		w.files = map[string]*tracked{}
	}
	now := w.now()
	var ready []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		sig := signature{info.Size(), info.ModTime()}
		w.files[p] = &tracked{sig: sig, since: now, scans: 2, taken: sig, present: true}
		ready = append(ready, p)
	}
	sort.Strings(ready)
	if len(ready) > 0 && w.OnReady != nil {
		w.OnReady(ready)
	}
}

// tracked is what the Watcher knows of one file.
type tracked struct {
	sig     signature // last seen
	since   time.Time // when sig was first seen
	scans   int       // scans that saw sig unchanged, the first included
	held    int       // settled scans on which Open failed
	taken   signature // what was last handed on (never: size -1)
	present bool
}

type signature struct {
	size  int64
	mtime time.Time
}

var never = signature{size: -1}

func (w *Watcher) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Watcher) interval() time.Duration {
	if w.Interval > 0 {
		return w.Interval
	}
	return DefaultInterval
}

func (w *Watcher) settle() time.Duration {
	if w.Settle > 0 {
		return w.Settle
	}
	return w.interval()
}

// Ignored reports whether a file name is never a submission: Excel and WPS
// lock files (~$x.xlsx), LibreOffice lock files (.~lock.x.xlsx#), temporary
// files (*.tmp), hidden files (Taizhang's own lock and temporaries start
// with a dot) and Windows folder litter.
func Ignored(name string) bool {
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(name, "~$"),
		strings.HasPrefix(name, ".~lock.") && strings.HasSuffix(name, "#"),
		strings.HasSuffix(lower, ".tmp"),
		strings.HasPrefix(name, "."),
		strings.HasPrefix(name, "~"),
		lower == "thumbs.db", lower == "desktop.ini":
		return true
	}
	return false
}

// Scan looks at the folder once and hands every newly ready file to
// OnReady, then calls OnIdle when no file is still being written. It
// returns the ready files too.
func (w *Watcher) Scan() []string {
	if w.files == nil {
		w.files = map[string]*tracked{}
	}
	ignore := w.Ignore
	if ignore == nil {
		ignore = Ignored
	}
	open := w.Open
	if open == nil {
		open = Complete
	}
	now := w.now()
	ents, err := os.ReadDir(w.Dir)
	if err != nil {
		if w.OnError != nil {
			w.OnError(fmt.Errorf("无法读取收件箱“%s”：%w", w.Dir, err))
		}
		return nil
	}
	for _, t := range w.files {
		t.present = false
	}
	var ready []string
	busy := false
	for _, e := range ents {
		if e.IsDir() || ignore(e.Name()) {
			continue
		}
		path := filepath.Join(w.Dir, e.Name())
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue // gone since ReadDir, or a link to somewhere odd
		}
		sig := signature{info.Size(), info.ModTime()}
		t := w.files[path]
		if t == nil {
			t = &tracked{sig: sig, since: now, taken: never}
			w.files[path] = t
		} else if t.sig != sig {
			t.sig, t.since, t.scans, t.held = sig, now, 0, 0
		}
		t.present = true
		t.scans++
		if t.sig == t.taken {
			continue // handed on already, unchanged since
		}
		if t.scans < 2 || now.Sub(t.since) < w.settle() {
			busy = true
			continue
		}
		if err := opens(open, path, sig); err != nil {
			t.held++
			if t.held < DefaultGiveUp {
				busy = true
				continue
			}
		}
		t.taken = t.sig
		ready = append(ready, path)
	}
	var gone []string
	for p, t := range w.files {
		if !t.present {
			if t.taken != never {
				gone = append(gone, p)
			}
			delete(w.files, p)
		}
	}
	sort.Strings(gone)
	if len(gone) > 0 && w.OnGone != nil {
		w.OnGone(gone)
	}
	sort.Strings(ready)
	if len(ready) > 0 && w.OnReady != nil {
		w.OnReady(ready)
	}
	if !busy && w.OnIdle != nil {
		w.OnIdle()
	}
	return ready
}

// opens applies the "it opens" test; an empty file never passes it (a copy
// that has not started yet), until the Watcher gives up waiting.
func opens(open func(string) error, path string, sig signature) error {
	if sig.size == 0 {
		return errors.New("empty")
	}
	return open(path)
}

// Forget makes the Watcher treat path as never seen (after the Desk moved it
// away, or to take it again).
func (w *Watcher) Forget(path string) { delete(w.files, path) }

// Complete is the default "it opens" test: the file opens for reading (on
// Windows a file still being copied does not), and a file that starts like a
// zip (xlsx) reads as a whole one, central directory included, which a
// half-written zip does not.
func Complete(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	if n < 2 || !bytes.Equal(head[:2], []byte("PK")) {
		return nil // not a zip: the checker will say what it is
	}
	st, err := f.Stat()
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return fmt.Errorf("not a whole zip yet: %w", err)
	}
	if len(zr.File) == 0 {
		return errors.New("empty zip")
	}
	return nil
}

// Run scans at once, then on every fsnotify event in the folder (shortly
// after, so a burst of events makes one scan) and at every Interval, until
// ctx ends. An fsnotify failure is not fatal: the periodic scan still runs
// (network shares give no events at all).
func (w *Watcher) Run(ctx context.Context) error {
	var events <-chan fsnotify.Event
	var errs <-chan error
	if fw, err := fsnotify.NewWatcher(); err == nil {
		defer fw.Close()
		if err := fw.Add(w.Dir); err == nil {
			events, errs = fw.Events, fw.Errors
		}
	}
	tick := time.NewTicker(w.interval())
	defer tick.Stop()
	soon := time.NewTimer(time.Hour)
	soon.Stop()
	defer soon.Stop()
	hands := w.handCh()
	w.Scan()
	for {
		select {
		case <-ctx.Done():
			return nil
		case req := <-hands:
			w.handNow(req.paths)
			close(req.done)
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if Ignored(filepath.Base(ev.Name)) {
				continue
			}
			soon.Reset(w.interval() / 4)
		case _, ok := <-errs:
			if !ok {
				errs = nil
			}
		case <-soon.C:
			w.Scan()
		case <-tick.C:
			w.Scan()
		}
	}
}
