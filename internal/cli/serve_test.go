package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/desk"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/watch"
)

// deskToday is the day the desk tests count from: two days before the
// sample town's disclosure date.
const deskToday = "2025-09-10"

// sampleWorkspace copies the sample town into a temporary workspace,
// leaving out the ledgers of the villages named in without.
func sampleWorkspace(t testing.TB, without ...string) (string, *config.Config) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "三乡镇")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir("../../samples")
	if err != nil {
		t.Fatal(err)
	}
	sentN := 0
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		skip := false
		for _, v := range without {
			if strings.Contains(e.Name(), v) {
				skip = true
			}
		}
		if skip {
			continue
		}
		b, err := os.ReadFile(filepath.Join("../../samples", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, e.Name())
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		// As if the villages had sent them over the past days.
		sent := time.Date(2025, 9, 8, 9, 5, 0, 0, time.Local).Add(time.Duration(sentN%2)*24*time.Hour + time.Duration(sentN/2)*67*time.Minute)
		sentN++
		os.Chtimes(p, sent, sent)
	}
	cfg, err := config.Load(filepath.Join(dir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	return dir, cfg
}

// deskHarness is the desk served as `taizhang serve` serves it: the real
// watcher and watch desk behind a real HTTP server on a free port.
type deskHarness struct {
	cfg *config.Config
	srv *desk.Server
	ts  *httptest.Server
	log *syncBuffer
	url string
}

// syncBuffer is a log written from the watcher's goroutine and read by the
// test.
type syncBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
}

func newSyncBuffer() *syncBuffer { b := &syncBuffer{mu: make(chan struct{}, 1)}; return b }
func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.Write(p)
}
func (b *syncBuffer) String() string {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.String()
}

func newDeskHarness(t testing.TB, cfg *config.Config) *deskHarness {
	t.Helper()
	return newDeskHarnessEvery(t, cfg, 200*time.Millisecond)
}

// newDeskHarnessEvery is newDeskHarness with the watcher's interval given.
func newDeskHarnessEvery(t testing.TB, cfg *config.Config, interval time.Duration) *deskHarness {
	t.Helper()
	log := newSyncBuffer()
	w, d, release, err := newDesk(cfg, log, interval)
	if err != nil {
		t.Fatal(err)
	}
	today, _ := ledger.ParseISODate(deskToday)
	ts := httptest.NewUnstartedServer(nil)
	addr := ts.Listener.Addr().String()
	srv := desk.New(deskEngine(cfg, w, d, log, today), addr)
	d.OnJudged, d.OnBuild = srv.Judged, srv.Built
	ts.Config.Handler = srv
	ts.Start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { srv.Run(ctx); done <- struct{}{} }()
	go func() { watch.Serve(ctx, w, d); done <- struct{}{} }()
	t.Cleanup(func() {
		cancel()
		<-done
		<-done
		ts.Close()
		release()
	})
	return &deskHarness{cfg: cfg, srv: srv, ts: ts, log: log, url: ts.URL}
}

func (h *deskHarness) get(t testing.TB, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := h.ts.Client().Get(h.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// post uploads files as the page does (same origin, with the token).
func (h *deskHarness) post(paths ...string) (*http.Response, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		fw, _ := mw.CreateFormFile("file", filepath.Base(p))
		fw.Write(b)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", h.url+"/api/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", h.url)
	req.Header.Set(desk.TokenHeader, h.srv.Token())
	return h.ts.Client().Do(req)
}

// upload posts files and reads the answer.
func (h *deskHarness) upload(t testing.TB, paths ...string) (int, uploadAnswer) {
	t.Helper()
	resp, err := h.post(paths...)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ans uploadAnswer
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &ans); err != nil {
		t.Fatalf("upload answer %s: %v", raw, err)
	}
	return resp.StatusCode, ans
}

type uploadAnswer struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	Files []struct {
		Name    string `json:"name"`
		SavedAs string `json:"saved_as"`
		Status  string `json:"status"`
		Village string `json:"village"`
		SHA256  string `json:"sha256"`
		Check   struct {
			Path        string              `json:"path"`
			Village     string              `json:"village"`
			Items       int                 `json:"items"`
			Status      string              `json:"status"`
			Diagnostics []ledger.Diagnostic `json:"diagnostics"`
		} `json:"check"`
	} `json:"files"`
}

