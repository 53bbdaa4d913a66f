package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/internal/clip"
)

// The limits of a calendar.
const (
	// MaxWindows is the most windows a schedule lays out, on the estimate
	// or on the top of the intervals: 10,000, some 27 years of nightly
	// windows. A request that needs more is refused from the counts,
	// before any window is laid out (see TooManyWindowsError).
	MaxWindows = 10_000
	// MaxWindow is the longest window a calendar takes: 23 hours, so that
	// the windows of two days in a row never overlap, even across the
	// night a daylight-saving change makes 23 hours long.
	MaxWindow = 23 * time.Hour
	// MaxSoak is the longest soak between two rings: 366 days.
	MaxSoak = 366 * 24 * time.Hour
)

// Calendar lays a request's rollout out on a calendar of maintenance
// windows: at most one window a day, on the days it allows, each opening
// at Start's clock time in Start's zone and lasting the request's Window.
// The fleet may be split into rings (waves), with a soak after each.
//
// Each window opens at Start's wall-clock time (hour, minute, second) on
// its day, in Start's location, computed for that day, not as the
// previous window plus 24 hours: a window at 22:00 stays at 22:00 local
// across a daylight-saving change. A clock time the change skips (02:30
// on a spring-forward night) opens later by the gap (03:30), and one it
// repeats at its first occurrence, as iCalendar reads them. A window
// lasts Request.Window of elapsed time, crossing midnight if it must; on
// a night a daylight-saving change shortens or lengthens, it closes an
// hour later or earlier on the wall clock, and holds as many hosts as any
// other.
//
// The calendar lays out one rollout: a mixed fleet (Request.Fleet), or
// one fleet size (Request.Hosts with one count) for a bundle or a patch
// with one platform row. It uses the request's one console count or, with
// none given, the fewest consoles that fit the whole fleet in one window,
// as the window's answer finds them (the best count when none does).
type Calendar struct {
	// Start is when the first window opens, and its location the
	// calendar's time zone. The first window is on Start's date when
	// that day has one (opening at Start itself), else on the first day
	// after it that has one. The zero Time is refused.
	Start time.Time
	// Days are the days of the week that have a window; the zero value
	// is every day.
	Days Weekdays
	// Skip are dates with no window (holidays, change freezes), as dates
	// of the calendar's zone.
	Skip []Date
	// Rings are the waves of the fleet, in order (see Ring for how they
	// are sized and must add up); none is one ring of the whole fleet.
	Rings []Ring
	// Soak is the wait after each ring, from the planned end of its last
	// host to the earliest the next ring's first window may open: 0 to
	// MaxSoak, elapsed time.
	Soak time.Duration
}

// Ring is one wave of a rollout: a number of hosts, or a share of the
// whole fleet.
//
// Let N be the fleet (the hosts of the platforms some patch applies to),
// H_i the hosts of the rings 1…i given as hosts and P_i the sum of their
// percentages. Ring i ends at the boundary
//
//	B_i = ⌈H_i + P_i·N/100⌉ hosts,  B_0 = 0,
//
// and holds B_i − B_{i−1} hosts: 50, 10% and the rest of 3950 hosts are
// 50, 395 and 3505. Rounding the boundaries, not the sizes,
// makes percentages that add up to 100 cover the fleet exactly (33%, 33%
// and 34% of 10 hosts are 4, 3 and 3) and keeps every ring within a host
// of its share. A ring of 100% is the rest, N − B_{i−1}, and must be the
// last. Percentages count to a ten-thousandth of a percent. The rings
// must add up to the fleet: a ring past the fleet (a pilot larger than
// it, percentages over 100), a ring with no host, a ring after the rest,
// or rings that stop short of the fleet are a *CalendarError saying which.
//
// A ring takes from every platform its share of what remains: with R the
// ring's hosts, m_g the hosts of platform g not yet in a ring and M their
// sum, ⌊R·m_g/M⌋ hosts, the R − Σ⌊R·m_g/M⌋ left over going one each to
// the platforms with the largest remainders (the first on a tie):
// Hamilton's method, so the ring holds exactly R hosts, every platform
// large enough is in it, and no platform gives more than it has left.
type Ring struct {
	Hosts   int     // hosts in the ring, at least 1; or, with Hosts 0,
	Percent float64 // the ring's share of the whole fleet, percent: above 0, at most 100; 100 is the rest
}

// Rest is the last ring: whatever the rings before it leave.
func Rest() Ring { return Ring{Percent: 100} }

// String writes the ring as ParseRings reads it: "50", "10%", "100%".
func (r Ring) String() string {
	if r.Hosts != 0 || r.Percent == 0 {
		return strconv.Itoa(r.Hosts)
	}
	return strconv.FormatFloat(r.Percent, 'f', -1, 64) + "%"
}

// rest reports whether r is the rest of the fleet.
func (r Ring) rest() bool { return r.Hosts == 0 && r.Percent == 100 }

