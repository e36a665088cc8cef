package desk

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/workspace"
)

//go:embed web
var webFS embed.FS

// pages are the page templates, each joined with the layout.
var pages = map[string]*template.Template{}

var funcs = template.FuncMap{
	"villageURL": func(name string) string { return "/village/" + url.PathEscape(name) },
	"fileURL":    fileURL,
	"when":       when,
	"sev":        func(s ledger.Severity) string { return s.Chinese() },
}

func init() {
	for _, name := range []string{"overview", "upload", "village", "build", "remind"} {
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(webFS, "web/layout.html", "web/"+name+".html"))
		pages[name] = t
	}
}

// fileURL is the download address of a file under the out folder.
func fileURL(rel string) string {
	parts := strings.Split(filepath.ToSlash(rel), "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/files/" + strings.Join(parts, "/")
}

// when writes a time the way a clerk says it: 9月10日 09:12.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d月%d日 %s", int(t.Month()), t.Day(), t.Format("15:04"))
}

// page is what every page's layout needs.
type page struct {
	Title  string
	Nav    string // which tab is lit
	Town   string
	Round  string
	Token  string
	Out    string // the out folder, as the clerk sees it: 输出
	Notice string // an error to show at the top, e.g. an unreadable inbox
	Data   any
}

func (s *Server) render(w http.ResponseWriter, name, title string, data any) {
	snap := s.current()
	p := page{Title: title, Nav: name, Town: s.eng.Config.Town, Round: s.eng.Config.Round, Token: s.token, Out: s.rel(s.eng.Config.OutDir()), Data: data}
	if snap.err != nil {
		p.Notice = "无法读取收件箱：" + snap.err.Error()
	}
	var buf bytes.Buffer
	if err := pages[name].Execute(&buf, p); err != nil {
		http.Error(w, "页面出错："+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// card is one village on the overview.
type card struct {
	Name, Org string
	State     string // submitted, rejected, missing: the CSS class
	Label     string // 已收, 退回待改, 未报送
	File      string
	Came      string
	Tasks     int
	Counts    *consolidate.Counts // from the last build
	Problems  []string            // the first errors of a returned file
	Errors    int
	Warnings  int
}

// overviewData is the 总览.
type overviewData struct {
	Today          string
	Disclosure     string
	DisclosureEnd  string
	Countdown      string
	Late           bool
	Town           *consolidate.Counts
	StatsAsOf      string
	Built          string
	In, Out, Total int
	Returned       int
	Cards          []card
	Unknown        []workspace.Submission
}

var stateLabels = map[string]string{
	workspace.Submitted: "已收",
	workspace.Rejected:  "退回待改",
	workspace.Missing:   "未报送",
}

func (s *Server) overviewData() overviewData {
	snap := s.current()
	cfg := s.eng.Config
	d := overviewData{Built: when(snap.built)}
	st := snap.status
	if st != nil {
		d.Today = st.Today.Chinese()
		d.Unknown = st.Unknown
	}
	if !cfg.Disclosure.Date.IsZero() {
		d.Disclosure = cfg.Disclosure.Date.Chinese()
		d.DisclosureEnd = cfg.DisclosureEnd().Chinese()
		if st != nil {
			switch n := st.DaysLeft; {
			case n > 0:
				d.Countdown = fmt.Sprintf("还有 %d 天", n)
			case n == 0:
				d.Countdown = "就是今天"
			default:
				d.Countdown, d.Late = fmt.Sprintf("已过 %d 天", -n), true
			}
		}
	}
	if snap.stats != nil {
		t := snap.stats.Town
		d.Town = &t
		d.StatsAsOf = snap.stats.AsOf.Chinese()
	}
	if st == nil {
		return d
	}
	for _, v := range st.Villages {
		c := card{Name: v.Name, Org: v.Org, State: v.State, Label: stateLabels[v.State]}
		if v.File != nil {
			c.File, c.Came, c.Tasks = v.File.Name, when(v.File.Modified), v.File.Tasks
			c.Errors, c.Warnings = v.File.Errors(), v.File.Warnings()
		}
		switch v.State {
		case workspace.Submitted:
			d.In++
			if n, ok := snap.counts(v.Name); ok && n.Tasks > 0 {
				c.Counts = &n
			}
		case workspace.Rejected:
			d.Returned++
			c.Problems = firstErrors(v.File.Diagnostics, 3)
		default:
			d.Out++
		}
		d.Cards = append(d.Cards, c)
	}
	d.Total = len(st.Villages)
	return d
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request) {
	s.render(w, "overview", "总览", s.overviewData())
}

func (s *Server) uploadPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, "upload", "上传", map[string]any{
		"Cards": s.overviewData().Cards, "MaxFiles": MaxUploadFiles, "MaxMB": MaxFileSize >> 20,
		"Inbox": s.rel(s.eng.Config.InboxDir()), "Out": s.rel(s.eng.Config.OutDir()),
	})
}

// asset serves the embedded style sheet and script.
func (s *Server) asset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, err := fs.ReadFile(webFS, "web/"+name)
	if err != nil || strings.HasSuffix(name, ".html") {
		notFound(w, r)
		return
	}
	switch filepath.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(b)
}
