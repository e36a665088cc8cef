package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInitCommand(t *testing.T) {
	t.Chdir(t.TempDir())
	var out bytes.Buffer
	if err := runInit(&Streams{Out: &out}, &InitOptions{Dir: "第六轮"}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"新建  taizhang.yaml", "新建  收件箱/", "新建  空白台账/大布村整改台账.xlsx", "docs/工作流程.md"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, out.String())
		}
	}
	out.Reset()
	if err := runInit(&Streams{Out: &out}, &InitOptions{Dir: "第七轮", FromConfig: filepath.Join("第六轮", "taizhang.yaml")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join("第七轮", "空白台账", "圩仔社区整改台账.xlsx")); err != nil {
		t.Error(err)
	}
	if strings.Contains(out.String(), "把示例改成") {
		t.Errorf("--from-config still asks to edit the example:\n%s", out.String())
	}
	err := runInit(&Streams{Out: &out}, &InitOptions{Dir: "第八轮", FromConfig: "没有这个文件.yaml"})
	if exitCode(err) != ExitUsage {
		t.Errorf("missing --from-config: %v", err)
	}
}
