package cli

import (
	"sort"

	"bytes"
	"encoding/json"
	"github.com/xuri/excelize/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pipeline"
)

// A blank form is an error for check and build too, not only for status.
func TestBlankFormIsAnErrorEverywhere(t *testing.T) {
	dir, cfg := newWorkspace(t)
	p := filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx")
	writeLedger(t, cfg, p, "大布村", nil)
	rep, err := pipeline.Check([]string{cfg.InboxDir()}, cfg, checkAsOf(cfg))
	if err != nil {
		t.Fatal(err)
	}
	f := rep.File(p)
	if f == nil || f.Errors() != 1 || f.Diagnostics[0].Code != ledger.CodeNoTasks || !strings.Contains(f.Diagnostics[0].Message, "只有表头，没有整改任务") {
		t.Fatalf("check: %+v", f)
	}
	var out bytes.Buffer
	if err := runCheck(&Streams{Out: &out, Err: &out}, &CheckOptions{Paths: []string{cfg.InboxDir()}}); err == nil {
		t.Errorf("check passed a blank form:\n%s", out.String())
	}
	res, err := pipeline.Build(t.Context(), pipeline.Options{Config: cfg})
	if err != nil || res.Errors() == 0 || len(res.Outputs) != 0 {
		t.Errorf("build took a blank form: %v, %d errors", err, res.Errors())
	}
	v, err := checkOne(cfg, p)
	if err != nil || v.Errors() != 1 || v.Diagnostics[0].Code != ledger.CodeNoTasks {
		t.Errorf("watch: %v %+v", err, v)
	}
	out.Reset()
	runStatus(&Streams{Out: &out}, &StatusOptions{Dir: dir, Today: "2025-09-05"})
	if !strings.Contains(out.String(), "只有表头，没有整改任务") {
		t.Errorf("status:\n%s", out.String())
	}
}

// status, watch and build agree on every file: an unreadable file whose
// name holds a village is under that village; a file that is not a
// workbook is shown beside its village; after an accepted file, a newer bad
// one is the returned one and the accepted one stays accepted; 退回待改
// counts what it lists.
func TestStatusAgreesWithCheckOnEveryFile(t *testing.T) {
	dir, cfg := newWorkspace(t)
	inbox := cfg.InboxDir()
	good := filepath.Join(inbox, "大布村整改台账.xlsx")
	writeLedger(t, cfg, good, "大布村", tasks("大布村", 4))
	old := time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)
	os.Chtimes(good, old, old)
	bad := filepath.Join(inbox, "大布村整改台账（修改）.xlsx")
	writeBadLedger(t, cfg, bad, "大布村")
	os.WriteFile(filepath.Join(inbox, "圩仔社区台账.xls"), append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), 0o644)
	os.WriteFile(filepath.Join(inbox, "圩仔社区佐证材料.pdf"), []byte("%PDF-1.4"), 0o644)

	var out bytes.Buffer
	if err := runStatus(&Streams{Out: &out}, &StatusOptions{Dir: dir, Today: "2025-09-05", JSON: true}); err != nil {
		t.Fatal(err)
	}
	var st struct {
		Unknown  []any `json:"unknown"`
		Villages []struct {
			Name, State string
			File        struct{ Name string }
			Rejected    []struct{ Name string }
			Unread      []struct{ Name string }
		} `json:"villages"`
	}
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Unknown) != 0 {
		t.Errorf("不明单位: %+v", st.Unknown)
	}
	for _, v := range st.Villages {
		switch v.Name {
		case "大布村":
			if v.State != "submitted" || v.File.Name != "大布村整改台账.xlsx" || len(v.Rejected) != 1 || v.Rejected[0].Name != "大布村整改台账（修改）.xlsx" {
				t.Errorf("大布村: %+v", v)
			}
		case "圩仔社区":
			if v.State != "rejected" || len(v.Rejected) != 1 || v.Rejected[0].Name != "圩仔社区台账.xls" || len(v.Unread) != 1 {
				t.Errorf("圩仔社区: %+v", v)
			}
		}
	}
	out.Reset()
	runStatus(&Streams{Out: &out}, &StatusOptions{Dir: dir, Today: "2025-09-05"})
	text := out.String()
	listed := strings.Count(text[strings.Index(text, "退回的文件："):], "条错误")
	for _, s := range []string{"退回待改 2 个", "圩仔社区  圩仔社区台账.xls", "圩仔社区  圩仔社区佐证材料.pdf：不是Excel台账", "较新的这份被退回，仍使用之前合格的大布村整改台账.xlsx"} {
		if !strings.Contains(text, s) {
			t.Errorf("status lacks %q:\n%s", s, text)
		}
	}
	if listed != 2 {
		t.Errorf("退回待改 counts 2 but %d files are listed:\n%s", listed, text)
	}
	if strings.Contains(text, "可以运行 taizhang build --final") {
		t.Error("status says ready while build would refuse")
	}
}

