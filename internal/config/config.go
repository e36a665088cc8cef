// Package config reads taizhang.yaml, the town's description of one round of
// rectification: who the villages are, the dates that matter, and where the
// files live.
package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/taizhang/taizhang/internal/ledger"
)

// FileName is the config's name inside a workspace folder.
const FileName = "taizhang.yaml"

// Config is a town's taizhang.yaml (yaml.go maps each key of the file to
// its field: town, issuer, round, inspection.from, disclosure.days, …).
type Config struct {
	Town       string           // 三乡镇
	Issuer     string           // 中共中山市三乡镇委员会
	Round      string           // 十五届市委第六轮
	Inspection Inspection       // the inspection the ledgers answer
	Disclosure Disclosure       // publication date and period
	AsOf       ledger.Date      // 统计截止日期 for build; default: the disclosure date
	Contact    Contact          // the feedback paragraph
	Villages   []ledger.Village // attachment order

	Inbox     string // where village workbooks arrive; default: the workspace itself
	Out       string // where outputs go; default: out
	Narrative string // the clerk's narrative for the notice; default: 通报正文.txt
	Templates string // a folder whose templates win over the embedded ones; default: templates

	Fonts   Fonts   // official faces, when the clerk's machine has them
	Publish Publish // which private columns a published ledger shows

	// Acknowledged lists personal-data warnings the clerk has looked at and
	// allows to be published, each as the warning's place:
	// "大布村整改台账.xlsx:台账!I12", or a file name alone for all of its
	// warnings. build --final refuses while any other is left.
	Acknowledged []string

	// Path is the file the config was read from ("" when built in code);
	// relative paths in the config are relative to its folder.
	Path string
	// Digest is the SHA-256 of the config file's bytes.
	Digest string
	// Warnings are what Parse read past with a guess (a full-width colon,
	// a GBK-saved file), for the command to print.
	Warnings []string
}

// Inspection is the inspection round the ledgers answer.
type Inspection struct {
	Group    string      // 市委对村巡察第四组
	From     ledger.Date // 2024-09-24
	To       ledger.Date // 2024-12-20
	Feedback ledger.Date // 2025-01-14
}

// Disclosure is the publication of the notice.
type Disclosure struct {
	Date ledger.Date // 2025-09-12
	Days int         // 15, counted inclusively
}

// Contact is where the public sends its opinions.
type Contact struct {
	Phone    string `yaml:"phone"`
	Hours    string `yaml:"hours"` // 工作时间
	Address  string `yaml:"address"`
	Envelope string `yaml:"envelope"` // what to write on the envelope
	Postcode string `yaml:"postcode"`
	Email    string `yaml:"email"`
}

// Fonts maps each typesetting role to a font file on the clerk's machine. A
// ".ttc" path may name its face with "#N" (simsun.ttc#0). Empty roles use the
// faces embedded in the binary.
type Fonts struct {
	Title string `yaml:"title"` // 方正小标宋
	Body  string `yaml:"body"`  // 仿宋 (simfang.ttf)
	Hei   string `yaml:"hei"`   // 黑体 (simhei.ttf)
	Kai   string `yaml:"kai"`   // 楷体 (simkai.ttf)
	Song  string `yaml:"song"`  // 宋体, used as an extra fallback (simsun.ttc#0)
}

// Publish says which private columns a published ledger shows. Both are off
// by default: a notice must not carry personal names.
type Publish struct {
	Person bool `yaml:"person"` // 责任人
	Lead   bool `yaml:"lead"`   // 责任领导
}

// Error is a config problem with the line it was found on.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Load reads and validates a config file.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if dir := filepath.Dir(path); !isDir(dir) {
				return nil, &Error{File: path, Msg: fmt.Sprintf("找不到文件夹“%s”，请检查路径是否正确", dir)}
			}
			return nil, &Error{File: path, Msg: "找不到配置文件"}
		}
		return nil, &Error{File: path, Msg: fmt.Sprintf("无法读取配置文件：%v", err)}
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err == nil {
		c.Path = abs
	}
	return c, nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// Find returns the config for a workspace: explicit when given, else
