package e2e_test

import (
	"context"
	"strings"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/waymark/waymark/internal/web"
)

// quickExitJS checks the quick-exit control where the page has one: first
// in tab order, on screen and not covered by anything (elementFromPoint at
// its center is the control). A page with a content note must have one.
const quickExitJS = `(function(){ ` + describeJS + `
  const out = [];
  const qe = document.getElementById("quick-exit");
  if (!qe) {
    if (document.querySelector(".content-note")) out.push("the page has a content note but no quick-exit control");
    return out;
  }
  const focusable = 'a[href], area[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]';
  const all = [...document.querySelectorAll(focusable)].filter(e => e.tabIndex >= 0 && visible(e));
  const first = all.find(e => e.tabIndex > 0) || all[0];
  if (first !== qe) out.push("the quick-exit control is not first in tab order: " + (first ? desc(first) : "nothing") + " comes first");
  const r = qe.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) { out.push("the quick-exit control is not visible"); return out; }
  if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) out.push("the quick-exit control is off screen");
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (!hit || !(hit === qe || qe.contains(hit))) out.push("the quick-exit control is covered by " + (hit ? desc(hit) : "nothing on screen"));
  return out;
})()`

// quickExitProblems runs quickExitJS at the top of the page and again
// scrolled to the bottom (the control must stay reachable).
func (p *tab) quickExitProblems() []string {
	p.t.Helper()
	out := eval[[]string](p, quickExitJS)
	if len(out) == 0 && p.has("#quick-exit") {
		for _, s := range eval[[]string](p, `window.scrollTo(0, document.documentElement.scrollHeight), `+quickExitJS) {
			out = append(out, "scrolled to the bottom: "+s)
		}
		p.do(chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	}
	return out
}

// quickExitByEsc presses Esc and says what went wrong, or "": the page must
// be replaced by the neutral page (the browser has no network, so the tab
// serves a stub there) in the same history entry, so Back does not return
// to it.
func (p *tab) quickExitByEsc() string {
	p.t.Helper()
	before, err := p.history()
	if err != nil {
		return err.Error()
	}
	p.press(kb.Escape)
	deadline := time.Now().Add(5 * time.Second)
	for p.location() != web.QuickExitURL {
		if time.Now().After(deadline) {
			return "Esc did not leave the page: the location is still " + strings.TrimPrefix(p.location(), p.e.srv.URL)
		}
		time.Sleep(50 * time.Millisecond)
	}
	after, err := p.history()
	if err != nil {
		return err.Error()
	}
	if len(after.Entries) != len(before.Entries) || after.CurrentIndex != before.CurrentIndex {
		return "the quick exit added a history entry (Back returns to the page): use location.replace"
	}
	return ""
}

func (p *tab) history() (page.GetNavigationHistoryResult, error) {
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.NavigationEntries())
}
