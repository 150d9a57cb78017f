package mail

// This is the only file that uses gopkg.in/mail.v2: MIME composition (for
// SMTP and for .eml files) and the SMTP client. Swapping the library touches
// this file alone.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"net/textproto"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "gopkg.in/mail.v2"
)

// SMTPOptions are settings SMTP_URL does not carry.
type SMTPOptions struct {
	TLSConfig *tls.Config   // nil: verify the server's name against the system roots
	Timeout   time.Duration // per connection and per message; default 10s
	PoolSize  int           // connections kept open during a pass; default 4
}

// SMTP sends through an SMTP server, reusing connections within a pass.
type SMTP struct {
	dialMu sync.Mutex // gomail's Dial picks the AUTH mechanism on first use
	dialer *gomail.Dialer
	idle   chan gomail.SendCloser
}

// NewSMTP configures the client from SMTP_URL:
//
//	smtp://user:pass@host:587               STARTTLS when the server offers it
//	smtp://host:587?tls=required            STARTTLS or fail
//	smtp://host:25?tls=none                 plain text (a local relay)
//	smtps://user:pass@host:465              TLS from the first byte
func NewSMTP(u *url.URL, opts SMTPOptions) (*SMTP, error) {
	port := 587
	if u.Scheme == "smtps" {
		port = 465
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("mail: SMTP_URL port %q", p)
		}
		port = n
	}
	d := &gomail.Dialer{Host: u.Hostname(), Port: port, SSL: u.Scheme == "smtps", TLSConfig: opts.TLSConfig,
		Timeout: opts.Timeout, RetryFailure: false}
	if d.Timeout == 0 {
		d.Timeout = 10 * time.Second
	}
	if u.User != nil {
		d.Username = u.User.Username()
		d.Password, _ = u.User.Password()
	}
	switch mode := u.Query().Get("tls"); mode {
	case "", "opportunistic", "starttls":
		d.StartTLSPolicy = gomail.OpportunisticStartTLS
	case "required", "mandatory":
		d.StartTLSPolicy = gomail.MandatoryStartTLS
	case "none", "off":
		d.StartTLSPolicy = gomail.NoStartTLS
	default:
		return nil, fmt.Errorf("mail: SMTP_URL tls=%q: use opportunistic, required or none", mode)
	}
	if opts.PoolSize <= 0 {
		opts.PoolSize = 4
	}
	return &SMTP{dialer: d, idle: make(chan gomail.SendCloser, opts.PoolSize)}, nil
}

// Send delivers e over a pooled connection, dialing when none is idle. A
// pooled connection that died while idle is replaced once.
func (s *SMTP) Send(ctx context.Context, e Envelope) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrTemporary, err)
	}
	from, err := netmail.ParseAddress(e.From)
	if err != nil {
		return fmt.Errorf("%w: sender address: %w", ErrUnavailable, err)
	}
	to, err := netmail.ParseAddress(e.To)
	if err != nil {
		return fmt.Errorf("%w: recipient address: %w", ErrPermanent, err)
	}
	msg := compose(e)
	for try := 0; ; try++ {
		conn, pooled, err := s.conn()
		if err != nil {
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		err = conn.Send(from.Address, []string{to.Address}, msg)
		if err == nil {
			s.put(conn)
			return nil
		}
		conn.Close()
		var reply *textproto.Error
		if errors.As(err, &reply) {
			if reply.Code >= 500 {
				return fmt.Errorf("%w: %w", ErrPermanent, err)
			}
			return fmt.Errorf("%w: %w", ErrTemporary, err)
		}
		if !pooled || try > 0 {
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
	}
}

func (s *SMTP) conn() (gomail.SendCloser, bool, error) {
	select {
	case c := <-s.idle:
		return c, true, nil
	default:
	}
	s.dialMu.Lock()
	defer s.dialMu.Unlock()
	c, err := s.dialer.Dial()
	return c, false, err
}

func (s *SMTP) put(c gomail.SendCloser) {
	select {
	case s.idle <- c:
	default:
		c.Close()
	}
}

// CloseIdle quits every pooled connection.
func (s *SMTP) CloseIdle() {
	for {
		select {
		case c := <-s.idle:
			c.Close()
		default:
			return
		}
	}
}

// compose builds the MIME message: text/plain and text/html alternatives.
func compose(e Envelope) *gomail.Message {
	m := gomail.NewMessage()
	setAddress(m, "From", e.From)
	setAddress(m, "To", e.To)
	m.SetHeader("Subject", oneLine(e.Subject))
	date := e.Date
	if date.IsZero() {
		date = time.Now()
	}
	m.SetDateHeader("Date", date)
	if e.MessageID != "" {
		m.SetHeader("Message-ID", e.MessageID)
	}
	m.SetHeader("Auto-Submitted", "auto-generated")
	keys := make([]string, 0, len(e.Headers))
	for k := range e.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m.SetHeader(textproto.CanonicalMIMEHeaderKey(oneLine(k)), oneLine(e.Headers[k]))
	}
	m.SetBody("text/plain", e.Text)
	m.AddAlternative("text/html", e.HTML)
	return m
}

func setAddress(m *gomail.Message, field, value string) {
	if a, err := netmail.ParseAddress(value); err == nil {
		m.SetAddressHeader(field, a.Address, a.Name)
		return
	}
	m.SetHeader(field, oneLine(value))
}

// writeMessage writes e as an RFC 5322 message (an .eml file's content).
func writeMessage(w io.Writer, e Envelope) error {
	_, err := compose(e).WriteTo(w)
	return err
}

// oneLine keeps header values on one line (no header injection).
func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}
