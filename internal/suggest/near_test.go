package suggest

import "testing"

// TestDistance checks edit distances worked out by hand.
func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "", 3},
		{"hosts", "hosts", 0},
		{"host", "hosts", 1},     // one insertion
		{"hsots", "hosts", 1},    // one swap of neighbours
		{"hosst", "hosts", 1},    // one swap
		{"kitten", "sitting", 3}, // k→s, e→i, +g
		{"MS05-040", "MS04-020", 2},
		{"MS05-040", "MS05-039", 2},
		{"KB899588", "KB898588", 1},
		{"KB899588", "KB895988", 1}, // "95" and "59" swapped
		{"ca", "abc", 3},            // the optimal string alignment distance, not Damerau's 2
	} {
		if got := Distance(c.a, c.b); got != c.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
		if got := Distance(c.b, c.a); got != c.d {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetric)", c.b, c.a, got, c.d)
		}
	}
}

// TestClosest: a typo within the limit is found; an unrelated word of
// the same shape is not.
func TestClosest(t *testing.T) {
	flags := []string{"patch", "platform", "hosts", "consoles", "window", "format", "lang"}
	for _, c := range []struct {
		s    string
		max  int
		want string
	}{
		{"host", 2, "hosts"},
		{"pacth", 2, "patch"},
		{"consols", 2, "consoles"},
		{"fromat", 2, "format"},
		{"xyz", 2, ""},     // nothing near
		{"lan", 2, "lang"}, // 1 edit of 4
		{"la", 2, ""},      // 2 edits of 4 is half the word
		{"windows", 2, "window"},
	} {
		if got := Closest(c.s, flags, c.max); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.s, got, c.want)
		}
	}
	ids := []string{"MS04-020", "MS05-039", "MS07-065", "KB899588"}
	if got := Closest("MS05-040", ids, 1); got != "" {
		t.Errorf("Closest(MS05-040, 1 edit) = %q, want none: two digits differ from every ID", got)
	}
	if got := Closest("MS05-093", ids, 1); got != "MS05-039" {
		t.Errorf("Closest(MS05-093, 1 edit) = %q, want MS05-039 (two digits swapped)", got)
	}
}
