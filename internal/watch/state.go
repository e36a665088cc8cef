package watch

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/taizhang/taizhang/internal/output"
)

// StateFile is the desk's bookkeeping in its state folder (config.StateDir).
const StateFile = "watch.json"

// deskState is what the desk keeps between runs.
type deskState struct {
	// Received is the first time the desk received each file, keyed by
	// fileKey. A receipt is proof of on-time submission, so restarting
	// the desk never moves it.
	Received map[string]time.Time `json:"received"`
}

// fileKey names one file by its content and its name: the same workbook
// sent again under the same name is the same submission.
func fileKey(digest, name string) string { return digest + " " + name }

// Digest is the SHA-256 of a file, in hex.
func Digest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (d *Desk) statePath() string { return filepath.Join(d.State, StateFile) }

// loadState reads the state once; a missing file is a first run, an
// unreadable one is said in the log and started afresh (the old one is
// kept beside it).
func (d *Desk) loadState() {
	if d.state != nil {
		return
	}
	d.state = &deskState{Received: map[string]time.Time{}}
	if d.State == "" {
		return
	}
	b, err := os.ReadFile(d.statePath())
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err == nil {
		err = json.Unmarshal(b, d.state)
	}
	if err != nil || d.state.Received == nil {
		d.state = &deskState{Received: map[string]time.Time{}}
		kept := d.statePath() + ".bad"
		os.Rename(d.statePath(), kept)
		d.logf("收件记录 %s 无法读取，已另存为 %s，从现在起重新记录收到时间", d.rel(d.statePath()), filepath.Base(kept))
	}
}

func (d *Desk) saveState() {
	if d.State == "" {
		return
	}
	b, err := json.MarshalIndent(d.state, "", "  ")
	if err == nil {
		err = output.MkdirHidden(d.State) // hidden on Windows, like the rest of the tool's bookkeeping
	}
	if err == nil {
		err = output.WriteFile(d.statePath(), func(w io.Writer) error { _, err := w.Write(b); return err })
	}
	if err != nil {
		d.logf("无法保存收件记录 %s（%s）：重新启动后回执上的收到时间可能变成启动时间", d.rel(d.statePath()), reason(err))
	}
}

// received returns the first time the desk received the file with this
// digest and name, recording now when it is new.
func (d *Desk) received(digest, name string) time.Time {
	d.loadState()
	if digest == "" {
		return d.now()
	}
	k := fileKey(digest, name)
	if t, ok := d.state.Received[k]; ok {
		return t
	}
	t := d.now()
	d.state.Received[k] = t
	d.saveState()
	return t
}
