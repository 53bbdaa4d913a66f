package plan

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/patchtime/patchtime/internal/suggest"
)

// The readers of a calendar's values as people type them, for the
// command's flags and for tools alike. Each fails with a *CalendarError
// naming the bad value.

// maxSkipRange is the longest range of dates ParseDates expands: ten
// years of days.
const maxSkipRange = 3660

// LoadZone returns the time zone of an IANA name (Asia/Tokyo,
// America/New_York), UTC, or Local for the machine's own. It reads the
// system's zone database, or the one embedded by importing time/tzdata.
func LoadZone(name string) (*time.Location, error) {
	if strings.TrimSpace(name) == "" {
		return nil, &CalendarError{Field: "zone", Value: name, Reason: "no time zone named; give an IANA name such as Asia/Tokyo, UTC or Local"}
	}
	loc, err := time.LoadLocation(strings.TrimSpace(name))
	if err != nil {
		return nil, &CalendarError{Field: "zone", Value: name, Reason: "unknown time zone; give an IANA name such as Asia/Tokyo or America/New_York, UTC or Local"}
	}
	return loc, nil
}

// startLayouts are the forms ParseStart reads, without and with an
// offset.
var startLayouts = []struct {
	layout string
	offset bool
}{
	{"2006-01-02T15:04", false}, {"2006-01-02T15:04:05", false},
	{"2006-01-02 15:04", false}, {"2006-01-02 15:04:05", false},
	{"2006-01-02T15:04Z07:00", true}, {"2006-01-02T15:04:05Z07:00", true},
	{"2006-01-02T15:04Z0700", true}, {"2006-01-02T15:04:05Z0700", true},
	{"2006-01-02 15:04Z07:00", true}, {"2006-01-02 15:04:05Z07:00", true},
}

// ParseStart reads a calendar's start: a date and a time, 2026-12-01T22:00
// (a space for the T, and seconds, are fine), or with an offset,
// 2026-12-01T22:00+09:00 (or Z, or +0900).
//
// Without an offset the time is the wall clock of zone, or of the local
// zone when zone is nil. With an offset and a zone, the offset must be
// the zone's at that time (a disagreement is refused, as a likely
// mistake); with an offset and no zone, the calendar keeps that offset
// all year, with no daylight-saving change: name a zone to follow one.
func ParseStart(s string, zone *time.Location) (time.Time, error) {
	text := strings.TrimSpace(s)
	for _, l := range startLayouts {
		if !l.offset {
			loc := zone
			if loc == nil {
				loc = time.Local
			}
			if t, err := time.ParseInLocation(l.layout, text, loc); err == nil {
				// A clock time a daylight-saving change skips does not
				// exist there; the windows' clock time must.
				if w, _ := time.Parse(l.layout, text); t.Hour() != w.Hour() || t.Minute() != w.Minute() {
					return time.Time{}, &CalendarError{Field: "start", Value: s, Reason: fmt.Sprintf("%s does not exist in %s: the clocks skip it for daylight saving; start a day later (%s), or at a time that exists that night",
						w.Format("15:04 on 2006-01-02"), loc, w.AddDate(0, 0, 1).Format("2006-01-02T15:04"))}
				}
				return t, nil
			}
			continue
		}
		t, err := time.Parse(l.layout, text)
		if err != nil {
			continue
		}
		_, off := t.Zone()
		if zone == nil {
			return t.In(time.FixedZone(offsetName(off), off)), nil
		}
		in := t.In(zone)
		if _, zoff := in.Zone(); zoff != off {
			return time.Time{}, &CalendarError{Field: "start", Value: s, Reason: fmt.Sprintf("the offset %s is not %s's at that time (%s, %s there): drop the offset or the zone",
				offsetName(off), zone, offsetName(zoff), in.Format("2006-01-02T15:04"))}
		}
		return in, nil
	}
	if _, err := time.Parse("2006-01-02", text); err == nil {
		return time.Time{}, &CalendarError{Field: "start", Value: s, Reason: "give the time of the windows too, e.g. " + text + "T22:00"}
	}
	return time.Time{}, &CalendarError{Field: "start", Value: s, Reason: "want a date and time, e.g. 2026-12-01T22:00 or 2026-12-01T22:00+09:00"}
}

// offsetName writes an offset from UTC in seconds as +09:00.
func offsetName(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d:%02d", sign, off/3600, off/60%60)
}

// ParseDate reads a date, 2026-12-24 (or 2026/12/24).
func ParseDate(s string) (Date, error) {
	text := strings.ReplaceAll(strings.TrimSpace(s), "/", "-")
	t, err := time.Parse("2006-01-02", text)
	if err != nil {
		return Date{}, &CalendarError{Field: "skip", Value: s, Reason: "want a date of the calendar, e.g. 2026-12-24"}
	}
	return DateOf(t), nil
}

