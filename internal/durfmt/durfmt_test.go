package durfmt

import (
	"testing"
	"time"
)

// TestForms checks both forms against values written out by hand.
func TestForms(t *testing.T) {
	const m, h, day = time.Minute, time.Hour, 24 * time.Hour
	for _, c := range []struct {
		d      time.Duration
		gof, j string
	}{
		{0, "0m", "0分"},
		{29 * time.Second, "0m", "0分"},
		{30 * time.Second, "1m", "1分"}, // rounded half away from zero
		{52 * m, "52m", "52分"},
		{2 * h, "2h", "2時間"},
		{2*h + 5*m, "2h5m", "2時間5分"},
		{10*h + 30*time.Second, "10h1m", "10時間1分"},
		{23*h + 59*m + 40*time.Second, "1d", "1日"},
		{day + 2*h + 5*m, "1d2h5m", "1日2時間5分"},
		{2*day + h, "2d1h", "2日1時間"},
		{2*day + 7*m, "2d7m", "2日7分"},
		{16836865 * m, "11692d6h25m", "11692日6時間25分"},
	} {
		if g, j := Go(c.d), Ja(c.d); g != c.gof || j != c.j {
			t.Errorf("%v: %q and %q; want %q and %q", c.d, g, j, c.gof, c.j)
		}
	}
}

// TestExact: whole minutes as Go and Ja write them; seconds otherwise.
func TestExact(t *testing.T) {
	const s, m, h = time.Second, time.Minute, time.Hour
	for _, c := range []struct {
		d      time.Duration
		gof, j string
	}{
		{2 * h, "2h", "2時間"},
		{h + 59*m + 50*s, "1h59m50s", "1時間59分50秒"},
		{30 * s, "30s", "30秒"},
		{12*m + 30*s, "12m30s", "12分30秒"},
		{2*h + 5*s, "2h5s", "2時間5秒"},
		{24*h + 30*s, "1d30s", "1日30秒"},
	} {
		if g, j := GoExact(c.d), JaExact(c.d); g != c.gof || j != c.j {
			t.Errorf("%v: %q and %q; want %q and %q", c.d, g, j, c.gof, c.j)
		}
	}
}
