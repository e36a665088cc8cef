package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestStatusListsMissingAndRejectedVillages(t *testing.T) {
	dir, cfg := newWorkspace(t)
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx"), "大布村", tasks("大布村", 5))
	var out bytes.Buffer
	if err := runStatus(&Streams{Out: &out}, &StatusOptions{Dir: dir, Today: "2025-09-05"}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"距公开日期2025年9月12日还有 7 天。", "已报送：大布村（5 项）", "未报送（请催报）：圩仔社区"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("status lacks %q:\n%s", s, out.String())
		}
	}

	writeBadLedger(t, cfg, filepath.Join(cfg.InboxDir(), "圩仔社区整改台账.xlsx"), "圩仔社区")
	out.Reset()
	if err := runStatus(&Streams{Out: &out}, &StatusOptions{Dir: dir, Today: "2025-09-05", JSON: true}); err != nil {
		t.Fatal(err)
	}
	var st struct {
		DaysLeft int      `json:"days_left"`
		Missing  []string `json:"missing"`
		Rejected []string `json:"rejected"`
		Villages []struct {
			Name, State string
		} `json:"villages"`
	}
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if st.DaysLeft != 7 || len(st.Missing) != 0 || len(st.Rejected) != 1 || st.Rejected[0] != "圩仔社区" {
		t.Errorf("status = %+v", st)
	}
}

func TestBlankFormSentBackCountsAsRejected(t *testing.T) {
	dir, cfg := newWorkspace(t)
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx"), "大布村", nil)
	var out bytes.Buffer
	if err := runStatus(&Streams{Out: &out}, &StatusOptions{Dir: dir, Today: "2025-09-05"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "是不是交回了空白表") || !strings.Contains(out.String(), "退回待改 1 个") {
		t.Errorf("status:\n%s", out.String())
	}
	v, err := checkOne(cfg, filepath.Join(cfg.InboxDir(), "大布村整改台账.xlsx"))
	if err != nil || v.Errors() != 1 {
		t.Errorf("checkOne: %v, %+v", err, v)
	}
}
