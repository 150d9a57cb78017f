package people

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// How long the emailed single-use links work.
const (
	InviteTTL = 72 * time.Hour
	ResetTTL  = time.Hour
	// resetPause is the least time between two reset emails to one person,
	// so the form cannot be used to flood someone's inbox.
	resetPause = 2 * time.Minute
	// maxPasswordBytes is bcrypt's limit.
	maxPasswordBytes = 72
)

// ErrLinkInvalid means a link is unknown, used, expired or belongs to a
// deactivated account. Pages say so without telling which.
var ErrLinkInvalid = errors.New("people: the link is not valid any more")

// Link is what the set-password page shows about a live link.
type Link struct {
	Purpose string // store.TokenInvite or store.TokenReset
	Name    string
}

// SendInvite emails a new invitation link to a person (retiring earlier
// ones), e.g. when the first has expired.
func (s *Service) SendInvite(ctx context.Context, actor, id int64) error {
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		p, err := s.personTx(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !p.Active {
			return validate.Errors{"form": "Reactivate this account before sending an invitation."}
		}
		if err := s.sendInvite(ctx, tx, p); err != nil {
			return err
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: actorRef(actor), Action: "user.invite", Entity: "user",
			EntityID: fmt.Sprint(p.ID), OrgID: &p.OrgID, After: map[string]any{"email": p.Email}})
	})
}

// sendInvite issues an invitation link and queues its email in tx.
func (s *Service) sendInvite(ctx context.Context, tx *sqlx.Tx, p Person) error {
	return s.sendInviteKeyed(ctx, tx, p, "")
}

// sendInviteKeyed is sendInvite with the email's dedupe key given ("":
// one of the link's own, so every call sends).
func (s *Service) sendInviteKeyed(ctx context.Context, tx *sqlx.Tx, p Person, dedupeKey string) error {
	orgName := p.OrgName
	if orgName == "" {
		o, err := s.orgs.ByIDs(ctx, tx, []int64{p.OrgID})
		if err != nil || len(o) == 0 {
			return fmt.Errorf("people: invite: organization %d: %w", p.OrgID, err)
		}
		orgName = o[0].Name
	}
	token, key, err := s.issueLink(ctx, tx, p.ID, store.TokenInvite, InviteTTL)
	if err != nil {
		return err
	}
	if dedupeKey != "" {
		key = dedupeKey
	}
	return s.queueLinkEmail(ctx, tx, "invite", key, p, map[string]any{"Name": p.Name, "InviterOrg": orgName, "Token": token})
}

// RequestReset emails a password-reset link when email belongs to an active
// account. It returns nil either way, so no caller can learn whether an
// address has an account.
func (s *Service) RequestReset(ctx context.Context, email string) error {
	u, err := s.users.ByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !u.Active()) {
		return nil
	}
	if err != nil {
		return err
	}
	last, err := s.tokens.LastIssued(ctx, u.ID, store.TokenReset)
	if err != nil {
		return fmt.Errorf("people: reset: %w", err)
	}
	if !last.IsZero() && s.now().Sub(last) < resetPause {
		return nil
	}
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		token, key, err := s.issueLink(ctx, tx, u.ID, store.TokenReset, ResetTTL)
		if err != nil {
			return err
		}
		p := Person{ID: u.ID, Email: u.Email, Name: u.Name}
		return s.queueLinkEmail(ctx, tx, "reset", key, p, map[string]any{"Name": u.Name, "Token": token,
			"Minutes": int(ResetTTL.Minutes())})
	})
}

