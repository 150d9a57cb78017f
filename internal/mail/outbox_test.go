package mail_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/testdb"
	"github.com/waymark/waymark/templates"
)

// TestMain runs the package's tests, or, when the kill -9 test re-executes
// this binary as a sender process, only that sender (faults_kill_test.go).
func TestMain(m *testing.M) {
	if os.Getenv(senderChildEnv) != "" {
		os.Exit(runSenderChild())
	}
	testdb.Main(m)
}

func TestEnqueueIsIdempotentPerKey(t *testing.T) {
	db := testdb.DB(t)
	ctx := context.Background()
	m := mail.Message{DedupeKey: "test:once", Kind: "test", To: "a@example.org", Subject: "S", Text: "T", HTML: "<p>T</p>"}
	for i, want := range []bool{true, false, false} {
		added, err := mail.Enqueue(ctx, db, m)
		if err != nil {
			t.Fatal(err)
		}
		if added != want {
			t.Fatalf("enqueue %d added=%v, want %v", i+1, added, want)
		}
	}
	var n int
	db.GetContext(ctx, &n, `SELECT count(*) FROM email_outbox WHERE dedupe_key = 'test:once'`)
	if n != 1 {
		t.Fatalf("%d rows for one key", n)
	}
}

func TestRenderInvite(t *testing.T) {
	r, err := mail.NewRenderer(templates.FS, "email", "https://waymark.example.org/")
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render("invite", map[string]string{"Name": "José Ñúñez", "InviterOrg": "Boston Police", "Token": "tok123"})
	if err != nil {
		t.Fatal(err)
	}
	link := "https://waymark.example.org/password/set/tok123"
	if out.Subject != "You are invited to Waymark" || !strings.Contains(out.Text, link) || !strings.Contains(out.HTML, `href="`+link+`"`) {
		t.Fatalf("rendered: %+v", out)
	}
	if !strings.Contains(out.Text, "José Ñúñez") || !strings.Contains(out.Text, "1-888-373-7888") {
		t.Fatalf("text part: %s", out.Text)
	}
	if _, err := r.Render("no-such", nil); err == nil {
		t.Fatal("an unknown template rendered")
	}
}
