// Package courses embeds the curriculum folders so the binary carries them;
// COURSES_DIR points the app at a folder on disk instead.
package courses

import "embed"

// FS holds one folder per course.
//
//go:embed *
var FS embed.FS
