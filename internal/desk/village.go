package desk

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/annotate"
	"github.com/taizhang/taizhang/internal/form"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pipeline"
	"github.com/taizhang/taizhang/internal/watch"
	"github.com/taizhang/taizhang/internal/workspace"
)

// Limits on drawing a workbook: a stray space at A60000 must not make a page
// of sixty thousand rows.
const (
	maxTableRows = 400
	maxTableCols = 20
)

// fileRow is one file of a village on its page.
type fileRow struct {
	Kind   string // 收件箱（已收）, 收件箱（退回）, 退回, 归档, 回执
	Name   string
	Time   string
	Size   string
	SHA256 string
	URL    string // "" when it cannot be downloaded (in the inbox)
}

// cell is one cell of the drawn ledger.
type cell struct {
	Ref              string
	Text             string
	Rowspan, Colspan int
	Class            string // err or warn when a diagnostic names it
	Notes            []string
}

// table is a workbook's ledger sheet drawn as HTML.
type table struct {
	Sheet     string
	Cols      []string // column letters
	Rows      [][]cell
	RowNums   []int
	Truncated int // rows left out
	Marked    int // cells outlined
	Unplaced  int // diagnostics with no cell
}

type villageData struct {
	Name, Org, State, Label string
	File                    string
	Newer                   bool   // File is a returned file newer than the accepted one
	Kept                    string // the accepted file then
	Errors, Warnings        []ledger.Diagnostic
	Files                   []fileRow
	Table                   *table
	TableError              string
	Annotated               string // URL of the annotated copy
	Template                string
	Prefilled               string // "" before the first build
	Counts                  any
}

func (s *Server) villagePage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	snap := s.current()
	vs, ok := snap.villageStatus(name)
	if !ok {
		http.Error(w, fmt.Sprintf("没有村（社区）“%s”：请从总览页进入。", name), http.StatusNotFound)
		return
	}
	d := villageData{Name: vs.Name, Org: vs.Org, State: vs.State, Label: stateLabels[vs.State],
		Template: "/village/" + pathEscape(name) + "/template"}
	if n, ok := snap.counts(name); ok && vs.State == workspace.Submitted {
		d.Counts = n
	}
	if _, err := os.Stat(filepath.Join(s.eng.Config.OutDir(), pipeline.SnapshotName)); err == nil {
		d.Prefilled = d.Template + "?prefill=1"
	}
	d.Files = s.villageFiles(vs)
	shown := vs.File
	if shown != nil && len(vs.Rejected) > 0 && vs.Rejected[0].Modified.After(shown.Modified) {
		shown = &vs.Rejected[0]
		d.Newer, d.Kept = true, vs.File.Name
	}
	if shown != nil {
		d.File = shown.Name
		v, err := s.verdict(shown.Path)
		if err != nil {
			d.TableError = "无法检查这个文件：" + err.Error()
		} else {
			for _, dg := range v.Diagnostics {
				if dg.Severity == ledger.Error {
					d.Errors = append(d.Errors, dg)
				} else {
					d.Warnings = append(d.Warnings, dg)
				}
			}
			t, err := s.table(shown.Path, v)
			if err != nil {
				d.TableError = err.Error()
			}
			d.Table = t
		}
		stem := strings.TrimSuffix(shown.Name, filepath.Ext(shown.Name))
		rel := filepath.Join(watch.RejectDir, stem+"-已批注.xlsx")
		if shown.Errors() > 0 && exists(filepath.Join(s.eng.Config.OutDir(), rel)) {
			d.Annotated = fileURL(rel)
		}
	}
	s.render(w, "village", name, d)
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// villageFiles lists a village's files: in the inbox, returned, archived,
// and its receipt, newest first within each kind.
func (s *Server) villageFiles(vs workspace.VillageStatus) []fileRow {
	var rows []fileRow
	add := func(kind, path, rel string) {
		st, err := os.Stat(path)
		if err != nil || !st.Mode().IsRegular() {
			return
		}
		fr := fileRow{Kind: kind, Name: filepath.Base(path), Time: when(st.ModTime()), Size: size(st.Size()), SHA256: s.digest(path, st)}
		if rel != "" {
			fr.URL = fileURL(rel)
		}
		rows = append(rows, fr)
	}
	if vs.State == workspace.Submitted && vs.File != nil {
		add("收件箱（已收）", vs.File.Path, "")
	}
	for _, f := range vs.Rejected {
		add("收件箱（退回）", f.Path, "")
	}
	out := s.eng.Config.OutDir()
	villages := make([]string, len(s.eng.Config.Villages))
	for i, v := range s.eng.Config.Villages {
		villages[i] = v.Name
	}
	for _, dir := range []struct{ kind, name string }{{"退回", watch.RejectDir}, {"归档", watch.ArchiveDir}, {"回执", watch.ReceiptDir}} {
		ents, _ := os.ReadDir(filepath.Join(out, dir.name))
		sort.Slice(ents, func(i, j int) bool { return ents[i].Name() > ents[j].Name() })
		for _, e := range ents {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") || watch.GuessVillage(e.Name(), villages) != vs.Name {
				continue
			}
			rel := filepath.Join(dir.name, e.Name())
			add(dir.kind, filepath.Join(out, rel), rel)
		}
	}
	return rows
}