func (h *deskHarness) build(t testing.TB, final bool) map[string]any {
	t.Helper()
	body := `{"final": false}`
	if final {
		body = `{"final": true}`
	}
	req, _ := http.NewRequest("POST", h.url+"/api/build", strings.NewReader(body))
	req.Header.Set("Origin", h.url)
	req.Header.Set(desk.TokenHeader, h.srv.Token())
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("build answer %d %s: %v", resp.StatusCode, raw, err)
	}
	return out
}

// upstreamLedgers writes, outside the inbox as in a clerk's downloads
// folder, a good 茅湾村 ledger of n tasks and a bad 桥头村 one: the sample
// town's, with its first task's status changed to 搁置 in cell badCell.
func upstreamLedgers(t *testing.T, cfg *config.Config, n int) (good, bad, badCell string) {
	t.Helper()
	dl := t.TempDir()
	good = filepath.Join(dl, "茅湾村整改台账.xlsx")
	bad = filepath.Join(dl, "桥头村整改台账.xlsx")
	writeLedger(t, cfg, good, "茅湾村", tasks("茅湾村", n))
	sample := filepath.Join("../../samples", "桥头村整改台账_0910.xlsx")
	v, err := checkOne(cfg, sample)
	if err != nil || len(v.Items) == 0 {
		t.Fatalf("sample 桥头村: %v", err)
	}
	src := v.Items[0].Source
	badCell = src.Layout[ledger.ColStatus] + strconv.Itoa(src.Row)
	f, err := excelize.OpenFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.SetCellStr(src.Sheet, badCell, "搁置")
	if err := f.SaveAs(bad); err != nil {
		t.Fatal(err)
	}
	return good, bad, badCell
}

func TestServeAPIStatusIsStatusJSON(t *testing.T) {
	dir, cfg := sampleWorkspace(t, "茅湾村", "桥头村")
	h := newDeskHarness(t, cfg)
	resp, got := h.get(t, "/api/status")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var out, errb bytes.Buffer
	if err := runStatus(&Streams{Out: &out, Err: &errb}, &StatusOptions{Dir: dir, JSON: true, Today: deskToday}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, out.Bytes()) {
		t.Errorf("/api/status differs from status --json:\n%s\n---\n%s", got, out.Bytes())
	}
}

