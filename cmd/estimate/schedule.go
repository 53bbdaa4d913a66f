package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/internal/clip"
	"github.com/patchtime/patchtime/plan"
)

// scheduleLabels are the words of a schedule in one language.
type scheduleLabels struct {
	window, ring, date, hosts, byPlatform, end, top, done, percent string
	weekdays                                                       [7]string
	windowOf                                                       string // "%s windows (%s)": length, days and zone
	rings                                                          string // "ring %d: %s hosts"
	soak                                                           string // "%s of soak after each ring"
	patches                                                        string // "%s: %s", platform and its patches
	finish                                                         string // the finish sentence: estimate, windows, top, windows
	finishNoTop                                                    string // the same when the top cannot be planned on: estimate, windows, reason
	nextDay                                                        string // after a time on the next day
	unbounded                                                      string
}

var scheduleWords = map[string]scheduleLabels{
	"en": {
		window: "#", ring: "ring", date: "opens", hosts: "hosts", byPlatform: "by platform",
		end: "end", top: "top", done: "done", percent: "%",
		weekdays:    [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		windowOf:    "%s windows from %s, %s",
		rings:       "ring %d: %s",
		soak:        "%s of soak after each ring",
		patches:     "%s: %s",
		finish:      "The last host is done %s on the estimate (%s), %s with every window planned on the top of its interval (%s).",
		finishNoTop: "The last host is done %s on the estimate (%s); the top of the intervals cannot be planned on: %s.",
		nextDay:     "+1",
		unbounded:   "unbounded",
	},
	"ja": {
		window: "回", ring: "リング", date: "開始", hosts: "台数", byPlatform: "内訳",
		end: "終了予想", top: "上限", done: "累計", percent: "進捗",
		weekdays:    [7]string{"日", "月", "火", "水", "木", "金", "土"},
		windowOf:    "%sの時間帯、%sから、%s",
		rings:       "リング%d: %s",
		soak:        "各リングの後に%sの様子見",
		patches:     "%s: %s",
		finish:      "最後の1台が終わるのは、予想では%s (%s)、すべての回を予測区間の上限で計画すると%s (%s) です。",
		finishNoTop: "最後の1台が終わるのは、予想では%s (%s) です。予測区間の上限では計画できません: %s。",
		nextDay:     "翌",
		unbounded:   "上限なし",
	},
}

// slotsOf returns the schedule's windows the command shows: planned on the
// estimate, or with --upper on the top of the interval.
func slotsOf(s *plan.Schedule, o options) []plan.Slot {
	if o.upper {
		return s.TopSlots
	}
	return s.Slots
}

// when writes a time of the schedule: "2026-12-01 Tue 22:00 JST", or in
// Japanese "2026-12-01(火) 22:00 JST".
func when(t time.Time, lang string) string {
	w := scheduleWords[lang]
	if lang == "ja" {
		return fmt.Sprintf("%s(%s) %s", t.Format("2006-01-02"), w.weekdays[t.Weekday()], t.Format("15:04 MST"))
	}
	return fmt.Sprintf("%s %s %s", t.Format("2006-01-02"), w.weekdays[t.Weekday()], t.Format("15:04 MST"))
}

// clock writes a time of a window's row as a clock time, marked when it
// falls on a later day than the window opened: "23:41", "00:12+1"
// ("翌00:12").
func clock(t, opened time.Time, lang string) string {
	if t.IsZero() {
		return scheduleWords[lang].unbounded
	}
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	days := int(day(t).Sub(day(opened)) / (24 * time.Hour))
	c := t.Format("15:04")
	switch {
	case days == 0:
		return c
	case lang == "ja" && days == 1:
		return "翌" + c
	case lang == "ja":
		return fmt.Sprintf("%d日後%s", days, c)
	}
	return fmt.Sprintf("%s+%d", c, days)
}

// writeSchedule writes a schedule for people: what it lays out, one row per
// window, and when the last host is done.
func writeSchedule(out *bytes.Buffer, a *plan.Answer, o options) {
	s, w, l := a.Schedule, scheduleWords[o.lang], tableLabels[o.lang]
	sep := ", "
	if o.lang == "ja" {
		sep = "、"
	}
	// What the windows share: the patches each platform gets.
	var head []string
	if len(s.Platforms) == 1 && len(o.fleet) == 0 && len(a.Rows) > 0 && a.Rows[0].Curve != nil {
		// One fleet size: each patch with its bulletin, then its platform,
		// each said once ("-": a --setup patch with no name, said by its
		// platform cell).
		seen := map[string]bool{"-": true}
		add := func(s string) {
			if !seen[s] {
				seen[s] = true
				head = append(head, s)
			}
		}
		for _, r := range a.Rows {
			if r.Curve == nil {
				continue
			}
			c := cellsOf(r, l, o.lang)
			name := c.patch
			if c.bulletin != "" && c.bulletin != "-" {
				name += " (" + c.bulletin + ")"
			}
			add(name)
			add(c.platform)
		}
	}
	for _, p := range s.Platforms {
		if len(s.Platforms) == 1 && len(head) > 0 {
			break // said above
		}
		name := p.Name
		if name == "" {
			name = l.total
		}
		if len(s.Platforms) == 1 && p.Name == "" {
			head = append(head, strings.Join(p.Patches, sep))
			continue
		}
		head = append(head, fmt.Sprintf(w.patches, name, strings.Join(p.Patches, " ")))
	}
	out.WriteString(wrap(clip.Escape(strings.Join(head, sep))) + "\n")
	days := daysOf(s.Days, o.lang)
	zone := s.Start.Location().String()
	if zone == "Local" || zone == "UTC" || zone == "" {
		zone = "" // the abbreviation after each time says it
	} else {
		zone = " (" + zone + ")"
	}
	out.WriteString(wrap(fmt.Sprintf(w.windowOf, exact(s.Window.Minutes(), o.lang), when(s.Start, o.lang), days)+zone+
		sep+countOf(s.Hosts, l.hostsOf, o.lang)+sep+countOf(s.Consoles, l.consolesOf, o.lang)) + "\n")
	if len(s.Rings) > 1 {
		var rings []string
		for _, r := range s.Rings {
			rings = append(rings, fmt.Sprintf(w.rings, r.Ring, countOf(r.Hosts, l.hostsOf, o.lang)))
		}
		if s.Soak > 0 {
			rings = append(rings, fmt.Sprintf(w.soak, exact(s.Soak.Minutes(), o.lang)))
		}
		out.WriteString(wrap(strings.Join(rings, sep)) + "\n")
	}
	rings, platforms := len(s.Rings) > 1, len(s.Platforms) > 1
	header := []string{w.window, w.ring, w.date, w.hosts, w.byPlatform, w.end, w.top, w.done, w.percent}
	right := []bool{true, true, false, true, false, false, false, true, true}
	// One platform: no breakdown; one ring: no column for it.
	drop := func(cells []string) []string {
		if !platforms {
			cells = slices.Delete(cells, 4, 5)
		}
		if !rings {
			cells = slices.Delete(cells, 1, 2)
		}
		return cells
	}
	header = drop(header)
	if !platforms {
		right = slices.Delete(right, 4, 5)
	}
	if !rings {
		right = slices.Delete(right, 1, 2)
	}
	t := table{header: header, right: right, fold: slices.Index(header, w.byPlatform) + 1}
	for i, slot := range slotsOf(s, o) {
		var parts []string
		for _, b := range slot.Batches {
			name := b.Platform
			if name == "" {
				name = "-"
			}
			parts = append(parts, name+" "+groupDigits(b.Hosts))
		}
		date := fmt.Sprintf("%s %s %s", slot.Start.Format("2006-01-02"), w.weekdays[slot.Start.Weekday()], slot.Start.Format("15:04"))
		if o.lang == "ja" {
			date = fmt.Sprintf("%s(%s) %s", slot.Start.Format("2006-01-02"), w.weekdays[slot.Start.Weekday()], slot.Start.Format("15:04"))
		}
		cells := []string{strconv.Itoa(i + 1), strconv.Itoa(slot.Ring), date,
			groupDigits(slot.Hosts), strings.Join(parts, ", "), clock(slot.End, slot.Start, o.lang), clock(slot.Top, slot.Start, o.lang),
			groupDigits(slot.Cumulative), percentDone(slot.Cumulative, s.Hosts, 1) + "%"}
		t.add(drop(cells)...)
	}
	t.write(out)
	writeSkipped(out, a.Skipped, o.lang)
	out.WriteString(wrap(finishSentence(s, o)) + "\n")
}

// daysOf names the days with a window: "daily", "weekdays", "mon,wed,fri";
// in Japanese "毎日", "平日", "月、水、金".
func daysOf(d plan.Weekdays, lang string) string {
	if lang != "ja" {
		return d.String()
	}
	switch d.String() {
	case "daily":
		return "毎日"
	case "weekdays":
		return "平日"
	}
	var names []string
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		if d.Has(wd) {
			names = append(names, scheduleWords["ja"].weekdays[wd])
		}
	}
	return strings.Join(names, "、")
}

