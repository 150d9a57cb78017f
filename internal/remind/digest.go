package remind

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/store"
)

// digestData is what templates/email/digest.* see as .Data.
type digestData struct {
	Name           string
	Week           string // "week of March 9, 2026"
	Overdue        int
	Expiring       int
	ExpiringDays   int
	UnsubscribeURL string
}

// sweepDigests queues this ISO week's digest (in Rules.Loc) for every
// manager still on the list who has none yet and has something to act on.
// A digest carries List-Unsubscribe with a one-click link.
func (s *Service) sweepDigests(ctx context.Context, now, sendAt time.Time) (int, error) {
	local := now.In(s.loc())
	year, week := local.ISOWeek()
	weekKey := fmt.Sprintf("%d-W%02d", year, week)
	if err := mail.SubscribeSelected(ctx, s.DB, store.EveryManagerOnDigest); err != nil {
		return 0, fmt.Errorf("remind: digest subscriptions: %w", err)
	}
	waiting, err := store.DigestWaiting(ctx, s.DB, weekKey)
	if err != nil || len(waiting) == 0 {
		return 0, wrap("digest managers", err)
	}
	rows, err := store.DigestCounts(ctx, s.DB, waiting, now, now.Add(s.Rules.DigestExpiring))
	if err != nil {
		return 0, wrap("digest counts", err)
	}
	monday := time.Date(local.Year(), local.Month(), local.Day()-(int(local.Weekday())+6)%7, 0, 0, 0, 0, local.Location())
	var msgs []mail.Message
	for _, r := range rows {
		if r.Overdue == 0 && r.Expiring == 0 {
			continue
		}
		unsub := s.Mail.BaseURL() + "/unsubscribe/" + r.Token
		out, err := s.Mail.Render("digest", digestData{Name: r.Name, Week: "week of " + monday.Format("January 2, 2006"),
			Overdue: r.Overdue, Expiring: r.Expiring, ExpiringDays: int(s.Rules.DigestExpiring / day), UnsubscribeURL: unsub})
		if err != nil {
			return 0, err
		}
		m := out.Message("digest", "digest:"+strconv.FormatInt(r.UserID, 10)+":"+weekKey, r.Email)
		uid := r.UserID
		m.UserID, m.NotBefore = &uid, sendAt
		m.Headers = map[string]string{"List-Unsubscribe": "<" + unsub + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
		msgs = append(msgs, m)
	}
	queued, err := mail.EnqueueMany(ctx, s.DB, msgs)
	return queued, wrap("digest", err)
}

func (s *Service) loc() *time.Location {
	if s.Rules.Loc != nil {
		return s.Rules.Loc
	}
	return time.UTC
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("remind: %s: %w", what, err)
}
