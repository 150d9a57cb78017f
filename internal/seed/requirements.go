package seed

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/waymark/waymark/internal/catalog"
)

// Requirement is one job role × course pair of the default matrix.
type Requirement struct {
	Role          string
	Course        string
	DueDays       int
	RenewalMonths *int // nil: the course's own renewal period
	Optional      bool
	Line          int // where the course entry is in requirements.yaml
}

// MaxDueDays bounds due_days (ten years).
const MaxDueDays = 3650

type reqCourse struct {
	Course        string `yaml:"course"`
	DueDays       *int   `yaml:"due_days"`
	RenewalMonths *int   `yaml:"renewal_months"`
	Optional      bool   `yaml:"optional"`
}

// LoadRequirements reads requirements.yaml and checks it against the job
// roles and the catalog: every role exists, every course exists, is a
// training course and lists the role among its audiences, numbers are in
// range and no pair is listed twice. Every problem is reported with its
// file and line.
func LoadRequirements(fsys fs.FS, roles map[string]bool, cat *catalog.Catalog) ([]Requirement, error) {
	const file = "seeds/requirements.yaml"
	b, err := fs.ReadFile(fsys, "requirements.yaml")
	if err != nil {
		return nil, fmt.Errorf("seed: %s: %w", file, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("seed: %s: %w", file, err)
	}
	var errs []error
	bad := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("seed: %s:%d: %s", file, line, fmt.Sprintf(format, args...)))
	}
	entries := mappingValue(&root, "requirements")
	if entries == nil || entries.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("seed: %s:1: expected a list under \"requirements:\"", file)
	}
	var out []Requirement
	seen := map[[2]string]int{}
	for _, entry := range entries.Content {
		if entry.Kind != yaml.MappingNode {
			bad(entry.Line, "each entry needs roles: [...] and courses: [...]")
			continue
		}
		for i := 0; i+1 < len(entry.Content); i += 2 {
			if k := entry.Content[i].Value; k != "roles" && k != "courses" {
				bad(entry.Content[i].Line, "unknown key %q (expected roles and courses)", k)
			}
		}
		roleNodes, courseNodes := mappingValue(entry, "roles"), mappingValue(entry, "courses")
		if roleNodes == nil || roleNodes.Kind != yaml.SequenceNode || len(roleNodes.Content) == 0 {
			bad(entry.Line, "the entry needs a list of roles")
			continue
		}
		if courseNodes == nil || courseNodes.Kind != yaml.SequenceNode || len(courseNodes.Content) == 0 {
			bad(entry.Line, "the entry needs a list of courses")
			continue
		}
		for _, cn := range courseNodes.Content {
			rc, ok := parseReqCourse(cn, cat, bad)
			if !ok {
				continue
			}
			course := cat.Get(rc.Course)
			for _, rn := range roleNodes.Content {
				role := rn.Value
				if rn.Kind != yaml.ScalarNode || !roles[role] {
					bad(rn.Line, "unknown job role %q (see seeds/roles.yaml)", role)
					continue
				}
				if !course.HasAudience(role) {
					bad(cn.Line, "role %q is not among the audiences of %q (courses/%s/course.yaml)", role, rc.Course, rc.Course)
					continue
				}
				key := [2]string{role, rc.Course}
				if prev, dup := seen[key]; dup {
					bad(cn.Line, "role %q and course %q are already paired at line %d", role, rc.Course, prev)
					continue
				}
				seen[key] = cn.Line
				out = append(out, Requirement{Role: role, Course: rc.Course, DueDays: *rc.DueDays,
					RenewalMonths: rc.RenewalMonths, Optional: rc.Optional, Line: cn.Line})
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// parseReqCourse decodes and checks one course entry.
func parseReqCourse(n *yaml.Node, cat *catalog.Catalog, bad func(int, string, ...any)) (reqCourse, bool) {
	var rc reqCourse
	if err := decodeKnown(n, &rc); err != nil {
		bad(n.Line, "%s", friendlyYAML(err))
		return rc, false
	}
	ok := true
	course := cat.Get(rc.Course)
	switch {
	case rc.Course == "":
		bad(n.Line, "each course entry needs course: <slug>")
		ok = false
	case course == nil:
		bad(n.Line, "unknown course %q (no folder courses/%s)", rc.Course, rc.Course)
		ok = false
	case course.Kind != catalog.KindTraining:
		bad(n.Line, "%q is a prevention session guide, not a training course; it cannot be required", rc.Course)
		ok = false
	}
	if rc.DueDays == nil || *rc.DueDays < 1 || *rc.DueDays > MaxDueDays {
		bad(n.Line, "due_days must be a whole number from 1 to %d", MaxDueDays)
		ok = false
	}
	if rc.RenewalMonths != nil && (*rc.RenewalMonths < 0 || *rc.RenewalMonths > 120) {
		bad(n.Line, "renewal_months must be from 0 to 120, or left out for the course's own period")
		ok = false
	}
	return rc, ok
}

var (
	unknownField = regexp.MustCompile(`field (\S+) not found in type`)
	notNumber    = regexp.MustCompile("cannot unmarshal !!\\w+ `([^`]*)` into int")
)

// friendlyYAML rewrites yaml.v3's decoding errors in plain words.
func friendlyYAML(err error) string {
	msg := err.Error()
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("unknown key %q (expected course, due_days, renewal_months, optional)", m[1])
	}
	if m := notNumber.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%q is not a whole number", m[1])
	}
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// mappingValue returns the value of key in a mapping (or document) node.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
