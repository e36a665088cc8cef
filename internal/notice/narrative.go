package notice

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/docx"
	"github.com/taizhang/taizhang/internal/ledger"
)

// narrativeBody is the notice's body: the clerk's narrative, its
// placeholders filled and then executed as a template over data, or, when
// there is none or it is empty, the template's 正文 block and a warning.
// The warnings of reading the narrative (tracked changes, comments) come
// first.
func narrativeBody(in Input, tm *template.Template, data *Data) (string, []ledger.Diagnostic, error) {
	path := in.Config.NarrativePath()
	name := filepath.Base(path)
	diags := append([]ledger.Diagnostic(nil), in.NarrativeWarnings...)
	var diag ledger.Diagnostic
	if in.HaveNarrative {
		body, err := runNarrative(name, in.Narrative, data, lineLabel(name, unitOf(path), in.Narrative))
		if err != nil {
			return "", nil, err
		}
		if len(ParseNarrative(body)) > 0 {
			return body, diags, nil
		}
		diag = narrativeDiag(in.Config, fmt.Sprintf("通报正文（%s）是空的，通报正文由模板按统计数字生成", name))
	} else {
		diag = narrativeDiag(in.Config, fmt.Sprintf("没有找到通报正文（%s），通报正文由模板按统计数字生成；"+
			"请把党委履行整改责任、重点事项整改等情况写进这个文件", name))
	}
	body, err := execBlock(tm, blockBody, data)
	if err != nil {
		return "", nil, err
	}
	return body, append(diags, diag), nil
}

// unitOf is what a place in the narrative file is counted in: a text
// file's 行, a document's 段.
func unitOf(path string) string {
	if isDocx(path) {
		return "段"
	}
	return "行"
}

func isDocx(path string) bool { return strings.EqualFold(filepath.Ext(path), ".docx") }

// ReadNarrative fills in.Narrative, in.HaveNarrative and
// in.NarrativeWarnings from the config's narrative file
// (config.NarrativePath): a Word/WPS document (.docx), or a text file in
// UTF-8, UTF-16 with a byte-order mark, or GB18030 (GBK). A missing file
// is not an error: HaveNarrative stays false, and the notice then words
// the body from the template and warns.
func (in *Input) ReadNarrative() error {
	text, have, warns, err := readNarrative(in.Config)
	in.Narrative, in.HaveNarrative, in.NarrativeWarnings = text, have, warns
	return err
}

// ReadNarrative reads the clerk's narrative (config.NarrativePath) as
// text, one paragraph a line; see Input.ReadNarrative.
func ReadNarrative(cfg *config.Config) (text string, have bool, err error) {
	text, have, _, err = readNarrative(cfg)
	return text, have, err
}

// narrativeNames are the narrative's usual names, side by side in a
// workspace: the one read is said when both are there.
var narrativeNames = []string{"通报正文.docx", "通报正文.txt"}

func readNarrative(cfg *config.Config) (string, bool, []ledger.Diagnostic, error) {
	text, have, warns, err := readNarrativeFile(cfg)
	if err != nil || !have {
		return text, have, warns, err
	}
	path := cfg.NarrativePath()
	base := filepath.Base(path)
	if !slices.Contains(narrativeNames, base) {
		return text, have, warns, nil
	}
	for _, other := range narrativeNames {
		if other == base {
			continue
		}
		if st, err := os.Stat(filepath.Join(filepath.Dir(path), other)); err == nil && !st.IsDir() {
			warns = append([]ledger.Diagnostic{narrativeDiag(cfg, fmt.Sprintf(
				"同时有 %s 和 %s，通报正文用的是 %s；另一个没有用，请删去或改名，免得改错文件", base, other, base))}, warns...)
		}
	}
	return text, have, warns, nil
}

func readNarrativeFile(cfg *config.Config) (string, bool, []ledger.Diagnostic, error) {
	path := cfg.NarrativePath()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil, nil
	}
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "", false, nil, fmt.Errorf("无法读取通报正文 %s：没有读取权限，或文件正被其他程序独占打开（请关闭 WPS/Word 后重试）", path)
	case err != nil:
		return "", false, nil, fmt.Errorf("无法读取通报正文 %s（是文件夹，或磁盘出错）", path)
	}
	if isDocx(path) {
		doc, err := docx.Read(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return "", false, nil, fmt.Errorf("通报正文 %s：%w", path, err)
		}
		return docNarrative(cfg, doc)
	}
	text, err := DecodeText(b)
	if err != nil {
		return "", false, nil, fmt.Errorf("通报正文 %s：%w", path, err)
	}
	return text, true, nil, nil
}

