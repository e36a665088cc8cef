package notice

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/taizhang/taizhang/templates"
)

// NoticeTemplate is the file, among the templates, that words the notice.
const NoticeTemplate = "通报.tmpl"

// The blocks NoticeTemplate defines.
const (
	blockTitle    = "标题"
	blockLead     = "导语"
	blockBody     = "正文"
	blockFeedback = "反馈"
)

// LoadTemplates returns the embedded templates overlaid, file by file, by
// those in userDir: a file there wins over the embedded one of the same
// name. A userDir that is empty or does not exist gives the embedded
// templates alone.
func LoadTemplates(userDir string) (fs.FS, error) {
	if userDir == "" {
		return templates.FS, nil
	}
	st, err := os.Stat(userDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return templates.FS, nil
	case err != nil:
		return nil, fmt.Errorf("无法读取模板文件夹 %s：%w", userDir, err)
	case !st.IsDir():
		return nil, fmt.Errorf("模板路径 %s 不是文件夹", userDir)
	}
	return overlay{user: os.DirFS(userDir), base: templates.FS}, nil
}

// overlay is a file system whose user files hide the base's of the same name.
type overlay struct{ user, base fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	f, err := o.user.Open(name)
	if err == nil {
		if st, serr := f.Stat(); serr == nil && !st.IsDir() {
			return f, nil
		}
		f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return o.base.Open(name)
}

// ReadDir lists the union of both folders.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]fs.DirEntry{}
	var firstErr error
	for _, f := range []fs.FS{o.base, o.user} {
		es, err := fs.ReadDir(f, name)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		for _, e := range es {
			seen[e.Name()] = e
		}
	}
	if len(seen) == 0 && firstErr != nil {
		return nil, firstErr
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// noticeTemplates parses the embedded notice template, then the one in fsys
// (when it is not the embedded one) over it, so a user's file may redefine
// only some of the blocks.
func noticeTemplates(fsys fs.FS) (*template.Template, error) {
	t := template.New(NoticeTemplate).Option("missingkey=error")
	base, err := fs.ReadFile(templates.FS, NoticeTemplate)
	if err != nil {
		return nil, fmt.Errorf("内置模板 %s 缺失：%w", NoticeTemplate, err)
	}
	if _, err := t.Parse(string(base)); err != nil {
		return nil, fmt.Errorf("内置模板 %s 有误：%w", NoticeTemplate, err)
	}
	if fsys == nil {
		return t, nil
	}
	user, err := fs.ReadFile(fsys, NoticeTemplate)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && bytes.Equal(user, base)) {
		return t, nil
	}
	if err != nil {
		return nil, fmt.Errorf("无法读取模板 %s：%w", NoticeTemplate, err)
	}
	if _, err := t.Parse(asciiActions(string(user))); err != nil {
		return nil, templateError("模板"+NoticeTemplate, err)
	}
	return t, nil
}

// execBlock runs one named block.
func execBlock(t *template.Template, name string, data *Data) (string, error) {
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", templateError("模板"+NoticeTemplate+"中的“"+name+"”", err)
	}
	return b.String(), nil
}

// execNarrative runs the clerk's narrative, a text file named name, over
// data: its placeholders filled, then executed as a template.
func execNarrative(name, text string, data *Data) (string, error) {
	return runNarrative(name, text, data, lineLabel(name, "行", text))
}

// lineLabel names line n of a narrative for a message: "通报正文.txt第3行";
// a document's paragraph also by its first words, since Word shows no
// paragraph numbers: "通报正文.docx第3段（“截至【统计截止日期】，…”）".
func lineLabel(name, unit, text string) func(n int) string {
	lines := strings.Split(text, "\n")
	return func(n int) string {
		s := fmt.Sprintf("%s第%d%s", name, n, unit)
		if unit == "段" && n >= 1 && n <= len(lines) {
			s += "（“" + abbrev(strings.TrimSpace(lines[n-1]), 16) + "”）"
		}
		return s
	}
}

// runNarrative fills the narrative's placeholders (fillPlaceholders) and
// executes it as a template over data; every error names its place with
// label.
func runNarrative(name, text string, data *Data, label func(int) string) (string, error) {
	fields := Fields(data)
	filled, err := fillPlaceholders(text, fields, label)
	if err != nil {
		return "", err
	}
	t, err := template.New(name).Option("missingkey=error").
		Funcs(template.FuncMap{fieldFunc: fieldValue(fields)}).
		Parse(asciiActions(filled))
	if err != nil {
		return "", templateErrorAt(name, err, label)
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", templateErrorAt(name, err, label)
	}
	return b.String(), nil
}

var tmplErrRe = regexp.MustCompile(`^template: [^:]*:(\d+)(?::\d+)?: (.*)$`)
var callRe = regexp.MustCompile(`error calling \w+: (.*)$`)
var fieldRe = regexp.MustCompile(`can't evaluate field (\w+) in type`)

// templateError turns a text/template error into a message a clerk can
// act on: where it is (line) and what is wrong.
func templateError(where string, err error) error { return templateErrorAt(where, err, nil) }

// templateErrorAt is templateError with the place named by label when the
// error has a line.
func templateErrorAt(where string, err error, label func(int) string) error {
	msg := err.Error()
	line := ""
	if m := tmplErrRe.FindStringSubmatch(msg); m != nil {
		line, msg = m[1], m[2]
	}
	switch {
	case callRe.MatchString(msg):
		msg = callRe.FindStringSubmatch(msg)[1]
	case fieldRe.MatchString(msg):
		msg = fmt.Sprintf("没有数据项“%s”（可用的数据项见模板 %s 开头的说明）", fieldRe.FindStringSubmatch(msg)[1], NoticeTemplate)
	}
	if n, err := strconv.Atoi(line); err == nil && label != nil {
		return fmt.Errorf("%s：%s", label(n), msg)
	}
	if line != "" {
		return fmt.Errorf("%s第%s行：%s", where, line, msg)
	}
	return fmt.Errorf("%s：%s", where, msg)
}
