package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/taizhang/taizhang/internal/annotate"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/output"
)

// Folder names under the out folder, as a clerk sees them.
const (
	ReceiptDir = "回执" // one receipt per village, the latest
	RejectDir  = "退回" // annotated copies and problem texts of rejected files
	ArchiveDir = "归档" // superseded submissions, moved out of the inbox
)

// Verdict is what checking one workbook found.
type Verdict struct {
	Village     string              // "" when the workbook did not say
	Items       []ledger.Item       // its tasks
	Diagnostics []ledger.Diagnostic // its problems
	// JSON, when the checker gives it, is the file's entry of
	// `check --json` ({"path","village","sheet","items","status",…}),
	// which the web desk's upload answer carries.
	JSON json.RawMessage
}

// Errors counts the error diagnostics.
func (v *Verdict) Errors() int { e, _ := ledger.Count(v.Diagnostics); return e }

// Warnings counts the warning diagnostics.
func (v *Verdict) Warnings() int { _, w := ledger.Count(v.Diagnostics); return w }

// Desk handles what the Watcher hands on: it checks each file, writes a
// receipt or the rejection, moves superseded submissions to the archive,
// and rebuilds the outputs from the accepted files once the inbox has been
// quiet for Quiet. Its methods are meant to be called from one goroutine
// (the Watcher's).
//
// The desk writes nothing into the inbox: receipts, rejections and the
// archive go under OutDir, its bookkeeping under State.
type Desk struct {
	OutDir   string                                                    // 回执/, 退回/ and 归档/ go here
	State    string                                                    // its bookkeeping between runs (config.StateDir()); "" keeps it in memory only
	Villages []string                                                  // configured names, to tell a file's village from its name
	Check    func(path string) (*Verdict, error)                       // required
	Build    func(ctx context.Context, files []string) (string, error) // rebuild from these files; returns a one-line summary
	Log      io.Writer                                                 // one line per event; default io.Discard
	Now      func() time.Time                                          // default time.Now
	Quiet    time.Duration                                             // debounce before a rebuild; default DefaultInterval
	Rel      func(path string) string                                  // how paths are shown; default filepath.Base
	Context  context.Context                                           // passed to Build; default Background
	// IsWorkbook tells a ledger file by its name; default: .xlsx, .xlsm,
	// .xls and .et. Anything else is noted once and left alone.
	IsWorkbook func(name string) bool
	// OnJudged, when set, is told of every workbook judged, after its
	// receipt or rejection is on disk (the desk's web page listens here).
	OnJudged func(Judgement)
	// OnBuild, when set, is told how each rebuild ended: its one-line
	// summary, or the error.
	OnBuild func(summary string, err error)

	subs    map[string]*submission // by path, files in the inbox the desk has judged
	state   *deskState             // loaded from State on first use
	ops     fileOps                // file moves; tests make them fail
	dirty   bool                   // the accepted set changed since the last build
	changed time.Time              // when it last changed
	waiting []string               // log lines waiting for the rebuild's outcome
}

// Judgement is what the desk decided about one workbook.
type Judgement struct {
	Path     string   // the file in the inbox (gone when Archived)
	Village  string   // "" when it could not be told
	Accepted bool     // no errors
	Archived bool     // an older file than an accepted one: moved to 归档/ at once
	Verdict  *Verdict // what checking found
}

// submission is one file in the inbox and the desk's judgement of it.
type submission struct {
	path     string
	village  string
	mtime    time.Time
	received time.Time // the first time this file (content and name) came in
	accepted bool
	// supersededBy is the newer accepted file of the village when this
	// one could not be moved to the archive: it is no longer summed up,
	// and the desk tries the move again when the inbox is quiet.
	supersededBy *submission
}

func (d *Desk) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Desk) logf(format string, args ...any) {
	if d.Log == nil {
		return
	}
	fmt.Fprintf(d.Log, "%s %s\n", d.now().Format("15:04"), fmt.Sprintf(format, args...))
}

func (d *Desk) rel(p string) string {
	if d.Rel != nil {
		return d.Rel(p)
	}
	return filepath.Base(p)
}

