package people_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testfix"
)

const newPassword = "a brand new passphrase"

// lastLink returns the token in the newest email to an address.
func lastLink(t *testing.T, msgs []outboxRow) string {
	t.Helper()
	if len(msgs) == 0 {
		t.Fatal("no email queued")
	}
	m := linkPattern.FindStringSubmatch(msgs[len(msgs)-1].Text)
	if m == nil {
		t.Fatalf("no link in %q", msgs[len(msgs)-1].Text)
	}
	return m[1]
}

func TestInvitationLinkExpiresAfter72Hours(t *testing.T) {
	svc, db, clk := newService(t)
	ctx := context.Background()
	org := testfix.Org(t, db, "Org", "other", "Suffolk", 0)
	tests := []struct {
		name  string
		after time.Duration
		works bool
	}{
		{"at 71 hours", 71 * time.Hour, true},
		{"at 72 hours and a second", 72*time.Hour + time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			email := testfix.Unique("inv") + "@example.org"
			if _, err := svc.SaveUser(ctx, 0, 0, people.UserInput{Email: email, Name: "New Person", OrgCode: orgCode(t, db, org),
				Roles: []string{"teacher"}}); err != nil {
				t.Fatal(err)
			}
			token := lastLink(t, outbox(t, db, email))
			clk.Advance(tt.after)
			defer clk.Advance(-tt.after)
			_, err := svc.CheckLink(ctx, token)
			if (err == nil) != tt.works {
				t.Fatalf("check: %v", err)
			}
			_, err = svc.SetPassword(ctx, token, newPassword, newPassword)
			if (err == nil) != tt.works || (!tt.works && !errors.Is(err, people.ErrLinkInvalid)) {
				t.Fatalf("set password: %v", err)
			}
		})
	}
}

func TestLinkIsSingleUseAndEndsOtherSessions(t *testing.T) {
	svc, db, clk := newService(t)
	ctx := context.Background()
	org := testfix.Org(t, db, "Org", "other", "Suffolk", 0)
	id, email := testfix.User(t, db, org, testfix.UserSpec{Roles: []string{"teacher"}})
	authSvc := &auth.Service{Users: testfix.Stores(t, db).Users, Sessions: testfix.Stores(t, db).Sessions, Now: clk.Now}
	oldSession, _, err := authSvc.Login(ctx, email, testfix.Password, "192.0.2.9")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RequestReset(ctx, strings.ToUpper(email)); err != nil {
		t.Fatal(err)
	}
	msgs := outbox(t, db, email)
	if len(msgs) != 1 || msgs[0].Kind != "reset" || msgs[0].Subject != "Reset your Waymark password" || !strings.Contains(msgs[0].Text, "60 minutes") {
		t.Fatalf("reset email = %+v", msgs)
	}
	token := lastLink(t, msgs)
	if link, err := svc.CheckLink(ctx, token); err != nil || link.Purpose != "reset" {
		t.Fatalf("check = %+v, %v", link, err)
	}
	if _, err := svc.SetPassword(ctx, token, "short", "short"); err == nil {
		t.Fatal("accepted a short password")
	}
	if _, err := svc.SetPassword(ctx, token, newPassword, newPassword+"x"); err == nil {
		t.Fatal("accepted a confirmation that differs")
	}
	got, err := svc.SetPassword(ctx, token, newPassword, newPassword)
	if err != nil || got != id {
		t.Fatalf("set password = %d, %v (a weak try must not use the link up)", got, err)
	}
	if _, err := svc.SetPassword(ctx, token, newPassword+"2", newPassword+"2"); !errors.Is(err, people.ErrLinkInvalid) {
		t.Fatalf("second use: %v", err)
	}
	if _, err := authSvc.Resolve(ctx, oldSession); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the old session survived the reset: %v", err)
	}
	if _, _, err := authSvc.Login(ctx, email, newPassword, "192.0.2.9"); err != nil {
		t.Fatalf("sign-in with the new password: %v", err)
	}
	if e := auditFor(t, db, "user", id); len(e) != 1 || e[0].Action != "user.password_set" || strings.Contains(*e[0].After, newPassword) {
		t.Fatalf("audit = %+v", e)
	}
}

func TestResetLinkExpiresAfterAnHourAndOnlyTheNewestWorks(t *testing.T) {
	svc, db, clk := newService(t)
	ctx := context.Background()
	org := testfix.Org(t, db, "Org", "other", "Suffolk", 0)
	_, email := testfix.User(t, db, org, testfix.UserSpec{Roles: []string{"teacher"}})

	svc.RequestReset(ctx, email)
	first := lastLink(t, outbox(t, db, email))
	svc.RequestReset(ctx, email) // within the pause: no second email
	if n := len(outbox(t, db, email)); n != 1 {
		t.Fatalf("%d emails for two quick requests", n)
	}
	clk.Advance(3 * time.Minute)
	svc.RequestReset(ctx, email)
	second := lastLink(t, outbox(t, db, email))
	if _, err := svc.CheckLink(ctx, first); !errors.Is(err, people.ErrLinkInvalid) {
		t.Fatalf("the older link still works: %v", err)
	}
	clk.Advance(time.Hour - 3*time.Minute + time.Second)
	if _, err := svc.CheckLink(ctx, second); err != nil {
		t.Fatalf("the link stopped working before its hour: %v", err)
	}
	clk.Advance(3 * time.Minute)
	if _, err := svc.SetPassword(ctx, second, newPassword, newPassword); !errors.Is(err, people.ErrLinkInvalid) {
		t.Fatalf("a link past its hour worked: %v", err)
	}
}

func TestResetForUnknownOrDeactivatedEmailSendsNothing(t *testing.T) {
	svc, db, _ := newService(t)
	ctx := context.Background()
	org := testfix.Org(t, db, "Org", "other", "Suffolk", 0)
	id, email := testfix.User(t, db, org, testfix.UserSpec{Roles: []string{"teacher"}})
	if err := svc.SetActive(ctx, 0, id, false); err != nil {
		t.Fatal(err)
	}
	unknown := testfix.Unique("nobody") + "@example.org"
	for _, e := range []string{unknown, email} {
		if err := svc.RequestReset(ctx, e); err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		if n := len(outbox(t, db, e)); n != 0 {
			t.Fatalf("%d emails queued", n)
		}
	}
	if _, err := svc.CheckLink(ctx, "not-a-token"); !errors.Is(err, people.ErrLinkInvalid) {
		t.Fatalf("check of a made-up token: %v", err)
	}
}