// Weekdays is a set of days of the week, bit d for time.Weekday d. The
// zero value is every day, as is Daily.
type Weekdays uint8

// Common sets of days.
const (
	Daily  Weekdays = 1<<7 - 1                                     // every day
	MonFri Weekdays = Daily &^ (1<<time.Sunday | 1<<time.Saturday) // Monday to Friday
)

// WeekdaysOf returns the set of the days given.
func WeekdaysOf(days ...time.Weekday) Weekdays {
	var w Weekdays
	for _, d := range days {
		if d >= time.Sunday && d <= time.Saturday {
			w |= 1 << d
		}
	}
	return w
}

// Has reports whether d is in w; every day is in the zero Weekdays.
func (w Weekdays) Has(d time.Weekday) bool { return w&Daily == 0 || w&(1<<d) != 0 }

var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// String writes w as ParseWeekdays reads it: "daily", "weekdays", or the
// days from Monday: "mon,wed,fri".
func (w Weekdays) String() string {
	switch w & Daily {
	case 0, Daily:
		return "daily"
	case MonFri:
		return "weekdays"
	}
	var names []string
	for i := 1; i <= 7; i++ {
		if d := time.Weekday(i % 7); w&(1<<d) != 0 {
			names = append(names, dayNames[d])
		}
	}
	return strings.Join(names, ",")
}

// MarshalText encodes w as String writes it.
func (w Weekdays) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// Date is a day of the calendar, in no time zone: the date of a civil
// calendar, as a skip list gives it.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String writes d as 2026-12-24.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText encodes d as String writes it.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Valid reports whether d is a day of the calendar, in the years 1 to
// 9999: not February 30th, not month 13.
func (d Date) Valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return DateOf(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)) == d
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekday(d.number()) }

// number is d's day number: days since 1970-01-01, from the civil
// calendar's arithmetic (H. Hinnant, days_from_civil).
func (d Date) number() int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateOf is the date of day number n (civil_from_days).
func dateOf(n int) Date {
	n += 719468
	era := floorDiv(n, 146097)
	doe := n - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return Date{y, time.Month(m), d}
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// weekday is the day of the week of day number n (1970-01-01 was a
// Thursday).
func weekday(n int) time.Weekday { return time.Weekday(((n % 7) + 7 + 4) % 7) }

// Schedule is a rollout laid out on a calendar: every window with its
// ring, its hosts of each platform and the patches they get, its planned
// end and the top of its interval, and the hosts done so far; twice, once
// planned on the estimate (Slots) and once with every window planned on
// the top of its interval (TopSlots), which may take more windows.
//
// A ring of r_g hosts of platform g is split evenly into W windows, W the
// fewest for which a window holding ⌈r_g/W⌉ hosts of every platform, with
// every patch of the bundle, fits the window on the schedule's consoles
// (estimate.Rollout.WindowsFor: each window pays every part's setup
// again). Window j of the ring (from 0) holds
//
//	n_gj = ⌊r_g/W⌋ + [j < r_g mod W]
//
// hosts of platform g, so the earlier windows hold one host more of some
// platforms and none holds more than the window WindowsFor checked. Its
// time is the bundle's on those hosts,
//
//	minutes_j = Σ_parts setup + perHost·⌈n_gj/consoles⌉·slowdown
//
// over the parts (patch × platform) of the platforms it holds, with their
// combined interval (see estimate.Rollout). Every platform thus progresses
// together, in proportion, rather than one after another: a pilot ring
// holds every platform large enough to be in it, the percentage done is
// every platform's, and a ring gets the windows the window question of
// the same fleet and consoles answers (Answer.Windows, WindowsFor). Laying
// the platforms out one after another would pay fewer setups in a window
// (only those of the platforms in it), but would leave the last platform
// untouched until the end.
//
// A window holds one ring only. Ring i+1's first window is the first of
// the calendar opening at or after the planned end of ring i's last host
// plus the soak: on the estimate, that window's End; on the top, its Top.
// Within a ring, windows follow on the days that have one.
type Schedule struct {
	Start     time.Time     // the calendar's start, in its zone
	Window    time.Duration // each window's length
	Days      Weekdays      // the days with a window
	Soak      time.Duration // the soak after each ring
	Consoles  int           // consoles working in every window
	Hosts     int           // the fleet: hosts of the platforms some patch applies to
	Platforms []Platform    // the fleet's platforms, in the order asked
	Rings     []Wave        // the rings, resolved to hosts
	Slots     []Slot        // the windows, each planned on the estimate
	TopSlots  []Slot        // the windows, each planned on the top of its interval; nil when the top cannot be planned on
	TopReason string        // why TopSlots is nil
	Finish    time.Time     // the last host done, on the estimate: the End of the last of Slots
	FinishTop time.Time     // the last host done, every window planned on its top: the Top of the last of TopSlots; zero without them
}

// Platform is one platform of a schedule's fleet.
type Platform struct {
	Name    string   `json:"platform"` // as asked: a mixed fleet's group (XP), or the request's platform filter ("" for none)
	Hosts   int      `json:"hosts"`    // its hosts
	Patches []string `json:"patches"`  // the patches it gets, in the bundle's order: KBs, and patches with no table by name
}

// Wave is a ring resolved to hosts.
type Wave struct {
	Ring       int   `json:"ring"`        // the ring, from 1
	Asked      Ring  `json:"-"`           // the ring as asked; the zero Ring when no rings were asked
	Hosts      int   `json:"hosts"`       // the ring's hosts
	Platforms  []int `json:"platforms"`   // the ring's hosts of each platform, in Schedule.Platforms' order
	Windows    int   `json:"windows"`     // its windows on the estimate
	TopWindows int   `json:"top_windows"` // its windows on the top; 0 without TopSlots
}

// Slot is one window of a schedule.
type Slot struct {
	Ring       int           // the ring, from 1
	Start      time.Time     // the window opens, in the calendar's zone
	Close      time.Time     // the window closes: Start + Schedule.Window
	End        time.Time     // the planned end of its last host: Start + Span.Minutes
	Top        time.Time     // Start + Span.High, the top of the interval; the zero Time when the interval is unbounded
	Span       estimate.Span // the window's time, minutes, with its prediction interval
	Hosts      int           // hosts patched in the window
	Batches    []Batch       // its hosts of each platform that has some in it, in Schedule.Platforms' order
	Cumulative int           // hosts patched up to the end of this window, its own included
	Percent    float64       // Cumulative as a percentage of the fleet
}

// Batch is the hosts of one platform in one window.
type Batch struct {
	Platform string     `json:"platform"` // as in Schedule.Platforms
	Hosts    int        `json:"hosts"`    // its hosts in the window
	Patches  []string   `json:"patches"`  // the patches they get: Schedule.Platforms' slice, shared; do not modify
	Parts    []PartTime `json:"parts"`    // each patch's time on these hosts, in the order of Patches; shared by the windows of the same size, do not modify
}

// PartTime is one patch on one platform's hosts of a window: a part of the
// window's rollout, the parts running one after another on the window's
// consoles (the window's Span is their sum, with the combined interval).
type PartTime struct {
	Patch string        // as in Batch.Patches
	Span  estimate.Span // its time on the batch's hosts, minutes, with its prediction interval
}

// MarshalJSON writes the part as {"patch", "minutes", "low_minutes",
// "high_minutes" (null when unbounded)}.
func (p PartTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Patch   string   `json:"patch"`
		Minutes float64  `json:"minutes"`
		Low     float64  `json:"low_minutes"`
		High    *float64 `json:"high_minutes"`
	}{p.Patch, p.Span.Minutes, p.Span.Low, finiteOrNil(p.Span.High)})
}