// Accepted lists the accepted files now in the inbox that are summed up
// (an older file of a village that could not be archived is not), sorted.
func (d *Desk) Accepted() []string {
	var out []string
	for p, s := range d.subs {
		if s.accepted && s.supersededBy == nil {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// Take judges a batch of ready files, oldest first, so that of two files for
// one village the newer one wins. It returns the files it moved to the
// archive (the Watcher should forget them).
func (d *Desk) Take(paths []string) (archived []string) {
	if d.subs == nil {
		d.subs = map[string]*submission{}
	}
	type entry struct {
		path  string
		mtime time.Time
	}
	var batch []entry
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		batch = append(batch, entry{p, st.ModTime()})
	}
	sort.SliceStable(batch, func(i, j int) bool {
		if !batch[i].mtime.Equal(batch[j].mtime) {
			return batch[i].mtime.Before(batch[j].mtime)
		}
		return batch[i].path < batch[j].path
	})
	for _, e := range batch {
		archived = append(archived, d.safeTake(e.path, e.mtime)...)
	}
	return archived
}

// safeTake judges one file; a bug met on one file is logged and never stops
// the desk.
func (d *Desk) safeTake(path string, mtime time.Time) (archived []string) {
	defer func() {
		if r := recover(); r != nil {
			d.logf("处理 %s 时程序出错（%v），已跳过；请把这个文件发给技术人员", filepath.Base(path), r)
		}
	}()
	return d.take(path, mtime)
}

// Ledger file extensions the desk judges; anything else is noted once.
func isWorkbook(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm", ".xls", ".et":
		return true
	}
	return false
}

// workspaceFile reports whether a name is one of the workspace's own files
// (the config, the narrative, the program itself), which sit in the inbox
// when the inbox is the workspace folder: they are skipped without a word.
func workspaceFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".txt", ".md", ".json", ".exe", ".lock", ".ini", ".log":
		return true
	}
	return false
}

func (d *Desk) take(path string, mtime time.Time) []string {
	name := filepath.Base(path)
	isWB := d.IsWorkbook
	if isWB == nil {
		isWB = isWorkbook
	}
	if !isWB(name) {
		if !workspaceFile(name) {
			d.logf("收件箱里的 %s 不是 Excel 台账（.xlsx），未处理", name)
		}
		return nil
	}
	digest, _ := Digest(path) // unreadable: the check says so
	received := d.received(digest, name)
	v, err := d.Check(path)
	if err != nil {
		v = &Verdict{Diagnostics: []ledger.Diagnostic{{Severity: ledger.Error, Code: ledger.CodeInternal, File: name,
			Message: fmt.Sprintf("检查时出错：%v", err)}}}
	}
	village := v.Village
	if village == "" {
		village = d.guessVillage(name)
	}
	wasAccepted := d.subs[path] != nil && d.subs[path].accepted
	d.unsupersede(path) // judged again below: supersede marks them anew if it is still good
	sub := &submission{path: path, village: village, mtime: mtime, received: received, accepted: v.Errors() == 0}
	d.subs[path] = sub
	if !sub.accepted {
		d.reject(sub, v)
		if wasAccepted {
			d.touch()
		}
		d.judged(sub, v, false)
		return nil
	}
	d.clearRejection(sub)
	// An older file dropped after a newer accepted one of its village goes
	// straight to the archive: it gets no receipt and is not summed up,
	// even when it cannot be moved.
	if by := d.newerAccepted(sub); by != nil {
		archived := d.archive(sub, by)
		d.judged(sub, v, archived)
		if archived {
			return []string{sub.path}
		}
		return nil
	}
	if err := d.writeReceipt(sub, v); err != nil {
		d.logf("无法写回执：%v", err)
	}
	line := fmt.Sprintf("收到 %s：%d 项任务", name, len(v.Items))
	if village != "" && !strings.Contains(name, village) {
		line = fmt.Sprintf("收到 %s（%s）：%d 项任务", name, village, len(v.Items))
	}
	if w := v.Warnings(); w > 0 {
		line += fmt.Sprintf("，%d 条警告", w)
	}
	d.waiting = append(d.waiting, line)
	d.touch()
	archived := d.supersede(sub)
	d.judged(sub, v, false)
	return archived
}

func (d *Desk) judged(sub *submission, v *Verdict, archived bool) {
	if d.OnJudged != nil {
		d.OnJudged(Judgement{Path: sub.path, Village: sub.village, Accepted: sub.accepted, Archived: archived, Verdict: v})
	}
}

