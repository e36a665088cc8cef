package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFinalRefusesWhenAVillageIsMissing(t *testing.T) {
	dir, cfg := newWorkspace(t)
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx"), "大布村", tasks("大布村", 5))
	var out, errb bytes.Buffer
	err := runBuild(context.Background(), &Streams{Out: &out, Err: &errb}, &BuildOptions{Dir: dir, Final: true})
	if code := exitCode(err); code != ExitProblems {
		t.Fatalf("exit = %d (%v), want %d", code, err, ExitProblems)
	}
	if !strings.Contains(errb.String(), "还有 1 个村（社区）没有报送台账：圩仔社区") {
		t.Errorf("stderr:\n%s", errb.String())
	}
	if _, err := os.Stat(filepath.Join(cfg.OutDir(), "公开-2025-09-12")); !os.IsNotExist(err) {
		t.Error("the dated folder was written although --final refused")
	}
}

func TestFinalRefusesUnacknowledgedPersonalDataThenWritesAReproducibleSet(t *testing.T) {
	dir, cfg := newWorkspace(t)
	its := tasks("大布村", 5)
	its[2].Progress = "已约谈相关人员，联系电话13800138000。"
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx"), "大布村", its)
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "圩仔社区整改台账.xlsx"), "圩仔社区", tasks("圩仔社区", 4))
	run := func() (int, string) {
		var out, errb bytes.Buffer
		err := runBuild(context.Background(), &Streams{Out: &out, Err: &errb}, &BuildOptions{Dir: dir, Final: true})
		return exitCode(err), out.String() + errb.String()
	}
	code, msg := run()
	if code != ExitProblems || !strings.Contains(msg, "可能含有个人信息") || !strings.Contains(msg, "大布村整改台账.xlsx:台账!I6") {
		t.Fatalf("exit %d:\n%s", code, msg)
	}

	// The clerk checks it and acknowledges it in the config.
	cfgPath := filepath.Join(dir, "taizhang.yaml")
	raw, _ := os.ReadFile(cfgPath)
	raw = bytes.Replace(raw, []byte("acknowledged: []"), []byte("acknowledged:\n  - 大布村整改台账.xlsx:台账!I6  # 单位办公电话，可以公开"), 1)
	os.WriteFile(cfgPath, raw, 0o644)
	code, msg = run()
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, msg)
	}
	final := filepath.Join(cfg.OutDir(), "公开-2025-09-12")
	first := readTree(t, final)
	for _, name := range []string{"manifest.json", "通报.pdf", "汇总台账.xlsx", "汇总台账.json", "台账/大布村.pdf"} {
		if _, ok := first[name]; !ok {
			t.Errorf("final set lacks %s (has %v)", name, keys(first))
		}
	}
	if code, msg = run(); code != 0 {
		t.Fatalf("second run: exit %d:\n%s", code, msg)
	}
	second := readTree(t, final)
	for name, b := range first {
		if !bytes.Equal(second[name], b) {
			t.Errorf("%s differs between two runs on the same inputs", name)
		}
	}
	if len(first) != len(second) {
		t.Errorf("files: %v then %v", keys(first), keys(second))
	}
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)], _ = os.ReadFile(p)
		return nil
	})
	return out
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestFinalRefusalIsOneJSONDocumentWithJSON(t *testing.T) {
	dir, cfg := newWorkspace(t)
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx"), "大布村", tasks("大布村", 5))
	var out, errb bytes.Buffer
	err := runBuild(context.Background(), &Streams{Out: &out, Err: &errb}, &BuildOptions{Dir: dir, Final: true, JSON: true})
	if code := exitCode(err); code != ExitProblems {
		t.Fatalf("exit = %d (%v)", code, err)
	}
	var doc struct {
		OK      bool     `json:"ok"`
		Refused []string `json:"refused"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.OK || len(doc.Refused) == 0 || !strings.Contains(doc.Refused[0], "圩仔社区") {
		t.Errorf("stdout %q: %+v %v", out.String(), doc, err)
	}
}
