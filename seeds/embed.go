// Package seeds embeds the job roles, the requirements matrix and the demo
// data definitions.
package seeds

import "embed"

// FS holds the seed YAML files.
//
//go:embed *.yaml
var FS embed.FS
