package plan

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones of these tests, whatever the machine's zoneinfo

	"github.com/patchtime/patchtime/estimate"
)

// The published KB899588 table (18, 27, 52, 94 minutes at 50, 100, 250
// and 500 hosts, the same for XP and 2000) has the least-squares line
//
//	minutes = 1934/196 + (33/196)·hosts
//
// on one console (x̄ = 225, ȳ = 47.75, Sxx = 122500, Sxy = 20625; see
// estimate/curve_test.go). The cases below are worked out by hand from it.
func kbLine(parts, hosts int) float64 { return (1934*float64(parts) + 33*float64(hosts)) / 196 }

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// minutes is m minutes as estimate rounds them to a Duration.
func minutes(m float64) time.Duration { return time.Duration(math.Round(m * float64(time.Minute))) }

func schedule(t *testing.T, r Request) *Schedule {
	t.Helper()
	a, err := Ask(estimate.Default(), r)
	if err != nil {
		t.Fatal(err)
	}
	if a.Schedule == nil {
		t.Fatal("no schedule")
	}
	return a.Schedule
}

type wantSlot struct {
	ring       int
	start      string // local wall clock, 2006-01-02 15:04 MST
	xp, w2k    int
	minutes    float64
	cumulative int
}

func checkSlots(t *testing.T, got []Slot, want []wantSlot, fleet int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d windows, want %d", len(got), len(want))
	}
	for i, w := range want {
		s := got[i]
		var b []Batch
		if w.xp > 0 {
			b = append(b, Batch{Platform: "XP", Hosts: w.xp, Patches: []string{"KB899588"}})
		}
		if w.w2k > 0 {
			b = append(b, Batch{Platform: "2000", Hosts: w.w2k, Patches: []string{"KB899588"}})
		}
		st := s.Start.Format("2006-01-02 15:04 MST")
		if s.Ring != w.ring || st != w.start || s.Hosts != w.xp+w.w2k || !slices.EqualFunc(s.Batches, b, func(x, y Batch) bool {
			return x.Platform == y.Platform && x.Hosts == y.Hosts && slices.Equal(x.Patches, y.Patches)
		}) || math.Abs(s.Span.Minutes-w.minutes) > 1e-9 || s.Cumulative != w.cumulative ||
			math.Abs(s.Percent-100*float64(w.cumulative)/float64(fleet)) > 1e-12 {
			t.Errorf("window %d: ring %d at %s, %d hosts %v, %.6f min, cumulative %d (%.4f%%);\nwant ring %d at %s, XP %d + 2000 %d, %.6f min, cumulative %d",
				i+1, s.Ring, st, s.Hosts, s.Batches, s.Span.Minutes, s.Cumulative, s.Percent, w.ring, w.start, w.xp, w.w2k, w.minutes, w.cumulative)
		}
		if s.End != s.Start.Add(minutes(s.Span.Minutes)) || s.Close != s.Start.Add(time.Hour) {
			t.Errorf("window %d: opens %v, ends %v, closes %v; want the end %.6f min and the close 1h after it opens", i+1, s.Start, s.End, s.Close, s.Span.Minutes)
		}
	}
}

// TestScheduleByHand lays KB899588 out on XP=601, 2000=302 (903 hosts),
// one console, one-hour windows, and checks every window against the line
// worked out by hand.
//
// A window of x XP and y 2000 hosts takes (2·1934 + 33(x+y))/196 min, so
// it fits an hour while x + y ≤ (60·196 − 3868)/33 = 239.15. With the
// fleet in one ring: W = 3 holds ⌈601/3⌉ + ⌈302/3⌉ = 201 + 101 = 302, too
// many; W = 4 holds 151 + 76 = 227. XP is 150·4 + 1, so its first window
// has 151 and the others 150; 2000 is 75·4 + 2: 76, 76, 75, 75.
//
// With a pilot of 10: 10·601/903 = 6.66 and 10·302/903 = 3.34 give 6 and 3,
// and the host left over goes to XP, the larger remainder: 7 and 3. The
// rest, 594 and 299, needs W = 4 again (3 windows hold 198 + 100 = 298):
// 149, 149, 148, 148 and 75, 75, 75, 74. Weekdays only, a soak of two
// days: the pilot runs on Friday 2026-03-06 22:00 EST for 21.4 min, the
// soak ends Sunday 23:21 EDT (48 hours, across the change to daylight
// time), and the rest runs Monday to Thursday at 22:00 EDT.
func TestScheduleByHand(t *testing.T) {
	ny := zone(t, "America/New_York")
	r := Request{Patches: []string{"KB899588"}, Fleet: []Group{{"XP", 601}, {"2000", 302}}, Window: time.Hour, Consoles: Counts(1),
		Calendar: &Calendar{Start: time.Date(2026, 3, 6, 22, 0, 0, 0, ny), Days: MonFri}}
	a, err := Ask(estimate.Default(), r)
	if err != nil {
		t.Fatal(err)
	}
	s := a.Schedule
	if w := a.Windows[0]; w.Question != WindowsFor || w.Plan.Windows != 4 || w.HostsPerWindow != 227 {
		t.Errorf("the window's answer: %d windows of %d hosts; want the schedule's 4 of 227", w.Plan.Windows, w.HostsPerWindow)
	}
	checkSlots(t, s.Slots, []wantSlot{
		{1, "2026-03-06 22:00 EST", 151, 76, kbLine(2, 227), 227},
		{1, "2026-03-09 22:00 EDT", 150, 76, kbLine(2, 226), 453},
		{1, "2026-03-10 22:00 EDT", 150, 75, kbLine(2, 225), 678},
		{1, "2026-03-11 22:00 EDT", 150, 75, kbLine(2, 225), 903},
	}, 903)
	if s.Consoles != 1 || s.Hosts != 903 || s.Finish != s.Slots[3].End || len(s.Rings) != 1 || s.Rings[0].Windows != 4 {
		t.Errorf("consoles %d, hosts %d, finish %v, rings %+v", s.Consoles, s.Hosts, s.Finish, s.Rings)
	}

	r.Calendar.Rings = []Ring{{Hosts: 10}, Rest()}
	r.Calendar.Soak = 48 * time.Hour
	s = schedule(t, r)
	checkSlots(t, s.Slots, []wantSlot{
		{1, "2026-03-06 22:00 EST", 7, 3, kbLine(2, 10), 10},
		{2, "2026-03-09 22:00 EDT", 149, 75, kbLine(2, 224), 234},
		{2, "2026-03-10 22:00 EDT", 149, 75, kbLine(2, 224), 458},
		{2, "2026-03-11 22:00 EDT", 148, 75, kbLine(2, 223), 681},
		{2, "2026-03-12 22:00 EDT", 148, 74, kbLine(2, 222), 903},
	}, 903)
	want := []Wave{{Ring: 1, Asked: Ring{Hosts: 10}, Hosts: 10, Platforms: []int{7, 3}, Windows: 1, TopWindows: 1},
		{Ring: 2, Asked: Rest(), Hosts: 893, Platforms: []int{594, 299}, Windows: 4, TopWindows: 4}}
	if !slices.EqualFunc(s.Rings, want, func(a, b Wave) bool {
		return a.Ring == b.Ring && a.Asked == b.Asked && a.Hosts == b.Hosts && slices.Equal(a.Platforms, b.Platforms) && a.Windows == b.Windows && a.TopWindows == b.TopWindows
	}) {
		t.Errorf("rings %+v, want %+v", s.Rings, want)
	}
	if wantFinish := time.Date(2026, 3, 12, 22, 0, 0, 0, ny).Add(minutes(kbLine(2, 222))); !s.Finish.Equal(wantFinish) {
		t.Errorf("finish %v, want %v", s.Finish, wantFinish)
	}
	if got := s.Platforms; len(got) != 2 || got[0].Name != "XP" || got[0].Hosts != 601 || got[1].Name != "2000" || !slices.Equal(got[1].Patches, []string{"KB899588"}) {
		t.Errorf("platforms %+v", got)
	}
}

