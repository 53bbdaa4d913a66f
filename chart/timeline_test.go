package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the schedules, whatever the machine's zoneinfo

	"gonum.org/v1/plot/vg"

	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/plan"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// schedule answers r's calendar as the command does.
func schedule(t *testing.T, r plan.Request) *plan.Schedule {
	t.Helper()
	q, err := plan.New(estimate.Default(), r)
	if err != nil {
		t.Fatal(err)
	}
	a, err := q.Answer()
	if err != nil {
		t.Fatal(err)
	}
	if a.Schedule == nil {
		t.Fatal("no schedule")
	}
	return a.Schedule
}

var (
	bundle3 = []string{"KB899588", "KB937894", "KB885881"}
	fleet3  = []plan.Group{{Platform: "XP", Hosts: 3000}, {Platform: "2000", Hosts: 800}, {Platform: "2003", Hosts: 150}}
)

// schedules are the timelines the tests draw, by name: this month's
// bundle on the mixed fleet in 4-hour weeknight windows on one console,
// in rings (weeks); one window; windows too short for the top (no
// TopSlots); a million hosts (hundreds of windows, years); the bundle
// across New York's end of daylight-saving time; a windows so short that
// the top takes three times as many.
func schedules(t *testing.T) map[string]*plan.Schedule {
	t.Helper()
	tokyo, ny := zone(t, "Asia/Tokyo"), zone(t, "America/New_York")
	weekdays, err := plan.ParseWeekdays("weekdays")
	if err != nil {
		t.Fatal(err)
	}
	rings, err := plan.ParseRings("50,10%,100%")
	if err != nil {
		t.Fatal(err)
	}
	dec1 := time.Date(2026, 12, 1, 22, 0, 0, 0, tokyo)
	return map[string]*plan.Schedule{
		"bundle": schedule(t, plan.Request{Patches: bundle3, Fleet: fleet3, Consoles: plan.Counts(1), Window: 4 * time.Hour,
			Calendar: &plan.Calendar{Start: dec1, Days: weekdays, Rings: rings, Soak: 48 * time.Hour}}),
		"one window": schedule(t, plan.Request{Patches: []string{"KB899588"}, Platform: "xp", Hosts: plan.Counts(400), Consoles: plan.Counts(1), Window: 2 * time.Hour,
			Calendar: &plan.Calendar{Start: dec1}}),
		"no top": schedule(t, plan.Request{Patches: []string{"KB899588"}, Platform: "xp", Hosts: plan.Counts(40), Consoles: plan.Counts(1), Window: 10*time.Minute + 5*time.Second,
			Calendar: &plan.Calendar{Start: dec1}}),
		"million": schedule(t, plan.Request{Patches: bundle3, Fleet: []plan.Group{{Platform: "XP", Hosts: 800_000}, {Platform: "2000", Hosts: 150_000}, {Platform: "2003", Hosts: 50_000}},
			Consoles: plan.Counts(4), Window: 4 * time.Hour, Calendar: &plan.Calendar{Start: dec1, Days: weekdays, Rings: rings, Soak: 48 * time.Hour}}),
		"dst": schedule(t, plan.Request{Patches: bundle3, Fleet: fleet3, Consoles: plan.Counts(2), Window: 3 * time.Hour,
			Calendar: &plan.Calendar{Start: time.Date(2026, 10, 28, 22, 0, 0, 0, ny), Rings: rings, Soak: 24 * time.Hour}}),
		"short": schedule(t, plan.Request{Patches: []string{"KB899588"}, Platform: "xp", Hosts: plan.Counts(40), Consoles: plan.Counts(1), Window: 11 * time.Minute,
			Calendar: &plan.Calendar{Start: dec1}}),
	}
}

func bundledTL(o TimelineOptions) TimelineOptions {
	o.Font = DefaultFont()
	return o
}

// hostsDone is what the schedule says is done at t: the hosts of the last
// window whose when is at or before t.
func hostsDone(slots []plan.Slot, when func(plan.Slot) time.Time, t time.Time, percent bool) float64 {
	done := 0.0
	for _, w := range slots {
		if !when(w).After(t) {
			done = float64(w.Cumulative)
			if percent {
				done = w.Percent
			}
		}
	}
	return done
}

