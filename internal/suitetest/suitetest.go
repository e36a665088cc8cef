// Package suitetest opens workbooks (and converts documents) in tests the
// way the office suites clerks use do: openpyxl and pandas (strict readers:
// a colour that is not eight-digit aRGB makes them refuse the file) and
// LibreOffice (headless).
//
// A test that needs a missing reader is skipped, unless the environment
// variable CI is "true": there it fails, so that a build machine never
// passes by skipping.
package suitetest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format+" (required with CI=true)", args...)
	}
	t.Skipf(format, args...)
}

// Python returns a python interpreter that imports openpyxl and pandas:
// Debian's /usr/bin/python3 first (the python3 first on PATH may be
// another one without them).
func Python(t testing.TB) string {
	t.Helper()
	cands := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		cands = append(cands, p)
	}
	for _, p := range cands {
		if exec.Command(p, "-c", "import openpyxl, pandas").Run() == nil {
			return p
		}
	}
	missing(t, "no python3 with openpyxl and pandas")
	return ""
}

// Cell is one cell as openpyxl reads it: its Python type name (int, float,
// str, datetime, bool) and its value as text.
type Cell struct {
	Type  string `json:"t"`
	Value string `json:"v"`
}

// Sheet is the cells of one sheet as openpyxl reads them, by reference
// ("A1"), empty cells left out, and how many rows pandas read from it.
type Sheet struct {
	Cells      map[string]Cell `json:"cells"`
	PandasRows int             `json:"pandas_rows"`
}

// Book is a workbook as openpyxl and pandas read it, by sheet name.
type Book map[string]Sheet

const openScript = `
import json, sys, warnings
warnings.simplefilter("ignore")
import openpyxl, pandas
out = {}
for path in sys.argv[1:]:
    try:
        wb = openpyxl.load_workbook(path)
        book = {}
        for ws in wb.worksheets:
            cells = {}
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None and not isinstance(c, openpyxl.cell.cell.MergedCell):
                        cells[c.coordinate] = {"t": type(c.value).__name__, "v": str(c.value)}
            book[ws.title] = {"cells": cells, "pandas_rows": 0}
        for name, df in pandas.read_excel(path, sheet_name=None, header=None).items():
            book[name]["pandas_rows"] = len(df.index)
        out[path] = {"book": book}
    except Exception as e:
        out[path] = {"error": type(e).__name__ + ": " + str(e)}
print(json.dumps(out, ensure_ascii=False))
`

