package pipeline

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/pdftest"
)

// TestDocImages renders the notice pictures of docs/images from the sample
// build: the notice's first page, the first attachment page that shows a
// section row, a problem merged over several rows and a （续）, and the
// first page of 大布村's own file. It runs only when NOTICE_IMAGES names the
// folder to write them to:
//
//	NOTICE_IMAGES=$PWD/docs/images go test -run TestDocImages ./internal/pipeline
func TestDocImages(t *testing.T) {
	dir := os.Getenv("NOTICE_IMAGES")
	if dir == "" {
		t.Skip("NOTICE_IMAGES not set")
	}
	pdftest.Need(t, "pdftoppm", "pdftotext")
	cfg, err := config.Load("../../samples/taizhang.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Build(context.Background(), Options{Config: cfg, OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	town, err := os.ReadFile(filepath.Join(res.OutDir, "通报.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	village, err := os.ReadFile(filepath.Join(res.OutDir, "台账", "大布村.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	path := pdftest.File(t, town)
	sizes := pdftest.PageSizes(t, town)
	page := 0
	for p := 1; p <= len(sizes) && page == 0; p++ {
		if sizes[p-1].W < sizes[p-1].H {
			continue
		}
		out, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		if s := string(out); strings.Contains(s, "（续）") && strings.Contains(s, "二、") {
			page = p
		}
	}
	if page == 0 {
		t.Fatal("no attachment page shows a section row and a （续）")
	}
	for _, img := range []struct {
		name string
		pdf  []byte
		page int
	}{{"notice-page.png", town, 1}, {"notice-attachment.png", town, page}, {"village-ledger.png", village, 1}} {
		if err := pdftest.SavePNG(pdftest.Render(t, img.pdf, img.page, 60), filepath.Join(dir, img.name)); err != nil {
			t.Fatal(err)
		}
	}
}
