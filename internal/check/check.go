// Package check applies the rules that need more than one cell: dates
// against the as-of day (overdue, due soon, finished in the future),
// 已完成 without a date, personal data in text that will be published, and
// rules across files (two workbooks for one village, a village the config
// does not know). It orders files, items and diagnostics for the report.
package check

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/intake"
	"github.com/taizhang/taizhang/internal/ledger"
)

// Options tune checking.
type Options struct {
	Config *config.Config // may be nil
	AsOf   ledger.Date    // the day deadlines are counted against; zero means Config.AsOfDay()
	// Complete says the results are the whole inbox, so a configured village
	// with no workbook is worth a warning (it is not when checking one file).
	Complete bool
}

// Report is the outcome of checking a set of workbooks.
type Report struct {
	Files       []FileReport        // the workbooks read: config village order, else file name
	Unread      []FileReport        // files in the folder that are not workbooks, each with its warning
	Items       []ledger.Item       // in file order, then row order; rejected files' items included
	Diagnostics []ledger.Diagnostic // by file, then row, then column; then the missing villages
}

// FileReport is one file as checking judged it: what reading found and
// every diagnostic about it, the per-file rules' included. check, build,
// watch and status all take a file's verdict from here.
type FileReport struct {
	intake.File
	Diagnostics []ledger.Diagnostic
}

// Errors counts the file's errors.
func (f *FileReport) Errors() int { e, _ := ledger.Count(f.Diagnostics); return e }

// Warnings counts the file's warnings.
func (f *FileReport) Warnings() int { _, w := ledger.Count(f.Diagnostics); return w }

// File returns the report of the file with this path or base name, or nil.
func (r *Report) File(name string) *FileReport {
	for _, list := range [][]FileReport{r.Files, r.Unread} {
		for i := range list {
			if list[i].Path == name || list[i].Name == name {
				return &list[i]
			}
		}
	}
	return nil
}

// NoTasksMessage is the error for a ledger that reads cleanly but holds no
// task: most often the blank form sent back.
const NoTasksMessage = "只有表头，没有整改任务（是不是交回了空白表？）：请填写整改任务后重新报送"

// Run checks the results of reading and returns the ordered report. A file
// with any error is marked Rejected.
func Run(results []*intake.Result, opts Options) *Report {
	asOf := opts.AsOf
	if asOf.IsZero() {
		asOf = opts.Config.AsOfDay()
	}
	rep := &Report{}
	var read []*intake.Result
	for _, res := range results {
		if res.File.Unread {
			rep.Unread = append(rep.Unread, FileReport{File: res.File, Diagnostics: append([]ledger.Diagnostic(nil), res.Diagnostics...)})
			continue
		}
		read = append(read, res)
	}
	results = ordered(read, opts.Config)
	var start ledger.Date
	if opts.Config != nil {
		start = opts.Config.Inspection.From
	}
	// Each file's tasks are checked on their own, so the files are checked
	// on every core; diags[i] is file i's, whatever order they finish in.
	diags := make([][]ledger.Diagnostic, len(results))
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range min(runtime.GOMAXPROCS(0), len(results)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(results) {
					return
				}
				res := results[i]
				diags[i] = append([]ledger.Diagnostic(nil), res.Diagnostics...)
				for j := range res.Items {
					diags[i] = append(diags[i], checkItem(&res.Items[j], asOf, start)...)
				}
				if len(res.Items) == 0 && !ledger.HasError(diags[i]) {
					diags[i] = append(diags[i], ledger.Diagnostic{Severity: ledger.Error, Code: ledger.CodeNoTasks, File: res.File.Name, Message: NoTasksMessage})
				}
			}
		})
	}
	wg.Wait()
	villageRules(results, opts.Config, diags)

	nItems, nDiags := 0, 0
	for i, res := range results {
		nItems += len(res.Items)
		nDiags += len(diags[i])
	}
	// Each list grown once (the town's tasks are thousands of copies);
	// an empty one stays nil, as appending leaves it.
	if len(results) > 0 {
		rep.Files = make([]FileReport, 0, len(results))
	}
	if nItems > 0 {
		rep.Items = make([]ledger.Item, 0, nItems)
	}
	if nDiags > 0 {
		rep.Diagnostics = make([]ledger.Diagnostic, 0, nDiags)
	}
	for i, res := range results {
		sortDiagnostics(diags[i])
		f := res.File
		f.Rejected = ledger.HasError(diags[i])
		if f.Village == "" && opts.Config != nil {
			// A file that could not be read is still shown under the
			// village its name holds (大布村.xls), never as 不明单位.
			f.Village = intake.VillageInName(f.Name, opts.Config.Villages)
		}
		rep.Files = append(rep.Files, FileReport{File: f, Diagnostics: diags[i]})
		rep.Items = append(rep.Items, res.Items...)
		rep.Diagnostics = append(rep.Diagnostics, diags[i]...)
	}
	for _, u := range rep.Unread {
		rep.Diagnostics = append(rep.Diagnostics, u.Diagnostics...)
	}
	if opts.Complete && opts.Config != nil {
		rep.Diagnostics = append(rep.Diagnostics, missingVillages(results, opts.Config)...)
	}
	return rep
}

