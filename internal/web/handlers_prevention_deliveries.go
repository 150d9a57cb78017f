package web

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// deliveryPage is what the log / edit form of a delivered session shows.
type deliveryPage struct {
	Class      prevention.Class
	Curriculum prevention.Curriculum
	Session    prevention.Session
	Delivery   *prevention.Delivery
	Editable   bool
	Prep       prevention.Preparation
	Teaches    bool
	Others     []prevention.Facilitator // possible co-facilitators
	Form       prevention.DeliveryForm
	Errors     validate.Errors
	Today      string
}

// loadDeliveryPage gathers the class, its session n and the viewer's standing.
func (a *App) loadDeliveryPage(c *fiber.Ctx, n int) (*deliveryPage, error) {
	ctx, svc := c.UserContext(), a.prevention.svc
	class, err := a.preventionClass(c)
	if err != nil {
		return nil, err
	}
	cur, err := svc.ClassCurriculum(ctx, class)
	if err != nil {
		return nil, err
	}
	sess, ok := cur.Session(n)
	if !ok {
		return nil, fmt.Errorf("web: session %d: %w", n, store.ErrNotFound)
	}
	p := &deliveryPage{Class: class, Curriculum: cur, Session: sess, Editable: true, Errors: validate.Errors{},
		Today: a.now().Format(time.DateOnly)}
	if p.Prep, err = svc.Preparation(ctx, viewerOf(c).ID, cur.PrepCourse); err != nil {
		return nil, err
	}
	facs, err := svc.Facilitators(ctx, class.ID)
	if err != nil {
		return nil, err
	}
	for _, f := range facs {
		if f.UserID == viewerOf(c).ID {
			p.Teaches = true
		} else {
			p.Others = append(p.Others, f)
		}
	}
	return p, nil
}

func deliveryFormOf(c *fiber.Ctx, sess prevention.Session) prevention.DeliveryForm {
	f := prevention.DeliveryForm{Date: formValue(c, "date"), Minutes: formValue(c, "minutes"),
		Attendance: formValue(c, "attendance"), Adaptations: formValue(c, "adaptations"), Notes: formValue(c, "notes"),
		CoFacilitator: formValue(c, "co_facilitator"), Marks: map[string]string{}}
	for _, comp := range sess.Components {
		f.Marks[comp.Key] = formValue(c, "mark_"+comp.Key)
	}
	return f
}

func (a *App) renderDelivery(c *fiber.Ctx, status int, p *deliveryPage) error {
	title := "Log " + p.Session.Title
	if p.Delivery != nil {
		title = "Session record: " + p.Session.Title
	}
	return a.renderPrevention(c, status, "prevention_delivery", title, p)
}

// handleDeliveryNew shows the form to log session n of a class.
func (a *App) handleDeliveryNew(c *fiber.Ctx) error {
	n, err := paramNumber(c, "n")
	if err != nil {
		return err
	}
	p, err := a.loadDeliveryPage(c, n)
	if err != nil {
		return err
	}
	ds, err := a.prevention.svc.Deliveries(c.UserContext(), p.Class.ID)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.Session == n {
			return c.Redirect(fmt.Sprintf("/prevention/classes/%d/deliveries/%d", p.Class.ID, d.ID), fiber.StatusSeeOther)
		}
	}
	p.Form = prevention.DeliveryForm{Date: p.Today, Minutes: strconv.Itoa(p.Session.Minutes), Marks: map[string]string{}}
	return a.renderDelivery(c, fiber.StatusOK, p)
}

// handleDeliveryCreate logs session n of a class.
func (a *App) handleDeliveryCreate(c *fiber.Ctx) error {
	n, err := paramNumber(c, "n")
	if err != nil {
		return err
	}
	p, err := a.loadDeliveryPage(c, n)
	if err != nil {
		return err
	}
	p.Form = deliveryFormOf(c, p.Session)
	_, err = a.prevention.svc.LogDelivery(c.UserContext(), actorOf(c), p.Class.ID, n, p.Form)
	if errs, ok := validate.As(err); ok {
		p.Errors = errs
		return a.renderDelivery(c, fiber.StatusUnprocessableEntity, p)
	}
	if err != nil {
		return err
	}
	a.setFlash(c, fmt.Sprintf("Session %d was logged. You can correct it for 7 days.", n))
	return c.Redirect(fmt.Sprintf("/prevention/classes/%d#sessions", p.Class.ID), fiber.StatusSeeOther)
}

// loadDelivery loads the page of an existing record.
func (a *App) loadDelivery(c *fiber.Ctx) (*deliveryPage, error) {
	classID, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	did, err := paramID(c, "did")
	if err != nil {
		return nil, err
	}
	d, err := a.prevention.svc.Delivery(c.UserContext(), actorOf(c), classID, did)
	if err != nil {
		return nil, err
	}
	p, err := a.loadDeliveryPage(c, d.Session)
	if err != nil {
		return nil, err
	}
	p.Delivery, p.Editable, p.Form = &d, a.prevention.svc.Editable(d), d.FormOf()
	return p, nil
}

// handleDeliveryEdit shows a session record: a form while it is editable,
// read-only once locked.
func (a *App) handleDeliveryEdit(c *fiber.Ctx) error {
	p, err := a.loadDelivery(c)
	if err != nil {
		return err
	}
	return a.renderDelivery(c, fiber.StatusOK, p)
}

// handleDeliveryUpdate changes a session record within its 7 days.
func (a *App) handleDeliveryUpdate(c *fiber.Ctx) error {
	p, err := a.loadDelivery(c)
	if err != nil {
		return err
	}
	p.Form = deliveryFormOf(c, p.Session)
	err = a.prevention.svc.UpdateDelivery(c.UserContext(), actorOf(c), p.Class.ID, p.Delivery.ID, p.Form)
	if errs, ok := validate.As(err); ok {
		p.Errors = errs
		return a.renderDelivery(c, fiber.StatusUnprocessableEntity, p)
	}
	if err != nil {
		return err
	}
	a.setFlash(c, fmt.Sprintf("The record of session %d was updated.", p.Session.N))
	return c.Redirect(fmt.Sprintf("/prevention/classes/%d#sessions", p.Class.ID), fiber.StatusSeeOther)
}