// finishSentence says when the last host is done, on the estimate and on
// the top of the intervals.
func finishSentence(s *plan.Schedule, o options) string {
	w := scheduleWords[o.lang]
	windows := func(n int) string {
		switch {
		case o.lang == "ja":
			return strconv.Itoa(n) + "回"
		case n == 1:
			return "1 window"
		}
		return strconv.Itoa(n) + " windows"
	}
	if s.TopSlots == nil {
		return fmt.Sprintf(w.finishNoTop, when(s.Finish, o.lang), windows(len(s.Slots)), s.TopReason)
	}
	return fmt.Sprintf(w.finish, when(s.Finish, o.lang), windows(len(s.Slots)), when(s.FinishTop, o.lang), windows(len(s.TopSlots)))
}

// scheduleColumns are the columns of a schedule's CSV: one row per
// window, platform and patch (tidy), for both plans.
var scheduleColumns = []string{"plan", "window", "ring", "start", "close", "end", "top", "platform", "hosts", "patch",
	"minutes", "low_minutes", "high_minutes", "window_hosts", "window_minutes", "window_low_minutes", "window_high_minutes",
	"cumulative", "percent", "finish", "finish_top"}

// writeScheduleCSV writes a schedule as CSV: one row per window, platform
// and patch, planned on the estimate (plan "estimate") and on the top of
// the intervals (plan "top"): the part's minutes and interval, the
// window's, times in RFC 3339 with the zone's offset, minutes with two
// decimals, and on every row the finish of both plans.
func writeScheduleCSV(out *bytes.Buffer, s *plan.Schedule, o options) error {
	if o.bom {
		out.WriteString("\uFEFF")
	}
	cw := csv.NewWriter(out)
	cw.Write(scheduleColumns)
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	num := func(m float64) string {
		if math.IsInf(m, 0) || math.IsNaN(m) {
			return "" // unbounded
		}
		return strconv.FormatFloat(m, 'f', 2, 64)
	}
	d := estimate.Defuse
	for _, p := range []struct {
		name  string
		slots []plan.Slot
	}{{"estimate", s.Slots}, {"top", s.TopSlots}} {
		for i, slot := range p.slots {
			for _, b := range slot.Batches {
				for _, part := range b.Parts {
					cw.Write([]string{p.name, strconv.Itoa(i + 1), strconv.Itoa(slot.Ring), stamp(slot.Start), stamp(slot.Close), stamp(slot.End), stamp(slot.Top),
						d(b.Platform), strconv.Itoa(b.Hosts), d(part.Patch),
						num(part.Span.Minutes), num(part.Span.Low), num(part.Span.High),
						strconv.Itoa(slot.Hosts), num(slot.Span.Minutes), num(slot.Span.Low), num(slot.Span.High),
						strconv.Itoa(slot.Cumulative), percentDone(slot.Cumulative, s.Hosts, 2), stamp(s.Finish), stamp(s.FinishTop)})
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// percentDone writes the share of the fleet done with the given decimals,
// rounded down, so that it reads 100 only when every host is done, and
// never 0 once one is: 9,996 of 10,000 is 99.9, not 100.0.
func percentDone(done, fleet, decimals int) string {
	if fleet <= 0 {
		return ""
	}
	scale := math.Pow(10, float64(decimals))
	p := math.Floor(100*scale*float64(done)/float64(fleet)) / scale
	if done > 0 && p == 0 {
		p = 1 / scale
	}
	return strconv.FormatFloat(p, 'f', decimals, 64)
}

// writeScheduleJSON writes the schedule as JSON (see plan.Schedule).
func writeScheduleJSON(out *bytes.Buffer, s *plan.Schedule) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	out.Write(b)
	out.WriteByte('\n')
	return nil
}

// icsOf writes the windows of a schedule as an iCalendar file, through
// github.com/arran4/golang-ical: one event per window, from its opening to
// its close (in UTC, which every calendar application shows in its own
// zone), named by its ring and hosts, with the planned end, the top of
// its interval and its hosts of each platform in the description. now
// is the file's DTSTAMP; each event's UID is made of the window's start
// (one window a day), so that a schedule imported again updates the
// events of the windows it keeps.
func icsOf(s *plan.Schedule, o options, now time.Time) []byte {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//patchtime//estimate//EN")
	slots := slotsOf(s, o)
	for i, slot := range slots {
		uid := fmt.Sprintf("%s@patchtime", slot.Start.UTC().Format("20060102T150405Z")) // one window a day: its opening names it
		e := cal.AddEvent(uid)
		e.SetDtStampTime(now.UTC())
		e.SetStartAt(slot.Start.UTC())
		e.SetEndAt(slot.Close.UTC())
		var parts []string
		for _, b := range slot.Batches {
			parts = append(parts, fmt.Sprintf("%s %s (%s)", b.Platform, groupDigits(b.Hosts), strings.Join(b.Patches, " ")))
		}
		if o.lang == "ja" {
			e.SetSummary(fmt.Sprintf("パッチ適用 %d/%d回目: リング%d、%s台", i+1, len(slots), slot.Ring, groupDigits(slot.Hosts)))
			e.SetDescription(fmt.Sprintf("%s\n終了予想 %s、上限 %s (%s)\n累計 %s台 (%s%%)", strings.Join(parts, "\n"),
				clock(slot.End, slot.Start, o.lang), clock(slot.Top, slot.Start, o.lang), slot.Start.Format("MST"), countOf(slot.Cumulative, tableLabels["en"].hostsOf, "en"), percentDone(slot.Cumulative, s.Hosts, 1)))
		} else {
			e.SetSummary(fmt.Sprintf("Patch window %d of %d: ring %d, %s", i+1, len(slots), slot.Ring, countOf(slot.Hosts, tableLabels["en"].hostsOf, "en")))
			e.SetDescription(fmt.Sprintf("%s\nplanned end %s, top of interval %s (%s)\ndone %s (%s%%)", strings.Join(parts, "\n"),
				clock(slot.End, slot.Start, o.lang), clock(slot.Top, slot.Start, o.lang), slot.Start.Format("MST"), groupDigits(slot.Cumulative), percentDone(slot.Cumulative, s.Hosts, 1)))
		}
	}
	return []byte(cal.Serialize(ics.WithNewLineWindows)) // RFC 5545: lines end in CRLF
}