// CalendarError is a calendar input that cannot be used: a bad zone,
// date, weekday, start, window, soak or rings.
type CalendarError struct {
	Field  string // what the value is for: "start", "zone", "days", "skip", "rings", "soak", "window", "hosts", "consoles"
	Value  string // the value as given
	Reason string // why it cannot be used, in a sentence
}

func (e *CalendarError) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Field, clip.Quote(e.Value), e.Reason)
}

// ShortWindowError means a window too short for even one host of every
// platform with the whole bundle: every window pays every setup again.
type ShortWindowError struct {
	Window   time.Duration // the window asked
	Upper    bool          // planned on the top of the interval
	Minutes  float64       // the time of one host of every platform of a ring, every patch on each, minutes (the longest over the rings)
	Shortest time.Duration // the shortest window that works: Minutes rounded up to the minute
}

func (e *ShortWindowError) Error() string {
	on := "on the estimate"
	if e.Upper {
		on = "on the top of its interval"
	}
	return fmt.Sprintf("a window of %s holds not one host: one host of each platform with every patch takes %.1f min %s (each window pays every setup again); the shortest window that works is %s",
		shortDuration(e.Window), e.Minutes, on, shortDuration(e.Shortest))
}

// TooManyWindowsError means a schedule would need more than MaxWindows
// windows; it is refused from the counts, before any is laid out.
type TooManyWindowsError struct {
	Windows int  // the windows the schedule needs
	Upper   bool // planned on the top of the intervals
}

func (e *TooManyWindowsError) Error() string {
	on := "on the estimate"
	if e.Upper {
		on = "on the top of the intervals"
	}
	return fmt.Sprintf("the schedule needs %d windows %s, more than the %d a calendar lays out: give more consoles or a longer window",
		e.Windows, on, MaxWindows)
}

