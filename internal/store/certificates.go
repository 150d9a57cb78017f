package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// CertificateDetails is a certificate with everything printed on it or
// shown when it is verified, joined from the completion, the person, their
// organization and the course version.
type CertificateDetails struct {
	ID            int64      `db:"id"`
	Code          string     `db:"code"`
	IssuedAt      time.Time  `db:"issued_at"`
	RevokedAt     *time.Time `db:"revoked_at"`
	RevokedReason string     `db:"revoked_reason"`
	CompletionID  int64      `db:"completion_id"`
	UserID        int64      `db:"user_id"`
	PersonName    string     `db:"person_name"`
	OrgID         int64      `db:"org_id"`
	OrgName       string     `db:"org_name"`
	JobRole       string     `db:"job_role"` // role names, comma-separated
	CourseTitle   string     `db:"course_title"`
	CourseCode    string     `db:"course_code"`
	CourseVersion string     `db:"course_version"`
	Cycle         int        `db:"cycle"`
	Score         int        `db:"score"`
	Minutes       int        `db:"minutes"`
	CompletedAt   time.Time  `db:"completed_at"`
	ExpiresAt     *time.Time `db:"expires_at"`
}

// certificateSelect joins a certificate to what it certifies. The job role
// printed is the person's roles the course is for, else all their roles.
const certificateSelect = `SELECT ce.id, ce.code, ce.issued_at, ce.revoked_at, ce.revoked_reason,
	cm.id AS completion_id, cm.user_id, u.name AS person_name, o.id AS org_id, o.name AS org_name,
	COALESCE(
		(SELECT string_agg(jr.name, ', ' ORDER BY jr.name) FROM user_roles ur JOIN job_roles jr ON jr.code = ur.role_code
		 WHERE ur.user_id = u.id AND ur.role_code = ANY(v.audiences)),
		(SELECT string_agg(jr.name, ', ' ORDER BY jr.name) FROM user_roles ur JOIN job_roles jr ON jr.code = ur.role_code
		 WHERE ur.user_id = u.id), '') AS job_role,
	v.title AS course_title, v.code AS course_code, v.version AS course_version,
	cm.cycle, cm.score, cm.minutes, cm.completed_at, cm.expires_at
	FROM certificates ce
	JOIN completions cm ON cm.id = ce.completion_id
	JOIN users u ON u.id = cm.user_id
	JOIN organizations o ON o.id = u.org_id
	JOIN course_versions v ON v.id = cm.course_version_id`

// Certificates stores certificates.
type Certificates struct{ db *sqlx.DB }

// NewCertificates returns the certificate store.
func NewCertificates(db *sqlx.DB) *Certificates { return &Certificates{db: db} }

// IssueTx gives a completion its certificate with code, unless it has one.
// It returns the certificate's id and code and whether it was created now.
// A completion that does not exist is ErrNotFound; a code already taken by
// another certificate is ErrConflict (draw a new code and call again; the
// transaction stays usable).
func (s *Certificates) IssueTx(ctx context.Context, tx *sqlx.Tx, completionID int64, code string, at time.Time) (int64, string, bool, error) {
	var row struct {
		ID   int64  `db:"id"`
		Code string `db:"code"`
	}
	err := tx.GetContext(ctx, &row, `INSERT INTO certificates (completion_id, code, issued_at)
		SELECT id, $2, $3 FROM completions WHERE id = $1
		ON CONFLICT DO NOTHING RETURNING id, code`, completionID, code, at)
	if err == nil {
		return row.ID, row.Code, true, nil
	}
	if notFound(err) != ErrNotFound {
		return 0, "", false, fmt.Errorf("store: issue certificate: %w", err)
	}
	err = notFound(tx.GetContext(ctx, &row, `SELECT id, code FROM certificates WHERE completion_id = $1`, completionID))
	if err == nil {
		return row.ID, row.Code, false, nil
	}
	if err != ErrNotFound {
		return 0, "", false, fmt.Errorf("store: issue certificate: %w", err)
	}
	var exists bool
	if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM completions WHERE id = $1)`, completionID); err != nil {
		return 0, "", false, fmt.Errorf("store: issue certificate: %w", err)
	}
	if !exists {
		return 0, "", false, fmt.Errorf("store: issue certificate for completion %d: %w", completionID, ErrNotFound)
	}
	return 0, "", false, fmt.Errorf("store: issue certificate: code taken: %w", ErrConflict)
}

// ByCode returns the certificate with a stored-form code.
func (s *Certificates) ByCode(ctx context.Context, code string) (CertificateDetails, error) {
	var d CertificateDetails
	err := s.db.GetContext(ctx, &d, certificateSelect+` WHERE ce.code = $1`, code)
	if err = notFound(err); err != nil {
		return d, fmt.Errorf("store: certificate by code: %w", err)
	}
	return d, nil
}

// ByCompletion returns the certificate of a completion.
func (s *Certificates) ByCompletion(ctx context.Context, completionID int64) (CertificateDetails, error) {
	return s.ByCompletionTx(ctx, s.db, completionID)
}

// ByCompletionTx returns the certificate of a completion as q (a
// transaction that may not have committed yet) sees it.
func (s *Certificates) ByCompletionTx(ctx context.Context, q sqlx.QueryerContext, completionID int64) (CertificateDetails, error) {
	var d CertificateDetails
	err := sqlx.GetContext(ctx, q, &d, certificateSelect+` WHERE ce.completion_id = $1`, completionID)
	if err = notFound(err); err != nil {
		return d, fmt.Errorf("store: certificate of completion %d: %w", completionID, err)
	}
	return d, nil
}

// ByID returns one certificate.
func (s *Certificates) ByID(ctx context.Context, id int64) (CertificateDetails, error) {
	var d CertificateDetails
	err := s.db.GetContext(ctx, &d, certificateSelect+` WHERE ce.id = $1`, id)
	if err = notFound(err); err != nil {
		return d, fmt.Errorf("store: certificate %d: %w", id, err)
	}
	return d, nil
}

// ForUser returns every certificate of a person, oldest completion first:
// the rows of their training transcript across all cycles.
func (s *Certificates) ForUser(ctx context.Context, userID int64) ([]CertificateDetails, error) {
	var out []CertificateDetails
	err := s.db.SelectContext(ctx, &out, certificateSelect+` WHERE cm.user_id = $1 ORDER BY cm.completed_at, cm.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: certificates of user %d: %w", userID, err)
	}
	return out, nil
}

