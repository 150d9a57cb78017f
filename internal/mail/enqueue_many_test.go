package mail_test

import (
	"context"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/mail"
)

func TestEnqueueManySkipsQueuedKeys(t *testing.T) {
	db := freshOutbox(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 11, 7, 0, 0, 0, boston)
	ms := []mail.Message{
		{DedupeKey: "many:1", Kind: "digest", To: "a@example.org", Subject: `Quote " and \ slash`, Text: "T", HTML: "<p>{a,b}</p>",
			Headers: map[string]string{"List-Unsubscribe": "<https://x.example/u/1>"}, NotBefore: at},
		{DedupeKey: "many:2", Kind: "digest", To: "b@example.org", Subject: "S", Text: "T", HTML: "H"},
	}
	if n, err := mail.EnqueueMany(ctx, db, ms); err != nil || n != 2 {
		t.Fatalf("first: %d %v", n, err)
	}
	if n, err := mail.EnqueueMany(ctx, db, ms); err != nil || n != 0 {
		t.Fatalf("again: %d %v", n, err)
	}
	var got struct {
		Subject string    `db:"subject"`
		HTML    string    `db:"html_body"`
		Header  string    `db:"h"`
		Next    time.Time `db:"next_attempt_at"`
	}
	if err := db.Get(&got, `SELECT subject, html_body, headers->>'List-Unsubscribe' AS h, next_attempt_at FROM email_outbox WHERE dedupe_key = 'many:1'`); err != nil {
		t.Fatal(err)
	}
	if got.Subject != `Quote " and \ slash` || got.HTML != "<p>{a,b}</p>" || got.Header != "<https://x.example/u/1>" || !got.Next.Equal(at) {
		t.Fatalf("stored %+v", got)
	}
}
