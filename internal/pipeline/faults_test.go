package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/buildinfo"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/output"
	"github.com/taizhang/taizhang/internal/synth"
)

// childEnv, when set to a workspace, makes the test binary run one build of
// it (as of childAsOf) and exit: the process the kill test kills.
const childEnv = "TAIZHANG_FAULT_BUILD"

// childAsOf differs from the town's own as_of, so that the child's outputs
// differ from the first build's.
var childAsOf = ledger.NewDate(2025, 9, 20)

func TestMain(m *testing.M) {
	if dir := os.Getenv(rebuildEnv); dir != "" {
		rebuildChild(dir)
	}
	if dir := os.Getenv(childEnv); dir != "" {
		cfg, err := config.Load(filepath.Join(dir, "taizhang.yaml"))
		if err == nil {
			_, err = Build(context.Background(), Options{Config: cfg, AsOf: childAsOf})
		}
		if err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// town writes a small synthetic town and loads its config.
func town(t *testing.T, villages, tasks int) *config.Config {
	t.Helper()
	dir := t.TempDir()
	if _, err := synth.WriteTown(dir, synth.Spec{Villages: villages, Tasks: tasks, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "taizhang.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func build(t *testing.T, cfg *config.Config, asOf ledger.Date) *Result {
	t.Helper()
	res, err := Build(context.Background(), Options{Config: cfg, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Outputs) == 0 {
		t.Fatalf("build published nothing: %v", res.Diagnostics)
	}
	return res
}

// outputs maps every published file under dir (relative path) to its
// SHA-256; the lock file and the caches kept in the state folder
// (cacheFolders, which a failed build may leave, valid by construction) are not
// outputs, and anything else in the state folder (staging, a journal) or a
// temporary beside an output is returned as a temporary.
func outputs(t *testing.T, dir string) (files map[string][32]byte, temps []string) {
	t.Helper()
	files = map[string][32]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && slices.ContainsFunc(cacheFolders, func(c string) bool {
			return filepath.ToSlash(p) == filepath.ToSlash(filepath.Join(dir, ".taizhang", c))
		}) {
			return filepath.SkipDir
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		n := d.Name()
		inState := strings.HasPrefix(filepath.ToSlash(rel), ".taizhang/")
		switch {
		case inState && n == LockName:
		case inState || strings.HasPrefix(n, ".") && strings.HasSuffix(n, ".tmp"):
			temps = append(temps, rel)
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files[filepath.ToSlash(rel)] = sha256.Sum256(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, temps
}

// TestKilledBuildLeavesEveryOutputWhole builds a town, then starts a second
// build (with other figures) in a child process and SIGKILLs it at several
// moments. After each kill every output must be wholly the first build's
// bytes or wholly the second's, never truncated or missing; a build run
// afterwards must succeed and leave no temporary file behind.
func TestKilledBuildLeavesEveryOutputWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child builds")
	}
	cfg := town(t, 4, 15)
	out := cfg.OutDir()
	build(t, cfg, cfg.BuildAsOf())
	old, _ := outputs(t, out)

	// The second build's bytes, from a copy of the workspace: the outputs
	// do not depend on where the workspace lies.
	want := t.TempDir()
	copyTree(t, cfg.Dir(), want, "out")
	runChild(t, want, 0)
	fresh, _ := outputs(t, filepath.Join(want, "out"))
	if len(fresh) != len(old) || fresh[WorkbookName] == old[WorkbookName] {
		t.Fatalf("the child build should rewrite the same files with other bytes: %d vs %d files", len(fresh), len(old))
	}

	// The children's temporary folder: a killed build must leave nothing
	// there either (its temporary files are in its staging folder, which
	// the next build clears).
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	killed := 0
	for _, delay := range []time.Duration{5, 40, 80, 120, 180, 250, 350, 500} {
		if runChild(t, cfg.Dir(), delay*time.Millisecond) {
			killed++
		}
		got, _ := outputs(t, out)
		for name, sum := range old {
			g, ok := got[name]
			switch {
			case !ok:
				t.Errorf("killed after %v ms: %s is missing", int(delay), name)
			case g != sum && g != fresh[name]:
				t.Errorf("killed after %v ms: %s is neither the old nor the new file", int(delay), name)
			}
		}
		for name := range got {
			if _, ok := old[name]; !ok {
				t.Errorf("killed after %v ms: unexpected output %s", int(delay), name)
			}
		}
		// What the next build does first: a commit the kill interrupted
		// is rolled back, and the manifest describes the files beside it.
		if err := output.Recover(cfg.StateDir()); err != nil {
			t.Fatalf("killed after %v ms: recover: %v", int(delay), err)
		}
		checkManifest(t, out)
	}
	if killed == 0 {
		t.Error("every child build finished before it was killed: the test proved nothing")
	}
	t.Logf("%d of 8 child builds were killed mid-way", killed)

	runChild(t, cfg.Dir(), 0)
	sameOutputs(t, out, fresh, "after the final build (against a clean build's)")
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("the killed builds left %s in the temporary folder", left[0].Name())
	}
}

// sameOutputs checks that out holds no temporaries and every file of want
// with want's contents; after says after what, for the messages.
func sameOutputs(t *testing.T, out string, want map[string][32]byte, after string) {
	t.Helper()
	got, temps := outputs(t, out)
	if len(temps) > 0 {
		t.Errorf("%s: temporary files left: %v", after, temps)
	}
	for name, sum := range want {
		if got[name] != sum {
			t.Errorf("%s: %s differs", after, name)
		}
	}
}

// runChild runs one build of dir in a child process; with a delay, it kills
// the child with SIGKILL after that long and reports whether it was still
// running.
func runChild(t *testing.T, dir string, kill time.Duration) (killed bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if kill == 0 {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child build: %v: %s", err, stderr.String())
		}
		return false
	}
	time.Sleep(kill)
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return true
		}
		t.Fatalf("child build failed on its own: %v: %s", err, stderr.String())
	}
	return false
}

func copyTree(t *testing.T, src, dst, skip string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if rel == skip {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOutFolderBlockedByAFile: the out folder's path is taken by a file.
func TestOutFolderBlockedByAFile(t *testing.T) {
	cfg := town(t, 2, 5)
	out := cfg.OutDir()
	if err := os.WriteFile(out, []byte("不是文件夹"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Build(context.Background(), Options{Config: cfg})
	if err == nil || !strings.Contains(err.Error(), "无法创建文件夹") {
		t.Fatalf("want a clear Chinese error, got %v", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "不是文件夹" {
		t.Error("the blocking file was changed")
	}
}

// TestLedgerFolderBlockedByAFile: 台账/ is a file, so the village PDFs
// cannot be staged after the workbook was: nothing at all is published.
func TestLedgerFolderBlockedByAFile(t *testing.T) {
	cfg := town(t, 2, 5)
	out := cfg.OutDir()
	os.MkdirAll(out, 0o755)
	if err := os.WriteFile(filepath.Join(out, LedgerDir), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Build(context.Background(), Options{Config: cfg})
	if err == nil || !strings.Contains(err.Error(), "无法创建输出文件夹") {
		t.Fatalf("want a clear Chinese error, got %v", err)
	}
	if res != nil && len(res.Outputs) > 0 {
		t.Errorf("published %v", res.Outputs)
	}
	got, temps := outputs(t, out)
	delete(got, LedgerDir)
	if len(got) > 0 || len(temps) > 0 {
		t.Errorf("half a build is in the out folder: %v %v", got, temps)
	}
}

// TestReadOnlyOutFolderKeepsOldOutputs: the out folder turned read-only
// between two builds; the second fails clearly and the first's files stay.
func TestReadOnlyOutFolderKeepsOldOutputs(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only folders")
	}
	cfg := town(t, 2, 5)
	out := cfg.OutDir()
	build(t, cfg, cfg.BuildAsOf())
	old, _ := outputs(t, out)
	os.Chmod(out, 0o555)
	defer os.Chmod(out, 0o755)
	_, err := Build(context.Background(), Options{Config: cfg, AsOf: childAsOf})
	if err == nil || !strings.Contains(err.Error(), "只读") {
		t.Fatalf("want a clear Chinese error about a read-only folder, got %v", err)
	}
	sameOutputs(t, out, old, "after the refused build")
}

// TestSecondBuildOnTheSameFolderIsRefused holds a build in the middle of
// its notices while a second build of the same folder starts: the second is
// refused at once with a Chinese message, and the first then completes.
func TestSecondBuildOnTheSameFolderIsRefused(t *testing.T) {
	cfg := town(t, 2, 5)
	reached := make(chan struct{})
	release := make(chan struct{})
	first := make(chan error, 1)
	go func() {
		once := false
		_, err := Build(context.Background(), Options{Config: cfg, Progress: func(step string, done, total int) {
			if step == "生成通报" && !once {
				once = true
				close(reached)
				<-release
			}
		}})
		first <- err
	}()
	<-reached
	_, err := Build(context.Background(), Options{Config: cfg, AsOf: childAsOf})
	close(release)
	if !errors.Is(err, output.ErrLocked) || !strings.Contains(err.Error(), "正被占用") {
		t.Errorf("second build: want a refusal saying the folder is in use, got %v", err)
	}
	if err := <-first; err != nil {
		t.Fatalf("first build: %v", err)
	}
	got, temps := outputs(t, cfg.OutDir())
	if len(temps) > 0 || got[WorkbookName] == ([32]byte{}) {
		t.Errorf("first build's outputs: %d files, temporaries %v", len(got), temps)
	}
}

// TestBlockedOutputKeepsTheWholePreviousSet puts a folder in the place of
// each published file in turn (what a file held open by a PDF viewer is on
// Windows): the build fails naming that file in Chinese, and every file
// the previous manifest lists still has the digest it records.
func TestBlockedOutputKeepsTheWholePreviousSet(t *testing.T) {
	cfg := town(t, 2, 5)
	out := cfg.OutDir()
	first := build(t, cfg, cfg.BuildAsOf())
	old, _ := outputs(t, out)
	for _, f := range first.Outputs {
		t.Run(f.Path, func(t *testing.T) {
			p := filepath.Join(out, filepath.FromSlash(f.Path))
			keep := p + ".keep"
			if err := os.Rename(p, keep); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(p, "x"), 0o755); err != nil {
				t.Fatal(err)
			}
			_, err := Build(context.Background(), Options{Config: cfg, AsOf: childAsOf})
			var be *output.BlockedError
			if !errors.As(err, &be) || !strings.Contains(err.Error(), f.Path+" 的位置上有一个同名的文件夹") {
				t.Fatalf("want the blocked output named, got %v", err)
			}
			os.RemoveAll(p)
			if err := os.Rename(keep, p); err != nil {
				t.Fatal(err)
			}
			sameOutputs(t, out, old, "after the failed build")
			checkManifest(t, out)
		})
	}
}

// checkManifest verifies that every output manifest.json lists has the
// digest it records: the manifest describes the files beside it.
func checkManifest(t *testing.T, out string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Outputs {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Errorf("%s: %v", f.Path, err)
			continue
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != f.SHA256 {
			t.Errorf("%s does not match manifest.json", f.Path)
		}
	}
}

// TestOptionsInputsAndVersionAreUsedAsGiven: a build reads exactly the
// files it is given (not the whole inbox) and writes the version it is
// told into the manifest; with neither, the inbox and the build
// information's version.
func TestOptionsInputsAndVersionAreUsedAsGiven(t *testing.T) {
	cfg := town(t, 3, 4)
	all, err := filepath.Glob(filepath.Join(cfg.InboxDir(), "*.xlsx"))
	if err != nil || len(all) != 3 {
		t.Fatalf("inbox: %v %v", all, err)
	}
	res, err := Build(context.Background(), Options{Config: cfg, Inputs: all[:1], Version: "v9.9.9"})
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	b, _ := os.ReadFile(filepath.Join(cfg.OutDir(), ManifestName))
	json.Unmarshal(b, &m)
	if len(res.Report.Files) != 1 || len(m.Inputs) != 1 || m.Version != "v9.9.9" {
		t.Errorf("read %d files, manifest %d inputs, version %q", len(res.Report.Files), len(m.Inputs), m.Version)
	}
	if rel, _ := filepath.Rel(cfg.Dir(), all[0]); m.Inputs[0].Path != filepath.ToSlash(rel) {
		t.Errorf("input named %q, want %q (where it lies)", m.Inputs[0].Path, rel)
	}
	if _, err := Build(context.Background(), Options{Config: cfg, Inputs: []string{}}); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(cfg.OutDir(), ManifestName))
	json.Unmarshal(b, &m)
	if len(m.Inputs) != 0 {
		t.Errorf("an empty input list read %d files", len(m.Inputs))
	}
	if _, err := Build(context.Background(), Options{Config: cfg}); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(cfg.OutDir(), ManifestName))
	m = Manifest{}
	json.Unmarshal(b, &m)
	if len(m.Inputs) != 3 || m.Version != buildinfo.Version() {
		t.Errorf("default build: %d inputs, version %q", len(m.Inputs), m.Version)
	}
}
