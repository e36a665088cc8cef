package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/taizhang/taizhang/internal/buildinfo"
	"github.com/taizhang/taizhang/internal/cache"
	"github.com/taizhang/taizhang/internal/check"
	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/intake"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/notice"
	"github.com/taizhang/taizhang/internal/output"
	"github.com/taizhang/taizhang/internal/typeset"
	"github.com/taizhang/taizhang/internal/workbook"
)

// Output names, as a clerk sees them in the out folder. Each is defined
// once, by the step that writes it; this is the whole list.
const (
	WorkbookName = workbook.FileName // 汇总台账.xlsx
	NoticeName   = notice.TownFile   // 通报.pdf
	LedgerDir    = notice.LedgerDir  // 台账/<村>.pdf
	SnapshotName = "汇总台账.json"
	ManifestName = "manifest.json"
)

// Check reads and checks the workbooks at paths (files or folders): the
// first two steps of a build, and all of `taizhang check`. A folder is taken
// to be the whole inbox, so configured villages missing from it are warned of.
func Check(paths []string, cfg *config.Config, asOf ledger.Date) (*check.Report, error) {
	return checkWith(paths, cfg, asOf, nil)
}

// CheckKept is Check taking the readings the last build kept in the
// config's state folder, read-only, for check, status and the desk: a
// workbook unchanged since that build is not read again. It writes
// nothing there — not a reading, not a folder — and prunes nothing, and
// needs no lock: a build writing the store meanwhile costs it a read
// (intake.NewKeptReadOnly). It returns how many readings it took so.
func CheckKept(paths []string, cfg *config.Config, asOf ledger.Date) (rep *check.Report, fromCache int, err error) {
	var kept *intake.Kept
	if cfg != nil {
		dir := filepath.Join(cfg.StateDir(), intakeCache)
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			if store, err := cache.Open(dir); err == nil {
				if salt, err := intakeSalt(buildinfo.Version(), cfg); err == nil {
					kept = intake.NewKeptReadOnly(store, salt...)
				}
			}
		}
	}
	rep, err = checkWith(paths, cfg, asOf, kept)
	if kept != nil {
		_, fromCache = kept.Counts()
	}
	return rep, fromCache, err
}

func checkWith(paths []string, cfg *config.Config, asOf ledger.Date, kept *intake.Kept) (*check.Report, error) {
	results, err := read(paths, cfg, kept)
	if err != nil {
		return nil, err
	}
	complete := false
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			complete = true
		}
	}
	return check.Run(results, check.Options{Config: cfg, AsOf: asOf, Complete: complete}), nil
}

// read reads the workbooks at paths; kept, when not nil, keeps their
// readings between builds.
func read(paths []string, cfg *config.Config, kept *intake.Kept) ([]*intake.Result, error) {
	files, err := intake.Discover(paths)
	if err != nil {
		return nil, err
	}
	opts := intake.Options{Limits: intake.DefaultLimits(), Kept: kept}
	if cfg != nil {
		opts.Villages = cfg.Villages
	}
	return intake.ReadAll(files, opts), nil
}

func (r *run) intake(ctx context.Context) error {
	// The embedded faces take a few tenths of a second to unpack, on
	// cores the reading leaves idle; the notice step finds them ready.
	// Unpacked, they are kept in the state folder: a later build reads
	// them instead.
	if r.opts.NoCache {
		go typeset.EmbeddedFonts()
	} else {
		faces, err := cache.Open(filepath.Join(r.state, facesCache))
		if err == nil {
			r.pruneOnPublish(func() { faces.Keep(typeset.KeptFaceKeys()) }) // this program's faces only
		} else {
			faces = nil // not an output: unpack them each time
		}
		go typeset.EmbeddedFontsKept(faces)
	}
	inputs := r.opts.Inputs
	if inputs == nil {
		inputs = []string{r.cfg.InboxDir()}
	}
	if !r.opts.NoCache {
		r.kept = r.keptReadings()
	}
	results, err := read(inputs, r.cfg, r.kept)
	r.results = results
	r.res.Read = len(results)
	if r.kept != nil {
		r.res.Read, r.res.ReadFromCache = r.kept.Counts()
	}
	return err
}

