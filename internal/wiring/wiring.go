// Package wiring builds Waymark once: one service per area over the
// stores (store.New), the hooks between areas, and the web app's Deps. `waymark serve` and the other
// commands, the web tests and the e2e server all start here, so an area is
// wired in this one file.
package wiring

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/certificate"
	"github.com/waymark/waymark/internal/config"
	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/remind"
	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/scim"
	"github.com/waymark/waymark/internal/sso"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/web"
	"github.com/waymark/waymark/templates"
)

// Base is what the wiring starts from.
type Base struct {
	Config  *config.Config
	DB      *sqlx.DB
	Log     *slog.Logger
	Stores  *store.Stores    // store.New: every store, its hot statements prepared
	Catalog *catalog.Catalog // synced (catalog.Sync) through Stores.Courses
	Roles   []store.JobRole
	Now     func() time.Time // default time.Now
	// HTTPClient reaches identity providers (discovery, keys, tokens,
	// metadata); default: a 10-second timeout.
	HTTPClient *http.Client
}

// New builds the services over the stores, with their hooks. It fails
// when the email templates do not parse or a catalog course is not synced.
//
// The hooks are passed at construction, so the services are built in the
// one order they allow: certificate, then learning (a completion issues
// its certificate and queues its email in the completion's transaction),
// then people (a change of job roles, organization or active state
// reconciles assignments in the change's transaction).
func New(ctx context.Context, b Base) (web.Deps, error) {
	if b.Now == nil {
		b.Now = time.Now
	}
	cfg, db, st, now := b.Config, b.DB, b.Stores, b.Now
	if st == nil {
		return web.Deps{}, errors.New("wiring: Base.Stores is not set")
	}
	mailer, err := Mail(cfg)
	if err != nil {
		return web.Deps{}, err
	}
	certs, err := certificate.New(db, certificate.Options{BaseURL: cfg.BaseURL.String(), Mail: mailer,
		Now: now, Location: cfg.Location})
	if err != nil {
		return web.Deps{}, err
	}
	learn, err := learning.New(ctx, db, st, b.Catalog, learning.Options{Now: now, Location: cfg.Location,
		RenewalWindowDays: cfg.RenewalWindowDays, TrainingYearEnd: cfg.TrainingYearEnd, OnCompleted: certs.OnCompleted})
	if err != nil {
		return web.Deps{}, err
	}
	ppl := people.New(db, st, people.Options{Mail: mailer, Now: now, OnPeopleChanged: learn.Reconcile})
	// Sign-in with identity providers creates people through ppl, and
	// tells password sign-in which emails belong to a provider.
	signOn, err := sso.New(db, st, ppl, sso.Options{Key: cfg.SSOSecretKey, BaseURL: cfg.BaseURL.String(), Now: now, HTTPClient: b.HTTPClient})
	if err != nil {
		return web.Deps{}, err
	}
	// SCIM provisioning changes people only through ppl, so its changes
	// reconcile assignments like every other.
	provisioning := scim.New(db, st, ppl, scim.Options{BaseURL: cfg.BaseURL.String(), Now: now})
	return web.Deps{Config: cfg, DB: db, Log: b.Log, Catalog: b.Catalog, Roles: b.Roles, Now: now,
		Stores: st, Mail: mailer, Auth: &auth.Service{Users: st.Users, Sessions: st.Sessions, Now: now, Federation: signOn},
		People:   ppl,
		Learning: learn, Certificates: certs,
		Reports:    report.New(db, report.Options{Location: cfg.Location, Now: now, Mail: mailer}),
		Prevention: prevention.New(db, b.Catalog, prevention.Options{Now: now}),
		Outbox:     &mail.Outbox{DB: db, Now: now}, Lists: &mail.Lists{DB: db, Now: now},
		Areas: []web.Area{web.NewSSOArea(signOn), web.NewSCIMArea(provisioning)}}, nil
}

// Mail is the email renderer: one per process (New builds it for the
// services; `waymark remind`, which needs no other service, builds it
// alone).
func Mail(cfg *config.Config) (*mail.Renderer, error) {
	return mail.NewRenderer(templates.FS, "email", cfg.BaseURL.String())
}

// Reminders is the reminder sweep and the mail sender, with the sweep's
// send-time re-check as the sender's Prepare hook.
type Reminders struct {
	Sweep  *remind.Service
	Sender *mail.Sender
}

// NewReminders builds the sweep and the sender from the configuration:
// SMTP or .eml files, the reminder rules and quiet hours of the time zone.
func NewReminders(cfg *config.Config, db *sqlx.DB, mailer *mail.Renderer, log *slog.Logger, now func() time.Time) (*Reminders, error) {
	tr, err := mail.NewTransport(cfg.SMTPURL, cfg.MailDir, cfg.MailWorkers, log)
	if err != nil {
		return nil, err
	}
	rules := remind.DefaultRules(cfg.Location)
	svc := &remind.Service{DB: db, Mail: mailer, Rules: rules, Now: now}
	policy := mail.DefaultPolicy(cfg.Location)
	policy.Quiet = rules.Quiet
	policy.BaseDelay, policy.Lease, policy.Batch, policy.Workers = cfg.MailRetryBase, cfg.MailLease, cfg.MailBatch, cfg.MailWorkers
	return &Reminders{Sweep: svc, Sender: &mail.Sender{DB: db, Transport: tr, From: cfg.MailFrom, Now: now,
		Policy: policy, Prepare: svc.Prepare, Log: log}}, nil
}