// TestScheduleOnTheTop: every window planned on the top of its interval
// takes more windows when the top of the estimate's window passes the
// window. KB899588 on 1000 XP hosts in 52-minute windows: on the estimate
// a window holds (52·196 − 1934)/33 = 250.2 hosts, so W = 4 windows of 250
// (10184/196 = 51.96 min each); on the top, 250 hosts reach past 52 min,
// so W = 5 windows of 200.
func TestScheduleOnTheTop(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	start := time.Date(2026, 12, 1, 22, 0, 0, 0, tokyo) // a Tuesday
	s := schedule(t, Request{Patches: []string{"KB899588"}, Platform: "XP", Hosts: Counts(1000), Consoles: Counts(1), Window: 52 * time.Minute,
		Calendar: &Calendar{Start: start}})
	cs, _ := estimate.Default().Curves("KB899588", "XP")
	at := func(h int) estimate.Estimate {
		e, err := cs[0].Estimate(estimate.Scenario{Hosts: h})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	if at(250).High <= 52 || at(200).High > 52 {
		t.Fatalf("the case needs the top of 250 hosts past 52 min (%.3f) and of 200 within (%.3f)", at(250).High, at(200).High)
	}
	if len(s.Slots) != 4 || len(s.TopSlots) != 5 || s.TopReason != "" {
		t.Fatalf("%d windows on the estimate, %d on the top (%s); want 4 and 5", len(s.Slots), len(s.TopSlots), s.TopReason)
	}
	for i, sl := range s.Slots {
		if sl.Hosts != 250 || math.Abs(sl.Span.Minutes-kbLine(1, 250)) > 1e-9 || !sl.Start.Equal(start.AddDate(0, 0, i)) ||
			sl.Top != sl.Start.Add(minutes(at(250).High)) {
			t.Errorf("window %d on the estimate: %d hosts, %.4f min at %v, top %v", i+1, sl.Hosts, sl.Span.Minutes, sl.Start, sl.Top)
		}
	}
	for i, sl := range s.TopSlots {
		if sl.Hosts != 200 || sl.Span.High != at(200).High || sl.Top != sl.Start.Add(minutes(at(200).High)) || !sl.Start.Equal(start.AddDate(0, 0, i)) {
			t.Errorf("window %d on the top: %d hosts, top %.4f min at %v", i+1, sl.Hosts, sl.Span.High, sl.Start)
		}
	}
	if want := start.AddDate(0, 0, 4).Add(minutes(at(200).High)); !s.FinishTop.Equal(want) || s.Rings[0].TopWindows != 5 {
		t.Errorf("finish on the top %v, want %v", s.FinishTop, want)
	}
	if want := start.AddDate(0, 0, 3).Add(minutes(kbLine(1, 250))); !s.Finish.Equal(want) {
		t.Errorf("finish %v, want %v", s.Finish, want)
	}
}

// TestSoak: the next ring's first window is the first opening at or
// after the last host's planned end plus the soak: on the estimate its
// End, on the top its Top. A soak that ends between the two openings'
// reach tells them apart.
func TestSoak(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	start := time.Date(2026, 12, 1, 22, 0, 0, 0, tokyo)
	cs, _ := estimate.Default().Curves("KB899588", "XP")
	pilot, _ := cs[0].Estimate(estimate.Scenario{Hosts: 10})
	end, top := minutes(pilot.Minutes), minutes(pilot.High)
	if math.Abs(pilot.Minutes-kbLine(1, 10)) > 1e-9 || top-end < 10*time.Second {
		t.Fatalf("pilot of 10: %.4f–%.4f min", pilot.Minutes, pilot.High)
	}
	for _, c := range []struct {
		soak          time.Duration
		est, onTheTop int // the day of ring 2 after the pilot's, on the estimate and on the top
	}{
		{0, 1, 1},                          // a window holds one ring: the next is tomorrow's
		{24*time.Hour - (end+top)/2, 1, 2}, // the estimate's end + soak is before 22:00 tomorrow, the top's after
		{24 * time.Hour, 2, 2},
		{23*time.Hour + 30*time.Minute, 1, 1},
	} {
		s := schedule(t, Request{Patches: []string{"KB899588"}, Platform: "XP", Hosts: Counts(1000), Consoles: Counts(1), Window: time.Hour,
			Calendar: &Calendar{Start: start, Rings: []Ring{{Hosts: 10}, Rest()}, Soak: c.soak}})
		if got := s.Slots[1].Start; s.Slots[1].Ring != 2 || !got.Equal(start.AddDate(0, 0, c.est)) {
			t.Errorf("soak %v: ring 2 opens %v on the estimate, want day %d", c.soak, got, c.est)
		}
		if got := s.TopSlots[1].Start; s.TopSlots[1].Ring != 2 || !got.Equal(start.AddDate(0, 0, c.onTheTop)) {
			t.Errorf("soak %v: ring 2 opens %v on the top, want day %d", c.soak, got, c.onTheTop)
		}
	}
}

// TestDaylightSaving: windows open at the same wall-clock time across
// daylight-saving changes, in New York (2026-03-08, 2026-11-01) and Berlin
// (2026-03-29, 2026-10-25); a window lasts its length of elapsed time, so
// one crossing midnight into the change closes an hour off on the wall
// clock; a clock time the change skips opens an hour later that day.
func TestDaylightSaving(t *testing.T) {
	ny, berlin := zone(t, "America/New_York"), zone(t, "Europe/Berlin")
	// KB899588 on 1000 XP hosts: 297 hosts fit an hour ((60·196 − 1934)/33
	// = 297.8), so 4 windows of 250; 2000 hosts fit 4 hours 1366 at a time
	// ((240·196 − 1934)/33 = 1366.9), so 2 windows of 1000.
	lay := func(start time.Time, hosts int, window time.Duration) []Slot {
		return schedule(t, Request{Patches: []string{"KB899588"}, Platform: "XP", Hosts: Counts(hosts), Consoles: Counts(1), Window: window,
			Calendar: &Calendar{Start: start}}).Slots
	}
	for _, c := range []struct {
		start  time.Time
		hosts  int
		window time.Duration
		want   []string // each window's opening and closing, local, and the opening in UTC
	}{
		{time.Date(2026, 3, 6, 22, 0, 0, 0, ny), 1000, time.Hour, []string{
			"03-06 22:00 EST–23:00 EST 03:00Z", "03-07 22:00 EST–23:00 EST 03:00Z", "03-08 22:00 EDT–23:00 EDT 02:00Z", "03-09 22:00 EDT–23:00 EDT 02:00Z"}},
		{time.Date(2026, 10, 30, 22, 0, 0, 0, ny), 1000, time.Hour, []string{
			"10-30 22:00 EDT–23:00 EDT 02:00Z", "10-31 22:00 EDT–23:00 EDT 02:00Z", "11-01 22:00 EST–23:00 EST 03:00Z", "11-02 22:00 EST–23:00 EST 03:00Z"}},
		{time.Date(2026, 3, 27, 22, 0, 0, 0, berlin), 1000, time.Hour, []string{
			"03-27 22:00 CET–23:00 CET 21:00Z", "03-28 22:00 CET–23:00 CET 21:00Z", "03-29 22:00 CEST–23:00 CEST 20:00Z", "03-30 22:00 CEST–23:00 CEST 20:00Z"}},
		{time.Date(2026, 10, 23, 22, 0, 0, 0, berlin), 1000, time.Hour, []string{
			"10-23 22:00 CEST–23:00 CEST 20:00Z", "10-24 22:00 CEST–23:00 CEST 20:00Z", "10-25 22:00 CET–23:00 CET 21:00Z", "10-26 22:00 CET–23:00 CET 21:00Z"}},
		// Across midnight into the change: four hours of elapsed time.
		{time.Date(2026, 3, 7, 23, 0, 0, 0, ny), 2000, 4 * time.Hour, []string{
			"03-07 23:00 EST–04:00 EDT 04:00Z", "03-08 23:00 EDT–03:00 EDT 03:00Z"}},
		{time.Date(2026, 10, 31, 23, 0, 0, 0, ny), 2000, 4 * time.Hour, []string{
			"10-31 23:00 EDT–02:00 EST 03:00Z", "11-01 23:00 EST–03:00 EST 04:00Z"}},
		// 02:30 does not exist on 2026-03-08 in New York.
		{time.Date(2026, 3, 7, 2, 30, 0, 0, ny), 1000, time.Hour, []string{
			"03-07 02:30 EST–03:30 EST 07:30Z", "03-08 03:30 EDT–04:30 EDT 07:30Z", "03-09 02:30 EDT–03:30 EDT 06:30Z", "03-10 02:30 EDT–03:30 EDT 06:30Z"}},
		{time.Date(2026, 3, 28, 2, 30, 0, 0, berlin), 1000, time.Hour, []string{
			"03-28 02:30 CET–03:30 CET 01:30Z", "03-29 03:30 CEST–04:30 CEST 01:30Z", "03-30 02:30 CEST–03:30 CEST 00:30Z", "03-31 02:30 CEST–03:30 CEST 00:30Z"}},
		// 01:30 happens twice on 2026-11-01 in New York, 02:30 on
		// 2026-10-25 in Berlin: the first.
		{time.Date(2026, 10, 31, 1, 30, 0, 0, ny), 1000, time.Hour, []string{
			"10-31 01:30 EDT–02:30 EDT 05:30Z", "11-01 01:30 EDT–01:30 EST 05:30Z", "11-02 01:30 EST–02:30 EST 06:30Z", "11-03 01:30 EST–02:30 EST 06:30Z"}},
		{time.Date(2026, 10, 24, 2, 30, 0, 0, berlin), 1000, time.Hour, []string{
			"10-24 02:30 CEST–03:30 CEST 00:30Z", "10-25 02:30 CEST–02:30 CET 00:30Z", "10-26 02:30 CET–03:30 CET 01:30Z", "10-27 02:30 CET–03:30 CET 01:30Z"}},
	} {
		slots := lay(c.start, c.hosts, c.window)
		var got []string
		for _, s := range slots {
			got = append(got, s.Start.Format("01-02 15:04 MST")+"–"+s.Close.Format("15:04 MST")+" "+s.Start.UTC().Format("15:04Z"))
			if s.Close.Sub(s.Start) != c.window || s.Start.Location() != c.start.Location() {
				t.Errorf("%v: a window of %v in %v", s.Start, s.Close.Sub(s.Start), s.Start.Location())
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("from %v:\n got %q\nwant %q", c.start, got, c.want)
		}
	}
	// The end within the window crossing midnight: 1000 hosts take
	// 34934/196 = 178.2 min, so 01:58 EST, before the change at 02:00.
	slots := lay(time.Date(2026, 3, 7, 23, 0, 0, 0, ny), 2000, 4*time.Hour)
	if got := slots[0].End.Format("01-02 15:04:05 MST"); got != "03-08 01:58:14 EST" || math.Abs(slots[0].Span.Minutes-kbLine(1, 1000)) > 1e-9 {
		t.Errorf("the first window ends %s (%.4f min), want 03-08 01:58:14 EST", got, slots[0].Span.Minutes)
	}
}

// TestDaysAndSkips: windows only on the days allowed and not on the dates
// skipped; the first on the first such day from the start.
func TestDaysAndSkips(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	skip, err := ParseDates("2026-12-25, 2026-12-28:2026-12-31")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		start time.Time
		days  Weekdays
		skip  []Date
		want  []string
	}{
		// Thursday 12-24; Friday 12-25 skipped, the weekend, 12-28 to 12-31 skipped.
		{time.Date(2026, 12, 24, 22, 0, 0, 0, tokyo), MonFri, skip, []string{"Thu 12-24", "Fri 01-01", "Mon 01-04", "Tue 01-05"}},
		// Starting on a Saturday with weekdays: Monday first.
		{time.Date(2026, 12, 26, 22, 0, 0, 0, tokyo), MonFri, nil, []string{"Mon 12-28", "Tue 12-29", "Wed 12-30", "Thu 12-31"}},
		// The start's own date skipped.
		{time.Date(2026, 12, 25, 22, 0, 0, 0, tokyo), 0, skip, []string{"Sat 12-26", "Sun 12-27", "Fri 01-01", "Sat 01-02"}},
		{time.Date(2026, 12, 1, 22, 0, 0, 0, tokyo), WeekdaysOf(time.Monday, time.Wednesday, time.Friday), nil, []string{"Wed 12-02", "Fri 12-04", "Mon 12-07", "Wed 12-09"}},
	} {
		s := schedule(t, Request{Patches: []string{"KB899588"}, Platform: "XP", Hosts: Counts(1000), Consoles: Counts(1), Window: time.Hour,
			Calendar: &Calendar{Start: c.start, Days: c.days, Skip: c.skip}})
		var got []string
		for _, sl := range s.Slots {
			got = append(got, sl.Start.Format("Mon 01-02"))
			if sl.Start.Hour() != 22 || sl.Start.Minute() != 0 {
				t.Errorf("a window at %v", sl.Start)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("from %v on %v skipping %v: %q, want %q", c.start, c.days, c.skip, got, c.want)
		}
	}
}

// TestRings sizes rings by hand: boundaries rounded up, percentages of
// the whole fleet, 100% the rest, and each ring shared out over the
// platforms by Hamilton's method.
func TestRings(t *testing.T) {
	plats := func(h ...int) []Platform {
		var p []Platform
		for _, n := range h {
			p = append(p, Platform{Hosts: n})
		}
		return p
	}
	for _, c := range []struct {
		rings []Ring
		fleet []int
		want  [][]int
	}{
		// ⌈3.3⌉ = 4, ⌈6.6⌉ = 7, 10.
		{[]Ring{{Percent: 33}, {Percent: 33}, {Percent: 34}}, []int{10}, [][]int{{4}, {3}, {3}}},
		// 50; ⌈50 + 395⌉ = 445; the rest. The pilot: 50·3000/3950 = 37.97,
		// 50·800/3950 = 10.13, 50·150/3950 = 1.90: 37, 10, 1 and the two
		// left over to XP (.97) and 2003 (.90). Then 395 of 2962, 790, 148
		// (3900): 299.997, 80.01, 14.99: 299, 80, 14, and two to XP and
		// 2003.
		{[]Ring{{Hosts: 50}, {Percent: 10}, Rest()}, []int{3000, 800, 150}, [][]int{{38, 10, 2}, {300, 80, 15}, {2662, 710, 133}}},
		{nil, []int{3000, 800}, [][]int{{3000, 800}}},
		{[]Ring{{Hosts: 10}, {Hosts: 90}}, []int{60, 40}, [][]int{{6, 4}, {54, 36}}},
		{[]Ring{Rest()}, []int{5, 7}, [][]int{{5, 7}}},
		// 12.5% of 9 is 1.125: 2; then the rest.
		{[]Ring{{Percent: 12.5}, Rest()}, []int{9}, [][]int{{2}, {7}}},
		// A pilot of 2 over three platforms: 2·5/7 = 1.43, 2·1/7 = .29,
		// 2·1/7 = .29: 1, 0, 0, and the one left over to the first of the
		// tied remainders after XP's .43.
		{[]Ring{{Hosts: 2}, Rest()}, []int{5, 1, 1}, [][]int{{2, 0, 0}, {3, 1, 1}}},
	} {
		got, err := resolveRings(c.rings, plats(c.fleet...))
		if err != nil || !slices.EqualFunc(got, c.want, slices.Equal) {
			t.Errorf("%v of %v: %v, %v; want %v", c.rings, c.fleet, got, err, c.want)
		}
	}
}

// TestRingsThatDoNotAddUp: each way rings can fail says why.
func TestRingsThatDoNotAddUp(t *testing.T) {
	for _, c := range []struct {
		rings []Ring
		why   string
	}{
		{[]Ring{{Hosts: 1000}, Rest()}, "ring 1 has 1000 hosts, more than the whole fleet of 903"},
		{[]Ring{{Percent: 150}}, "above 0% and at most 100%"},
		{[]Ring{{Percent: 60}, {Percent: 50}}, "percentages of rings 1 to 2 add up to more than 100%"},
		{[]Ring{{Hosts: 500}, {Hosts: 500}}, "rings 1 to 2 take 1000 hosts or more, past the fleet of 903"},
		{[]Ring{{Hosts: 500}, {Percent: 50}}, "rings 1 to 2 take 952 hosts, past the fleet of 903"},
		{[]Ring{Rest(), {Hosts: 10}}, "ring 1 is 100%, the rest of the fleet: no ring can follow it"},
		{[]Ring{{Percent: 10}, {Percent: 20}}, "the rings take 271 of the fleet's 903 hosts: end them with 100% (the rest)"},
		{[]Ring{{Percent: 50}, {Percent: 50}, Rest()}, "ring 3 holds no host: the rings before it take the whole fleet of 903"},
		{[]Ring{{Hosts: 10}, {}}, "ring 2 is empty"},
		{[]Ring{{Hosts: 10, Percent: 5}}, "ring 1: give its hosts (at least 1) or its share of the fleet, not both"},
		{[]Ring{{Hosts: -5}}, "ring 1: give its hosts"},
		{[]Ring{{Percent: math.NaN()}}, "not NaN%"},
		{[]Ring{{Percent: 1e-6}, Rest()}, "below a ten-thousandth of a percent"},
		{[]Ring{{Percent: 0.01}, {Percent: 0.01}, Rest()}, "ring 2 (0.01%) holds no host of the fleet of 903"},
	} {
		_, err := New(estimate.Default(), Request{Patches: []string{"KB899588"}, Fleet: []Group{{"XP", 601}, {"2000", 302}}, Window: time.Hour,
			Calendar: &Calendar{Start: time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC), Rings: c.rings}})
		var ce *CalendarError
		if !errors.As(err, &ce) || ce.Field != "rings" || ce.Value != ringsText(c.rings) || !strings.Contains(err.Error(), c.why) {
			t.Errorf("%v: %v; want a CalendarError on rings saying %q", c.rings, err, c.why)
		}
	}
}

// TestShortWindow: a window that cannot hold one host of each platform
// with the whole bundle is refused with the shortest that can. One XP host
// of KB899588 takes 1967/196 = 10.04 min: 11 minutes; one host of XP and
// one of 2000 take 3934/196 = 20.07 min: 21 minutes.
func TestShortWindow(t *testing.T) {
	start := time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		r        Request
		minutes  float64
		shortest time.Duration
	}{
		{Request{Patches: []string{"KB899588"}, Platform: "XP", Hosts: Counts(100), Consoles: Counts(1), Window: 10 * time.Minute}, 1967.0 / 196, 11 * time.Minute},
		{Request{Patches: []string{"KB899588"}, Fleet: []Group{{"XP", 100}, {"2000", 50}}, Consoles: Counts(3), Window: 20 * time.Minute}, 3934.0 / 196, 21 * time.Minute},
		// With no consoles given, the window's answer finds none that fit.
		{Request{Patches: []string{"KB899588"}, Fleet: []Group{{"XP", 100}, {"2000", 50}}, Window: 20 * time.Minute}, 3934.0 / 196, 21 * time.Minute},
	} {
		c.r.Calendar = &Calendar{Start: start}
		_, err := Ask(estimate.Default(), c.r)
		var se *ShortWindowError
		if !errors.As(err, &se) || se.Upper || math.Abs(se.Minutes-c.minutes) > 1e-9 || se.Shortest != c.shortest || se.Window != c.r.Window ||
			!strings.Contains(err.Error(), "the shortest window that works is "+shortDuration(c.shortest)) {
			t.Errorf("%v: %v; want the shortest window %v", c.r.Window, err, c.shortest)
			continue
		}
		c.r.Window = c.shortest
		if _, err := Ask(estimate.Default(), c.r); err != nil {
			t.Errorf("the shortest window %v: %v", c.shortest, err)
		}
	}
	// Long enough on the estimate, not on the top: the top is left out and
	// says why, unless it is the schedule asked for.
	cs, _ := estimate.Default().Curves("KB899588", "XP")
	one, _ := cs[0].Estimate(estimate.Scenario{Hosts: 1})
	// (1934 + 33n)/196 ≤ 10.5 holds up to n = 3: 30 hosts take 10 windows.
	r := Request{Patches: []string{"KB899588"}, Platform: "XP", Hosts: Counts(30), Consoles: Counts(1), Window: 10*time.Minute + 30*time.Second,
		Calendar: &Calendar{Start: start}}
	s := schedule(t, r)
	if len(s.Slots) != 10 || s.Slots[0].Hosts != 3 || s.TopSlots != nil || !s.FinishTop.IsZero() || !strings.Contains(s.TopReason, "shortest window that works is 11m") {
		t.Errorf("%d windows, top %v (%q)", len(s.Slots), s.TopSlots, s.TopReason)
	}
	r.Upper = true
	_, err := Ask(estimate.Default(), r)
	var se *ShortWindowError
	if !errors.As(err, &se) || !se.Upper || se.Minutes != one.High || se.Shortest != time.Duration(math.Ceil(one.High))*time.Minute {
		t.Errorf("on the top: %v; want a ShortWindowError at %.4f min", err, one.High)
	}
}

