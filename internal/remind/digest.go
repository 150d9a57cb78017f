package remind

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/mail"
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

type digestRow struct {
	UserID   int64  `db:"user_id"`
	Email    string `db:"email"`
	Name     string `db:"name"`
	Token    string `db:"token"`
	Overdue  int    `db:"overdue"`
	Expiring int    `db:"expiring"`
}

// sweepDigests queues this ISO week's digest (in Rules.Loc) for every
// manager still on the list who has none yet and has something to act on.
// A digest carries List-Unsubscribe with a one-click link.
func (s *Service) sweepDigests(ctx context.Context, now, sendAt time.Time) (int, error) {
	local := now.In(s.loc())
	year, week := local.ISOWeek()
	weekKey := fmt.Sprintf("%d-W%02d", year, week)
	if _, err := s.DB.ExecContext(ctx, `INSERT INTO mail_subscriptions (user_id, list)
		SELECT DISTINCT ms.user_id, 'digest' FROM manager_scopes ms
		ON CONFLICT (user_id, list) DO NOTHING`); err != nil {
		return 0, fmt.Errorf("remind: digest subscriptions: %w", err)
	}
	var waiting []int64
	err := s.DB.SelectContext(ctx, &waiting, `SELECT ms.user_id FROM mail_subscriptions ms
		JOIN users u ON u.id = ms.user_id AND u.deactivated_at IS NULL
		WHERE ms.list = 'digest' AND ms.unsubscribed_at IS NULL
		  AND EXISTS (SELECT 1 FROM manager_scopes x WHERE x.user_id = ms.user_id)
		  AND NOT EXISTS (SELECT 1 FROM email_outbox o WHERE o.dedupe_key = 'digest:' || ms.user_id || ':' || $1)`, weekKey)
	if err != nil || len(waiting) == 0 {
		return 0, wrap("digest managers", err)
	}
	var rows []digestRow
	if err := s.DB.SelectContext(ctx, &rows, digestCounts, pq.Array(waiting), now, now.Add(s.Rules.DigestExpiring)); err != nil {
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

// digestCounts: per organization first (one pass over overdue assignments
// and lapsing completions), then summed over each manager's distinct
// subtree organizations. $1 managers, $2 now, $3 lapse horizon.
const digestCounts = `WITH scope AS MATERIALIZED (
		SELECT DISTINCT ms.user_id, oc.descendant_id AS org_id
		FROM manager_scopes ms JOIN org_closure oc ON oc.ancestor_id = ms.org_id
		WHERE ms.user_id = ANY($1)),
	orgs AS MATERIALIZED (SELECT DISTINCT org_id FROM scope),
	overdue AS MATERIALIZED (
		SELECT u.org_id, count(*) AS n FROM assignments a JOIN users u ON u.id = a.user_id AND u.deactivated_at IS NULL
		WHERE a.status = 'open' AND a.due_at < $2 AND u.org_id IN (SELECT org_id FROM orgs)
		GROUP BY u.org_id),
	expiring AS MATERIALIZED (
		SELECT u.org_id, count(*) AS n FROM completions c JOIN users u ON u.id = c.user_id AND u.deactivated_at IS NULL
		WHERE c.expires_at > $2 AND c.expires_at <= $3 AND u.org_id IN (SELECT org_id FROM orgs)
		  AND NOT EXISTS (SELECT 1 FROM completions n
		                  WHERE n.user_id = c.user_id AND n.completed_at > c.completed_at AND n.course_id = c.course_id)
		GROUP BY u.org_id),
	per_manager AS MATERIALIZED (
		SELECT sc.user_id, coalesce(sum(o.n), 0)::int AS overdue, coalesce(sum(e.n), 0)::int AS expiring
		FROM scope sc
		LEFT JOIN overdue o ON o.org_id = sc.org_id
		LEFT JOIN expiring e ON e.org_id = sc.org_id
		GROUP BY sc.user_id)
	SELECT m.id AS user_id, m.email, m.name, sub.token, p.overdue, p.expiring
	FROM per_manager p
	JOIN users m ON m.id = p.user_id
	JOIN mail_subscriptions sub ON sub.user_id = m.id AND sub.list = 'digest'
	ORDER BY m.id`

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
