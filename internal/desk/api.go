package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/taizhang/taizhang/internal/output"
	"github.com/taizhang/taizhang/internal/workspace"
)

// writeJSON answers one JSON document with the writer the commands' --json
// uses (output.JSON).
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	output.JSON(v)(w)
}

// apiStatus answers what `taizhang status --json` prints, read afresh.
func (s *Server) apiStatus(w http.ResponseWriter, r *http.Request) {
	st, err := s.eng.Status()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"ok": false, "error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// apiEvents streams server-sent events: status (the pages should redraw),
// judged (a file was received or returned), build (a build ended) and
// progress (a build's step).
func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "不支持", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	c := s.hub.subscribe()
	defer s.hub.unsubscribe(c)
	io.WriteString(w, "retry: 3000\n: 台账工作台\n\n")
	flusher.Flush()
	ping := time.NewTicker(25 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case msg, ok := <-c:
			if !ok {
				return
			}
			w.Write(msg)
			flusher.Flush()
		case <-ping.C:
			io.WriteString(w, ": ping\n\n")
			flusher.Flush()
		}
	}
}

// apiBuild runs a build ({"final": false}, the working set, or true, the
// --final gate) and answers what `build --json` prints. The build goes on
// when the page that asked is closed.
func (s *Server) apiBuild(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Final bool `json:"final"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4096))
	if err == nil && len(strings.TrimSpace(string(body))) > 0 {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": `请求应为 {"final": false} 或 {"final": true}`})
		return
	}
	if !s.buildMu.TryLock() {
		writeJSON(w, http.StatusConflict, map[string]any{"ok": false, "error": "正在生成，请等这一次完成"})
		return
	}
	defer s.buildMu.Unlock()
	progress := func(step string, done, total int) {
		s.hub.send("progress", map[string]any{"step": step, "done": done, "total": total})
	}
	s.hub.send("progress", map[string]any{"step": "开始", "done": 0, "total": 0})
	res, err := s.eng.Build(context.WithoutCancel(r.Context()), req.Final, progress)
	s.refreshNow()
	if err != nil {
		s.hub.send("build", map[string]any{"ok": false, "error": err.Error()})
		writeJSON(w, http.StatusInternalServerError, map[string]any{"ok": false, "error": err.Error()})
		return
	}
	var head struct {
		OK bool `json:"ok"`
	}
	json.Unmarshal(res, &head)
	s.hub.send("build", map[string]any{"ok": head.OK, "final": req.Final})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(res)
}

// output is one file of a build on the 生成 page.
type outputLink struct {
	Path, URL, Size, SHA256 string
	PDF                     bool
}

type buildData struct {
	Built    string
	Outputs  []outputLink
	Finals   []finalSet
	Villages int
	Ready    bool
	Missing  []string
	Rejected []string
}

type finalSet struct {
	Dir     string
	Notice  string // URL of its 通报.pdf
	Written string
}

func (s *Server) buildPage(w http.ResponseWriter, r *http.Request) {
	snap := s.current()
	d := buildData{Built: when(snap.built)}
	for _, f := range snap.files {
		d.Outputs = append(d.Outputs, outputLink{Path: f.Path, URL: fileURL(f.Path), Size: size(f.Size), SHA256: f.SHA256,
			PDF: strings.EqualFold(path.Ext(f.Path), ".pdf")})
	}
	out := s.eng.Config.OutDir()
	ents, _ := os.ReadDir(out)
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), "公开-") {
			fs := finalSet{Dir: e.Name()}
			if st, err := os.Stat(filepath.Join(out, e.Name(), "通报.pdf")); err == nil {
				fs.Notice, fs.Written = fileURL(e.Name()+"/通报.pdf"), when(st.ModTime())
			}
			d.Finals = append(d.Finals, fs)
		}
	}
	sort.Slice(d.Finals, func(i, j int) bool { return d.Finals[i].Dir > d.Finals[j].Dir })
	// The notice first, then the workbook, then the village ledgers.
	rank := func(p string) int {
		switch {
		case p == "通报.pdf":
			return 0
		case strings.HasSuffix(p, ".xlsx"):
			return 1
		case strings.HasSuffix(p, ".pdf"):
			return 2
		}
		return 3
	}
	sort.SliceStable(d.Outputs, func(i, j int) bool { return rank(d.Outputs[i].Path) < rank(d.Outputs[j].Path) })
	if st := snap.status; st != nil {
		d.Villages, d.Ready, d.Missing, d.Rejected = len(st.Villages), st.Ready(), st.Missing, st.Rejected
	}
	s.render(w, "build", "生成", d)
}

// reminder is the 催报 text.
type remindData struct {
	Text     string
	Missing  []string
	Rejected []workspace.VillageStatus
	AllIn    bool
}

func (s *Server) remindPage(w http.ResponseWriter, r *http.Request) {
	snap := s.current()
	d := remindData{}
	if st := snap.status; st != nil {
		d.Missing = st.Missing
		for _, v := range st.Villages {
			if v.State == workspace.Rejected {
				d.Rejected = append(d.Rejected, v)
			}
		}
		d.AllIn = len(d.Missing) == 0 && len(d.Rejected) == 0
		d.Text = s.reminder(st)
	}
	s.render(w, "remind", "催报", d)
}

// reminder writes the message a clerk pastes into the villages' group
// chat: who has not sent, who must send again and why, and by when.
func (s *Server) reminder(st *workspace.Status) string {
	cfg := s.eng.Config
	var b strings.Builder
	b.WriteString("各村（社区）：\n")
	round := cfg.Round
	if round != "" {
		round += "巡察"
	}
	fmt.Fprintf(&b, "%s整改进展情况将于%s公开", round, cfg.Disclosure.Date.Chinese())
	if st.DaysLeft > 0 {
		fmt.Fprintf(&b, "（还有 %d 天）", st.DaysLeft)
	}
	b.WriteString("。截至")
	b.WriteString(st.Today.Chinese())
	b.WriteString("，")
	if len(st.Missing) == 0 && len(st.Rejected) == 0 {
		b.WriteString("各村（社区）整改台账均已报送，谢谢配合。\n")
		return b.String()
	}
	if len(st.Missing) > 0 {
		fmt.Fprintf(&b, "以下村（社区）尚未报送整改台账：%s。\n", strings.Join(st.Missing, "、"))
	}
	var returned []string
	for _, v := range st.Villages {
		if v.State == workspace.Rejected && v.File != nil {
			line := fmt.Sprintf("%s（%s，%d 处错误", v.Name, v.File.Name, v.File.Errors())
			if p := firstErrors(v.File.Diagnostics, 1); len(p) > 0 {
				line += "，如 " + p[0]
			}
			returned = append(returned, line+"）")
		}
	}
	if len(returned) > 0 {
		b.WriteString("以下村（社区）报送的台账已退回，请按退回说明和标注的工作簿修改后重新报送：\n")
		for i, l := range returned {
			fmt.Fprintf(&b, "%d. %s\n", i+1, l)
		}
	}
	deadline := cfg.Disclosure.Date
	if !deadline.IsZero() {
		fmt.Fprintf(&b, "请尽快报送，最迟不晚于公开日%s，以免影响全镇通报按时公开。\n", deadline.Chinese())
	}
	if cfg.Contact.Phone != "" {
		fmt.Fprintf(&b, "联系电话：%s。\n", cfg.Contact.Phone)
	}
	return b.String()
}
