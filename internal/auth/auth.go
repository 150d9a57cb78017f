// Package auth holds passwords, tokens, sessions and sign-in throttling.
// It knows nothing of HTTP: the web layer carries its tokens in cookies.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/waymark/waymark/internal/store"
)

// Limits of sessions and sign-in attempts.
const (
	IdleTimeout      = 2 * time.Hour
	AbsoluteTimeout  = 12 * time.Hour
	ThrottleWindow   = 15 * time.Minute
	MaxFailsPerEmail = 5
	MaxFailsPerIP    = 30
	MinPasswordLen   = 12
	bcryptCost       = 11
)

var (
	// ErrBadCredentials is the one answer to a failed sign-in, whether or
	// not the email exists.
	ErrBadCredentials = errors.New("the email or password is not right")
	// ErrPasswordOff means the email's identity provider turned password
	// sign-in off: the person signs in with the provider.
	ErrPasswordOff = errors.New("this account signs in with its agency's identity provider")
	// ErrThrottled means too many recent failures for this account or client.
	ErrThrottled = errors.New("too many sign-in attempts; wait 15 minutes and try again")
)

// HashPassword hashes with bcrypt.
func HashPassword(pw string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("auth: hash: %w", err)
	}
	return string(b), nil
}

// dummyHash is compared against when the email is unknown, so a failed
// sign-in takes the same time either way.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("waymark-no-such-user"), bcryptCost)

// CheckPassword compares in constant time.
func CheckPassword(hash, pw string) bool {
	if hash == "" {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// NewToken returns a random URL-safe token (256 bits) and its SHA-256 hash,
// which is all the database keeps.
func NewToken() (token string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("auth: no randomness: %v", err))
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken hashes a token for lookup.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Service signs people in and out.
type Service struct {
	Users    *store.Users
	Sessions *store.Sessions
	Now      func() time.Time
	// Federation, when set, says which emails sign in with an identity
	// provider (internal/sso); nil: passwords only.
	Federation Federation
}

// Federation routes sign-in by email to an identity provider.
type Federation interface {
	// Federated returns the path that starts sign-in with the provider
	// serving email's approved domain ("" when none), and whether that
	// provider turned password sign-in off.
	Federated(ctx context.Context, email string) (path string, passwordOff bool, err error)
}

// Federated is where email signs in with its identity provider ("" when
// it signs in with a password).
func (s *Service) Federated(ctx context.Context, email string) (string, bool, error) {
	if s.Federation == nil {
		return "", false, nil
	}
	return s.Federation.Federated(ctx, email)
}

// Login checks credentials under throttling and returns a new session
// token. The session id is always new, so a planted id is never reused.
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (string, store.User, error) {
	now := s.Now()
	emailKey, ipKey := "email:"+store.NormalizeEmail(email), "ip:"+clientIP
	since := now.Add(-ThrottleWindow)
	for key, max := range map[string]int{emailKey: MaxFailsPerEmail, ipKey: MaxFailsPerIP} {
		n, err := s.Sessions.LoginFailures(ctx, key, since)
		if err != nil {
			return "", store.User{}, err
		}
		if n >= max {
			return "", store.User{}, ErrThrottled
		}
	}
	if _, off, err := s.Federated(ctx, email); err != nil {
		return "", store.User{}, err
	} else if off {
		return "", store.User{}, ErrPasswordOff
	}
	u, err := s.Users.ByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", store.User{}, err
	}
	if !CheckPassword(u.PasswordHash, password) || !u.Active() {
		if err := s.Sessions.RecordLoginFailure(ctx, now, emailKey, ipKey); err != nil {
			return "", store.User{}, err
		}
		return "", store.User{}, ErrBadCredentials
	}
	token, err := s.StartSession(ctx, u.ID)
	if err != nil {
		return "", store.User{}, err
	}
	if err := s.Sessions.ClearLoginFailures(ctx, emailKey); err != nil {
		return "", store.User{}, fmt.Errorf("auth: clear login failures: %w", err)
	}
	if err := s.Users.TouchLogin(ctx, u.ID, now); err != nil {
		return "", store.User{}, fmt.Errorf("auth: record login: %w", err)
	}
	return token, u, nil
}

// StartSession creates a session for a user and returns its token.
func (s *Service) StartSession(ctx context.Context, userID int64) (string, error) {
	token, hash := NewToken()
	csrf, _ := NewToken()
	now := s.Now()
	err := s.Sessions.Create(ctx, store.Session{TokenHash: hash, UserID: userID, CSRFToken: csrf,
		CreatedAt: now, ExpiresAt: now.Add(AbsoluteTimeout)})
	return token, err
}

// Resolve returns the live session behind a token with its active user's
// flags and manager scopes.
func (s *Service) Resolve(ctx context.Context, token string) (store.SignedIn, error) {
	if token == "" {
		return store.SignedIn{}, store.ErrNotFound
	}
	return s.Sessions.GetSignedIn(ctx, HashToken(token), s.Now(), IdleTimeout)
}

// Logout ends the session behind a token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.Sessions.Delete(ctx, HashToken(token))
}
