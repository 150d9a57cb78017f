package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// CourseVersion is a stored version of a course's content.
type CourseVersion struct {
	ID            int64          `db:"id"`
	CourseID      int64          `db:"course_id"`
	Slug          string         `db:"slug"`
	ContentHash   string         `db:"content_hash"`
	Version       string         `db:"version"`
	Code          string         `db:"code"`
	Title         string         `db:"title"`
	Kind          string         `db:"kind"`
	Language      string         `db:"language"`
	Minutes       int            `db:"minutes"`
	PassMark      int            `db:"pass_mark"`
	RenewalMonths int            `db:"renewal_months"`
	LessonCount   int            `db:"lesson_count"`
	Audiences     pq.StringArray `db:"audiences"`
	Content       []byte         `db:"content"`
}

// SyncResult counts what a catalog sync wrote.
type SyncResult struct {
	NewCourses  int
	NewVersions int
	Repointed   int
	Unchanged   int
}

// Courses stores courses and their versions.
type Courses struct{ db *sqlx.DB }

// NewCourses returns the course store.
func NewCourses(db *sqlx.DB) *Courses { return &Courses{db: db} }

// Sync makes v the current version of its course, creating the course and
// the version when they are new. Unchanged content writes nothing.
func (s *Courses) Sync(ctx context.Context, versions []CourseVersion) (SyncResult, error) {
	var res SyncResult
	err := InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		for _, v := range versions {
			if err := syncOne(ctx, tx, v, &res); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

func syncOne(ctx context.Context, tx *sqlx.Tx, v CourseVersion, res *SyncResult) error {
	var course struct {
		ID      int64  `db:"id"`
		Current *int64 `db:"current_version_id"`
	}
	err := notFound(tx.GetContext(ctx, &course, `SELECT id, current_version_id FROM courses WHERE slug = $1`, v.Slug))
	if err == ErrNotFound {
		if err := tx.GetContext(ctx, &course.ID, `INSERT INTO courses (slug) VALUES ($1) RETURNING id`, v.Slug); err != nil {
			return fmt.Errorf("store: create course %q: %w", v.Slug, err)
		}
		res.NewCourses++
	} else if err != nil {
		return fmt.Errorf("store: get course %q: %w", v.Slug, err)
	}
	var versionID int64
	err = notFound(tx.GetContext(ctx, &versionID,
		`SELECT id FROM course_versions WHERE course_id = $1 AND content_hash = $2`, course.ID, v.ContentHash))
	if err == ErrNotFound {
		err = tx.GetContext(ctx, &versionID, `INSERT INTO course_versions
			(course_id, content_hash, version, code, title, kind, language, minutes, pass_mark,
			 renewal_months, lesson_count, audiences, content)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id`,
			course.ID, v.ContentHash, v.Version, v.Code, v.Title, v.Kind, v.Language, v.Minutes, v.PassMark,
			v.RenewalMonths, v.LessonCount, v.Audiences, v.Content)
		if err != nil {
			return fmt.Errorf("store: add version of %q: %w", v.Slug, err)
		}
		res.NewVersions++
	} else if err != nil {
		return fmt.Errorf("store: find version of %q: %w", v.Slug, err)
	}
	if course.Current != nil && *course.Current == versionID {
		res.Unchanged++
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE courses SET current_version_id = $1 WHERE id = $2`, versionID, course.ID); err != nil {
		return fmt.Errorf("store: set current version of %q: %w", v.Slug, err)
	}
	res.Repointed++
	return nil
}

// CurrentVersions returns the current version of every course, keyed by slug.
func (s *Courses) CurrentVersions(ctx context.Context) (map[string]CourseVersion, error) {
	var rows []CourseVersion
	err := s.db.SelectContext(ctx, &rows, `SELECT v.id, v.course_id, c.slug, v.content_hash, v.version, v.code,
		v.title, v.kind, v.language, v.minutes, v.pass_mark, v.renewal_months, v.lesson_count, v.audiences, v.content
		FROM courses c JOIN course_versions v ON v.id = c.current_version_id`)
	if err != nil {
		return nil, fmt.Errorf("store: current versions: %w", err)
	}
	out := make(map[string]CourseVersion, len(rows))
	for _, r := range rows {
		out[r.Slug] = r
	}
	return out, nil
}

// Version returns one stored version by id.
func (s *Courses) Version(ctx context.Context, id int64) (CourseVersion, error) {
	var v CourseVersion
	err := s.db.GetContext(ctx, &v, `SELECT v.id, v.course_id, c.slug, v.content_hash, v.version, v.code,
		v.title, v.kind, v.language, v.minutes, v.pass_mark, v.renewal_months, v.lesson_count, v.audiences, v.content
		FROM course_versions v JOIN courses c ON c.id = v.course_id WHERE v.id = $1`, id)
	if err = notFound(err); err != nil {
		return v, fmt.Errorf("store: course version %d: %w", id, err)
	}
	return v, nil
}

// DecodeContent unmarshals a version's stored content into v.
func (cv CourseVersion) DecodeContent(v any) error {
	return json.Unmarshal(cv.Content, v)
}
