package mail

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"time"
)

// Envelope is one message ready for a Transport: addresses, subject, both
// parts and any extra headers (List-Unsubscribe…).
type Envelope struct {
	ID        int64 // outbox id, used for file names
	From      string
	To        string
	Subject   string
	Text      string
	HTML      string
	Headers   map[string]string
	MessageID string
	Date      time.Time
}

// Transport delivers one message. It is the seam between the outbox and the
// world: SMTP in production, .eml files locally. Errors are classified by
// wrapping ErrTemporary, ErrPermanent or ErrUnavailable.
type Transport interface {
	Send(ctx context.Context, e Envelope) error
}

// Error classes a Transport reports (test with errors.Is).
var (
	// ErrTemporary: this message may go through later (a 4xx reply).
	ErrTemporary = errors.New("temporary delivery failure")
	// ErrPermanent: this message will never go through (a 5xx reply).
	ErrPermanent = errors.New("permanent delivery failure")
	// ErrUnavailable: the server cannot be reached or refused the session
	// (connection refused, timeout, authentication): nothing else will go
	// through now either.
	ErrUnavailable = errors.New("mail server unavailable")
)

// idleCloser is implemented by transports that keep connections open between
// messages; the sender closes them at the end of each pass.
type idleCloser interface{ CloseIdle() }

// NewTransport chooses the transport from the configuration: SMTP when
// smtpURL is set (keeping up to poolSize connections open, one per
// worker), otherwise .eml files in dir, each path logged.
func NewTransport(smtpURL *url.URL, dir string, poolSize int, log *slog.Logger) (Transport, error) {
	if smtpURL == nil {
		return &DirTransport{Dir: dir, Log: log}, nil
	}
	return NewSMTP(smtpURL, SMTPOptions{PoolSize: poolSize})
}
