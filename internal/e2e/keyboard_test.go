package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/waymark/waymark/internal/testfix"
)

// focused reports whether the focused element matches sel.
func (p *tab) focused(sel string) bool {
	return eval[bool](p, `document.activeElement !== null && document.activeElement.matches(`+jsString(sel)+`)`)
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// keyboardSignIn signs in with the keyboard only: Tab to the skip link,
// Enter to jump to the main content, Tab through the form, Enter to send.
func (p *tab) keyboardSignIn(email string) {
	p.t.Helper()
	p.open("/login")
	p.press(kb.Tab)
	if !p.focused("a.skip-link") {
		p.t.Fatalf("the first Tab on /login focuses %s, want the skip link", p.activeDesc())
	}
	p.assertFocusVisible()
	if !eval[bool](p, `(function(){ const r = document.activeElement.getBoundingClientRect();
	  return r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight; })()`) {
		p.t.Error("the focused skip link is not on screen")
	}
	p.press(kb.Enter)
	if !p.focused("main") {
		p.t.Errorf("Enter on the skip link left focus on %s, want main", p.activeDesc())
	}
	p.tabTo("#email", 1)
	p.press(email)
	p.tabTo("#password", 1)
	p.press(testfix.Password)
	p.keyNav(kb.Enter)
	if p.has("#password") {
		p.t.Fatalf("keyboard sign-in failed (at %s)", p.path())
	}
}

// testKeyboardSignIn signs in and out without a mouse.
func testKeyboardSignIn(t *testing.T, e *env) {
	org := testfix.Org(t, e.db, testfix.Unique("Worcester Schools "), "district", "Worcester", 0)
	_, email := testfix.User(t, e.db, org, testfix.UserSpec{Name: "Sam Keyboard", Roles: []string{"teacher"}})
	p := e.newTab(t)
	p.keyboardSignIn(email)
	p.screenshot("signed in by keyboard")

	// Sign out: Tab to the header's sign-out button, Space presses it.
	p.tabTo(`header form[action="/logout"] button`, 12)
	p.keyNav(" ")
	if got := p.path(); got != "/" {
		t.Errorf("Space on sign out went to %s, want /", got)
	}
}