// shortDuration writes d as Go does, without zero units: "4h", "1h30m".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// calendar is a Calendar checked and resolved against its query's fleet.
type calendar struct {
	start   time.Time
	loc     *time.Location
	clock   [4]int // hour, minute, second, nanosecond of the windows' opening
	first   int    // day number of Start's date
	days    Weekdays
	skip    []int // day numbers of the skipped dates, sorted, once each
	window  time.Duration
	soak    time.Duration
	asked   []Ring
	rings   [][]int // hosts of each platform in each ring
	plats   []Platform
	jobs    []estimate.Job // every part on its platform's whole fleet
	jobPlat []int          // the platform of each job
	hosts   int
}

// newCalendar checks c against q, whose fleet it lays out, and resolves
// its rings to hosts.
func newCalendar(q *Query, c Calendar) (*calendar, error) {
	cal := &calendar{start: c.Start.Round(0), days: c.Days & Daily, window: q.req.Window, soak: c.Soak, asked: slices.Clone(c.Rings)}
	switch {
	case c.Start.IsZero():
		return nil, &CalendarError{Field: "start", Value: "", Reason: "a calendar needs a start: the date and time of its first window"}
	case c.Start.Year() < 1 || c.Start.Year() > 9999:
		return nil, &CalendarError{Field: "start", Value: c.Start.String(), Reason: "want a year from 1 to 9999"}
	case c.Days&^Daily != 0:
		return nil, &CalendarError{Field: "days", Value: fmt.Sprintf("%#x", uint8(c.Days)), Reason: "not a set of days of the week: bits 0 (Sunday) to 6 (Saturday)"}
	case q.req.Window <= 0:
		return nil, &CalendarError{Field: "window", Value: q.req.Window.String(), Reason: "a calendar needs the windows' length (Request.Window)"}
	case q.req.Window > MaxWindow:
		return nil, &CalendarError{Field: "window", Value: shortDuration(q.req.Window), Reason: "a calendar's window is at most 23h, so that the windows of two days in a row never overlap"}
	case c.Soak < 0 || c.Soak > MaxSoak:
		return nil, &CalendarError{Field: "soak", Value: c.Soak.String(), Reason: "want 0 to 366 days"}
	case len(c.Rings) > MaxWindows:
		return nil, &CalendarError{Field: "rings", Value: strconv.Itoa(len(c.Rings)) + " rings", Reason: fmt.Sprintf("each ring takes a window of its own, and a calendar lays out at most %d", MaxWindows)}
	}
	cal.loc = c.Start.Location()
	h, m, s := c.Start.Clock()
	cal.clock = [4]int{h, m, s, c.Start.Nanosecond()}
	cal.first = DateOf(c.Start).number()
	for _, d := range c.Skip {
		if !d.Valid() {
			return nil, &CalendarError{Field: "skip", Value: d.String(), Reason: "not a date of the calendar"}
		}
		cal.skip = append(cal.skip, d.number())
	}
	slices.Sort(cal.skip)
	cal.skip = slices.Compact(cal.skip)
	if err := cal.fleet(q); err != nil {
		return nil, err
	}
	rings, err := resolveRings(c.Rings, cal.plats)
	if err != nil {
		return nil, err
	}
	cal.rings = rings
	return cal, nil
}

// fleet takes the query's one rollout: its platforms and their parts.
func (cal *calendar) fleet(q *Query) error {
	r := q.req
	if len(q.fleet) > 0 {
		// The platforms some patch applies to, in the fleet's order.
		used := make([]bool, len(r.Fleet))
		for _, g := range q.jobGroup {
			used[g] = true
		}
		platOf := make([]int, len(r.Fleet))
		for g := range r.Fleet {
			platOf[g] = len(cal.plats)
			if used[g] {
				cal.plats = append(cal.plats, Platform{Name: r.Fleet[g].Platform, Hosts: r.Fleet[g].Hosts})
			}
		}
		for i, j := range q.fleet {
			p := platOf[q.jobGroup[i]]
			cal.plats[p].Patches = append(cal.plats[p].Patches, patchName(j.Curve))
			cal.jobs = append(cal.jobs, j)
			cal.jobPlat = append(cal.jobPlat, p)
		}
	} else {
		switch n := Len(r.Hosts); {
		case n == 0:
			return &CalendarError{Field: "hosts", Value: "", Reason: "a calendar needs a fleet: one fleet size, or hosts per platform"}
		case n > 1:
			return &CalendarError{Field: "hosts", Value: strconv.Itoa(n) + " fleet sizes", Reason: "a calendar lays out one fleet: give one size"}
		}
		if !q.rollout && len(q.curves) > 1 {
			return &CalendarError{Field: "hosts", Value: r.Platform, Reason: fmt.Sprintf("the patch has %d platform rows (%s), each its own rollout; a calendar lays out one: pick a platform, or give hosts per platform",
				len(q.curves), strings.Join(platforms(q.curves), ", "))}
		}
		var h int
		for v := range All(r.Hosts) {
			h = v
		}
		name := r.Platform
		if name == "" {
			name = q.curves[0].Series().Platform
			for _, c := range q.curves {
				if c.Series().Platform != name {
					name = ""
				}
			}
		}
		p := Platform{Name: name, Hosts: h}
		for _, c := range q.curves {
			p.Patches = append(p.Patches, patchName(c))
			cal.jobs = append(cal.jobs, estimate.Job{Curve: c, Hosts: h})
			cal.jobPlat = append(cal.jobPlat, 0)
		}
		cal.plats = []Platform{p}
	}
	for _, p := range cal.plats {
		cal.hosts += p.Hosts
	}
	return nil
}

