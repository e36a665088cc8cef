package watch

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/ledger"
)

// clock is a fake time source tests move by hand.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time      { return c.t }
func (c *clock) Add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{time.Date(2025, 9, 10, 9, 12, 0, 0, time.Local)} }
func newWatcher(dir string, c *clock) *Watcher {
	return &Watcher{Dir: dir, Interval: 2 * time.Second, Now: c.Now}
}

// workbook returns the bytes of a small real xlsx with a ledger-like sheet.
func workbook(t *testing.T, rows int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "台账")
	f.SetSheetRow("台账", "A1", &[]any{"序号", "巡察反馈问题", "整改措施", "整改状态"})
	for r := 2; r < rows+2; r++ {
		f.SetSheetRow("台账", "A"+strconv.Itoa(r), &[]any{r - 1, strings.Repeat("反馈问题", 20), strings.Repeat("整改措施", 30), "已完成"})
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFileCopiedInTwoHalvesIsNotTakenHalfWritten(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	w := newWatcher(dir, c)
	idle := 0
	w.OnIdle = func() { idle++ }
	var got []string
	w.OnReady = func(p []string) { got = append(got, p...) }

	data := workbook(t, 200)
	path := filepath.Join(dir, "大布村整改台账.xlsx")
	half := len(data) / 2
	if err := os.WriteFile(path, data[:half], 0o644); err != nil {
		t.Fatal(err)
	}
	// The copy pauses for longer than the settle time: size and mtime hold
	// still over several scans, but the file is not a whole zip yet.
	for i := 0; i < DefaultGiveUp-1; i++ {
		w.Scan()
		c.Add(3 * time.Second)
	}
	if len(got) != 0 {
		t.Fatalf("half-written file taken: %v", got)
	}
	if idle != 0 {
		t.Fatalf("OnIdle called %d times while a file was being written", idle)
	}
	// The second half arrives.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(data[half:])
	f.Close()
	future := time.Now().Add(time.Minute) // make sure mtime differs on coarse file systems
	os.Chtimes(path, future, future)
	w.Scan()
	if len(got) != 0 {
		t.Fatalf("taken on the scan that first saw it whole: %v", got)
	}
	c.Add(3 * time.Second)
	w.Scan()
	if len(got) != 1 || got[0] != path {
		t.Fatalf("ready = %v, want the whole file", got)
	}
	if b, _ := os.ReadFile(got[0]); !bytes.Equal(b, data) {
		t.Fatal("taken file is not the whole file")
	}
	if idle == 0 {
		t.Error("OnIdle not called once the inbox settled")
	}
	// Taken once only.
	c.Add(3 * time.Second)
	if again := w.Scan(); len(again) != 0 {
		t.Errorf("taken twice: %v", again)
	}
}

func TestFileMustStaySettledForTheSettleTime(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	w := newWatcher(dir, c)
	os.WriteFile(filepath.Join(dir, "a.xlsx"), workbook(t, 2), 0o644)
	if r := w.Scan(); len(r) != 0 {
		t.Fatalf("taken on first sight: %v", r)
	}
	c.Add(time.Second) // a second scan, but too soon (an fsnotify event)
	if r := w.Scan(); len(r) != 0 {
		t.Fatalf("taken before the settle time: %v", r)
	}
	c.Add(time.Second)
	if r := w.Scan(); len(r) != 1 {
		t.Fatalf("not taken after settling: %v", r)
	}
}

func TestIgnoredFiles(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	w := newWatcher(dir, c)
	for _, n := range []string{"~$大布村.xlsx", ".~lock.大布村.xlsx#", "下载中.tmp", ".taizhang.lock", "Thumbs.db", "大布村.xlsx"} {
		os.WriteFile(filepath.Join(dir, n), workbook(t, 1), 0o644)
	}
	os.Mkdir(filepath.Join(dir, "子文件夹"), 0o755)
	w.Scan()
	c.Add(3 * time.Second)
	got := w.Scan()
	if len(got) != 1 || filepath.Base(got[0]) != "大布村.xlsx" {
		t.Errorf("ready = %v, want only 大布村.xlsx", got)
	}
}

func TestRewrittenFileIsTakenAgainAndDeletedOneIsGone(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	w := newWatcher(dir, c)
	var gone []string
	w.OnGone = func(p []string) { gone = append(gone, p...) }
	p := filepath.Join(dir, "大布村.xlsx")
	os.WriteFile(p, workbook(t, 1), 0o644)
	w.Scan()
	c.Add(3 * time.Second)
	if len(w.Scan()) != 1 {
		t.Fatal("not taken")
	}
	os.WriteFile(p, workbook(t, 5), 0o644)
	w.Scan()
	c.Add(3 * time.Second)
	if r := w.Scan(); len(r) != 1 {
		t.Fatalf("rewritten file not taken again: %v", r)
	}
	os.Remove(p)
	w.Scan()
	if len(gone) != 1 || gone[0] != p {
		t.Errorf("gone = %v", gone)
	}
}

func TestEmptyOrDamagedFileIsHandedOnAfterGivingUp(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	w := newWatcher(dir, c)
	os.WriteFile(filepath.Join(dir, "坏.xlsx"), []byte("PK\x03\x04 not really a zip"), 0o644)
	var got []string
	for i := 0; i < DefaultGiveUp+2 && len(got) == 0; i++ {
		got = w.Scan()
		c.Add(3 * time.Second)
	}
	if len(got) != 1 {
		t.Fatal("a damaged file is held back for ever")
	}
}

// fakeCheck judges files by a table keyed by base name.
type fakeCheck map[string]*Verdict

func (f fakeCheck) check(path string) (*Verdict, error) {
	if v, ok := f[filepath.Base(path)]; ok {
		return v, nil
	}
	return &Verdict{}, nil
}

func items(village string, n int) []ledger.Item {
	out := make([]ledger.Item, n)
	for i := range out {
		out[i] = ledger.Item{Village: village, Status: ledger.StatusDone}
	}
	return out
}

func newDesk(t *testing.T, out string, c *clock, fc fakeCheck, builds *[][]string) (*Desk, *bytes.Buffer) {
	var log bytes.Buffer
	d := &Desk{
		OutDir: out, Villages: []string{"大布村", "塘敢村", "茅湾村"},
		Check: fc.check, Log: &log, Now: c.Now, Quiet: 3 * time.Second,
		Build: func(_ context.Context, files []string) (string, error) {
			*builds = append(*builds, files)
			return "", nil
		},
	}
	return d, &log
}

func TestNewerFileForAVillageReplacesTheOlder(t *testing.T) {
	inbox, out := t.TempDir(), t.TempDir()
	c := newClock()
	fc := fakeCheck{
		"大布村整改台账.xlsx":     {Village: "大布村", Items: items("大布村", 30)},
		"大布村整改台账（修改）.xlsx": {Village: "大布村", Items: items("大布村", 32)},
	}
	var builds [][]string
	d, log := newDesk(t, out, c, fc, &builds)
	older := filepath.Join(inbox, "大布村整改台账.xlsx")
	newer := filepath.Join(inbox, "大布村整改台账（修改）.xlsx")
	os.WriteFile(older, []byte("old"), 0o644)
	os.WriteFile(newer, []byte("new"), 0o644)
	t0 := time.Date(2025, 9, 9, 8, 0, 0, 0, time.Local)
	os.Chtimes(older, t0, t0)
	os.Chtimes(newer, t0.Add(time.Hour), t0.Add(time.Hour))

	d.Take([]string{older})
	archived := d.Take([]string{newer})
	if len(archived) != 1 || archived[0] != older {
		t.Fatalf("archived = %v, want the older file", archived)
	}
	if _, err := os.Stat(older); !os.IsNotExist(err) {
		t.Error("older file still in the inbox")
	}
	ents, _ := os.ReadDir(filepath.Join(out, ArchiveDir))
	if len(ents) != 1 || !strings.HasSuffix(ents[0].Name(), "大布村整改台账.xlsx") {
		t.Fatalf("archive holds %v", ents)
	}
	if b, _ := os.ReadFile(filepath.Join(out, ArchiveDir, ents[0].Name())); string(b) != "old" {
		t.Error("archived file changed")
	}
	if acc := d.Accepted(); len(acc) != 1 || acc[0] != newer {
		t.Errorf("accepted = %v, want only the newer file", acc)
	}
	// An older file dropped late does not replace the newer one: it is
	// archived itself.
	late := filepath.Join(inbox, "大布村整改台账.xlsx")
	os.WriteFile(late, []byte("old again"), 0o644)
	os.Chtimes(late, t0, t0)
	fc["大布村整改台账.xlsx"] = &Verdict{Village: "大布村", Items: items("大布村", 30)}
	if a := d.Take([]string{late}); len(a) != 1 || a[0] != late {
		t.Errorf("late older file: archived = %v", a)
	}
	if acc := d.Accepted(); len(acc) != 1 || acc[0] != newer {
		t.Errorf("accepted = %v after a late older file", acc)
	}
	if !strings.Contains(log.String(), "已移到") {
		t.Errorf("log does not say the file was archived:\n%s", log)
	}
}

func TestSeveralFilesDroppedAtOnceMakeOneRebuild(t *testing.T) {
	inbox, out := t.TempDir(), t.TempDir()
	c := newClock()
	fc := fakeCheck{
		"大布村.xlsx": {Village: "大布村", Items: items("大布村", 32),
			Diagnostics: []ledger.Diagnostic{{Severity: ledger.Warning, Sheet: "台账", Cell: "H9", Message: "整改时限已过"}, {Severity: ledger.Warning, Message: "x"}}},
		"塘敢村.xlsx": {Village: "塘敢村", Items: items("塘敢村", 20)},
		"茅湾村.xlsx": {Village: "茅湾村", Items: items("茅湾村", 18)},
	}
	var builds [][]string
	d, log := newDesk(t, out, c, fc, &builds)
	w := newWatcher(inbox, c)
	w.OnReady = func(p []string) { d.Take(p) }
	w.OnIdle = func() { d.Idle() }
	for n := range fc {
		os.WriteFile(filepath.Join(inbox, n), workbook(t, 1), 0o644)
	}
	w.Scan()
	c.Add(2 * time.Second)
	w.Scan() // all three ready in one batch
	if len(builds) != 0 {
		t.Fatal("rebuilt before the inbox was quiet")
	}
	c.Add(3 * time.Second)
	w.Scan()
	c.Add(3 * time.Second)
	w.Scan()
	if len(builds) != 1 || len(builds[0]) != 3 {
		t.Fatalf("builds = %v, want one build of three files", builds)
	}
	want := "09:12 收到 大布村.xlsx：32 项任务，2 条警告，已更新通报"
	if !strings.Contains(log.String(), want) {
		t.Errorf("log lacks %q:\n%s", want, log)
	}
	rc, err := os.ReadFile(filepath.Join(out, ReceiptDir, "大布村-回执.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"村（社区）：大布村", "整改任务：32 项（已完成 32 项）", "警告：2 条", "台账!H9：整改时限已过", "已接收"} {
		if !strings.Contains(string(rc), s) {
			t.Errorf("receipt lacks %q:\n%s", s, rc)
		}
	}
}

func TestRejectedWorkbookIsAnnotatedAndTheOriginalUntouched(t *testing.T) {
	inbox, out := t.TempDir(), t.TempDir()
	c := newClock()
	bad := []ledger.Diagnostic{
		{Severity: ledger.Error, Code: ledger.CodeBadStatus, File: "塘敢村台账.xlsx", Sheet: "台账", Cell: "D3", Row: 3, Column: "整改状态", Message: "整改状态“搁置”不是允许的状态（已完成、基本完成、持续整改、长期坚持）"},
		{Severity: ledger.Warning, Code: ledger.CodeOverdue, File: "塘敢村台账.xlsx", Sheet: "台账", Cell: "B2", Row: 2, Message: "整改时限已过"},
		{Severity: ledger.Error, Code: ledger.CodeMissingColumn, File: "塘敢村台账.xlsx", Message: "缺少“整改时限”列"},
	}
	fc := fakeCheck{"塘敢村台账.xlsx": {Village: "塘敢村", Diagnostics: bad}}
	var builds [][]string
	d, log := newDesk(t, out, c, fc, &builds)
	src := filepath.Join(inbox, "塘敢村台账.xlsx")
	orig := workbook(t, 3)
	os.WriteFile(src, orig, 0o644)
	d.Take([]string{src})

	if b, _ := os.ReadFile(src); !bytes.Equal(b, orig) {
		t.Fatal("the clerk's original changed")
	}
	if len(d.Accepted()) != 0 || d.Pending() {
		t.Error("a rejected file counts as accepted")
	}
	f, err := excelize.OpenFile(filepath.Join(out, RejectDir, "塘敢村台账-已批注.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fillOf := func(cell string) string {
		id, _ := f.GetCellStyle("台账", cell)
		st, _ := f.GetStyle(id)
		if st == nil || len(st.Fill.Color) == 0 {
			return ""
		}
		return strings.ToUpper(st.Fill.Color[0])
	}
	if got := fillOf("D3"); got != "FF9999" {
		t.Errorf("D3 fill = %q, want red", got)
	}
	if got := fillOf("B2"); got != "FFEB9C" {
		t.Errorf("B2 fill = %q, want yellow", got)
	}
	if got := fillOf("D2"); got != "" {
		t.Errorf("D2 (fine) filled %q", got)
	}
	if v, _ := f.GetCellValue("台账", "D3"); v != "已完成" {
		t.Errorf("D3 value changed to %q", v)
	}
	cmts, _ := f.GetComments("台账")
	byCell := map[string]string{}
	for _, cm := range cmts {
		s := cm.Text
		for _, r := range cm.Paragraph {
			s += r.Text
		}
		byCell[cm.Cell] = s
	}
	if !strings.Contains(byCell["D3"], "整改状态“搁置”不是允许的状态") || !strings.Contains(byCell["D3"], "错误") {
		t.Errorf("D3 comment = %q", byCell["D3"])
	}
	if len(byCell) != 2 {
		t.Errorf("comments on %v, want D3 and B2", byCell)
	}
	text, err := os.ReadFile(filepath.Join(out, RejectDir, "塘敢村台账-退回说明.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"塘敢村", "2 条错误", "台账!D3：整改状态", "缺少“整改时限”列"} {
		if !strings.Contains(string(text), s) {
			t.Errorf("rejection text lacks %q:\n%s", s, text)
		}
	}
	if !strings.Contains(log.String(), "退回 塘敢村台账.xlsx：2 条错误") {
		t.Errorf("log:\n%s", log)
	}
}

func TestOneBadFileDoesNotStopTheDesk(t *testing.T) {
	inbox, out := t.TempDir(), t.TempDir()
	c := newClock()
	var builds [][]string
	d, log := newDesk(t, out, c, fakeCheck{}, &builds)
	d.Check = func(p string) (*Verdict, error) {
		if strings.Contains(p, "坏") {
			return nil, os.ErrPermission
		}
		return &Verdict{Village: "茅湾村", Items: items("茅湾村", 1)}, nil
	}
	a, b := filepath.Join(inbox, "坏.xlsx"), filepath.Join(inbox, "茅湾村.xlsx")
	os.WriteFile(a, []byte("x"), 0o644)
	os.WriteFile(b, []byte("y"), 0o644)
	os.WriteFile(filepath.Join(inbox, "说明.docx"), []byte("z"), 0o644)
	d.Take([]string{a, b, filepath.Join(inbox, "说明.docx")})
	if acc := d.Accepted(); len(acc) != 1 || acc[0] != b {
		t.Errorf("accepted = %v", acc)
	}
	if !strings.Contains(log.String(), "说明.docx 不是 Excel 台账") || !strings.Contains(log.String(), "退回 坏.xlsx") {
		t.Errorf("log:\n%s", log)
	}
}

func TestGuessVillagePrefersTheLongestName(t *testing.T) {
	if g := GuessVillage("大布村二组台账.xlsx", []string{"大布村", "大布村二组"}); g != "大布村二组" {
		t.Errorf("got %q", g)
	}
	if g := GuessVillage("台账.xlsx", []string{"大布村"}); g != "" {
		t.Errorf("got %q", g)
	}
}

func TestAPanicOnOneFileIsLoggedAndSkipped(t *testing.T) {
	inbox, out := t.TempDir(), t.TempDir()
	c := newClock()
	var builds [][]string
	d, log := newDesk(t, out, c, fakeCheck{}, &builds)
	d.Check = func(p string) (*Verdict, error) {
		if strings.Contains(p, "怪") {
			panic("boom")
		}
		return &Verdict{Village: "茅湾村", Items: items("茅湾村", 1)}, nil
	}
	a, b := filepath.Join(inbox, "怪.xlsx"), filepath.Join(inbox, "茅湾村.xlsx")
	os.WriteFile(a, []byte("x"), 0o644)
	os.WriteFile(b, []byte("y"), 0o644)
	d.Take([]string{a, b})
	if len(d.Accepted()) != 1 || !strings.Contains(log.String(), "程序出错") {
		t.Errorf("accepted %v, log:\n%s", d.Accepted(), log)
	}
}

// TestRejectionTextOfAnUnmarkableFileMentionsNoWorkbook: when no annotated
// copy could be made (a damaged or legacy file), the text that goes back to
// the village does not send it looking for one.
func TestRejectionTextOfAnUnmarkableFileMentionsNoWorkbook(t *testing.T) {
	inbox, out := t.TempDir(), t.TempDir()
	c := newClock()
	bad := []ledger.Diagnostic{{Severity: ledger.Error, Code: ledger.CodeNotWorkbook, File: "茅湾村台账.xlsx", Message: "文件已损坏，无法打开"}}
	var builds [][]string
	d, _ := newDesk(t, out, c, fakeCheck{"茅湾村台账.xlsx": {Village: "茅湾村", Diagnostics: bad}}, &builds)
	src := filepath.Join(inbox, "茅湾村台账.xlsx")
	os.WriteFile(src, []byte("这不是工作簿"), 0o644)
	d.Take([]string{src})
	if _, err := os.Stat(filepath.Join(out, RejectDir, "茅湾村台账-已批注.xlsx")); err == nil {
		t.Fatal("an annotated copy of a damaged file")
	}
	text, err := os.ReadFile(filepath.Join(out, RejectDir, "茅湾村台账-退回说明.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(text), "工作簿") || !strings.Contains(string(text), "文件已损坏") {
		t.Errorf("rejection text:\n%s", text)
	}
}

// TestLateOlderFileLeavesTheReceiptOfTheNewer: an older file dropped after
// the newer one is archived at once; the village's receipt still describes
// the file that is summed up, and the log does not claim it was taken in.
func TestLateOlderFileLeavesTheReceiptOfTheNewer(t *testing.T) {
	inbox, out := t.TempDir(), t.TempDir()
	c := newClock()
	fc := fakeCheck{
		"大布村整改台账.xlsx":     {Village: "大布村", Items: items("大布村", 30)},
		"大布村整改台账（修改）.xlsx": {Village: "大布村", Items: items("大布村", 32)},
	}
	var builds [][]string
	d, log := newDesk(t, out, c, fc, &builds)
	older := filepath.Join(inbox, "大布村整改台账.xlsx")
	newer := filepath.Join(inbox, "大布村整改台账（修改）.xlsx")
	os.WriteFile(older, []byte("old"), 0o644)
	os.WriteFile(newer, []byte("new"), 0o644)
	t0 := time.Date(2025, 9, 9, 8, 0, 0, 0, time.Local)
	os.Chtimes(older, t0, t0)
	os.Chtimes(newer, t0.Add(time.Hour), t0.Add(time.Hour))

	d.Take([]string{newer})
	if a := d.Take([]string{older}); len(a) != 1 || a[0] != older {
		t.Fatalf("archived = %v, want the late older file", a)
	}
	rc, err := os.ReadFile(filepath.Join(out, ReceiptDir, "大布村-回执.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rc), "文件：大布村整改台账（修改）.xlsx") || !strings.Contains(string(rc), "32 项") {
		t.Errorf("receipt is not the newer file's:\n%s", rc)
	}
	c.Add(4 * time.Second)
	d.Idle()
	if strings.Contains(log.String(), "收到 大布村整改台账.xlsx") {
		t.Errorf("log says the archived file was taken in:\n%s", log)
	}
}
