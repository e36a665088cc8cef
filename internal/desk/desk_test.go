package desk

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/watch"
	"github.com/taizhang/taizhang/internal/workspace"
)

const served = "127.0.0.1:8765"

// fakeDesk is a desk over a workspace with two villages whose engine
// accepts every file it is handed, as the watch desk would a good one.
type fakeDesk struct {
	s      *Server
	cfg    *config.Config
	handed [][]string
	builds int
}

func newFakeDesk(t *testing.T, addr string) *fakeDesk {
	t.Helper()
	dir := t.TempDir()
	yaml := "town: 三乡镇\nround: 十五届市委第六轮\ndisclosure:\n  date: 2025-09-12\n  days: 15\nvillages:\n  - name: 大布村\n    org: 中共中山市三乡镇大布村委员会\n  - name: 茅湾村\n    org: 中共中山市三乡镇茅湾村支部委员会\n"
	if err := os.WriteFile(filepath.Join(dir, config.FileName), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeDesk{cfg: cfg}
	today := ledger.NewDate(2025, 9, 10)
	eng := Engine{
		Config: cfg,
		Status: func() (*workspace.Status, error) { return workspace.Compute(cfg, nil, today), nil },
		Check:  func(string) (*watch.Verdict, error) { return &watch.Verdict{}, nil },
		Build: func(context.Context, bool, func(string, int, int)) (json.RawMessage, error) {
			f.builds++
			return json.RawMessage(`{"ok": true}`), nil
		},
		Hand: func(_ context.Context, paths []string) error {
			f.handed = append(f.handed, paths)
			for _, p := range paths {
				f.s.Judged(watch.Judgement{Path: p, Village: watch.GuessVillage(filepath.Base(p), []string{"大布村", "茅湾村"}), Accepted: true,
					Verdict: &watch.Verdict{Items: make([]ledger.Item, 3)}})
			}
			return nil
		},
		Template: func(w io.Writer, village string, prefill bool) error {
			_, err := io.WriteString(w, "PK"+village)
			return err
		},
		Now: func() time.Time { return time.Date(2025, 9, 10, 9, 12, 0, 0, time.Local) },
	}
	f.s = New(eng, addr)
	return f
}

// inbox lists what is in the inbox (the workspace folder here) besides the
// config.
func (f *fakeDesk) inbox(t *testing.T) []string {
	ents, _ := os.ReadDir(f.cfg.InboxDir())
	var names []string
	for _, e := range ents {
		if e.Name() != config.FileName {
			names = append(names, e.Name())
		}
	}
	return names
}

type part struct {
	name string
	data []byte
}

// multipartBody builds an upload whose file names are written raw into the
// Content-Disposition, as a hostile client can.
func multipartBody(t *testing.T, parts ...part) (*bytes.Buffer, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+strings.ReplaceAll(p.name, `\`, `\\`)+`"`)
		h.Set("Content-Type", "application/octet-stream")
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	mw.Close()
	return &body, mw.FormDataContentType()
}

// request makes a request as the desk's own page would send it.
func (f *fakeDesk) request(method, path string, body io.Reader, ctype string) *http.Request {
	r := httptest.NewRequest(method, path, body)
	r.Host = served
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	if method == "POST" {
		r.Header.Set("Origin", "http://"+served)
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		r.Header.Set(TokenHeader, f.s.Token())
	}
	return r
}

func (f *fakeDesk) do(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	f.s.ServeHTTP(w, r)
	return w
}

func TestRequestsForAnotherHostAreRefused(t *testing.T) {
	f := newFakeDesk(t, served)
	for host, want := range map[string]int{
		"127.0.0.1:8765":          200,
		"localhost:8765":          200,
		"[::1]:8765":              200,
		"evil.example:8765":       http.StatusMisdirectedRequest, // DNS rebinding
		"127.0.0.1.nip.io:8765":   http.StatusMisdirectedRequest,
		"127.0.0.1:9999":          http.StatusMisdirectedRequest,
		"192.168.1.5:8765":        http.StatusMisdirectedRequest,
		"":                        http.StatusMisdirectedRequest,
		"localhost.evil.com:8765": http.StatusMisdirectedRequest,
	} {
		r := f.request("GET", "/", nil, "")
		r.Host = host
		if got := f.do(r).Code; got != want {
			t.Errorf("Host %q: %d, want %d", host, got, want)
		}
	}
	// An upload through a rebound name writes nothing.
	body, ct := multipartBody(t, part{"大布村.xlsx", []byte("PK")})
	r := f.request("POST", "/api/upload", body, ct)
	r.Host, r.Header["Origin"] = "evil.example:8765", []string{"http://evil.example:8765"}
	if got := f.do(r).Code; got != http.StatusMisdirectedRequest || len(f.inbox(t)) != 0 {
		t.Errorf("rebound upload: %d, inbox %v", got, f.inbox(t))
	}
}

func TestALANAddressAcceptsOnlyIPHosts(t *testing.T) {
	f := newFakeDesk(t, "192.168.1.5:8765")
	for host, want := range map[string]int{
		"192.168.1.5:8765":      200,
		"taizhang.example:8765": http.StatusMisdirectedRequest,
		"192.168.1.5:80":        http.StatusMisdirectedRequest,
	} {
		r := f.request("GET", "/", nil, "")
		r.Host = host
		if got := f.do(r).Code; got != want {
			t.Errorf("Host %q: %d, want %d", host, got, want)
		}
	}
}

func TestForeignOriginCannotUploadOrBuild(t *testing.T) {
	f := newFakeDesk(t, served)
	for _, hdr := range []map[string]string{
		{"Origin": "https://evil.example"},
		{"Origin": "http://127.0.0.1:9999"},
		{"Origin": "null"},
		{"Sec-Fetch-Site": "cross-site", "Origin": ""},
		{"Sec-Fetch-Site": "same-site", "Origin": ""},
	} {
		body, ct := multipartBody(t, part{"大布村.xlsx", []byte("PK")})
		up := f.request("POST", "/api/upload", body, ct)
		build := f.request("POST", "/api/build", strings.NewReader(`{"final": false}`), "application/json")
		for _, r := range []*http.Request{up, build} {
			for k, v := range hdr {
				if v == "" {
					r.Header.Del(k)
				} else {
					r.Header.Set(k, v)
				}
			}
			if got := f.do(r); got.Code != http.StatusForbidden || !strings.Contains(got.Body.String(), "其他网站") {
				t.Errorf("%s with %v: %d %s", r.URL.Path, hdr, got.Code, got.Body)
			}
		}
	}
	if len(f.inbox(t)) != 0 || len(f.handed) != 0 || f.builds != 0 {
		t.Errorf("a foreign request got through: inbox %v, handed %v, builds %d", f.inbox(t), f.handed, f.builds)
	}
}

func TestBrowserRequestsNeedTheToken(t *testing.T) {
	f := newFakeDesk(t, served)
	r := f.request("POST", "/api/build", strings.NewReader(`{}`), "application/json")
	r.Header.Del(TokenHeader)
	if got := f.do(r).Code; got != http.StatusForbidden || f.builds != 0 {
		t.Errorf("no token: %d, builds %d", got, f.builds)
	}
	r = f.request("POST", "/api/build", strings.NewReader(`{}`), "application/json")
	r.Header.Set(TokenHeader, "guess")
	if got := f.do(r).Code; got != http.StatusForbidden || f.builds != 0 {
		t.Errorf("wrong token: %d, builds %d", got, f.builds)
	}
	// The page carries the token.
	if page := f.do(f.request("GET", "/", nil, "")).Body.String(); !strings.Contains(page, f.s.Token()) {
		t.Error("the page does not carry the token")
	}
	// A program (no Origin, no Sec-Fetch-Site: not a browser) needs none.
	r = httptest.NewRequest("POST", "/api/build", strings.NewReader(`{"final": false}`))
	r.Host = served
	if got := f.do(r); got.Code != 200 || f.builds != 1 {
		t.Errorf("program build: %d %s", got.Code, got.Body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFakeDesk(t, served)
	for _, path := range []string{"/", "/api/status", "/assets/desk.js"} {
		h := f.do(f.request("GET", path, nil, "")).Header()
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline scripts", path)
		}
		if h.Get("X-Frame-Options") == "" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
	// The pages hold no inline script for the policy to refuse.
	for _, path := range []string{"/", "/upload", "/build", "/remind"} {
		page := f.do(f.request("GET", path, nil, "")).Body.String()
		if strings.Contains(page, "<script>") || strings.Contains(page, " onclick=") || strings.Contains(page, `<script src="http`) {
			t.Errorf("%s has inline or foreign script", path)
		}
		if strings.Contains(page, "https://") {
			t.Errorf("%s loads something from the internet", path)
		}
	}
}

func TestOversizedOrTooManyUploadsWriteNothing(t *testing.T) {
	f := newFakeDesk(t, served)
	big := make([]byte, MaxFileSize+1)
	copy(big, "PK")
	body, ct := multipartBody(t, part{"茅湾村.xlsx", []byte("PK small")}, part{"大布村.xlsx", big})
	if got := f.do(f.request("POST", "/api/upload", body, ct)); got.Code != http.StatusRequestEntityTooLarge || !strings.Contains(got.Body.String(), "没有保存任何文件") {
		t.Errorf("oversized: %d %s", got.Code, got.Body)
	}
	var many []part
	for i := 0; i <= MaxUploadFiles; i++ {
		many = append(many, part{"大布村" + strings.Repeat("x", i) + ".xlsx", []byte("PK")})
	}
	body, ct = multipartBody(t, many...)
	if got := f.do(f.request("POST", "/api/upload", body, ct)); got.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("too many: %d %s", got.Code, got.Body)
	}
	if len(f.inbox(t)) != 0 || len(f.handed) != 0 {
		t.Errorf("written: %v, handed %v", f.inbox(t), f.handed)
	}
}

func TestNamesWithAPathOrDriveAreRefused(t *testing.T) {
	f := newFakeDesk(t, served)
	for _, name := range []string{
		"../大布村.xlsx", `..\大布村.xlsx`, "收件箱/../../大布村.xlsx", "/etc/大布村.xlsx",
		`C:\Users\clerk\大布村.xlsx`, "C:大布村.xlsx", "大布村.xlsx:stream", "..", ".", "",
		"~$大布村.xlsx", ".大布村.xlsx", "CON.xlsx", "大布村.xlsx ", "大\x00布村.xlsx",
	} {
		body, ct := multipartBody(t, part{"茅湾村.xlsx", []byte("PK fine")}, part{name, []byte("PK")})
		got := f.do(f.request("POST", "/api/upload", body, ct))
		if got.Code != http.StatusBadRequest {
			t.Errorf("name %q: %d %s", name, got.Code, got.Body)
		}
	}
	// Nothing anywhere: not in the inbox, not above it, not the good file
	// sent along.
	if len(f.inbox(t)) != 0 || len(f.handed) != 0 {
		t.Errorf("written: %v, handed %v", f.inbox(t), f.handed)
	}
	parent, _ := os.ReadDir(filepath.Dir(f.cfg.InboxDir()))
	for _, e := range parent {
		if strings.Contains(e.Name(), "大布村") {
			t.Errorf("%s written above the inbox", e.Name())
		}
	}
}

func TestUploadKeepsTheNameAndNeverOverwrites(t *testing.T) {
	f := newFakeDesk(t, served)
	inbox := f.cfg.InboxDir()
	os.WriteFile(filepath.Join(inbox, "大布村整改台账.xlsx"), []byte("the clerk's own"), 0o644)
	// A link where an upload would go is not followed either.
	outside := filepath.Join(t.TempDir(), "outside.xlsx")
	os.WriteFile(outside, []byte("outside"), 0o644)
	os.Symlink(outside, filepath.Join(inbox, "茅湾村整改台账.xlsx"))

	body, ct := multipartBody(t, part{"大布村整改台账.xlsx", []byte("PK new")}, part{"茅湾村整改台账.xlsx", []byte("PK mw")}, part{"说明.pdf", []byte("%PDF")})
	got := f.do(f.request("POST", "/api/upload", body, ct))
	if got.Code != 200 {
		t.Fatalf("%d %s", got.Code, got.Body)
	}
	var ans struct {
		Files []uploaded `json:"files"`
	}
	json.Unmarshal(got.Body.Bytes(), &ans)
	if len(ans.Files) != 3 || ans.Files[0].SavedAs != "大布村整改台账（2）.xlsx" || ans.Files[1].SavedAs != "茅湾村整改台账（2）.xlsx" ||
		ans.Files[0].Status != "accepted" || ans.Files[2].Status != "refused" {
		t.Fatalf("answer %s", got.Body)
	}
	if b, _ := os.ReadFile(filepath.Join(inbox, "大布村整改台账.xlsx")); string(b) != "the clerk's own" {
		t.Error("an existing file was overwritten")
	}
	if b, _ := os.ReadFile(outside); string(b) != "outside" {
		t.Error("a link was followed")
	}
	if b, _ := os.ReadFile(filepath.Join(inbox, "大布村整改台账（2）.xlsx")); string(b) != "PK new" {
		t.Error("upload not saved under a free name")
	}
	if _, err := os.Stat(filepath.Join(inbox, "说明.pdf")); err == nil {
		t.Error("a file that is no ledger was saved")
	}
	// Handed to the watcher at once, and nothing left behind.
	if len(f.handed) != 1 || len(f.handed[0]) != 2 {
		t.Errorf("handed %v", f.handed)
	}
	for _, n := range f.inbox(t) {
		if strings.HasSuffix(n, ".tmp") {
			t.Errorf("temporary file %s left", n)
		}
	}
}

func TestFilesServesOnlyTheOutFolder(t *testing.T) {
	f := newFakeDesk(t, served)
	out := f.cfg.OutDir()
	os.MkdirAll(filepath.Join(out, "台账"), 0o755)
	os.MkdirAll(filepath.Join(out, ".taizhang"), 0o755)
	os.WriteFile(filepath.Join(out, "台账", "大布村.pdf"), []byte("%PDF-1.7"), 0o644)
	os.WriteFile(filepath.Join(out, ".taizhang", "state"), []byte("x"), 0o644)
	os.Symlink(filepath.Join(f.cfg.Dir(), config.FileName), filepath.Join(out, "link.txt"))
	got := f.do(f.request("GET", "/files/%E5%8F%B0%E8%B4%A6/%E5%A4%A7%E5%B8%83%E6%9D%91.pdf", nil, ""))
	if got.Code != 200 || got.Header().Get("Content-Type") != "application/pdf" || got.Body.String() != "%PDF-1.7" {
		t.Errorf("pdf: %d %v", got.Code, got.Header())
	}
	for _, p := range []string{"/files/../taizhang.yaml", "/files/%2e%2e/taizhang.yaml", "/files/.taizhang/state", "/files/link.txt", "/files/", "/files/台账"} {
		if got := f.do(f.request("GET", p, nil, "")); got.Code == 200 {
			t.Errorf("%s served: %s", p, got.Body)
		}
	}
}

func TestTemplateAndUnknownVillage(t *testing.T) {
	f := newFakeDesk(t, served)
	got := f.do(f.request("GET", "/village/%E5%A4%A7%E5%B8%83%E6%9D%91/template", nil, ""))
	if got.Code != 200 || got.Body.String() != "PK大布村" || !strings.Contains(got.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("template: %d %q %v", got.Code, got.Body, got.Header())
	}
	if got := f.do(f.request("GET", "/village/%E6%97%A0%E6%AD%A4%E6%9D%91/template", nil, "")); got.Code != 404 {
		t.Errorf("unknown village template: %d", got.Code)
	}
	if got := f.do(f.request("GET", "/village/%E6%97%A0%E6%AD%A4%E6%9D%91", nil, "")); got.Code != 404 {
		t.Errorf("unknown village page: %d", got.Code)
	}
}

func TestBuildWantsAFinalFlagAndOneAtATime(t *testing.T) {
	f := newFakeDesk(t, served)
	if got := f.do(f.request("POST", "/api/build", strings.NewReader(`{"final": "yes"}`), "application/json")); got.Code != 400 {
		t.Errorf("bad body: %d", got.Code)
	}
	f.s.buildMu.Lock()
	got := f.do(f.request("POST", "/api/build", strings.NewReader(`{"final": false}`), "application/json"))
	f.s.buildMu.Unlock()
	if got.Code != http.StatusConflict || f.builds != 0 {
		t.Errorf("second build: %d", got.Code)
	}
}

func TestUnknownPagesAndMethodsAnswerInChinese(t *testing.T) {
	f := newFakeDesk(t, served)
	for _, r := range []*http.Request{
		f.request("GET", "/nothing", nil, ""),
		f.request("POST", "/upload", strings.NewReader(""), "text/plain"),
		f.request("DELETE", "/api/status", nil, ""),
	} {
		got := f.do(r)
		if got.Code != 404 || !strings.Contains(got.Body.String(), "没有这个页面") {
			t.Errorf("%s %s: %d %q", r.Method, r.URL.Path, got.Code, got.Body)
		}
	}
}

func TestAssetsAreEmbeddedAndOnlyThem(t *testing.T) {
	f := newFakeDesk(t, served)
	css := f.do(f.request("GET", "/assets/style.css", nil, ""))
	if css.Code != 200 || !strings.HasPrefix(css.Header().Get("Content-Type"), "text/css") ||
		!strings.Contains(css.Body.String(), `"Microsoft YaHei", "PingFang SC"`) || !strings.Contains(css.Body.String(), `"Noto Sans CJK SC"`) {
		t.Errorf("style.css: %d %s", css.Code, css.Header().Get("Content-Type"))
	}
	js := f.do(f.request("GET", "/assets/desk.js", nil, ""))
	if js.Code != 200 || !strings.HasPrefix(js.Header().Get("Content-Type"), "text/javascript") || !strings.Contains(js.Body.String(), "EventSource") {
		t.Errorf("desk.js: %d %s", js.Code, js.Header().Get("Content-Type"))
	}
	for _, p := range []string{"/assets/layout.html", "/assets/nothing.js", "/assets/..%2fdesk.go"} {
		if got := f.do(f.request("GET", p, nil, "")); got.Code != 404 {
			t.Errorf("%s: %d", p, got.Code)
		}
	}
}
