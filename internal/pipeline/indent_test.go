package pipeline

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/taizhang/taizhang/internal/ledger"
)

// TestAppendIndentedIsJSONIndent: for compact JSON as the encoder writes
// it, appendIndented gives json.Indent's bytes — empty and nested objects
// and arrays, punctuation and escapes inside strings, every kind of value.
func TestAppendIndentedIsJSONIndent(t *testing.T) {
	values := []any{
		map[string]any{"a": []any{}, "b": map[string]any{}, "c": `x,{}[]:"\` + "\u2028\n\t<&>", "d": []any{1, map[string]any{"e": nil}, 2.5, true, false}},
		[]any{[]any{}, []any{[]any{map[string]any{}}}, "", "\\", `\"`, `\\"`, `"\`, `a\\\"b"`, "“第一议题”，（一）：；"},
		"just a string", 42, nil, []any{}, map[string]any{},
		ledger.Item{Village: "大布村", Seq: "（2）", Problem: "“第一议题”制度执行不严格<>&\\\"", Progress: "第一行\n第二行",
			Deadline: ledger.Deadline{Kind: ledger.DeadlineOn, Date: ledger.NewDate(2025, 3, 31)}, Status: ledger.StatusDone,
			Source: ledger.Source{File: "大布村.xlsx", Sheet: "台账", Row: 4, Layout: &ledger.Layout{ledger.ColProgress: "H"}}},
	}
	for _, v := range values {
		var compact bytes.Buffer
		enc := json.NewEncoder(&compact)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		src := bytes.TrimSuffix(compact.Bytes(), []byte("\n"))
		for _, pi := range [][2]string{{"", "  "}, {"    ", "  "}, {">", "\t"}} {
			var want bytes.Buffer
			if err := json.Indent(&want, src, pi[0], pi[1]); err != nil {
				t.Fatal(err)
			}
			if got := appendIndented(nil, src, pi[0], pi[1]); !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%s with %q %q:\n%s\nwant\n%s", src, pi[0], pi[1], got, want.Bytes())
			}
		}
	}
}