// sameVillage lists the other files of sub's village, by path.
func (d *Desk) sameVillage(sub *submission) []*submission {
	if sub.village == "" {
		return nil
	}
	var others []*submission
	for _, o := range d.subs {
		if o != sub && o.village == sub.village {
			others = append(others, o)
		}
	}
	sort.Slice(others, func(i, j int) bool { return others[i].path < others[j].path })
	return others
}

// newerAccepted returns an accepted file of sub's village newer than sub,
// or nil.
func (d *Desk) newerAccepted(sub *submission) *submission {
	for _, o := range d.sameVillage(sub) {
		if o.accepted && o.supersededBy == nil && newer(o, sub) {
			return o
		}
	}
	return nil
}

// supersede moves every older file of sub's village out of the inbox,
// accepted or rejected. A rejected newer file stays for the clerk to see.
func (d *Desk) supersede(sub *submission) (archived []string) {
	for _, o := range d.sameVillage(sub) {
		if newer(sub, o) && d.archive(o, sub) {
			archived = append(archived, o.path)
		}
	}
	return archived
}

func newer(a, b *submission) bool {
	if !a.mtime.Equal(b.mtime) {
		return a.mtime.After(b.mtime)
	}
	return a.path > b.path
}

// archive moves old out of the inbox into 归档/, never overwriting, whole
// or not at all. When it cannot, old stays in the inbox but is no longer
// summed up; the log says so once, and Idle tries again.
func (d *Desk) archive(old, by *submission) bool {
	dst, err := ArchivePath(filepath.Join(d.OutDir, ArchiveDir), filepath.Base(old.path), old.mtime)
	if err == nil {
		err = d.ops.move(old.path, dst)
	}
	if err != nil {
		if old.supersededBy == nil {
			d.logf("%s 有了更新的台账 %s，但旧文件 %s 无法移到归档：%v。旧文件不再汇总；请关闭打开它的程序，程序会再试，或手工移走",
				old.village, filepath.Base(by.path), filepath.Base(old.path), err)
		}
		if old.accepted && old.supersededBy == nil {
			d.touch()
		}
		old.supersededBy = by
		return false
	}
	delete(d.subs, old.path)
	d.clearRejection(old)
	d.logf("%s 有了更新的台账 %s，旧文件 %s 已移到 %s", old.village, filepath.Base(by.path), filepath.Base(old.path), d.rel(dst))
	if old.accepted && old.supersededBy == nil {
		d.touch()
	}
	return true
}

// unsupersede sums up again the older files that were kept out only
// because the file at path superseded them and they could not be moved:
// that file is gone, or is being judged again.
func (d *Desk) unsupersede(path string) {
	for _, o := range d.subs {
		if o.supersededBy != nil && o.supersededBy.path == path {
			o.supersededBy = nil
			if o.accepted {
				d.touch()
			}
		}
	}
}

// retryArchive tries again to move the files that could not be archived,
// returning those it moved.
func (d *Desk) retryArchive() (archived []string) {
	var stuck []*submission
	for _, s := range d.subs {
		if s.supersededBy != nil {
			stuck = append(stuck, s)
		}
	}
	sort.Slice(stuck, func(i, j int) bool { return stuck[i].path < stuck[j].path })
	for _, s := range stuck {
		if d.archive(s, s.supersededBy) {
			archived = append(archived, s.path)
		}
	}
	return archived
}

// ReceivedAt is the first time the desk received the file now at path
// (kept across restarts), and whether it has judged that file.
func (d *Desk) ReceivedAt(path string) (time.Time, bool) {
	if s, ok := d.subs[path]; ok {
		return s.received, true
	}
	return time.Time{}, false
}

// Gone tells the desk that files it judged have left the inbox (the clerk
// moved or deleted them).
func (d *Desk) Gone(paths []string) {
	for _, p := range paths {
		if s, ok := d.subs[p]; ok {
			delete(d.subs, p)
			d.clearRejection(s)
			d.unsupersede(p)
			if s.accepted && s.supersededBy == nil {
				d.logf("%s 已从收件箱移走，不再汇总", filepath.Base(p))
				d.touch()
			}
		}
	}
}

func (d *Desk) touch() {
	d.dirty = true
	d.changed = d.now()
}

// Pending reports whether a rebuild is owed.
func (d *Desk) Pending() bool { return d.dirty }

