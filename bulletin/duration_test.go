package bulletin

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int // minutes, worked out by hand
	}{
		{"1時間8分", 68},
		{"1時間28分", 88},
		{"12分", 12},
		{"2時間", 120},
		{"1時間 35分", 95},
		{"  1時間50分 ", 110},
		{"１時間２８分", 88},  // full-width digits
		{"１時間　３５分", 95}, // ideographic space
		{"0分", 0},
		{"3 時間 32 分", 212},
		{"100時間", 6000},
		{"1時間59分", 119},
		{"90分", 90}, // minutes alone may pass an hour
		{"1時間 05分", 65},
	} {
		got, err := ParseDuration(tc.in)
		if err != nil {
			t.Errorf("ParseDuration(%q): %v", tc.in, err)
			continue
		}
		if want := time.Duration(tc.want) * time.Minute; got != want {
			t.Errorf("ParseDuration(%q) = %v, want %v", tc.in, got, want)
		}
	}
}

func TestParseDurationJunk(t *testing.T) {
	for _, in := range []string{
		"", "  ", "分", "時間", "12", "abc", "1.5分", "-5分", "+5分",
		"28分1時間", "1時間2時間", "5分5分", "1時間28分x", "1h28m",
		"99999999999分", "2000000時間", "1時間28", "対応予定",
		"1時間60分", "1時間75分", "１時間６０分",
	} {
		d, err := ParseDuration(in)
		if err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, d)
			continue
		}
		if !strings.Contains(err.Error(), "\""+in+"\"") && in != "" {
			t.Errorf("ParseDuration(%q) error %q does not quote the input", in, err)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{12 * time.Minute, "12分"},
		{88 * time.Minute, "1時間28分"},
		{120 * time.Minute, "2時間"},
		{212 * time.Minute, "3時間32分"},
		{211*time.Minute + 56*time.Second, "3時間32分"}, // rounds up from :30
		{211*time.Minute + 29*time.Second, "3時間31分"},
		{29 * time.Second, "0分"},
		{0, "0分"},
		{-90 * time.Minute, "-1時間30分"},
		{25*time.Hour + time.Minute, "25時間1分"},
	} {
		if got := FormatDuration(tc.d); got != tc.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestDurationRoundTrip(t *testing.T) {
	for m := 0; m < 3000; m += 7 {
		d := time.Duration(m) * time.Minute
		s := FormatDuration(d)
		back, err := ParseDuration(s)
		if err != nil || back != d {
			t.Fatalf("ParseDuration(FormatDuration(%v) = %q) = %v, %v", d, s, back, err)
		}
	}
}