// docNarrative is a document's paragraphs as narrative text, one a line
// (empty ones dropped, so line n is the document's nth paragraph with
// text), and a warning for each paragraph that holds an unaccepted tracked
// change or a comment.
func docNarrative(cfg *config.Config, doc *docx.Document) (string, bool, []ledger.Diagnostic, error) {
	var lines []string
	var warns []ledger.Diagnostic
	for _, p := range doc.Paragraphs {
		text := strings.TrimFunc(p.Text(), unicode.IsSpace)
		if text == "" && !p.Revised && !p.Commented {
			continue
		}
		if text != "" {
			lines = append(lines, strings.ReplaceAll(text, "\n", ""))
		}
		where := fmt.Sprintf("第%d段（“%s”）", len(lines), abbrev(text, 16))
		if text == "" {
			where = fmt.Sprintf("第%d段之后的空段", len(lines))
		}
		if p.Revised {
			warns = append(warns, narrativeDiag(cfg, where+"有未处理的修订，通报按删去修订前的文字、保留新插入的文字印出；请先接受或拒绝修订"))
		}
		if p.Commented {
			warns = append(warns, narrativeDiag(cfg, where+"有批注，批注不印进通报；请处理后删除批注"))
		}
	}
	if doc.Tables > 0 {
		warns = append(warns, narrativeDiag(cfg, fmt.Sprintf("通报正文中有 %d 个表格，表格不印进通报（各村数字在附件台账中）", doc.Tables)))
	}
	if doc.Images > 0 {
		warns = append(warns, narrativeDiag(cfg, fmt.Sprintf("通报正文中有 %d 张图片，图片不印进通报", doc.Images)))
	}
	return strings.Join(lines, "\n"), true, warns, nil
}

// abbrev keeps the first n characters of s, marking a cut with ….
func abbrev(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}

// DecodeText reads a text file as a clerk's editor saved it: UTF-8 (with or
// without a byte-order mark), UTF-16 little- or big-endian with a
// byte-order mark (Notepad's "Unicode"), or GB18030, which includes GBK
// (Notepad's "ANSI" on a Chinese Windows). Anything else is an error, so a
// wrongly decoded file never reaches a PDF as mojibake.
func DecodeText(b []byte) (string, error) {
	var dec *encoding.Decoder
	name := ""
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b, name = b[3:], "UTF-8"
		if !utf8.Valid(b) {
			return "", errors.New("文件开头标明是 UTF-8，内容却不是 UTF-8 编码；请用记事本打开后“另存为”，编码选 UTF-8")
		}
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		dec, name = xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder(), "UTF-16"
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		dec, name = xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM).NewDecoder(), "UTF-16"
	case bytes.IndexByte(b, 0) >= 0:
		return "", errors.New("看起来是不带标记的 UTF-16 文本或其他非文本文件，无法确定编码；请用记事本打开后“另存为”，编码选 UTF-8")
	case utf8.Valid(b):
		name = "UTF-8"
	default:
		dec, name = simplifiedchinese.GB18030.NewDecoder(), "GBK"
	}
	text := string(b)
	if dec != nil {
		u, err := dec.Bytes(b)
		if err != nil {
			return "", fmt.Errorf("不是有效的 %s 文本；请用记事本打开后“另存为”，编码选 UTF-8", name)
		}
		text = string(u)
	}
	if err := plausibleText(text, name); err != nil {
		return "", err
	}
	return strings.ReplaceAll(text, "\r\n", "\n"), nil
}

// plausibleText refuses what a wrong guess of the encoding leaves behind:
// replacement characters, control characters, private-use code points
// (unless the file is valid UTF-8), and, for GBK, characters outside GBK (a Notepad "ANSI" file has none:
// GB18030's four-byte forms in a narrative mean it is some other
// encoding).
func plausibleText(s, enc string) error {
	bad := func(r rune) bool {
		switch {
		case r == utf8.RuneError, r == 0xFEFF && enc != "UTF-8":
			return true
		case r < 0x20 && r != '\n' && r != '\r' && r != '\t':
			return true
		case (r >= 0xE000 && r <= 0xF8FF || r >= 0xF0000) && enc != "UTF-8":
			return true // private use: a UTF-8 file may mean it, a guess does not
		}
		return false
	}
	for i, r := range s {
		if r == 0xFEFF && i == 0 {
			continue
		}
		if bad(r) {
			return fmt.Errorf("按 %s 读出的内容有乱码（第%d行），编码无法确定；请用记事本打开后“另存为”，编码选 UTF-8", enc, strings.Count(s[:i], "\n")+1)
		}
	}
	if enc == "GBK" {
		if _, err := simplifiedchinese.GBK.NewEncoder().String(s); err != nil {
			return errors.New("既不是 UTF-8 也不是 GBK 编码的文本，编码无法确定；请用记事本打开后“另存为”，编码选 UTF-8")
		}
	}
	return nil
}

// CheckNarrative runs the narrative of in as the notice would, without
// typesetting it: the error a build would stop at (an unknown placeholder,
// one with no value, a template mistake), else the narrative's warnings.
func CheckNarrative(in Input) ([]ledger.Diagnostic, error) {
	if in.Config == nil {
		return nil, errors.New("没有读入配置文件")
	}
	tm, err := noticeTemplates(in.Templates)
	if err != nil {
		return nil, err
	}
	_, diags, err := narrativeBody(in, tm, NewData(in.Config, in.Items, in.Summary, in.Since))
	return diags, err
}
