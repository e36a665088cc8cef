// Package intake reads one village's ledger workbook into tasks and the
// problems met while reading it: it finds the ledger sheet and its header,
// fills merged cells, skips sections, blank rows and footers, reads dates,
// statuses and 序号, and names the real Excel cell of every problem. It never
// modifies a file and never panics; a file it cannot read becomes one error.
package intake

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/xlsx"
)

// Limits bound what one workbook may cost to read (see xlsx.Limits).
type Limits = xlsx.Limits

// DefaultLimits are generous for any real ledger (a few hundred rows, well
// under a megabyte of XML) and refuse zip bombs and runaway sheets.
func DefaultLimits() Limits {
	return Limits{MaxUnzipBytes: 64 << 20, MaxRows: 10000, MaxCellRunes: 32767}
}

// Options tune reading. Every field but Kept is part of a kept reading's
// key (kept.go): a field added here must be added there.
type Options struct {
	Villages []ledger.Village // the config's villages; nil when there is no config
	Limits   Limits           // zero fields take DefaultLimits
	// Kept, when set, keeps each file's reading between builds, so that
	// ReadAll reads only the files whose bytes (or name, or these
	// options, or the program) changed since they were kept.
	Kept *Kept
}

// File describes one input file.
type File struct {
	Path     string `json:"path"`    // as given
	Name     string `json:"name"`    // as shown in diagnostics: the base name
	Village  string `json:"village"` // "" when it could not be told
	Sheet    string `json:"sheet"`   // the ledger sheet, "" when none was found
	RowsRead int    `json:"rows"`    // non-empty rows below the header
	Items    int    `json:"items"`   // tasks taken
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
	Rejected bool   `json:"rejected"` // the file has at least one error
	// Sheets says what became of every sheet: read (which rows, how many
	// tasks, which rows and columns were skipped and why) or skipped, why.
	Sheets []SheetUse `json:"sheets"`
	// Unread is true for a file in the inbox that is not a workbook and was
	// not read (a PDF, a zip, a file without an extension).
	Unread bool `json:"unread,omitempty"`
}

// SheetUse is what became of one sheet of a workbook.
type SheetUse struct {
	Sheet    string `json:"sheet"`
	Read     bool   `json:"read"`
	Reason   string `json:"reason,omitempty"`  // why a sheet was not read
	Village  string `json:"village,omitempty"` // whose tasks it holds
	Tasks    int    `json:"tasks"`
	FirstRow int    `json:"first_row,omitempty"` // the first and last task rows
	LastRow  int    `json:"last_row,omitempty"`
	// Skipped are the rows below the header that are not tasks and hold
	// something (section rows, repeated headers, footers, totals).
	Skipped        []RowNote    `json:"skipped_rows,omitempty"`
	SkippedColumns []ColumnNote `json:"skipped_columns,omitempty"`
}

// RowNote is a row that was not read as a task, and why.
type RowNote struct {
	Row    int    `json:"row"`
	Reason string `json:"reason"`
}

// ColumnNote is a column of the table that was not read, and why.
type ColumnNote struct {
	Column string `json:"column"` // letters: H
	Header string `json:"header,omitempty"`
	Reason string `json:"reason"`
}

// Villages lists the villages whose tasks the file holds, in sheet order:
// one for a village's ledger, several for a combined file.
func (f *File) Villages() []string {
	var out []string
	for _, s := range f.Sheets {
		if s.Read && s.Village != "" && !slices.Contains(out, s.Village) {
			out = append(out, s.Village)
		}
	}
	if len(out) == 0 && f.Village != "" {
		out = append(out, f.Village)
	}
	return out
}

// Result is what reading one file gives.
type Result struct {
	File        File
	Items       []ledger.Item
	Diagnostics []ledger.Diagnostic
}

// workbookExts are the extensions that claim to be a spreadsheet; a folder's
// files with other extensions are not read.
var workbookExts = map[string]bool{
	".xlsx": true, ".xlsm": true, ".xls": true, ".xltx": true, ".xltm": true, ".xlt": true,
	".xlsb": true, ".et": true, ".ett": true, ".ods": true,
}

