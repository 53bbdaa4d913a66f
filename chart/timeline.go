package chart

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/patchtime/patchtime/internal/durfmt"
	"github.com/patchtime/patchtime/plan"
)

// TimelineOptions say what a timeline draws.
type TimelineOptions struct {
	Title   string // title above the plot; "" for TimelineTitle's
	Lang    string // language of the labels: "en" (or "") or "ja"; Japanese needs a font that has it (see Font)
	Percent bool   // hosts done as a percentage of the fleet rather than a count
	// Font is the font of all text. nil means the bundled Liberation
	// Sans, or FindFont's font where some text needs characters it lacks
	// (Japanese labels or names), if FindFont finds one.
	Font *Font
}

// Timeline draws a schedule on its calendar: time across, in the
// schedule's zone (ticks at its midnights and hours, across
// daylight-saving changes), the hosts done up (a count, or a percentage
// with Options.Percent).
//
// The hosts done are a step line, rising at each window's planned end
// (Slot.End) to the hosts patched so far (Slot.Cumulative), flat between
// windows; with Schedule.TopSlots, a second, dashed, step line rises at
// each of their windows' top of the interval (Slot.Top), and the band
// between the two lines is the interval's. Without TopSlots the legend
// says there is no band, and why. Below the hosts axis' 0 a lane marks
// every window (from its opening to its close, its planned work darker)
// and, when there are several rings, each ring's span, labelled; the
// soak after each ring is shaded, and the last host's planned end is
// marked on each line with its date and time. A schedule of hundreds of
// windows labels none of them.
//
// The chart is written as New's are, by Write. Timeline fails when s is
// nil or has no window, or the language is neither "en" nor "ja".
func Timeline(s *plan.Schedule, o TimelineOptions) (*Chart, error) {
	if s == nil || len(s.Slots) == 0 {
		return nil, errors.New("chart: no schedule to draw")
	}
	lang, err := checkLang(o.Lang)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, pl := range s.Platforms {
		names = append(names, pl.Name)
		names = append(names, pl.Patches...)
	}
	fnt, lang := chooseFont(o.Font, lang, append(names, o.Title)...)
	w := vocab[lang]
	loc := s.Start.Location()

	tl := &timeline{lang: lang, loc: loc, fleet: s.Hosts, rings: len(s.Rings) > 1}
	scale := func(n int) float64 { return float64(n) }
	if o.Percent && s.Hosts > 0 {
		scale = func(n int) float64 { return 100 * float64(n) / float64(s.Hosts) }
	}
	top := float64(s.Hosts)
	if o.Percent {
		top = 100
	}

	// The calendar axis: the schedule, the finish on both lines, a margin.
	first, last := s.Start, s.Finish
	for _, sl := range [][]plan.Slot{s.Slots, s.TopSlots} {
		for _, w := range sl {
			first = minTime(first, w.Start)
			last = maxTime(last, maxTime(w.Close, maxTime(w.End, w.Top)))
		}
	}
	if !s.FinishTop.IsZero() {
		last = maxTime(last, s.FinishTop)
	}
	span := last.Sub(first)
	pad := max(30*time.Minute, span/30)
	xmin, xmax := unix(first.Add(-pad)), unix(last.Add(pad))

	// The step lines, and the band between them.
	tl.steps[0] = steps(s.Slots, func(w plan.Slot) time.Time { return w.End }, scale, xmin, xmax)
	hasTop := len(s.TopSlots) > 0 && !slices.ContainsFunc(s.TopSlots, func(w plan.Slot) bool { return w.Top.IsZero() })
	if hasTop {
		tl.steps[1] = steps(s.TopSlots, func(w plan.Slot) time.Time { return w.Top }, scale, xmin, xmax)
	}

	// The windows, on the estimate, and those only the top needs.
	for _, w := range s.Slots {
		tl.windows = append(tl.windows, laneBar{start: unix(w.Start), close: unix(w.Close), end: unix(w.End)})
	}
	if hasTop {
		for _, w := range s.TopSlots {
			if !slices.ContainsFunc(s.Slots, func(v plan.Slot) bool { return v.Start.Equal(w.Start) }) {
				tl.topOnly = append(tl.topOnly, laneBar{start: unix(w.Start), close: unix(w.Close), end: unix(w.Close)})
			}
		}
	}

	// The rings, and the soak after each but the last.
	for i, r := range s.Rings {
		k := slices.IndexFunc(s.Slots, func(w plan.Slot) bool { return w.Ring == r.Ring })
		if k < 0 {
			continue
		}
		j := k
		for j+1 < len(s.Slots) && s.Slots[j+1].Ring == r.Ring {
			j++
		}
		sp := ringSpan{from: unix(s.Slots[k].Start), to: unix(s.Slots[j].Close)}
		name := fmt.Sprintf(w.tlRing, r.Ring)
		if i == 0 {
			sp.labels = append(sp.labels, name+w.tlPilot+fmt.Sprintf(w.tlRingHosts, groupDigits(r.Hosts)))
			name += w.tlPilot
		}
		sp.labels = append(sp.labels, name+fmt.Sprintf(w.tlRingHosts, groupDigits(r.Hosts)), name, fmt.Sprint(r.Ring))
		sp.labels = slices.Compact(sp.labels)
		for k := range sp.labels {
			sp.labels[k] = Printable(sp.labels[k], fnt)
		}
		tl.spans = append(tl.spans, sp)
		if i < len(s.Rings)-1 && s.Soak > 0 {
			end := s.Slots[j].End
			tl.soaks = append(tl.soaks, [2]float64{unix(end), unix(end.Add(s.Soak))})
		}
	}

	ch, p, styled := newChart(lang, fnt)
	ch.tl = tl
	years := fmt.Sprint(first.Year())
	if last.Year() != first.Year() {
		years += "–" + fmt.Sprint(last.Year())
	}
	if lang == "ja" {
		years = strings.ReplaceAll(years+"年", "–", "年〜")
	}
	p.X.Label.Text = Printable(fmt.Sprintf(w.tlDate, years, zoneName(s.Start)), fnt)
	p.Y.Label.Text = w.tlDone
	if o.Percent {
		p.Y.Label.Text = fmt.Sprintf(w.tlPercent, groupDigits(s.Hosts))
	}
	p.X.Tick.Marker = calendarTicks{loc: loc, lang: lang}
	p.Y.Tick.Marker = countTicks{max: top, percent: o.Percent}
	p.X.Min, p.X.Max = xmin, xmax
	p.Y.Min, p.Y.Max = 0, 1.16*math.Max(top, 1) // room above for the finish's labels

	// Behind everything: the soaks, the grid, the lane.
	est, topStyle := estimateStyle(), topLineStyle()
	if len(tl.soaks) > 0 {
		p.Add(soakShade{tl.soaks})
	}
	p.Add(upperGrid{draw.LineStyle{Color: color.Gray{Y: 200}, Width: vg.Points(0.25)}}) // as New's grid
	p.Add(laneSet{tl: tl, style: styled(text.Style{Color: color.Black}, markSize)})

	// The band, the estimate's line, the top's dashed line above it, so
	// that it shows where the two are one.
	if hasTop {
		if poly := stepBand(tl.steps[0], tl.steps[1]); poly != nil {
			poly.Color = est.band()
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
	}
	if l, err := plotter.NewLine(tl.steps[0]); err == nil {
		l.LineStyle = est.line()
		p.Add(l)
	}
	if hasTop {
		if l, err := plotter.NewLine(tl.steps[1]); err == nil {
			l.LineStyle = topStyle
			p.Add(l)
		}
	}

	// The finish, on each line.
	at := func(t time.Time) string { return finishTime(t, first, lang) }
	marks := []markPoint{{x: unix(s.Finish), y: top, label: Printable(fmt.Sprintf(w.tlDoneAt, at(s.Finish)), fnt), color: est.color}}
	if hasTop && !s.FinishTop.IsZero() {
		marks = append(marks, markPoint{x: unix(s.FinishTop), y: top, label: Printable(fmt.Sprintf(w.tlTopAt, at(s.FinishTop)), fnt), series: 1, color: topStyle.Color.(color.NRGBA)})
	}
	p.Add(markSet{marks: marks, labels: true, style: styled(text.Style{Color: color.Black}, markSize)})

	// The legend.
	level := percent(s.Slots[0].Span.Level)
	ch.Legend = append(ch.Legend, Entry{Text: Printable(w.tlEstimate, fnt), Thumb: seriesThumb{line: est.line(), band: est.band(), hasBand: hasTop}})
	switch {
	case hasTop:
		ch.Legend = append(ch.Legend, Entry{Text: Printable(fmt.Sprintf(w.tlTop, level), fnt), Thumb: seriesThumb{line: topStyle}})
	case slices.ContainsFunc(s.Slots, func(w plan.Slot) bool { return w.Top.IsZero() }):
		ch.Legend = append(ch.Legend, Entry{Text: Printable(w.tlUnbounded, fnt), Thumb: seriesThumb{line: noLineStyle}})
	default:
		reason := s.TopReason
		if lang == "ja" || reason == "" {
			reason = ""
		}
		ch.Legend = append(ch.Legend, Entry{Text: Printable(strings.TrimSuffix(fmt.Sprintf(w.tlNoTop, reason), ": "), fnt), Thumb: seriesThumb{line: noLineStyle}})
	}
	consoles := fmt.Sprintf(w.tlConsole, s.Consoles)
	if s.Consoles > 1 {
		consoles = fmt.Sprintf(w.tlConsoles, s.Consoles)
	}
	ch.Legend = append(ch.Legend, Entry{Text: Printable(fmt.Sprintf(w.tlWindows, exactDuration(s.Window, lang), s.Start.Format("15:04"), days(s.Days, lang), consoles), fnt), Thumb: laneThumb{}})
	if len(tl.topOnly) > 0 {
		ch.Legend = append(ch.Legend, Entry{Text: Printable(w.tlTopOnly, fnt), Thumb: laneThumb{topOnly: true}})
	}
	if len(tl.soaks) > 0 {
		ch.Legend = append(ch.Legend, Entry{Text: Printable(fmt.Sprintf(w.tlSoak, exactDuration(s.Soak, lang)), fnt), Thumb: soakThumb{}})
	}
	ch.Legend = append(ch.Legend, Entry{Text: Printable(w.tlFinish, fnt), Thumb: markThumb{}})

	ch.Title = o.Title
	if ch.Title == "" {
		ch.Title = TimelineTitle(s, lang)
	}
	ch.Title = Printable(ch.Title, fnt)
	ch.Plot = p
	return ch, nil
}

// TimelineTitle is the title Timeline gives a schedule when
// TimelineOptions.Title is empty, in lang ("en" or "ja"): the patches,
// and the fleet.
func TimelineTitle(s *plan.Schedule, lang string) string {
	if lang != "ja" {
		lang = "en"
	}
	w := vocab[lang]
	var patches, fleet []string
	for _, pl := range s.Platforms {
		for _, kb := range pl.Patches {
			if !slices.Contains(patches, kb) {
				patches = append(patches, kb)
			}
		}
		fleet = append(fleet, fmt.Sprintf("%s=%d", pl.Name, pl.Hosts))
	}
	all := strings.Join(patches, " + ")
	if len(s.Platforms) > 1 {
		return fmt.Sprintf(w.tlMixed, all, groupDigits(s.Hosts), strings.Join(fleet, ", "))
	}
	t := fmt.Sprintf(w.tlHosts, all, groupDigits(s.Hosts))
	if len(s.Platforms) == 1 && s.Platforms[0].Name != "" {
		t += fmt.Sprintf(w.tlHostsOf, s.Platforms[0].Name)
	}
	return t
}

// timeline is what a timeline's plotters and its layout share.
type timeline struct {
	lang    string
	loc     *time.Location
	fleet   int
	steps   [2]plotter.XYs // hosts done: on the estimate; on the top (nil without it)
	windows []laneBar      // the estimate's windows
	topOnly []laneBar      // windows only the top needs
	spans   []ringSpan     // the rings
	rings   bool           // label the rings: there are several
	soaks   [][2]float64   // the soaks, Unix seconds
}

// laneBar is a window on the lane, Unix seconds: it opens at start, its
// work ends at end, it closes at close.
type laneBar struct{ start, end, close float64 }

// ringSpan is a ring on the lane: from its first window's opening to its
// last one's close, and its labels, longest first.
type ringSpan struct {
	from, to float64
	labels   []string
}

// The lane below the hosts axis' 0, points at full size: a gap, the
// windows' bars, and the rings' row.
const (
	laneGap  = 3
	laneBarH = 8
	ringRow  = 15
)

// lane is the lane's height, points at full size.
func (tl *timeline) lane() float64 {
	h := laneGap + laneBarH + laneGap
	if tl.rings {
		h += ringRow
	}
	return float64(h)
}

func unix(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// steps is the hosts done over time: 0 from xmin, rising at each slot's
// when to its Cumulative (scaled), flat to xmax.
func steps(slots []plan.Slot, when func(plan.Slot) time.Time, scale func(int) float64, xmin, xmax float64) plotter.XYs {
	xy := plotter.XYs{{X: xmin, Y: 0}}
	y := 0.0
	for _, w := range slots {
		x := unix(when(w))
		xy = append(xy, plotter.XY{X: x, Y: y})
		y = scale(w.Cumulative)
		xy = append(xy, plotter.XY{X: x, Y: y})
	}
	return append(xy, plotter.XY{X: xmax, Y: y})
}

// stepAt is the value of a step line at x: the last y at or before x.
func stepAt(xy plotter.XYs, x float64) float64 {
	y := math.NaN()
	for _, p := range xy {
		if p.X > x {
			break
		}
		y = p.Y
	}
	return y
}

// stepBand is the region between two step lines from the same start to
// the same end: along a, back along b.
func stepBand(a, b plotter.XYs) *plotter.Polygon {
	ring := slices.Clone(a)
	for k := len(b) - 1; k >= 0; k-- {
		ring = append(ring, b[k])
	}
	poly, err := plotter.NewPolygon(ring)
	if err != nil {
		return nil
	}
	return poly
}

// The lines' styles: the estimate's solid in the first colour, the top's
// dashed in the second.
func estimateStyle() curveStyle {
	return curveStyle{color: palette[0], width: vg.Points(baseWidth)}
}

func topLineStyle() draw.LineStyle {
	return draw.LineStyle{Color: palette[1], Width: vg.Points(1.25), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
}

// noLineStyle is the swatch of a line not drawn: none.
var noLineStyle = draw.LineStyle{Color: color.Transparent, Width: 0}

// The lane's colours: a window, its planned work, a window only the top
// needs; and the soak's shade.
var (
	windowColor  = color.NRGBA{0xb8, 0xc4, 0xd0, 0xff}
	workColor    = color.NRGBA{0x3a, 0x4a, 0x5c, 0xff}
	topOnlyColor = palette[1]
	soakColor    = color.NRGBA{0xf2, 0xea, 0xd3, 0xff}
)

// exactDuration writes d as the tables do, to the second where it is not
// whole minutes: "4h", "10m5s", "4時間", "10分5秒".
func exactDuration(d time.Duration, lang string) string {
	if lang == "ja" {
		return durfmt.JaExact(d)
	}
	return durfmt.GoExact(d)
}

// zoneName names the schedule's zone: its location's name, or where that
// says nothing (Local, a fixed zone) the abbreviation at its start.
func zoneName(t time.Time) string {
	name := t.Location().String()
	if name == "" || name == "Local" || name == "UTC" && t.Location() != time.UTC {
		name, _ = t.Zone()
	}
	return name
}

// days writes the days with a window: "daily", "Monday to Friday", "Mon,
// Wed, Fri"; "毎日", "平日", "月・水・金".
func days(d plan.Weekdays, lang string) string {
	w := vocab[lang]
	switch d & plan.Daily {
	case 0, plan.Daily:
		return w.tlDaily
	case plan.WeekdaysOf(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday):
		return w.tlWeekday
	}
	var names []string
	for i := 1; i <= 7; i++ {
		if day := time.Weekday(i % 7); d.Has(day) {
			names = append(names, w.tlDays[day])
		}
	}
	return strings.Join(names, w.tlDaySep)
}

// dateLabel writes t's date: "12/1", "12月1日"; with its year, "2027/1/4",
// "2027年1月4日".
func dateLabel(t time.Time, lang string, year bool) string {
	switch {
	case lang == "ja" && year:
		return t.Format("2006年1月2日")
	case lang == "ja":
		return t.Format("1月2日")
	case year:
		return t.Format("2006/1/2")
	}
	return t.Format("1/2")
}

// finishTime writes a finish's date and time, with its year when it is
// not first's: "12/9 23:41", "12月9日 23:41".
func finishTime(t, first time.Time, lang string) string {
	return dateLabel(t, lang, t.Year() != first.Year()) + " " + t.Format("15:04")
}

// calendarTicks are the calendar axis' ticks, Unix seconds: at round
// hours, midnights, Mondays, first days of months or years of the zone,
// as many labelled as width has room for in style (8 when width is 0).
type calendarTicks struct {
	loc   *time.Location
	lang  string
	width vg.Length
	style text.Style
}

// calUnit is a step of the calendar axis.
type calUnit int

const (
	unitMinute calUnit = iota // n minutes of the day from midnight
	unitDay
	unitWeek
	unitMonth
	unitYear
)

type calStep struct {
	unit  calUnit
	n     int
	minor *calStep // the minor ticks' step; nil for none
	secs  float64  // its length, about
}

var calSteps = func() []calStep {
	const h, d = 3600.0, 86400.0
	mins := func(n int) *calStep { return &calStep{unit: unitMinute, n: n, secs: 60 * float64(n)} }
	day, week, month := &calStep{unit: unitDay, n: 1, secs: d}, &calStep{unit: unitWeek, n: 1, secs: 7 * d}, &calStep{unit: unitMonth, n: 1, secs: 30.44 * d}
	years := func(n int) *calStep { return &calStep{unit: unitYear, n: n, secs: 365.25 * d * float64(n)} }
	return []calStep{
		{unitMinute, 10, mins(5), 600}, {unitMinute, 15, mins(5), 900}, {unitMinute, 30, mins(10), 1800},
		{unitMinute, 60, mins(30), h}, {unitMinute, 120, mins(60), 2 * h}, {unitMinute, 180, mins(60), 3 * h},
		{unitMinute, 360, mins(60), 6 * h}, {unitMinute, 720, mins(180), 12 * h},
		{unitDay, 1, mins(360), d}, {unitDay, 2, day, 2 * d}, {unitWeek, 1, day, 7 * d}, {unitWeek, 2, day, 14 * d},
		{unitMonth, 1, week, 30.44 * d}, {unitMonth, 2, month, 61 * d}, {unitMonth, 3, month, 91 * d}, {unitMonth, 6, month, 182 * d},
		{unitYear, 1, month, 365.25 * d}, {unitYear, 2, years(1), 730 * d}, {unitYear, 5, years(1), 1826 * d},
		{unitYear, 10, years(2), 3652 * d}, {unitYear, 20, years(5), 7305 * d}, {unitYear, 50, years(10), 18262 * d},
		{unitYear, 100, years(10), 36525 * d}, {unitYear, 1000, years(100), 365250 * d},
	}
}()

// at returns the times of step st from lo to hi, Unix seconds, in loc.
func (st calStep) at(lo, hi float64, loc *time.Location) []time.Time {
	if hi < lo || (hi-lo)/st.secs > 5000 {
		return nil
	}
	from, to := time.Unix(int64(math.Floor(lo)), 0).In(loc), time.Unix(int64(math.Ceil(hi)), 0).In(loc)
	y, m, d := from.Date()
	var out []time.Time
	add := func(t time.Time) {
		if u := unix(t); u >= lo && u <= hi && (len(out) == 0 || t.After(out[len(out)-1])) {
			out = append(out, t)
		}
	}
	switch st.unit {
	case unitMinute:
		for day := time.Date(y, m, d, 0, 0, 0, 0, loc); !day.After(to); day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc) {
			for mins := 0; mins < 24*60; mins += st.n {
				add(time.Date(day.Year(), day.Month(), day.Day(), 0, mins, 0, 0, loc))
			}
		}
	case unitDay, unitWeek:
		for k := 0; ; k++ {
			t := time.Date(y, m, d+k, 0, 0, 0, 0, loc)
			if t.After(to) {
				break
			}
			civil := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400 // days since 1970-01-01, a Thursday
			if st.unit == unitDay && civil%int64(st.n) == 0 {
				add(t)
			}
			if monday := civil - 4; st.unit == unitWeek && t.Weekday() == time.Monday && (monday/7)%int64(st.n) == 0 {
				add(t)
			}
		}
	case unitMonth:
		for k := 0; ; k++ {
			t := time.Date(y, m+time.Month(k), 1, 0, 0, 0, 0, loc)
			if t.After(to) {
				break
			}
			if (int(t.Month())-1)%st.n == 0 {
				add(t)
			}
		}
	case unitYear:
		for yr := y - y%st.n; yr <= to.Year(); yr += st.n {
			add(time.Date(yr, 1, 1, 0, 0, 0, 0, loc))
		}
	}
	return out
}

// labels writes the labels of ticks at times ts of step st: the first,
// and each in a new year (in a new day for times of day), says it.
func (st calStep) labels(ts []time.Time, lang string) []string {
	out := make([]string, len(ts))
	for k, t := range ts {
		newYear := k > 0 && t.Year() != ts[k-1].Year()
		switch st.unit {
		case unitMinute:
			out[k] = t.Format("15:04")
			if k == 0 || t.YearDay() != ts[k-1].YearDay() || newYear {
				out[k] = dateLabel(t, lang, newYear) + " " + out[k]
			}
		case unitDay, unitWeek:
			out[k] = dateLabel(t, lang, newYear)
		case unitMonth:
			switch {
			case lang == "ja" && (k == 0 || newYear):
				out[k] = t.Format("2006年1月")
			case lang == "ja":
				out[k] = t.Format("1月")
			case k == 0 || newYear:
				out[k] = t.Format("Jan 2006")
			default:
				out[k] = t.Format("Jan")
			}
		case unitYear:
			out[k] = fmt.Sprint(t.Year())
			if lang == "ja" {
				out[k] += "年"
			}
		}
	}
	return out
}

// Ticks returns the ticks between lo and hi, Unix seconds: the smallest
// step whose labels fit the width, and minor ticks between them where
// they are not too dense.
func (c calendarTicks) Ticks(lo, hi float64) []plot.Tick {
	loc := c.loc
	if loc == nil {
		loc = time.UTC
	}
	fits := func(labels []string) bool {
		if len(labels) < 2 && hi-lo > 0 {
			return false
		}
		if c.width <= 0 || c.style.Handler == nil {
			return len(labels) <= 8
		}
		widest := vg.Length(0)
		for _, l := range labels {
			widest = max(widest, c.style.Width(l))
		}
		return vg.Length(len(labels))*(widest+1.5*c.style.Font.Size) <= c.width
	}
	var (
		chosen *calStep
		ts     []time.Time
		labels []string
	)
	for i := range calSteps {
		st := &calSteps[i]
		t := st.at(lo, hi, loc)
		if len(t) == 0 {
			continue
		}
		l := st.labels(t, c.lang)
		if chosen == nil || len(ts) > 1 || len(t) > 1 {
			chosen, ts, labels = st, t, l // the largest step with two ticks, else one
		}
		if fits(l) {
			break
		}
	}
	var ticks []plot.Tick
	if chosen == nil {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	for k, t := range ts {
		tk := plot.Tick{Value: unix(t), Label: labels[k]}
		if c.width > 0 && c.style.Handler != nil && hi > lo {
			// A label past the right end of the axis would be cut off
			// by the picture's edge: the tick only.
			if past := c.style.Width(tk.Label)/2 - vg.Length((hi-tk.Value)/(hi-lo))*c.width; past > 4 {
				tk.Label = ""
			}
		}
		ticks = append(ticks, tk)
	}
	if m := chosen.minor; m != nil && (c.width <= 0 || float64(c.width)/((hi-lo)/m.secs) >= 4) {
		for _, t := range m.at(lo, hi, loc) {
			if !slices.ContainsFunc(ts, t.Equal) {
				ticks = append(ticks, plot.Tick{Value: unix(t)})
			}
		}
	}
	slices.SortFunc(ticks, func(a, b plot.Tick) int { return cmpFloat(a.Value, b.Value) })
	return ticks
}

// countTicks are the hosts axis' ticks: numberTicks' from 0 to max, as
// percentages with percent.
type countTicks struct {
	max     float64
	percent bool
}

// Ticks returns the ticks between 0 and the fleet, within lo and hi:
// every 25% labelled and every 5% marked for a percentage.
func (c countTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	if c.percent && c.max == 100 {
		for v := 0; v <= 100; v += 5 {
			if fv := float64(v); fv >= lo && fv <= hi {
				t := plot.Tick{Value: fv}
				if v%25 == 0 {
					t.Label = fmt.Sprint(v, "%")
				}
				out = append(out, t)
			}
		}
		return out
	}
	for _, t := range (numberTicks{}).Ticks(max(lo, 0), min(hi, c.max)) {
		if t.Value < 0 || t.Value > c.max*(1+1e-9) {
			continue
		}
		if c.percent && t.Label != "" {
			t.Label += "%"
		}
		out = append(out, t)
	}
	return out
}

// upperGrid is a grid above the hosts axis' 0 only, leaving the lane
// below it clear: a line at each major tick of either axis.
type upperGrid struct{ style draw.LineStyle }

// Plot draws the grid.
func (g upperGrid) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	y0 := min(max(ty(0), c.Min.Y), c.Max.Y)
	for _, t := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if x := tx(t.Value); !t.IsMinor() && x >= c.Min.X && x <= c.Max.X {
			c.StrokeLine2(g.style, x, y0, x, c.Max.Y)
		}
	}
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if y := ty(t.Value); !t.IsMinor() && y >= y0 && y <= c.Max.Y {
			c.StrokeLine2(g.style, c.Min.X, y, c.Max.X, y)
		}
	}
}