// missingVillages warns of every configured village that sent no workbook,
// in config order: the town clerk's 催报 list.
func missingVillages(results []*intake.Result, cfg *config.Config) []ledger.Diagnostic {
	in := map[string]bool{}
	for _, res := range results {
		if res.File.Unread {
			continue
		}
		for _, v := range res.File.Villages() {
			in[v] = true
		}
		if v := intake.VillageInName(res.File.Name, cfg.Villages); v != "" {
			in[v] = true // sent, even if it could not be read: the file's own error says what to do
		}
	}
	var ds []ledger.Diagnostic
	for _, v := range cfg.Villages {
		if !in[v.Name] {
			ds = append(ds, ledger.Diagnostic{
				Severity: ledger.Warning, Code: ledger.CodeMissingVillage, File: config.FileName,
				Message: fmt.Sprintf("%s还没有报送整改台账：配置中有这个村（社区），但没有找到它的工作簿，请催报", v.Name),
			})
		}
	}
	return ds
}

// ordered sorts results by the config's village order (villages it does not
// know after them), then by file name.
func ordered(results []*intake.Result, cfg *config.Config) []*intake.Result {
	out := append([]*intake.Result(nil), results...)
	rank := func(r *intake.Result) int {
		if cfg == nil {
			return 0
		}
		if i := cfg.VillageIndex(r.File.Village); i >= 0 {
			return i
		}
		return len(cfg.Villages)
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := rank(out[i]), rank(out[j])
		if ri != rj {
			return ri < rj
		}
		return out[i].File.Name < out[j].File.Name
	})
	return out
}

