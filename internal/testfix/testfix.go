// Package testfix builds small, real datasets for tests: organizations,
// users with job roles and manager scopes, written through the stores.
package testfix

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/store"
)

// Password is every fixture user's password.
const Password = "correct horse battery staple"

var (
	hashOnce sync.Once
	hash     string
)

// PasswordHash returns the bcrypt hash of Password, computed once.
func PasswordHash() string {
	hashOnce.Do(func() {
		var err error
		hash, err = auth.HashPassword(Password)
		if err != nil {
			panic(err)
		}
	})
	return hash
}

// Unique returns prefix plus a random suffix, so tests sharing a package
// database never collide.
func Unique(prefix string) string {
	b := make([]byte, 4)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Org creates an organization under parent (0 for a root) and returns its id.
func Org(t testing.TB, db *sqlx.DB, name, typ, county string, parent int64) int64 {
	t.Helper()
	o := store.Org{Code: strings.ToUpper(Unique("T")), Name: name, Type: typ, County: county}
	if parent != 0 {
		o.ParentID = &parent
	}
	id, err := store.NewOrgs(db).Create(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// stores holds the stores built over each test database, so a package's
// tests prepare the hot statements once, as start-up does.
var stores sync.Map // *sqlx.DB → *store.Stores

// Stores returns every store over db, built on first use.
func Stores(t testing.TB, db *sqlx.DB) *store.Stores {
	t.Helper()
	if st, ok := stores.Load(db); ok {
		return st.(*store.Stores)
	}
	st, err := store.New(db)
	if err != nil {
		t.Fatal(err)
	}
	actual, _ := stores.LoadOrStore(db, st)
	return actual.(*store.Stores)
}

// UserSpec describes a fixture user.
type UserSpec struct {
	Name        string
	Roles       []string // job-role codes (must exist in job_roles)
	Admin       bool
	Facilitator bool
	Scopes      []int64 // organizations this user manages
}

// User creates a user in org and returns its id and email.
func User(t testing.TB, db *sqlx.DB, org int64, spec UserSpec) (int64, string) {
	t.Helper()
	ctx := context.Background()
	email := Unique("user") + "@example.org"
	if spec.Name == "" {
		spec.Name = "Test Person"
	}
	users := Stores(t, db).Users
	var id int64
	err := store.InTx(ctx, db, func(tx *sqlx.Tx) error {
		var err error
		id, err = users.CreateTx(ctx, tx, store.NewUser{OrgID: org, Email: email, Name: spec.Name,
			PasswordHash: PasswordHash(), IsAdmin: spec.Admin, IsFacilitator: spec.Facilitator})
		if err != nil {
			return err
		}
		for _, r := range spec.Roles {
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role_code) VALUES ($1, $2)`, id, r); err != nil {
				return err
			}
		}
		if len(spec.Scopes) > 0 {
			return users.SetScopesTx(ctx, tx, id, spec.Scopes)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, email
}
