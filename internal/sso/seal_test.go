package sso

import (
	"bytes"
	"testing"
)

// A sealed secret opens only with its key and for its own provider, and
// does not contain the plain text.
func TestSealOpensOnlyForItsProvider(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	s, err := newSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.seal([]byte("client-secret"), 41)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("client-secret")) {
		t.Fatal("the sealed secret holds the plain text")
	}
	if got, err := s.open(sealed, 41); err != nil || string(got) != "client-secret" {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := s.open(sealed, 42); err == nil {
		t.Fatal("a secret sealed for provider 41 opened for provider 42")
	}
	other, _ := newSealer(bytes.Repeat([]byte{8}, 32))
	if _, err := other.open(sealed, 41); err == nil {
		t.Fatal("a secret opened with another key")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := s.open(sealed, 41); err == nil {
		t.Fatal("a tampered secret opened")
	}
	var none *sealer
	if _, err := none.seal([]byte("x"), 1); err != ErrNoKey {
		t.Fatalf("sealing without a key: %v", err)
	}
}