func patchName(c *estimate.Curve) string { return c.Series().KB }

// ringsText is the rings as ParseRings reads them, for errors.
func ringsText(rs []Ring) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = r.String()
	}
	return strings.Join(s, ",")
}

// resolveRings sizes the rings (see Ring) and shares each out over the
// platforms; no rings is one ring of the whole fleet.
func resolveRings(asked []Ring, plats []Platform) ([][]int, error) {
	n := 0
	left := make([]int, len(plats))
	for i, p := range plats {
		n += p.Hosts
		left[i] = p.Hosts
	}
	if len(asked) == 0 {
		return [][]int{left}, nil
	}
	text := ringsText(asked)
	bad := func(format string, a ...any) error {
		return &CalendarError{Field: "rings", Value: text, Reason: fmt.Sprintf(format, a...)}
	}
	const million = 1_000_000 // a percent in ten-thousandths: parts per million of the fleet
	var hosts, ppm, done int
	var sizes []int
	for i, r := range asked {
		k := i + 1
		switch {
		case r.Hosts < 0 || r.Hosts > 0 && r.Percent != 0:
			return nil, bad("ring %d: give its hosts (at least 1) or its share of the fleet, not both", k)
		case r == Ring{}:
			return nil, bad("ring %d is empty: give its hosts (at least 1) or its share of the fleet", k)
		case r.Hosts == 0 && !(r.Percent > 0 && r.Percent <= 100):
			return nil, bad("ring %d: a ring's share of the fleet is above 0%% and at most 100%% (the rest), not %s%%", k, strconv.FormatFloat(r.Percent, 'g', -1, 64))
		case r.rest() && k < len(asked):
			return nil, bad("ring %d is 100%%, the rest of the fleet: no ring can follow it", k)
		}
		var end int
		switch {
		case r.rest():
			end = n
		case r.Hosts > 0:
			if r.Hosts > n {
				return nil, bad("ring %d has %d hosts, more than the whole fleet of %d", k, r.Hosts, n)
			}
			hosts += r.Hosts
		default:
			p := int(math.Round(r.Percent * 10_000))
			if p == 0 {
				return nil, bad("ring %d: %s%% is below a ten-thousandth of a percent", k, strconv.FormatFloat(r.Percent, 'g', -1, 64))
			}
			ppm += p
		}
		if !r.rest() {
			if ppm > million {
				return nil, bad("the percentages of rings 1 to %d add up to more than 100%%", k)
			}
			// ⌈hosts + ppm·n/10⁶⌉, exactly in integers: hosts ≤ n and
			// ppm ≤ 10⁶ were checked, n ≤ estimate.MaxHosts.
			if hosts > n {
				return nil, bad("rings 1 to %d take %d hosts or more, past the fleet of %d", k, hosts, n)
			}
			end = hosts + (ppm*n+million-1)/million
		}
		if end > n {
			return nil, bad("rings 1 to %d take %d hosts, past the fleet of %d", k, end, n)
		}
		if end == done {
			if done == n {
				return nil, bad("ring %d holds no host: the rings before it take the whole fleet of %d", k, n)
			}
			return nil, bad("ring %d (%s) holds no host of the fleet of %d", k, r, n)
		}
		sizes = append(sizes, end-done)
		done = end
	}
	if done < n {
		return nil, bad("the rings take %d of the fleet's %d hosts: end them with 100%% (the rest), or make them add up", done, n)
	}
	rings := make([][]int, len(sizes))
	m := n
	for i, size := range sizes {
		rings[i] = share(size, left, m)
		for g, h := range rings[i] {
			left[g] -= h
		}
		m -= size
	}
	return rings, nil
}

// share is Hamilton's apportionment of r hosts over platforms with left
// hosts each, m in all (r ≤ m): ⌊r·left/m⌋ each, then one more to the
// largest remainders, the first platform on a tie. Neither r·left nor m
// passes estimate.MaxHosts², far inside an int.
func share(r int, left []int, m int) []int {
	out := make([]int, len(left))
	rem := make([]int, len(left))
	given := 0
	for g, l := range left {
		out[g], rem[g] = r*l/m, r*l%m
		given += out[g]
	}
	order := make([]int, len(left))
	for g := range order {
		order[g] = g
	}
	slices.SortStableFunc(order, func(a, b int) int { return rem[b] - rem[a] }) // stable: the first on a tie
	for _, g := range order[:r-given] {
		out[g]++
	}
	return out
}