// ParseDates reads a list of dates, comma-separated, each a date or an
// inclusive range first:last, 2026-12-29:2027-01-03 (at most ten years of
// days a range), in order or not.
func ParseDates(s string) ([]Date, error) {
	var out []Date
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, &CalendarError{Field: "skip", Value: s, Reason: "an empty date in the list"}
		}
		a, b, isRange := strings.Cut(item, ":")
		from, err := ParseDate(a)
		if err != nil {
			return nil, err
		}
		if !isRange {
			out = append(out, from)
			continue
		}
		to, err := ParseDate(b)
		if err != nil {
			return nil, err
		}
		n, m := from.number(), to.number()
		switch {
		case m < n:
			return nil, &CalendarError{Field: "skip", Value: item, Reason: "the range ends before it starts"}
		case m-n >= maxSkipRange:
			return nil, &CalendarError{Field: "skip", Value: item, Reason: "a range of dates is at most ten years (3660 days)"}
		}
		for d := n; d <= m; d++ {
			out = append(out, dateOf(d))
		}
	}
	return out, nil
}

// dayWords are the names ParseWeekdays reads for each day: English in
// full and short, and Japanese (月, 月曜, 月曜日).
var dayWords = func() map[string]time.Weekday {
	m := map[string]time.Weekday{}
	for d, names := range [7][]string{
		{"sun", "sunday", "日"}, {"mon", "monday", "月"}, {"tue", "tues", "tuesday", "火"}, {"wed", "wednesday", "水"},
		{"thu", "thur", "thurs", "thursday", "木"}, {"fri", "friday", "金"}, {"sat", "saturday", "土"},
	} {
		for _, n := range names {
			m[n] = time.Weekday(d)
			if len([]rune(n)) == 1 {
				m[n+"曜"], m[n+"曜日"] = time.Weekday(d), time.Weekday(d)
			}
		}
	}
	return m
}()

// ParseWeekdays reads the days that have a window: daily (or every day),
// weekdays (Monday to Friday), weekends, or a comma-separated list of
// days and ranges of days, in English or Japanese, any case:
// mon,wed,fri; mon-thu; fri-mon (a range may wrap past Sunday); 月,水,金.
func ParseWeekdays(s string) (Weekdays, error) {
	text := strings.ToLower(strings.TrimSpace(s))
	switch text {
	case "daily", "every day", "everyday", "毎日":
		return Daily, nil
	case "weekdays", "平日":
		return MonFri, nil
	case "weekends", "週末", "土日":
		return WeekdaysOf(time.Saturday, time.Sunday), nil
	}
	var w Weekdays
	day := func(name string) (time.Weekday, error) {
		name = strings.TrimSpace(name)
		if d, ok := dayWords[name]; ok {
			return d, nil
		}
		reason := "not a day of the week: want mon … sun, a range mon-fri, daily or weekdays"
		if name == "" {
			reason = "an empty day in the list"
		} else if near := nearDay(name); near != "" {
			reason += " (did you mean " + near + "?)"
		}
		return 0, &CalendarError{Field: "days", Value: name, Reason: reason}
	}
	for item := range strings.SplitSeq(text, ",") {
		a, b, isRange := strings.Cut(item, "-")
		from, err := day(a)
		if err != nil {
			return 0, err
		}
		to := from
		if isRange {
			if to, err = day(b); err != nil {
				return 0, err
			}
		}
		for d := from; ; d = (d + 1) % 7 {
			w |= 1 << d
			if d == to {
				break
			}
		}
	}
	return w, nil
}

// dayCandidates are the words nearDay suggests.
var dayCandidates = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "daily", "weekdays", "weekends"}

// nearDay is the day name one edit from name (two for a word of five
// letters or more), the first on a tie; "" when none is that close.
func nearDay(name string) string {
	if near := suggest.Closest(name, dayCandidates, 2); near != "" {
		return near
	}
	for _, c := range dayCandidates { // three letters: one edit is a third, too far for Closest
		if suggest.Distance(name, c) == 1 {
			return c
		}
	}
	return ""
}

// ParseRings reads rings, comma-separated: a number of hosts (50), a
// share of the whole fleet (10%, 12.5%), and last, the rest: 100% or
// "rest". "50,10%,100%" is a pilot of 50 hosts, then 10% of the fleet,
// then the rest. How they are sized and must add up is Ring's; this
// checks each alone.
func ParseRings(s string) ([]Ring, error) {
	var out []Ring
	for item := range strings.SplitSeq(s, ",") {
		text := strings.ToLower(strings.TrimSpace(item))
		bad := func(reason string) error {
			return &CalendarError{Field: "rings", Value: s, Reason: fmt.Sprintf("ring %d %q: %s", len(out)+1, strings.TrimSpace(item), reason)}
		}
		switch {
		case text == "":
			return nil, bad("empty; want a number of hosts (50), a share of the fleet (10%), or 100% for the rest")
		case text == "rest":
			out = append(out, Rest())
		case strings.HasSuffix(text, "%"):
			p, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(text, "%")), 64)
			if err != nil || !(p > 0 && p <= 100) {
				return nil, bad("a share of the fleet is above 0% and at most 100% (the rest)")
			}
			out = append(out, Ring{Percent: p})
		default:
			n, err := strconv.Atoi(text)
			if err != nil || n < 1 {
				return nil, bad("want a number of hosts, at least 1 (50), or a share of the fleet (10%)")
			}
			out = append(out, Ring{Hosts: n})
		}
	}
	return out, nil
}
