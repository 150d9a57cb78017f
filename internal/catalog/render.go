package catalog

import (
	"bytes"
	"regexp"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// md renders CommonMark plus tables. Raw HTML is not rendered (goldmark's
// default without html.WithUnsafe), so course files cannot inject markup.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
)

// RenderMarkdown turns lesson Markdown into safe HTML.
func RenderMarkdown(src []byte) (string, error) {
	var buf bytes.Buffer
	if err := md.Convert(src, &buf); err != nil {
		return "", err
	}
	return buf.String(), nil
}

var (
	mdLink   = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdMarker = regexp.MustCompile("(?m)^\\s{0,3}(#{1,6}|[-*+]|\\d+\\.|>)\\s+|[*_`|]+")
)

// stripMarkdown reduces Markdown to its words, for counting and reading level.
func stripMarkdown(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	return mdMarker.ReplaceAllString(s, " ")
}
