package people

import "testing"

func TestClosestSuggestsOnlyNearAndUnambiguous(t *testing.T) {
	known := []string{"SPFLD-CENTRAL-HS", "SPFLD-PS", "WORC-PS", "BOSTON-PD", "BOSTON-PS", "A1"}
	tests := []struct{ typed, want string }{
		{"SPFLD-CENTRL-HS", "SPFLD-CENTRAL-HS"}, // one letter dropped
		{"SPFLD-CENTARL-HS", "SPFLD-CENTRAL-HS"},
		{"SPFLD-P", "SPFLD-PS"},
		{"WORC-PD", "WORC-PS"},
		{"BOSTON-PX", ""}, // as near to BOSTON-PD as to BOSTON-PS
		{"CAMBRIDGE-PD", ""},
		{"A2", "A1"},
		{"B3", ""}, // two edits is too far for a short code
		{"", ""},
	}
	for _, tt := range tests {
		if got := closest(tt.typed, known); got != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
	if d := editDistance("kitten", "sitting", 10); d != 3 {
		t.Errorf("editDistance(kitten, sitting) = %d", d)
	}
	if d := editDistance("kitten", "sitting", 2); d != 2 {
		t.Errorf("editDistance capped at 2 = %d", d)
	}
}
