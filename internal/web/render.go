package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/helplines"
)

// Page is what every template receives: the common parts every page needs
// and the page's own Data.
type Page struct {
	Title     string
	Viewer    *Viewer
	CSRF      string
	Flash     string
	QuickExit bool
	Lang      string
	// NotEnglish is set by render when the page's language is not English:
	// the site's own header, footer and links then say lang="en".
	NotEnglish bool
	Data       any
}

// Templates holds one parsed template set per page, checked at start-up,
// and the layouts and partials alone for fragments rendered on their own.
type Templates struct {
	pages     map[string]*template.Template
	fragments *template.Template
}

// staticPartials are the partials that show the same for every visitor
// (they use no data): each is executed once at start-up and pages include
// the result with {{static "name"}}, so a page pays one action for them.
var staticPartials = []string{"helplines", "content-note", "content-note-short"}

// QuickExitURL is the neutral page the quick exit replaces the page with: a
// plain link to it works without any script.
const QuickExitURL = "https://www.weather.gov/"

// ParseTemplates parses layouts and partials once, then each page on top of
// a clone, so every page defines its own "title" and "content".
func ParseTemplates(fsys fs.FS, funcs template.FuncMap) (*Templates, error) {
	static := map[string]template.HTML{}
	base := template.New("base").Funcs(baseFuncs()).Funcs(funcs).Funcs(template.FuncMap{
		"static": func(name string) (template.HTML, error) {
			if h, ok := static[name]; ok {
				return h, nil
			}
			return "", fmt.Errorf("web: %q is not a static partial", name)
		},
		// quickExit is the quick-exit bar in the page's language (see
		// renderQuickExits).
		"quickExit": func(lang string) template.HTML {
			if h, ok := static["quick-exit:"+lang]; ok {
				return h
			}
			if lang == "" {
				return static["quick-exit:en"]
			}
			return static["quick-exit:other"]
		},
	})
	for _, pattern := range []string{"layouts/*.html", "partials/*.html"} {
		if _, err := base.ParseFS(fsys, pattern); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", pattern, err)
		}
	}
	for _, name := range staticPartials {
		if base.Lookup(name) == nil {
			continue
		}
		h, err := executeClone(base, name, nil)
		if err != nil {
			return nil, err
		}
		static[name] = h
	}
	fragments, err := base.Clone()
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "pages/*.html")
	if err != nil {
		return nil, err
	}
	t := &Templates{pages: map[string]*template.Template{}, fragments: fragments}
	if err := renderQuickExits(t, static); err != nil {
		return nil, err
	}
	for _, name := range names {
		clone, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := clone.ParseFS(fsys, name); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", name, err)
		}
		t.pages[strings.TrimSuffix(path.Base(name), ".html")] = clone
	}
	return t, nil
}

// executeClone executes one template of a clone of set (an executed set
// can no longer be cloned) into HTML.
func executeClone(set *template.Template, name string, data any) (template.HTML, error) {
	c, err := set.Clone()
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := c.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("web: render %s: %w", name, err)
	}
	return template.HTML(buf.String()), nil
}

// Fragment executes one partial on its own (a part of a page that is
// rendered apart, e.g. to be cached).
func (t *Templates) Fragment(name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := t.fragments.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("web: render %s: %w", name, err)
	}
	return template.HTML(buf.String()), nil
}

// Has reports whether a page template exists.
func (t *Templates) Has(name string) bool { return t.pages[name] != nil }

func baseFuncs() template.FuncMap {
	return template.FuncMap{
		"helplines":    helplineViews,
		"quickExitURL": func() string { return QuickExitURL },
		"safeHTML":     func(s string) template.HTML { return template.HTML(s) }, // only for catalog HTML rendered by goldmark without raw HTML
		"date": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				if v.IsZero() {
					return ""
				}
				return v.Format("Jan 2, 2006")
			case *time.Time:
				if v == nil {
					return ""
				}
				return v.Format("Jan 2, 2006")
			}
			return ""
		},
		"isoDate": func(t time.Time) string { return t.Format("2006-01-02") },
		"add":     func(a, b int) int { return a + b },
		"pct": func(n, d int) string {
			if d == 0 {
				return "—"
			}
			return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(d))
		},
	}
}

// helplineView is a help line with its link marked safe for href (tel: and
// sms: are not in html/template's default allow-list).
type helplineView struct {
	helplines.Line
	Link template.URL
}

func helplineViews() []helplineView {
	out := make([]helplineView, len(helplines.All))
	for i, l := range helplines.All {
		out[i] = helplineView{Line: l, Link: template.URL(l.Href)}
	}
	return out
}

// render executes a page into a buffer first, so a template error becomes
// a clean 500 and never half a page.
func (a *App) render(c *fiber.Ctx, status int, name string, p Page) error {
	t := a.tmpl.pages[name]
	if t == nil {
		return fmt.Errorf("web: no page template %q", name)
	}
	if err := checkPageData(name, p.Data); err != nil {
		return err
	}
	p.Viewer = viewerOf(c)
	p.CSRF = a.csrfToken(c)
	p.NotEnglish = p.Lang != "" && p.Lang != "en"
	if p.Flash == "" {
		p.Flash = a.takeFlash(c)
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	buf.Reset()
	if err := t.ExecuteTemplate(buf, "base", p); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	c.Status(status)
	c.Type("html", "utf-8")
	c.Response().SetBody(buf.Bytes()) // copies: the buffer goes back to the pool
	return nil
}

// pageBuffers keeps render's buffers: a page grown from an empty buffer
// cost a dozen allocations and copies.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putPageBuffer returns a buffer to the pool unless an unusually large
// page grew it.
func putPageBuffer(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 {
		pageBuffers.Put(b)
	}
}
