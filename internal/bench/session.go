package bench

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Session is a signed-in person: the session cookie and the CSRF token
// their forms carry.
type Session struct {
	Email  string
	UserID int64
	Cookie string // "name=value"
	CSRF   string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// client talks to the server without following redirects.
var client = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// SignIn signs in through the real form: GET /login for the anonymous
// CSRF cookie and token, POST /login, then reads the session's own token
// from the signed-in page.
func SignIn(base, email, password string) (Session, error) {
	s := Session{Email: email}
	resp, body, err := get(base+"/login", "")
	if err != nil {
		return s, err
	}
	m := csrfField.FindStringSubmatch(body)
	var anon string
	for _, c := range resp.Cookies() {
		if c.Name == "waymark_csrf" {
			anon = c.Name + "=" + c.Value
		}
	}
	if m == nil || anon == "" {
		return s, fmt.Errorf("bench: sign-in page has no CSRF token (status %d)", resp.StatusCode)
	}
	form := url.Values{"email": {email}, "password": {password}, "csrf": {m[1]}}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", anon)
	resp, err = client.Do(req)
	if err != nil {
		return s, fmt.Errorf("bench: sign in %s: %w", email, err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "waymark_session" && c.Value != "" {
			s.Cookie = c.Name + "=" + c.Value
		}
	}
	if resp.StatusCode != http.StatusSeeOther || s.Cookie == "" {
		return s, fmt.Errorf("bench: sign in %s: status %d without a session", email, resp.StatusCode)
	}
	resp, body, err = get(base+"/", s.Cookie)
	if err != nil {
		return s, err
	}
	if m = csrfField.FindStringSubmatch(body); resp.StatusCode != http.StatusOK || m == nil {
		return s, fmt.Errorf("bench: signed-in page for %s: status %d, CSRF token found: %t", email, resp.StatusCode, m != nil)
	}
	s.CSRF = m[1]
	return s, nil
}

// get fetches a page with an optional cookie.
func get(u, cookie string) (*http.Response, string, error) {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return nil, "", err
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("bench: GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}