func TestServeUploadsAGoodAndABadLedgerAsTheFolderWould(t *testing.T) {
	_, cfg := sampleWorkspace(t, "茅湾村", "桥头村")
	h := newDeskHarness(t, cfg)
	good, bad, badCell := upstreamLedgers(t, cfg, 12)
	code, ans := h.upload(t, good, bad)
	if code != 200 || !ans.OK || len(ans.Files) != 2 {
		t.Fatalf("upload: %d %+v", code, ans)
	}
	byName := map[string]int{}
	for i, f := range ans.Files {
		byName[f.Name] = i
	}
	g, b := ans.Files[byName["茅湾村整改台账.xlsx"]], ans.Files[byName["桥头村整改台账.xlsx"]]
	if g.Status != "accepted" || g.Village != "茅湾村" || g.Check.Items != 12 || g.Check.Status != "accepted" {
		t.Errorf("good file: %+v", g)
	}
	if b.Status != "rejected" || b.Village != "桥头村" || b.Check.Status != "rejected" || len(b.Check.Diagnostics) == 0 || b.Check.Diagnostics[0].Cell != badCell {
		t.Errorf("bad file: %+v", b)
	}
	// "check" is the file's entry of check --json.
	var cj, errb bytes.Buffer
	runCheck(&Streams{Out: &cj, Err: &errb}, &CheckOptions{Paths: []string{filepath.Join(cfg.InboxDir(), "桥头村整改台账.xlsx")}, JSON: true})
	var doc struct {
		Files []json.RawMessage `json:"files"`
	}
	json.Unmarshal(cj.Bytes(), &doc)
	if len(doc.Files) != 1 {
		t.Fatalf("check --json: %s", cj.Bytes())
	}
	want := b
	want.Check.Diagnostics = nil
	json.Unmarshal(doc.Files[0], &want.Check)
	if !reflect.DeepEqual(want.Check, b.Check) {
		t.Errorf("upload's check entry differs from check --json:\n%+v\n%+v", b.Check, want.Check)
	}
	// On disk exactly as the folder workflow leaves it.
	inbox := cfg.InboxDir()
	for _, n := range []string{"茅湾村整改台账.xlsx", "桥头村整改台账.xlsx"} {
		got, _ := os.ReadFile(filepath.Join(inbox, n))
		want, _ := os.ReadFile(filepath.Join(filepath.Dir(good), n))
		if !bytes.Equal(got, want) {
			t.Errorf("%s in the inbox is not the uploaded bytes", n)
		}
	}
	out := cfg.OutDir()
	for _, p := range []string{"回执/茅湾村-回执.txt", "退回/桥头村整改台账-退回说明.txt", "退回/桥头村整改台账-已批注.xlsx"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("%s not written: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "回执/桥头村-回执.txt")); err == nil {
		t.Error("a receipt for the rejected file")
	}
	// Every upload is logged with time, name, size and SHA-256.
	rec, _ := os.ReadFile(filepath.Join(out, desk.UploadLogName))
	for _, f := range ans.Files {
		if !strings.Contains(string(rec), f.Name) || !strings.Contains(string(rec), f.SHA256) {
			t.Errorf("upload log lacks %s %s:\n%s", f.Name, f.SHA256, rec)
		}
	}
	if !regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\t茅湾村整改台账.xlsx\t\d+ 字节`).Match(rec) {
		t.Errorf("upload log line has no time or size:\n%s", rec)
	}
	if !strings.Contains(h.log.String(), "网页上传 茅湾村整改台账.xlsx") {
		t.Errorf("console log lacks the upload:\n%s", h.log.String())
	}
	// The status the pages read agrees.
	_, raw := h.get(t, "/api/status")
	var st struct {
		Villages []struct{ Name, State string }
	}
	json.Unmarshal(raw, &st)
	states := map[string]string{}
	for _, v := range st.Villages {
		states[v.Name] = v.State
	}
	if states["茅湾村"] != "submitted" || states["桥头村"] != "rejected" {
		t.Errorf("status after upload: %v", states)
	}
}

func TestServeUploadNeverOverwritesAndArchivesTheOlder(t *testing.T) {
	_, cfg := sampleWorkspace(t, "茅湾村", "桥头村")
	h := newDeskHarness(t, cfg)
	good, _, _ := upstreamLedgers(t, cfg, 5)
	if _, ans := h.upload(t, good); ans.Files[0].Status != "accepted" {
		t.Fatalf("first upload: %+v", ans)
	}
	first, _ := os.ReadFile(filepath.Join(cfg.InboxDir(), "茅湾村整改台账.xlsx"))
	writeLedger(t, cfg, good, "茅湾村", tasks("茅湾村", 7))
	_, ans := h.upload(t, good)
	f := ans.Files[0]
	if f.Status != "accepted" || f.SavedAs != "茅湾村整改台账（2）.xlsx" || f.Check.Items != 7 {
		t.Fatalf("second upload: %+v", f)
	}
	// The first file was not overwritten: it went to the archive whole.
	if _, err := os.Stat(filepath.Join(cfg.InboxDir(), "茅湾村整改台账.xlsx")); err == nil {
		t.Error("the older file is still in the inbox")
	}
	ents, _ := os.ReadDir(filepath.Join(cfg.OutDir(), watch.ArchiveDir))
	found := false
	for _, e := range ents {
		if b, _ := os.ReadFile(filepath.Join(cfg.OutDir(), watch.ArchiveDir, e.Name())); bytes.Equal(b, first) {
			found = true
		}
	}
	if !found {
		t.Errorf("the first upload is not in the archive: %v", ents)
	}
}

func TestServePagesShowCardsVillageCellsAndReminder(t *testing.T) {
	_, cfg := sampleWorkspace(t, "茅湾村", "桥头村")
	h := newDeskHarness(t, cfg)
	good, bad, _ := upstreamLedgers(t, cfg, 12)
	h.upload(t, good, bad)

	resp, page := h.get(t, "/")
	if resp.StatusCode != 200 {
		t.Fatalf("overview: %d", resp.StatusCode)
	}
	html := string(page)
	for village, state := range map[string]string{"茅湾村": "submitted", "桥头村": "rejected", "大布村": "submitted"} {
		if !strings.Contains(html, `data-village="`+village+`" data-state="`+state+`"`) {
			t.Errorf("overview: no %s card for %s", state, village)
		}
	}
	for _, s := range []string{"2025年9月12日", "还有 2 天", "整改状态“搁置”不是允许的状态", "已收", "退回待改"} {
		if !strings.Contains(html, s) {
			t.Errorf("overview lacks %q", s)
		}
	}

	// The village page outlines exactly the cells the annotated copy marks.
	_, page = h.get(t, "/village/"+url.PathEscape("桥头村"))
	cells := regexp.MustCompile(`class="(err|warn)" data-cell="([A-Z]+[0-9]+)"`).FindAllStringSubmatch(string(page), -1)
	var shown []string
	for _, c := range cells {
		shown = append(shown, c[2])
	}
	ax, err := excelize.OpenFile(filepath.Join(cfg.OutDir(), "退回", "桥头村整改台账-已批注.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer ax.Close()
	var commented []string
	for _, sh := range ax.GetSheetList() {
		cs, _ := ax.GetComments(sh)
		for _, c := range cs {
			commented = append(commented, c.Cell)
		}
	}
	sort.Strings(shown)
	sort.Strings(commented)
	if len(shown) == 0 || strings.Join(shown, ",") != strings.Join(commented, ",") {
		t.Errorf("page outlines %v, annotated copy marks %v", shown, commented)
	}
	for _, s := range []string{"整改状态“搁置”不是允许的状态", "桥头村整改台账-已批注.xlsx", "SHA-256", "下载空白台账表格"} {
		if !strings.Contains(string(page), s) {
			t.Errorf("village page lacks %q", s)
		}
	}
	if resp, _ := h.get(t, "/village/"+url.PathEscape("不存在村")); resp.StatusCode != 404 {
		t.Errorf("unknown village: %d", resp.StatusCode)
	}

	// 催报 names the returned village and the deadline; 上传 shows the strip.
	_, page = h.get(t, "/remind")
	for _, s := range []string{"桥头村", "2025年9月12日", "退回"} {
		if !strings.Contains(string(page), s) {
			t.Errorf("reminder lacks %q", s)
		}
	}
	if resp, page := h.get(t, "/upload"); resp.StatusCode != 200 || !strings.Contains(string(page), `type="file"`) {
		t.Errorf("upload page: %d", resp.StatusCode)
	}
}

func TestServeReminderListsTheMissing(t *testing.T) {
	_, cfg := sampleWorkspace(t, "茅湾村", "桥头村")
	h := newDeskHarness(t, cfg)
	_, page := h.get(t, "/remind")
	if !strings.Contains(string(page), "以下村（社区）尚未报送整改台账：茅湾村、桥头村") {
		t.Errorf("reminder:\n%s", page)
	}
}

func TestServeTemplateDownloads(t *testing.T) {
	_, cfg := sampleWorkspace(t)
	h := newDeskHarness(t, cfg)
	resp, b := h.get(t, "/village/"+url.PathEscape("大布村")+"/template")
	if resp.StatusCode != 200 || !bytes.HasPrefix(b, []byte("PK")) || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("template: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	// Prefilled from the last build: the village's tasks are in it.
	if res := h.build(t, false); res["ok"] != true {
		t.Fatalf("build: %v", res)
	}
	resp, b = h.get(t, "/village/"+url.PathEscape("大布村")+"/template?prefill=1")
	if resp.StatusCode != 200 {
		t.Fatalf("prefilled: %d %s", resp.StatusCode, b)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(f.GetSheetList()[0])
	if len(rows) < 40 {
		t.Errorf("prefilled template has %d rows, want 大布村's 43 tasks", len(rows))
	}
}

func TestServeBuildsAndServesTheNoticeAndTheFinalGateRefuses(t *testing.T) {
	_, cfg := sampleWorkspace(t, "茅湾村", "桥头村")
	h := newDeskHarness(t, cfg)
	res := h.build(t, false)
	if res["ok"] != true {
		t.Fatalf("working build: %v", res)
	}
	var paths []string
	for _, o := range res["outputs"].([]any) {
		paths = append(paths, o.(map[string]any)["path"].(string))
	}
	if !contains(paths, "通报.pdf") || !contains(paths, "台账/大布村.pdf") {
		t.Errorf("outputs %v", paths)
	}
	resp, pdf := h.get(t, "/files/"+url.PathEscape("通报.pdf"))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF")) ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") {
		t.Errorf("通报.pdf: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	_, page := h.get(t, "/build")
	if !strings.Contains(string(page), "/files/%E5%8F%B0%E8%B4%A6/%E5%A4%A7%E5%B8%83%E6%9D%91.pdf") {
		t.Errorf("build page does not link 台账/大布村.pdf")
	}
	// The final gate gives every reason it refuses, and writes nothing.
	fin := h.build(t, true)
	if fin["ok"] != false {
		t.Fatalf("final: %v", fin)
	}
	reasons := ""
	for _, r := range fin["refused"].([]any) {
		reasons += r.(string) + "\n"
	}
	if !strings.Contains(reasons, "茅湾村") || !strings.Contains(reasons, "桥头村") {
		t.Errorf("refusals: %s", reasons)
	}
	if _, err := os.Stat(FinalDir(cfg, "", ledger.Date{})); err == nil {
		t.Error("a refused final wrote its folder")
	}
}

func TestServeFinalRunsWhenNothingIsLeft(t *testing.T) {
	_, cfg := sampleWorkspace(t)
	h := newDeskHarness(t, cfg)
	fin := h.build(t, true)
	if fin["ok"] != true {
		t.Fatalf("final: %v", fin)
	}
	if _, err := os.Stat(filepath.Join(FinalDir(cfg, "", cfg.BuildAsOf()), "通报.pdf")); err != nil {
		t.Error(err)
	}
	_, page := h.get(t, "/build")
	if !strings.Contains(string(page), "公开-2025-09-12") {
		t.Error("build page does not list the published set")
	}
}

func TestServeEventsTellOfAJudgedFile(t *testing.T) {
	_, cfg := sampleWorkspace(t, "茅湾村", "桥头村")
	h := newDeskHarness(t, cfg)
	// Bounded, so a missing event fails the test instead of hanging it.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", h.url+"/api/events", nil)
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("events content type %q", ct)
	}
	good, _, _ := upstreamLedgers(t, cfg, 3)
	go func() {
		if resp, err := h.post(good); err == nil {
			resp.Body.Close()
		}
	}()
	sc := bufio.NewScanner(resp.Body)
	seen := map[string]bool{}
	for sc.Scan() && !(seen["judged"] && seen["status"]) {
		if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
			seen[ev] = true
		}
	}
	if !seen["judged"] || !seen["status"] {
		t.Errorf("events seen: %v", seen)
	}
	// A build from the page reports its steps, then its end.
	go func() {
		req, _ := http.NewRequest("POST", h.url+"/api/build", strings.NewReader(`{"final": false}`))
		if resp, err := h.ts.Client().Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	steps := map[string]bool{}
	ended := false // a build event after the last step (the watcher's own rebuild may end first)
	for !ended && sc.Scan() {
		line := sc.Text()
		if ev, ok := strings.CutPrefix(line, "event: "); ok && ev == "build" && steps["写入输出"] {
			ended = true
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			var p struct{ Step string }
			if json.Unmarshal([]byte(data), &p) == nil && p.Step != "" {
				steps[p.Step] = true
			}
		}
	}
	if !ended || !steps["生成通报"] || !steps["写入输出"] {
		t.Errorf("build ended %v, steps %v", ended, steps)
	}
}

func TestServeTakesTheNextPortWhenTaken(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	var log bytes.Buffer
	ln, err := listen(busy.Addr().String(), &log)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if ln.Addr().String() == busy.Addr().String() || !strings.Contains(log.String(), "已被占用") {
		t.Errorf("listened on %s; log %q", ln.Addr(), log.String())
	}
}

func TestServeWarnsOnALANAddressAndStops(t *testing.T) {
	_, cfg := sampleWorkspace(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan error)
	go func() {
		done <- runServe(ctx, &Streams{Out: &out, Err: &out}, &ServeOptions{Dir: cfg.Dir(), Listen: "0.0.0.0:0", NoBrowser: true,
			Interval: time.Second, Ready: func(string) { cancel() }})
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"警告", "没有登录", "Ctrl+C", "已停止台账工作台"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("console lacks %q:\n%s", s, out.String())
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestServeHoldsTheInboxLikeWatch(t *testing.T) {
	_, cfg := sampleWorkspace(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	done := make(chan error)
	var second error
	go func() {
		done <- runServe(ctx, &Streams{Out: &out, Err: &out}, &ServeOptions{Dir: cfg.Dir(), Listen: "127.0.0.1:0", NoBrowser: true,
			Interval: time.Second, Ready: func(string) {
				_, _, _, second = newDesk(cfg, io.Discard, time.Second)
				cancel()
			}})
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if second == nil || !strings.Contains(second.Error(), "已经有一个 taizhang watch 在监视") {
		t.Errorf("a watcher beside serve: %v", second)
	}
	// Stopped, the inbox is free again.
	_, _, release, err := newDesk(cfg, io.Discard, time.Second)
	if err != nil {
		t.Fatalf("after serve stopped: %v", err)
	}
	release()
}
