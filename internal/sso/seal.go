package sso

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// ErrNoKey means SSO_SECRET_KEY is not set, so no secret can be sealed.
var ErrNoKey = errors.New("sso: SSO_SECRET_KEY is not set")

// sealer encrypts providers' secrets with AES-256-GCM. The provider id is
// the additional data, so a sealed secret copied to another provider's row
// does not open.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) == 0 {
		return nil, nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("sso: secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("sso: secret key: %w", err)
	}
	return &sealer{aead: aead}, nil
}

// seal returns nonce || ciphertext.
func (s *sealer) seal(plain []byte, providerID int64) ([]byte, error) {
	if s == nil {
		return nil, ErrNoKey
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("sso: nonce: %w", err)
	}
	return s.aead.Seal(nonce, nonce, plain, aad(providerID)), nil
}

// open reverses seal.
func (s *sealer) open(sealed []byte, providerID int64) ([]byte, error) {
	if s == nil {
		return nil, ErrNoKey
	}
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("sso: sealed secret too short")
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], aad(providerID))
	if err != nil {
		return nil, fmt.Errorf("sso: open secret: %w", err)
	}
	return plain, nil
}

func aad(providerID int64) []byte { return fmt.Appendf(nil, "waymark-sso-provider:%d", providerID) }
