package pdf

import "testing"

func TestToCP1252(t *testing.T) {
	tests := []struct {
		in, out string
		ok      bool
	}{
		{"plain ASCII", "plain ASCII", true},
		{"Désir", "D\xe9sir", true},
		{"a · b — c …", "a \xb7 b \x97 c \x85", true},
		{"€ Œ ž Ÿ", "\x80 \x8c \x9e \x9f", true},
		{"Nguyễn", "", false},
		{"王", "", false},
		{"\u0081", "", false}, // a C1 control, not a Windows-1252 character
		{"bad \xff byte", "", false},
	}
	for _, tt := range tests {
		got, ok := toCP1252(tt.in)
		if got != tt.out || ok != tt.ok {
			t.Errorf("toCP1252(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.out, tt.ok)
		}
	}
}