// TestTooManyWindows: a schedule past MaxWindows is refused from the
// counts. One console holds 297 XP hosts of KB899588 an hour, so
// 297·10000 hosts take exactly 10000 windows and one more host 10001;
// 10⁸ hosts would take ⌈10⁸/297⌉ = 336701.
func TestTooManyWindows(t *testing.T) {
	r := func(hosts int) Request {
		return Request{Patches: []string{"KB899588"}, Platform: "XP", Hosts: Counts(hosts), Consoles: Counts(1), Window: time.Hour,
			Calendar: &Calendar{Start: time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC)}}
	}
	for _, c := range []struct{ hosts, windows int }{{2_970_001, 10_001}, {100_000_000, 336_701}} {
		q, err := New(estimate.Default(), r(c.hosts))
		if err != nil {
			t.Fatal(err)
		}
		_, err = q.Schedule()
		var te *TooManyWindowsError
		if !errors.As(err, &te) || te.Windows != c.windows || te.Upper {
			t.Errorf("%d hosts: %v; want %d windows refused", c.hosts, err, c.windows)
		}
	}
	s := schedule(t, r(2_970_000))
	if len(s.Slots) != MaxWindows || s.Slots[MaxWindows-1].Cumulative != 2_970_000 || s.TopSlots != nil || !strings.Contains(s.TopReason, "windows on the top") {
		t.Errorf("2970000 hosts: %d windows, top: %q", len(s.Slots), s.TopReason)
	}
}