// ringPlan is one ring planned for a layout: its windows and the time of
// each shape of window.
type ringPlan struct {
	hosts   []int // per platform
	windows int
	shapes  []shape // in window order
}

// shape is the windows j < until not in an earlier shape: each holds
// ⌊r_g/W⌋ + [j < r_g mod W] hosts of platform g.
type shape struct {
	until int
	span  estimate.Span
	parts [][]PartTime // each platform's parts in such a window, shared by its windows' batches
}

// plan plans every ring on consoles consoles, on the top with upper:
// the windows of each, checked against MaxWindows, and the time of each
// shape of window. It lays nothing out.
func (cal *calendar) plan(q *Query, consoles int, upper bool) ([]ringPlan, error) {
	w := estimate.Window{Length: cal.window, Upper: upper}
	scaling := estimate.Scaling{Consoles: consoles, Contention: q.contention, Coherency: q.coherency, Fixed: true}
	plans := make([]ringPlan, len(cal.rings))
	total := 0
	var jobs []estimate.Job
	ringJobs := func(hosts []int) []estimate.Job {
		jobs = jobs[:0]
		for i, j := range cal.jobs {
			if h := hosts[cal.jobPlat[i]]; h > 0 {
				jobs = append(jobs, estimate.Job{Curve: j.Curve, Hosts: h})
			}
		}
		return jobs
	}
	for i, hosts := range cal.rings {
		p, err := estimate.Rollout{Jobs: ringJobs(hosts), Scaling: scaling}.WindowsFor(w)
		var miss *estimate.WindowError
		if errors.As(err, &miss) {
			return nil, cal.short(scaling, upper)
		}
		if err != nil {
			return nil, err
		}
		plans[i] = ringPlan{hosts: hosts, windows: p.Windows}
		total = addCapped(total, p.Windows)
	}
	if total > MaxWindows {
		return nil, &TooManyWindowsError{Windows: total, Upper: upper}
	}
	counts := make([]int, len(cal.plats))
	for i := range plans {
		rp := &plans[i]
		W := rp.windows
		// The shapes change where a platform's extra host runs out.
		cuts := []int{W}
		for _, h := range rp.hosts {
			if r := h % W; r > 0 {
				cuts = append(cuts, r)
			}
		}
		slices.Sort(cuts)
		cuts = slices.Compact(cuts)
		for _, until := range cuts {
			j := until - 1 // a window of this shape
			for g, h := range rp.hosts {
				counts[g] = h / W
				if j < h%W {
					counts[g]++
				}
			}
			p, err := estimate.Rollout{Jobs: ringJobs(counts), Scaling: scaling}.Estimate()
			if err != nil {
				return nil, err
			}
			// p.Jobs follows ringJobs: the jobs with hosts, in order.
			parts, k := make([][]PartTime, len(cal.plats)), 0
			for ji, j := range cal.jobs {
				if g := cal.jobPlat[ji]; counts[g] > 0 {
					parts[g] = append(parts[g], PartTime{Patch: patchName(j.Curve), Span: p.Jobs[k].Span})
					k++
				}
			}
			rp.shapes = append(rp.shapes, shape{until: until, span: p.Span, parts: parts})
		}
	}
	return plans, nil
}

// short is the error of a window too short for one host: the shortest
// window that holds one host of every platform of every ring.
func (cal *calendar) short(scaling estimate.Scaling, upper bool) error {
	longest := 0.0
	for _, hosts := range cal.rings {
		var jobs []estimate.Job
		for i, j := range cal.jobs {
			if hosts[cal.jobPlat[i]] > 0 {
				jobs = append(jobs, estimate.Job{Curve: j.Curve, Hosts: 1})
			}
		}
		p, err := estimate.Rollout{Jobs: jobs, Scaling: scaling}.Estimate()
		if err != nil {
			return err
		}
		m := p.Minutes
		if upper {
			m = p.High
		}
		longest = max(longest, m)
	}
	return &ShortWindowError{Window: cal.window, Upper: upper, Minutes: longest,
		Shortest: time.Duration(math.Ceil(longest)) * time.Minute}
}

