package mail_test

import (
	"context"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/mail/mailtest"
)

// BenchmarkSend delivers b.N queued messages (about 3 KB each, both parts)
// through the real sender and SMTP client to an in-process SMTP sink on
// 127.0.0.1. Target: at least 200 messages/s.
func BenchmarkSend(b *testing.B) {
	db := freshOutboxTB(b)
	srv := mailtest.Start(b, mailtest.Options{Discard: true})
	now := time.Now()
	html := ""
	for range 40 {
		html += `<p>Hello, this is a line of a reminder with a <a href="https://waymark.example.org/my">link</a>.</p>`
	}
	if _, err := db.Exec(`INSERT INTO email_outbox (dedupe_key, kind, to_addr, subject, text_body, html_body, next_attempt_at)
		SELECT 'bench:' || g, 'reminder.due-3', 'p' || g || '@example.org', 'Training due in 3 days: Foundations',
		       repeat('A line of the plain-text part. ', 40), $2, $3
		FROM generate_series(1, $1) g`, b.N, html, now); err != nil {
		b.Fatal(err)
	}
	tr, err := mail.NewSMTP(srv.URL(), mail.SMTPOptions{})
	if err != nil {
		b.Fatal(err)
	}
	p := mail.DefaultPolicy(time.UTC)
	p.Quiet = mail.QuietHours{}
	s := &mail.Sender{DB: db, Transport: tr, From: "Waymark <no-reply@waymark.example.org>", Now: time.Now, Policy: p}
	b.ResetTimer()
	start := time.Now()
	res, err := s.Pass(context.Background())
	elapsed := time.Since(start)
	b.StopTimer()
	if err != nil || res.Sent != b.N || srv.Count() != b.N {
		b.Fatalf("sent %+v, sink got %d, want %d: %v", res, srv.Count(), b.N, err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
}
