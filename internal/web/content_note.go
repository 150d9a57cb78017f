package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/catalog"
)

// The content note of a sensitive course shows in full once per visit to
// the course: on the first of its pages a person opens (the course page
// or any lesson), and as one short line linking to the help lines after.
// A visit is marked by a cookie that holds nothing but "1", scoped to the
// course's pages and gone after noteVisit, so
// nothing about the person is stored and no query is made.
const (
	noteCookie = "waymark_note"
	noteVisit  = 3 * 60 * 60 // seconds: a visit
)

// firstPageOfVisit reports whether this request is the first page of a
// visit to a sensitive course, and marks the visit. Other courses have no
// note: false.
func (a *App) firstPageOfVisit(c *fiber.Ctx, course *catalog.Course) bool {
	if !course.Sensitive {
		return false
	}
	if c.Cookies(noteCookie) == "1" {
		return false
	}
	c.Cookie(&fiber.Cookie{Name: noteCookie, Value: "1", Path: "/my/courses/" + course.Slug, MaxAge: noteVisit,
		HTTPOnly: true, Secure: a.cfg.Secure(), SameSite: "Lax"})
	return true
}
