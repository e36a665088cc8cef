package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/taizhang/taizhang/internal/pdftest"
)

// TestDeskInARealBrowser drives the desk in headless Chromium as a clerk
// would: the overview updates live when a file is dropped in the folder,
// a good and a bad ledger go up through the page's file input, one card
// turns green and one red, the village page outlines the wrong cell, and a
// build gives a 通报.pdf the browser can fetch. With TAIZHANG_SCREENSHOTS=1
// it also refreshes the screenshots in docs/images.
func TestDeskInARealBrowser(t *testing.T) {
	pdftest.Need(t, "chromium")
	chromium, _ := exec.LookPath("chromium")
	_, cfg := sampleWorkspace(t, "茅湾村", "桥头村", "塘敢村")
	h := newDeskHarness(t, cfg)
	good, bad, badCell := upstreamLedgers(t, cfg, 24)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelT()

	card := func(village, state string) chromedp.CSS {
		return chromedp.CSS(`a.card[data-village="` + village + `"][data-state="` + state + `"]`)
	}
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	value := func(what string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}

	// 总览 before: three villages not in.
	run("open 总览", chromedp.Navigate(h.url+"/"), chromedp.WaitVisible(card("塘敢村", "missing")),
		chromedp.WaitVisible(card("茅湾村", "missing")))
	// The live dot turns on once the event stream is open.
	run("event stream", chromedp.WaitVisible(chromedp.CSS(`#live-dot.on`)))

	// A ledger dropped in the folder shows on the open page by itself.
	writeLedger(t, cfg, filepath.Join(cfg.InboxDir(), "塘敢村整改台账.xlsx"), "塘敢村", tasks("塘敢村", 9))
	run("live update", chromedp.WaitVisible(card("塘敢村", "submitted")))

	// 上传: a good and a bad ledger through the file input.
	run("upload", chromedp.Navigate(h.url+"/upload"), chromedp.WaitReady(chromedp.ID(`#file`)),
		chromedp.SetUploadFiles(chromedp.ID(`file`), []string{good, bad}),
		chromedp.WaitVisible(chromedp.CSS(`.result[data-status="accepted"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.result[data-status="rejected"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.chip[data-village="茅湾村"][data-state="submitted"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.chip[data-village="桥头村"][data-state="rejected"]`)))
	results := value("results", chromedp.Text(chromedp.ID("results")))
	for _, s := range []string{"已收 · 茅湾村整改台账.xlsx", "退回 · 桥头村整改台账.xlsx", badCell, "搁置"} {
		if !strings.Contains(results, s) {
			t.Errorf("result panel lacks %q:\n%s", s, results)
		}
	}

	// 总览: one card green, one red.
	run("cards", chromedp.Navigate(h.url+"/"), chromedp.WaitVisible(card("茅湾村", "submitted")),
		chromedp.WaitVisible(card("桥头村", "rejected")))
	problems := value("problems", chromedp.Text(card("桥头村", "rejected")+` .problems`))
	if !strings.Contains(problems, "搁置") {
		t.Errorf("red card shows %q, want its first problem", problems)
	}
	green := value("green", chromedp.Evaluate[string](`getComputedStyle(document.querySelector('`+string(card("茅湾村", "submitted"))+`')).borderLeftColor`))
	red := value("red", chromedp.Evaluate[string](`getComputedStyle(document.querySelector('`+string(card("桥头村", "rejected"))+`')).borderLeftColor`))
	if green != "rgb(31, 138, 76)" || red != "rgb(208, 49, 45)" {
		t.Errorf("card colours: green card %s, red card %s", green, red)
	}

	// The village page: the wrong cell outlined red, its message beside it.
	// Clicked by script: a live redraw may replace the card between a
	// query and a click by the protocol.
	value("open the card", chromedp.Evaluate[string](`document.querySelector('`+string(card("桥头村", "rejected"))+`').click(), "ok"`))
	run("village page",
		chromedp.WaitVisible(chromedp.CSS(`td.err[data-cell="`+badCell+`"]`)))
	cellText := value(badCell, chromedp.Text(chromedp.CSS(`td.err[data-cell="`+badCell+`"]`)))
	outline := value("outline", chromedp.Evaluate[string](`getComputedStyle(document.querySelector('td.err[data-cell="`+badCell+`"]')).outlineColor`))
	if !strings.Contains(cellText, "搁置") || !strings.Contains(cellText, "不是允许的状态") || outline != "rgb(208, 49, 45)" {
		t.Errorf("%s: %q outlined %s", badCell, cellText, outline)
	}
	screenshot(t, ctx, "desk-village.png")

	// 生成: build, then fetch 通报.pdf as the page links it.
	// Clicked by script, as the card: a live redraw may replace the button
	// between the protocol's query and its click.
	run("build page", chromedp.Navigate(h.url+"/build"), chromedp.WaitVisible(chromedp.ID(`#build-work`)))
	value("build", chromedp.Evaluate[string](`document.getElementById('build-work').click(), "ok"`))
	run("build",
		chromedp.WaitVisible(chromedp.CSS(`#build-answer[data-ok="true"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#build-answer a[href="/files/%E9%80%9A%E6%8A%A5.pdf"]`)))
	pdfHead := value("fetch 通报.pdf", chromedp.Evaluate[string](`fetch(document.querySelector('#build-answer a[href="/files/%E9%80%9A%E6%8A%A5.pdf"]').href).then(r => r.arrayBuffer()).then(b => String.fromCharCode(...new Uint8Array(b.slice(0, 5))))`, chromedp.EvalAwaitPromise))
	if pdfHead != "%PDF-" {
		t.Errorf("通报.pdf fetched from the page starts %q", pdfHead)
	}
	// 定稿 refuses and says why: 桥头村's ledger was returned.
	value("final", chromedp.Evaluate[string](`document.getElementById('build-final').click(), "ok"`))
	run("final", chromedp.WaitVisible(chromedp.CSS(`#build-answer[data-ok="false"]`)))
	if why := value("refusal", chromedp.Text(chromedp.ID("build-answer"))); !strings.Contains(why, "还不能定稿") || !strings.Contains(why, "桥头村") {
		t.Errorf("final refusal shows %q", why)
	}
	// The overview after the build, every figure in.
	run("overview after the build", chromedp.Navigate(h.url+"/"), chromedp.WaitVisible(chromedp.CSS(`#totals`)))
	// For the record (docs/benchmarks.md), not a limit: how long the
	// browser took to load the page.
	t.Logf("总览 in Chromium: %s ms to load", value("timing", chromedp.Evaluate[string](`(() => { const n = performance.getEntriesByType("navigation")[0]; return n.responseEnd.toFixed(1) + " ms response, " + n.loadEventEnd.toFixed(1) })()`)))
	screenshot(t, ctx, "desk-overview.png")
}

// screenshot saves the page to docs/images when TAIZHANG_SCREENSHOTS=1,
// so ordinary runs leave the committed pictures alone.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("TAIZHANG_SCREENSHOTS") != "1" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "..", "docs", "images", name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
