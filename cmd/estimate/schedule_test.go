package main

import (
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

// TestScheduleByHand: KB899588 on XP, 1200 hosts, one console, one-hour
// windows from 22:00 UTC. By hand, a window holds hosts h with
// (1934 + 33h)/196 ≤ 60 minutes, h ≤ 297; the fewest windows W with
// ⌈1200/W⌉ ≤ 297 is 5, of 240 hosts each, planned to end after
// (1934 + 33·240)/196 = 50.28 minutes, at 22:50, on five days in a row.
func TestScheduleByHand(t *testing.T) {
	code, out, errOut := runCLI("--patch", "KB899588", "--platform", "xp", "--hosts", "1200", "--consoles", "1",
		"--window", "1h", "--start", "2026-12-01T22:00", "--tz", "UTC", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var est [][]string
	for _, l := range lines[1:] {
		if f := strings.Split(l, ","); f[0] == "estimate" {
			est = append(est, f)
		}
	}
	if len(est) != 5 {
		t.Fatalf("%d windows on the estimate, want 5:\n%s", len(est), out)
	}
	minutes := (1934 + 33*240) / 196.0
	for i, f := range est {
		day := time.Date(2026, 12, 1+i, 22, 0, 0, 0, time.UTC)
		end := day.Add(time.Duration(minutes * float64(time.Minute)))
		if f[3] != day.Format(time.RFC3339) || f[4] != day.Add(time.Hour).Format(time.RFC3339) || f[5] != end.Format(time.RFC3339) ||
			f[8] != "240" || f[17] != itoa(240*(i+1)) || f[10] != "50.28" || f[14] != "50.28" {
			t.Errorf("window %d: %v; want start %s, end %s, 240 hosts, %d done", i+1, f, day.Format(time.RFC3339), end.Format(time.RFC3339), 240*(i+1))
		}
	}
	if f := strings.Split(lines[1], ","); f[19] != time.Date(2026, 12, 5, 22, 50, 16, 0, time.UTC).Format(time.RFC3339) {
		t.Errorf("finish of the first row: %s; want 2026-12-05T22:50:16Z", lines[1])
	}
}

func itoa(n int) string { return strings.TrimSpace(strings.Replace(groupDigits(n), ",", "", -1)) }

// TestScheduleDST: windows at 22:00 in New York stay at 22:00 across the
// end of daylight-saving time (2026-11-01 02:00 EDT → 01:00 EST): the
// offsets change from −04:00 to −05:00, the wall clock does not.
func TestScheduleDST(t *testing.T) {
	// By hand, a 2h window holds h ≤ (120·196 − 1934)/33 = 654 hosts: 1800
	// hosts take 3 windows of 600.
	code, out, errOut := runCLI("--patch", "KB899588", "--platform", "xp", "--hosts", "1800", "--consoles", "1",
		"--window", "2h", "--start", "2026-10-31T22:00", "--tz", "America/New_York", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var starts []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		if f := strings.Split(l, ","); f[0] == "estimate" {
			starts = append(starts, f[3])
		}
	}
	want := []string{"2026-10-31T22:00:00-04:00", "2026-11-01T22:00:00-05:00", "2026-11-02T22:00:00-05:00"}
	if strings.Join(starts, " ") != strings.Join(want, " ") {
		t.Errorf("windows open at %v, want %v", starts, want)
	}
}

// TestScheduleICS: --ics writes one event per window, which the
// iCalendar library reads back with the window's times.
func TestScheduleICS(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rollout.ics")
	code, out, errOut := runCLI("--patch", "KB899588,KB937894,KB885881", "--hosts", "XP=3000,2000=800,2003=150", "--consoles", "4",
		"--window", "2h", "--start", "2026-12-24T22:00", "--tz", "Asia/Tokyo", "--days", "weekdays", "--skip", "2026-12-31",
		"--rings", "50,10%,100%", "--soak", "2d", "--ics", path, "--lang", "en")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if crlf, lf := strings.Count(string(raw), "\r\n"), strings.Count(string(raw), "\n"); crlf == 0 || crlf != lf {
		t.Errorf("%d of %d lines end in CRLF; RFC 5545 wants all", crlf, lf)
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 75 {
			t.Errorf("a line of %d octets, over RFC 5545's 75: %q", len(line), line)
		}
	}
	cal, err := ics.ParseCalendar(f)
	if err != nil {
		t.Fatal(err)
	}
	events := cal.Events()
	rows := len(regexp.MustCompile(`(?m)^\s*\d+\s+\d+\s+20\d\d-`).FindAllString(out, -1))
	if len(events) != 9 || rows != 9 {
		t.Fatalf("%d events, %d table rows; want 9 windows", len(events), rows)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	first, err := events[0].GetStartAt()
	if err != nil {
		t.Fatal(err)
	}
	end, err := events[0].GetEndAt()
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 24, 22, 0, 0, 0, tokyo); !first.Equal(want) || !end.Equal(want.Add(2*time.Hour)) {
		t.Errorf("first event %v–%v, want %v for 2h", first, end, want)
	}
	last, _ := events[8].GetStartAt()
	if want := time.Date(2027, 1, 11, 22, 0, 0, 0, tokyo); !last.Equal(want) {
		t.Errorf("last event %v, want %v", last, want)
	}
	if s := events[0].GetProperty(ics.ComponentPropertySummary); s == nil || !strings.Contains(s.Value, "ring 1, 50 hosts") {
		t.Errorf("first event's summary %v", s)
	}
}

// TestScheduleErrors: each bad calendar flag is refused with one line
// naming the value or the fix, and nothing is written.
func TestScheduleErrors(t *testing.T) {
	base := []string{"--patch", "KB899588", "--platform", "xp", "--hosts", "1200", "--consoles", "1", "--window", "1h"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--tz", "Asia/Tokio", "--start", "2026-12-01T22:00"}, "Asia/Tokio"},
		{[]string{"--start", "2026-13-01T22:00"}, "2026-13-01T22:00"},
		{[]string{"--start", "2026-12-01T22:00", "--days", "mon,wdn"}, "wdn"},
		{[]string{"--start", "2026-12-01T22:00", "--skip", "2026-02-30"}, "2026-02-30"},
		{[]string{"--start", "2026-12-01T22:00", "--rings", "50,10%"}, `rings "50,10%": the rings take 170 of the fleet's 1200 hosts: end them with 100%`},
		{[]string{"--start", "2026-12-01T22:00", "--rings", "2000"}, `ring 1 has 2000 hosts, more than the whole fleet of 1200`},
		{[]string{"--days", "weekdays"}, "--days goes with --start"},
		{[]string{"--start", "2026-12-01T22:00", "--soak", "2d"}, "--soak goes with --rings"},
		{[]string{"--start", "2026-12-01T22:00", "--ics", "x.txt"}, "ending in .ics"},
	} {
		code, out, errOut := runCLI(append(append([]string{}, base...), c.args...)...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", c.args, code, errOut, c.want)
		}
	}
	// A window too short for one host of the bundle says the shortest
	// that works: by hand, one host takes (1934 + 33)/196 = 10.04 min.
	code, _, errOut := runCLI("--patch", "KB899588", "--platform", "xp", "--hosts", "1200", "--consoles", "1", "--window", "5m", "--start", "2026-12-01T22:00")
	if code != 2 || !strings.Contains(errOut, "11m") {
		t.Errorf("5m window: exit %d, %q; want the shortest window, 11m", code, errOut)
	}
	// Too many windows is refused up front.
	code, _, errOut = runCLI("--patch", "KB899588", "--platform", "xp", "--hosts", "100000000", "--consoles", "1", "--window", "1h", "--start", "2026-12-01T22:00")
	if code != 2 || !strings.Contains(errOut, "10000") && !strings.Contains(errOut, "10,000") {
		t.Errorf("10⁸ hosts in 1h windows: exit %d, %q", code, errOut)
	}
}

// TestScheduleOutputsTogether: with --start, -o, --ics and --plot are all
// written, the picture a PNG of the asked size; with an error none is.
func TestScheduleOutputsTogether(t *testing.T) {
	dir := t.TempDir()
	out, cal, pic := filepath.Join(dir, "s.csv"), filepath.Join(dir, "s.ics"), filepath.Join(dir, "s.png")
	args := []string{"--patch", "KB899588", "--platform", "xp", "--hosts", "1200", "--consoles", "1", "--window", "1h",
		"--start", "2026-12-01T22:00", "--tz", "UTC", "--format", "csv", "-o", out, "--ics", cal, "--plot", pic, "--plot-size", "640x400"}
	if code, _, errOut := runCLI(args...); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	f, err := os.Open(pic)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dx() != 640 || img.Bounds().Dy() != 400 {
		t.Errorf("plot: %v, %v", err, img.Bounds())
	}
	for _, p := range []string{out, cal} {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
	// A window too short: nothing is written, the old files stay.
	before, _ := os.ReadFile(out)
	bad := append(slices.Clone(args), "--window", "5m")
	bad = slices.Delete(bad, 8, 10) // the first --window 1h
	if code, _, errOut := runCLI(bad...); code != 2 || !strings.Contains(errOut, "11m") {
		t.Fatalf("5m windows: exit %d, %q; want 2 and the shortest window", code, errOut)
	}
	if after, _ := os.ReadFile(out); string(after) != string(before) {
		t.Error("a failed run changed -o's file")
	}
}

// TestPercentDone: the share done is rounded down, so that it reads 100
// only when all is done, and never 0 once a host is.
func TestPercentDone(t *testing.T) {
	for _, c := range []struct {
		done, fleet, dec int
		want             string
	}{
		{9996, 10000, 1, "99.9"}, {10000, 10000, 1, "100.0"}, {4, 10000, 1, "0.1"}, {0, 10000, 1, "0.0"},
		{50, 3950, 1, "1.2"}, {99995, 100000, 2, "99.99"}, {445, 3950, 2, "11.26"},
	} {
		if got := percentDone(c.done, c.fleet, c.dec); got != c.want {
			t.Errorf("%d of %d: %s, want %s", c.done, c.fleet, got, c.want)
		}
	}
}
