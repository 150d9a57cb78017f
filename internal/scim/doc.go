package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// flexBool is a SCIM boolean as providers send it: true/false, or the
// strings "True"/"False" (Microsoft Entra ID's PATCH values).
type flexBool bool

func (b *flexBool) UnmarshalJSON(raw []byte) error {
	v, err := parseBool(raw)
	*b = flexBool(v)
	return err
}

func parseBool(raw []byte) (bool, error) {
	var s string
	if len(raw) > 0 && raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return false, err
		}
	} else {
		s = string(raw)
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, bad("invalidValue", "%s is not a boolean", raw)
}

// name is the SCIM name complex attribute.
type name struct {
	Formatted  string `json:"formatted,omitempty"`
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

type email struct {
	Value   string   `json:"value"`
	Type    string   `json:"type,omitempty"`
	Primary flexBool `json:"primary,omitempty"`
}

type orgExt struct {
	Department   string `json:"department,omitempty"`
	Organization string `json:"organization,omitempty"`
}

type waymarkExt struct {
	OrganizationCode string `json:"organizationCode,omitempty"`
}

// userDoc is a User as a client sends it (attributes Waymark does not
// keep — title, phoneNumbers, addresses, password… — are ignored).
type userDoc struct {
	Schemas     []string    `json:"schemas"`
	ID          string      `json:"id,omitempty"`
	ExternalID  string      `json:"externalId"`
	UserName    string      `json:"userName"`
	Name        *name       `json:"name"`
	DisplayName string      `json:"displayName"`
	Emails      []email     `json:"emails"`
	Active      *flexBool   `json:"active"`
	Enterprise  *orgExt     `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`
	Waymark     *waymarkExt `json:"urn:ietf:params:scim:schemas:extension:waymark:2.0:User"`
}

// decode reads one JSON object strictly enough to answer invalidSyntax for
// what is not SCIM JSON: one object, nothing after it.
func decode(raw []byte, v any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return bad("invalidSyntax", "The body must be a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		var se *Error
		if errors.As(err, &se) {
			return se
		}
		return bad("invalidSyntax", "The body is not valid SCIM JSON: %v", err)
	}
	if dec.More() {
		return bad("invalidSyntax", "The body holds more than one JSON value.")
	}
	return nil
}

// userState is a person as SCIM sees them: what Waymark keeps.
type userState struct {
	ID         int64
	UserName   string
	ExternalID string
	GivenName  string
	FamilyName string
	Formatted  string // the display name
	Email      string
	Active     bool
	OrgCode    string
}

// fromDoc is the state a full User document (POST, PUT) describes.
func fromDoc(d userDoc) (userState, error) {
	st := userState{UserName: strings.TrimSpace(d.UserName), ExternalID: strings.TrimSpace(d.ExternalID), Active: true}
	if st.UserName == "" {
		return st, bad("invalidValue", "userName is required.")
	}
	if d.Active != nil {
		st.Active = bool(*d.Active)
	}
	if d.Name != nil {
		st.GivenName, st.FamilyName, st.Formatted = d.Name.GivenName, d.Name.FamilyName, d.Name.Formatted
	}
	if d.DisplayName != "" {
		st.Formatted = d.DisplayName
	}
	st.Email = primaryEmail(d.Emails)
	st.OrgCode = orgCodeOf(d.Enterprise, d.Waymark)
	return st, nil
}

func primaryEmail(es []email) string {
	for _, e := range es {
		if e.Primary {
			return strings.TrimSpace(e.Value)
		}
	}
	for _, e := range es {
		if strings.EqualFold(e.Type, "work") {
			return strings.TrimSpace(e.Value)
		}
	}
	if len(es) > 0 {
		return strings.TrimSpace(es[0].Value)
	}
	return ""
}

// orgCodeOf is the Waymark organization code a User carries: Waymark's
// own extension's organizationCode, else the enterprise extension's
// department, else its organization.
func orgCodeOf(e *orgExt, w *waymarkExt) string {
	switch {
	case w != nil && w.OrganizationCode != "":
		return w.OrganizationCode
	case e != nil && e.Department != "":
		return e.Department
	case e != nil:
		return e.Organization
	}
	return ""
}

// displayName is the person's name in Waymark.
func (st userState) displayName() string {
	if n := strings.TrimSpace(st.Formatted); n != "" {
		return n
	}
	if n := strings.TrimSpace(st.GivenName + " " + st.FamilyName); n != "" {
		return n
	}
	return st.UserName
}

// emailAddress is the person's address: the email, else a userName that
// is one (Entra's userPrincipalName usually is).
func (st userState) emailAddress() string {
	if st.Email != "" {
		return st.Email
	}
	return st.UserName
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("scim: encode: %v", err))
	}
	return b
}