// TestCalendarErrors: bad calendar input names the value.
func TestCalendarErrors(t *testing.T) {
	start := time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC)
	base := func() Request {
		return Request{Patches: []string{"KB899588"}, Platform: "XP", Hosts: Counts(100), Window: time.Hour, Calendar: &Calendar{Start: start}}
	}
	for _, c := range []struct {
		change func(*Request)
		field  string
	}{
		{func(r *Request) { r.Calendar.Start = time.Time{} }, "start"},
		{func(r *Request) { r.Window = 0 }, "window"},
		{func(r *Request) { r.Window = 24 * time.Hour }, "window"},
		{func(r *Request) { r.Calendar.Soak = -time.Hour }, "soak"},
		{func(r *Request) { r.Calendar.Soak = 400 * 24 * time.Hour }, "soak"},
		{func(r *Request) { r.Calendar.Days = 0x80 }, "days"},
		{func(r *Request) { r.Calendar.Skip = []Date{{2026, 2, 30}} }, "skip"},
		{func(r *Request) { r.Hosts = Counts(100, 200) }, "hosts"},
		{func(r *Request) { r.Platform = "" }, "hosts"}, // KB899588 has three platform rows
		{func(r *Request) { r.Hosts = nil }, "hosts"},
	} {
		r := base()
		c.change(&r)
		_, err := Ask(estimate.Default(), r)
		var ce *CalendarError
		if !errors.As(err, &ce) || ce.Field != c.field {
			t.Errorf("%s: %v; want a CalendarError on %s", c.field, err, c.field)
		}
	}
	// A patch whose interval cannot be bounded: the top is left out, and
	// with Upper refused.
	cat, err := estimate.ReadCatalog(strings.NewReader("kb,consoles,hosts,minutes,source\nKB1,1,100,20,observed\nKB1,1,300,50,observed\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := Request{Patches: []string{"KB1"}, Hosts: Counts(1000), Consoles: Counts(1), Window: time.Hour, Calendar: &Calendar{Start: start}}
	a, err := Ask(cat, r)
	if err != nil || a.Schedule.TopSlots != nil || !strings.Contains(a.Schedule.TopReason, "unbounded") || !a.Schedule.Slots[0].Top.IsZero() {
		t.Errorf("an unbounded interval: %v, %+v", err, a)
	}
	r.Upper = true
	if _, err := Ask(cat, r); err == nil {
		t.Error("an unbounded interval planned on its top: no error")
	}
	var q Query
	if _, err := q.Schedule(); err == nil {
		t.Error("a schedule with no calendar: no error")
	}
}

// TestNoCalendar: without a calendar every answer stays as it was, and
// the calendar adds its schedule and changes no row.
func TestNoCalendar(t *testing.T) {
	r := Request{Patches: []string{"KB899588", "KB937894", "KB885881"}, Fleet: []Group{{"XP", 3000}, {"2000", 800}, {"2003", 150}}, Window: 4 * time.Hour}
	a, err := Ask(estimate.Default(), r)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(a)
	if a.Schedule != nil || strings.Contains(string(b), "schedule") {
		t.Errorf("a schedule without a calendar: %s", b)
	}
	r.Calendar = &Calendar{Start: time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC)}
	c, err := Ask(estimate.Default(), r)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rows) != len(a.Rows) || c.Windows[0].Plan.Consoles != a.Windows[0].Plan.Consoles {
		t.Fatalf("the calendar changed the rows")
	}
	for i := range a.Rows {
		if a.Rows[i].Estimate != c.Rows[i].Estimate {
			t.Errorf("row %d: %+v with the calendar, %+v without", i, c.Rows[i].Estimate, a.Rows[i].Estimate)
		}
	}
	// No consoles given: the window's answer's 9, which fit the whole
	// fleet in one window.
	s := c.Schedule
	if s.Consoles != 9 || len(s.Slots) != 1 || s.Slots[0].Hosts != 3950 || s.Slots[0].Span.Minutes != a.Windows[0].Plan.Minutes || s.Slots[0].Percent != 100 {
		t.Errorf("schedule on %d consoles: %+v", s.Consoles, s.Slots)
	}
	// Each platform gets the patches that apply to it.
	want := [][]string{{"KB899588", "KB937894"}, {"KB899588", "KB937894"}, {"KB899588", "KB885881"}}
	for i, p := range s.Platforms {
		if !slices.Equal(p.Patches, want[i]) || !slices.Equal(s.Slots[0].Batches[i].Patches, want[i]) {
			t.Errorf("%s gets %v, want %v", p.Name, p.Patches, want[i])
		}
	}
}

