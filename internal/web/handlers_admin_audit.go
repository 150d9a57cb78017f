package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/store"
)

const auditPerPage = 50

// auditActions names the logged actions for people; others show as logged.
var auditActions = map[string]string{
	"user.create": "Person added", "user.update": "Person changed", "user.deactivate": "Person deactivated",
	"user.reactivate": "Person reactivated", "user.invite": "Invitation sent", "user.password_set": "Password set by emailed link",
	"user.import_create": "Person added by roster import", "user.import_update": "Person changed by roster import",
	"import.apply": "Roster imported", "import.invite": "Invitations sent by roster import",
	"org.invite_resend": "Invitations resent to an organization", "org.create": "Organization added", "org.update": "Organization changed",
	"org.deactivate": "Organization deactivated", "org.reactivate": "Organization reactivated",
}

// auditChange is one field of an entry's before and after.
type auditChange struct {
	Field, Before, After string
	Changed              bool
}

// auditRow is an entry as the page shows it.
type auditRow struct {
	store.AuditRecord
	Label   string
	Link    string
	Changes []auditChange
}

// auditForm is the filter as typed.
type auditForm struct {
	Person, Org, From, To string
	Errors                map[string]string
}

// auditPage is the audit log page: one page of entries, newest first.
type auditPage struct {
	Rows  []auditRow
	Form  auditForm
	Next  string // the next page's URL, if there is one
	Paged bool   // this is not the first page
	Loc   *time.Location
}

// handleAudit shows the audit log newest first, filtered by person (who
// made or was subject of the change), organization subtree and dates.
func (a *App) handleAudit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := auditForm{Person: strings.TrimSpace(c.Query("person")), Org: strings.ToUpper(strings.TrimSpace(c.Query("org"))),
		From: c.Query("from"), To: c.Query("to"), Errors: map[string]string{}}
	f := store.AuditFilter{Limit: auditPerPage + 1}
	if form.Person != "" {
		var u store.User
		var err error
		if id, perr := strconv.ParseInt(form.Person, 10, 64); perr == nil {
			u, err = a.users.ByID(ctx, id)
		} else {
			u, err = a.users.ByEmail(ctx, form.Person)
		}
		switch {
		case err == nil:
			f.PersonID = u.ID
		case errors.Is(err, store.ErrNotFound):
			form.Errors["person"] = "No one has this email address."
		default:
			return err
		}
	}
	if form.Org != "" {
		o, err := a.people.orgs.ByCode(ctx, form.Org)
		switch {
		case err == nil:
			f.OrgID = o.ID
		case errors.Is(err, store.ErrNotFound):
			form.Errors["org"] = "No organization has this code."
		default:
			return err
		}
	}
	var err error
	if f.From, err = dayParam(form.From, a.cfg.Location, 0); err != nil {
		form.Errors["from"] = "Enter a date like 2026-03-31."
	}
	if f.To, err = dayParam(form.To, a.cfg.Location, 1); err != nil {
		form.Errors["to"] = "Enter a date like 2026-03-31."
	}
	if before, err := strconv.ParseInt(c.Query("before"), 10, 64); err == nil && before > 0 {
		f.BeforeID = before
	}
	var rows []auditRow
	next := ""
	if len(form.Errors) == 0 {
		recs, err := store.ListAudit(ctx, a.db, f)
		if err != nil {
			return err
		}
		if len(recs) > auditPerPage {
			recs = recs[:auditPerPage]
			q := url.Values{"before": {fmt.Sprint(recs[len(recs)-1].ID)}}
			for k, v := range map[string]string{"person": form.Person, "org": form.Org, "from": form.From, "to": form.To} {
				if v != "" {
					q.Set(k, v)
				}
			}
			next = "/admin/audit?" + q.Encode()
		}
		for _, r := range recs {
			row, err := auditRowOf(r)
			if err != nil {
				return err
			}
			rows = append(rows, row)
		}
	}
	status := fiber.StatusOK
	if len(form.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return a.render(c, status, "admin_audit", Page{Title: "Audit log", Data: auditPage{
		Rows: rows, Form: form, Next: next, Paged: f.BeforeID != 0, Loc: a.cfg.Location,
	}})
}

func auditRowOf(r store.AuditRecord) (auditRow, error) {
	row := auditRow{AuditRecord: r, Label: auditActions[r.Action]}
	if row.Label == "" {
		row.Label = r.Action
	}
	switch r.Entity {
	case "user":
		row.Link = "/admin/users/" + r.EntityID
	case "organization":
		row.Link = "/admin/orgs/" + r.EntityID
	}
	changes, err := diffJSON(r.Before, r.After)
	if err != nil {
		return auditRow{}, fmt.Errorf("web: audit entry %d: %w", r.ID, err)
	}
	row.Changes = changes
	return row, nil
}

// diffJSON lays two JSON objects side by side, field by field; a side
// that is absent (a creation, a removal) has no fields.
func diffJSON(before, after []byte) ([]auditChange, error) {
	var b, a map[string]any
	for _, side := range []struct {
		raw []byte
		m   *map[string]any
	}{{before, &b}, {after, &a}} {
		if len(side.raw) == 0 {
			continue
		}
		if err := json.Unmarshal(side.raw, side.m); err != nil {
			return nil, err
		}
	}
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	var out []auditChange
	for k := range keys {
		bv, bok := b[k]
		av, aok := a[k]
		ch := auditChange{Field: strings.ReplaceAll(k, "_", " "), Before: jsonText(bv, bok), After: jsonText(av, aok)}
		ch.Changed = before != nil && ch.Before != ch.After
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out, nil
}

func jsonText(v any, ok bool) string {
	switch x := v.(type) {
	case nil:
		if !ok {
			return ""
		}
		return "—"
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = jsonText(e, true)
		}
		if len(parts) == 0 {
			return "none"
		}
		return strings.Join(parts, ", ")
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return fmt.Sprint(v) // a decoded JSON value always encodes; this is only a fallback
	}
	return strings.TrimSpace(buf.String())
}
