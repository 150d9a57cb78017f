package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/waymark/waymark/internal/store"
)

// This file reads what a request carries: route parameters, query values
// and form fields. Strings are copied out of Fiber's reusable request
// memory. A malformed id in the route is not found (404); a malformed id
// in the query is a bad request (400).

// paramID reads a positive integer route parameter; anything else is 404.
func paramID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("web: %s %q: %w", name, c.Params(name), store.ErrNotFound)
	}
	return id, nil
}

// paramNumber reads a positive ordinal route parameter (a lesson or
// session number); anything else is 404.
func paramNumber(c *fiber.Ctx, name string) (int, error) {
	n, err := strconv.Atoi(c.Params(name))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("web: %s %q: %w", name, c.Params(name), store.ErrNotFound)
	}
	return n, nil
}

// queryID reads an optional positive id from the query string (0 when it
// is absent); anything else is a bad request.
func queryID(c *fiber.Ctx, name string) (int64, error) {
	return optionalID(c.Query(name), "That link has a malformed "+name+". Go back and try again.")
}

// formID reads an optional id from the posted form (0 when absent); a
// malformed one is a bad request, as in a query.
func formID(c *fiber.Ctx, name string) (int64, error) {
	return optionalID(c.FormValue(name), "That form has a malformed "+name+". Go back and try again.")
}

// optionalID parses an optional positive id (0 when raw is empty); a
// malformed one is a bad request with msg.
func optionalID(raw, msg string) (int64, error) {
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.NewError(fiber.StatusBadRequest, msg)
	}
	return id, nil
}

// pageParam reads ?page=, at least 1.
func pageParam(c *fiber.Ctx) int {
	n, err := strconv.Atoi(c.Query("page"))
	if err != nil || n < 1 || n > 100000 {
		return 1
	}
	return n
}

// dayParam reads a YYYY-MM-DD date as the start of that day (plus
// addDays) in loc; empty is the zero time.
func dayParam(s string, loc *time.Location, addDays int) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, err
	}
	return d.AddDate(0, 0, addDays), nil
}

// formText reads a form field with the spaces around it trimmed.
func formText(c *fiber.Ctx, key string) string {
	return strings.TrimSpace(utils.CopyString(c.FormValue(key)))
}

// formInt reads an optional whole-number form field (0 when empty); bad
// reports one that is not a number.
func formInt(c *fiber.Ctx, key string) (n int, bad bool) {
	raw := strings.TrimSpace(c.FormValue(key))
	if raw == "" {
		return 0, false
	}
	n, err := strconv.Atoi(raw)
	return n, err != nil
}

// paramText reads a route parameter as sent (a SCIM resource id, which
// the SCIM service itself checks).
func paramText(c *fiber.Ctx, name string) string { return utils.CopyString(c.Params(name)) }

// bearerToken reads the token of an "Authorization: Bearer …" header.
func bearerToken(c *fiber.Ctx) (string, bool) {
	scheme, token, ok := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return utils.CopyString(strings.TrimSpace(token)), true
}

// formValue reads a form field as typed (passwords, tokens, choices).
func formValue(c *fiber.Ctx, key string) string { return utils.CopyString(c.FormValue(key)) }

// formList reads every value of a repeated form field (checkboxes).
func formList(c *fiber.Ctx, key string) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(key) {
		out = append(out, string(v))
	}
	return out
}

// pager is the paging of a list page.
type pager struct {
	Page, Pages, Total, From, To int
	PrevURL, NextURL             string
}

// newPager works out the page links; base is the list URL with its filters.
func newPager(base string, page, size, total int) pager {
	p := pager{Page: page, Total: total, Pages: (total + size - 1) / size}
	if total > 0 {
		p.From, p.To = (page-1)*size+1, min(page*size, total)
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	if page > 1 {
		p.PrevURL = fmt.Sprintf("%s%spage=%d", base, sep, page-1)
	}
	if page < p.Pages {
		p.NextURL = fmt.Sprintf("%s%spage=%d", base, sep, page+1)
	}
	return p
}

// formIDs reads a repeated form field of ids (checked rows), each once.
func formIDs(c *fiber.Ctx, key string) ([]int64, error) {
	seen := map[int64]bool{}
	var out []int64
	for _, raw := range formList(c, key) {
		id, err := optionalID(raw, "The form had a malformed "+key+". Go back and try again.")
		if err != nil || id == 0 {
			return nil, fiber.NewError(fiber.StatusBadRequest, "The form had a malformed "+key+". Go back and try again.")
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// queryValues is the whole query string, parsed (for handing a request's
// parameters on, as a SAML or OpenID response's are).
func queryValues(c *fiber.Ctx) (url.Values, error) {
	return url.ParseQuery(string(c.Request().URI().QueryString()))
}
