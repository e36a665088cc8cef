package desk

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/taizhang/taizhang/internal/workspace"
)

func pathEscape(s string) string { return url.PathEscape(s) }

// attachment is a Content-Disposition that keeps a Chinese file name.
func attachment(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}

// rel shows a path relative to the workspace.
func (s *Server) rel(p string) string {
	if r := workspace.Rel(s.eng.Config.Dir(), p); r != "." {
		return r
	}
	return "工作文件夹"
}

// file serves a file from the out folder: PDFs open in the browser's
// viewer, everything else downloads. Only regular files inside the out
// folder are served (os.Root refuses a way out, links included), never the
// tool's hidden bookkeeping.
func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	rel := r.PathValue("path")
	clean := path.Clean("/" + rel)[1:]
	if clean == "" || clean != rel {
		notFound(w, r)
		return
	}
	for _, part := range strings.Split(clean, "/") {
		if strings.HasPrefix(part, ".") {
			notFound(w, r)
			return
		}
	}
	root, err := os.OpenRoot(s.eng.Config.OutDir())
	if err != nil {
		notFound(w, r)
		return
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(clean))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			http.Error(w, "没有这个文件（可能还没有生成）。", http.StatusNotFound)
		} else {
			http.Error(w, "无法打开这个文件。", http.StatusForbidden)
		}
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		notFound(w, r)
		return
	}
	name := path.Base(clean)
	switch strings.ToLower(path.Ext(name)) {
	case ".pdf":
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": name}))
	case ".xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", attachment(name))
	case ".txt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	case ".json":
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", attachment(name))
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "", st.ModTime(), f)
}
