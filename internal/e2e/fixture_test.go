package e2e_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// brokenPage breaks one rule per element, so each check has something to
// find: two h1s, an image with no alt, a field with no label, faint text,
// no lang, no landmarks, an error tied to no field, a table with no
// headers, a box that clips its text when the text grows, a button with
// no focus indicator, and a quick exit that is second in tab order, under
// a banner, with no Shift shortcut, and a box wider than a phone.
const brokenPage = `<!doctype html><html><head><title>A broken page</title><style>
.faint { color: #c8c8c8; background: #fff; }
.box { width: 30rem; height: 24px; overflow: hidden; }
.nofocus:focus, .nofocus:focus-visible { outline: none; box-shadow: none; }
#quick-exit { position: fixed; top: 0; right: 0; padding: 8px; background: #a4161a; color: #fff; }
.wide { width: 30rem; }
.banner { position: fixed; top: 0; left: 0; right: 0; height: 60px; background: #1b1f24; color: #fff; z-index: 5; }
</style></head><body>
<a href="#top">A link before the quick exit</a>
<a id="quick-exit" href="https://www.weather.gov/">Quick exit</a>
<div class="banner">A cookie banner over the quick exit</div>
<h1>First heading</h1>
<h1>Second heading</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=" width="40" height="40">
<input type="text" name="nolabel">
<p class="faint">This text is too faint to read.</p>
<span class="field-error" id="orphan-error">This error belongs to no field.</span>
<table><tr><td>1</td><td>2</td></tr></table>
<div class="box">A short line of text</div>
<button class="nofocus">No focus ring</button>
<div class="wide">A box wider than a phone</div>
</body></html>`

// testCheckerCatchesBrokenPage shows that the checks fail: every rule the
// broken page breaks is reported, with the selector of the element.
func testCheckerCatchesBrokenPage(t *testing.T, e *env) {
	fixture := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(brokenPage))
	}))
	defer fixture.Close()
	p := e.newTab(t)
	ctx, cancel := context.WithTimeout(p.ctx, 30e9)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(fixture.URL)); err != nil {
		t.Fatal(err)
	}

	got := map[string]violation{}
	for _, v := range p.axeViolations() {
		got[v.ID] = v
	}
	for id, sel := range map[string]string{"image-alt": "img", "label": "input", "color-contrast": "[p]", "html-has-lang": "html"} {
		v, ok := got[id]
		if !ok {
			t.Errorf("axe did not report %s on the broken page; it reported %v", id, keys(got))
			continue
		}
		if v.HelpURL == "" || v.Impact == "" || len(v.Nodes) == 0 || !strings.Contains(v.String(), sel) {
			t.Errorf("the report of %s lacks the help URL, impact or selector %q:\n%s", id, sel, v)
		}
	}

	checks := []struct {
		name  string
		probs []string
		want  []string
	}{
		{"structure", p.structureProblems(), []string{
			"html has no lang attribute", "2 h1 elements, want exactly one", "0 banner landmarks",
			"0 contentinfo landmarks", "no navigation landmark", "0 main landmarks",
			`field input (name=nolabel) has no label`, `error message span#orphan-error.field-error`,
			"has no header cells (th)", "has no caption", "no working skip link"}},
		{"resize", p.resizeProblems(), []string{`text at 200%: text is clipped in div.box "A short line of text"`}},
		{"quick exit", p.quickExitProblems(), []string{
			`the quick-exit control is not first in tab order: a "A link before the quick exit" comes first`,
			`the quick-exit control is covered by div.banner`}},
		{"cover", eval[[]string](p, coverJS), []string{`a#quick-exit "Quick exit" is covered by div.banner`}},
	}
	for _, c := range checks {
		joined := strings.Join(c.probs, "\n")
		for _, w := range c.want {
			if !strings.Contains(joined, w) {
				t.Errorf("the %s check missed %q; it reported:\n%s", c.name, w, joined)
			}
		}
	}
	if prob := p.overflowProblem(phoneW, phoneH); !strings.Contains(prob, `div.wide "A box wider than a phone"`) {
		t.Errorf("the overflow check missed a box wider than a phone: %q", prob)
	}
	if prob := p.overflowProblem(viewportW, viewportH); prob != "" {
		t.Errorf("the overflow check reports a wide window that fits: %q", prob)
	}
	p.screenshot("broken fixture")

	for range 4 {
		if p.focused(".nofocus") {
			break
		}
		p.press(kb.Tab)
	}
	if !p.focused(".nofocus") {
		t.Fatalf("Tab did not reach the button; focus is on %s", p.activeDesc())
	}
	if prob := p.focusProblem(); !strings.Contains(prob, "outline none") {
		t.Errorf("the focus check missed a button with no focus indicator: %q", prob)
	}
	if prob := p.quickExitByShift(); !strings.Contains(prob, "Shift pressed 3 times did not leave the page") {
		t.Errorf("the Shift check missed a page whose Shift does nothing: %q", prob)
	}
}

func keys(m map[string]violation) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