// DIR/taizhang.yaml when it exists, else nil with no error.
func Find(explicit, dir string) (*Config, error) {
	if explicit != "" {
		return Load(explicit)
	}
	p := filepath.Join(dir, FileName)
	if _, err := os.Stat(p); err == nil {
		return Load(p)
	}
	return nil, nil
}

var lineRe = regexp.MustCompile(`line (\d+): (.*)`)

// Parse decodes and validates config bytes; name is used in messages.
func Parse(name string, data []byte) (*Config, error) {
	text, warns, err := decodeText(name, data)
	if err != nil {
		return nil, err
	}
	text, fixes, err := repairLines(name, text)
	if err != nil {
		return nil, err
	}
	warns = append(warns, fixes...)
	var root yaml.Node
	dec := yaml.NewDecoder(strings.NewReader(text))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, os.ErrNotExist) || err.Error() == "EOF" {
			return nil, &Error{File: name, Msg: "配置文件是空的"}
		}
		return nil, yamlError(name, err)
	}
	var f file
	dec = yaml.NewDecoder(strings.NewReader(text))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, yamlError(name, err)
	}
	c := f.toConfig()
	c.Warnings = warns
	sum := sha256.Sum256(data)
	c.Digest = hex.EncodeToString(sum[:])
	c.Path = name
	if err := c.validate(name, &root); err != nil {
		return nil, err
	}
	return c, nil
}

// yamlError turns a yaml.v3 error into a Chinese one with its line.
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	line := 0
	if m := lineRe.FindStringSubmatch(msg); m != nil {
		fmt.Sscanf(m[1], "%d", &line)
		msg = m[2]
	}
	switch {
	case strings.Contains(msg, "not found in type"):
		key, typ := msg, ""
		if f := strings.Fields(msg[strings.Index(msg, "field ")+len("field "):]); len(f) > 0 {
			key = f[0]
			typ = f[len(f)-1]
		}
		msg = fmt.Sprintf("未知的配置项“%s”（请检查拼写）", key)
		if near := nearestKey(key, keysOf(typ)); near != "" {
			msg = fmt.Sprintf("未知的配置项“%s”：是不是“%s”？", key, near)
		}
	case strings.Contains(msg, "日期"):
		// already Chinese, from ledger.Date
	case strings.Contains(msg, "cannot unmarshal"):
		msg = typeErrorText(msg)
	default:
		msg = syntaxErrorText(msg)
	}
	return &Error{File: name, Line: line, Msg: msg}
}

// validate checks what the YAML types cannot, reporting lines from the node tree.
func (c *Config) validate(name string, root *yaml.Node) error {
	if len(c.Villages) == 0 {
		return &Error{File: name, Line: keyLine(root, "villages"), Msg: "没有配置任何村（社区）：请在 villages 下列出各村（社区）及其党组织名称"}
	}
	seen := map[string]bool{}
	vnodes := valueNode(root, "villages")
	for i, v := range c.Villages {
		line := 0
		if vnodes != nil && i < len(vnodes.Content) {
			line = vnodes.Content[i].Line
		}
		if strings.TrimSpace(v.Name) == "" {
			return &Error{File: name, Line: line, Msg: fmt.Sprintf("第%d个村（社区）没有填写名称（name）", i+1)}
		}
		if strings.TrimSpace(v.Org) == "" {
			return &Error{File: name, Line: line, Msg: fmt.Sprintf("村（社区）“%s”没有填写党组织名称（org）", v.Name)}
		}
		if seen[v.Name] {
			return &Error{File: name, Line: line, Msg: fmt.Sprintf("村（社区）“%s”重复配置了两次", v.Name)}
		}
		seen[v.Name] = true
	}
	if c.Disclosure.Days < 0 {
		return &Error{File: name, Line: keyLine(root, "disclosure"), Msg: "公开天数（disclosure.days）不能是负数"}
	}
	if c.Disclosure.Days == 0 {
		c.Disclosure.Days = DefaultDisclosureDays
	}
	if !c.Inspection.From.IsZero() && !c.Inspection.To.IsZero() && c.Inspection.To.Before(c.Inspection.From) {
		return &Error{File: name, Line: keyLine(root, "inspection"), Msg: "巡察结束日期（inspection.to）早于开始日期（inspection.from）"}
	}
	return nil
}

