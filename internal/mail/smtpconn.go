package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

type startTLSPolicy int

const (
	startTLSOpportunistic startTLSPolicy = iota
	startTLSRequired
	startTLSNone
)

// step is where in the SMTP conversation a message's send failed.
type step string

const (
	stepMail step = "MAIL FROM"
	stepRcpt step = "RCPT TO"
	stepData step = "DATA"
	stepBody step = "message body"
)

// errOutcomeUnknown marks a connection lost after the message was sent but
// before the server's reply: the server may have it. It is not resent at
// once, and the try counts.
var errOutcomeUnknown = errors.New("connection lost after DATA; the server may have the message")

// smtpConn is one open SMTP session.
type smtpConn struct {
	c    *smtp.Client
	conn net.Conn
}

// deadlineConn gives every read and write its own deadline, so a server
// that accepts and then goes silent fails the step instead of holding a
// worker.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (d *deadlineConn) Read(p []byte) (int, error) {
	d.Conn.SetReadDeadline(time.Now().Add(d.timeout))
	return d.Conn.Read(p)
}

func (d *deadlineConn) Write(p []byte) (int, error) {
	d.Conn.SetWriteDeadline(time.Now().Add(d.timeout))
	return d.Conn.Write(p)
}

// dial connects, reads the greeting, says EHLO, starts TLS per SMTP_URL and
// authenticates.
func (s *SMTP) dial(ctx context.Context) (*smtpConn, error) {
	d := net.Dialer{Timeout: s.timeout}
	raw, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, err
	}
	var conn net.Conn = &deadlineConn{Conn: raw, timeout: s.timeout}
	if s.ssl {
		conn = tls.Client(conn, s.tlsConfig)
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return nil, err
	}
	sc := &smtpConn{c: c, conn: conn}
	if err := s.handshake(sc); err != nil {
		sc.close()
		return nil, err
	}
	return sc, nil
}

func (s *SMTP) handshake(sc *smtpConn) error {
	if err := sc.c.Hello("localhost"); err != nil {
		return err
	}
	if !s.ssl && s.startTLS != startTLSNone {
		ok, _ := sc.c.Extension("STARTTLS")
		if !ok && s.startTLS == startTLSRequired {
			return errors.New("the server does not offer STARTTLS (SMTP_URL has tls=required)")
		}
		if ok {
			if err := sc.c.StartTLS(s.tlsConfig); err != nil {
				return err
			}
		}
	}
	if s.user == "" {
		return nil
	}
	ok, mechs := sc.c.Extension("AUTH")
	if !ok {
		return errors.New("the server offers no AUTH, but SMTP_URL has a user")
	}
	var a smtp.Auth = smtp.PlainAuth("", s.user, s.pass, s.host)
	switch {
	case strings.Contains(mechs, "CRAM-MD5"):
		a = smtp.CRAMMD5Auth(s.user, s.pass)
	case strings.Contains(mechs, "LOGIN") && !strings.Contains(mechs, "PLAIN"):
		a = &loginAuth{user: s.user, pass: s.pass}
	}
	return sc.c.Auth(a)
}

// send runs one mail transaction and says which step failed.
func (sc *smtpConn) send(from, to string, msg io.WriterTo) (step, error) {
	if err := sc.c.Mail(from); err != nil {
		return stepMail, err
	}
	if err := sc.c.Rcpt(to); err != nil {
		return stepRcpt, err
	}
	w, err := sc.c.Data()
	if err != nil {
		return stepData, err
	}
	if _, err := msg.WriteTo(w); err != nil {
		w.Close()
		return stepBody, err
	}
	return stepBody, w.Close()
}

func (sc *smtpConn) quit() {
	if err := sc.c.Quit(); err != nil {
		sc.conn.Close()
	}
}

func (sc *smtpConn) close() { sc.conn.Close() }

// classifyDial: nothing gets through while a session cannot be opened
// (refused, timed out, 421 or 5xx greeting, TLS or authentication refused).
func classifyDial(err error) error {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return fmt.Errorf("%w: session refused: %w", ErrUnavailable, err)
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// loginAuth is AUTH LOGIN, for servers that offer it without PLAIN.
type loginAuth struct{ user, pass string }

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !isLocal(server.Name) {
		return "", nil, errors.New("refusing AUTH LOGIN over an unencrypted connection")
	}
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch strings.ToLower(strings.TrimSpace(string(fromServer))) {
	case "username:":
		return []byte(a.user), nil
	case "password:":
		return []byte(a.pass), nil
	}
	return nil, fmt.Errorf("unexpected AUTH LOGIN challenge %q", fromServer)
}

func isLocal(host string) bool { return host == "localhost" || host == "127.0.0.1" || host == "::1" }
