package e2e_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/waymark/waymark/internal/web"
)

const chromiumPath = "/usr/bin/chromium"

// viewport is the window every page is checked in first.
const viewportW, viewportH = 1280, 900

// requireOrSkip fails under CI=true and skips elsewhere.
func requireOrSkip(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("required under CI: "+format, args...)
	}
	t.Skipf(format, args...)
}

// startBrowser starts one headless Chromium for the whole test run, with a
// fresh profile that is removed at the end. Every host name but 127.0.0.1
// fails to resolve, so nothing reaches the network.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		requireOrSkip(t, "no browser at %s (apt-get install chromium): %v", chromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.WindowSize(viewportW, viewportH),
		chromedp.UserDataDir(t.TempDir()),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		requireOrSkip(t, "chromium does not start: %v", err)
	}
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}

// page is one browser tab working for one test, with the checks every
// visited page goes through.
type tab struct {
	t     *testing.T
	e     *env
	ctx   context.Context
	shots *atomic.Int32
	// w × h is the window the flow acts in (0: viewportW × viewportH).
	w, h int64
	// visited is every URL path the a11y checks ran on, for the report.
	visited []string
}

// newTab opens a tab with its own cookie jar (a new browser context) and
// the neutral quick-exit page stubbed, since there is no network.
func (e *env) newTab(t *testing.T) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &tab{t: t, e: e, ctx: ctx, shots: new(atomic.Int32)}
	// Stub the neutral page of the quick exit.
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	pattern := strings.TrimSuffix(web.QuickExitURL, "/") + "/*"
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern}}})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 200,
				ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html; charset=utf-8"}}, Body: []byte(neutralPage)})
		}
	}()
	return tb
}

const neutralPage = `<!doctype html><html lang="en"><head><title>Weather</title></head><body><main><h1>Weather</h1></main></body></html>`

// step limits one step. It guards against a hang, not a slow machine: the
// suite shares two cores with the rest of the tests.
func (p *tab) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(p.ctx, 90*time.Second)
}

// do runs actions and fails the test on error.
func (p *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("browser: %v (at %s)", err, p.location())
	}
}

// eval evaluates a script and decodes its result.
func eval[T any](p *tab, script string) T {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluate %.80q: %v", script, err)
	}
	return v
}

func (p *tab) location() string {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	u, _ := chromedp.Run(ctx, chromedp.Location())
	return u
}

// path is the current URL without the server's origin and the fragment.
func (p *tab) path() string {
	u, _, _ := strings.Cut(strings.TrimPrefix(p.location(), p.e.srv.URL), "#")
	return u
}

// open navigates to a path of the server, waits for the load and checks the
// page. It returns the HTTP status.
func (p *tab) open(path string) int64 {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(p.e.srv.URL+path))
	if err != nil {
		p.t.Fatalf("open %s: %v", path, err)
	}
	p.checkPage()
	if resp == nil {
		return 0
	}
	return resp.Status
}

// submit clicks a button (or link) that loads a new page, waits for it and
// checks it. It returns the HTTP status of the new page.
func (p *tab) submit(sel string) int64 {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		p.t.Fatalf("click %s: %v (at %s)", sel, err, p.location())
	}
	p.checkPage()
	if resp == nil {
		return 0
	}
	return resp.Status
}

// keyNav presses a key that loads a new page (Enter on a link or a button,
// Space on a button), waits for the load and checks the page.
func (p *tab) keyNav(key string) int64 {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.KeyEvent(key))
	if err != nil {
		p.t.Fatalf("key %q: %v (at %s)", key, err, p.location())
	}
	p.checkPage()
	if resp == nil {
		return 0
	}
	return resp.Status
}

// fill types into a field after clearing it.
func (p *tab) fill(sel, value string) {
	p.t.Helper()
	p.do(chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(sel)+`).value = ""`),
		chromedp.SendKeys(chromedp.CSS(sel), value))
}

// text is the visible text of the first element that matches.
func (p *tab) text(sel string) string {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		p.t.Fatalf("text of %s: %v (at %s)", sel, err, p.location())
	}
	return s
}

// has reports whether an element matches now.
func (p *tab) has(sel string) bool {
	return eval[bool](p, fmt.Sprintf(`document.querySelector(%q) !== null`, sel))
}

// bodyText is the text of main.
func (p *tab) mainText() string { return eval[string](p, `document.querySelector("main").innerText`) }

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// screenshot writes a full-page PNG under the output folder.
func (p *tab) screenshot(name string) { p.t.Helper(); p.saveShot(name, chromedp.FullScreenshot(100)) }