// soakShade shades the soaks, Unix seconds, above the hosts axis' 0.
type soakShade struct{ spans [][2]float64 }

// Plot fills the spans.
func (s soakShade) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	y0 := min(max(ty(0), c.Min.Y), c.Max.Y)
	for _, sp := range s.spans {
		x0, x1 := max(tx(sp[0]), c.Min.X), min(tx(sp[1]), c.Max.X)
		if x1 > x0 {
			c.SetColor(soakColor)
			c.Fill(vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x1, Y: c.Max.Y}}.Path())
		}
	}
}

// soakThumb is the legend swatch of the soak.
type soakThumb struct{}

// Thumbnail draws the swatch: the soak's shade.
func (soakThumb) Thumbnail(c *draw.Canvas) {
	c.SetColor(soakColor)
	c.Fill(c.Rectangle.Path())
}

// minBar is the narrowest a window is drawn, points: every window shows.
const minBar = 0.75

// laneSet draws the lane below the hosts axis' 0: each window a bar, its
// planned work darker; windows only the top needs outlined; and with
// several rings each ring's span with its label beneath.
type laneSet struct {
	tl    *timeline
	style text.Style
}

// bar returns the rectangle of x0 to x1 between y0 and y1, at least
// minBar wide.
func bar(x0, x1, y0, y1 vg.Length) vg.Rectangle {
	if x1-x0 < minBar {
		mid := (x0 + x1) / 2
		x0, x1 = mid-minBar/2, mid+minBar/2
	}
	return vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x1, Y: y1}}
}