// Skipped reports whether a file name is a lock, temporary or hidden file
// that is never read: ~$x.xlsx, .~lock.x.xlsx#, x.tmp, .hidden.
func Skipped(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(name, "~") || strings.HasPrefix(name, ".") ||
		strings.HasSuffix(lower, ".tmp") || strings.HasSuffix(name, "#")
}

// IsWorkbookName reports whether a file name claims to be a spreadsheet.
func IsWorkbookName(name string) bool {
	return workbookExts[strings.ToLower(filepath.Ext(name))] && !Skipped(name)
}

// WorkspaceFile reports whether a name is one of a workspace's own files
// (the config, the narrative, notes, the program itself), which sit in the
// inbox when the inbox is the workspace folder: never read, never named.
func WorkspaceFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".txt", ".md", ".json", ".exe", ".lock", ".ini", ".log", ".docx", ".doc", ".wps":
		return true
	}
	return false
}

// Discover expands folders into the files directly inside them (lock,
// temporary and hidden files and the workspace's own files skipped
// silently; links and files that are not workbooks kept, so that reading
// names them) and keeps files given by name. The result is sorted and free of repeats. A path that does not exist
// is an error.
func Discover(paths []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		key := filepath.Clean(p)
		if !seen[key] {
			seen[key] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			if os.IsNotExist(err) {
				return nil, fmt.Errorf("找不到“%s”：请检查文件或文件夹的路径", p)
			}
			return nil, fmt.Errorf("无法访问“%s”：%v", p, err)
		}
		if !fi.IsDir() {
			if !Skipped(filepath.Base(p)) {
				add(p)
			}
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("无法读取文件夹“%s”：%v", p, err)
		}
		for _, e := range entries {
			link := e.Type()&(os.ModeSymlink|os.ModeIrregular) != 0
			if (e.IsDir() && !link) || Skipped(e.Name()) || (!IsWorkbookName(e.Name()) && WorkspaceFile(e.Name())) {
				continue
			}
			add(filepath.Join(p, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// ReadAll reads the files in parallel, at most GOMAXPROCS at a time, and
// returns their results in input order.
func ReadAll(paths []string, opts Options) []*Result {
	results := make([]*Result, len(paths))
	read := func(path string) *Result { return Read(path, opts) }
	if opts.Kept != nil {
		read = opts.Kept.reader(opts)
	}
	workers := min(runtime.GOMAXPROCS(0), len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = read(paths[i])
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// Read reads one workbook. It never panics and never modifies the file: a
// file it cannot read gives a Result with one error naming it.
func Read(path string, opts Options) (res *Result) {
	r := newReader(path, opts)
	res = r.res
	defer res.finish()
	hookRead(path)
	opts = r.opts
	if reason := linkReason(path); reason != "" {
		r.fileError(ledger.CodeLink, "“%s”是%s，程序不会跟随它去读取收件箱以外的文件：请把台账文件本身（而不是快捷方式）放进收件箱", res.File.Name, reason)
		return res
	}
	if !IsWorkbookName(res.File.Name) {
		res.File.Unread = true
		res.File.Village = VillageInName(res.File.Name, opts.Villages)
		res.Diagnostics = append(res.Diagnostics, ledger.Diagnostic{
			Severity: ledger.Warning, Code: ledger.CodeUnread, File: res.File.Name,
			Message: fmt.Sprintf("“%s”不是Excel台账（%s），没有读取：如这是台账，请另存为Excel工作簿（*.xlsx）后重新提交", res.File.Name, unreadKind(res.File.Name)),
		})
		return res
	}
	r.read(path)
	return res
}

// linkReason says what kind of link a path is ("" for a plain file): a
// symbolic link, a junction or other reparse point, or a Windows shortcut.
func linkReason(path string) string {
	fi, err := os.Lstat(path)
	if err != nil {
		return ""
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		return "一个链接（符号链接）"
	case fi.Mode()&os.ModeIrregular != 0:
		return "一个链接（目录联接）"
	case fi.IsDir():
		return ""
	case strings.EqualFold(filepath.Ext(path), ".lnk"):
		return "一个Windows快捷方式"
	}
	return ""
}

// unreadKind names what a file not read seems to be, by its extension.
func unreadKind(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		return "是PDF文件"
	case ".zip", ".rar", ".7z":
		return "是压缩包，请解压后提交其中的台账"
	case ".jpg", ".jpeg", ".png":
		return "是图片"
	case "":
		return "没有扩展名"
	}
	return "扩展名是“" + filepath.Ext(name) + "”"
}

func orDefault(l Limits) Limits {
	d := DefaultLimits()
	if l.MaxUnzipBytes <= 0 {
		l.MaxUnzipBytes = d.MaxUnzipBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxCellRunes <= 0 {
		l.MaxCellRunes = d.MaxCellRunes
	}
	return l
}

// testHookRead, when set by a test, runs before a file is read.
var testHookRead func(path string)

// reader holds the state of reading one file.
type reader struct {
	res  *Result
	opts Options
}

// fileError records an error about the whole file.
func (r *reader) fileError(code, format string, args ...any) {
	r.res.Diagnostics = append(r.res.Diagnostics, ledger.Diagnostic{
		Severity: ledger.Error, Code: code, File: r.res.File.Name,
		Message: fmt.Sprintf(format, args...),
	})
}

// read opens the file read-only, fingerprints it, sniffs what it is and, for
// an xlsx package, reads the ledger.
func (r *reader) read(path string) {
	f, err := os.Open(path)
	if err != nil {
		reason := "文件无法打开"
		if os.IsPermission(err) {
			reason = "没有读取这个文件的权限"
		} else if os.IsNotExist(err) {
			reason = "文件不存在（可能已被移走）"
		}
		r.fileError(ledger.CodeCorrupt, "%s：请检查后重新提交", reason)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.IsDir() {
		r.fileError(ledger.CodeNotWorkbook, "这不是一个文件：请提交Excel工作簿（.xlsx）")
		return
	}
	r.readFrom(f, fi.Size())
}

// readFrom fingerprints the content, sniffs what it is and, for an xlsx
// package, reads the ledger.
func (r *reader) readFrom(f io.ReaderAt, size int64) {
	r.res.File.Size = size
	if size == 0 {
		r.fileError(ledger.CodeEmptyFile, "文件是空的（0字节），可能没有保存或没有传完：请重新保存台账后再提交")
		return
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, size)); err != nil {
		r.fileError(ledger.CodeCorrupt, "文件读取出错，可能已损坏：请重新保存或重新发送")
		return
	}
	r.res.File.SHA256 = hex.EncodeToString(h.Sum(nil))

	var head [512]byte
	n, _ := f.ReadAt(head[:], 0)
	switch k := sniff(head[:n]); k {
	case kindZip:
		r.readPackage(f, size)
	case kindCFB:
		r.readCFB(f)
	default:
		r.fileError(ledger.CodeNotWorkbook, "%s", notWorkbookMessage(k))
	}
}

// ReadBytes reads a workbook held in memory, as Read reads a file named
// name (the name is used for diagnostics and the village).
func ReadBytes(name string, data []byte, opts Options) (res *Result) {
	return readData(name, data, opts)
}

// readData reads data, the bytes of the plain workbook file at path, with
// the result Read(path) would give.
func readData(path string, data []byte, opts Options) (res *Result) {
	r := newReader(path, opts)
	res = r.res
	defer res.finish()
	hookRead(path)
	r.readFrom(bytes.NewReader(data), int64(len(data)))
	return res
}

// newReader starts a reading of the file at path: its Result, and the
// options with their default limits. Read and readData both start here.
func newReader(path string, opts Options) *reader {
	opts.Limits = orDefault(opts.Limits)
	return &reader{res: &Result{File: File{Path: path, Name: filepath.Base(path)}}, opts: opts}
}

// hookRead calls testHookRead, when a test set it, inside the reading's
// recover (a panicking hook stands for a bug met while reading).
func hookRead(path string) {
	if testHookRead != nil {
		testHookRead(path)
	}
}

// finish recovers from a bug met while reading (one error naming the file)
// and fills in the counts.
func (res *Result) finish() {
	if p := recover(); p != nil {
		res.Items = nil
		res.Diagnostics = append(res.Diagnostics, ledger.Diagnostic{
			Severity: ledger.Error, Code: ledger.CodeInternal, File: res.File.Name,
			Message: fmt.Sprintf("读取本文件时程序出错（%v），这是本程序的缺陷：请把此文件发给维护人员，其他文件不受影响", p),
		})
	}
	res.File.Items = len(res.Items)
	res.File.Rejected = ledger.HasError(res.Diagnostics)
}
