package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/desk"
	"github.com/taizhang/taizhang/internal/form"
	"github.com/taizhang/taizhang/internal/ledger"
	"github.com/taizhang/taizhang/internal/pipeline"
	"github.com/taizhang/taizhang/internal/watch"
	"github.com/taizhang/taizhang/internal/workspace"
)

// DefaultListen is where `taizhang serve` listens unless told otherwise:
// this PC only.
const DefaultListen = "127.0.0.1:8765"

// ServeOptions are the flags and arguments of `taizhang serve`.
type ServeOptions struct {
	Dir        string
	ConfigPath string
	Listen     string
	NoBrowser  bool
	Interval   time.Duration
	Today      string // for rehearsals and screenshots; default: today
	// Ready, when set, is told the address once the desk answers (tests).
	Ready func(url string)
}

// NewCmdServe builds `taizhang serve`. runF replaces the work in tests.
func NewCmdServe(s *Streams, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{}
	cmd := &cobra.Command{
		Use:   "serve [文件夹]",
		Short: "在浏览器里打开台账工作台：总览、上传、各村台账、生成、催报（按 Ctrl+C 停止）",
		Long: `在本机启动台账工作台，并用默认浏览器打开（http://127.0.0.1:8765）：
  总览：公开日期和剩余天数、全镇数字，每个村（社区）一张卡片（未报送灰、退回红、已收绿）；
  上传：把台账拖到页面上，立即检查，结果马上显示；
  村（社区）：收到、退回、归档的文件，全部问题，台账表格上标出有问题的单元格；
  生成：生成工作版通报，在浏览器里打开 PDF；定稿时列出还不能公开的全部原因；
  催报：未报送和被退回的村（社区），一段可以直接复制发送的文字。
同时像 taizhang watch 一样监视收件箱：放进文件夹的台账照样处理，回执、退回、归档都在文件夹里。
默认只有本机能打开；用 --listen 让局域网里的其他电脑访问时，页面没有登录，请谨慎使用。`,
		Example: `  taizhang serve
  taizhang serve 第六轮巡察整改 --no-browser
  taizhang serve --listen 127.0.0.1:9000`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Dir = dirArg(args)
			if runF != nil {
				return runF(opts)
			}
			return runServe(c.Context(), s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.ConfigPath, "config", "", "配置文件（默认：文件夹中的 taizhang.yaml）")
	f.StringVar(&opts.Listen, "listen", DefaultListen, "监听的地址和端口（端口被占用时自动换下一个）")
	f.BoolVar(&opts.NoBrowser, "no-browser", false, "不自动打开浏览器")
	f.DurationVar(&opts.Interval, "interval", watch.DefaultInterval, "多久查看一次收件箱")
	f.StringVar(&opts.Today, "today", "", "按哪一天计算（格式 2025-09-10，默认今天）")
	f.MarkHidden("today")
	f.BoolP("help", "h", false, "显示帮助")
	return cmd
}

func runServe(ctx context.Context, s *Streams, opts *ServeOptions) error {
	ctx, stop := untilStopped(ctx)
	defer stop()
	cfg, err := loadWorkspaceConfig(opts.ConfigPath, opts.Dir)
	if err != nil {
		return err
	}
	var today ledger.Date
	if opts.Today != "" {
		if today, err = parseAsOf(opts.Today, today); err != nil {
			return err
		}
	}
	ln, err := listen(opts.Listen, s.Out)
	if err != nil {
		return err
	}
	defer ln.Close()
	w, d, release, err := newDesk(cfg, s.Out, opts.Interval)
	if err != nil {
		return err
	}
	defer release()
	addr := ln.Addr().String()
	srv := desk.New(deskEngine(cfg, w, d, s.Out, today), addr)
	d.OnJudged, d.OnBuild = srv.Judged, srv.Built

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	go srv.Run(ctx)
	watched := make(chan error, 1)
	go func() { watched <- watch.Serve(ctx, w, d) }()

	url := "http://" + addr + "/"
	if h, p, err := net.SplitHostPort(addr); err == nil {
		if ip := net.ParseIP(h); ip != nil && ip.IsUnspecified() {
			url = "http://" + net.JoinHostPort("127.0.0.1", p) + "/" // every address: this PC opens it on loopback
		}
	}
	if !isLoopbackAddr(addr) {
		fmt.Fprintf(s.Out, "警告：工作台监听在 %s，局域网里的其他电脑也能打开它，而页面没有登录（任何人都能上传和生成）。只在可信的网络里这样用。\n", addr)
	}
	fmt.Fprintf(s.Out, "%s 台账工作台已启动：%s\n在浏览器里打开这个地址即可使用；同时在监视收件箱 %s。要停止，关闭这个窗口或按 Ctrl+C。\n",
		time.Now().Format("15:04"), url, relWorkspace(cfg, cfg.InboxDir()))
	if !opts.NoBrowser {
		if err := openBrowser(url); err != nil {
			fmt.Fprintf(s.Out, "没能自动打开浏览器，请手工打开 %s\n", url)
		}
	}
	if opts.Ready != nil {
		opts.Ready(url)
	}
	var runErr error
	watching := true
	select {
	case <-ctx.Done():
	case err := <-served:
		runErr = fmt.Errorf("工作台停止了：%w", err)
	case err := <-watched:
		runErr, watching = err, false
	}
	stop()
	if watching {
		<-watched // a rebuild under way stops with ctx; the lock is given back after it
	}
	sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	hs.Shutdown(sctx)
	fmt.Fprintf(s.Out, "%s 已停止台账工作台。\n", time.Now().Format("15:04"))
	return runErr
}

// listen opens addr, or the next free port when it is taken (up to 20
// ports on), and says so.
func listen(addr string, log io.Writer) (net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, usageError("--listen“%s”不是“地址：端口”，例如 127.0.0.1:8765", addr)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 0 || p > 65535 {
		return nil, usageError("--listen“%s”的端口不对", addr)
	}
	var first error
	for i := 0; i < 20; i++ {
		try := net.JoinHostPort(host, strconv.Itoa(p+i))
		ln, err := net.Listen("tcp", try)
		if err == nil {
			if i > 0 {
				fmt.Fprintf(log, "端口 %d 已被占用，改用 %d。\n", p, p+i)
			}
			return ln, nil
		}
		if first == nil {
			first = err
		}
		// Windows says WSAEADDRINUSE, not EADDRINUSE: any failure tries
		// the next port, and the first error is the one reported.
		if p == 0 || p+i >= 65535 {
			break
		}
	}
	return nil, usageError("无法在 %s 上启动工作台：%v", addr, first)
}

func isLoopbackAddr(addr string) bool {
	host, _, _ := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// openBrowser opens url in the default browser.
func openBrowser(url string) error {
	switch runtime.GOOS {
	case "windows":
		return exec.Command("rundll32", "url.dll,FileProtocolHandler", url).Start()
	case "darwin":
		return exec.Command("open", url).Start()
	default:
		return exec.Command("xdg-open", url).Start()
	}
}

// deskEngine wires the web desk to the code the commands run: status is
// `status`'s, a file is checked as `watch` checks it, a build is `build`'s
// (the working set from the accepted files, as watch rebuilds it; the final
// one through build --final's gate), and uploads go to the watcher.
func deskEngine(cfg *config.Config, w *watch.Watcher, d *watch.Desk, log io.Writer, today ledger.Date) desk.Engine {
	var building sync.Mutex // one build at a time: the watcher's and the page's share the staging folder
	auto := d.Build
	d.Build = func(ctx context.Context, files []string) (string, error) {
		building.Lock()
		defer building.Unlock()
		return auto(ctx, files)
	}
	status := func() (*workspace.Status, error) {
		day := today
		if day.IsZero() {
			day = ledger.DateOf(time.Now())
		}
		st, _, err := inboxStatus(cfg, day)
		return st, err
	}
	return desk.Engine{
		Config: cfg,
		Status: status,
		Check:  func(path string) (*watch.Verdict, error) { return checkOne(cfg, path) },
		Hand:   w.Hand,
		Log:    log,
		Build: func(ctx context.Context, final bool, progress func(string, int, int)) (json.RawMessage, error) {
			building.Lock()
			defer building.Unlock()
			var out, errs bytes.Buffer
			if final {
				opts := &BuildOptions{Dir: cfg.Dir(), JSON: true, Final: true, Progress: progress}
				err := runFinal(ctx, &Streams{In: &bytes.Buffer{}, Out: &out, Err: &errs}, opts, cfg, checkAsOf(cfg))
				return buildAnswer(out.Bytes(), err)
			}
			st, err := status()
			if err != nil {
				return nil, err
			}
			var files []string
			for _, v := range st.Villages {
				if v.State == workspace.Submitted {
					files = append(files, v.File.Path)
				}
			}
			res, err := buildFiles(ctx, cfg, files, progress)
			if err != nil {
				return nil, err
			}
			if err := writeBuildJSON(&out, res); err != nil {
				return nil, err
			}
			return out.Bytes(), nil
		},
		Template: func(wr io.Writer, village string, prefill bool) error {
			v, _ := cfg.Village(village)
			var items []ledger.Item
			if prefill {
				snap, err := compare.LoadSnapshot(filepath.Join(cfg.OutDir(), pipeline.SnapshotName))
				if err != nil {
					return err
				}
				items = form.VillageItems(snap.Items, village)
			}
			return form.Write(wr, form.Options{Village: v, Round: cfg.Round, Items: items})
		},
	}
}

// buildAnswer is the JSON a build command printed, or its error when it
// printed none. Refusals and input errors (exit 1) are answers, not
// failures.
func buildAnswer(out []byte, err error) (json.RawMessage, error) {
	var ee *ExitError
	if err != nil && !(errors.As(err, &ee) && ee.Code == ExitProblems) {
		return nil, err
	}
	if !json.Valid(out) {
		return nil, fmt.Errorf("生成没有给出结果")
	}
	return out, nil
}
