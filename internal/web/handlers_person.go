package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/mail"
)

// personPage is a manager's page about one person in their scope.
type personPage struct {
	ID           int64
	Name, Email  string
	OrgName      string
	RoleNames    string
	Deactivated  bool
	Training     learning.MyTraining
	Certificates []certificateRow
	Messages     []personMessage
	Transcript   string
	Assign       string
	Back         string
}

// personMessage is one email Waymark queued for the person.
type personMessage struct {
	What, Subject, Status string
	Queued                time.Time
	Sent                  *time.Time
}

// personMessages is how many of a person's latest emails the page lists.
const personMessages = 50

// handlePerson shows one person in the viewer's scope: assignments and
// completions, certificates, credited hours and the reminders sent. A
// person outside the scope (another organization's) is not found.
func (a *App) handlePerson(c *fiber.Ctx) error {
	userID, err := a.personInScope(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	u, err := a.users.ByID(ctx, userID)
	if err != nil {
		return err
	}
	org, err := a.learning.orgs.ByID(ctx, u.OrgID)
	if err != nil {
		return err
	}
	roles, err := a.users.Roles(ctx, userID)
	if err != nil {
		return err
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = a.roleName(r)
	}
	tr, err := a.learning.svc.Training(ctx, userID)
	if err != nil {
		return err
	}
	base := "/manage/people/" + strconv.FormatInt(userID, 10)
	certs, err := a.certificateRows(c, userID, func(id int64) string {
		return base + "/certificates/" + strconv.FormatInt(id, 10) + ".pdf"
	})
	if err != nil {
		return err
	}
	msgs, err := a.mailArea.outbox.ForUser(ctx, userID, personMessages)
	if err != nil {
		return err
	}
	p := personPage{ID: userID, Name: u.Name, Email: u.Email, OrgName: org.Name, RoleNames: strings.Join(names, ", "),
		Deactivated: !u.Active(), Training: tr, Certificates: certs, Transcript: base + "/transcript.pdf",
		Assign: "/manage/assign?user=" + strconv.FormatInt(userID, 10), Back: "/manage/people?q=" + url.QueryEscape(u.Email)}
	loc := a.cfg.Location
	for _, m := range msgs {
		p.Messages = append(p.Messages, personMessage{What: messageKind(m), Subject: m.Subject, Status: m.Status,
			Queued: m.CreatedAt.In(loc), Sent: inLoc(m.SentAt, loc)})
	}
	return a.render(c, fiber.StatusOK, "reports_person", Page{Title: u.Name, Data: p})
}

// messageKind names an outbox kind for a manager.
func messageKind(m mail.Row) string {
	switch k := m.Kind; {
	case k == "manual-remind":
		return "Reminder from a manager"
	case k == "nudge" || strings.HasPrefix(k, "nudge."):
		return "Reminder from a manager, about one course"
	case strings.HasPrefix(k, "reminder.due-"):
		return "Due-date reminder"
	case strings.HasPrefix(k, "reminder.overdue-"):
		return "Overdue reminder"
	case strings.HasPrefix(k, "reminder.expiring-"):
		return "Renewal reminder"
	case strings.HasPrefix(k, "reminder.manager-"):
		return "Reminder to their manager"
	case k == "certificate.ready":
		return "Certificate ready"
	case k == "invite":
		return "Invitation"
	case k == "reset":
		return "Password reset"
	case k == "digest":
		return "Weekly digest"
	}
	return m.Kind
}
