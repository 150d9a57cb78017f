// Package web is the Fiber application: routes, middleware, handlers by
// area and error pages. Fiber types never leave this package.
package web

import (
	"fmt"
	"html/template"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/certificate"
	"github.com/waymark/waymark/internal/config"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/templates"
)

// Deps is everything the web app needs, built once by internal/wiring:
// the settings and the pool, the stores, and one service per area with
// its hooks already set. New refuses a Deps with a part missing.
type Deps struct {
	Config  *config.Config
	DB      *sqlx.DB
	Log     *slog.Logger
	Catalog *catalog.Catalog
	Roles   []store.JobRole
	Now     func() time.Time

	Stores       *store.Stores
	Mail         *mail.Renderer
	Auth         *auth.Service
	People       *people.Service
	Learning     *learning.Service
	Certificates *certificate.Service
	Reports      *report.Service
	Prevention   *prevention.Service
	Outbox       *mail.Outbox // the admin view of the queue
	Lists        *mail.Lists  // digest unsubscribe tokens

	// Areas are the areas added since, each from its own area_*.go (see
	// Area), in the order their routes are registered.
	Areas []Area
}

// check names the first part of d that is missing.
func (d Deps) check() error {
	for _, p := range []struct {
		name string
		set  bool
	}{{"Config", d.Config != nil}, {"DB", d.DB != nil}, {"Log", d.Log != nil}, {"Catalog", d.Catalog != nil},
		{"Stores", d.Stores != nil}, {"Mail", d.Mail != nil}, {"Auth", d.Auth != nil}, {"People", d.People != nil},
		{"Learning", d.Learning != nil}, {"Certificates", d.Certificates != nil}, {"Reports", d.Reports != nil},
		{"Prevention", d.Prevention != nil}, {"Outbox", d.Outbox != nil}, {"Lists", d.Lists != nil}} {
		if !p.set {
			return fmt.Errorf("web: Deps.%s is not set", p.name)
		}
	}
	return nil
}

// App holds the handlers' dependencies.
type App struct {
	cfg     *config.Config
	db      *sqlx.DB
	log     *slog.Logger
	cat     *catalog.Catalog
	roles   []store.JobRole
	roleMap map[string]string
	now     func() time.Time
	tmpl    *Templates
	metrics *metrics
	auth    *auth.Service
	users   *store.Users
	mail    *mail.Renderer

	// One struct per area, each defined in its area_*.go file.
	people       peopleArea
	learning     learningArea
	certificates certificatesArea
	mailArea     mailArea
	reports      reportsArea
	prevention   preventionArea

	areas []Area // Deps.Areas

	catalogBodies fragmentCache[catalogKey]
}

// New builds the Fiber app. It fails when a part of d is missing or a
// template does not parse.
func New(d Deps) (*fiber.App, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	a := &App{cfg: d.Config, db: d.DB, log: d.Log, cat: d.Catalog, roles: d.Roles, now: d.Now,
		roleMap: map[string]string{}, catalogBodies: fragmentCache[catalogKey]{max: catalogBodies}}
	if a.now == nil {
		a.now = time.Now
	}
	for _, r := range d.Roles {
		a.roleMap[r.Code] = r.Name
	}
	tmpl, err := ParseTemplates(templates.FS, template.FuncMap{
		"roleName": a.roleName,
	})
	if err != nil {
		return nil, err
	}
	a.tmpl = tmpl
	a.metrics = newMetrics(d.DB)
	a.users, a.auth, a.mail = d.Stores.Users, d.Auth, d.Mail
	// Each area takes its part of d; the order does not matter, since the
	// services arrive built with their hooks set (internal/wiring).
	for _, init := range []func(Deps) error{a.initPeople, a.initLearning, a.initCertificates, a.initMail, a.initReports, a.initPrevention} {
		if err := init(d); err != nil {
			return nil, err
		}
	}
	for _, ar := range d.Areas {
		if ar == nil {
			return nil, fmt.Errorf("web: Deps.Areas holds a nil area")
		}
		if err := ar.init(a); err != nil {
			return nil, err
		}
	}
	a.areas = d.Areas
	app := fiber.New(fiber.Config{
		ErrorHandler:          a.errorHandler,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		BodyLimit:             20 << 20,
		ProxyHeader:           "",
	})
	if err := a.routes(app); err != nil {
		return nil, err
	}
	return app, nil
}

func (a *App) roleName(code string) string {
	if n, ok := a.roleMap[code]; ok {
		return n
	}
	return code
}