// valueNode finds the value node of a top-level key.
func valueNode(root *yaml.Node, key string) *yaml.Node {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == key {
			return doc.Content[i+1]
		}
	}
	return nil
}

func keyLine(root *yaml.Node, key string) int {
	if n := valueNode(root, key); n != nil {
		return n.Line
	}
	return 0
}

// KeyJSON is the config as the build's cache keys see it: every field, in
// JSON, but not where the file lies — a workspace moved or copied keeps
// its caches.
func (c *Config) KeyJSON() ([]byte, error) {
	k := *c
	k.Path = ""
	return json.Marshal(&k)
}

// Dir is the folder relative paths are resolved against.
func (c *Config) Dir() string {
	if c == nil || c.Path == "" {
		return "."
	}
	return filepath.Dir(c.Path)
}

// Resolve makes a config-relative path absolute-ish (relative to the config's folder).
func (c *Config) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir(), p)
}

// InboxDir is where village workbooks are read from.
func (c *Config) InboxDir() string {
	if c.Inbox == "" {
		return c.Dir()
	}
	return c.Resolve(c.Inbox)
}

// OutDir is where outputs are written unless --out says otherwise.
func (c *Config) OutDir() string {
	if c.Out == "" {
		return c.Resolve("out")
	}
	return c.Resolve(c.Out)
}

// StateDir is where the tool keeps its own bookkeeping between runs (first
// receipt times, caches): a hidden folder inside the out folder, never in
// the inbox, which may be a read-only share.
func (c *Config) StateDir() string { return StateDirOf(c.OutDir()) }

// StateDirOf is the state folder of an out folder other than the config's
// (build --out): the same hidden name inside it.
func StateDirOf(out string) string { return filepath.Join(out, ".taizhang") }

// NarrativePath is the clerk's narrative: the file narrative: names, else
// 通报正文.docx (a Word/WPS document) when there is one, else 通报正文.txt.
func (c *Config) NarrativePath() string {
	if c.Narrative == "" {
		if doc := c.Resolve("通报正文.docx"); fileExists(doc) {
			return doc
		}
		return c.Resolve("通报正文.txt")
	}
	return c.Resolve(c.Narrative)
}

// TemplatesDir is the folder of user templates that override the embedded ones.
func (c *Config) TemplatesDir() string {
	if c.Templates == "" {
		return c.Resolve("templates")
	}
	return c.Resolve(c.Templates)
}

// Village returns the configured village of that name.
func (c *Config) Village(name string) (ledger.Village, bool) {
	for _, v := range c.Villages {
		if v.Name == name {
			return v, true
		}
	}
	return ledger.Village{}, false
}

// VillageIndex returns the attachment position (0-based) of a village, or -1.
func (c *Config) VillageIndex(name string) int {
	for i, v := range c.Villages {
		if v.Name == name {
			return i
		}
	}
	return -1
}

// IsAcknowledged reports whether the clerk allowed a personal-data warning
// in the acknowledged list. An entry may be the whole warning line as
// printed ("大布村.xlsx:台账!I12: 警告: …"): only its place counts.
func (c *Config) IsAcknowledged(d ledger.Diagnostic) bool {
	file := filepath.Base(d.File)
	place := file
	if d.Sheet != "" || d.Cell != "" {
		place = file + ":" + d.Sheet + "!" + d.Cell
	}
	for _, a := range c.Acknowledged {
		a = strings.TrimSpace(a)
		if i := strings.Index(a, ": "); i >= 0 {
			a = a[:i]
		}
		a = strings.ReplaceAll(a, "：", ":")
		a = strings.ReplaceAll(a, "！", "!")
		if a == place || a == file || (d.Cell != "" && a == file+":"+d.Cell) {
			return true
		}
	}
	return false
}

// Defaults for what a taizhang.yaml may leave out. Each is resolved here
// and nowhere else: callers ask the Config.
const (
	// DefaultDisclosureDays is the usual disclosure period (公开期限), in
	// days counted inclusively from the publication date.
	DefaultDisclosureDays = 15
	// DefaultHours is what the feedback paragraph says in brackets after
	// the phone number when contact.hours is empty.
	DefaultHours = "工作时间"
)

