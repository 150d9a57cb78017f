package people

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/store"
)

// importInviteKey is the dedupe key of the one invitation a roster import
// sends a person: importing the file again sends none.
func importInviteKey(userID int64) string { return fmt.Sprintf("invite:import:%d", userID) }

// inviteRoster queues, in the import's transaction, one invitation for
// each person of the staged roster who has not signed in yet and has not
// had one from an import before. It returns how many it queued.
func (s *Service) inviteRoster(ctx context.Context, tx *sqlx.Tx, opt ImportOptions) (int, error) {
	people, err := store.RosterUninvited(ctx, tx)
	if err != nil || len(people) == 0 {
		return 0, err
	}
	keys := make([]string, len(people))
	for i, p := range people {
		keys[i] = importInviteKey(p.ID)
	}
	queued, err := mail.Queued(ctx, tx, keys)
	if err != nil {
		return 0, err
	}
	done := make(map[string]bool, len(queued))
	for _, k := range queued {
		done[k] = true
	}
	n := 0
	for i, u := range people {
		if done[keys[i]] {
			continue
		}
		p := Person{ID: u.ID, Email: u.Email, Name: u.Name, OrgID: u.OrgID, OrgName: u.OrgName}
		if err := s.sendInviteKeyed(ctx, tx, p, keys[i]); err != nil {
			return n, err
		}
		n++
	}
	if n == 0 {
		return 0, nil
	}
	return n, store.Audit(ctx, tx, store.AuditEntry{ActorID: actorRef(opt.Actor), Action: "import.invite", Entity: "import",
		After: map[string]any{"source": opt.Source, "invited": n}})
}

// ResendInvites emails a new invitation link (retiring earlier ones) to
// every active person in the organization's subtree who has not signed in
// yet, and returns how many were sent. One audit entry records the count.
func (s *Service) ResendInvites(ctx context.Context, actor, orgID int64) (int, error) {
	n := 0
	err := store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		org, err := s.orgs.ByIDs(ctx, tx, []int64{orgID})
		if err != nil {
			return err
		}
		if len(org) == 0 {
			return fmt.Errorf("people: resend invitations: organization %d: %w", orgID, store.ErrNotFound)
		}
		people, err := store.UninvitedUnder(ctx, tx, orgID)
		if err != nil {
			return err
		}
		for _, u := range people {
			if err := s.sendInvite(ctx, tx, Person{ID: u.ID, Email: u.Email, Name: u.Name, OrgID: u.OrgID, OrgName: u.OrgName}); err != nil {
				return err
			}
		}
		n = len(people)
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: actorRef(actor), Action: "org.invite_resend", Entity: "organization",
			EntityID: fmt.Sprint(orgID), OrgID: &orgID, After: map[string]any{"invited": n}})
	})
	return n, err
}