// Open reads each workbook with openpyxl and with pandas (every sheet),
// and fails the test for any file either refuses.
func Open(t testing.TB, paths ...string) map[string]Book {
	t.Helper()
	py := Python(t)
	var stderr bytes.Buffer
	cmd := exec.Command(py, append([]string{"-c", openScript}, paths...)...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.Bytes())
	}
	var res map[string]struct {
		Book  Book   `json:"book"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("python output: %v\n%s", err, out)
	}
	books := map[string]Book{}
	for _, p := range paths {
		r := res[p]
		if r.Error != "" {
			t.Errorf("openpyxl/pandas refuse %s: %s", filepath.Base(p), r.Error)
			continue
		}
		books[p] = r.Book
	}
	return books
}

// ResaveOpenpyxl loads src with openpyxl and saves it at dst, as a
// clerk's script (or a tool built on openpyxl) does.
func ResaveOpenpyxl(t testing.TB, src, dst string) {
	t.Helper()
	py := Python(t)
	script := "import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\nwb.save(sys.argv[2])\n"
	if out, err := exec.Command(py, "-c", script, src, dst).CombinedOutput(); err != nil {
		t.Fatalf("openpyxl resave: %v\n%s", err, out)
	}
}

func soffice(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("soffice")
	if err != nil {
		missing(t, "soffice (LibreOffice) not installed")
	}
	return p
}

// convert runs LibreOffice headless once over every file, writing the
// converted files to outDir.
func convert(t testing.TB, filter, outDir string, paths ...string) {
	t.Helper()
	bin := soffice(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	profile := "file://" + filepath.ToSlash(filepath.Join(t.TempDir(), "lo-profile"))
	args := append([]string{"-env:UserInstallation=" + profile, "--headless", "--convert-to", filter, "--outdir", outDir}, paths...)
	if out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
}

// Part returns the part name (such as "xl/styles.xml") of the xlsx at
// path, the XML the suites read. A file without it fails the test.
func Part(t testing.TB, path, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %s: %v", path, name, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %s: %v", path, name, err)
		}
		return b
	}
	t.Fatalf("%s has no %s", path, name)
	return nil
}

// Convert has LibreOffice convert the file in with filter format ("pdf",
// "odt", "txt:Text (encoded):UTF8", …) into outDir, and returns the path
// of the file it wrote. A file LibreOffice does not write fails the test.
func Convert(t testing.TB, in, format, outDir string) string {
	t.Helper()
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	convert(t, format, outDir, in)
	out := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))+"."+strings.SplitN(format, ":", 2)[0])
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("LibreOffice wrote no %s: %v", filepath.Base(out), err)
	}
	return out
}

// ResaveLibreOffice opens each file in LibreOffice and saves it as xlsx in
// outDir under the same name, as a clerk who uses LibreOffice (or WPS
// saving through it) sends it.
func ResaveLibreOffice(t testing.TB, outDir string, paths ...string) {
	t.Helper()
	convert(t, "xlsx:Calc MS Excel 2007 XML", outDir, paths...)
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(outDir, filepath.Base(p))); err != nil {
			t.Fatalf("LibreOffice wrote no %s", filepath.Base(p))
		}
	}
}

// csvAllSheets exports every sheet, cells as shown, UTF-8 (LibreOffice ≥ 7.2).
const csvAllSheets = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"

// LibreOffice opens each workbook in LibreOffice and exports every sheet as
// CSV, cells as shown; it returns, by path, the rows of each sheet by
// sheet name. A file LibreOffice cannot open fails the test.
func LibreOffice(t testing.TB, sheets map[string][]string) map[string]map[string][][]string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for p := range sheets {
		paths = append(paths, p)
	}
	// Files of the same name in different folders would overwrite each
	// other's CSV: link each under a name of its own.
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	var links []string
	stems := map[string]string{}
	for i, p := range paths {
		abs, _ := filepath.Abs(p)
		stem := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
		name := filepath.Join(in, fmt.Sprintf("%s_%d.xlsx", stem, i+1))
		if err := os.Symlink(abs, name); err != nil {
			t.Fatal(err)
		}
		links = append(links, name)
		stems[p] = strings.TrimSuffix(filepath.Base(name), ".xlsx")
	}
	out := filepath.Join(dir, "out")
	convert(t, csvAllSheets, out, links...)
	res := map[string]map[string][][]string{}
	for _, p := range paths {
		res[p] = map[string][][]string{}
		for _, sh := range sheets[p] {
			f, err := os.Open(filepath.Join(out, stems[p]+"-"+sh+".csv"))
			if err != nil {
				t.Errorf("LibreOffice did not read sheet %s of %s: %v", sh, filepath.Base(p), err)
				continue
			}
			r := csv.NewReader(f)
			r.FieldsPerRecord = -1
			rows, err := r.ReadAll()
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			res[p][sh] = rows
		}
	}
	return res
}

// Look is how openpyxl sees one cell's formatting.
type Look struct {
	Fill         string `json:"fill"`   // solid fill colour, aRGB, "" for none
	Font         string `json:"font"`   // name, size, bold, colour
	Border       string `json:"border"` // left, right, top, bottom styles
	NumberFormat string `json:"number_format"`
	Comment      string `json:"comment"`
}

const lookScript = `
import json, sys, warnings
warnings.simplefilter("ignore")
import openpyxl
sheet, cells, out = sys.argv[1], sys.argv[2].split(","), {}
for path in sys.argv[3:]:
    ws = openpyxl.load_workbook(path)[sheet]
    looks = {}
    for ref in cells:
        c = ws[ref]
        fill = ""
        if c.fill is not None and c.fill.fill_type == "solid" and c.fill.fgColor is not None and c.fill.fgColor.type == "rgb":
            fill = c.fill.fgColor.rgb
        f = c.font
        color = f.color.rgb if f.color is not None and f.color.type == "rgb" else ""
        b = c.border
        looks[ref] = {
            "fill": fill,
            "font": "%s %s %s %s" % (f.name, f.sz, bool(f.b), color),
            "border": " ".join(str(getattr(b, s).style) for s in ("left", "right", "top", "bottom")),
            "number_format": c.number_format,
            "comment": c.comment.text if c.comment is not None else "",
        }
    out[path] = looks
print(json.dumps(out, ensure_ascii=False))
`

// Looks reads the formatting of the named cells of one sheet in each
// workbook with openpyxl, by path and cell.
func Looks(t testing.TB, paths []string, sheet string, cells ...string) map[string]map[string]Look {
	t.Helper()
	py := Python(t)
	var stderr bytes.Buffer
	cmd := exec.Command(py, append([]string{"-c", lookScript, sheet, strings.Join(cells, ",")}, paths...)...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.Bytes())
	}
	var res map[string]map[string]Look
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("python output: %v\n%s", err, out)
	}
	return res
}