// TestTimelineSteps: the step lines' height at any time is the hosts the
// schedule has done by then, on the estimate (windows' End) and on the
// top (TopSlots' Top), as counts and as percentages; before the first
// window nothing, after the last the fleet.
func TestTimelineSteps(t *testing.T) {
	for name, s := range schedules(t) {
		for _, pct := range []bool{false, true} {
			ch, err := Timeline(s, bundledTL(TimelineOptions{Percent: pct}))
			if err != nil {
				t.Fatal(err)
			}
			lines := []struct {
				slots []plan.Slot
				when  func(plan.Slot) time.Time
			}{
				{s.Slots, func(w plan.Slot) time.Time { return w.End }},
				{s.TopSlots, func(w plan.Slot) time.Time { return w.Top }},
			}
			for k, l := range lines {
				if l.slots == nil {
					if ch.tl.steps[k] != nil {
						t.Errorf("%s: a top line without TopSlots", name)
					}
					continue
				}
				var probes []time.Time
				for _, w := range l.slots {
					at := l.when(w)
					probes = append(probes, at.Add(-time.Second), at, at.Add(time.Second), w.Start, w.Close, at.Add(12*time.Hour))
				}
				probes = append(probes, s.Start.Add(-time.Minute))
				for _, p := range probes {
					got, want := stepAt(ch.tl.steps[k], unix(p)), hostsDone(l.slots, l.when, p, pct)
					if math.Abs(got-want) > 1e-9*math.Max(1, want) {
						t.Errorf("%s (line %d, percent %v): at %s the line is at %g, the schedule says %g", name, k, pct, p, got, want)
					}
				}
				last := ch.tl.steps[k][len(ch.tl.steps[k])-1]
				if full := map[bool]float64{false: float64(s.Hosts), true: 100}[pct]; math.Abs(last.Y-full) > 1e-9*full {
					t.Errorf("%s (line %d): ends at %g, want the fleet %g", name, k, last.Y, full)
				}
			}
		}
	}
}

// TestTimelineLineDrawn: on the picture, halfway between two windows'
// ends, the pixel at the hosts done then is the line's: the estimate's,
// drawn alone (the top's dashes, drawn over it where the two are one,
// left out), and the top's where it lies apart from the estimate's.
func TestTimelineLineDrawn(t *testing.T) {
	all := schedules(t)
	for _, name := range []string{"bundle", "no top", "dst", "short", "million"} {
		for k, line := range []struct {
			slots func(*plan.Schedule) []plan.Slot
			when  func(plan.Slot) time.Time
			color color.NRGBA
		}{
			{func(s *plan.Schedule) []plan.Slot { return s.Slots }, func(w plan.Slot) time.Time { return w.End }, palette[0]},
			{func(s *plan.Schedule) []plan.Slot { return s.TopSlots }, func(w plan.Slot) time.Time { return w.Top }, palette[1]},
		} {
			s := *all[name]
			if k == 0 {
				s.TopSlots, s.FinishTop = nil, time.Time{}
			}
			slots := line.slots(&s)
			if len(slots) < 2 {
				continue
			}
			ch, err := Timeline(&s, bundledTL(TimelineOptions{}))
			if err != nil {
				t.Fatal(err)
			}
			const w, h = 1000, 600
			img, l := render(t, ch, w, h)
			// The plot's axes as laid out: the lane's room below 0.
			lay := ch.layout(canvas(w, h)).plot
			xAt := func(u float64) vg.Length { return l.Data.Min.X + vg.Length(lay.X.Norm(u))*l.Data.Size().X }
			yAt := func(v float64) vg.Length { return l.Data.Min.Y + vg.Length(lay.Y.Norm(v))*l.Data.Size().Y }
			checked := 0
			for j := 1; j < len(slots); j++ {
				a, b := line.when(slots[j-1]), line.when(slots[j])
				mid := a.Add(b.Sub(a) / 2)
				done := hostsDone(slots, line.when, mid, false)
				if k == 1 && hostsDone(s.Slots, func(w plan.Slot) time.Time { return w.End }, mid, false) == done {
					continue // under the top's dashes, the estimate's line
				}
				p := px(vg.Point{X: xAt(unix(mid)), Y: yAt(done)}, h)
				found := false
				for dx := -6; dx <= 6 && !found; dx++ { // the top's line is dashed
					for dy := -2; dy <= 2 && !found; dy++ {
						// Near the line's colour: the top's thin line is
						// never quite its own colour on a pixel.
						c := img.RGBAAt(p.X+dx, p.Y+dy)
						found = absDiff(c.R, line.color.R)+absDiff(c.G, line.color.G)+absDiff(c.B, line.color.B) < 40*(1+2*k)
					}
				}
				if !found {
					t.Errorf("%s, line %d: at %s (%d hosts done) the pixel %v is %v, not the line's %v", name, k, mid, int(done), p, img.RGBAAt(p.X, p.Y), line.color)
				}
				if checked++; checked > 40 {
					break
				}
			}
			if checked == 0 && (k == 0 || name == "short") {
				t.Errorf("%s, line %d: no time checked", name, k)
			}
		}
	}
}