// keptReadings is where the workbooks' readings are kept between builds:
// the state folder's intake/ (under the build's lock), so that a rebuild
// reads only the workbooks that changed. Their keys cover, besides each
// file's bytes and name and the reading's options (intake's part), the
// build's version and the whole config but its place — more than reading
// uses, so that no part of the config can be forgotten. nil (read every
// file) when the folder cannot be made: the cache is not an output.
func (r *run) keptReadings() *intake.Kept {
	store, err := cache.Open(filepath.Join(r.state, intakeCache))
	if err != nil {
		return nil
	}
	salt, err := intakeSalt(r.version(), r.cfg)
	if err != nil {
		return nil
	}
	return intake.NewKept(store, salt...)
}

// intakeSalt is what the readings' keys cover besides intake's part: the
// build's version and the config (keptReadings). CheckKept finds the
// build's readings under the same keys.
func intakeSalt(version string, cfg *config.Config) ([][]byte, error) {
	c, err := cfg.KeyJSON()
	if err != nil {
		return nil, err
	}
	return [][]byte{[]byte(version), c}, nil
}

func (r *run) check(ctx context.Context) error {
	rep := check.Run(r.results, check.Options{Config: r.cfg, AsOf: r.res.AsOf, Complete: true})
	r.results = nil // the report holds what is needed from here on
	r.res.Report = rep
	r.res.Diagnostics = append(r.res.Diagnostics, rep.Diagnostics...)
	if rep.Errors() > 0 {
		return errStop
	}
	return nil
}

func (r *run) consolidate(ctx context.Context) error {
	r.items = r.res.Report.Items
	consolidate.Order(r.items, r.cfg.Villages)
	r.res.Summary = consolidate.Summarize(r.items, r.cfg.Villages, r.res.AsOf)
	var err error
	r.digests, err = ledger.VillageDigests(r.cfg.Villages, r.items)
	return err
}

func (r *run) compare(ctx context.Context) error {
	if r.opts.Since == "" {
		return nil
	}
	snap, err := compare.LoadSnapshot(r.opts.Since)
	if err != nil {
		return err
	}
	r.res.Comparison = compare.Compare(snap, r.items, r.cfg.Villages, r.res.AsOf)
	r.res.Diagnostics = append(r.res.Diagnostics, r.res.Comparison.Diagnostics...)
	return nil
}

// draft begins, beside the notices, the workbook with what needs nothing
// from them: its 汇总 sheet, the bulk of the file. It reads only what the
// steps before left (the tasks, the summary, the comparison), which the
// notices only read.
func (r *run) draft(ctx context.Context) error {
	in := workbook.Input{
		Town:       r.cfg.Town,
		AsOf:       r.res.AsOf,
		Villages:   r.cfg.Villages,
		Items:      r.items,
		Summary:    r.res.Summary,
		Comparison: r.res.Comparison,
	}
	for _, f := range r.res.Report.Files {
		in.Sources = append(in.Sources, workbook.Source{
			File: f.Name, Village: f.Village, Sheet: f.Sheet, SHA256: f.SHA256,
			RowsRead: f.RowsRead, Tasks: f.Items,
		})
	}
	opts := workbook.DraftOptions{Dir: r.staged.TempDir(), Version: r.version(), Digests: r.digests}
	// Each village's rows are kept in the state folder (under the build's
	// lock), so that a rebuild makes only those of the villages that
	// changed; pruned once the build is published.
	if !r.opts.NoCache {
		if store, err := cache.Open(filepath.Join(r.state, rowsCache)); err == nil {
			opts.Rows = store // else not an output: build without it
		}
	}
	d, err := workbook.NewDraft(ctx, in, opts)
	r.wb = d
	if d != nil {
		r.res.RowsMade, r.res.RowsReused = d.Made, d.Reused
		r.pruneOnPublish(func() { _ = d.Prune() })
	}
	return err
}

// ctxWriter fails its writes once ctx ends, so that a long file stops
// being written when the build does.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(b []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(b)
}

// workbook writes 汇总台账.xlsx from the draft, its 校验 listing every
// warning, the notices' too; no errors reach this step.
func (r *run) workbook(ctx context.Context) error {
	err := r.staged.Add(WorkbookName, func(w io.Writer) error { return r.wb.Write(w, r.res.Diagnostics) })
	r.wb.Close() // its temporary file, in the staging folder, goes before the publish
	r.wb = nil
	return err
}