// TestScheduleJSON: the schedule marshals with times in RFC 3339, an
// unbounded top as null.
func TestScheduleJSON(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	s := schedule(t, Request{Patches: []string{"KB899588"}, Fleet: []Group{{"XP", 601}, {"2000", 302}}, Window: time.Hour, Consoles: Counts(1),
		Calendar: &Calendar{Start: time.Date(2026, 12, 1, 22, 0, 0, 0, tokyo), Days: MonFri, Rings: []Ring{{Hosts: 10}, Rest()}, Soak: 48 * time.Hour}})
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Start         string
		Zone          string
		WindowMinutes float64 `json:"window_minutes"`
		Days          string
		SoakMinutes   float64 `json:"soak_minutes"`
		Slots         []map[string]any
		TopSlots      []map[string]any `json:"top_slots"`
		Finish        string
		FinishTop     *string `json:"finish_top"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	sl := back.Slots[0]
	if back.Start != "2026-12-01T22:00:00+09:00" || back.Zone != "Asia/Tokyo" || back.WindowMinutes != 60 || back.Days != "weekdays" || back.SoakMinutes != 2880 ||
		len(back.Slots) != 5 || len(back.TopSlots) != 5 || back.FinishTop == nil || sl["ring"] != 1.0 || sl["start"] != "2026-12-01T22:00:00+09:00" ||
		sl["hosts"] != 10.0 || sl["cumulative"] != 10.0 || math.Abs(sl["minutes"].(float64)-kbLine(2, 10)) > 1e-9 || sl["top"] == nil || len(sl["batches"].([]any)) != 2 {
		t.Errorf("JSON %s", b)
	}
}

// TestParse: the readers of calendar values, and the values they name
// when they fail.
func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Weekdays
	}{
		{"daily", Daily}, {"Weekdays", MonFri}, {"mon,wed,fri", WeekdaysOf(time.Monday, time.Wednesday, time.Friday)},
		{"Mon-Thu", WeekdaysOf(time.Monday, time.Tuesday, time.Wednesday, time.Thursday)},
		{"fri-mon", WeekdaysOf(time.Friday, time.Saturday, time.Sunday, time.Monday)}, {"月,水,金曜日", WeekdaysOf(time.Monday, time.Wednesday, time.Friday)},
		{"weekends", WeekdaysOf(time.Saturday, time.Sunday)}, {"sunday", WeekdaysOf(time.Sunday)},
	} {
		got, err := ParseWeekdays(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseWeekdays(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
		if back, err := ParseWeekdays(got.String()); err != nil || back != got {
			t.Errorf("%v does not read back: %v, %v", got, back, err)
		}
	}
	for _, c := range []struct {
		fn                 func() error
		field, value, says string
	}{
		{func() error { _, err := ParseWeekdays("mon,fry"); return err }, "days", "fry", "did you mean fri?"},
		{func() error { _, err := ParseWeekdays("mon,,fri"); return err }, "days", "", "empty"},
		{func() error { _, err := ParseDates("2026-12-24,2026-02-30"); return err }, "skip", "2026-02-30", "want a date"},
		{func() error { _, err := ParseDates("2026-12-31:2026-12-24"); return err }, "skip", "2026-12-31:2026-12-24", "ends before it starts"},
		{func() error { _, err := ParseDates("2026-01-01:2040-01-01"); return err }, "skip", "2026-01-01:2040-01-01", "ten years"},
		{func() error { _, err := LoadZone("Mars/Olympus_Mons"); return err }, "zone", "Mars/Olympus_Mons", "unknown time zone"},
		{func() error { _, err := ParseStart("2026-12-01", nil); return err }, "start", "2026-12-01", "2026-12-01T22:00"},
		{func() error { _, err := ParseStart("tonight", nil); return err }, "start", "tonight", "want a date and time"},
		{func() error { _, err := ParseStart("2026-12-01T22:00+09:00", zone(t, "America/New_York")); return err }, "start", "2026-12-01T22:00+09:00", "not America/New_York's"},
		{func() error { _, err := ParseRings("50,abc"); return err }, "rings", "50,abc", `ring 2 "abc"`},
		{func() error { _, err := ParseRings("50,150%"); return err }, "rings", "50,150%", "at most 100%"},
		{func() error { _, err := ParseRings("0"); return err }, "rings", "0", "at least 1"},
	} {
		err := c.fn()
		var ce *CalendarError
		if !errors.As(err, &ce) || ce.Field != c.field || ce.Value != c.value || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%v; want a CalendarError on %s naming %q, saying %q", err, c.field, c.value, c.says)
		}
	}
	ds, err := ParseDates("2026/12/30:2027-01-02, 2026-12-24")
	if want := []Date{{2026, 12, 30}, {2026, 12, 31}, {2027, 1, 1}, {2027, 1, 2}, {2026, 12, 24}}; err != nil || !slices.Equal(ds, want) {
		t.Errorf("ParseDates: %v, %v; want %v", ds, err, want)
	}
	rs, err := ParseRings("50, 10%, rest")
	if want := []Ring{{Hosts: 50}, {Percent: 10}, Rest()}; err != nil || !slices.Equal(rs, want) || ringsText(rs) != "50,10%,100%" {
		t.Errorf("ParseRings: %v, %v", rs, err)
	}
	tokyo := zone(t, "Asia/Tokyo")
	for _, c := range []struct {
		in   string
		zone *time.Location
		want string
	}{
		{"2026-12-01T22:00", tokyo, "2026-12-01T22:00:00+09:00 Asia/Tokyo"},
		{"2026-12-01 22:00:30", tokyo, "2026-12-01T22:00:30+09:00 Asia/Tokyo"},
		{"2026-12-01T22:00+09:00", tokyo, "2026-12-01T22:00:00+09:00 Asia/Tokyo"},
		{"2026-12-01T22:00-05:00", nil, "2026-12-01T22:00:00-05:00 -05:00"},
		{"2026-12-01T22:00Z", nil, "2026-12-01T22:00:00Z +00:00"},
		{"2026-12-01T22:00", time.UTC, "2026-12-01T22:00:00Z UTC"},
	} {
		got, err := ParseStart(c.in, c.zone)
		if s := got.Format(time.RFC3339) + " " + got.Location().String(); err != nil || s != c.want {
			t.Errorf("ParseStart(%q) = %s, %v; want %s", c.in, s, err, c.want)
		}
	}
	if loc, err := LoadZone("Europe/Berlin"); err != nil || loc.String() != "Europe/Berlin" {
		t.Errorf("LoadZone: %v, %v", loc, err)
	}
}

// TestDates: day numbers against the time package, over four centuries
// and either side of 1970.
func TestDates(t *testing.T) {
	for n := -800_000; n < 800_000; n += 97 {
		tm := time.Unix(int64(n)*86400, 0).UTC()
		d := dateOf(n)
		if d != DateOf(tm) || d.number() != n || weekday(n) != tm.Weekday() || d.Weekday() != tm.Weekday() {
			t.Fatalf("day %d: %v (number %d, %v), want %v", n, d, d.number(), weekday(n), tm)
		}
	}
	if (Date{2026, 2, 29}).Valid() || !(Date{2028, 2, 29}).Valid() || (Date{2026, 13, 1}).Valid() || (Date{}).Valid() {
		t.Error("Valid")
	}
}

// TestScheduleCostIsPerWindow: a fleet 100 times larger on 100 times the
// consoles takes the same windows and the same allocations but for the
// bisection of estimate.Rollout.WindowsFor, whose steps grow with log₂ of
// the hosts (at most 7 more for 100 times the hosts) in each ring (3) of
// each schedule (2): the work grows with the windows, not the hosts.
func TestScheduleCostIsPerWindow(t *testing.T) {
	req := func(scale int) Request {
		return Request{Patches: []string{"KB899588", "KB937894", "KB885881"},
			Fleet:    []Group{{"XP", 7600 * scale}, {"2000", 2020 * scale}, {"2003", 380 * scale}},
			Consoles: Counts(scale), Window: 4 * time.Hour,
			Calendar: &Calendar{Start: time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC), Rings: []Ring{{Hosts: 50}, {Percent: 10}, Rest()}, Soak: 48 * time.Hour}}
	}
	var windows, allocs []float64
	for _, scale := range []int{1, 100} {
		q, err := New(estimate.Default(), req(scale))
		if err != nil {
			t.Fatal(err)
		}
		s, err := q.Schedule()
		if err != nil {
			t.Fatal(err)
		}
		windows = append(windows, float64(len(s.Slots)+len(s.TopSlots)))
		allocs = append(allocs, testing.AllocsPerRun(10, func() { q.Schedule() }))
	}
	if windows[0] != windows[1] || allocs[1] > allocs[0]+2*3*7 {
		t.Errorf("windows %v, allocations %v: want the same for 100 times the hosts", windows, allocs)
	}
}

// TestSlotParts: each batch carries each patch's time on its hosts; they
// add up to the window's time. KB899588 on h XP hosts on one console
// takes (1934 + 33h)/196 minutes by hand; KB937894, setup + perHost·h of
// its own curve.
func TestSlotParts(t *testing.T) {
	q, err := New(estimate.Default(), Request{
		Patches: []string{"KB899588", "KB937894"}, Platform: "xp", Hosts: Counts(1200), Consoles: Counts(1),
		Window: 2 * time.Hour, Calendar: &Calendar{Start: time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC)},
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := q.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := estimate.Default().Curves("KB937894", "xp")
	for _, sl := range s.Slots {
		var sum float64
		for _, b := range sl.Batches {
			if len(b.Parts) != len(b.Patches) {
				t.Fatalf("%d parts for %d patches", len(b.Parts), len(b.Patches))
			}
			for i, p := range b.Parts {
				if p.Patch != b.Patches[i] {
					t.Errorf("part %d is %s, patch %s", i, p.Patch, b.Patches[i])
				}
				sum += p.Span.Minutes
			}
			h := float64(b.Hosts)
			if got, want := b.Parts[0].Span.Minutes, (1934+33*h)/196; math.Abs(got-want) > 1e-9 {
				t.Errorf("KB899588 on %d hosts: %v min, want %v", b.Hosts, got, want)
			}
			if got, want := b.Parts[1].Span.Minutes, cs[0].Setup()+cs[0].PerHost()*h; math.Abs(got-want) > 1e-9 {
				t.Errorf("KB937894 on %d hosts: %v min, want %v", b.Hosts, got, want)
			}
		}
		if math.Abs(sum-sl.Span.Minutes) > 1e-9 {
			t.Errorf("parts add up to %v min, the window takes %v", sum, sl.Span.Minutes)
		}
	}
}
