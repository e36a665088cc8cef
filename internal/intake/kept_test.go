package intake

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/taizhang/taizhang/internal/cache"
	"github.com/taizhang/taizhang/internal/cache/cachetest"
	"github.com/taizhang/taizhang/internal/intake/testbuild"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/synth"
)

// keptCorpus writes workbooks that exercise every part of a Result into
// one folder and returns their paths: the nine sample ledgers, the layouts
// clerks send (section rows, merged problems, hidden rows, a 填表说明 sheet,
// last month's sheet, one sheet per village), row and file errors, and
// files that are not read at all.
func keptCorpus(t *testing.T) (dir string, paths []string) {
	t.Helper()
	dir = t.TempDir()
	samples, err := filepath.Glob(filepath.Join("..", "..", "samples", "*.xlsx"))
	if err != nil || len(samples) != 9 {
		t.Fatalf("samples: %v, %v", samples, err)
	}
	for _, s := range samples {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		writeIn(t, dir, filepath.Base(s), b)
	}

	town, err := synth.SampleTown()
	if err != nil {
		t.Fatal(err)
	}
	layouts := map[string]func(l *synth.Ledger){
		"分节合并隐藏": func(l *synth.Ledger) {
			l.Layout.Category = synth.CategorySection
			l.Layout.Instructions, l.Layout.OldSheet = nil, ""
			l.Layout.SectionForm = "seq_merged"
			l.Layout.SeqPerSection, l.Layout.ColumnNumbers, l.Layout.TotalRow = true, true, true
			l.Layout.HideRows = []int{2, 3}
			l.Layout.Stray = "A60000"
			l.Layout.MergeProblems = true
		},
		"上月表": func(l *synth.Ledger) {
			l.Layout.OldSheet, l.Layout.OldVisible, l.Layout.Sheet = "6月", true, "9月更新"
			l.Layout.Instructions = nil
		},
		"填表说明": func(l *synth.Ledger) {
			l.Layout.Instructions = []string{"一、请按表头逐项填写。", "二、示例如下。"}
			l.Layout.Example = true
			l.Layout.OldSheet = ""
		},
	}
	for name, f := range layouts {
		l := *town[5]
		f(&l)
		if err := synth.Write(filepath.Join(dir, "大布村"+name+".xlsx"), &l); err != nil {
			t.Fatal(err)
		}
	}
	if err := synth.WriteCombined(filepath.Join(dir, "第二片区台账汇总.xlsx"), town[5:8]); err != nil {
		t.Fatal(err)
	}

	testbuild.Write(t, dir, "行错误.xlsx", testbuild.Ledger(title,
		testbuild.Row(1, "", "问题一", "", "", "", "", "2025-03-31", "进展", "搁置", "", "", ""),
		testbuild.Row(2, "", "问题二", "措施", "", "", "", "下个月", "", "已完成", "上周", "", ""),
		testbuild.Row(2, "", "问题三", "措施", "", "", "", date{Serial: 3.31}, "进展", "", "", "", ""),
	))
	testbuild.Write(t, dir, "缺列.xlsx", tb{Sheets: []sh{{Name: "台账", Rows: [][]any{
		{"大布村整改台账"},
		{"序号", "巡察反馈问题", "整改措施", "整改时限", "整改进展情况", "备注"},
		{1, "问题", "措施", "2025-03-31", "进展", ""},
	}}}})
	testbuild.Write(t, dir, "多一列.xlsx", tb{Sheets: []sh{{Name: "台账", Rows: [][]any{
		{title},
		append(append([]any{}, testbuild.Header...), "村民小组"),
		append(okRow(1, "问"), "一组"),
	}}}})
	good := testbuild.Write(t, dir, "好.xlsx", testbuild.Ledger(title, okRow(1, "问")))
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	writeIn(t, dir, "空.xlsx", nil)
	writeIn(t, dir, "半截.xlsx", data[:len(data)/2])
	writeIn(t, dir, "文本.xlsx", []byte("这不是工作簿"))
	old, err := os.ReadFile(filepath.Join("testdata", "old-format.xls"))
	if err != nil {
		t.Fatal(err)
	}
	writeIn(t, dir, "旧格式.xls", old)
	writeIn(t, dir, "扫描件.pdf", []byte("%PDF-1.4"))
	if err := os.Symlink(good, filepath.Join(dir, "链接.xlsx")); err != nil {
		t.Logf("no symbolic link: %v", err)
	}

	paths, err = Discover([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	return dir, paths
}

func writeIn(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// parses counts, by file name, the files reading parsed (not took from
// the store) while it runs.
func parses(t *testing.T) (counts func() map[string]int) {
	var mu sync.Mutex
	n := map[string]int{}
	testHookRead = func(p string) {
		mu.Lock()
		n[filepath.Base(p)]++
		mu.Unlock()
	}
	t.Cleanup(func() { testHookRead = nil })
	return func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		c := n
		n = map[string]int{}
		return c
	}
}

// TestKeptEqualsFresh: a Result taken from the store is the Result a
// fresh Read gives, every field (json:"-" ones, 读取情况's sheets, skipped
// rows and columns, warnings, errors) — and the second ReadAll parses no
// file whose reading was kept.
func TestKeptEqualsFresh(t *testing.T) {
	villages, err := synth.SampleVillages()
	if err != nil {
		t.Fatal(err)
	}
	dir, paths := keptCorpus(t)
	before := cachetest.FolderState(t, dir)
	defer func() {
		if after := cachetest.FolderState(t, dir); after != before {
			t.Errorf("the inputs changed:\nbefore %s\nafter  %s", before, after)
		}
	}()
	opts := Options{Villages: villages}
	fresh := ReadAll(paths, opts)

	// The corpus covers what it claims to.
	var warnings, errors, skippedSheets, skippedRows, skippedCols, fromSection, merged int
	for _, r := range fresh {
		for _, d := range r.Diagnostics {
			if d.Severity == ledger.Error {
				errors++
			} else {
				warnings++
			}
		}
		for _, s := range r.File.Sheets {
			if !s.Read {
				skippedSheets++
			}
			skippedRows += len(s.Skipped)
			skippedCols += len(s.SkippedColumns)
		}
		for _, it := range r.Items {
			if it.FromSection {
				fromSection++
			}
			if it.MergedUp != 0 {
				merged++
			}
		}
	}
	for what, n := range map[string]int{"warnings": warnings, "errors": errors, "skipped sheets": skippedSheets,
		"skipped rows": skippedRows, "skipped columns": skippedCols, "tasks from sections": fromSection, "merged cells": merged} {
		if n == 0 {
			t.Errorf("the corpus has no %s", what)
		}
	}

	// Every reading survives its entry, the rejected ones too (which are
	// not kept, but could be).
	const k = "00112233445566778899aabbccddeeff"
	for _, r := range fresh {
		b, err := encodeEntry(k, r)
		if err != nil {
			t.Fatalf("%s: %v", r.File.Name, err)
		}
		got, ok := decodeEntry(k, b)
		if !ok {
			t.Fatalf("%s: the entry does not decode", r.File.Name)
		}
		got.File.Path = r.File.Path
		if !reflect.DeepEqual(got, r) {
			t.Errorf("%s: the entry's reading differs from a fresh one:\n got %+v\nwant %+v", r.File.Name, got, r)
		}
	}

	store, err := cache.Open(filepath.Join(t.TempDir(), "intake"))
	if err != nil {
		t.Fatal(err)
	}
	count := parses(t)
	first := NewKept(store)
	opts.Kept = first
	equal(t, "first read", ReadAll(paths, opts), fresh)
	if read, reused := first.Counts(); read != len(paths) || reused != 0 {
		t.Errorf("first read: %d read, %d reused; want %d and 0", read, reused, len(paths))
	}
	if c := count(); len(c) != len(paths) {
		t.Errorf("first read parsed %d files: %v", len(c), c)
	}

	second := NewKept(store)
	opts.Kept = second
	equal(t, "second read", ReadAll(paths, opts), fresh)
	// What is not kept: the PDF and the link (named, not read) and the
	// rejected files (row errors, a missing column, files that are no
	// workbook or are damaged).
	var notKept []string
	for _, r := range fresh {
		if r.File.Rejected || r.File.Unread {
			notKept = append(notKept, r.File.Name)
		}
	}
	if len(notKept) < 7 {
		t.Errorf("only %v are rejected or not read", notKept)
	}
	if read, reused := second.Counts(); read != len(notKept) || reused != len(paths)-len(notKept) {
		t.Errorf("second read: %d read, %d reused; want %d and %d", read, reused, len(notKept), len(paths)-len(notKept))
	}
	if c := count(); len(c) != len(notKept) {
		t.Errorf("second read parsed %v; want only %v", c, notKept)
	}
}

// equal fails unless got and want are equal in every field.
func equal(t *testing.T, what string, got, want []*Result) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d results, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s: %s differs from a fresh read:\n got %+v\nwant %+v", what, want[i].File.Name, got[i].File, want[i].File)
		}
	}
}

