package clip

import (
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1200", `"1200"`},
		{"", `""`},
		{"Windows XP SP2", `"Windows XP SP2"`},
		{"1時間xx分", `"1時間xx分"`},
		{"\x1b[31mred", `"\x1b[31mred"`},
		{"XP\u202eevil", `"XP\u202eevil"`},
		{"zero\u200bwidth", `"zero\u200bwidth"`},
		{strings.Repeat("x", 64), `"` + strings.Repeat("x", 64) + `"`},
		{strings.Repeat("x", 65), `"` + strings.Repeat("x", 64) + `"… (65 bytes)`},
		{strings.Repeat("日", 100), `"` + strings.Repeat("日", 64) + `"… (300 bytes)`},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%.80q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Windows XP SP1/SP1a/SP2", "Windows XP SP1/SP1a/SP2"},
		{"Windows Server 2003 SP未適用/SP1", "Windows Server 2003 SP未適用/SP1"},
		{"全角　空白", "全角　空白"},                           // U+3000 is a visible space
		{"cafe\u0301", "cafe\u0301"},                 // a combining mark stays
		{"a\tb\nc\x1b[2J", `a\tb\nc\x1b[2J`},         // controls
		{"\u0085\u009b", `\u0085\u009b`},             // C1 controls (NEL, CSI)
		{"XP\u202eevil\u2066", `XP\u202eevil\u2066`}, // bidi override and isolate
		{"a\u200bb\u200dc\ufeff", `a\u200bb\u200dc\ufeff`},
		{"\ue000", `\ue000`}, // private use
		{"\u2028", `\u2028`}, // line separator
		{"bad\xffbyte", `bad\xffbyte`},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCut(t *testing.T) {
	if s, all := Cut("日本語", 2); s != "日本" || all {
		t.Errorf("Cut(日本語, 2) = %q, %v", s, all)
	}
	if s, all := Cut("日本語", 3); s != "日本語" || !all {
		t.Errorf("Cut(日本語, 3) = %q, %v", s, all)
	}
}

func TestPath(t *testing.T) {
	if got := Path("out\x1b.csv"); got != `out\x1b.csv` {
		t.Errorf("Path escapes: %q", got)
	}
	long := "/" + strings.Repeat("d", 200) + "/" + strings.Repeat("f", 79) + "."
	got := Path(long)
	if n := len([]rune(got)); n != MaxPathRunes || !strings.HasSuffix(got, "…"+strings.Repeat("f", 79)+".") || !strings.HasPrefix(got, "/ddd") || !strings.Contains(got, "…") {
		t.Errorf("Path of %d characters: %q (%d)", len(long), got, n)
	}
	if got := Path("short/path.csv"); got != "short/path.csv" {
		t.Errorf("a short path is changed: %q", got)
	}
}
