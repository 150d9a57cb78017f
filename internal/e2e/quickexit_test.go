package e2e_test

import (
	"context"
	"strings"
	"time"

	"github.com/chromedp/cdproto/emulation"
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

// quickExitByShift presses Shift three times and says what went wrong, or
// "": the page must be replaced by the neutral page (the browser has no
// network, so the tab serves a stub there) in the same history entry, so
// Back does not return to it.
func (p *tab) quickExitByShift() string {
	p.t.Helper()
	before, err := p.history()
	if err != nil {
		return err.Error()
	}
	p.press(kb.Shift + kb.Shift + kb.Shift)
	if prob := p.waitForNeutral("Shift pressed 3 times"); prob != "" {
		return prob
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

// waitForNeutral waits up to 5 s for the neutral page.
func (p *tab) waitForNeutral(what string) string {
	deadline := time.Now().Add(5 * time.Second)
	for p.location() != web.QuickExitURL {
		if time.Now().After(deadline) {
			return what + " did not leave the page: the location is still " + strings.TrimPrefix(p.location(), p.e.srv.URL)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return ""
}

// quickExitSparesTyping types into a field of the current page, pressing
// Esc and Shift three times as it goes, and says what went wrong, or "":
// the page must stay, with the text typed.
func (p *tab) quickExitSparesTyping(field string) string {
	p.t.Helper()
	here := p.location()
	p.do(chromedp.Focus(chromedp.CSS(field)))
	p.press("Notes " + kb.Escape + kb.Shift + kb.Shift + kb.Shift + "kept")
	time.Sleep(300 * time.Millisecond) // the exit, were it to fire, is immediate
	if loc := p.location(); loc != here {
		return "typing in " + field + " (Esc, Shift ×3) left the page for " + loc
	}
	if got := eval[string](p, `document.querySelector(`+jsString(field)+`).value`); !strings.Contains(got, "Notes") || !strings.HasSuffix(got, "kept") {
		return "typing in " + field + " lost the text: the field holds " + jsString(got)
	}
	return ""
}

// quickExitWithoutScripts turns off the page's scripts, reloads it and
// activates the visible quick-exit control: a plain link must still leave
// for the neutral page.
func (p *tab) quickExitWithoutScripts() string {
	p.t.Helper()
	p.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}), chromedp.Reload())
	defer p.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		return err
	}))
	p.do(chromedp.Click(chromedp.CSS("#quick-exit"), chromedp.NodeVisible))
	return p.waitForNeutral("the quick-exit link without scripts")
}

func (p *tab) history() (page.GetNavigationHistoryResult, error) {
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.NavigationEntries())
}
