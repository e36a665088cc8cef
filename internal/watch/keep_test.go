package watch

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/ledger"
)

// TestRestartKeepsTheFirstReceiptTime: a receipt is proof of on-time
// submission. The desk receives a file, is stopped, and a new desk over the
// same state starts hours later: the receipt still gives the first time.
// A changed file under the same name is a new submission with a new time.
func TestRestartKeepsTheFirstReceiptTime(t *testing.T) {
	inbox, out := t.TempDir(), t.TempDir()
	state := filepath.Join(out, ".taizhang")
	c := newClock() // 09:12
	fc := fakeCheck{"大布村整改台账.xlsx": {Village: "大布村", Items: items("大布村", 30)}}
	var builds [][]string
	d, _ := newDesk(t, out, c, fc, &builds)
	d.State = state
	src := filepath.Join(inbox, "大布村整改台账.xlsx")
	os.WriteFile(src, workbook(t, 3), 0o644)
	d.Take([]string{src})
	receipt := filepath.Join(out, ReceiptDir, "大布村-回执.txt")
	first, err := os.ReadFile(receipt)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(first), "收到时间：2025年9月10日 09:12") {
		t.Fatalf("receipt:\n%s", first)
	}

	// Restart: a new desk, the clock a day and a half later.
	c.Add(36 * time.Hour)
	d2, _ := newDesk(t, out, c, fc, &builds)
	d2.State = state
	d2.Take([]string{src})
	again, err := os.ReadFile(receipt)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, first) {
		t.Errorf("restart rewrote the receipt:\nbefore\n%s\nafter\n%s", first, again)
	}
	if at, ok := d2.ReceivedAt(src); !ok || !at.Equal(time.Date(2025, 9, 10, 9, 12, 0, 0, time.Local)) {
		t.Errorf("ReceivedAt = %v, %v", at, ok)
	}
	// Nothing of this is kept in the inbox.
	if ents, _ := os.ReadDir(inbox); len(ents) != 1 {
		t.Errorf("inbox holds %v", ents)
	}
	if _, err := os.Stat(filepath.Join(state, StateFile)); err != nil {
		t.Errorf("no state kept: %v", err)
	}

	// The village sends a corrected file under the same name: new time.
	os.WriteFile(src, workbook(t, 4), 0o644)
	d2.Take([]string{src})
	fixed, _ := os.ReadFile(receipt)
	if !strings.Contains(string(fixed), "收到时间：2025年9月11日 21:12") {
		t.Errorf("a changed file kept the old time:\n%s", fixed)
	}
}

// TestUnreadableStateIsSaidAndStartedAfresh: a damaged state file does not
// stop the desk; the log says so and the old file is kept aside.
func TestUnreadableStateIsSaidAndStartedAfresh(t *testing.T) {
	inbox, out := t.TempDir(), t.TempDir()
	state := filepath.Join(out, ".taizhang")
	os.MkdirAll(state, 0o755)
	os.WriteFile(filepath.Join(state, StateFile), []byte("{坏"), 0o644)
	c := newClock()
	var builds [][]string
	d, log := newDesk(t, out, c, fakeCheck{"茅湾村.xlsx": {Village: "茅湾村", Items: items("茅湾村", 1)}}, &builds)
	d.State = state
	src := filepath.Join(inbox, "茅湾村.xlsx")
	os.WriteFile(src, []byte("x"), 0o644)
	d.Take([]string{src})
	if !strings.Contains(log.String(), "无法读取") {
		t.Errorf("log:\n%s", log)
	}
	if _, err := os.Stat(filepath.Join(state, StateFile+".bad")); err != nil {
		t.Error("the damaged state was not kept aside")
	}
	if len(d.Accepted()) != 1 {
		t.Error("file not accepted")
	}
}

// archiveSetup drops an older and a newer accepted file of one village.
func archiveSetup(t *testing.T) (d *Desk, log *bytes.Buffer, older, newer, out string) {
	inbox := t.TempDir()
	out = t.TempDir()
	c := newClock()
	fc := fakeCheck{
		"大布村整改台账.xlsx":     {Village: "大布村", Items: items("大布村", 30)},
		"大布村整改台账（修改）.xlsx": {Village: "大布村", Items: items("大布村", 32)},
	}
	var builds [][]string
	d, log = newDesk(t, out, c, fc, &builds)
	older = filepath.Join(inbox, "大布村整改台账.xlsx")
	newer = filepath.Join(inbox, "大布村整改台账（修改）.xlsx")
	os.WriteFile(older, []byte("old"), 0o644)
	os.WriteFile(newer, []byte("new"), 0o644)
	t0 := time.Date(2025, 9, 9, 8, 0, 0, 0, time.Local)
	os.Chtimes(older, t0, t0)
	os.Chtimes(newer, t0.Add(time.Hour), t0.Add(time.Hour))
	return d, log, older, newer, out
}

