package scim

import (
	"encoding/json"
	"slices"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// patchOp is one PATCH operation. Providers spell op in any case (Entra
// ID sends "Replace", "Add"); value is kept raw, since Entra sends
// booleans as strings.
type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// maxOperations bounds one PATCH request.
const maxOperations = 1000

func decodePatch(body []byte) ([]patchOp, error) {
	var d struct {
		Schemas    []string  `json:"schemas"`
		Operations []patchOp `json:"Operations"`
	}
	if err := decode(body, &d); err != nil {
		return nil, err
	}
	if !slices.Contains(d.Schemas, schemaPatch) {
		return nil, bad("invalidSyntax", "A PATCH request names the schema %s.", schemaPatch)
	}
	if len(d.Operations) == 0 {
		return nil, bad("invalidSyntax", "A PATCH request needs at least one operation.")
	}
	if len(d.Operations) > maxOperations {
		return nil, &Error{Status: 413, Type: "tooMany", Detail: "A PATCH request holds at most 1,000 operations."}
	}
	for i := range d.Operations {
		op := &d.Operations[i]
		op.Op = strings.ToLower(strings.TrimSpace(op.Op))
		switch op.Op {
		case "add", "replace", "remove":
		default:
			return nil, bad("invalidSyntax", "Unknown PATCH op %q.", op.Op)
		}
		if op.Op != "remove" && len(op.Value) == 0 {
			return nil, bad("invalidValue", "The %s operation needs a value.", op.Op)
		}
		if op.Path == "" && op.Op == "remove" {
			return nil, bad("noTarget", "A remove operation needs a path.")
		}
	}
	return d.Operations, nil
}

// parsePath reads a PATCH path; an unreadable one is invalidPath.
func parsePath(raw string) (filter.Path, error) {
	p, err := filter.ParsePath([]byte(raw))
	if err != nil {
		return p, bad("invalidPath", "The path %q could not be parsed: %v", raw, err)
	}
	return p, nil
}

// patchUser applies the operations to the state, in order.
func patchUser(st userState, ops []patchOp) (userState, error) {
	for _, op := range ops {
		if op.Path == "" {
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(op.Value, &obj); err != nil {
				return st, bad("invalidValue", "An operation without a path takes an object value.")
			}
			if err := patchUserObject(&st, "", obj); err != nil {
				return st, err
			}
			continue
		}
		p, err := parsePath(op.Path)
		if err != nil {
			return st, err
		}
		key := pathKey(p.AttributePath)
		if p.ValueExpression != nil { // emails[type eq "work"].value
			key = key + "." + strings.ToLower(p.SubAttributeName())
			key = strings.TrimSuffix(key, ".")
		}
		var val json.RawMessage
		if op.Op != "remove" {
			val = op.Value
		}
		if err := patchUserAttr(&st, key, val); err != nil {
			return st, err
		}
	}
	return st, nil
}

// patchUserObject applies {attribute: value} pairs; an extension's URN
// holds an object of its own attributes.
func patchUserObject(st *userState, prefix string, obj map[string]json.RawMessage) error {
	for k, v := range obj {
		switch lk := strings.ToLower(k); lk {
		case strings.ToLower(SchemaEnterprise), strings.ToLower(SchemaWaymark):
			var inner map[string]json.RawMessage
			if err := json.Unmarshal(v, &inner); err != nil {
				return bad("invalidValue", "%s takes an object.", k)
			}
			p := "enterprise."
			if lk == strings.ToLower(SchemaWaymark) {
				p = "waymark."
			}
			if err := patchUserObject(st, p, inner); err != nil {
				return err
			}
			continue
		}
		key := strings.ToLower(k)
		if prefix == "" {
			p, err := parsePath(k)
			if err != nil {
				return err
			}
			key = pathKey(p.AttributePath)
		} else {
			key = prefix + key
		}
		if err := patchUserAttr(st, key, v); err != nil {
			return err
		}
	}
	return nil
}

// patchUserAttr sets (val nil: removes) one attribute. Attributes Waymark
// does not keep are ignored, as for a full document.
func patchUserAttr(st *userState, key string, val json.RawMessage) error {
	str := func() (string, error) {
		if val == nil {
			return "", nil
		}
		var s string
		if err := json.Unmarshal(val, &s); err != nil {
			return "", bad("invalidValue", "%s takes a string.", key)
		}
		return strings.TrimSpace(s), nil
	}
	var err error
	switch key {
	case "active":
		if val == nil {
			return bad("invalidValue", "active cannot be removed.")
		}
		st.Active, err = parseBool(val)
	case "username":
		if st.UserName, err = str(); err == nil && st.UserName == "" {
			err = bad("invalidValue", "userName is required.")
		}
	case "externalid":
		st.ExternalID, err = str()
	case "displayname", "name.formatted":
		st.Formatted, err = str()
	case "name.givenname":
		st.GivenName, err = str()
	case "name.familyname":
		st.FamilyName, err = str()
	case "name":
		var n name
		if val != nil {
			if json.Unmarshal(val, &n) != nil {
				return bad("invalidValue", "name takes an object.")
			}
		}
		st.GivenName, st.FamilyName = n.GivenName, n.FamilyName
		if n.Formatted != "" {
			st.Formatted = n.Formatted
		}
	case "emails", "emails.value":
		err = patchEmail(st, val)
	case "enterprise.department", "enterprise.organization", "waymark.organizationcode":
		st.OrgCode, err = str()
	case "id", "meta", "groups":
		return bad("mutability", "%s is read-only.", key)
	}
	return err
}

// patchEmail sets the address from a string or a list of emails.
func patchEmail(st *userState, val json.RawMessage) error {
	if val == nil {
		return bad("invalidValue", "A person needs an email address.")
	}
	var s string
	if json.Unmarshal(val, &s) == nil {
		st.Email = strings.TrimSpace(s)
		return nil
	}
	var es []email
	if err := json.Unmarshal(val, &es); err != nil {
		var one email
		if json.Unmarshal(val, &one) != nil {
			return bad("invalidValue", "emails takes a list of emails.")
		}
		es = []email{one}
	}
	if e := primaryEmail(es); e != "" {
		st.Email = e
	}
	return nil
}

// emailsValuePath is a filter in brackets on emails: emails[type eq
// "work" and value eq "…"]. Only value narrows (Waymark keeps one work
// address); type and primary match it.
func emailsValuePath(key string, inner filter.Expression, f *sqlFilter) (string, error) {
	if key != "emails" {
		return "", bad("invalidFilter", "Filtering on %s[…] is not supported.", key)
	}
	sub := &sqlFilter{first: f.first + len(f.args), resolve: func(k string) (attr, bool) {
		switch k {
		case "value":
			return attr{col: "u.email", kind: textCI}, true
		case "type":
			return attr{col: "'work'", kind: textCI}, true
		case "primary":
			return attr{col: "true", kind: boolKind}, true
		}
		return attr{}, false
	}}
	cond, err := sub.expr(inner, 1)
	f.args = append(f.args, sub.args...)
	return cond, err
}