// DisclosureDays is the disclosure period in days: disclosure.days, else
// DefaultDisclosureDays.
func (c *Config) DisclosureDays() int {
	if c == nil || c.Disclosure.Days <= 0 {
		return DefaultDisclosureDays
	}
	return c.Disclosure.Days
}

// ContactHours is when the phone is answered: contact.hours, else
// DefaultHours.
func (c *Config) ContactHours() string {
	if c == nil || c.Contact.Hours == "" {
		return DefaultHours
	}
	return c.Contact.Hours
}

// DisclosureEnd is the last day of the disclosure period, counted inclusively:
// 15 days from 2025-09-12 end on 2025-09-26.
func (c *Config) DisclosureEnd() ledger.Date {
	return c.Disclosure.Date.AddDays(c.DisclosureDays() - 1)
}

// BuildAsOf is the day set in the config to count overdue tasks against:
// as_of, else the disclosure date. It is zero when neither is set; most
// callers want AsOfDay.
func (c *Config) BuildAsOf() ledger.Date {
	if c == nil {
		return ledger.Date{}
	}
	if !c.AsOf.IsZero() {
		return c.AsOf
	}
	return c.Disclosure.Date
}

// AsOfDay is the day every command (check, build, watch, status) counts
// deadlines against when --as-of is not given: as_of, else the disclosure
// date, else today. It is safe on a nil Config (no workspace): today.
func (c *Config) AsOfDay() ledger.Date {
	if d := c.BuildAsOf(); !d.IsZero() {
		return d
	}
	return ledger.DateOf(time.Now())
}

var unmarshalRe = regexp.MustCompile("cannot unmarshal !!(\\w+) `([^`]*)` into (\\S+)")

// typeErrorText says in Chinese what kind of value the key wants: yaml's
// "cannot unmarshal !!str `x` into int".
func typeErrorText(msg string) string {
	m := unmarshalRe.FindStringSubmatch(msg)
	if m == nil {
		return "配置值的类型不对：请对照示例（taizhang init 生成的 taizhang.yaml）检查这一行"
	}
	got, into := m[2], m[3]
	switch {
	case strings.HasPrefix(into, "config."), strings.HasPrefix(into, "map"):
		return fmt.Sprintf("这里应当是“键: 值”的几行（如 town: 三乡镇），读到的却是“%s”：请检查冒号和缩进", got)
	case strings.HasPrefix(into, "[]"):
		return fmt.Sprintf("这里应当是一个列表（每项一行，以“- ”开头），读到的却是“%s”", got)
	case into == "int":
		return fmt.Sprintf("这里应当是一个整数，读到的却是“%s”", got)
	case into == "bool":
		return fmt.Sprintf("这里只能写 true（是）或 false（否），读到的却是“%s”", got)
	case into == "string":
		return "这里应当是一段文字，读到的却是一组配置：文字里有冒号时请整段加上引号"
	}
	return fmt.Sprintf("配置值“%s”的类型不对：请对照示例检查这一行", got)
}

// syntaxErrorText says in Chinese what a YAML syntax error most likely is.
func syntaxErrorText(msg string) string {
	switch {
	case strings.Contains(msg, "mapping values are not allowed"):
		return "这一行的冒号让人看不懂：文字里有冒号（:）时请整段加上引号，或检查上一行是否少了引号"
	case strings.Contains(msg, "did not find expected key"), strings.Contains(msg, "did not find expected node content"):
		return "缩进或括号没有对齐：同一层的配置项要左对齐，括号 { } [ ] 要成对"
	case strings.Contains(msg, "found unknown escape character"):
		return "双引号里有反斜杠（\\）：Windows 路径请改用单引号，或把 \\ 写成 /"
	case strings.Contains(msg, "found character that cannot start any token"):
		return "这一行有 YAML 不认识的字符（常见的是 Tab 或 @、` 开头）：请改用空格，或给文字加上引号"
	case strings.Contains(msg, "unexpected end of stream"), strings.Contains(msg, "did not find expected"):
		return "引号或括号没有配对：请检查这一行和上一行"
	case strings.Contains(msg, "already defined"):
		return "同一个配置项写了两次：请删掉一个"
	}
	return "配置文件格式有误（YAML 语法）：请检查这一行的缩进、冒号和引号，可对照 taizhang init 生成的示例"
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
