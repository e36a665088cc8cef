package desk

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/taizhang/taizhang/internal/intake"
	"github.com/taizhang/taizhang/internal/watch"
)

// UploadLogName is the file under the out folder where every upload is
// recorded: time, name, size, SHA-256 and where it was put.
const UploadLogName = "上传记录.txt"

// uploaded is one file of an upload as the API answers it: what was
// received and where it went, the desk's decision, and under "check" the
// file's entry exactly as `check --json` prints it (village, sheet, items,
// status, sheets, diagnostics).
type uploaded struct {
	Name    string          `json:"name"`               // as the browser sent it
	SavedAs string          `json:"saved_as,omitempty"` // its name in the inbox
	Size    int             `json:"size"`
	SHA256  string          `json:"sha256"`
	Status  string          `json:"status"` // accepted, rejected (退回), refused (not taken at all)
	Village string          `json:"village"`
	Message string          `json:"message"`
	Check   json.RawMessage `json:"check"` // null when the file was not checked

	data []byte
	path string
}

// uploadError refuses a whole upload: nothing of it is written.
type uploadError struct {
	code int
	msg  string
}

func (e *uploadError) Error() string { return e.msg }

// checkName refuses a name that is not a plain file name: any path (/ or
// \), a drive letter or stream (:), a control character, a hidden or lock
// file's name, a Windows device name. A browser sends only the base name;
// anything else did not come from a clerk choosing a file.
func checkName(name string) error {
	bad := func(why string) error {
		return &uploadError{http.StatusBadRequest, fmt.Sprintf("文件名“%s”%s，没有保存任何文件", name, why)}
	}
	switch {
	case name == "":
		return bad("为空")
	case !utf8.ValidString(name) || len(name) > 240:
		return bad("无效或太长")
	case strings.ContainsAny(name, `/\`):
		return bad("含有路径")
	case strings.Contains(name, ":"):
		return bad("含有盘符或冒号")
	case name == "." || name == ".." || strings.HasSuffix(name, ".") || strings.HasSuffix(name, " "):
		return bad("无效")
	case watch.Ignored(name):
		return bad("是临时文件或隐藏文件的名字")
	}
	for _, r := range name {
		if unicode.IsControl(r) || strings.ContainsRune(`<>"|?*`, r) {
			return bad("含有不能用于文件名的字符")
		}
	}
	stem := strings.ToUpper(strings.TrimSuffix(name, filepath.Ext(name)))
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		return bad("是 Windows 保留的设备名")
	}
	return nil
}

// readUpload reads every file of a multipart request into memory and checks
// names, sizes and count before anything is written.
func readUpload(w http.ResponseWriter, r *http.Request) ([]*uploaded, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestSize)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &uploadError{http.StatusBadRequest, "请求不是文件上传（multipart/form-data）"}
	}
	var files []*uploaded
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, &uploadError{http.StatusRequestEntityTooLarge, fmt.Sprintf("一次上传的文件合计超过 %d MB，没有保存任何文件", maxRequestSize>>20)}
			}
			return nil, &uploadError{http.StatusBadRequest, "上传的数据不完整，没有保存任何文件"}
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		name := params["filename"] // the raw name: part.FileName() would hide a path
		if err := checkName(name); err != nil {
			return nil, err
		}
		if len(files) == MaxUploadFiles {
			return nil, &uploadError{http.StatusRequestEntityTooLarge, fmt.Sprintf("一次最多上传 %d 个文件，没有保存任何文件", MaxUploadFiles)}
		}
		data, err := io.ReadAll(io.LimitReader(part, MaxFileSize+1))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, &uploadError{http.StatusRequestEntityTooLarge, fmt.Sprintf("一次上传的文件合计超过 %d MB，没有保存任何文件", maxRequestSize>>20)}
			}
			return nil, &uploadError{http.StatusBadRequest, "上传的数据不完整，没有保存任何文件"}
		}
		if len(data) > MaxFileSize {
			return nil, &uploadError{http.StatusRequestEntityTooLarge, fmt.Sprintf("“%s”超过 %d MB，不像是一份整改台账，没有保存任何文件", name, MaxFileSize>>20)}
		}
		sum := sha256.Sum256(data)
		files = append(files, &uploaded{Name: name, Size: len(data), SHA256: hex.EncodeToString(sum[:]), data: data, Check: json.RawMessage("null")})
	}
	if len(files) == 0 {
		return nil, &uploadError{http.StatusBadRequest, "没有收到文件：请选择或拖入台账（.xlsx）"}
	}
	return files, nil
}