// The caches a build keeps in its state folder, a folder each. They are
// no outputs: a build that fails may leave entries behind, valid by
// construction (package cache), and --no-cache neither reads nor writes
// them.
const (
	intakeCache = "intake"  // each workbook's reading (tasks, diagnostics, 读取情况)
	ledgerCache = "ledgers" // each village's typeset ledger (a page set)
	fileCache   = "files"   // each village's finished 台账/<村>.pdf
	tasksCache  = "tasks"   // each village's tasks as 汇总台账.json lists them
	facesCache  = "faces"   // the embedded faces, unpacked
	rowsCache   = "rows"    // each village's rows of 汇总, deflated
)

// cacheFolders lists them all.
var cacheFolders = []string{intakeCache, ledgerCache, fileCache, tasksCache, rowsCache, facesCache}

// CacheFolders names the caches' folders in the state folder, for a caller
// that looks at the state folder and must tell the caches from the rest.
func CacheFolders() []string { return slices.Clone(cacheFolders) }

func (r *run) notices(ctx context.Context) error {
	fonts, err := loadFonts(r.cfg)
	if err != nil {
		return err
	}
	tmpl, err := notice.LoadTemplates(r.cfg.TemplatesDir())
	if err != nil {
		return err
	}
	in := notice.Input{
		Config:    r.cfg,
		Items:     r.items,
		Summary:   r.res.Summary,
		Templates: tmpl,
		Fonts:     fonts,
		Since:     r.res.Comparison,

		VillageDigests: r.digests,
	}
	if err = in.ReadNarrative(); err != nil {
		return err
	}

	// Each village's ledger is typeset once, on every core, and joined
	// into both 通报.pdf and 台账/<村>.pdf.
	opts := notice.PublishOptions{
		Workers: runtime.GOMAXPROCS(0), Version: r.version(),
		Progress: func(done, total int) { r.progress("生成通报", done, total) },
	}
	// Typeset ledgers are kept in the state folder (under the build's
	// lock), so that a rebuild typesets only the villages whose inputs
	// changed.
	if !r.opts.NoCache {
		if opts.Cache, err = cache.Open(filepath.Join(r.state, ledgerCache)); err != nil {
			opts.Cache = nil // not an output: build without it
		}
		// And each village's finished file, so that a rebuild joins only
		// the villages whose ledger or file changed.
		if opts.Files, err = cache.Open(filepath.Join(r.state, fileCache)); err != nil || opts.Cache == nil {
			opts.Files = nil
		}
		// A village file already published with the kept bytes stays
		// as it is.
		opts.Standing = r.staged.Standing
	}
	pub, err := notice.Publish(ctx, in, r.staged.Add, opts)
	if err != nil {
		return err
	}
	// The faces it set the notices in: the build says which, 生僻字 taken
	// from the machine's fonts included.
	r.res.Fonts = pub.Fonts.Describe()
	r.res.Typeset, r.res.Reused = pub.Typeset, pub.Reused
	if pub.Prune != nil {
		r.pruneOnPublish(pub.Prune)
	}
	diags := pub.Diagnostics
	// The same missing glyph or narrative warning may come from several
	// documents: keep the first of each. A file named by its absolute path
	// (the narrative) is named relative to the workspace, as in the
	// manifest, so that the workbook's 校验 is the same wherever the
	// workspace lies; the PDFs are named relative to the out folder already.
	seen := map[string]bool{}
	for _, d := range diags {
		if filepath.IsAbs(d.File) {
			d.File = r.rel(d.File)
		}
		if k := d.Code + d.Message; !seen[k] {
			seen[k] = true
			r.res.Diagnostics = append(r.res.Diagnostics, d)
		}
	}
	// The disclosure-day set prints every character: one no font has
	// refuses it until a font is installed or the clerk acknowledges it.
	if r.opts.Final {
		var lack []string
		for _, d := range r.res.Diagnostics {
			if d.Code == ledger.CodeMissingGlyph && !r.cfg.IsAcknowledged(d) {
				lack = append(lack, d.String())
			}
		}
		if len(lack) > 0 {
			return fmt.Errorf("有 %d 个字符所有字体都没有，公开版会印成“〓”：\n    %s\n请安装含有这些字的字体（或在 taizhang.yaml 的 fonts 中指定），或确认无误后把上面的位置登记到 acknowledged 中",
				len(lack), strings.Join(lack, "\n    "))
		}
	}
	return ctx.Err()
}