// TestKeptKey: the reading is made again when the file's bytes, its name
// or the options change, or the caller's salt; not when only its folder
// or its modification time does.
func TestKeptKey(t *testing.T) {
	store, err := cache.Open(filepath.Join(t.TempDir(), "intake"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a := testbuild.Write(t, dir, "大布村.xlsx", testbuild.Ledger(title, okRow(1, "问")))
	count := parses(t)
	villages := []ledger.Village{{Name: "大布村"}}
	readOnce := func(what string, path string, opts Options, salt string, wantParsed bool) *Result {
		t.Helper()
		opts.Kept = NewKept(store, []byte(salt))
		res := ReadAll([]string{path}, opts)[0]
		fresh := Read(path, Options{Villages: opts.Villages, Limits: opts.Limits})
		count() // the fresh read
		if !reflect.DeepEqual(res, fresh) {
			t.Errorf("%s: the result differs from a fresh read", what)
		}
		read, reused := opts.Kept.Counts()
		if parsed := read == 1 && reused == 0; parsed != wantParsed {
			t.Errorf("%s: %d read, %d reused; want parsed %v", what, read, reused, wantParsed)
		}
		opts.Kept.Prune()
		return res
	}
	count()
	readOnce("first", a, Options{Villages: villages}, "v1", true)
	readOnce("again", a, Options{Villages: villages}, "v1", false)
	readOnce("another salt", a, Options{Villages: villages}, "v2", true)
	readOnce("other villages", a, Options{Villages: []ledger.Village{{Name: "大布村", Org: "中共大布村委员会"}}}, "v2", true)
	readOnce("other limits", a, Options{Villages: []ledger.Village{{Name: "大布村", Org: "中共大布村委员会"}}, Limits: Limits{MaxRows: 5}}, "v2", true)
	readOnce("back", a, Options{Villages: villages}, "v1", true)

	// Moved to another folder: the same reading, with the new path.
	moved := filepath.Join(t.TempDir(), "大布村.xlsx")
	b, _ := os.ReadFile(a)
	writeIn(t, filepath.Dir(moved), "大布村.xlsx", b)
	if res := readOnce("moved", moved, Options{Villages: villages}, "v1", false); res.File.Path != moved {
		t.Errorf("moved: path %s", res.File.Path)
	}
	// Renamed: diagnostics and tasks name the file.
	renamed := filepath.Join(dir, "大布村整改台账.xlsx")
	writeIn(t, dir, filepath.Base(renamed), b)
	if res := readOnce("renamed", renamed, Options{Villages: villages}, "v1", true); res.Items[0].Source.File != "大布村整改台账.xlsx" {
		t.Errorf("renamed: tasks name %s", res.Items[0].Source.File)
	}
	// The same size and time, other bytes (a cell changed in place).
	fi, _ := os.Stat(a)
	c := testbuild.Write(t, t.TempDir(), "大布村.xlsx", testbuild.Ledger(title, okRow(1, "答")))
	cb, _ := os.ReadFile(c)
	if len(cb) != len(b) {
		t.Logf("the changed file is %d bytes, not %d", len(cb), len(b))
	}
	writeIn(t, dir, "大布村.xlsx", cb)
	os.Chtimes(a, fi.ModTime(), fi.ModTime())
	if res := readOnce("changed in place", a, Options{Villages: villages}, "v1", true); res.Items[0].Problem != "答" {
		t.Errorf("changed in place: problem %q", res.Items[0].Problem)
	}
}

// TestKeptBadEntry: an entry damaged, cut short, of another file or not a
// reading at all is not used: the file is read again, and the result is a
// fresh read's.
func TestKeptBadEntry(t *testing.T) {
	dir := t.TempDir()
	a := testbuild.Write(t, dir, "大布村.xlsx", testbuild.Ledger(title, okRow(1, "问"), okRow(2, "题")))
	other := testbuild.Write(t, dir, "塘敢村.xlsx", testbuild.Ledger(title, okRow(1, "别")))
	paths := []string{other, a}
	fresh := ReadAll(paths, Options{})
	sdir := filepath.Join(t.TempDir(), "intake")
	store, err := cache.Open(sdir)
	if err != nil {
		t.Fatal(err)
	}
	entry := func(name string) string {
		// The key of name's entry: the one entry made by reading it alone.
		k := NewKept(store)
		ReadAll([]string{filepath.Join(dir, name)}, Options{Kept: k})
		for key := range k.used {
			return key
		}
		t.Fatalf("no entry for %s", name)
		return ""
	}
	damage := map[string]func(bin, json string){
		"a byte changed, record to match": func(bin, rec string) {
			b, _ := os.ReadFile(bin)
			b[len(b)/2] ^= 0x01
			os.WriteFile(bin, b, 0o644)
			cachetest.FixRecord(t, rec, b)
		},
		"cut short, record to match": func(bin, rec string) {
			b, _ := os.ReadFile(bin)
			os.WriteFile(bin, b[:len(b)-7], 0o644)
			cachetest.FixRecord(t, rec, b[:len(b)-7])
		},
		"not a reading, record to match": func(bin, rec string) {
			os.WriteFile(bin, []byte("%PDF-1.7 a typeset ledger"), 0o644)
			cachetest.FixRecord(t, rec, []byte("%PDF-1.7 a typeset ledger"))
		},
		"another file's reading, record to match": func(bin, rec string) {
			k := entry("塘敢村.xlsx")
			b, _ := os.ReadFile(filepath.Join(sdir, k+".bin"))
			os.WriteFile(bin, b, 0o644)
			cachetest.FixRecord(t, rec, b)
		},
		"bytes changed": func(bin, rec string) {
			b, _ := os.ReadFile(bin)
			b[len(b)/3] ^= 0x10
			os.WriteFile(bin, b, 0o644)
		},
		"record gone": func(bin, rec string) { os.Remove(rec) },
	}
	names := make([]string, 0, len(damage))
	for n := range damage {
		names = append(names, n)
	}
	sort.Strings(names)
	count := parses(t)
	for _, what := range names {
		k := entry("大布村.xlsx")
		damage[what](filepath.Join(sdir, k+".bin"), filepath.Join(sdir, k+".json"))
		count()
		kept := NewKept(store)
		got := ReadAll(paths, Options{Kept: kept})
		equal(t, what, got, fresh)
		if c := count(); c["大布村.xlsx"] != 1 {
			t.Errorf("%s: the damaged entry was used (parsed %v)", what, c)
		}
	}
}

// twoVillagesKept writes two villages' workbooks, a and b, and opens an
// empty store for their readings in sdir.
func twoVillagesKept(t *testing.T) (a, b, sdir string, store *cache.Store) {
	t.Helper()
	dir := t.TempDir()
	a = testbuild.Write(t, dir, "大布村.xlsx", testbuild.Ledger(title, okRow(1, "问")))
	b = testbuild.Write(t, dir, "塘敢村.xlsx", testbuild.Ledger(title, okRow(1, "别")))
	sdir = filepath.Join(t.TempDir(), "intake")
	store, err := cache.Open(sdir)
	if err != nil {
		t.Fatal(err)
	}
	return a, b, sdir, store
}

// TestKeptPrune: Prune keeps the entries this Kept used and nothing else.
func TestKeptPrune(t *testing.T) {
	a, b, sdir, store := twoVillagesKept(t)
	ReadAll([]string{a, b}, Options{Kept: NewKept(store)})
	k := NewKept(store)
	ReadAll([]string{b}, Options{Kept: k})
	if err := k.Prune(); err != nil {
		t.Fatal(err)
	}
	des, _ := os.ReadDir(sdir)
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	if len(names) != 2 || !k.used[strings.TrimSuffix(names[0], ".bin")] {
		t.Errorf("after pruning: %v", names)
	}
}

// TestOptionsAreInTheKey guards kept.go's key: a field added to Options
// must be added to the key (Kept.base) and then to this list.
func TestOptionsAreInTheKey(t *testing.T) {
	var fields []string
	ty := reflect.TypeOf(Options{})
	for i := range ty.NumField() {
		fields = append(fields, ty.Field(i).Name)
	}
	if got := strings.Join(fields, " "); got != "Villages Limits Kept" {
		t.Errorf("Options has fields %s: put the new one in Kept.base's key", got)
	}
}

// TestKeptReadOnly: a read-only Kept takes the readings kept by another
// and writes nothing: a file not kept is read and not kept, nothing is
// pruned, and the store's folder is as it was, byte for byte.
func TestKeptReadOnly(t *testing.T) {
	a, b, sdir, store := twoVillagesKept(t)
	ReadAll([]string{a}, Options{Kept: NewKept(store)})
	before := cachetest.FolderState(t, sdir)
	count := parses(t)
	k := NewKeptReadOnly(store)
	got := ReadAll([]string{a, b}, Options{Kept: k})
	equal(t, "read-only", got, ReadAll([]string{a, b}, Options{}))
	if read, reused := k.Counts(); read != 1 || reused != 1 {
		t.Errorf("%d read, %d reused; want 1 and 1", read, reused)
	}
	if c := count(); c["大布村.xlsx"] != 1 || c["塘敢村.xlsx"] != 2 {
		t.Errorf("parsed %v: want 大布村 once (the fresh read) and 塘敢村 twice", c)
	}
	if err := k.Prune(); err == nil {
		t.Error("a read-only Kept pruned")
	}
	if after := cachetest.FolderState(t, sdir); after != before {
		t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
	}
}
