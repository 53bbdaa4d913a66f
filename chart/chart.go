// Package chart draws rollout curves with gonum/plot: the published points,
// the fitted curve, its prediction interval as a band, the extrapolated
// region shaded, and the fleets asked for marked, with a title above and
// a legend below the plot. It is a package of its own so that a planning
// tool importing estimate does not pull in plotting and fonts.
//
// Curves with the same points and the same fitted line (a bulletin often
// prints one table for several platforms) are drawn once, and their legend
// entry names them all. Curves that differ but lie on top of each other
// are drawn nested, the first widest, so that each stays visible.
//
// Labels are in English or Japanese (Options.Lang). Japanese needs a font
// with Japanese glyphs, which the bundled Liberation fonts lack: FindFont
// looks for one ($PATCHTIME_FONT, then the usual system paths). Without
// one, a chart asked in Japanese is labelled in English, and names are
// shown as Printable makes them.
//
// Timeline draws a rollout's calendar (a plan.Schedule) the same way:
// the hosts done over the calendar's dates, on the estimate and on the
// top of the interval, with the windows, rings and soaks marked.
package chart

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/patchtime/patchtime/estimate"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DPI is the resolution at which sizes in pixels are drawn: a PNG of
// width W pixels, an SVG of width W×72/96 points (W CSS pixels).
const DPI = 96

// Limits on the size of a picture, pixels.
const (
	MinSize = 100
	MaxSize = 10000
)

// MaxLabels is the most marks that are labelled with their hosts and
// estimate, and given a vertical guide; more (a sweep) are marked only.
const MaxLabels = 8

// samples is the number of points each curve and band is drawn with.
const samples = 200

// Options say what to draw.
type Options struct {
	Title    string  // title above the plot; "" for Title's
	MaxHosts int     // right end of the hosts axis, hosts per console; 0 for 1.2 times the data's largest fleet
	Marks    []Mark  // estimates to mark, e.g. those asked for
	Window   float64 // a maintenance window, minutes, drawn as a horizontal line; 0 for none
	Lang     string  // language of the labels: "en" (or "") or "ja"; Japanese needs a font that has it (see Font)
	Rollout  bool    // the curves are the parts of one rollout, run one after another (a bundle or a mixed fleet); for the title
	Fleet    string  // a mixed fleet as asked, e.g. "XP=3000, 2000=800"; for the title
	// Font is the font of all text. nil means the bundled Liberation
	// Sans, or FindFont's font where some text needs characters it lacks
	// (Japanese labels or names), if FindFont finds one.
	Font *Font
}

// Mark is an estimate to mark on its curve: a diamond at the curve's load
// for the scenario (see estimate.Curve.Load) and its estimate, labelled
// with the hosts (and consoles) and the estimate.
type Mark struct {
	Curve    *estimate.Curve
	Scenario estimate.Scenario
}

// Chart is a picture of rollout curves (New) or of a rollout's calendar
// (Timeline): a plot, with its title above it and its legend below it,
// laid out when drawn (Draw, Write). A Chart is not modified by drawing
// it.
type Chart struct {
	Plot   *plot.Plot // the axes and the data; its own title and legend are empty (the chart draws them)
	Title  string     // the title as drawn, before it is wrapped to the width
	Legend []Entry    // the legend's entries, in order
	Lang   string     // the labels' language: Options.Lang, or "en" where the font has no Japanese
	Font   *Font      // the font of all text

	title, legend text.Style
	tl            *timeline // a timeline's data; nil for a chart of curves
}

// Entry is one entry of a chart's legend.
type Entry struct {
	Text   string            // the label as drawn, before it is wrapped
	Curves []*estimate.Curve // the curves it stands for: several where identical curves are drawn once; nil for other entries (and on a timeline)
	Thumb  plot.Thumbnailer  // its swatch, drawn as what it labels is drawn; nil for a line of text
}

// Text sizes, points.
const (
	titleSize  = 13
	labelSize  = 11
	tickSize   = 9.5
	legendSize = 10
	markSize   = 9
)