// save puts data into dir under name, or under name（2）, name（3）… when a
// file of that name is there: nothing is overwritten. The file appears
// whole (written under a hidden name the watcher ignores, then linked).
func save(dir, name string, data []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".upload-*.tmp")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 1; i < 1000; i++ {
		p := filepath.Join(dir, name)
		if i > 1 {
			p = filepath.Join(dir, fmt.Sprintf("%s（%d）%s", stem, i, ext))
		}
		err := os.Link(tmp.Name(), p)
		if err == nil {
			return p, nil
		}
		if errors.Is(err, os.ErrExist) {
			continue
		}
		// No hard links here (some shares): create exclusively instead.
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(p)
			return "", werr
		}
		return p, nil
	}
	return "", fmt.Errorf("收件箱里同名文件太多")
}

func (s *Server) apiUpload(w http.ResponseWriter, r *http.Request) {
	files, err := readUpload(w, r)
	if err != nil {
		var ue *uploadError
		if errors.As(err, &ue) {
			writeJSON(w, ue.code, map[string]any{"ok": false, "error": ue.msg})
			return
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": err.Error()})
		return
	}
	inbox := s.eng.Config.InboxDir()
	var paths []string
	for _, f := range files {
		if !intake.IsWorkbookName(f.Name) {
			f.Status = "refused"
			f.Message = "不是 Excel 台账（.xlsx），没有保存"
			continue
		}
		p, err := save(inbox, f.Name, f.data)
		if err != nil {
			f.Status = "refused"
			f.Message = "无法存入收件箱：" + err.Error()
			continue
		}
		f.path, f.SavedAs = p, filepath.Base(p)
		paths = append(paths, p)
		s.logUpload(r, f)
	}
	if len(paths) > 0 {
		if err := s.eng.Hand(r.Context(), paths); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ok": false, "error": "文件已存入收件箱，但检查没有完成：" + err.Error()})
			return
		}
	}
	for _, f := range files {
		if f.path == "" {
			continue
		}
		j, ok := s.judgement(f.path)
		if !ok {
			f.Status, f.Message = "refused", "没有检查（不是台账文件）"
			continue
		}
		v := j.Verdict
		f.Village = j.Village
		if len(v.JSON) > 0 {
			f.Check = v.JSON
		}
		switch {
		case j.Archived:
			f.Status = "accepted"
			f.Message = "已收，但收件箱里有这个村（社区）更新的台账，这份已移到归档"
		case j.Accepted:
			f.Status = "accepted"
			f.Message = fmt.Sprintf("已收：%d 项任务", len(v.Items))
			if w := v.Warnings(); w > 0 {
				f.Message += fmt.Sprintf("，%d 条警告", w)
			}
		default:
			f.Status = "rejected"
			f.Message = fmt.Sprintf("退回：%d 条错误，已写好退回说明和标注的工作簿", v.Errors())
		}
	}
	s.refreshNow()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "files": files})
}

// judgement is what the watch desk decided about a file just handed to it.
func (s *Server) judgement(path string) (watch.Judgement, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.judgements[path]
	return j, ok
}

// logUpload records an upload on the console and in 上传记录.txt.
func (s *Server) logUpload(r *http.Request, f *uploaded) {
	now := s.eng.Now()
	fmt.Fprintf(s.eng.Log, "%s 网页上传 %s（%s，SHA-256 %s）→ %s\n", now.Format("15:04"), f.Name, size(int64(f.Size)), f.SHA256[:12], s.rel(f.path))
	line := fmt.Sprintf("%s\t%s\t%d 字节\tSHA-256 %s\t存为 %s\r\n", now.Format("2006-01-02 15:04:05"), f.Name, f.Size, f.SHA256, s.rel(f.path))
	p := filepath.Join(s.eng.Config.OutDir(), UploadLogName)
	os.MkdirAll(filepath.Dir(p), 0o755)
	lf, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintf(s.eng.Log, "无法写上传记录：%v\n", err)
		return
	}
	defer lf.Close()
	if st, err := lf.Stat(); err == nil && st.Size() == 0 {
		lf.Write([]byte("\uFEFF时间\t文件\t大小\t校验值\t存放位置\r\n"))
	}
	lf.WriteString(line)
}