// check's text output says per file what was read and what was skipped.
func TestCheckSaysWhatItReadAndSkipped(t *testing.T) {
	_, cfg := newWorkspace(t)
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx"), "大布村", tasks("大布村", 3))
	os.WriteFile(filepath.Join(cfg.InboxDir(), "塘敢村.pdf"), []byte("%PDF-1.4"), 0o644)
	var out bytes.Buffer
	runCheck(&Streams{Out: &out, Err: &out}, &CheckOptions{Paths: []string{cfg.InboxDir()}})
	for _, s := range []string{"读取情况：", "大布村整改台账.xlsx：", "读取工作表“台账”第4–6行，3项任务", "塘敢村.pdf：没有读取（不是Excel台账）", "“塘敢村.pdf”不是Excel台账"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("check output lacks %q:\n%s", s, out.String())
		}
	}
	out.Reset()
	runCheck(&Streams{Out: &out, Err: &out}, &CheckOptions{Paths: []string{cfg.InboxDir()}, JSON: true})
	var doc struct {
		Files []struct {
			Path, Status string
			Sheets       []struct {
				Sheet  string
				Read   bool
				Tasks  int
				Reason string
			}
			Diagnostics []ledger.Diagnostic
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var sawRead, sawUnread bool
	for _, f := range doc.Files {
		for _, u := range f.Sheets {
			if strings.HasSuffix(f.Path, ".xlsx") && u.Read && u.Tasks == 3 {
				sawRead = true
			}
		}
		if strings.HasSuffix(f.Path, ".pdf") && f.Status == "unread" && len(f.Diagnostics) == 1 {
			sawUnread = true
		}
	}
	if !sawRead || !sawUnread {
		t.Errorf("json files: %s", out.String())
	}
}

// A 片区 cadre's combined workbook (one sheet per village) gives each
// village its own tasks: neither is reported 未报送.
func TestStatusCombinedFile(t *testing.T) {
	dir, cfg := newWorkspace(t)
	a := filepath.Join(t.TempDir(), "a.xlsx")
	writeLedger(t, cfg, a, "大布村", tasks("大布村", 2))
	c := filepath.Join(t.TempDir(), "c.xlsx")
	writeLedger(t, cfg, c, "圩仔社区", tasks("圩仔社区", 3))
	combined := filepath.Join(cfg.InboxDir(), "第一片区汇总.xlsx")
	combineSheets(t, combined, map[string]string{"大布村": a, "圩仔社区": c})
	var out bytes.Buffer
	if err := runStatus(&Streams{Out: &out}, &StatusOptions{Dir: dir, Today: "2025-09-05"}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "未报送") && (strings.Contains(line, "大布村") || strings.Contains(line, "圩仔社区")) {
			t.Errorf("a village of the combined file reported 未报送:\n%s", text)
		}
	}
	for _, s := range []string{"大布村（2 项）", "圩仔社区（3 项）"} {
		if !strings.Contains(text, s) {
			t.Errorf("status lacks %q:\n%s", s, text)
		}
	}
}

// combineSheets writes one workbook holding the 台账 sheet of each source
// (values and merged ranges), named by its key, in key order.
func combineSheets(t *testing.T, dst string, srcs map[string]string) {
	t.Helper()
	out := excelize.NewFile()
	names := make([]string, 0, len(srcs))
	for n := range srcs {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, name := range names {
		in, err := excelize.OpenFile(srcs[name])
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			out.SetSheetName("Sheet1", name)
		} else {
			out.NewSheet(name)
		}
		rows, err := in.GetRows("台账")
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				out.SetCellStr(name, ref, v)
			}
		}
		merges, _ := in.GetMergeCells("台账")
		for _, m := range merges {
			out.MergeCell(name, m.GetStartAxis(), m.GetEndAxis())
		}
		in.Close()
	}
	if err := out.SaveAs(dst); err != nil {
		t.Fatal(err)
	}
}