// Idle rebuilds the outputs when the accepted files changed and nothing has
// changed for Quiet since. It reports whether it ran a build.
func (d *Desk) Idle() bool {
	quiet := d.Quiet
	if quiet <= 0 {
		quiet = DefaultInterval
	}
	d.retryArchive()
	if !d.dirty || d.now().Sub(d.changed) < quiet || d.Build == nil {
		return false
	}
	ctx := d.Context
	if ctx == nil {
		ctx = context.Background()
	}
	files := d.Accepted()
	summary, err := d.Build(ctx, files)
	if d.OnBuild != nil && ctx.Err() == nil {
		d.OnBuild(summary, err)
	}
	waiting := d.waiting
	switch {
	case err == nil:
		d.dirty, d.waiting = false, nil
		for _, l := range waiting {
			d.logf("%s，已更新通报", l)
		}
		if summary != "" {
			d.logf("%s", summary)
		}
	case errors.Is(err, output.ErrLocked):
		// A clerk's own build holds the out folder, or a PDF viewer holds
		// an output open: try again when quiet.
		d.changed = d.now()
		busy := "输出文件夹正被另一个程序使用"
		var be *output.BlockedError
		if errors.As(err, &be) {
			busy = be.Path + " 正被其他程序打开，请关闭它"
		}
		d.logf("%s，稍后再更新通报", busy)
	case ctx.Err() != nil:
		// stopping
	default:
		d.dirty, d.waiting = false, nil
		for _, l := range waiting {
			d.logf("%s", l)
		}
		d.logf("通报未更新：%v", err)
	}
	return true
}

// guessVillage finds a configured village named in the file name, the
// longest first (so 大布村二组 is not taken for 大布村 when both exist).
func (d *Desk) guessVillage(name string) string {
	return GuessVillage(name, d.Villages)
}

// GuessVillage returns the configured village whose name appears in a file
// name, the longest match, or "".
func GuessVillage(name string, villages []string) string {
	best := ""
	for _, v := range villages {
		if v != "" && strings.Contains(name, v) && len(v) > len(best) {
			best = v
		}
	}
	return best
}

// Suffixes of the files a rejection writes to 退回/, after the stem of the
// inbox file's name.
const (
	rejectTextSuffix = "-退回说明.txt"
	rejectCopySuffix = "-已批注.xlsx"
)

// rejectionPaths are the rejection text and annotated copy of an inbox file.
func (d *Desk) rejectionPaths(path string) (text, copy string) {
	name := filepath.Base(path)
	stem := strings.TrimSuffix(name, filepath.Ext(name))
	dir := filepath.Join(d.OutDir, RejectDir)
	return filepath.Join(dir, stem+rejectTextSuffix), filepath.Join(dir, stem+rejectCopySuffix)
}

// clearRejection removes the rejection of sub's file once it no longer
// holds (the file was fixed, archived or taken away), unless another
// rejected file in the inbox shares its name's stem (and so its rejection).
func (d *Desk) clearRejection(sub *submission) {
	text, cp := d.rejectionPaths(sub.path)
	for _, o := range d.subs {
		if o != sub && !o.accepted {
			if t, _ := d.rejectionPaths(o.path); t == text {
				return
			}
		}
	}
	removed := false
	for _, p := range []string{text, cp} {
		if err := os.Remove(p); err == nil {
			removed = true
		}
	}
	if removed {
		d.logf("%s 的退回说明已不再适用，已从 %s 删除", filepath.Base(sub.path), d.rel(filepath.Dir(text)))
	}
}

// Sweep removes rejections (退回说明 and 已批注 copies) whose file is no
// longer in the inbox, as when it was taken away while the desk was not
// running. Connect calls it once at the start.
func (d *Desk) Sweep(inbox string) {
	ents, err := os.ReadDir(inbox)
	if err != nil {
		return
	}
	stems := map[string]bool{}
	for _, e := range ents {
		if !e.IsDir() && !Ignored(e.Name()) {
			stems[strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))] = true
		}
	}
	dir := filepath.Join(d.OutDir, RejectDir)
	rejected, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	var cleared []string
	for _, e := range rejected {
		n := e.Name()
		stem := ""
		switch {
		case strings.HasSuffix(n, rejectTextSuffix):
			stem = strings.TrimSuffix(n, rejectTextSuffix)
		case strings.HasSuffix(n, rejectCopySuffix):
			stem = strings.TrimSuffix(n, rejectCopySuffix)
		default:
			continue // not the desk's
		}
		if e.IsDir() || stems[stem] {
			continue
		}
		if err := os.Remove(filepath.Join(dir, n)); err == nil {
			cleared = append(cleared, n)
		}
	}
	if len(cleared) > 0 {
		d.logf("收件箱里已没有对应的文件，删除了过时的退回材料：%s", strings.Join(cleared, "、"))
	}
}