// checkItem applies the rules of one task.
func checkItem(it *ledger.Item, asOf, start ledger.Date) []ledger.Diagnostic {
	var ds []ledger.Diagnostic
	if !it.Done.IsZero() && !start.IsZero() && it.Done.Before(start) {
		ds = append(ds, ledger.At(ledger.Warning, ledger.CodeDoneBeforeStart, it, ledger.ColDone,
			"完成时间%s早于巡察开始的日期%s，可能填错了：请核对完成时间", it.Done.Chinese(), start.Chinese()))
	}
	if !it.Done.IsZero() && it.Status != "" && it.Status != ledger.StatusDone {
		ds = append(ds, ledger.At(ledger.Warning, ledger.CodeDoneNotFinished, it, ledger.ColDone,
			"填写了完成时间%s，但整改状态是“%s”而不是“已完成”：请核对整改状态或完成时间", it.Done.Chinese(), it.Status))
	}
	if !it.Done.IsZero() && it.Done.After(asOf) {
		ds = append(ds, ledger.At(ledger.Error, ledger.CodeDoneInFuture, it, ledger.ColDone,
			"完成时间%s晚于统计截止日期%s：请核对完成时间", it.Done.Chinese(), asOf.Chinese()))
	}
	if it.Status == ledger.StatusDone && it.Done.IsZero() {
		col := ledger.ColDone
		if it.Source.Cell(col) == "" {
			col = ledger.ColStatus
		}
		ds = append(ds, ledger.At(ledger.Warning, ledger.CodeDoneWithoutDate, it, col,
			"整改状态为“已完成”，但没有填写完成时间：请补填完成时间"))
	}
	if it.Status != "" { // an unknown status is already an error of its own
		days := asOf.DaysUntil(it.Deadline.Date)
		switch {
		case it.Overdue(asOf):
			ds = append(ds, ledger.At(ledger.Warning, ledger.CodeOverdue, it, ledger.ColDeadline,
				"已逾期%d天：整改时限为%s，整改状态仍为“%s”，请加快整改或说明原因", -days, it.Deadline.Date.Chinese(), it.Status))
		case it.DueSoon(asOf) && days == 0:
			ds = append(ds, ledger.At(ledger.Warning, ledger.CodeDueSoon, it, ledger.ColDeadline,
				"临期：整改时限%s就是统计截止日期，整改状态为“%s”", it.Deadline.Date.Chinese(), it.Status))
		case it.DueSoon(asOf):
			ds = append(ds, ledger.At(ledger.Warning, ledger.CodeDueSoon, it, ledger.ColDeadline,
				"临期：距整改时限%s还有%d天，整改状态为“%s”", it.Deadline.Date.Chinese(), days, it.Status))
		}
	}
	for _, col := range publishedColumns {
		if fewDigits(it, col) {
			continue
		}
		for _, f := range FindPersonalData(it.Text(col)) {
			ds = append(ds, ledger.At(ledger.Warning, ledger.CodePersonalData, it, col,
				"%s中有%s“%s”，这一列会公开：%s", col.Name(), f.Kind, f.Masked(), f.advice()))
		}
	}
	return ds
}

// publishedColumns are the columns a published notice shows, searched
// for personal data.
var publishedColumns = func() []ledger.Column {
	var out []ledger.Column
	for _, c := range ledger.Columns() {
		if !c.Private() {
			out = append(out, c)
		}
	}
	return out
}()

// fewDigits reports, for the columns whose text is formatted from a date
// (整改时限, 完成时间), that the text has fewer digits than any personal
// data (minPersonalDigits): a date of a four-digit year formats as
// 2025-03-31, eight digits, and need not be formatted to be searched.
func fewDigits(it *ledger.Item, col ledger.Column) bool {
	small := func(d ledger.Date) bool {
		return d.Year >= 0 && d.Year <= 9999 && d.Month >= 0 && d.Month <= 99 && d.Day >= 0 && d.Day <= 99
	}
	switch col {
	case ledger.ColDeadline:
		return it.Deadline.Kind == ledger.DeadlineOn && small(it.Deadline.Date)
	case ledger.ColDone:
		return small(it.Done)
	}
	return false
}

// villageRules: two workbooks for one village is an error on both; so is a
// village the config does not know (when reading did not already say so).
func villageRules(results []*intake.Result, cfg *config.Config, diags [][]ledger.Diagnostic) {
	byVillage := map[string][]int{}
	for i, res := range results {
		v := res.File.Village
		if v == "" {
			continue
		}
		// Two files for one village clash only when both would be taken: a
		// file with errors of its own is returned, and the good one stands.
		if !ledger.HasError(diags[i]) {
			for _, fv := range res.File.Villages() {
				byVillage[fv] = append(byVillage[fv], i)
			}
		}
		if cfg != nil && cfg.VillageIndex(v) < 0 && !hasCode(diags[i], ledger.CodeUnknownVillage) {
			diags[i] = append(diags[i], ledger.Diagnostic{
				Severity: ledger.Error, Code: ledger.CodeUnknownVillage, File: res.File.Name,
				Message: intake.NotInConfigMessage(v, cfg.Villages),
			})
		}
	}
	var names []string
	for v := range byVillage {
		names = append(names, v)
	}
	sort.Strings(names)
	for _, v := range names {
		idx := byVillage[v]
		if len(idx) < 2 {
			continue
		}
		names := make([]string, len(idx))
		for k, i := range idx {
			names[k] = "“" + results[i].File.Name + "”"
		}
		for _, i := range idx {
			diags[i] = append(diags[i], ledger.Diagnostic{
				Severity: ledger.Error, Code: ledger.CodeDuplicateVillage, File: results[i].File.Name,
				Message: fmt.Sprintf("%s有%d份台账：%s，请只保留一份", v, len(idx), strings.Join(names, "和")),
			})
		}
	}
}

