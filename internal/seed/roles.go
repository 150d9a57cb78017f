// Package seed loads the YAML seed files (job roles, requirements matrix,
// demo data) and writes them into the database.
package seed

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"

	"gopkg.in/yaml.v3"
)

// Role is a job role.
type Role struct {
	Code   string `yaml:"code" db:"code"`
	Name   string `yaml:"name" db:"name"`
	Sector string `yaml:"sector" db:"sector"`
}

var roleCode = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// LoadRoles reads roles.yaml; errors name the file and line.
func LoadRoles(fsys fs.FS) ([]Role, error) {
	const file = "seeds/roles.yaml"
	b, err := fs.ReadFile(fsys, "roles.yaml")
	if err != nil {
		return nil, fmt.Errorf("seed: %s: %w", file, err)
	}
	var doc struct {
		Roles []yaml.Node `yaml:"roles"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("seed: %s: %w", file, err)
	}
	seen := map[string]bool{}
	out := make([]Role, 0, len(doc.Roles))
	for _, n := range doc.Roles {
		var r Role
		if err := decodeKnown(&n, &r); err != nil {
			return nil, fmt.Errorf("seed: %s:%d: %w", file, n.Line, err)
		}
		if !roleCode.MatchString(r.Code) || r.Name == "" || r.Sector == "" {
			return nil, fmt.Errorf("seed: %s:%d: a role needs a code (a-z, 0-9, -), a name and a sector", file, n.Line)
		}
		if seen[r.Code] {
			return nil, fmt.Errorf("seed: %s:%d: role %q is listed twice", file, n.Line, r.Code)
		}
		seen[r.Code] = true
		out = append(out, r)
	}
	return out, nil
}

// RoleSet returns the role codes as a set.
func RoleSet(roles []Role) map[string]bool {
	out := make(map[string]bool, len(roles))
	for _, r := range roles {
		out[r.Code] = true
	}
	return out
}

// decodeKnown decodes a node strictly (unknown keys are errors).
func decodeKnown(n *yaml.Node, v any) error {
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}
