package bench

import (
	"io"
	"net"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
)

// sink is an SMTP server on loopback that accepts every message and keeps
// only the count: the far end of the mail-send measurement.
type sink struct {
	srv   *smtp.Server
	ln    net.Listener
	count atomic.Int64
}

func startSink() (*sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &sink{ln: ln}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	go s.srv.Serve(ln)
	return s, nil
}

func (s *sink) Addr() string { return s.ln.Addr().String() }
func (s *sink) Count() int64 { return s.count.Load() }
func (s *sink) Close()       { s.srv.Close() }

// NewSession implements smtp.Backend.
func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct{ s *sink }

func (*sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (*sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x *sinkSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	x.s.count.Add(1)
	return nil
}
func (*sinkSession) Reset()        {}
func (*sinkSession) Logout() error { return nil }