// open is the opening of the window on day number n: the calendar's
// clock time that day in its zone. A clock time a daylight-saving change
// skips is read with the offset before the change, so it opens later by
// the gap (02:30 is 03:30 on a spring-forward night); one the change
// repeats opens at its first occurrence. (RFC 5545 reads the times of an
// iCalendar event so; time.Date leaves the choice to each zone.)
func (cal *calendar) open(n int) time.Time {
	d := dateOf(n)
	u := time.Date(d.Year, d.Month, d.Day, cal.clock[0], cal.clock[1], cal.clock[2], cal.clock[3], time.UTC) // the wall clock, as if in UTC
	_, before := u.Add(-24 * time.Hour).In(cal.loc).Zone()
	_, after := u.Add(24 * time.Hour).In(cal.loc).Zone()
	t := u.Add(-time.Duration(before) * time.Second).In(cal.loc)
	if before == after {
		return t
	}
	t2 := u.Add(-time.Duration(after) * time.Second).In(cal.loc)
	_, o1 := t.Zone()
	_, o2 := t2.Zone()
	switch {
	case o1 == before && (o2 != after || t.Before(t2)):
		return t // the offset before the change holds, and it is the first occurrence
	case o2 == after:
		return t2
	}
	return t // in the gap: read with the offset before it
}

// walker walks the days with a window, forward; it keeps its place in
// the skip list, so a layout costs a step per day it passes.
type walker struct {
	cal *calendar
	i   int // the first skipped date not yet passed
}

// from returns the first day from day number n on that has a window.
func (w *walker) from(n int) int {
	for ; ; n++ {
		if !w.cal.days.Has(weekday(n)) {
			continue
		}
		for w.i < len(w.cal.skip) && w.cal.skip[w.i] < n {
			w.i++
		}
		if w.i < len(w.cal.skip) && w.cal.skip[w.i] == n {
			continue
		}
		return n
	}
}

// layout lays the planned rings out on the calendar, on the top with
// upper: a constant amount of work per window.
func (cal *calendar) layout(plans []ringPlan, plats []Platform, upper bool) ([]Slot, error) {
	total, nparts := 0, 0
	for _, rp := range plans {
		total += rp.windows
		for _, h := range rp.hosts {
			if h >= rp.windows {
				nparts += rp.windows
			} else {
				nparts += h // the windows j < h hold one each
			}
		}
	}
	slots := make([]Slot, 0, total)
	batches := make([]Batch, nparts)
	walk := walker{cal: cal}
	cum := 0
	var day int
	var last time.Time // the planned end of the last ring
	for ri, rp := range plans {
		var start time.Time
		switch {
		case ri == 0 && cal.days.Has(weekday(cal.first)) && !slices.Contains(cal.skip, cal.first):
			day, start = cal.first, cal.start
		case ri == 0:
			day = walk.from(cal.first + 1)
			start = cal.open(day)
		default:
			earliest := last.Add(cal.soak)
			day = walk.from(DateOf(earliest.In(cal.loc)).number())
			if start = cal.open(day); start.Before(earliest) {
				day = walk.from(day + 1)
				start = cal.open(day)
			}
		}
		W, s := rp.windows, 0
		for j := range W {
			if j > 0 {
				day = walk.from(day + 1)
				start = cal.open(day)
			}
			for j >= rp.shapes[s].until {
				s++
			}
			sl := Slot{Ring: ri + 1, Start: start, Close: start.Add(cal.window), Span: rp.shapes[s].span}
			sl.End = start.Add(sl.Span.Duration())
			if _, high, bounded := sl.Span.Interval(); bounded {
				sl.Top = start.Add(high)
			}
			n := 0
			for g, h := range rp.hosts {
				k := h / W
				if j < h%W {
					k++
				}
				if k == 0 {
					continue
				}
				batches[n] = Batch{Platform: plats[g].Name, Hosts: k, Patches: plats[g].Patches, Parts: rp.shapes[s].parts[g]}
				n++
				sl.Hosts += k
			}
			sl.Batches, batches = batches[:n:n], batches[n:]
			cum += sl.Hosts
			sl.Cumulative = cum
			sl.Percent = 100 * float64(cum) / float64(cal.hosts)
			slots = append(slots, sl)
		}
		last = slots[len(slots)-1].End
		if upper {
			last = slots[len(slots)-1].Top
		}
	}
	if end := slots[len(slots)-1]; end.Close.Year() > 9999 || end.Top.Year() > 9999 {
		return nil, &CalendarError{Field: "start", Value: cal.start.Format(time.RFC3339), Reason: "the schedule runs past the year 9999"}
	}
	return slots, nil
}