// CompletionsWithout returns the ids of a person's completions that have no
// certificate yet (recorded before certificates were issued on completion).
func (s *Certificates) CompletionsWithout(ctx context.Context, userID int64) ([]int64, error) {
	var out []int64
	err := s.db.SelectContext(ctx, &out, `SELECT cm.id FROM completions cm
		WHERE cm.user_id = $1 AND NOT EXISTS (SELECT 1 FROM certificates ce WHERE ce.completion_id = cm.id)
		ORDER BY cm.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: completions without certificate: %w", err)
	}
	return out, nil
}

// SubtreeFilter selects completions of people in an organization subtree
// completed in [From, To).
type SubtreeFilter struct {
	OrgID    int64
	From, To time.Time
}

// SubtreeCompletionsWithout returns completions matching f that have no
// certificate yet.
func (s *Certificates) SubtreeCompletionsWithout(ctx context.Context, f SubtreeFilter) ([]int64, error) {
	var out []int64
	err := s.db.SelectContext(ctx, &out, `SELECT cm.id FROM completions cm
		JOIN users u ON u.id = cm.user_id
		WHERE `+InSubtree("u.org_id", "$1")+` AND cm.completed_at >= $2 AND cm.completed_at < $3
		  AND NOT EXISTS (SELECT 1 FROM certificates ce WHERE ce.completion_id = cm.id)
		ORDER BY cm.id`, f.OrgID, f.From, f.To)
	if err != nil {
		return nil, fmt.Errorf("store: subtree completions without certificate: %w", err)
	}
	return out, nil
}

// InSubtree returns up to limit certificates matching f whose completion id
// is above after, in completion-id order: page through with the last id.
func (s *Certificates) InSubtree(ctx context.Context, f SubtreeFilter, after int64, limit int) ([]CertificateDetails, error) {
	var out []CertificateDetails
	err := s.db.SelectContext(ctx, &out, certificateSelect+`
		WHERE `+InSubtree("u.org_id", "$1")+` AND cm.completed_at >= $2 AND cm.completed_at < $3 AND cm.id > $4
		ORDER BY cm.id LIMIT $5`, f.OrgID, f.From, f.To, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: certificates in subtree: %w", err)
	}
	return out, nil
}

// SearchCertificates finds certificates by exact stored code, or by a
// person's name or email containing term (case-insensitive), newest first.
func (s *Certificates) Search(ctx context.Context, code, term string, limit int) ([]CertificateDetails, error) {
	var out []CertificateDetails
	err := s.db.SelectContext(ctx, &out, certificateSelect+`
		WHERE ($1 <> '' AND ce.code = $1)
		   OR ($2 <> '' AND (strpos(lower(u.name), lower($2)) > 0 OR strpos(lower(u.email), lower($2)) > 0))
		ORDER BY ce.issued_at DESC, ce.id DESC LIMIT $3`, code, term, limit)
	if err != nil {
		return nil, fmt.Errorf("store: search certificates: %w", err)
	}
	return out, nil
}

// ForUpdateTx locks a certificate row for a change and returns it.
func (s *Certificates) ForUpdateTx(ctx context.Context, tx *sqlx.Tx, id int64) (CertificateDetails, error) {
	var d CertificateDetails
	err := tx.GetContext(ctx, &d, certificateSelect+` WHERE ce.id = $1 FOR UPDATE OF ce`, id)
	if err = notFound(err); err != nil {
		return d, fmt.Errorf("store: certificate %d: %w", id, err)
	}
	return d, nil
}

// RevokeTx marks a certificate revoked. One already revoked is ErrConflict.
func (s *Certificates) RevokeTx(ctx context.Context, tx *sqlx.Tx, id, by int64, reason string, at time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE certificates SET revoked_at = $2, revoked_by = $3, revoked_reason = $4
		WHERE id = $1 AND revoked_at IS NULL`, id, at, by, reason)
	if err != nil {
		return fmt.Errorf("store: revoke certificate %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: revoke certificate %d: %w", id, ErrConflict)
	}
	return nil
}

