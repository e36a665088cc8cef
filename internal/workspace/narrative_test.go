package workspace

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/notice"
)

// soffice has LibreOffice convert in (to format, in outDir) in a private
// profile, returning the new file's path.
func soffice(t *testing.T, in, format, outDir string) string {
	t.Helper()
	exe, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("soffice (LibreOffice) is required in CI")
		}
		t.Skip("soffice not installed")
	}
	os.MkdirAll(outDir, 0o755)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	profile := "file://" + filepath.ToSlash(filepath.Join(filepath.Dir(outDir), "lo-profile"))
	cmd := exec.CommandContext(ctx, exe, "-env:UserInstallation="+profile, "--headless", "--convert-to", format, "--outdir", outDir, in)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	out := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))+"."+strings.SplitN(format, ":", 2)[0])
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("LibreOffice wrote no %s: %v", out, err)
	}
	return out
}

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
	soffice(t, cfg.NarrativePath(), "pdf", lo)
	odt := soffice(t, cfg.NarrativePath(), "odt", lo)
	resaved := soffice(t, odt, "docx", filepath.Join(lo, "again"))

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