func size(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d 字节", n)
	}
	if n < 1<<20 {
		return fmt.Sprintf("%.0f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// digest is a file's SHA-256, computed again only when the file changed.
func (s *Server) digest(path string, st os.FileInfo) string {
	key := fmt.Sprintf("%s|%d|%d", path, st.Size(), st.ModTime().UnixNano())
	s.mu.Lock()
	if s.digests == nil {
		s.digests = map[string]string{}
	}
	d, ok := s.digests[key]
	s.mu.Unlock()
	if ok {
		return d
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	d = hex.EncodeToString(h.Sum(nil))
	s.mu.Lock()
	s.digests[key] = d
	s.mu.Unlock()
	return d
}

// table is drawLedger's drawing, drawn again only when the file or its
// verdict changed.
func (s *Server) table(path string, v *watch.Verdict) (*table, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%s|%d|%d|%p", path, st.Size(), st.ModTime().UnixNano(), v)
	s.mu.Lock()
	t, ok := s.tables[key]
	s.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err = drawLedger(path, v)
	if err != nil {
		return t, err
	}
	s.mu.Lock()
	if s.tables == nil || len(s.tables) > 64 {
		s.tables = map[string]*table{}
	}
	s.tables[key] = t
	s.mu.Unlock()
	return t, nil
}

// drawLedger draws the sheet the ledger was read from, with the cells the
// annotated copy marks (annotate.Place) outlined and their messages beside
// them.
func drawLedger(path string, v *watch.Verdict) (*table, error) {
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return nil, fmt.Errorf("这个文件不能作为 Excel 工作簿打开，无法显示表格（问题已在上面列出）")
	}
	defer f.Close()
	sheet := ""
	for _, it := range v.Items {
		if it.Source.Sheet != "" {
			sheet = it.Source.Sheet
			break
		}
	}
	for _, d := range v.Diagnostics {
		if sheet == "" && d.Sheet != "" {
			sheet = d.Sheet
		}
	}
	if sheet == "" {
		sheet = f.GetSheetName(f.GetActiveSheetIndex())
	}
	t := &table{Sheet: sheet}
	marks, unplaced := annotate.Place(f, v.Diagnostics)
	t.Unplaced = unplaced
	marked := map[string]annotate.Marked{}
	for _, m := range marks {
		if m.Sheet == sheet {
			marked[m.Cell] = m
		} else {
			t.Unplaced += len(m.Diagnostics)
		}
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		return nil, fmt.Errorf("无法读取工作表“%s”", sheet)
	}
	for len(rows) > 0 && blank(rows[len(rows)-1]) {
		rows = rows[:len(rows)-1]
	}
	// The last row holding a marked cell is shown even past the cap.
	last := min(len(rows), maxTableRows)
	for ref := range marked {
		if _, r, err := excelize.CellNameToCoordinates(ref); err == nil && r > last && r <= len(rows) {
			last = r
		}
	}
	ncols := 0
	for _, row := range rows[:last] {
		ncols = max(ncols, len(row))
	}
	for ref := range marked {
		if c, _, err := excelize.CellNameToCoordinates(ref); err == nil {
			ncols = max(ncols, c)
		}
	}
	ncols = min(ncols, maxTableCols)
	t.Truncated = len(rows) - last

	type span struct{ rows, cols int }
	spans := map[string]span{}
	covered := map[string]bool{}
	if merged, err := f.GetMergeCells(sheet); err == nil {
		for _, m := range merged {
			c1, r1, e1 := excelize.CellNameToCoordinates(m.GetStartAxis())
			c2, r2, e2 := excelize.CellNameToCoordinates(m.GetEndAxis())
			if e1 != nil || e2 != nil {
				continue
			}
			spans[m.GetStartAxis()] = span{min(r2, last) - r1 + 1, min(c2, ncols) - c1 + 1}
			for r := r1; r <= r2; r++ {
				for c := c1; c <= c2; c++ {
					if r != r1 || c != c1 {
						ref, _ := excelize.CoordinatesToCellName(c, r)
						covered[ref] = true
					}
				}
			}
		}
	}
	for c := 1; c <= ncols; c++ {
		name, _ := excelize.ColumnNumberToName(c)
		t.Cols = append(t.Cols, name)
	}
	for r := 1; r <= last; r++ {
		var row []cell
		var vals []string
		if r-1 < len(rows) {
			vals = rows[r-1]
		}
		for c := 1; c <= ncols; c++ {
			ref, _ := excelize.CoordinatesToCellName(c, r)
			if covered[ref] {
				continue
			}
			ce := cell{Ref: ref, Rowspan: 1, Colspan: 1}
			if c-1 < len(vals) {
				ce.Text = vals[c-1]
			}
			if sp, ok := spans[ref]; ok {
				ce.Rowspan, ce.Colspan = max(sp.rows, 1), max(sp.cols, 1)
			}
			if m, ok := marked[ref]; ok {
				ce.Class = "warn"
				if m.Error() {
					ce.Class = "err"
				}
				for _, d := range m.Diagnostics {
					ce.Notes = append(ce.Notes, d.Severity.Chinese()+"："+d.Message)
				}
				t.Marked++
			}
			row = append(row, ce)
		}
		t.Rows = append(t.Rows, row)
		t.RowNums = append(t.RowNums, r)
	}
	return t, nil
}

func blank(row []string) bool {
	for _, v := range row {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// template downloads the village's form, blank or prefilled from the last
// build, as `taizhang template` writes it.
func (s *Server) template(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, ok := s.eng.Config.Village(name); !ok {
		http.Error(w, fmt.Sprintf("没有村（社区）“%s”。", name), http.StatusNotFound)
		return
	}
	prefill := r.URL.Query().Get("prefill") == "1"
	var buf strings.Builder
	if err := s.eng.Template(&buf, name, prefill); err != nil {
		http.Error(w, "无法生成表格："+err.Error(), http.StatusInternalServerError)
		return
	}
	file := form.FileName(name)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", attachment(file))
	io.WriteString(w, buf.String())
}