// Plot draws the lane.
func (l laneSet) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	s := vg.Length(textScale(p))
	top := ty(0) - laneGap*s
	bottom := top - laneBarH*s
	if bottom < c.Min.Y {
		return
	}
	for _, w := range l.tl.topOnly {
		r := bar(tx(w.start), tx(w.close), bottom, top)
		c.SetLineStyle(draw.LineStyle{Color: topOnlyColor, Width: vg.Points(0.75)})
		c.Stroke(r.Path())
	}
	for _, w := range l.tl.windows {
		c.SetColor(windowColor)
		c.Fill(bar(tx(w.start), tx(w.close), bottom, top).Path())
	}
	for _, w := range l.tl.windows {
		c.SetColor(workColor)
		c.Fill(bar(tx(w.start), tx(w.end), bottom, top).Path())
	}
	if !l.tl.rings {
		return
	}
	// The rings: a bracket under their windows, and beneath it the
	// longest labels that fit side by side, left to right, each over its
	// bracket and no other, centred on it where there is room: of two
	// that do not fit the wider is shortened first, and a ring whose
	// shortest label still does not fit is left unlabelled.
	sty := scaled(l.style, float64(s))
	sty.Color = color.Gray{Y: 40}
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
	brk := draw.LineStyle{Color: color.Gray{Y: 90}, Width: vg.Points(0.75)}
	y := bottom - laneGap*s
	spans := l.tl.spans
	x0s, x1s := make([]vg.Length, len(spans)), make([]vg.Length, len(spans))
	for i, r := range spans {
		x0s[i], x1s[i] = max(tx(r.from), c.Min.X), min(tx(r.to), c.Max.X)
		c.StrokeLines(brk, []vg.Point{{X: x0s[i], Y: y + 2*s}, {X: x0s[i], Y: y}, {X: x1s[i], Y: y}, {X: x1s[i], Y: y + 2*s}})
	}
	level := make([]int, len(spans)) // each ring's label; -1 for none
	width := func(i int) vg.Length { return sty.Width(spans[i].labels[level[i]]) }
	gap := 6 * s
	at := make([]vg.Length, len(spans))
	place := func() (fail, prev int) {
		right, prev := c.Min.X-gap, -1
		for i := range spans {
			if level[i] < 0 {
				continue
			}
			// Within the picture, after the label before it, not under
			// another ring's bracket, over its own.
			w := width(i)
			lo, hi := max(right+gap, c.Min.X), c.Max.X
			if i > 0 {
				lo = max(lo, x1s[i-1]+2*s)
			}
			if i+1 < len(spans) {
				hi = min(hi, x0s[i+1]-2*s)
			}
			a := min(max((x0s[i]+x1s[i])/2-w/2, lo), hi-w)
			if a < lo || a > x1s[i] || a+w < x0s[i] {
				return i, prev
			}
			at[i], right, prev = a, a+w, i
		}
		return -1, -1
	}
	for {
		i, p := place()
		if i < 0 {
			break
		}
		if p >= 0 && width(p) > width(i) && level[p]+1 < len(spans[p].labels) {
			level[p]++
		} else if level[i]+1 < len(spans[i].labels) {
			level[i]++
		} else if p >= 0 && level[p]+1 < len(spans[p].labels) {
			level[p]++
		} else {
			level[i] = -1
		}
	}
	for i := range spans {
		if level[i] >= 0 && y-1-sty.Height(spans[i].labels[level[i]]) >= c.Min.Y-1 {
			c.FillText(sty, vg.Point{X: at[i], Y: y - 1}, spans[i].labels[level[i]])
		}
	}
}

// laneThumb is the legend swatch of the windows: a window with its
// planned work; or, for windows only the top needs, outlined.
type laneThumb struct{ topOnly bool }

// Thumbnail draws the swatch.
func (t laneThumb) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	mid := (r.Min.Y + r.Max.Y) / 2
	r.Min.Y, r.Max.Y = mid-laneBarH/2, mid+laneBarH/2
	if t.topOnly {
		c.SetLineStyle(draw.LineStyle{Color: topOnlyColor, Width: vg.Points(0.75)})
		c.Stroke(r.Path())
		return
	}
	c.SetColor(windowColor)
	c.Fill(r.Path())
	r.Max.X = r.Min.X + (r.Max.X-r.Min.X)*0.6
	c.SetColor(workColor)
	c.Fill(r.Path())
}
