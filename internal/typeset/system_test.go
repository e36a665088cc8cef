package typeset

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/pdftest"
)

// TestOfficialFacesFromFontsFolder: a fonts folder as Windows has it (the
// embedded faces copied under the Windows file names) gives 仿宋, 黑体 and
// 楷体 their faces without configuration, and Describe says so; a role the
// folder has no face for stays embedded, and a configured file wins.
func TestOfficialFacesFromFontsFolder(t *testing.T) {
	fs := embedded(t)
	dir := t.TempDir()
	for name, f := range map[string]*face{"simfang.ttf": fs.roles[RoleBody], "SIMHEI.TTF": fs.roles[RoleHei], "simkai.ttf": fs.roles[RoleKai]} {
		if err := os.WriteFile(filepath.Join(dir, name), f.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := OfficialFiles(FontFiles{}, []string{filepath.Join(dir, "missing"), dir})
	if files.Body != filepath.Join(dir, "simfang.ttf") || files.Hei != filepath.Join(dir, "SIMHEI.TTF") || files.Kai != filepath.Join(dir, "simkai.ttf") {
		t.Errorf("OfficialFiles = %+v", files)
	}
	if files.Title != "" || files.Song != "" {
		t.Errorf("roles the folder has no face for were filled: %+v", files)
	}
	if got := OfficialFiles(FontFiles{Body: "/my/fangsong.ttf"}, []string{dir}); got.Body != "/my/fangsong.ttf" {
		t.Errorf("a configured face was replaced: %+v", got)
	}
	set, err := LoadFonts(files)
	if err != nil {
		t.Fatal(err)
	}
	desc := set.Describe()
	for _, want := range []string{"正文 " + files.Body, "黑体 " + files.Hei, "楷体 " + files.Kai, "标题 内置 Noto Serif CJK SC Bold"} {
		if !strings.Contains(desc, want) {
			t.Errorf("Describe() = %q, lacks %q", desc, want)
		}
	}
	pdftest.Need(t, "pdffonts")
	d := NewDocument(set, Official())
	d.NewPage(Portrait)
	d.Paragraph("正文仿宋", Style{Role: RoleBody})
	d.Paragraph("一、黑体标题", Style{Role: RoleHei})
	var names []string
	for _, f := range pdftest.Fonts(t, render(t, d)) {
		names = append(names, f.Name)
	}
	if !slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, "utf8user") }) {
		t.Errorf("the PDF's fonts %v are not the folder's", names)
	}
}

// TestFallbackFromFontFolder: a character no embedded face has — 𠀋,
// above U+FFFF — is taken from a font of the folders searched, under a
// private-use code with its ToUnicode entry; what no font has stays
// missing.
func TestFallbackFromFontFolder(t *testing.T) {
	const hana = "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"
	if _, err := os.Stat(hana); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("fonts-hanazono is not installed")
		}
		t.Skip("fonts-hanazono is not installed")
	}
	if runtime.GOOS == "linux" && !slices.Contains(FontDirs(), "/usr/share/fonts") {
		t.Errorf("FontDirs() = %v lacks /usr/share/fonts", FontDirs())
	}
	dir := t.TempDir()
	if err := os.Symlink(hana, filepath.Join(dir, "HanaMinB.ttf")); err != nil {
		t.Fatal(err)
	}
	fs := embedded(t)
	const rare, none = '\U0002000B', '\U000323AF'
	set, found, err := fs.WithFallback([]string{dir}, []rune{'国', rare, none})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].File != filepath.Join(dir, "HanaMinB.ttf") || !slices.Equal(found[0].Runes, []rune{rare}) {
		t.Fatalf("found = %+v", found)
	}
	code, ok := set.alias[rare]
	if !ok || code < 0xE000 || code > 0xF8FF {
		t.Fatalf("𠀋 has code %U, want one in the Private Use Area", code)
	}
	var tu map[rune]rune
	for _, m := range set.ToUnicode() {
		tu = m
	}
	if tu[code] != rare {
		t.Errorf("ToUnicode = %v, want %U → 𠀋", set.ToUnicode(), code)
	}
	if fs.alias != nil || len(fs.extra) != 1 {
		t.Error("WithFallback changed the set it was given")
	}
	d := NewDocument(set, Official())
	d.NewPage(Portrait)
	d.Paragraph("已迁入\U0002000B字号新址\U000323AF。", Style{Role: RoleBody})
	if m := d.Missing(); len(m) != 1 || m[0].Rune != none {
		t.Errorf("missing = %+v, want only U+323AF", m)
	}
	render(t, d)
	if desc := set.Describe(); !strings.Contains(desc, "生僻字“\U0002000B” "+filepath.Join(dir, "HanaMinB.ttf")) {
		t.Errorf("Describe() = %q, does not name the face found for 𠀋", desc)
	}
	// Asked again: nothing read twice, the same answer.
	if _, again, _ := fs.WithFallback([]string{dir}, []rune{rare}); len(again) != 1 {
		t.Errorf("second look found %+v", again)
	}
}