// TestTimelineTitle: every timeline has a title in both languages, saying
// which patches on which fleet; Japanese where a font has it.
func TestTimelineTitle(t *testing.T) {
	all := schedules(t)
	for name, s := range all {
		for _, lang := range []string{"en", "ja"} {
			ch, err := Timeline(s, TimelineOptions{Lang: lang}) // with a Japanese font where the machine has one
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(ch.Title) == "" || !strings.Contains(ch.Title, "KB899588") {
				t.Errorf("%s, %s: title %q", name, lang, ch.Title)
			}
			if !ch.Font.CanDraw(ch.Title) {
				t.Errorf("%s, %s: title %q has characters %s cannot draw", name, lang, ch.Title, ch.Font)
			}
			if lang == "ja" && ch.Lang == "ja" && !strings.Contains(ch.Title, "適用スケジュール") {
				t.Errorf("%s: Japanese title %q", name, ch.Title)
			}
		}
	}
	for name, want := range map[string]string{
		"bundle":     "Rollout calendar: KB899588 + KB937894 + KB885881 on a mixed fleet of 3,950 hosts (XP=3000, 2000=800, 2003=150)",
		"one window": "Rollout calendar: KB899588 on 400 hosts (xp)",
		"million":    "on a mixed fleet of 1,000,000 hosts (XP=800000, 2000=150000, 2003=50000)",
	} {
		ch, err := Timeline(all[name], bundledTL(TimelineOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ch.Title, want) {
			t.Errorf("%s: title %q, want it to say %q", name, ch.Title, want)
		}
	}
	if got := TimelineTitle(all["bundle"], "ja"); got != "適用スケジュール: KB899588 + KB937894 + KB885881 を混在環境3,950台 (XP=3000, 2000=800, 2003=150) に適用" {
		t.Errorf("Japanese title %q", got)
	}
	ch, err := Timeline(all["bundle"], bundledTL(TimelineOptions{Title: "my title"}))
	if err != nil || ch.Title != "my title" {
		t.Errorf("asked title: %v, %q", err, ch.Title)
	}
	// Japanese with the bundled fonts: English, drawable.
	ch, err = Timeline(all["bundle"], bundledTL(TimelineOptions{Lang: "ja"}))
	if err != nil || ch.Lang != "en" || !strings.HasPrefix(ch.Title, "Rollout calendar") {
		t.Errorf("Japanese with the bundled fonts: %v, lang %s, title %q", err, ch.Lang, ch.Title)
	}
	for _, e := range ch.Legend {
		if !DefaultFont().CanDraw(e.Text) {
			t.Errorf("legend %q: not drawable with the bundled font", e.Text)
		}
	}
}

// TestTimelineLegendOutsideTheData: on every timeline, language and
// size, the legend lies below the plot and inside the picture, its
// entries apart; the title above the plot; the data area not empty.
func TestTimelineLegendOutsideTheData(t *testing.T) {
	for name, s := range schedules(t) {
		for _, lang := range []string{"en", "ja"} {
			ch, err := Timeline(s, TimelineOptions{Lang: lang})
			if err != nil {
				t.Fatal(err)
			}
			checkLayout(t, ch, fmt.Sprintf("%s, %s", name, lang))
		}
	}
}

// TestTimelineLegend: the legend says what is drawn: the top's line
// where there is one, and where there is none that there is no band; the
// windows, with their length to the second; the soak where rings have
// one; the windows only the top needs where there are some. Swatches are
// drawn as what they label.
func TestTimelineLegend(t *testing.T) {
	all := schedules(t)
	texts := func(ch *Chart) string {
		var b []string
		for _, e := range ch.Legend {
			b = append(b, e.Text)
		}
		return strings.Join(b, "\n")
	}
	for name, tc := range map[string]struct{ has, hasNot []string }{
		"bundle":     {[]string{"top of its 95% interval (band: between the two)", "windows: 4h from 22:00, Monday to Friday, 1 console", "soak: 2d after each ring", "last host done"}, []string{"no band", "only when"}},
		"one window": {[]string{"top of its 95% interval", "windows: 2h from 22:00, daily, 1 console"}, []string{"soak", "no band"}},
		"no top":     {[]string{"top of the interval not planned on, no band: a window of 10m5s holds not one host", "windows: 10m5s from 22:00"}, []string{"(band: between the two)"}},
		"short":      {[]string{"window needed only when every window takes its top"}, nil},
		"million":    {[]string{"4 consoles", "window needed only when every window takes its top"}, nil},
	} {
		ch, err := Timeline(all[name], bundledTL(TimelineOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		got := texts(ch)
		for _, want := range tc.has {
			if !strings.Contains(got, want) {
				t.Errorf("%s: legend %q does not say %q", name, got, want)
			}
		}
		for _, not := range tc.hasNot {
			if strings.Contains(got, not) {
				t.Errorf("%s: legend %q says %q", name, got, not)
			}
		}
	}
	// The estimate's swatch is its line over the band's colour; the top's
	// is its dashed line.
	ch, err := Timeline(all["bundle"], bundledTL(TimelineOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	est, ok := ch.Legend[0].Thumb.(seriesThumb)
	if !ok || est.line.Color != estimateStyle().line().Color || est.line.Width != estimateStyle().line().Width || len(est.line.Dashes) > 0 || est.band != estimateStyle().band() || !est.hasBand {
		t.Errorf("estimate's swatch %+v", ch.Legend[0].Thumb)
	}
	top, ok := ch.Legend[1].Thumb.(seriesThumb)
	if !ok || top.line.Color != topLineStyle().Color || len(top.line.Dashes) == 0 || top.hasBand {
		t.Errorf("top's swatch %+v", ch.Legend[1].Thumb)
	}
	const w, h = 800, 500
	img, l := render(t, ch, w, h)
	p := px(vg.Point{X: l.Entries[0].Min.X + 2, Y: l.Entries[0].Max.Y - 2}, h)
	got, b := img.RGBAAt(p.X, p.Y), estimateStyle().band()
	a := float64(b.A) / 255
	want := func(c uint8) uint8 { return uint8(float64(c)*a + 255*(1-a) + 0.5) }
	if absDiff(got.R, want(b.R))+absDiff(got.G, want(b.G))+absDiff(got.B, want(b.B)) > 12 {
		t.Errorf("estimate's swatch pixel %v, want the band's %v over white", got, b)
	}
}

// TestTimelineUnbounded: a schedule whose windows have no top of their
// interval (TopSlots nil, Slot.Top zero) is drawn with one line, and the
// legend says the top is unbounded.
func TestTimelineUnbounded(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	start := time.Date(2026, 12, 1, 22, 0, 0, 0, tokyo)
	s := &plan.Schedule{Start: start, Window: 2 * time.Hour, Consoles: 1, Hosts: 100,
		Platforms: []plan.Platform{{Hosts: 100, Patches: []string{"KB999001"}}},
		Rings:     []plan.Wave{{Ring: 1, Hosts: 100, Windows: 1}},
		Slots: []plan.Slot{{Ring: 1, Start: start, Close: start.Add(2 * time.Hour), End: start.Add(30 * time.Minute),
			Span: estimate.Span{Minutes: 30, High: math.Inf(1), Level: 0.95}, Hosts: 100, Cumulative: 100, Percent: 100}},
		TopReason: "the interval is unbounded", Finish: start.Add(30 * time.Minute)}
	for _, lang := range []string{"en", "ja"} {
		ch, err := Timeline(s, TimelineOptions{Lang: lang})
		if err != nil {
			t.Fatal(err)
		}
		if ch.tl.steps[1] != nil {
			t.Error("a top line without a top")
		}
		if w := vocab[ch.Lang]; ch.Legend[1].Text != w.tlUnbounded {
			t.Errorf("%s: legend %q, want %q", lang, ch.Legend[1].Text, w.tlUnbounded)
		}
		for _, format := range []string{"png", "svg"} {
			var b bytes.Buffer
			if err := Write(&b, ch, format, 800, 500); err != nil {
				t.Errorf("%s %s: %v", lang, format, err)
			}
		}
	}
}

// TestTimelineFewLabels: a million hosts in hundreds of windows are
// drawn with about as much text as one window: no label per window.
func TestTimelineFewLabels(t *testing.T) {
	all := schedules(t)
	texts := func(s *plan.Schedule) int {
		ch, err := Timeline(s, bundledTL(TimelineOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := Write(&b, ch, "svg", 800, 500); err != nil {
			t.Fatal(err)
		}
		return len(regexp.MustCompile(`<text`).FindAllIndex(b.Bytes(), -1))
	}
	many, one := all["million"], all["bundle"]
	if len(many.Slots) < 300 {
		t.Fatalf("a million hosts in %d windows: want hundreds", len(many.Slots))
	}
	if n, m := texts(many), texts(one); n > m+10 || n > 80 {
		t.Errorf("%d windows drawn with %d texts, %d windows with %d", len(many.Slots), n, len(one.Slots), m)
	}
}

// TestTimelineDST: across New York's end of daylight-saving time, the
// calendar's ticks stay at local midnights (25 hours apart over the
// change) labelled with their local dates, and the windows open at
// 22:00 local on both sides.
func TestTimelineDST(t *testing.T) {
	s := schedules(t)["dst"]
	ny := s.Start.Location()
	ch, err := Timeline(s, bundledTL(TimelineOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ch.Plot.X.Label.Text, "America/New_York") {
		t.Errorf("axis label %q does not name the zone", ch.Plot.X.Label.Text)
	}
	before, after := false, false
	for _, w := range s.Slots {
		_, off := w.Start.Zone()
		before, after = before || off == -4*3600, after || off == -5*3600
	}
	if !before || !after {
		t.Fatalf("the schedule does not cross the change (%s to %s)", s.Slots[0].Start, s.Finish)
	}
	for _, b := range ch.tl.windows {
		if open := time.Unix(int64(b.start), 0).In(ny); open.Hour() != 22 || open.Minute() != 0 {
			t.Errorf("a window opens at %s", open)
		}
	}
	ticks := calendarTicks{loc: ny, lang: "en"}.Ticks(ch.Plot.X.Min, ch.Plot.X.Max)
	var labelled []time.Time
	for _, tk := range ticks {
		if tk.Label == "" {
			continue
		}
		at := time.Unix(int64(tk.Value), 0).In(ny)
		labelled = append(labelled, at)
		if at.Hour() != 0 || at.Minute() != 0 || tk.Label != at.Format("1/2") {
			t.Errorf("tick %q at %s: want a local midnight labelled with its date", tk.Label, at)
		}
	}
	long := 0
	for k := 1; k < len(labelled); k++ {
		switch d := labelled[k].Sub(labelled[k-1]); d % (24 * time.Hour) {
		case 0:
		case time.Hour:
			long++
		default:
			t.Errorf("ticks %s and %s are %s apart", labelled[k-1], labelled[k], d)
		}
	}
	if len(labelled) < 3 || long != 1 {
		t.Errorf("ticks %v: want local midnights, one step an hour longer", labelled)
	}
}

func TestCalendarTicks(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	at := func(y int, m time.Month, d, h, min int) float64 { return unix(time.Date(y, m, d, h, min, 0, 0, tokyo)) }
	for _, tc := range []struct {
		lo, hi float64
		lang   string
		want   string
	}{
		{at(2026, 12, 1, 21, 40), at(2026, 12, 2, 0, 20), "en", "12/1 22:00, 22:30, 23:00, 23:30, 12/2 00:00"},
		{at(2026, 12, 1, 21, 40), at(2026, 12, 2, 0, 20), "ja", "12月1日 22:00, 22:30, 23:00, 23:30, 12月2日 00:00"},
		{at(2026, 12, 1, 12, 0), at(2026, 12, 17, 6, 0), "en", "12/3, 12/5, 12/7, 12/9, 12/11, 12/13, 12/15, 12/17"},
		{at(2026, 12, 1, 12, 0), at(2026, 12, 17, 6, 0), "ja", "12月3日, 12月5日, 12月7日, 12月9日, 12月11日, 12月13日, 12月15日, 12月17日"},
		{at(2026, 11, 20, 0, 0), at(2027, 2, 1, 0, 0), "en", "11/23, 12/7, 12/21, 2027/1/4, 1/18, 2/1"},
		{at(2026, 11, 1, 0, 0), at(2028, 12, 31, 0, 0), "en", "Jan 2027, Apr, Jul, Oct, Jan 2028, Apr, Jul, Oct"},
		{at(2026, 11, 1, 0, 0), at(2028, 12, 31, 0, 0), "ja", "2027年1月, 4月, 7月, 10月, 2028年1月, 4月, 7月, 10月"},
	} {
		var got []string
		for _, tk := range (calendarTicks{loc: tokyo, lang: tc.lang}).Ticks(tc.lo, tc.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if strings.Join(got, ", ") != tc.want {
			t.Errorf("ticks %s to %s (%s): %q, want %q", time.Unix(int64(tc.lo), 0).In(tokyo), time.Unix(int64(tc.hi), 0).In(tokyo), tc.lang, got, tc.want)
		}
	}
}

// TestTimelinePNGDeterministic: the same timeline gives the same bytes.
func TestTimelinePNGDeterministic(t *testing.T) {
	var out [2][]byte
	for i := range out {
		ch, err := Timeline(schedules(t)["bundle"], bundledTL(TimelineOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := Write(&b, ch, "png", 800, 500); err != nil {
			t.Fatal(err)
		}
		out[i] = b.Bytes()
	}
	if !bytes.Equal(out[0], out[1]) {
		t.Error("two drawings of the same timeline differ")
	}
}

// TestTimelineDraws: every timeline, in both languages and at every
// size, counts or percentages, is written as PNG and SVG without error.
func TestTimelineDraws(t *testing.T) {
	for name, s := range schedules(t) {
		for _, lang := range []string{"en", "ja"} {
			for _, pct := range []bool{false, true} {
				ch, err := Timeline(s, TimelineOptions{Lang: lang, Percent: pct})
				if err != nil {
					t.Fatal(err)
				}
				for _, tc := range []struct {
					format string
					w, h   int
				}{{"png", 100, 100}, {"png", 1600, 300}, {"svg", 800, 500}} {
					if lang == "ja" && tc.format == "png" && tc.w > 100 {
						continue // slow with a CJK font, and drawn by the other tests
					}
					var b bytes.Buffer
					if err := Write(&b, ch, tc.format, tc.w, tc.h); err != nil || b.Len() == 0 {
						t.Errorf("%s, %s, percent %v, %s %d×%d: %v", name, lang, pct, tc.format, tc.w, tc.h, err)
					}
				}
			}
		}
	}
}

func TestTimelineErrors(t *testing.T) {
	if _, err := Timeline(nil, TimelineOptions{}); err == nil {
		t.Error("no schedule: no error")
	}
	if _, err := Timeline(&plan.Schedule{}, TimelineOptions{}); err == nil {
		t.Error("a schedule with no window: no error")
	}
	if _, err := Timeline(schedules(t)["one window"], TimelineOptions{Lang: "fr"}); err == nil {
		t.Error("French: no error")
	}
}