func archived(t *testing.T, out string) []string {
	t.Helper()
	ents, _ := os.ReadDir(filepath.Join(out, ArchiveDir))
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestArchiveOfAFileHeldOpenIsAllOrNothing: the rename fails (another
// drive) and so does removing the file from the inbox (Excel holds it, as
// Windows refuses): the copy made in the archive is removed again, the file
// is in exactly one place, the log says so in Chinese, and the older file
// is no longer summed up. Once it can be removed, the next quiet moment
// archives it.
func TestArchiveOfAFileHeldOpenIsAllOrNothing(t *testing.T) {
	d, log, older, newer, out := archiveSetup(t)
	held := true
	d.ops = fileOps{
		rename: func(a, b string) error {
			return &os.LinkError{Op: "rename", Old: a, New: b, Err: errors.New("invalid cross-device link")}
		},
		remove: func(p string) error {
			if held && p == older {
				return &os.PathError{Op: "remove", Path: p, Err: os.ErrPermission}
			}
			return os.Remove(p)
		},
	}
	d.Take([]string{older})
	if a := d.Take([]string{newer}); len(a) != 0 {
		t.Fatalf("reported archived: %v", a)
	}
	if b, err := os.ReadFile(older); err != nil || string(b) != "old" {
		t.Fatalf("older file not in the inbox whole: %v", err)
	}
	if names := archived(t, out); len(names) != 0 {
		t.Fatalf("a copy was left in the archive: %v", names)
	}
	if acc := d.Accepted(); len(acc) != 1 || acc[0] != newer {
		t.Errorf("accepted = %v, want only the newer file", acc)
	}
	l := log.String()
	if !strings.Contains(l, "无法移到归档") || !strings.Contains(l, "已撤销复制的那份") || !strings.Contains(l, "不再汇总") {
		t.Errorf("log does not say what happened:\n%s", l)
	}
	if strings.Contains(l, "permission denied") || strings.Contains(l, "cross-device") {
		t.Errorf("English in the log:\n%s", l)
	}
	// Retrying while still held says nothing more.
	n := strings.Count(l, "无法移到归档")
	d.Idle()
	if strings.Count(log.String(), "无法移到归档") != n {
		t.Errorf("the failure is logged again on every retry:\n%s", log)
	}
	// Excel closed: the next quiet moment moves it.
	held = false
	d.Idle()
	if _, err := os.Stat(older); !os.IsNotExist(err) {
		t.Error("older file still in the inbox after the retry")
	}
	if names := archived(t, out); len(names) != 1 || !strings.HasSuffix(names[0], "大布村整改台账.xlsx") {
		t.Errorf("archive holds %v", names)
	}
	if b, _ := os.ReadFile(filepath.Join(out, ArchiveDir, archived(t, out)[0])); string(b) != "old" {
		t.Error("archived copy differs")
	}
}

// TestLateOlderFileThatCannotBeArchivedIsNotReceived: an older file
// dropped after the newer one, which cannot be moved, gets no receipt and
// is not summed up.
func TestLateOlderFileThatCannotBeArchivedIsNotReceived(t *testing.T) {
	d, _, older, newer, out := archiveSetup(t)
	d.ops = fileOps{
		rename: func(a, b string) error { return os.ErrPermission },
		remove: func(p string) error { return os.ErrPermission },
	}
	d.Take([]string{newer})
	d.Take([]string{older})
	if acc := d.Accepted(); len(acc) != 1 || acc[0] != newer {
		t.Errorf("accepted = %v", acc)
	}
	rc, _ := os.ReadFile(filepath.Join(out, ReceiptDir, "大布村-回执.txt"))
	if !strings.Contains(string(rc), "（修改）") {
		t.Errorf("receipt is not the newer file's:\n%s", rc)
	}
	if _, err := os.Stat(older); err != nil {
		t.Error("older file lost")
	}
}

// TestCrossDeviceMoveCopiesThenRemoves: a rename that fails (another
// drive) is a copy and a removal, with the modification time kept.
func TestCrossDeviceMoveCopiesThenRemoves(t *testing.T) {
	d, _, older, newer, out := archiveSetup(t)
	d.ops = fileOps{rename: func(a, b string) error { return errors.New("cross-device") }}
	d.Take([]string{older})
	if a := d.Take([]string{newer}); len(a) != 1 {
		t.Fatalf("archived = %v", a)
	}
	if _, err := os.Stat(older); !os.IsNotExist(err) {
		t.Error("older file still in the inbox")
	}
	names := archived(t, out)
	if len(names) != 1 || !strings.HasPrefix(names[0], "2025-09-09_0800_") {
		t.Fatalf("archive holds %v", names)
	}
	st, _ := os.Stat(filepath.Join(out, ArchiveDir, names[0]))
	if !st.ModTime().Equal(time.Date(2025, 9, 9, 8, 0, 0, 0, time.Local)) {
		t.Errorf("mtime = %v", st.ModTime())
	}
}

// TestRejectionIsClearedWhenItsFileIsGone: the rejection of a file fixed in
// place, of a file taken out of the inbox, of a file archived, and one left
// from a run when the file was removed while the desk was stopped, are all
// cleared; a rejection whose file is still there stays.
func TestRejectionIsClearedWhenItsFileIsGone(t *testing.T) {
	inbox, out := t.TempDir(), t.TempDir()
	c := newClock()
	bad := func(name string) *Verdict {
		return &Verdict{Village: GuessVillage(name, []string{"大布村", "塘敢村", "茅湾村"}), Diagnostics: []ledger.Diagnostic{{Severity: ledger.Error, File: name, Message: "缺少“整改时限”列"}}}
	}
	fc := fakeCheck{"大布村.xlsx": bad("大布村.xlsx"), "塘敢村.xlsx": bad("塘敢村.xlsx"), "茅湾村.xlsx": bad("茅湾村.xlsx")}
	var builds [][]string
	d, _ := newDesk(t, out, c, fc, &builds)
	text := func(stem string) string { return filepath.Join(out, RejectDir, stem+"-退回说明.txt") }
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	paths := map[string]string{}
	for n := range fc {
		paths[n] = filepath.Join(inbox, n)
		os.WriteFile(paths[n], []byte(n), 0o644)
		d.Take([]string{paths[n]})
		if !exists(text(strings.TrimSuffix(n, ".xlsx"))) {
			t.Fatalf("no rejection for %s", n)
		}
	}
	// 大布村 fixes its file in place.
	fc["大布村.xlsx"] = &Verdict{Village: "大布村", Items: items("大布村", 3)}
	d.Take([]string{paths["大布村.xlsx"]})
	if exists(text("大布村")) {
		t.Error("the rejection of a file since fixed is still there")
	}
	// 塘敢村's file is taken out of the inbox.
	os.Remove(paths["塘敢村.xlsx"])
	d.Gone([]string{paths["塘敢村.xlsx"]})
	if exists(text("塘敢村")) {
		t.Error("the rejection of a file taken away is still there")
	}
	if !exists(text("茅湾村")) {
		t.Error("the rejection of a file still in the inbox was removed")
	}
	// While the desk is stopped, 茅湾村's file is taken away; a new desk
	// sweeps its rejection at the start, and leaves the clerk's own files.
	os.Remove(paths["茅湾村.xlsx"])
	own := filepath.Join(out, RejectDir, "给茅湾村的电话记录.txt")
	os.WriteFile(own, []byte("x"), 0o644)
	d2, log := newDesk(t, out, c, fc, &builds)
	d2.Sweep(inbox)
	if exists(text("茅湾村")) {
		t.Error("a stale rejection survived the restart")
	}
	if !exists(own) {
		t.Error("the sweep removed a file that is not the desk's")
	}
	if !strings.Contains(log.String(), "过时的退回材料") {
		t.Errorf("log:\n%s", log)
	}

	// A rejected file replaced by a newer good one of its village is
	// archived, and its rejection goes with it.
	old := filepath.Join(inbox, "茅湾村.xlsx")
	os.WriteFile(old, []byte("old"), 0o644)
	t0 := time.Date(2025, 9, 9, 8, 0, 0, 0, time.Local)
	os.Chtimes(old, t0, t0)
	d2.Take([]string{old})
	if !exists(text("茅湾村")) {
		t.Fatal("no rejection for 茅湾村.xlsx")
	}
	good := filepath.Join(inbox, "茅湾村（改）.xlsx")
	os.WriteFile(good, []byte("new"), 0o644)
	fc["茅湾村（改）.xlsx"] = &Verdict{Village: "茅湾村", Items: items("茅湾村", 2)}
	if a := d2.Take([]string{good}); len(a) != 1 || a[0] != old {
		t.Fatalf("archived = %v", a)
	}
	if exists(text("茅湾村")) {
		t.Error("the rejection of an archived file is still there")
	}
}

// TestOlderFileHeldOpenCountsAgainWhenTheNewerTurnsBad: the older file of
// a village could not be archived and was left out; the village then
// overwrites the newer one with a bad file. The older, still good and
// still in the inbox, is summed up again rather than leaving the village
// with nothing.
func TestOlderFileHeldOpenCountsAgainWhenTheNewerTurnsBad(t *testing.T) {
	d, _, older, newer, _ := archiveSetup(t)
	d.ops = fileOps{
		rename: func(a, b string) error { return os.ErrPermission },
		remove: func(p string) error { return os.ErrPermission },
	}
	d.Take([]string{older})
	d.Take([]string{newer})
	if acc := d.Accepted(); len(acc) != 1 || acc[0] != newer {
		t.Fatalf("accepted = %v", acc)
	}
	d.Check = func(p string) (*Verdict, error) {
		if p == newer {
			return &Verdict{Village: "大布村", Diagnostics: []ledger.Diagnostic{{Severity: ledger.Error, Message: "缺少“整改时限”列"}}}, nil
		}
		return &Verdict{Village: "大布村", Items: items("大布村", 30)}, nil
	}
	d.Take([]string{newer})
	if acc := d.Accepted(); len(acc) != 1 || acc[0] != older {
		t.Errorf("accepted = %v, want the older good file back", acc)
	}
	if !d.Pending() {
		t.Error("no rebuild owed")
	}
}
