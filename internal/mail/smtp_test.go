package mail_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/mail/mailtest"
)

// A message goes from the outbox over real SMTP (with AUTH) to the right
// recipient, with subject, both MIME parts, links and extra headers intact.
func TestSMTPDeliversBothPartsAndHeaders(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	srv := mailtest.Start(t, mailtest.Options{User: "waymark", Password: "s3cret pass"})
	_, err := mail.Enqueue(context.Background(), db, mail.Message{DedupeKey: "smtp:1", Kind: "digest", To: "Ana Núñez <ana@example.org>",
		Subject: "Resumen semanal: 3 overdue — Boston", Text: "Hello Ana,\nSee https://waymark.example.org/manage\n",
		HTML:      `<p>Hello Ana,</p><p><a href="https://waymark.example.org/manage">See your people</a></p>`,
		Headers:   map[string]string{"List-Unsubscribe": "<https://waymark.example.org/unsubscribe/tok123>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
		NotBefore: c.Now()})
	if err != nil {
		t.Fatal(err)
	}
	s := smtpSender(t, db, c, srv)
	if res := pass(t, s); res.Sent != 1 {
		t.Fatalf("pass: %+v", res)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages delivered", len(msgs))
	}
	m := msgs[0]
	if m.From != "no-reply@waymark.example.org" || len(m.To) != 1 || m.To[0] != "ana@example.org" {
		t.Fatalf("envelope from %q to %v", m.From, m.To)
	}
	p, err := mailtest.Parse(m.Raw)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]bool{
		"subject":          p.Subject == "Resumen semanal: 3 overdue — Boston",
		"to header":        strings.Contains(p.Header.Get("To"), "ana@example.org"),
		"from header":      strings.Contains(p.Header.Get("From"), "no-reply@waymark.example.org"),
		"text part":        strings.Contains(p.Text, "Hello Ana,") && strings.Contains(p.Text, "https://waymark.example.org/manage"),
		"html part":        strings.Contains(p.HTML, `<a href="https://waymark.example.org/manage">See your people</a>`),
		"list-unsubscribe": p.Header.Get("List-Unsubscribe") == "<https://waymark.example.org/unsubscribe/tok123>",
		"one-click":        p.Header.Get("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click",
		"message-id":       strings.HasSuffix(p.Header.Get("Message-Id"), "@waymark.example.org>"),
		"auto-submitted":   p.Header.Get("Auto-Submitted") == "auto-generated",
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("%s wrong in:\n%s", name, m.Raw)
		}
	}
	if st := state(t, db, "smtp:1"); st.Status != "sent" || st.Attempts != 1 {
		t.Fatalf("after send: %+v", st)
	}
}

// SMTP_URL options: STARTTLS required against a server that offers it
// works; against one that does not, nothing is sent and the message waits.
func TestSMTPStartTLS(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	pair := mailtest.SelfSigned(t)
	tlsSrv := mailtest.Start(t, mailtest.Options{TLS: pair, User: "u", Password: "p"})
	plainSrv := mailtest.Start(t, mailtest.Options{})

	queue(t, db, c, "tls:1", "reminder.due-3", "a@example.org")
	tr, err := mail.NewSMTP(tlsSrv.URL(), mail.SMTPOptions{TLSConfig: pair.Client})
	if err != nil {
		t.Fatal(err)
	}
	s := &mail.Sender{DB: db, Transport: tr, From: "no-reply@waymark.example.org", Now: c.Now, Policy: testPolicy()}
	if res := pass(t, s); res.Sent != 1 || tlsSrv.Count() != 1 {
		t.Fatalf("STARTTLS: %+v, delivered %d", res, tlsSrv.Count())
	}

	queue(t, db, c, "tls:2", "reminder.due-3", "b@example.org")
	u := plainSrv.URL()
	u.RawQuery = "tls=required"
	if s.Transport, err = mail.NewSMTP(u, mail.SMTPOptions{}); err != nil {
		t.Fatal(err)
	}
	if res := pass(t, s); !res.Unavailable || plainSrv.Count() != 0 {
		t.Fatalf("tls=required without STARTTLS: %+v", res)
	}
	if st := state(t, db, "tls:2"); st.Status != "queued" || !strings.Contains(st.LastError, "STARTTLS") {
		t.Fatalf("after refusing plain text: %+v", st)
	}
}

func TestNewSMTPRejectsUnknownTLSMode(t *testing.T) {
	u, _ := url.Parse("smtp://host:25?tls=sometimes")
	if _, err := mail.NewSMTP(u, mail.SMTPOptions{}); err == nil {
		t.Fatal("tls=sometimes accepted")
	}
	for _, raw := range []string{"smtp://h", "smtps://u:p@h", "smtp://h:2525?tls=none", "smtp://h?tls=required"} {
		u, _ := url.Parse(raw)
		if _, err := mail.NewSMTP(u, mail.SMTPOptions{}); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
}

// With no SMTP_URL each message becomes an .eml file in MAIL_DIR through
// the same outbox path.
func TestNoSMTPWritesEMLFiles(t *testing.T) {
	db := freshOutbox(t)
	c := newClock(noon)
	dir := t.TempDir()
	tr, err := mail.NewTransport(nil, dir, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	queue(t, db, c, "eml:1", "invite", "x@example.org")
	queue(t, db, c, "eml:2", "invite", "y@example.org")
	s := &mail.Sender{DB: db, Transport: tr, From: "Waymark <no-reply@waymark.localhost>", Now: c.Now, Policy: testPolicy()}
	if res := pass(t, s); res.Sent != 2 {
		t.Fatalf("pass: %+v", res)
	}
	files, _ := filepath.Glob(dir + "/*.eml")
	if len(files) != 2 {
		t.Fatalf("files: %v", files)
	}
	var tos []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := mailtest.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p.Subject, "Subject eml:") || !strings.Contains(p.Text, "https://waymark.example.org/my") ||
			!strings.Contains(p.HTML, `href="https://waymark.example.org/my"`) {
			t.Errorf("%s: %+v", f, p)
		}
		tos = append(tos, p.Header.Get("To"))
		if strings.Contains(f, "example.org") {
			t.Errorf("file name carries an address: %s", f)
		}
	}
	if strings.Join(tos, ",") != "x@example.org,y@example.org" && strings.Join(tos, ",") != "y@example.org,x@example.org" {
		t.Fatalf("recipients %v", tos)
	}
	if st := state(t, db, "eml:1"); st.Status != "sent" {
		t.Fatalf("status %+v", st)
	}
}
