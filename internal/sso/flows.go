package sso

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"time"
)

// flow is a sign-in under way, kept server-side by the hash of its state.
type flow struct {
	ProviderID int64     `db:"provider_id"`
	Nonce      string    `db:"nonce"`
	Verifier   string    `db:"verifier"`
	RequestID  string    `db:"request_id"`
	Next       string    `db:"next"`
	ExpiresAt  time.Time `db:"expires_at"`
}

func randomString() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("sso: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func stateHash(state string) []byte {
	h := sha256.Sum256([]byte(state))
	return h[:]
}

// saveFlow records a new flow and returns its state. Expired flows are
// swept on the way.
func (s *Service) saveFlow(ctx context.Context, f flow) (string, error) {
	state := randomString()
	now := s.now()
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sso_flows WHERE expires_at < $1`, now); err != nil {
		return "", wrap("sweep flows", err)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sso_flows (state_hash, provider_id, nonce, verifier, request_id, next, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, stateHash(state), f.ProviderID, f.Nonce, f.Verifier, f.RequestID, f.Next, now.Add(FlowTTL))
	if err != nil {
		return "", wrap("save flow", err)
	}
	return state, nil
}

// takeFlow consumes the flow of state, once. The state coming back from
// the provider must equal the one in the browser's cookie (so a sign-in
// started in another browser cannot be finished in this one) and belong
// to this provider.
func (s *Service) takeFlow(ctx context.Context, providerID int64, state, cookieState string) (flow, error) {
	if state == "" || cookieState == "" || subtle.ConstantTimeCompare([]byte(state), []byte(cookieState)) != 1 {
		return flow{}, refuse("state missing or not this browser's", nil)
	}
	var f flow
	err := s.db.GetContext(ctx, &f, `DELETE FROM sso_flows WHERE state_hash = $1
		RETURNING provider_id, nonce, verifier, request_id, next, expires_at`, stateHash(state))
	switch {
	case errors.Is(err, errSQLNoRows):
		return flow{}, refuse("unknown or used state", nil)
	case err != nil:
		return flow{}, wrap("take flow", err)
	case f.ProviderID != providerID:
		return flow{}, refuse("state of another provider", nil)
	case s.now().After(f.ExpiresAt):
		return flow{}, refuse("state expired", nil)
	}
	return f, nil
}
