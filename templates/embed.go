// Package templates embeds the HTML page templates, the email templates and
// the static assets (one stylesheet, small scripts).
package templates

import "embed"

// FS holds layouts/, partials/, pages/, email/ and static/.
//
//go:embed layouts partials pages static email
var FS embed.FS