// PersonContact is who a certificate email goes to.
type PersonContact struct {
	UserID int64  `db:"id"`
	Name   string `db:"name"`
	Email  string `db:"email"`
}

// ContactForCompletionTx returns the person a completion belongs to.
func (s *Certificates) ContactForCompletionTx(ctx context.Context, q sqlx.QueryerContext, completionID int64) (PersonContact, error) {
	var p PersonContact
	err := sqlx.GetContext(ctx, q, &p, `SELECT u.id, u.name, u.email FROM completions cm JOIN users u ON u.id = cm.user_id
		WHERE cm.id = $1`, completionID)
	if err = notFound(err); err != nil {
		return p, fmt.Errorf("store: contact for completion %d: %w", completionID, err)
	}
	return p, nil
}

// CompletionUser returns whose completion it is.
func (s *Certificates) CompletionUser(ctx context.Context, completionID int64) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT user_id FROM completions WHERE id = $1`, completionID)
	if err = notFound(err); err != nil {
		return 0, fmt.Errorf("store: completion %d: %w", completionID, err)
	}
	return id, nil
}

// TranscriptPerson is the heading of a training transcript.
type TranscriptPerson struct {
	Name    string `db:"name"`
	OrgName string `db:"org_name"`
	JobRole string `db:"job_role"` // role names, comma-separated
}

// TranscriptPerson returns who a transcript is about.
func (s *Certificates) TranscriptPerson(ctx context.Context, userID int64) (TranscriptPerson, error) {
	var p TranscriptPerson
	err := s.db.GetContext(ctx, &p, `SELECT u.name, o.name AS org_name,
		COALESCE((SELECT string_agg(jr.name, ', ' ORDER BY jr.name) FROM user_roles ur
		          JOIN job_roles jr ON jr.code = ur.role_code WHERE ur.user_id = u.id), '') AS job_role
		FROM users u JOIN organizations o ON o.id = u.org_id WHERE u.id = $1`, userID)
	if err = notFound(err); err != nil {
		return p, fmt.Errorf("store: transcript person %d: %w", userID, err)
	}
	return p, nil
}

// OrgChoice is an organization offered for a certificate download.
type OrgChoice struct {
	ID    int64  `db:"id"`
	Code  string `db:"code"`
	Name  string `db:"name"`
	Depth int    `db:"depth"`
}

// OrgChoices returns the active organizations in the subtrees of roots
// (every organization when all), each with its depth below its root, in
// tree order by name.
func (s *Certificates) OrgChoices(ctx context.Context, roots []int64, all bool) ([]OrgChoice, error) {
	var out []OrgChoice
	err := s.db.SelectContext(ctx, &out, `WITH RECURSIVE tree AS (
			SELECT o.id, o.code, o.name, 0 AS depth, ARRAY[o.name, o.id::text] AS path
			FROM organizations o
			WHERE o.deactivated_at IS NULL AND (($2 AND o.parent_id IS NULL) OR o.id = ANY($1))
			UNION ALL
			SELECT o.id, o.code, o.name, t.depth + 1, t.path || ARRAY[o.name, o.id::text]
			FROM organizations o JOIN tree t ON o.parent_id = t.id
			WHERE o.deactivated_at IS NULL)
		SELECT id, code, name, depth FROM tree ORDER BY path`, int64Array(roots), all)
	if err != nil {
		return nil, fmt.Errorf("store: organization choices: %w", err)
	}
	return out, nil
}
