// Package check applies the rules that need more than one cell: dates
// against the as-of day (overdue, due soon, finished in the future),
// 已完成 without a date, personal data in text that will be published, and
// rules across files (two workbooks for one village, a village the config
// does not know). It orders files, items and diagnostics for the report.
package check

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

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
	Files       []intake.File       // config village order, else file name
	Items       []ledger.Item       // in file order, then row order; rejected files' items included
	Diagnostics []ledger.Diagnostic // by file, then row, then column
}

// Run checks the results of reading and returns the ordered report. A file
// with any error is marked Rejected.
func Run(results []*intake.Result, opts Options) *Report {
	asOf := opts.AsOf
	if asOf.IsZero() {
		asOf = opts.Config.AsOfDay()
	}
	results = ordered(results, opts.Config)
	diags := make([][]ledger.Diagnostic, len(results))
	for i, res := range results {
		diags[i] = append([]ledger.Diagnostic(nil), res.Diagnostics...)
		for j := range res.Items {
			diags[i] = append(diags[i], checkItem(&res.Items[j], asOf)...)
		}
	}
	villageRules(results, opts.Config, diags)

	rep := &Report{}
	for i, res := range results {
		sortDiagnostics(diags[i])
		f := res.File
		f.Rejected = ledger.HasError(diags[i])
		rep.Files = append(rep.Files, f)
		rep.Items = append(rep.Items, res.Items...)
		rep.Diagnostics = append(rep.Diagnostics, diags[i]...)
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
		in[res.File.Village] = true
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
func checkItem(it *ledger.Item, asOf ledger.Date) []ledger.Diagnostic {
	var ds []ledger.Diagnostic
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
	for _, col := range ledger.Columns() {
		if col.Private() {
			continue
		}
		for _, f := range FindPersonalData(it.Text(col)) {
			ds = append(ds, ledger.At(ledger.Warning, ledger.CodePersonalData, it, col,
				"%s中有%s“%s”，这一列会公开：%s", col.Name(), f.Kind, f.Masked(), f.advice()))
		}
	}
	return ds
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
		byVillage[v] = append(byVillage[v], i)
		if cfg != nil && cfg.VillageIndex(v) < 0 && !hasCode(diags[i], ledger.CodeUnknownVillage) {
			diags[i] = append(diags[i], ledger.Diagnostic{
				Severity: ledger.Error, Code: ledger.CodeUnknownVillage, File: res.File.Name,
				Message: intake.NotInConfigMessage(v, cfg.Villages),
			})
		}
	}
	for v, idx := range byVillage {
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
	Path    string `json:"path"`
	Village string `json:"village"`
	Sheet   string `json:"sheet"`
	Items   int    `json:"items"`
	Status  string `json:"status"` // accepted or rejected
}

type jsonReport struct {
	Files       []jsonFile          `json:"files"`
	Diagnostics []ledger.Diagnostic `json:"diagnostics"`
	Items       []ledger.Item       `json:"items"`
}

// JSON returns the report in the shape `taizhang check --json` prints:
// {"files":[{"path","village","sheet","items","status"}],"diagnostics":[…],"items":[…]}.
func (r *Report) JSON() any {
	out := jsonReport{Files: []jsonFile{}, Diagnostics: r.Diagnostics, Items: r.Items}
	if out.Diagnostics == nil {
		out.Diagnostics = []ledger.Diagnostic{}
	}
	if out.Items == nil {
		out.Items = []ledger.Item{}
	}
	for _, f := range r.Files {
		status := "accepted"
		if f.Rejected {
			status = "rejected"
		}
		out.Files = append(out.Files, jsonFile{Path: f.Path, Village: f.Village, Sheet: f.Sheet, Items: f.Items, Status: status})
	}
	return out
}

// MarshalJSON writes JSON().
func (r *Report) MarshalJSON() ([]byte, error) { return json.Marshal(r.JSON()) }
