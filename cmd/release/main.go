// Command release builds Taizhang's release set: for each target a zip
// holding the program, the sample town (samples/ without its outputs), a
// short 使用说明.txt, the workflow (docs/工作流程.md) and the licences of the fonts built into the program,
// plus SHA256SUMS.txt. The same source and toolchain give
// byte-identical zips: the program is built with -trimpath, -buildvcs=false
// and an empty build id, without cgo, and the zips have fixed times, modes
// and order.
//
//	go run ./cmd/release -o dist
//
// It is a tool for the repository, not part of the taizhang binary.
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Target is one platform of the release set.
type Target struct{ GOOS, GOARCH string }

func (t Target) String() string { return t.GOOS + "-" + t.GOARCH }

// exe is the program's file name on the target.
func (t Target) exe() string {
	if t.GOOS == "windows" {
		return "taizhang.exe"
	}
	return "taizhang"
}

// Targets are the platforms released: Windows 10 and later on x86-64 (Go's
// floor), and Linux on x86-64, ARM64 and LoongArch64 (the 信创 machines:
// 统信UOS and 麒麟 on 飞腾/鲲鹏 and 龙芯).
var Targets = []Target{{"windows", "amd64"}, {"linux", "amd64"}, {"linux", "arm64"}, {"linux", "loong64"}}

// Stamp is the modification time of every file in the zips, unless
// SOURCE_DATE_EPOCH says otherwise.
var Stamp = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// Options say what to build.
type Options struct {
	Root    string   // the repository (where go.mod is)
	Out     string   // where the zips go
	Version string   // in the zip names when set: taizhang-0.1.0-windows-amd64.zip
	Targets []Target // default Targets
	Stamp   time.Time
}

// SamplesDir is the sample town's folder inside a zip.
const SamplesDir = "示例"

func main() {
	var o Options
	flag.StringVar(&o.Out, "o", "dist", "output folder")
	flag.StringVar(&o.Version, "version", "", "version in the zip names")
	only := flag.String("targets", "", "comma-separated targets, e.g. linux-amd64 (default: all)")
	flag.Parse()
	root, err := repoRoot()
	if err != nil {
		fail(err)
	}
	o.Root = root
	if *only != "" {
		for _, name := range strings.Split(*only, ",") {
			t, ok := findTarget(name)
			if !ok {
				fail(fmt.Errorf("unknown target %q", name))
			}
			o.Targets = append(o.Targets, t)
		}
	}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			fail(fmt.Errorf("SOURCE_DATE_EPOCH: %w", err))
		}
		o.Stamp = time.Unix(sec, 0).UTC()
	}
	zips, err := Build(context.Background(), o)
	if err != nil {
		fail(err)
	}
	for _, z := range zips {
		fmt.Println(z)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "release:", err)
	os.Exit(1)
}

func findTarget(name string) (Target, bool) {
	for _, t := range Targets {
		if t.String() == name {
			return t, true
		}
	}
	return Target{}, false
}

func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the taizhang module")
	}
	return filepath.Dir(mod), nil
}

// Build writes one zip per target into o.Out and SHA256SUMS.txt beside
// them, returning the zips' paths.
func Build(ctx context.Context, o Options) ([]string, error) {
	if len(o.Targets) == 0 {
		o.Targets = Targets
	}
	if o.Stamp.IsZero() {
		o.Stamp = Stamp
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, err
	}
	samples, err := sampleFiles(filepath.Join(o.Root, "samples"))
	if err != nil {
		return nil, err
	}
	licences, err := licenceFiles(filepath.Join(o.Root, "internal", "typeset", "fonts"))
	if err != nil {
		return nil, err
	}
	samples = append(samples, licences...)
	workflow, err := os.ReadFile(filepath.Join(o.Root, "docs", "工作流程.md"))
	if err != nil {
		return nil, err
	}
	var zips []string
	var sums strings.Builder
	for _, t := range o.Targets {
		bin, err := compile(ctx, o.Root, t)
		if err != nil {
			return nil, err
		}
		data, err := pack(t, bin, workflow, samples, o.Stamp)
		if err != nil {
			return nil, err
		}
		name := "taizhang-" + t.String() + ".zip"
		if o.Version != "" {
			name = "taizhang-" + o.Version + "-" + t.String() + ".zip"
		}
		p := filepath.Join(o.Out, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(sum[:]), name)
		zips = append(zips, p)
	}
	if err := os.WriteFile(filepath.Join(o.Out, "SHA256SUMS.txt"), []byte(sums.String()), 0o644); err != nil {
		return nil, err
	}
	return zips, nil
}

// compile builds ./cmd/taizhang for t, reproducibly, and returns the
// program's bytes.
func compile(ctx context.Context, root string, t Target) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "taizhang-release-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, t.exe())
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags=-s -w -buildid=", "-o", out, "./cmd/taizhang")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+t.GOOS, "GOARCH="+t.GOARCH, "CGO_ENABLED=0",
		"GOFLAGS=", "GOAMD64=v1", "GOARM64=v8.0", "GOEXPERIMENT=")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build for %s: %v\n%s", t, err, msg)
	}
	return os.ReadFile(out)
}

// file is one file of a zip: its path inside and its bytes.
type file struct {
	name string
	data []byte
	exec bool
}

// sampleFiles reads the sample town: every file under dir but its outputs
// (out/) and hidden files, with slash-separated paths.
func sampleFiles(dir string) ([]file, error) {
	var files []file
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") || rel == "out" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, file{name: path.Join(SamplesDir, rel), data: b})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read samples: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no sample town in %s", dir)
	}
	return files, nil
}

// LicenceDir holds the licences of the fonts built into the program.
const LicenceDir = "字体许可证"

// licenceFiles reads the licence texts of the embedded fonts.
func licenceFiles(dir string) ([]file, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no font licences in %s", dir)
	}
	var files []file
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		files = append(files, file{name: LicenceDir + "/" + filepath.Base(n), data: b})
	}
	return files, nil
}

// pack lays out one target's zip under a top folder named after it.
func pack(t Target, bin, workflow []byte, samples []file, stamp time.Time) ([]byte, error) {
	top := "taizhang-" + t.String()
	files := []file{
		{name: t.exe(), data: bin, exec: true},
		{name: "使用说明.txt", data: guide(t)},
		{name: "工作流程.txt", data: notepad(t, workflow)},
	}
	files = append(files, samples...)
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	dirs := map[string]bool{}
	addDir := func(name string) error {
		h := &zip.FileHeader{Name: name + "/", Modified: stamp, Method: zip.Store}
		h.SetMode(fs.ModeDir | 0o755)
		_, err := zw.CreateHeader(h)
		return err
	}
	if err := addDir(top); err != nil {
		return nil, err
	}
	for _, f := range files {
		// Parent folders first, each once, in the files' order.
		parts := strings.Split(f.name, "/")
		for i := 1; i < len(parts); i++ {
			d := strings.Join(parts[:i], "/")
			if !dirs[d] {
				dirs[d] = true
				if err := addDir(top + "/" + d); err != nil {
					return nil, err
				}
			}
		}
		h := &zip.FileHeader{Name: top + "/" + f.name, Modified: stamp, Method: zip.Deflate}
		mode := fs.FileMode(0o644)
		if f.exec {
			mode = 0o755
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