// loadFonts loads the faces of the config's fonts, and for the roles it
// leaves empty the official faces the machine has (typeset.OfficialFiles:
// simfang.ttf, simhei.ttf, simkai.ttf … in the Windows Fonts folder), else
// the embedded ones. A configured file that cannot be used is an error; a
// face found on the machine that cannot be is passed over.
func loadFonts(cfg *config.Config) (*typeset.FontSet, error) {
	f := cfg.Fonts
	files := typeset.FontFiles{
		Title: cfg.Resolve(f.Title), Body: cfg.Resolve(f.Body),
		Hei: cfg.Resolve(f.Hei), Kai: cfg.Resolve(f.Kai), Song: cfg.Resolve(f.Song),
	}
	if f == (config.Fonts{}) {
		files = typeset.FontFiles{}
	}
	if found := typeset.OfficialFiles(files, typeset.FontDirs()); found != files {
		if set, err := typeset.LoadFonts(found); err == nil {
			return set, nil
		}
	}
	if files == (typeset.FontFiles{}) {
		return typeset.EmbeddedFonts()
	}
	return typeset.LoadFonts(files)
}

// Manifest is manifest.json: what went in and what came out, with digests,
// so anyone can check that the published files are the ones built.
type Manifest struct {
	Tool    string          `json:"tool"`
	Version string          `json:"version"`
	AsOf    ledger.Date     `json:"as_of"`
	Config  ManifestConfig  `json:"config"`
	Since   string          `json:"since,omitempty"`
	Inputs  []ManifestInput `json:"inputs"`
	Outputs []output.File   `json:"outputs"`
}

// ManifestConfig identifies the config a build used.
type ManifestConfig struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// ManifestInput is one village workbook read.
type ManifestInput struct {
	Path    string `json:"path"`
	Village string `json:"village"`
	SHA256  string `json:"sha256"`
	Tasks   int    `json:"tasks"`
}

func (r *run) manifest(ctx context.Context) error {
	m := Manifest{
		Tool:    "taizhang",
		Version: r.version(),
		AsOf:    r.res.AsOf,
		Config:  ManifestConfig{Path: r.rel(r.cfg.Path), SHA256: r.cfg.Digest},
		Outputs: r.staged.Files(),
		Inputs:  []ManifestInput{},
	}
	if r.opts.Since != "" {
		m.Since = r.rel(r.opts.Since)
	}
	for _, f := range r.res.Report.Files {
		m.Inputs = append(m.Inputs, ManifestInput{Path: r.rel(f.Path), Village: f.Village, SHA256: f.SHA256, Tasks: f.Items})
	}
	sort.SliceStable(m.Inputs, func(i, j int) bool { return m.Inputs[i].Path < m.Inputs[j].Path })
	return r.staged.Add(ManifestName, output.JSON(m))
}

func (r *run) version() string {
	if r.opts.Version != "" {
		return r.opts.Version
	}
	return buildinfo.Version()
}

// rel gives a path relative to the workspace, with forward slashes, so the
// manifest is the same on every machine.
func (r *run) rel(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	if rel, err := filepath.Rel(r.cfg.Dir(), abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

func (r *run) publish(ctx context.Context) error {
	if err := r.staged.Commit(); err != nil {
		return err
	}
	r.res.Outputs = r.staged.Files()
	if r.kept != nil {
		// Keep the readings this build used, nothing else: the cache
		// holds the inbox as it is, not every version of it.
		r.kept.Prune()
	}
	// The typeset ledgers and village files, the villages' rows of 汇总
	// and tasks of 汇总台账.json, the faces: likewise.
	r.prunesMu.Lock()
	defer r.prunesMu.Unlock()
	for _, prune := range r.prunes {
		prune()
	}
	return nil
}
