package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	texttemplate "text/template"

	"github.com/waymark/waymark/internal/helplines"
)

// Renderer renders email templates from templates/email: NAME.txt holds
// {{define "subject"}} and the plain-text body; NAME.html the HTML body.
// Both parts are parsed once, at start-up.
type Renderer struct {
	baseURL string
	text    map[string]*texttemplate.Template
	html    map[string]*htmltemplate.Template
}

// NewRenderer parses every email template under dir in fsys.
func NewRenderer(fsys fs.FS, dir, baseURL string) (*Renderer, error) {
	r := &Renderer{baseURL: strings.TrimRight(baseURL, "/"), text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	names, err := fs.Glob(fsys, dir+"/*.txt")
	if err != nil {
		return nil, err
	}
	funcs := map[string]any{"helplines": func() []helplines.Line { return helplines.All }}
	for _, path := range names {
		name := strings.TrimSuffix(path[len(dir)+1:], ".txt")
		t, err := texttemplate.New(name+".txt").Funcs(funcs).ParseFS(fsys, path)
		if err != nil {
			return nil, fmt.Errorf("mail: parse %s: %w", path, err)
		}
		if t.Lookup("subject") == nil {
			return nil, fmt.Errorf("mail: %s has no {{define \"subject\"}}", path)
		}
		h, err := htmltemplate.New(name+".html").Funcs(funcs).ParseFS(fsys, dir+"/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("mail: parse %s.html: %w", name, err)
		}
		r.text[name], r.html[name] = t, h
	}
	return r, nil
}

// BaseURL is the site's address without a trailing slash (for links built
// outside templates, such as List-Unsubscribe).
func (r *Renderer) BaseURL() string { return r.baseURL }

// Rendered is a message's subject and both parts.
type Rendered struct {
	Subject, Text, HTML string
}

// Render executes template name with data; templates see .Data, .BaseURL.
func (r *Renderer) Render(name string, data any) (Rendered, error) {
	t, h := r.text[name], r.html[name]
	if t == nil || h == nil {
		return Rendered{}, fmt.Errorf("mail: no template %q", name)
	}
	view := map[string]any{"Data": data, "BaseURL": r.baseURL}
	var subj, text, html bytes.Buffer
	if err := t.ExecuteTemplate(&subj, "subject", view); err != nil {
		return Rendered{}, fmt.Errorf("mail: %s subject: %w", name, err)
	}
	if err := t.Execute(&text, view); err != nil {
		return Rendered{}, fmt.Errorf("mail: %s text: %w", name, err)
	}
	if err := h.Execute(&html, view); err != nil {
		return Rendered{}, fmt.Errorf("mail: %s html: %w", name, err)
	}
	return Rendered{Subject: strings.TrimSpace(subj.String()), Text: strings.TrimSpace(text.String()) + "\n", HTML: html.String()}, nil
}

// Message builds a queueable message from a rendered template.
func (rd Rendered) Message(kind, key, to string) Message {
	return Message{DedupeKey: key, Kind: kind, To: to, Subject: rd.Subject, Text: rd.Text, HTML: rd.HTML}
}
