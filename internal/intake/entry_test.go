package intake

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/ledger"
)

// fillAll sets every field reachable from v to a value of its own: each
// string and number different, every bool true, every slice two elements
// long, every pointer set. A field that cannot be set (unexported) fails
// the test: an entry could not carry it.
func fillAll(t *testing.T, v reflect.Value, path string, n *int) {
	t.Helper()
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("值%d·%s", *n, path))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n % 200))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fillAll(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i), n)
		}
	case reflect.Array:
		for i := range v.Len() {
			fillAll(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i), n)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillAll(t, v.Elem(), path, n)
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				t.Fatalf("%s.%s is unexported: a kept entry cannot carry it", path, f.Name)
			}
			fillAll(t, v.Field(i), path+"."+f.Name, n)
		}
	default:
		t.Fatalf("%s is a %s: teach entry.go and this test to encode it", path, v.Kind())
	}
}

// fullKey is the key fullEntry's entry is sealed under.
const fullKey = "00112233445566778899aabbccddeeff"

// fullEntry is a Result with every field set, at every depth (fillAll),
// but its Path, which an entry does not keep, and its entry.
func fullEntry(t *testing.T) (*Result, []byte) {
	t.Helper()
	var res Result
	n := 0
	fillAll(t, reflect.ValueOf(&res).Elem(), "Result", &n)
	res.File.Path = ""
	b, err := encodeEntry(fullKey, &res)
	if err != nil {
		t.Fatal(err)
	}
	return &res, b
}

// TestEntryCoversEveryField: a Result with every field set, at every
// depth, comes back from its entry equal, but its Path (not kept: the
// caller's is set). A field added to Result, File, SheetUse, RowNote,
// ColumnNote, ledger.Item, Deadline, Date, Source, Layout or Diagnostic
// that entry.go does not encode fails here.
func TestEntryCoversEveryField(t *testing.T) {
	res, b := fullEntry(t)
	got, ok := decodeEntry(fullKey, b)
	if !ok {
		t.Fatal("the entry does not decode")
	}
	if !reflect.DeepEqual(got, res) {
		t.Errorf("the entry lost a field:\n got %+v\nwant %+v", got, res)
	}
	if _, ok := decodeEntry("ffeeddccbbaa99887766554433221100", b); ok {
		t.Error("an entry was used under another key")
	}
}

// TestEntryKeepsShapes: nil and empty slices stay apart, and tasks that
// shared one layout share one again (tasks of one table point at one
// Layout, as reading leaves them), tasks of another table another.
func TestEntryKeepsShapes(t *testing.T) {
	l1, l2 := &ledger.Layout{ledger.ColProblem: "C"}, &ledger.Layout{ledger.ColProblem: "C"}
	res := &Result{
		File: File{Name: "大布村.xlsx", Sheets: []SheetUse{{Sheet: "台账", Skipped: []RowNote{}}}},
		Items: []ledger.Item{
			{Problem: "甲", Source: ledger.Source{Layout: l1}},
			{Problem: "乙", Source: ledger.Source{Layout: l1}},
			{Problem: "丙", Source: ledger.Source{Layout: l2}},
			{Problem: "丁"},
		},
		Diagnostics: []ledger.Diagnostic{},
	}
	const k = "00112233445566778899aabbccddeeff"
	b, _ := encodeEntry(k, res)
	got, ok := decodeEntry(k, b)
	if !ok {
		t.Fatal("the entry does not decode")
	}
	if !reflect.DeepEqual(got, res) {
		t.Errorf("got %+v\nwant %+v", got, res)
	}
	if s := got.File.Sheets[0]; s.Skipped == nil || s.SkippedColumns != nil {
		t.Errorf("skipped rows %#v, columns %#v: nil and empty not kept apart", s.Skipped, s.SkippedColumns)
	}
	if got.Diagnostics == nil {
		t.Error("an empty list of diagnostics came back nil")
	}
	it := got.Items
	if it[0].Source.Layout != it[1].Source.Layout || it[1].Source.Layout == it[2].Source.Layout || it[3].Source.Layout != nil {
		t.Errorf("layouts shared as %p %p %p %p, want a a b nil", it[0].Source.Layout, it[1].Source.Layout, it[2].Source.Layout, it[3].Source.Layout)
	}
}

// TestEntryDamageNeverPanics: an entry cut anywhere or with any byte
// changed, sealed again so that it reaches the decoder (as only a forged
// entry could), decodes to nothing or to something, never panics, and
// never allocates for a length the entry could not hold.
func TestEntryDamageNeverPanics(t *testing.T) {
	_, b := fullEntry(t)
	const k = fullKey
	reseal := func(p []byte) []byte {
		e := append(make([]byte, sealSize), p...)
		binary.LittleEndian.PutUint64(e, sealOf(k, p))
		return e
	}
	payload := b[sealSize:]
	for cut := range len(payload) {
		if _, ok := decodeEntry(k, reseal(payload[:cut])); ok {
			t.Errorf("an entry cut at %d of %d bytes decoded", cut, len(payload))
		}
	}
	for i := range payload {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			p := append([]byte(nil), payload...)
			p[i] ^= x
			decodeEntry(k, reseal(p))
		}
	}
	if _, ok := decodeEntry(k, reseal(append(append([]byte(nil), payload...), 0))); ok {
		t.Error("an entry with a byte too many decoded")
	}
}

// TestEntryShapeIsInTheKey: the shape of what an entry covers names the
// fields at every depth, and changes when a field is added.
func TestEntryShapeIsInTheKey(t *testing.T) {
	for _, f := range []string{"Sheets", "SkippedColumns", "MergedUp", "Layout", "Deadline", "Month", "Message"} {
		if !strings.Contains(entryShape, f+" ") {
			t.Errorf("entryShape does not name %s: %s", f, entryShape)
		}
	}
	type a struct{ X string }
	type b struct {
		X string
		Y int
	}
	if shapeOf(reflect.TypeFor[a]()) == shapeOf(reflect.TypeFor[b]()) {
		t.Error("a field added leaves the shape as it was")
	}
	k := &Kept{}
	base, err := k.base(Options{})
	if err != nil {
		t.Skip(err)
	}
	saved := entryShape
	entryShape = shapeOf(reflect.TypeFor[b]())
	defer func() { entryShape = saved }()
	if other, _ := k.base(Options{}); string(other) == string(base) {
		t.Error("the keys do not cover entryShape")
	}
}