func hasCode(ds []ledger.Diagnostic, code string) bool {
	for _, d := range ds {
		if d.Code == code {
			return true
		}
	}
	return false
}

// sortDiagnostics orders one file's diagnostics: those about the whole file
// first, then by row, then by column (A before B before AA).
func sortDiagnostics(ds []ledger.Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		ca, cb := columnOf(a.Cell), columnOf(b.Cell)
		if len(ca) != len(cb) {
			return len(ca) < len(cb)
		}
		return ca < cb
	})
}

// columnOf gives the letters of a cell reference ("AB12" → "AB").
func columnOf(ref string) string {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		i++
	}
	return ref[:i]
}

// Errors counts the errors.
func (r *Report) Errors() int { e, _ := ledger.Count(r.Diagnostics); return e }

// Warnings counts the warnings.
func (r *Report) Warnings() int { _, w := ledger.Count(r.Diagnostics); return w }

// AcceptedItems returns the items of files without errors.
func (r *Report) AcceptedItems() []ledger.Item {
	rejected := map[string]bool{}
	for _, f := range r.Files {
		if f.Rejected {
			rejected[f.Name] = true
		}
	}
	for _, f := range r.Unread {
		rejected[f.Name] = true
	}
	var out []ledger.Item
	for _, it := range r.Items {
		if !rejected[it.Source.File] {
			out = append(out, it)
		}
	}
	return out
}

// jsonFile is one file in the JSON report.
type jsonFile struct {
	Path        string              `json:"path"`
	Village     string              `json:"village"`
	Villages    []string            `json:"villages,omitempty"` // a combined file: every village it holds
	Sheet       string              `json:"sheet"`
	Items       int                 `json:"items"`
	Status      string              `json:"status"` // accepted, rejected or unread
	Sheets      []intake.SheetUse   `json:"sheets"` // what was read, what was skipped and why
	Diagnostics []ledger.Diagnostic `json:"diagnostics"`
}

type jsonReport struct {
	Files       []jsonFile          `json:"files"`
	Diagnostics []ledger.Diagnostic `json:"diagnostics"`
	Items       []ledger.Item       `json:"items"`
}

// JSON returns the report in the shape `taizhang check --json` prints:
// {"files":[{"path","village","sheet","items","status","sheets":[{"sheet","read","reason",
// "tasks","first_row","last_row","skipped_rows","skipped_columns"}],"diagnostics"}],
// "diagnostics":[…],"items":[…]}; files not read come last with status "unread".
func (r *Report) JSON() any {
	out := jsonReport{Files: []jsonFile{}, Diagnostics: r.Diagnostics, Items: r.Items}
	if out.Diagnostics == nil {
		out.Diagnostics = []ledger.Diagnostic{}
	}
	if out.Items == nil {
		out.Items = []ledger.Item{}
	}
	add := func(f FileReport, status string) {
		jf := jsonFile{Path: f.Path, Village: f.Village, Sheet: f.Sheet, Items: f.Items, Status: status,
			Sheets: f.Sheets, Diagnostics: f.Diagnostics}
		if vs := f.File.Villages(); len(vs) > 1 {
			jf.Villages = vs
		}
		if jf.Sheets == nil {
			jf.Sheets = []intake.SheetUse{}
		}
		if jf.Diagnostics == nil {
			jf.Diagnostics = []ledger.Diagnostic{}
		}
		out.Files = append(out.Files, jf)
	}
	for _, f := range r.Files {
		status := "accepted"
		if f.Rejected {
			status = "rejected"
		}
		add(f, status)
	}
	for _, f := range r.Unread {
		add(f, "unread")
	}
	return out
}

// MarshalJSON writes JSON().
func (r *Report) MarshalJSON() ([]byte, error) { return json.Marshal(r.JSON()) }
