package workspace

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/notice"
	"github.com/taizhang/taizhang/internal/suitetest"
)

// TestInitNarrativeIsADocumentLibreOfficeOpens: init's 通报正文.docx is a
// Word document LibreOffice converts to PDF, and the copy LibreOffice saves
// again (through .odt, as a clerk passing it through another office suite)
// gives the same notice text as the one init wrote.
func TestInitNarrativeIsADocumentLibreOfficeOpens(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice is slow; skipped with -short")
	}
	dir := filepath.Join(t.TempDir(), "第六轮")
	res, err := Init(dir, InitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := res.Config
	if filepath.Base(cfg.NarrativePath()) != "通报正文.docx" {
		t.Fatalf("narrative is %s", cfg.NarrativePath())
	}
	lo := filepath.Join(t.TempDir(), "lo")
	suitetest.Convert(t, cfg.NarrativePath(), "pdf", lo)
	odt := suitetest.Convert(t, cfg.NarrativePath(), "odt", lo)
	resaved := suitetest.Convert(t, odt, "docx", filepath.Join(lo, "again"))

	body := func(c *config.Config) string {
		t.Helper()
		text, have, err := notice.ReadNarrative(c)
		if !have || err != nil {
			t.Fatalf("%s: have %v, %v", c.NarrativePath(), have, err)
		}
		var lines []string
		for _, b := range notice.ParseNarrative(text) {
			lines = append(lines, b.Text)
		}
		return strings.Join(lines, "\n")
	}
	want := body(cfg)
	again := *cfg
	again.Narrative = resaved
	if got := body(&again); got != want {
		t.Errorf("LibreOffice's copy reads\n%s\ninit's reads\n%s", got, want)
	}
	for _, s := range []string{"一、党委履行巡察整改主体责任情况", "【完成率】", Guidance[0]} {
		if !strings.Contains(want, s) {
			t.Errorf("init's narrative lacks %q:\n%s", s, want)
		}
	}
}