// screenshotViewport writes what the window shows, for long pages.
func (p *tab) screenshotViewport(name string) {
	p.t.Helper()
	p.saveShot(name, chromedp.CaptureScreenshot())
}

func (p *tab) saveShot(name string, shot chromedp.Action[[]byte]) {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	buf, err := chromedp.Run(ctx, shot)
	if err != nil {
		p.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	n := p.shots.Add(1)
	file := fmt.Sprintf("%s-%02d-%s.png", unsafeName.ReplaceAllString(strings.ToLower(p.t.Name()), "-"), n,
		strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(name), "-"), "-"))
	if err := os.WriteFile(filepath.Join(p.e.out, file), buf, 0o644); err != nil {
		p.t.Errorf("screenshot: %v", err)
	}
}

// setFontSize sets the browser's default font size (16 is the default).
func (p *tab) setFontSize(px int64) {
	p.t.Helper()
	p.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.SetFontSizes, page.SetFontSizesParams{FontSizes: &page.FontSizes{Standard: px, Fixed: px * 13 / 16}})
		return err
	}))
}

// press sends keys to the focused element (no navigation expected).
func (p *tab) press(keys string) { p.t.Helper(); p.do(chromedp.KeyEvent(keys)) }

// tabTo presses Tab until the focused element matches sel, at most n
// times, and fails when it never does.
func (p *tab) tabTo(sel string, n int) {
	p.t.Helper()
	type stop struct {
		Match   bool   `json:"match"`
		Problem string `json:"problem"`
	}
	for range n {
		p.press(kb.Tab)
		s := eval[stop](p, `({match: !!document.activeElement && document.activeElement.matches(`+jsString(sel)+`), problem: `+focusProblemJS+`})`)
		if s.Problem != "" {
			p.t.Errorf("focus is not visible on %s at %s: %s", p.activeDesc(), p.path(), s.Problem)
		}
		if s.Match {
			return
		}
	}
	p.t.Fatalf("Tab did not reach %s within %d presses on %s (focus on %s)", sel, n, p.path(), p.activeDesc())
}

// activeDesc describes the focused element.
func (p *tab) activeDesc() string {
	return eval[string](p, `(function(){const e=document.activeElement; if(!e) return "nothing";
	  return e.tagName.toLowerCase()+(e.id?"#"+e.id:"")+(e.className&&typeof e.className==="string"?"."+e.className.trim().replace(/\s+/g,"."):"")+
	  " "+JSON.stringify((e.innerText||e.value||e.getAttribute("aria-label")||"").trim().slice(0,40))})()`)
}

// assertFocusVisible fails the test when the focused element shows no
// focus indicator.
func (p *tab) assertFocusVisible() {
	p.t.Helper()
	if prob := p.focusProblem(); prob != "" {
		p.t.Errorf("focus is not visible on %s at %s: %s", p.activeDesc(), p.path(), prob)
	}
}

// focusProblem says why the focused element shows no focus indicator (an
// outline of at least 2px or a box shadow, as computed), or "".
func (p *tab) focusProblem() string { return eval[string](p, focusProblemJS) }

const focusProblemJS = `(function(){ const e = document.activeElement;
	  if (!e || e === document.body) return "no element has focus";
	  const s = getComputedStyle(e);
	  const outline = s.outlineStyle === "auto" || (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2);
	  const shadow = s.boxShadow && s.boxShadow !== "none";
	  return (outline || shadow) ? "" : "outline " + s.outlineStyle + " " + s.outlineWidth + ", box-shadow " + s.boxShadow; })()`

// fetched is what fetch returned.
type fetched struct {
	Status      int    `json:"status"`
	ContentType string `json:"type"`
	Disposition string `json:"disposition"`
	Body64      string `json:"body"`
}

// Body is the response body.
func (f fetched) Body() []byte {
	b, _ := base64.StdEncoding.DecodeString(f.Body64)
	return b
}

// fetch requests a path with the tab's cookies, as a click on a download
// link does, and returns the response.
func (p *tab) fetch(path string) fetched {
	p.t.Helper()
	return eval[fetched](p, `fetch(`+jsString(path)+`, {credentials: "same-origin"}).then(async r => {
	  const blob = await r.blob();
	  const data = await new Promise(ok => { const fr = new FileReader(); fr.onload = () => ok(fr.result); fr.readAsDataURL(blob); });
	  return {status: r.status, type: r.headers.get("content-type") || "", disposition: r.headers.get("content-disposition") || "",
	    body: String(data).replace(/^data:[^,]*,/, "")};
	})`)
}

// clickJS clicks the first element that matches, through the DOM (for
// inputs a label covers).
func clickJS(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelector(` + jsString(sel) + `).click()`)
}
