// Package pdftest checks PDFs in tests with the poppler utilities and qpdf:
// extracted text, page sizes, fonts, structure, and rendered pixels.
//
// A test that needs a missing tool is skipped, unless the environment
// variable CI is "true": there a missing tool is a failure, so that a build
// machine never passes by skipping.
package pdftest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Need skips (or, with CI=true, fails) the test when a tool is not on PATH.
func Need(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required with CI=true: %v", tool, err)
			}
			t.Skipf("%s not installed", tool)
		}
	}
}

// File writes pdf to a temporary file and returns its path.
func File(t testing.TB, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	Need(t, name)
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.Bytes())
	}
	return out
}

// Pages returns the text of every page (pdftotext, reading order).
func Pages(t testing.TB, pdf []byte) []string {
	t.Helper()
	out := run(t, "pdftotext", "-enc", "UTF-8", File(t, pdf), "-")
	pages := strings.Split(string(out), "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
}

// Text returns the text of the whole document.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	return strings.Join(Pages(t, pdf), "\f")
}

// Word is a word pdftotext found, with its box in points from the page's
// top left corner.
type Word struct {
	Page                   int // 1-based
	Text                   string
	XMin, YMin, XMax, YMax float64
}

// Words returns every word with its position (pdftotext -bbox).
func Words(t testing.TB, pdf []byte) []Word {
	t.Helper()
	out := run(t, "pdftotext", "-enc", "UTF-8", "-bbox", File(t, pdf), "-")
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	var words []Word
	page := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "page":
			page++
		case "word":
			w := Word{Page: page}
			for _, a := range se.Attr {
				v, _ := strconv.ParseFloat(a.Value, 64)
				switch a.Name.Local {
				case "xMin":
					w.XMin = v
				case "yMin":
					w.YMin = v
				case "xMax":
					w.XMax = v
				case "yMax":
					w.YMax = v
				}
			}
			var text string
			if err := dec.DecodeElement(&text, &se); err == nil {
				w.Text = text
			}
			words = append(words, w)
		}
	}
	return words
}

// Size is a page size in points.
type Size struct{ W, H float64 }

// PageSizes returns the size of every page (pdfinfo).
func PageSizes(t testing.TB, pdf []byte) []Size {
	t.Helper()
	path := File(t, pdf)
	info := string(run(t, "pdfinfo", path))
	n := 0
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if n == 0 {
		t.Fatalf("pdfinfo: no pages\n%s", info)
	}
	info = string(run(t, "pdfinfo", "-f", "1", "-l", strconv.Itoa(n), path))
	var sizes []Size
	for _, line := range strings.Split(info, "\n") {
		// "Page    1 size: 595.28 x 841.89 pts (A4)"
		if !strings.HasPrefix(line, "Page") || !strings.Contains(line, " size:") {
			continue
		}
		_, rest, _ := strings.Cut(line, "size:")
		var s Size
		if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%g x %g", &s.W, &s.H); err != nil {
			t.Fatalf("pdfinfo: %q: %v", line, err)
		}
		sizes = append(sizes, s)
	}
	return sizes
}

// Info returns pdfinfo's key: value lines.
func Info(t testing.TB, pdf []byte) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, line := range strings.Split(string(run(t, "pdfinfo", File(t, pdf))), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

// Font is one line of pdffonts.
type Font struct {
	Name, Type, Encoding string
	Embedded, Subset     bool
}

// Fonts lists the fonts of the document (pdffonts).
func Fonts(t testing.TB, pdf []byte) []Font {
	t.Helper()
	out := string(run(t, "pdffonts", File(t, pdf)))
	lines := strings.Split(out, "\n")
	var fonts []Font
	for _, line := range lines[min(2, len(lines)):] {
		f := strings.Fields(line)
		if len(f) < 7 {
			continue
		}
		// name type... encoding emb sub uni object ID: count from the end.
		n := len(f)
		fonts = append(fonts, Font{
			Name:     f[0],
			Type:     strings.Join(f[1:n-6], " "),
			Encoding: f[n-6],
			Embedded: f[n-5] == "yes",
			Subset:   f[n-4] == "yes",
		})
	}
	return fonts
}

// Check fails the test when qpdf --check finds a problem.
func Check(t testing.TB, pdf []byte) {
	t.Helper()
	Need(t, "qpdf")
	out, err := exec.Command("qpdf", "--check", File(t, pdf)).CombinedOutput()
	if err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
}

// Render rasterises one page (1-based) in grey at dpi dots per inch.
func Render(t testing.TB, pdf []byte, page, dpi int) image.Image {
	t.Helper()
	dir := t.TempDir()
	p := strconv.Itoa(page)
	run(t, "pdftoppm", "-r", strconv.Itoa(dpi), "-f", p, "-l", p, "-singlefile", "-gray", "-png",
		File(t, pdf), filepath.Join(dir, "page"))
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// Box is a rectangle in millimetres from the page's top left corner.
type Box struct{ X0, Y0, X1, Y1 float64 }

func (b Box) String() string {
	return fmt.Sprintf("(%.1f,%.1f)–(%.1f,%.1f) mm", b.X0, b.Y0, b.X1, b.Y1)
}

// Ink returns the bounding box of the pixels darker than mid-grey inside
// the region r (in mm; the zero Box means the whole page), and false when
// there are none.
func Ink(img image.Image, dpi int, r Box) (Box, bool) {
	px := func(mm float64) int { return int(mm / 25.4 * float64(dpi)) }
	mm := func(p int) float64 { return float64(p) * 25.4 / float64(dpi) }
	b := img.Bounds()
	area := b
	if r != (Box{}) {
		area = image.Rect(px(r.X0), px(r.Y0), px(r.X1), px(r.Y1)).Intersect(b)
	}
	x0, y0, x1, y1 := area.Max.X, area.Max.Y, area.Min.X-1, area.Min.Y-1
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			g, _, _, _ := img.At(x, y).RGBA()
			if g < 0x8000 {
				x0, y0 = min(x0, x), min(y0, y)
				x1, y1 = max(x1, x), max(y1, y)
			}
		}
	}
	if x1 < x0 {
		return Box{}, false
	}
	return Box{mm(x0), mm(y0), mm(x1 + 1), mm(y1 + 1)}, true
}

// SavePNG writes img to path, to look at a failing layout.
func SavePNG(img image.Image, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return png.Encode(f, img)
}
