package catalog

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/waymark/waymark/internal/store"
)

// Versions converts the catalog into rows for the course store.
func (cat *Catalog) Versions() ([]store.CourseVersion, error) {
	out := make([]store.CourseVersion, 0, len(cat.Courses))
	for _, c := range cat.Courses {
		content, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("catalog: encode %s: %w", c.Slug, err)
		}
		out = append(out, store.CourseVersion{
			Slug: c.Slug, ContentHash: c.Hash, Version: c.Version, Code: c.Code, Title: c.Title,
			Kind: c.Kind, Language: c.Language, Minutes: c.Minutes, PassMark: c.PassMark,
			RenewalMonths: c.RenewalMonths, LessonCount: len(c.Lessons), Audiences: c.Audiences, Content: content,
		})
	}
	return out, nil
}

// Sync writes the catalog's versions into the database.
func Sync(ctx context.Context, courses *store.Courses, cat *Catalog) (store.SyncResult, error) {
	vs, err := cat.Versions()
	if err != nil {
		return store.SyncResult{}, err
	}
	return courses.Sync(ctx, vs)
}
