package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/testdb"
)

// TestNewRefusesAStatementThatDoesNotPrepare: when a column a hot statement
// reads is gone, building the stores fails and names the statement, so
// start-up stops instead of every request that runs it failing.
func TestNewRefusesAStatementThatDoesNotPrepare(t *testing.T) {
	if _, err := store.New(testdb.DB(t)); err != nil {
		t.Fatalf("the migrated schema: %v", err)
	}
	for _, tt := range []struct{ table, column, statement string }{
		{"user_roles", "role_code", "users.roles"},
		{"sessions", "csrf_token", "sessions.signed-in"},
		{"requirements", "optional", "requirements.for-roles"},
		{"assignments", "available_from", "assignments.player-state"},
		{"lesson_progress", "opened_at", "assignments.record-openings"},
		{"completions", "minutes", "completions.credits"},
	} {
		t.Run(tt.statement, func(t *testing.T) {
			db, err := store.Open(context.Background(), testdb.URLWithout(t, tt.table, tt.column))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			_, err = store.New(db)
			if err == nil || !strings.Contains(err.Error(), "store: prepare "+tt.statement+":") || !strings.Contains(err.Error(), tt.column) {
				t.Fatalf("store.New without %s.%s: %v, want the failure of %s", tt.table, tt.column, err, tt.statement)
			}
		})
	}
}
