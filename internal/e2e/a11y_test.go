package e2e_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeTags are the rule sets every page must pass: WCAG 2.0 and 2.1, A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// loadAxe reads the pinned axe-core that `make axe` fetched.
func loadAxe(t *testing.T) string {
	t.Helper()
	path := os.Getenv("WAYMARK_AXE_JS")
	if path == "" {
		path = filepath.Join("..", "..", ".data", "axe", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		requireOrSkip(t, "axe-core is missing (run `make axe`): %v", err)
	}
	if !strings.Contains(string(b[:min(len(b), 200)]), "axe v") {
		t.Fatalf("%s is not axe-core", path)
	}
	return string(b)
}

// violation is one failed axe rule with the elements that fail it.
type violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

func (v violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s (%s): %s\n    %s\n", v.ID, v.Impact, v.Help, v.HelpURL)
	for i, n := range v.Nodes {
		if i == 8 {
			fmt.Fprintf(&b, "    … and %d more elements\n", len(v.Nodes)-i)
			break
		}
		fmt.Fprintf(&b, "    at %v: %s\n", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
	}
	return b.String()
}

// axeViolations injects axe-core through DevTools (the page's CSP, which
// forbids inline scripts, does not apply to DevTools evaluation) and runs
// the WCAG 2.1 A and AA rules on the current page.
func (p *tab) axeViolations() []violation {
	p.t.Helper()
	if !eval[bool](p, `typeof window.axe === "object"`) {
		p.do(chromedp.Evaluate[chromedp.Void](p.e.axeJS))
	}
	tags := `["` + strings.Join(axeTags, `","`) + `"]`
	return eval[[]violation](p, `axe.run(document, {runOnly: {type: "tag", values: `+tags+`}, resultTypes: ["violations"]})
	  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
	    nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary}))})))`)
}

// describeJS names an element in messages: tag#id.class "text".
const describeJS = `function desc(e){ let s=e.tagName.toLowerCase(); if(e.id) s+="#"+e.id;
  if(typeof e.className==="string" && e.className.trim()) s+="."+e.className.trim().split(/\s+/).join(".");
  const t=(e.innerText||e.value||"").trim().replace(/\s+/g," ").slice(0,40); return t? s+" "+JSON.stringify(t) : s; }
  function visible(e){ return !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length); }`

// structureJS checks what axe does not check as strictly: one h1, the four
// landmarks, labels on every field, error messages tied to their fields,
// tables with headers and captions, and the page language.
const structureJS = `(function(){ ` + describeJS + `
  const out = [];
  const lang = document.documentElement.getAttribute("lang");
  if (!lang || !lang.trim()) out.push("html has no lang attribute");
  const h1 = document.querySelectorAll("h1");
  if (h1.length !== 1) out.push(h1.length + " h1 elements, want exactly one");
  const top = sel => [...document.querySelectorAll(sel)].filter(e => e.getAttribute("role") || !e.parentElement.closest("article, aside, main, nav, section"));
  const banner = top("header, [role=banner]"), footer = top("footer, [role=contentinfo]");
  if (banner.length !== 1) out.push(banner.length + " banner landmarks (header), want one");
  if (footer.length !== 1) out.push(footer.length + " contentinfo landmarks (footer), want one");
  if (document.querySelectorAll("nav, [role=navigation]").length < 1) out.push("no navigation landmark (nav)");
  const mains = document.querySelectorAll("main, [role=main]");
  if (mains.length !== 1) out.push(mains.length + " main landmarks, want one");
  const textOf = id => { const e = id && document.getElementById(id); return e ? e.textContent.trim() : ""; };
  for (const f of document.querySelectorAll("input, select, textarea")) {
    const type = (f.getAttribute("type") || "").toLowerCase();
    if (["hidden", "submit", "button", "reset", "image"].includes(type)) continue;
    const labelled = (f.labels && [...f.labels].some(l => l.textContent.trim())) ||
      (f.getAttribute("aria-label") || "").trim() ||
      (f.getAttribute("aria-labelledby") || "").split(/\s+/).some(textOf);
    if (!labelled) out.push("field " + desc(f) + " (name=" + f.name + ") has no label");
    const described = (f.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    for (const id of described) if (!document.getElementById(id)) out.push("field " + desc(f) + " aria-describedby names a missing element #" + id);
    if (f.getAttribute("aria-invalid") === "true" && !described.some(textOf)) out.push("invalid field " + desc(f) + " has no error message tied with aria-describedby");
  }
  for (const e of document.querySelectorAll(".field-error")) {
    if (!e.id || !document.querySelector("[aria-describedby~=\"" + CSS.escape(e.id) + "\"]")) out.push("error message " + desc(e) + " is not tied to a field (aria-describedby)");
  }
  for (const t of document.querySelectorAll("table")) {
    if (!t.querySelector("th")) out.push("table " + desc(t) + " has no header cells (th)");
    const named = (t.caption && t.caption.textContent.trim()) || (t.getAttribute("aria-label") || "").trim() || (t.getAttribute("aria-labelledby") || "").split(/\s+/).some(textOf);
    if (!named) out.push("table " + desc(t) + " has no caption");
  }
  const skip = document.querySelector("a.skip-link");
  if (!skip || !document.querySelector(skip.getAttribute("href"))) out.push("no working skip link to the main content");
  return out;
})()`

// resizeJS finds what is lost when text is larger: the page scrolling
// sideways, text clipped by a box with overflow hidden, or text pushed off
// the screen.
const resizeJS = `(function(){ ` + describeJS + `
  const out = [];
  const de = document.documentElement;
  if (de.scrollWidth > de.clientWidth + 1) {
    const wide = [...document.querySelectorAll("body *")].filter(e => visible(e) && e.getBoundingClientRect().right > de.clientWidth + 1 &&
      !(e.parentElement && e.parentElement.getBoundingClientRect().right > de.clientWidth + 1) && !e.closest(".skip-link, .visually-hidden"));
    // Data tables may scroll in two directions (WCAG 1.4.10's exception).
    if (!wide.every(e => e.tagName === "TABLE")) out.push("the page scrolls sideways: " + de.scrollWidth + "px of content in a " + de.clientWidth + "px window; too wide: " +
      wide.slice(0, 3).map(e => desc(e) + " (" + Math.round(e.getBoundingClientRect().width) + "px)").join(", "));
  }
  for (const e of document.querySelectorAll("body *")) {
    if (!visible(e) || e.closest(".visually-hidden, .skip-link, .table-scroll, script, style, svg")) continue;
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own && !(e.textContent || "").trim()) continue;
    const s = getComputedStyle(e);
    const clipX = ["hidden", "clip"].includes(s.overflowX), clipY = ["hidden", "clip"].includes(s.overflowY);
    if ((clipX && e.scrollWidth > e.clientWidth + 1) || (clipY && e.scrollHeight > e.clientHeight + 1)) out.push("text is clipped in " + desc(e));
    if (own) { const r = e.getBoundingClientRect(); if (r.right > de.clientWidth + 1 || r.left < -1) out.push("text runs off the screen in " + desc(e)); }
    if (out.length > 12) break;
  }
  return out;
})()`

// coverJS finds controls that something else covers at the top of the
// page (a fixed bar or banner over a link, say): elementFromPoint at the
// center of each visible control in the window must be the control.
const coverJS = `(function(){ ` + describeJS + `
  const out = [];
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  for (const e of document.querySelectorAll(sel)) {
    if (!visible(e) || e.closest(".skip-link, .visually-hidden")) continue;
    const r = e.getClientRects()[0]; // the first line of a link that wraps
    if (!r) continue;
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (r.width === 0 || x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
    const hit = document.elementFromPoint(x, y);
    if (hit && hit !== e && !e.contains(hit) && !(e.labels && [...e.labels].some(l => l.contains(hit)))) out.push(desc(e) + " is covered by " + desc(hit));
    if (out.length > 8) break;
  }
  return out;
})()`

// structureProblems runs structureJS on the current page.
func (p *tab) structureProblems() []string { return eval[[]string](p, structureJS) }

// resizeProblems checks the page with text at 200%: first the default font
// size doubled (text-only zoom), then the layout of a window half as wide
// (a 200% page zoom of this window). It restores both.
func (p *tab) resizeProblems() []string {
	p.t.Helper()
	var out []string
	p.setFontSize(32)
	if got := eval[string](p, `getComputedStyle(document.body).fontSize`); got != "32px" {
		out = append(out, "the body text did not grow to 32px with the default font size at 200% (it is "+got+"): sizes must be relative")
	}
	for _, s := range eval[[]string](p, resizeJS) {
		out = append(out, "text at 200%: "+s)
	}
	for _, s := range append(eval[[]string](p, quickExitJS), eval[[]string](p, coverJS)...) {
		out = append(out, "text at 200%: "+s)
	}
	p.setFontSize(16)
	p.do(chromedp.EmulateViewport(viewportW/2, viewportH/2))
	for _, s := range append(append(eval[[]string](p, resizeJS), eval[[]string](p, quickExitJS)...), eval[[]string](p, coverJS)...) {
		out = append(out, "page zoom 200% ("+fmt.Sprint(viewportW/2)+"px wide): "+s)
	}
	p.setViewport(viewportW, viewportH)
	return out
}

// signatureJS is the route (numbers as :n) and the shape of the page: the
// tag, id, class and type of every element in the body, in order.
const signatureJS = `(function(){ let h = 0;
  const route = location.pathname.replace(/\/\d+(?=\/|$)/g, "/:n") + location.search.replace(/=[^&]*/g, "");
  for (const e of document.body.querySelectorAll("*")) {
    const s = e.tagName + "#" + e.id + "." + e.className + ":" + (e.getAttribute("type") || "");
    for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  }
  return route + " " + h; })()`

// widths are the windows every visited page is checked in: a wide screen
// and a phone. A flow acts in its tab's own window (wide unless it says
// otherwise); each check moves to every width and back.
var widths = []struct{ w, h int64 }{{viewportW, viewportH}, {phoneW, phoneH}}

// phoneW × phoneH is a phone held upright (390 px, as a current iPhone);
// narrowW is the narrowest phone a page must fit, checked for sideways
// scrolling only.
const phoneW, phoneH, narrowW = 390, 844, 320

// overflowJS says why the page scrolls sideways, or "": the document must
// not be wider than the window (a wide table scrolls in its own box). It
// names the outermost elements that stick out.
const overflowJS = `(function(){ ` + describeJS + `
  const de = document.documentElement;
  if (de.scrollWidth <= window.innerWidth) return "";
  const wide = [...document.querySelectorAll("body *")].filter(e => visible(e) && e.getBoundingClientRect().right > innerWidth + 1 &&
    !(e.parentElement && e.parentElement.getBoundingClientRect().right > innerWidth + 1) && !e.closest(".skip-link"));
  return "the page scrolls sideways: " + de.scrollWidth + "px of content in a " + innerWidth + "px window; too wide: " +
    wide.slice(0, 4).map(e => desc(e) + " (" + Math.round(e.getBoundingClientRect().right) + "px)").join(", ");
})()`

// overflowProblem checks the current page for sideways scrolling at a
// width, then returns to the tab's own window.
func (p *tab) overflowProblem(w, h int64) string {
	p.t.Helper()
	p.setViewport(w, h)
	defer p.setViewport(p.size())
	return eval[string](p, overflowJS)
}

// size is the tab's own window.
func (p *tab) size() (int64, int64) {
	if p.w == 0 {
		return viewportW, viewportH
	}
	return p.w, p.h
}

// useWidth makes the tab act in a window of this size from now on (a
// phone, say): the checks of every page return to it.
func (p *tab) useWidth(w, h int64) {
	p.t.Helper()
	p.w, p.h = w, h
	p.setViewport(w, h)
}

func (p *tab) setViewport(w, h int64) {
	p.t.Helper()
	p.do(chromedp.EmulateViewport(w, h))
}

// checkPage runs every accessibility check on the current page and reports
// each problem as a test error that names the page. Every visit is checked
// for sideways scrolling at every width; a page of a new shape also gets
// axe-core and the quick-exit check at every width and the structure,
// cover and resize checks once.
func (p *tab) checkPage() {
	p.t.Helper()
	path := p.path()
	p.visited = append(p.visited, path)
	// A page already checked in the same shape (same route, same
	// elements, text aside) is not checked again.
	fresh := p.e.visit(path, eval[string](p, signatureJS))
	defer p.setViewport(p.size())
	p.setViewport(narrowW, phoneH)
	if prob := eval[string](p, overflowJS); prob != "" {
		p.t.Errorf("overflow on %s at %dpx: %s", path, narrowW, prob)
	}
	for i, size := range widths {
		p.setViewport(size.w, size.h)
		at := fmt.Sprintf("%s at %dpx", path, size.w)
		if prob := eval[string](p, overflowJS); prob != "" {
			p.t.Errorf("overflow on %s: %s", at, prob)
		}
		if !fresh {
			continue
		}
		if vs := p.axeViolations(); len(vs) > 0 {
			var b strings.Builder
			for _, v := range vs {
				b.WriteString(v.String())
			}
			p.t.Errorf("axe-core: %d WCAG 2.1 A/AA rule(s) fail on %s:\n%s", len(vs), at, b.String())
		}
		if probs := p.quickExitProblems(); len(probs) > 0 {
			p.t.Errorf("quick exit on %s:\n  %s", at, strings.Join(probs, "\n  "))
		}
		if i > 0 {
			continue
		}
		if probs := append(p.structureProblems(), eval[[]string](p, coverJS)...); len(probs) > 0 {
			p.t.Errorf("page structure on %s:\n  %s", path, strings.Join(probs, "\n  "))
		}
		if probs := p.resizeProblems(); len(probs) > 0 {
			p.t.Errorf("resizing on %s:\n  %s", path, strings.Join(probs, "\n  "))
		}
	}
}
