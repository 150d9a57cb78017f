package validate

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrors(t *testing.T) {
	e := Errors{"name": "Enter a name.", "email": "Enter an email address."}
	if got, want := e.Error(), "invalid input: email: Enter an email address.; name: Enter a name."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if (Errors{}).OrNil() != nil {
		t.Error("no problems must be a nil error")
	}
	wrapped := fmt.Errorf("saving: %w", e.OrNil())
	got, ok := As(wrapped)
	if !ok || got["name"] != "Enter a name." {
		t.Errorf("As(wrapped) = %v, %v", got, ok)
	}
	if _, ok := As(errors.New("other")); ok {
		t.Error("As found field problems in an unrelated error")
	}
}
