package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
)

// ListDigest is the weekly manager digest, the one list people may leave.
// Mandatory reminders are not a list and carry no List-Unsubscribe.
const ListDigest = "digest"

// Lists keeps who left which list, keyed by the secret token in each
// List-Unsubscribe link.
type Lists struct {
	DB  *sqlx.DB
	Now func() time.Time
}

// Subscription is one person's membership of a list.
type Subscription struct {
	List           string     `db:"list"`
	Token          string     `db:"token"`
	UnsubscribedAt *time.Time `db:"unsubscribed_at"`
}

// ByToken finds a subscription by its token; an unknown token is
// store.ErrNotFound.
func (l *Lists) ByToken(ctx context.Context, token string) (Subscription, error) {
	var s Subscription
	err := l.DB.GetContext(ctx, &s, `SELECT list, token, unsubscribed_at FROM mail_subscriptions WHERE token = $1`, token)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("mail: subscription: %w", store.ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("mail: subscription: %w", err)
	}
	return s, nil
}

// SetSubscribed leaves (subscribed=false) or rejoins the list the token
// belongs to. Repeating it changes nothing.
func (l *Lists) SetSubscribed(ctx context.Context, token string, subscribed bool) (Subscription, error) {
	var s Subscription
	err := l.DB.GetContext(ctx, &s, `UPDATE mail_subscriptions
		SET unsubscribed_at = CASE WHEN $2 THEN NULL ELSE coalesce(unsubscribed_at, $3) END,
		    changed_at = $3
		WHERE token = $1
		RETURNING list, token, unsubscribed_at`, token, subscribed, l.Now())
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("mail: subscription: %w", store.ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("mail: subscription: %w", err)
	}
	return s, nil
}