func (d *Desk) reject(sub *submission, v *Verdict) {
	name := filepath.Base(sub.path)
	textPath, copyPath := d.rejectionPaths(sub.path)
	marked := ""
	if res, err := annotate.Copy(sub.path, copyPath, v.Diagnostics); err == nil && res.Cells > 0 {
		marked = copyPath
	} else {
		os.Remove(copyPath) // an older copy would point at cells no longer wrong
	}
	copyName := ""
	if marked != "" {
		copyName = filepath.Base(marked)
	}
	if err := WriteText(textPath, annotate.Text(sub.village, name, copyName, v.Diagnostics)); err != nil {
		d.logf("无法写退回说明：%v", err)
	}
	who := ""
	if sub.village != "" && !strings.Contains(name, sub.village) {
		who = "（" + sub.village + "）"
	}
	where := d.rel(textPath)
	if marked != "" {
		where = d.rel(marked)
	}
	first := ""
	for _, dg := range v.Diagnostics {
		if dg.Severity == ledger.Error {
			first = "，如 " + annotate.Where(dg) + dg.Message
			break
		}
	}
	d.logf("退回 %s%s：%d 条错误%s；已写到 %s", name, who, v.Errors(), first, where)
}

func (d *Desk) writeReceipt(sub *submission, v *Verdict) error {
	name := filepath.Base(sub.path)
	who := sub.village
	if who == "" {
		who = strings.TrimSuffix(name, filepath.Ext(name))
	}
	path := filepath.Join(d.OutDir, ReceiptDir, who+"-回执.txt")
	return WriteText(path, Receipt(who, name, sub.received, v))
}

// Receipt is the text of a receipt (回执): who sent what, when it was
// first received (at), how many tasks in each status, and the warnings.
func Receipt(village, file string, at time.Time, v *Verdict) string {
	var b strings.Builder
	fmt.Fprintf(&b, "回执\n\n村（社区）：%s\n文件：%s\n收到时间：%d年%d月%d日 %s\n",
		village, file, at.Year(), int(at.Month()), at.Day(), at.Format("15:04"))
	counts := map[ledger.Status]int{}
	for _, it := range v.Items {
		counts[it.Status]++
	}
	fmt.Fprintf(&b, "整改任务：%d 项", len(v.Items))
	var parts []string
	for _, s := range ledger.Statuses {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d 项", s, counts[s]))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, "（%s）", strings.Join(parts, "，"))
	}
	b.WriteString("\n")
	if w := v.Warnings(); w > 0 {
		fmt.Fprintf(&b, "警告：%d 条（不影响接收，请核实）\n", w)
		n := 0
		for _, d := range v.Diagnostics {
			if d.Severity == ledger.Warning {
				n++
				fmt.Fprintf(&b, "  %d. %s%s\n", n, annotate.Where(d), d.Message)
			}
		}
	} else {
		b.WriteString("警告：无\n")
	}
	b.WriteString("\n结论：已接收，已汇入全镇汇总台账。\n")
	return b.String()
}

// WriteText writes a text file a clerk opens in Notepad: UTF-8 with a byte
// order mark and Windows line ends, written atomically.
func WriteText(path, text string) error { return output.WriteFile(path, output.Text(text)) }

// Serve connects a Watcher to a Desk and runs them until ctx ends.
func Serve(ctx context.Context, w *Watcher, d *Desk) error {
	d.Context = ctx
	Connect(w, d)
	return w.Run(ctx)
}

// Connect wires w to d as Serve runs them, for a caller that drives w scan
// by scan: ready files go to the desk, files gone from the inbox leave it,
// and a quiet inbox lets it rebuild. It sweeps stale rejections first.
func Connect(w *Watcher, d *Desk) {
	w.OnReady = func(paths []string) {
		for _, p := range d.Take(paths) {
			w.Forget(p)
		}
	}
	w.OnGone = d.Gone
	w.OnIdle = func() { d.Idle() }
	d.Sweep(w.Dir)
}
