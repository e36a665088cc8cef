package synth

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/taizhang/taizhang/internal/ledger"
)

// sampleFiles holds the sample town: one YAML file per village, named so
// that they sort in attachment order (01圩仔社区.yaml …).
//
//go:embed sampletown/*.yaml
var sampleFiles embed.FS

// SampleTown returns the ledgers of the sample town (三乡镇, the nine
// villages of the sixth round), in attachment order.
func SampleTown() ([]*Ledger, error) {
	names, err := fs.Glob(sampleFiles, "sampletown/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var ls []*Ledger
	for _, name := range names {
		data, err := sampleFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		l := &Ledger{}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(l); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if l.Village == "" || l.File == "" {
			return nil, fmt.Errorf("%s: village and file are required", name)
		}
		ls = append(ls, l)
	}
	return ls, nil
}

// SampleVillages returns the sample town's nine villages with their
// organisations, in attachment order.
func SampleVillages() ([]ledger.Village, error) {
	ls, err := SampleTown()
	if err != nil {
		return nil, err
	}
	vs := make([]ledger.Village, len(ls))
	for i, l := range ls {
		vs[i] = ledger.Village{Name: l.Village, Org: l.Org}
	}
	return vs, nil
}

// WriteSampleTown writes the sample town's workbooks into dir and returns
// their paths in attachment order. The bytes never change for the same
// data, so the committed samples/ can be compared with a fresh run.
func WriteSampleTown(dir string) ([]string, error) {
	ls, err := SampleTown()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for _, l := range ls {
		p := filepath.Join(dir, l.File)
		if err := Write(p, l); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
