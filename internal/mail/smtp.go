package mail

// This is the only file that uses gopkg.in/mail.v2: MIME composition (for
// SMTP and for .eml files). Swapping the library touches this file alone.
// The SMTP conversation (net/smtp, with a deadline on every step) is in
// smtpconn.go.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	netmail "net/mail"
	"net/textproto"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	gomail "gopkg.in/mail.v2"
)

// SMTPOptions are settings SMTP_URL does not carry.
type SMTPOptions struct {
	TLSConfig *tls.Config   // nil: verify the server's name against the system roots
	Timeout   time.Duration // per SMTP step (dial, greeting, each command and reply); default 10s
	PoolSize  int           // connections kept open during a pass; default 4
}

// SMTP sends through an SMTP server, reusing connections within a pass.
// The conversation itself is in smtpconn.go (net/smtp): every step has its
// own deadline, and a failure is classified by the step it happened in.
type SMTP struct {
	host, addr string
	ssl        bool
	startTLS   startTLSPolicy
	user, pass string
	tlsConfig  *tls.Config
	timeout    time.Duration
	idle       chan *smtpConn
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
	s := &SMTP{host: u.Hostname(), addr: net.JoinHostPort(u.Hostname(), strconv.Itoa(port)), ssl: u.Scheme == "smtps",
		tlsConfig: opts.TLSConfig, timeout: opts.Timeout}
	if s.timeout <= 0 {
		s.timeout = 10 * time.Second
	}
	if s.tlsConfig == nil {
		s.tlsConfig = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	switch mode := u.Query().Get("tls"); mode {
	case "", "opportunistic", "starttls":
		s.startTLS = startTLSOpportunistic
	case "required", "mandatory":
		s.startTLS = startTLSRequired
	case "none", "off":
		s.startTLS = startTLSNone
	default:
		return nil, fmt.Errorf("mail: SMTP_URL tls=%q: use opportunistic, required or none", mode)
	}
	if opts.PoolSize <= 0 {
		opts.PoolSize = 4
	}
	s.idle = make(chan *smtpConn, opts.PoolSize)
	return s, nil
}

// Send delivers e over a pooled connection, dialing when none is idle.
// Only a pooled connection found dead before MAIL FROM was accepted is
// replaced and the message tried again at once: after that the server may
// hold a transaction, and after DATA it may have the message.
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
		conn, pooled, err := s.conn(ctx)
		if err != nil {
			return classifyDial(err)
		}
		st, err := conn.send(from.Address, to.Address, msg)
		if err == nil {
			s.put(conn)
			return nil
		}
		conn.close()
		var reply *textproto.Error
		switch {
		case st == stepMail && pooled && try == 0 && (!errors.As(err, &reply) || reply.Code == 421):
			continue // the idle connection had died or timed out: nothing reached the server
		case errors.As(err, &reply):
			return classifyReply(reply, err)
		case st == stepBody:
			return fmt.Errorf("%w: %w: %w", ErrUnavailable, errOutcomeUnknown, err)
		default:
			return fmt.Errorf("%w: %s: %w", ErrUnavailable, st, err)
		}
	}
}

// classifyReply maps an SMTP reply to an error class: 421 (the service is
// closing the channel) is an outage, other 4xx concern this message for now,
// 5xx this message for good.
func classifyReply(reply *textproto.Error, err error) error {
	switch {
	case reply.Code == 421:
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	case reply.Code >= 500:
		return fmt.Errorf("%w: %w", ErrPermanent, err)
	default:
		return fmt.Errorf("%w: %w", ErrTemporary, err)
	}
}

func (s *SMTP) conn(ctx context.Context) (*smtpConn, bool, error) {
	select {
	case c := <-s.idle:
		return c, true, nil
	default:
	}
	c, err := s.dial(ctx)
	return c, false, err
}

func (s *SMTP) put(c *smtpConn) {
	select {
	case s.idle <- c:
	default:
		c.quit()
	}
}

// CloseIdle quits every pooled connection.
func (s *SMTP) CloseIdle() {
	for {
		select {
		case c := <-s.idle:
			c.quit()
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
