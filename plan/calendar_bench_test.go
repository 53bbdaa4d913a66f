package plan_test

import (
	"slices"
	"testing"
	"time"

	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/plan"
)

// calendarRequest is the benchmarks' question: a mixed fleet of 10,000
// hosts times scale (XP 76%, 2000 20.2%, 2003 3.8%, as the README's
// fleet), this month's three patches, consoles consoles, nightly
// four-hour windows from 22:00 Tokyo time, a pilot of 50, then 10%, then
// the rest, two days of soak.
func calendarRequest(tb testing.TB, scale, consoles int) plan.Request {
	tokyo, err := plan.LoadZone("Asia/Tokyo")
	if err != nil {
		tb.Fatal(err)
	}
	return plan.Request{
		Patches:  []string{"KB899588", "KB937894", "KB885881"},
		Fleet:    []plan.Group{{Platform: "XP", Hosts: 7600 * scale}, {Platform: "2000", Hosts: 2020 * scale}, {Platform: "2003", Hosts: 380 * scale}},
		Consoles: plan.Counts(consoles),
		Window:   4 * time.Hour,
		Calendar: &plan.Calendar{Start: time.Date(2026, 12, 1, 22, 0, 0, 0, tokyo),
			Rings: []plan.Ring{{Hosts: 50}, {Percent: 10}, plan.Rest()}, Soak: 48 * time.Hour},
	}
}

// window is what the baseline knows of one window beforehand: all but
// its times and the running totals.
type window struct {
	ring, day int // its ring, and its day counted from the start's
	span      estimate.Span
	batches   []plan.Batch
	hosts     int
}

// precompute takes the per-window numbers out of a schedule: the
// baseline's input, the arithmetic of the planning done.
func precompute(s []plan.Slot, start time.Time) []window {
	w := make([]window, len(s))
	y, m, d := start.Date()
	day0 := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for i, sl := range s {
		y, m, d := sl.Start.Date()
		w[i] = window{ring: sl.Ring, day: int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(day0) / (24 * time.Hour)),
			span: sl.Span, batches: sl.Batches, hosts: sl.Hosts}
	}
	return w
}

// baseline lays the precomputed windows out as a schedule does: the
// opening by time.Date on each window's day, its close, planned end and
// top, its batches copied, the running totals; no planning, no checks.
// It is the floor of laying a schedule out.
func baseline(ws []window, start time.Time, length time.Duration, fleet int) []plan.Slot {
	out := make([]plan.Slot, len(ws))
	n := 0
	for _, w := range ws {
		n += len(w.batches)
	}
	batches := make([]plan.Batch, n)
	h, mi, sec := start.Clock()
	y, m, d := start.Date()
	cum := 0
	for i, w := range ws {
		t := time.Date(y, m, d+w.day, h, mi, sec, start.Nanosecond(), start.Location())
		if i == 0 {
			t = start
		}
		s := plan.Slot{Ring: w.ring, Start: t, Close: t.Add(length), Span: w.span, Hosts: w.hosts}
		s.End = t.Add(w.span.Duration())
		if _, high, ok := w.span.Interval(); ok {
			s.Top = t.Add(high)
		}
		k := copy(batches, w.batches)
		s.Batches, batches = batches[:k:k], batches[k:]
		cum += w.hosts
		s.Cumulative, s.Percent = cum, 100*float64(cum)/float64(fleet)
		out[i] = s
	}
	return out
}

// BenchmarkCalendar lays a 1,000,000-host mixed fleet with a three-patch
// bundle out on nightly windows (10 consoles: about 220 windows on the
// estimate and as many on the top), from a resolved query: code=patchtime
// is Query.Schedule, both schedules planned and laid out; code=baseline
// lays the same windows out from per-window numbers worked out
// beforehand (TestCalendarBaseline checks it makes the same windows), the
// floor of the layout alone.
//
// BenchmarkCalendarHosts runs the same calendar for 10,000 hosts on one
// console and for 1,000,000 on 100: the same windows for 100 times the
// hosts, so the same time, but for the window search's bisection (log₂
// of the hosts).
func BenchmarkCalendar(b *testing.B) {
	q, err := plan.New(estimate.Default(), calendarRequest(b, 100, 10))
	if err != nil {
		b.Fatal(err)
	}
	s, err := q.Schedule()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("code=patchtime", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := q.Schedule(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(s.Slots)+len(s.TopSlots)), "windows")
	})
	est, top := precompute(s.Slots, s.Start), precompute(s.TopSlots, s.Start)
	b.Run("code=baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			baseline(est, s.Start, s.Window, s.Hosts)
			baseline(top, s.Start, s.Window, s.Hosts)
		}
		b.ReportMetric(float64(len(est)+len(top)), "windows")
	})
}

func BenchmarkCalendarHosts(b *testing.B) {
	for _, c := range []struct {
		name            string
		scale, consoles int
	}{{"hosts=10000", 1, 1}, {"hosts=1000000", 100, 100}} {
		q, err := plan.New(estimate.Default(), calendarRequest(b, c.scale, c.consoles))
		if err != nil {
			b.Fatal(err)
		}
		s, err := q.Schedule()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := q.Schedule(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(s.Slots)+len(s.TopSlots)), "windows")
		})
	}
}

// TestCalendarBaseline: the baseline makes the same windows as the
// schedule, so the benchmark compares like with like.
func TestCalendarBaseline(t *testing.T) {
	s, err := plan.Ask(estimate.Default(), calendarRequest(t, 100, 10))
	if err != nil {
		t.Fatal(err)
	}
	sc := s.Schedule
	for _, slots := range [][]plan.Slot{sc.Slots, sc.TopSlots} {
		got := baseline(precompute(slots, sc.Start), sc.Start, sc.Window, sc.Hosts)
		if !slices.EqualFunc(got, slots, func(a, b plan.Slot) bool {
			return a.Ring == b.Ring && a.Start.Equal(b.Start) && a.Close.Equal(b.Close) && a.End.Equal(b.End) && a.Top.Equal(b.Top) &&
				a.Span == b.Span && a.Hosts == b.Hosts && slices.Equal(a.Batches[0].Patches, b.Batches[0].Patches) &&
				a.Cumulative == b.Cumulative && a.Percent == b.Percent && len(a.Batches) == len(b.Batches)
		}) {
			t.Errorf("the baseline's %d windows differ from the schedule's", len(got))
		}
	}
	if len(sc.Slots) < 100 {
		t.Errorf("%d windows: the benchmark means to lay out hundreds", len(sc.Slots))
	}
}
