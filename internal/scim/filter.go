package scim

import (
	"fmt"
	"strconv"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// A filter (RFC 7644 §3.4.2.2) becomes one SQL condition with its values
// as placeholders: the parser (github.com/scim2/filter-parser) reads the
// grammar, and each resource says what its attributes are in SQL. An
// attribute it does not know, or an operator its type does not take, is
// invalidFilter.

// attrKind is how an attribute compares.
type attrKind int

const (
	textCI    attrKind = iota // case-insensitive string (userName, emails, displayName…)
	textExact                 // case-exact string (externalId)
	idKind                    // a numeric id sent as a string
	boolKind
)

// attr is an attribute's SQL: a column expression, or for an equality
// with a fast indexed form, eq (which gets the placeholder).
type attr struct {
	col  string
	kind attrKind
	eq   func(ph string) string
}

// sqlFilter collects the placeholders' values after the first n.
type sqlFilter struct {
	args    []any
	first   int
	resolve func(key string) (attr, bool)
	// valuePath resolves a filter in brackets (emails[…], members[…]).
	valuePath func(key string, inner filter.Expression, f *sqlFilter) (string, error)
}

func (f *sqlFilter) arg(v any) string {
	f.args = append(f.args, v)
	return "$" + strconv.Itoa(f.first+len(f.args))
}

// compile parses raw and returns the SQL condition ("true" when empty).
func (f *sqlFilter) compile(raw string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "true", nil
	}
	if len(raw) > 2000 {
		return "", bad("invalidFilter", "The filter is longer than 2,000 characters.")
	}
	expr, err := filter.ParseFilter([]byte(raw))
	if err != nil {
		return "", bad("invalidFilter", "The filter could not be parsed: %v", err)
	}
	return f.expr(expr, 0)
}

func (f *sqlFilter) expr(e filter.Expression, depth int) (string, error) {
	if depth > 20 {
		return "", bad("invalidFilter", "The filter nests too deeply.")
	}
	switch e := e.(type) {
	case *filter.LogicalExpression:
		l, err := f.expr(e.Left, depth+1)
		if err != nil {
			return "", err
		}
		r, err := f.expr(e.Right, depth+1)
		if err != nil {
			return "", err
		}
		op := "AND"
		if e.Operator == filter.OR {
			op = "OR"
		}
		return "(" + l + " " + op + " " + r + ")", nil
	case *filter.NotExpression:
		in, err := f.expr(e.Expression, depth+1)
		if err != nil {
			return "", err
		}
		return "NOT " + in, nil
	case *filter.ValuePath:
		if f.valuePath == nil {
			return "", bad("invalidFilter", "Unsupported filter on %s.", e.AttributePath)
		}
		return f.valuePath(pathKey(e.AttributePath), e.ValueFilter, f)
	case *filter.AttributeExpression:
		return f.compare(e)
	}
	return "", bad("invalidFilter", "Unsupported filter expression.")
}

// pathKey is an attribute path in lower case without the core schema URN:
// "username", "emails.value", "enterprise.department".
func pathKey(p filter.AttributePath) string {
	k := strings.ToLower(p.AttributeName)
	switch uri := strings.ToLower(p.URI()); uri {
	case "", strings.ToLower(SchemaUser), strings.ToLower(SchemaGroup):
	case strings.ToLower(SchemaEnterprise):
		k = "enterprise." + k
	case strings.ToLower(SchemaWaymark):
		k = "waymark." + k
	default:
		k = uri + ":" + k
	}
	if p.SubAttribute != nil {
		k += "." + strings.ToLower(*p.SubAttribute)
	}
	return k
}

func (f *sqlFilter) compare(e *filter.AttributeExpression) (string, error) {
	key := pathKey(e.AttributePath)
	a, ok := f.resolve(key)
	if !ok {
		return "", bad("invalidFilter", "Filtering on %s is not supported.", e.AttributePath)
	}
	if e.Operator == filter.PR {
		if a.kind == textCI || a.kind == textExact {
			return "(" + a.col + " <> '')", nil
		}
		return "true", nil
	}
	switch a.kind {
	case boolKind:
		b, ok := e.CompareValue.(bool)
		if !ok || (e.Operator != filter.EQ && e.Operator != filter.NE) {
			return "", bad("invalidFilter", "%s takes eq or ne with true or false.", e.AttributePath)
		}
		if e.Operator == filter.NE {
			b = !b
		}
		return "(" + a.col + " = " + f.arg(b) + ")", nil
	case idKind:
		s, ok := e.CompareValue.(string)
		if !ok || (e.Operator != filter.EQ && e.Operator != filter.NE) {
			return "", bad("invalidFilter", "%s takes eq or ne with a string.", e.AttributePath)
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return map[bool]string{true: "false", false: "true"}[e.Operator == filter.EQ], nil
		}
		op := "="
		if e.Operator == filter.NE {
			op = "<>"
		}
		return "(" + a.col + " " + op + " " + f.arg(id) + ")", nil
	}
	s, ok := e.CompareValue.(string)
	if !ok {
		return "", bad("invalidFilter", "%s takes a string value.", e.AttributePath)
	}
	col, val := a.col, s
	if a.kind == textCI {
		col, val = "lower("+a.col+")", strings.ToLower(s)
	}
	like := func(pattern string) string {
		return "(" + col + " LIKE " + f.arg(fmt.Sprintf(pattern, likeEscape(val))) + ")"
	}
	switch e.Operator {
	case filter.EQ:
		if a.eq != nil {
			return a.eq(f.arg(val)), nil
		}
		return "(" + col + " = " + f.arg(val) + ")", nil
	case filter.NE:
		return "(" + col + " <> " + f.arg(val) + ")", nil
	case filter.CO:
		return like("%%%s%%"), nil
	case filter.SW:
		return like("%s%%"), nil
	case filter.EW:
		return like("%%%s"), nil
	}
	return "", bad("invalidFilter", "The operator %s is not supported on %s.", e.Operator, e.AttributePath)
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
