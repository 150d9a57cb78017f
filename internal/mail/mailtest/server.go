// Package mailtest runs a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 over TCP for tests and benchmarks, records what it receives and
// can be scripted to fail the ways real servers do: go down and come back,
// answer 4xx/5xx (per recipient or to everyone), hang after EHLO, be slow,
// or cut the connection just before or just after its 250 to DATA.
package mailtest

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options configure a Server.
type Options struct {
	User, Password string       // when set, AUTH PLAIN is offered and required
	TLS            *TLSPair     // when set, STARTTLS is offered
	Discard        bool         // count messages but keep no copies (benchmarks)
	Logf           func(string) // server errors; default: discarded
}

// Received is one delivered message.
type Received struct {
	From string
	To   []string
	Raw  []byte
}

// Server is the running SMTP server.
type Server struct {
	opts Options
	addr string

	mu        sync.Mutex
	srv       *smtp.Server
	msgs      []Received
	count     int
	script    map[string][]int // recipient → reply codes for its next RCPTs (0: accept)
	connCount int
	open      int           // sessions open now
	refuse    int           // every RCPT answers this code (0: off)
	hang      chan struct{} // non-nil: MAIL FROM waits until it is closed
	delay     time.Duration // each DATA waits this long before its reply
}

// Script codes that are not replies: the connection is cut at DATA.
const (
	// CutBeforeReply reads the whole message, then closes the connection
	// without answering (the message is not kept).
	CutBeforeReply = -1
	// CutAfterReply keeps the message and answers 250, then closes the
	// connection before the next command is answered.
	CutAfterReply = -2
)

// Start listens on 127.0.0.1:0 and stops the server when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{opts: opts, script: map[string][]int{}}
	if err := s.listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) listen(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		s.mu.Lock()
		s.connCount++
		s.open++
		s.mu.Unlock()
		return &session{s: s, conn: c.Conn()}, nil
	}))
	srv.Domain = "sink.test"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = 10 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if s.opts.Logf != nil {
		srv.ErrorLog = logfAdapter(s.opts.Logf)
	}
	if s.opts.TLS != nil {
		srv.TLSConfig = s.opts.TLS.Server
	}
	s.mu.Lock()
	s.srv, s.addr = srv, l.Addr().String()
	s.mu.Unlock()
	go srv.Serve(l)
	return nil
}

// Addr is host:port.
func (s *Server) Addr() string { return s.addr }

// URL is an SMTP_URL for this server (tls=none unless TLS is configured).
func (s *Server) URL() *url.URL {
	u := &url.URL{Scheme: "smtp", Host: s.addr, RawQuery: "tls=none"}
	if s.opts.TLS != nil {
		u.RawQuery = "tls=required"
	}
	if s.opts.User != "" {
		u.User = url.UserPassword(s.opts.User, s.opts.Password)
	}
	return u
}

// Stop closes the listener and every connection: dials are refused until
// Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	s.Hang(false)
	if srv != nil {
		srv.Close()
	}
}

// RefuseAll makes every RCPT answer code (421, 451, 550…) until called with 0.
func (s *Server) RefuseAll(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = code
}

// Hang makes the server accept connections and answer EHLO, then never
// answer MAIL FROM, until Hang(false) or Stop.
func (s *Server) Hang(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case on && s.hang == nil:
		s.hang = make(chan struct{})
	case !on && s.hang != nil:
		close(s.hang)
		s.hang = nil
	}
}

// Delay makes each DATA wait d before its reply (a slow server).
func (s *Server) Delay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Open is how many SMTP sessions are open now.
func (s *Server) Open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open
}

// Delivered counts the messages received by recipient.
func (s *Server) Delivered() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := map[string]int{}
	for _, r := range s.msgs {
		for _, to := range r.To {
			m[to]++
		}
	}
	return m
}

// Restart listens again on the same address.
func (s *Server) Restart() error {
	s.Stop()
	return s.listen(s.addr)
}

// Script makes the next RCPTs for addr answer the given codes in turn
// (0 accepts; 4xx and 5xx reject). Later RCPTs are accepted.
func (s *Server) Script(addr string, codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script[addr] = append(s.script[addr], codes...)
}

// Messages returns a copy of what was delivered so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// Count is how many messages were delivered.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Connections is how many SMTP sessions were opened.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connCount
}

type session struct {
	s      *Server
	conn   net.Conn
	authed bool
	from   string
	to     []string
	cut    int  // CutBeforeReply or CutAfterReply scripted for this message
	cutNow bool // cut at the next command
	closed bool
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.opts.User || pass != ss.s.opts.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.cutNow {
		ss.conn.Close()
		return &smtp.SMTPError{Code: 421, Message: "cut"}
	}
	ss.s.mu.Lock()
	hang := ss.s.hang
	ss.s.mu.Unlock()
	if hang != nil {
		<-hang
		ss.conn.Close()
		return &smtp.SMTPError{Code: 421, Message: "hung"}
	}
	if ss.s.opts.User != "" && !ss.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	code := ss.s.refuse
	if codes := ss.s.script[to]; len(codes) > 0 && code == 0 {
		code, ss.s.script[to] = codes[0], codes[1:]
	}
	ss.s.mu.Unlock()
	if code < 0 {
		ss.cut, code = code, 0
	}
	if code != 0 {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: fmt.Sprintf("scripted %d", code)}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	delay := ss.s.delay
	ss.s.mu.Unlock()
	time.Sleep(delay)
	switch ss.cut {
	case CutBeforeReply:
		ss.conn.Close()
		return &smtp.SMTPError{Code: 421, Message: "cut"}
	case CutAfterReply:
		ss.cutNow = true
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.count++
	if !ss.s.opts.Discard {
		ss.s.msgs = append(ss.s.msgs, Received{From: ss.from, To: append([]string(nil), ss.to...), Raw: raw})
	}
	return nil
}

func (ss *session) Reset() { ss.from, ss.to, ss.cut = "", nil, 0 }

func (ss *session) Logout() error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if !ss.closed {
		ss.closed = true
		ss.s.open--
	}
	return nil
}

type logfAdapter func(string)

func (f logfAdapter) Printf(format string, v ...any) { f(fmt.Sprintf(format, v...)) }
func (f logfAdapter) Println(v ...any)               { f(fmt.Sprintln(v...)) }