// issueLink retires the person's unused links of purpose and stores a new
// one. It returns the token (for the email only) and a dedupe key.
func (s *Service) issueLink(ctx context.Context, tx *sqlx.Tx, userID int64, purpose string, ttl time.Duration) (string, string, error) {
	now := s.now()
	if err := s.tokens.RetireTx(ctx, tx, userID, purpose, now); err != nil {
		return "", "", err
	}
	token, hash := auth.NewToken()
	if err := s.tokens.CreateTx(ctx, tx, store.AuthToken{TokenHash: hash, UserID: userID, Purpose: purpose,
		CreatedAt: now, ExpiresAt: now.Add(ttl)}); err != nil {
		return "", "", err
	}
	return token, purpose + ":" + hex.EncodeToString(hash[:16]), nil
}

func (s *Service) queueLinkEmail(ctx context.Context, tx *sqlx.Tx, tmpl, key string, p Person, data map[string]any) error {
	if s.mail == nil {
		return fmt.Errorf("people: %s email: no mail renderer", tmpl)
	}
	rd, err := s.mail.Render(tmpl, data)
	if err != nil {
		return err
	}
	m := rd.Message(tmpl, key, p.Email)
	m.UserID = &p.ID
	_, err = mail.Enqueue(ctx, tx, m)
	return err
}

// CheckLink reports whether a link still works, for the set-password page.
func (s *Service) CheckLink(ctx context.Context, token string) (Link, error) {
	if token == "" || len(token) > 128 {
		return Link{}, ErrLinkInvalid
	}
	t, err := s.tokens.Live(ctx, auth.HashToken(token), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return Link{}, ErrLinkInvalid
	}
	if err != nil {
		return Link{}, err
	}
	u, err := s.users.ByID(ctx, t.UserID)
	if err != nil || !u.Active() {
		return Link{}, ErrLinkInvalid
	}
	return Link{Purpose: t.Purpose, Name: u.Name}, nil
}

// SetPassword uses a link: it checks the new password, marks the link
// used, stores the password, ends every session of the person and retires
// their other links. It returns the person's id so the caller can sign
// them in. A weak password comes back as validate.Errors and leaves the
// link unused.
func (s *Service) SetPassword(ctx context.Context, token, password, confirm string) (int64, error) {
	if inv := checkPassword(password, confirm); inv != nil {
		return 0, inv
	}
	if _, err := s.CheckLink(ctx, token); err != nil {
		return 0, err // before hashing: a made-up link costs no bcrypt time
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return 0, err
	}
	var userID int64
	err = store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		now := s.now()
		t, err := s.tokens.ConsumeTx(ctx, tx, auth.HashToken(token), now)
		if errors.Is(err, store.ErrNotFound) {
			return ErrLinkInvalid
		}
		if err != nil {
			return err
		}
		u, err := s.users.ByIDForUpdate(ctx, tx, t.UserID)
		if err != nil {
			return err
		}
		if !u.Active() {
			return ErrLinkInvalid
		}
		userID = u.ID
		if err := s.users.SetPassword(ctx, tx, u.ID, hash); err != nil {
			return err
		}
		if err := s.sessions.DeleteForUser(ctx, tx, u.ID); err != nil {
			return fmt.Errorf("people: end sessions: %w", err)
		}
		if err := s.tokens.RetireTx(ctx, tx, u.ID, "", now); err != nil {
			return err
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &u.ID, Action: "user.password_set", Entity: "user",
			EntityID: fmt.Sprint(u.ID), OrgID: &u.OrgID, After: map[string]any{"by_link": t.Purpose}})
	})
	return userID, err
}

// checkPassword returns the problems with a new password, or nil.
func checkPassword(password, confirm string) validate.Errors {
	inv := validate.Errors{}
	switch {
	case len([]rune(password)) < auth.MinPasswordLen:
		inv["password"] = fmt.Sprintf("Use at least %d characters. A few unrelated words make a strong password.", auth.MinPasswordLen)
	case len(password) > maxPasswordBytes:
		inv["password"] = fmt.Sprintf("Use %d characters or fewer.", maxPasswordBytes)
	case password != confirm:
		inv["confirm"] = "The two passwords are not the same."
	}
	if len(inv) == 0 {
		return nil
	}
	return inv
}