// palette are the curves' colours: Okabe and Ito's, which people with
// colour-blindness tell apart, in an order that keeps neighbours apart.
var palette = []color.NRGBA{
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xD5, 0x5E, 0x00, 0xff}, // vermilion
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	{0xE6, 0x9F, 0x00, 0xff}, // orange
	{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	{0x8C, 0x56, 0x4B, 0xff}, // brown
	{0x7F, 0x7F, 0x7F, 0xff}, // grey
}

// bandAlpha is the opacity of a band, of 255.
const bandAlpha = 56

// shadeColor is the extrapolated region's.
var shadeColor = color.Gray{Y: 235}

// series is what is drawn of one curve, or of identical curves once.
type series struct {
	curves []*estimate.Curve
	lo, hi int       // data range, hosts per console
	xs     []float64 // sampled loads
	ys     []float64 // estimates there, minutes
	lows   []float64 // interval there; NaN where unbounded
	highs  []float64
	points plotter.XYs
	style  curveStyle
}

// New draws the curves on one chart: hosts per console across, time up.
// Each curve gets a colour, a point shape, its published points, its
// fitted line (dashed where extrapolated) and its prediction interval as
// a band; fleets outside the data are shaded grey. It fails when there
// is no curve or the language is neither "en" nor "ja".
func New(curves []*estimate.Curve, o Options) (*Chart, error) {
	if len(curves) == 0 {
		return nil, errors.New("chart: no curve to draw")
	}
	if slices.Contains(curves, nil) {
		return nil, errors.New("chart: a nil curve")
	}
	lang, err := checkLang(o.Lang)
	if err != nil {
		return nil, err
	}
	texts := []string{o.Title, o.Fleet}
	for _, c := range curves {
		texts = append(texts, curveName(c, "en"))
	}
	fnt, lang := chooseFont(o.Font, lang, texts...)
	w := vocab[lang]

	// The hosts axis: the data, the marks, and a margin.
	xmax, dataMin, dataMax := float64(o.MaxHosts), math.Inf(1), 0.0
	for _, c := range curves {
		lo, hi := c.DataRange()
		dataMin, dataMax = math.Min(dataMin, float64(lo)), math.Max(dataMax, float64(hi))
	}
	for _, m := range o.Marks {
		if m.Curve == nil {
			continue
		}
		if x := m.Curve.Load(m.Scenario); !math.IsNaN(x) {
			xmax = math.Max(xmax, 1.05*x)
		}
	}
	if xmax <= 0 {
		xmax = 1.2 * dataMax
	}
	xmax = min(math.Max(xmax, 1.2*dataMax), estimate.MaxHosts)

	// Sample every curve; identical ones make one series.
	var all []*series
	for _, c := range curves {
		s, err := sample(c, xmax)
		if err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(all, func(t *series) bool { return same(t, s) }); i >= 0 {
			all[i].curves = append(all[i].curves, c)
			continue
		}
		all = append(all, s)
	}
	ymax := 0.0
	for _, s := range all {
		for k := range s.xs {
			ymax = math.Max(ymax, s.ys[k])
			if !math.IsNaN(s.highs[k]) {
				ymax = math.Max(ymax, s.highs[k])
			}
		}
	}
	marks, consoles, err := markPoints(o.Marks, all, lang)
	if err != nil {
		return nil, err
	}
	for _, m := range marks {
		ymax = math.Max(ymax, m.y)
	}
	ymax = math.Max(ymax, o.Window)
	if ymax <= 0 {
		ymax = 1
	}
	styleSeries(all, ymax)
	for k := range marks {
		marks[k].color = all[marks[k].series].style.color
	}

	ch, p, styled := newChart(lang, fnt)
	p.X.Label.Text = w.hosts
	p.Y.Label.Text = w.time
	p.X.Tick.Marker = numberTicks{}
	p.Y.Tick.Marker = timeTicks{lang: lang, most: 8}

	// Behind everything: the extrapolated region, then the grid.
	var spans [][2]float64
	for _, span := range [][2]float64{{0, dataMin}, {dataMax, xmax}} {
		if span[1] > span[0] {
			spans = append(spans, span)
		}
	}
	if len(spans) > 0 {
		p.Add(shade{spans})
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = color.Gray{Y: 200}, color.Gray{Y: 200}
	p.Add(grid)

	// Bands, then lines (widest first), then points: no band hides a line.
	order := slices.Clone(all)
	slices.SortStableFunc(order, func(a, b *series) int { return a.style.rank - b.style.rank })
	bands, extrapolated := false, false
	for _, s := range all {
		if poly := s.band(); poly != nil {
			p.Add(poly)
			bands = true
		}
	}
	for _, s := range order {
		lines, dashed := s.lines()
		extrapolated = extrapolated || dashed
		for _, l := range lines {
			p.Add(l)
		}
	}
	dots := false
	for _, s := range order {
		if len(s.points) > 0 {
			p.Add(pointSet{s.points, s.style.glyph()})
			dots = true
		}
	}
	if o.Window > 0 {
		p.Add(windowLine{minutes: o.Window, label: Printable(fmt.Sprintf(w.window, shortDuration(o.Window, lang)), fnt), style: styled(text.Style{Color: color.Black}, markSize)})
	}
	if len(marks) > 0 {
		p.Add(markSet{marks: marks, labels: len(marks) <= MaxLabels, style: styled(text.Style{Color: color.Black}, markSize), window: o.Window})
	}
	p.X.Min, p.X.Max = 0, xmax
	p.Y.Min, p.Y.Max = 0, 1.06*ymax
	if o.Window > 0 {
		p.Y.Max = math.Max(p.Y.Max, 1.12*o.Window) // room for its label above it
	}

	// The legend: each series, then what the other marks are, then a
	// line saying how to read a curve.
	for _, s := range all {
		ch.Legend = append(ch.Legend, Entry{Text: Printable(groupName(s.curves, lang), fnt), Curves: slices.Clone(s.curves), Thumb: s.thumb()})
	}
	if len(spans) > 0 {
		ch.Legend = append(ch.Legend, Entry{Text: Printable(fmt.Sprintf(w.extrapolated, int(dataMin), int(dataMax)), fnt), Thumb: shadeThumb{}})
	}
	if len(marks) > 0 {
		asked := w.asked
		if consoles > 0 {
			asked = fmt.Sprintf(w.askedConsoles, consoles)
		}
		ch.Legend = append(ch.Legend, Entry{Text: Printable(asked, fnt), Thumb: markThumb{}})
	}
	if o.Window > 0 {
		ch.Legend = append(ch.Legend, Entry{Text: Printable(fmt.Sprintf(w.window, shortDuration(o.Window, lang)), fnt), Thumb: windowThumb{}})
	}
	key := w.keyLine
	if extrapolated {
		key += w.keyExtra
	}
	if bands {
		key += w.keySep + fmt.Sprintf(w.keyBand, percent(curves[0].Level()))
	}
	if dots {
		key += w.keySep + w.keyPoints
	}
	ch.Legend = append(ch.Legend, Entry{Text: Printable(key, fnt)})

	ch.Title = o.Title
	if ch.Title == "" {
		to := o
		to.Lang = lang
		ch.Title = Title(curves, to)
	}
	ch.Title = Printable(ch.Title, fnt)
	ch.Plot = p
	return ch, nil
}

// checkLang returns the language asked, "" meaning "en"; it fails on any
// but "en" and "ja".
func checkLang(lang string) (string, error) {
	switch lang {
	case "", "en":
		return "en", nil
	case "ja":
		return "ja", nil
	}
	return "", fmt.Errorf("chart: language %q: want en or ja", lang)
}

// chooseFont returns the font of a chart in lang whose text includes
// texts: f when not nil, else the bundled one unless Japanese or some
// text needs another that FindFont finds; and the language the font can
// label in (English where it has no Japanese).
func chooseFont(f *Font, lang string, texts ...string) (*Font, string) {
	if f == nil {
		f = DefaultFont()
		if lang == "ja" || !f.CanDraw(strings.Join(texts, "")) {
			if found := FindFont(); found != nil {
				f = found
			}
		}
	}
	if lang == "ja" && !f.CanDraw(japaneseGlyphs) {
		lang = "en"
	}
	return f, lang
}

// newChart starts a chart in lang and fnt: its plot with the text of its
// axes in the font at the chart's sizes, an empty legend (the chart draws
// its own), its title and legend styles; styled gives a style the font
// at a size.
func newChart(lang string, fnt *Font) (ch *Chart, p *plot.Plot, styled func(text.Style, vg.Length) text.Style) {
	ch = &Chart{Lang: lang, Font: fnt}
	handler := text.Plain{Fonts: font.NewCache(fnt.coll)}
	styled = func(sty text.Style, size vg.Length) text.Style {
		sty.Font = font.From(fnt.desc, size)
		sty.Handler = handler
		return sty
	}
	p = plot.New()
	p.TextHandler = handler
	p.X.Label.TextStyle = styled(p.X.Label.TextStyle, labelSize)
	p.Y.Label.TextStyle = styled(p.Y.Label.TextStyle, labelSize)
	p.X.Tick.Label = styled(p.X.Tick.Label, tickSize)
	p.Y.Tick.Label = styled(p.Y.Tick.Label, tickSize)
	p.Legend = plot.NewLegend() // empty: the chart draws its own, below
	ch.title = styled(text.Style{Color: color.Black}, titleSize)
	ch.legend = styled(text.Style{Color: color.Black}, legendSize)
	return ch, p, styled
}

// sample evaluates c at samples loads from 0 to xmax, and at the ends of
// its data.
func sample(c *estimate.Curve, xmax float64) (*series, error) {
	s := &series{curves: []*estimate.Curve{c}}
	s.lo, s.hi = c.DataRange()
	hosts := []int{s.lo, s.hi}
	for k := 0; k <= samples; k++ {
		hosts = append(hosts, max(1, int(math.Round(xmax*float64(k)/samples))))
	}
	slices.Sort(hosts)
	hosts = slices.Compact(hosts)
	for _, h := range hosts {
		if h < 1 || float64(h) > math.Max(xmax, 1) {
			continue
		}
		e, err := c.Estimate(estimate.Scenario{Hosts: h})
		if err != nil {
			return nil, fmt.Errorf("chart: %s: %w", c.Series(), err)
		}
		high, low := e.High, e.Low
		if math.IsInf(high, 1) {
			high, low = math.NaN(), math.NaN()
		}
		s.xs = append(s.xs, float64(h))
		s.ys = append(s.ys, e.Minutes)
		s.lows = append(s.lows, low)
		s.highs = append(s.highs, high)
	}
	loads, points := c.PointLoads(), c.Points()
	for k, x := range loads {
		s.points = append(s.points, plotter.XY{X: x, Y: points[k].Minutes})
	}
	slices.SortFunc(s.points, func(a, b plotter.XY) int {
		if a.X != b.X {
			return cmpFloat(a.X, b.X)
		}
		return cmpFloat(a.Y, b.Y)
	})
	return s, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// same reports whether two sampled curves draw the same picture: the same
// data range, the same points, and the same line and band.
func same(a, b *series) bool {
	if a.lo != b.lo || a.hi != b.hi || len(a.xs) != len(b.xs) || !slices.Equal(a.points, b.points) {
		return false
	}
	eq := func(x, y float64) bool {
		if math.IsNaN(x) || math.IsNaN(y) {
			return math.IsNaN(x) && math.IsNaN(y)
		}
		return math.Abs(x-y) <= 1e-9*(1+math.Abs(x))
	}
	for k := range a.xs {
		if a.xs[k] != b.xs[k] || !eq(a.ys[k], b.ys[k]) || !eq(a.lows[k], b.lows[k]) || !eq(a.highs[k], b.highs[k]) {
			return false
		}
	}
	return true
}

// band is the series' interval as a polygon: along the low bound, back
// along the high one; nil where the data cannot bound it.
func (s *series) band() *plotter.Polygon {
	var low, high plotter.XYs
	for k, x := range s.xs {
		if !math.IsNaN(s.highs[k]) {
			low = append(low, plotter.XY{X: x, Y: s.lows[k]})
			high = append(high, plotter.XY{X: x, Y: s.highs[k]})
		}
	}
	if len(high) < 2 {
		return nil
	}
	for k := len(high) - 1; k >= 0; k-- {
		low = append(low, high[k])
	}
	poly, err := plotter.NewPolygon(low)
	if err != nil {
		return nil
	}
	poly.Color = s.style.band()
	poly.LineStyle.Width = 0
	return poly
}

// lines are the series' fitted line: solid over the data, dashed left and
// right of it; dashed reports whether there is a dashed part.
func (s *series) lines() (lines []*plotter.Line, dashed bool) {
	var left, inside, right plotter.XYs
	for k, x := range s.xs {
		pt := plotter.XY{X: x, Y: s.ys[k]}
		h := int(x)
		if h <= s.lo {
			left = append(left, pt)
		}
		if h >= s.lo && h <= s.hi {
			inside = append(inside, pt)
		}
		if h >= s.hi {
			right = append(right, pt)
		}
	}
	for k, part := range []plotter.XYs{left, inside, right} {
		if len(part) < 2 {
			continue
		}
		l, err := plotter.NewLine(part)
		if err != nil {
			continue
		}
		l.LineStyle = s.style.line()
		if k != 1 {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			dashed = true
		}
		lines = append(lines, l)
	}
	return lines, dashed
}

// Draw draws the chart on c: the title at the top, the legend at the
// bottom, the plot between them.
func (ch *Chart) Draw(c draw.Canvas) {
	l := ch.layout(c)
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	for i, line := range l.title {
		sty := l.titleStyle
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		c.FillText(sty, vg.Point{X: (l.titleRect.Min.X + l.titleRect.Max.X) / 2, Y: l.titleRect.Max.Y - vg.Length(i)*l.titleLine}, line)
	}
	l.plot.Draw(l.plotArea)
	sty := l.legendStyle
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
	for _, cell := range l.cells {
		if cell.entry.Thumb != nil {
			tc := draw.Canvas{Canvas: c.Canvas, Rectangle: cell.thumb}
			cell.entry.Thumb.Thumbnail(&tc)
		}
		for i, line := range cell.lines {
			c.FillText(sty, vg.Point{X: cell.text.Min.X, Y: cell.text.Max.Y - vg.Length(i)*l.legendLine}, line)
		}
	}
}

// Layout is where the parts of a chart lie on a canvas, points from its
// bottom left corner.
type Layout struct {
	Title   vg.Rectangle   // the title's lines; empty when there is none
	Axes    vg.Rectangle   // the plot: data, axes, their ticks and labels
	Data    vg.Rectangle   // the area the data are drawn in, inside the axes
	Legend  vg.Rectangle   // the legend's entries, all of them; empty when none fits
	Entries []vg.Rectangle // each entry drawn, swatch and text, in order; entries that do not fit (a small picture) are left out
}

// Layout returns where Draw draws the chart's parts on c.
func (ch *Chart) Layout(c draw.Canvas) Layout {
	l := ch.layout(c)
	out := Layout{Title: l.titleRect, Axes: l.plotArea.Rectangle, Data: l.plot.DataCanvas(l.plotArea).Rectangle}
	for i, cell := range l.cells {
		r := cell.text
		if cell.entry.Thumb != nil {
			r = union(r, cell.thumb)
		}
		out.Entries = append(out.Entries, r)
		if i == 0 {
			out.Legend = r
		} else {
			out.Legend = union(out.Legend, r)
		}
	}
	return out
}

func union(a, b vg.Rectangle) vg.Rectangle {
	return vg.Rectangle{
		Min: vg.Point{X: min(a.Min.X, b.Min.X), Y: min(a.Min.Y, b.Min.Y)},
		Max: vg.Point{X: max(a.Max.X, b.Max.X), Y: max(a.Max.Y, b.Max.Y)},
	}
}

// Geometry, points.
const (
	margin    = 8  // around the picture
	gap       = 8  // between the title, the plot and the legend
	thumbW    = 28 // a swatch's width
	thumbH    = 12 // and height
	thumbGap  = 5  // between a swatch and its text
	colGap    = 16 // between columns
	rowGap    = 4  // between rows
	maxLegend = 0.4
)

// The size the text sizes are for, points (800×500 pixels); smaller
// pictures get smaller text, down to minScale.
const (
	fullWidth, fullHeight = 600, 375
	minScale              = 0.6
)

type layout struct {
	scale                   float64
	plot                    *plot.Plot // a copy of the chart's, its text scaled
	plotArea                draw.Canvas
	title                   []string // wrapped to the width
	titleRect               vg.Rectangle
	titleStyle, legendStyle text.Style
	titleLine, legendLine   vg.Length // line heights
	cells                   []cell
}

type cell struct {
	entry       Entry
	lines       []string
	thumb, text vg.Rectangle
}

// scaled returns sty with its font scaled by s.
func scaled(sty text.Style, s float64) text.Style {
	sty.Font.Size = vg.Length(float64(sty.Font.Size) * s)
	return sty
}

// layout wraps the title to the width at the top of c, places the legend
// at the bottom in as many columns as its widest entry allows, and gives
// the plot what is left. Text is scaled down on pictures smaller than
// 800×500 pixels. The legend takes at most 40% of the height; entries
// past that are left out.
func (ch *Chart) layout(c draw.Canvas) layout {
	inner := draw.Crop(c, margin, -margin, margin, -margin)
	width, height := inner.Size().X, inner.Size().Y
	var out layout
	out.scale = math.Max(minScale, math.Min(1, math.Min(float64(c.Size().X)/fullWidth, float64(c.Size().Y)/fullHeight)))
	p := *ch.Plot
	p.X.Label.TextStyle = scaled(p.X.Label.TextStyle, out.scale)
	p.Y.Label.TextStyle = scaled(p.Y.Label.TextStyle, out.scale)
	p.X.Tick.Label = scaled(p.X.Tick.Label, out.scale)
	p.Y.Tick.Label = scaled(p.Y.Tick.Label, out.scale)
	p.Title.Text = ""
	out.plot = &p
	out.titleStyle = scaled(ch.title, out.scale)
	out.legendStyle = scaled(ch.legend, out.scale)
	out.titleLine = out.titleStyle.FontExtents().Height
	out.legendLine = out.legendStyle.FontExtents().Height

	top := inner.Max.Y
	if ch.Title != "" {
		out.title = wrap(ch.Title, out.titleStyle, width)
		h := vg.Length(len(out.title)) * out.titleLine
		out.titleRect = vg.Rectangle{Min: vg.Point{X: inner.Min.X, Y: top - h}, Max: vg.Point{X: inner.Max.X, Y: top}}
		top -= h + gap
	}

	type sized struct {
		entry Entry
		lines []string
		w, h  vg.Length
	}
	lh, sty := out.legendLine, out.legendStyle
	var swatches, texts []sized
	for _, en := range ch.Legend {
		if en.Thumb == nil {
			lines := wrap(en.Text, sty, width)
			texts = append(texts, sized{en, lines, width, vg.Length(len(lines)) * lh})
			continue
		}
		lines := wrap(en.Text, sty, max(width-thumbW-thumbGap, 1))
		w := vg.Length(0)
		for _, line := range lines {
			w = max(w, sty.Width(line))
		}
		swatches = append(swatches, sized{en, lines, thumbW + thumbGap + w, max(thumbH, vg.Length(len(lines))*lh)})
	}
	// A grid whose columns fit the entries narrower than half the width;
	// a wider entry spans columns.
	colW := vg.Length(0)
	for _, s := range swatches {
		if s.w <= (width-colGap)/2 {
			colW = max(colW, s.w)
		}
	}
	if colW == 0 {
		colW = width
	}
	cols := max(1, int((width+colGap)/(colW+colGap)))
	var rows [][]sized
	var spans [][]int // each row's entries' first columns
	used := cols
	for _, s := range swatches {
		span := min(cols, int(math.Ceil(float64((s.w+colGap)/(colW+colGap)))))
		if used+span > cols {
			rows, spans, used = append(rows, nil), append(spans, nil), 0
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], s)
		spans[len(spans)-1] = append(spans[len(spans)-1], used)
		used += span
	}
	for _, t := range texts {
		rows, spans = append(rows, []sized{t}), append(spans, []int{0})
	}
	var kept [][]sized
	legendH := vg.Length(0)
	for _, row := range rows {
		h := vg.Length(0)
		for _, s := range row {
			h = max(h, s.h)
		}
		if legendH+h > maxLegend*height {
			break
		}
		kept = append(kept, row)
		legendH += h + rowGap
	}
	// Rows from the top of the legend down; y is the top of the row.
	y := inner.Min.Y + legendH - rowGap
	for r, row := range kept {
		h := vg.Length(0)
		for k, s := range row {
			h = max(h, s.h)
			x := inner.Min.X + vg.Length(spans[r][k])*(colW+colGap)
			cl := cell{entry: s.entry, lines: s.lines}
			textX := x
			if s.entry.Thumb != nil {
				// The swatch beside the first line of text.
				mid := y - lh/2
				cl.thumb = vg.Rectangle{Min: vg.Point{X: x, Y: mid - thumbH/2}, Max: vg.Point{X: x + thumbW, Y: mid + thumbH/2}}
				textX += thumbW + thumbGap
			}
			tw := vg.Length(0)
			for _, line := range s.lines {
				tw = max(tw, sty.Width(line))
			}
			cl.text = vg.Rectangle{Min: vg.Point{X: textX, Y: y - vg.Length(len(s.lines))*lh}, Max: vg.Point{X: textX + tw, Y: y}}
			out.cells = append(out.cells, cl)
		}
		y -= h + rowGap
	}
	bottom := inner.Min.Y
	if len(kept) > 0 {
		bottom += legendH - rowGap + gap
	}
	out.plotArea = draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{Min: vg.Point{X: inner.Min.X, Y: bottom}, Max: vg.Point{X: inner.Max.X, Y: max(top, bottom)}}}
	// As many time ticks as the height has room for, a label every three
	// lines of tick text or more.
	room := out.plotArea.Size().Y - 3*p.X.Tick.Label.Font.Size - p.X.Label.TextStyle.Font.Size
	if p.Y.Label.TextStyle.Width(p.Y.Label.Text) > p.DataCanvas(out.plotArea).Size().Y {
		p.Y.Label.Text = "" // longer than the axis: its ticks say it is time
	}
	if _, ok := p.Y.Tick.Marker.(timeTicks); ok {
		p.Y.Tick.Marker = timeTicks{lang: ch.Lang, most: min(8, max(2, int(room/(3*p.Y.Tick.Label.Font.Size))))}
	}
	if ch.tl != nil {
		// Room below the hosts axis' 0 for the windows' lane.
		lane := vg.Length(ch.tl.lane() * out.scale)
		if h := p.DataCanvas(out.plotArea).Size().Y; h > 2*lane {
			p.Y.Min = -p.Y.Max * float64(lane/(h-lane))
		}
	}
	if ct, ok := p.X.Tick.Marker.(calendarTicks); ok {
		// As many date labels as the width has room for.
		ct.width = p.DataCanvas(out.plotArea).Size().X
		ct.style = p.X.Tick.Label
		p.X.Tick.Marker = ct
	}
	return out
}

// Write draws ch at width × height pixels (at DPI) to w, as "png" or
// "svg". An SVG names its font and does not embed it: the viewer's
// machine draws the text with that font, or one like it.
func Write(w io.Writer, ch *Chart, format string, width, height int) (err error) {
	if width < MinSize || width > MaxSize || height < MinSize || height > MaxSize {
		return fmt.Errorf("chart: size %d×%d pixels: want %d to %d each way", width, height, MinSize, MaxSize)
	}
	pw := vg.Length(width) * vg.Inch / DPI
	ph := vg.Length(height) * vg.Inch / DPI
	var c vg.CanvasWriterTo
	switch format {
	case "png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(pw, ph), vgimg.UseDPI(DPI))}
	case "svg":
		c = vgsvg.New(pw, ph)
	default:
		return fmt.Errorf("chart: format %q: want png or svg", format)
	}
	defer func() {
		// A font that measured well when loaded and fails while drawing.
		if r := recover(); r != nil {
			err = fmt.Errorf("chart: drawing with %s: %v", ch.Font, r)
		}
	}()
	ch.Draw(draw.New(c))
	_, err = c.WriteTo(w)
	return err
}