// Schedule lays the request's rollout out on its calendar (see Calendar
// and Schedule), on the estimate and on the top of the intervals. With
// Request.Upper the top is the schedule asked for, and its failure the
// error; otherwise the top is left out, with TopReason, when it cannot be
// planned on (an unbounded interval, a window too short for one host on
// its top, more than MaxWindows windows). It fails with a
// *ShortWindowError when a window cannot hold one host of each platform
// with the whole bundle, a *TooManyWindowsError past MaxWindows. The work
// grows with the rings and the windows, not the hosts.
func (q *Query) Schedule() (*Schedule, error) {
	cal := q.cal
	if cal == nil {
		return nil, errors.New("the request asks for no calendar")
	}
	consoles := 1
	for k := range All(q.req.Consoles) {
		consoles = k
		break
	}
	if !q.consolesSet {
		p, err := estimate.Rollout{Jobs: cal.jobs, Scaling: estimate.Scaling{Contention: q.contention, Coherency: q.coherency, Fixed: true}}.
			ConsolesFor(estimate.Window{Length: cal.window, Upper: q.req.Upper})
		var miss *estimate.WindowError
		if errors.As(err, &miss) {
			p, err = miss.Best, nil
		}
		if err != nil {
			return nil, err
		}
		consoles = p.Consoles
	}
	// The schedule's slices are the caller's: none is the query's.
	s := &Schedule{Start: cal.start, Window: cal.window, Days: cal.days, Soak: cal.soak, Consoles: consoles, Hosts: cal.hosts,
		Platforms: slices.Clone(cal.plats)}
	for i := range s.Platforms {
		s.Platforms[i].Patches = slices.Clone(s.Platforms[i].Patches)
	}
	if s.Days == 0 {
		s.Days = Daily
	}
	for i, hosts := range cal.rings {
		w := Wave{Ring: i + 1, Platforms: slices.Clone(hosts)}
		if len(cal.asked) > 0 {
			w.Asked = cal.asked[i]
		}
		for _, h := range hosts {
			w.Hosts += h
		}
		s.Rings = append(s.Rings, w)
	}
	lay := func(upper bool) ([]Slot, []ringPlan, error) {
		plans, err := cal.plan(q, consoles, upper)
		if err != nil {
			return nil, nil, err
		}
		slots, err := cal.layout(plans, s.Platforms, upper)
		return slots, plans, err
	}
	// With Upper the top is the schedule asked for: its error first. (The
	// top never takes fewer windows than the estimate, so where the
	// estimate fails the top fails too.)
	top, topPlans, topErr := lay(true)
	if topErr != nil && q.req.Upper {
		return nil, topErr
	}
	slots, plans, err := lay(false)
	if err != nil {
		return nil, err
	}
	s.Slots, s.Finish = slots, slots[len(slots)-1].End
	for i, rp := range plans {
		s.Rings[i].Windows = rp.windows
	}
	if topErr != nil {
		s.TopReason = topErr.Error()
	} else {
		s.TopSlots, s.FinishTop = top, top[len(top)-1].Top
		for i, rp := range topPlans {
			s.Rings[i].TopWindows = rp.windows
		}
	}
	return s, nil
}

// MarshalJSON encodes the schedule: times in RFC 3339 with the zone's
// offset, durations in minutes, the slots as Slot.MarshalJSON writes
// them, a missing top as null.
func (s Schedule) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Start         time.Time  `json:"start"`
		Zone          string     `json:"zone"`
		WindowMinutes float64    `json:"window_minutes"`
		Days          Weekdays   `json:"days"`
		SoakMinutes   float64    `json:"soak_minutes"`
		Consoles      int        `json:"consoles"`
		Hosts         int        `json:"hosts"`
		Platforms     []Platform `json:"platforms"`
		Rings         []Wave     `json:"rings"`
		Slots         []Slot     `json:"slots"`
		TopSlots      []Slot     `json:"top_slots"`
		TopReason     string     `json:"top_reason,omitempty"`
		Finish        time.Time  `json:"finish"`
		FinishTop     *time.Time `json:"finish_top"`
	}{s.Start, s.Start.Location().String(), s.Window.Minutes(), s.Days, s.Soak.Minutes(), s.Consoles, s.Hosts, s.Platforms, s.Rings,
		s.Slots, s.TopSlots, s.TopReason, s.Finish, timeOrNil(s.FinishTop)})
}

// MarshalJSON encodes the slot as one object: ring, the times (an
// unbounded top as null), minutes with their interval, hosts, parts,
// cumulative hosts and percent.
func (s Slot) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Ring         int        `json:"ring"`
		Start        time.Time  `json:"start"`
		Close        time.Time  `json:"close"`
		End          time.Time  `json:"end"`
		Top          *time.Time `json:"top"`
		Minutes      float64    `json:"minutes"`
		Low          float64    `json:"low_minutes"`
		High         *float64   `json:"high_minutes"`
		Level        float64    `json:"level"`
		Extrapolated bool       `json:"extrapolated"`
		Hosts        int        `json:"hosts"`
		Batches      []Batch    `json:"batches"`
		Cumulative   int        `json:"cumulative"`
		Percent      float64    `json:"percent"`
	}{s.Ring, s.Start, s.Close, s.End, timeOrNil(s.Top), s.Span.Minutes, s.Span.Low, finiteOrNil(s.Span.High), s.Span.Level, s.Span.Extrapolated,
		s.Hosts, s.Batches, s.Cumulative, s.Percent})
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func finiteOrNil(m float64) *float64 {
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return nil
	}
	return &m
}
