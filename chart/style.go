package chart

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/patchtime/patchtime/estimate"
)

// curveStyle is how a series is drawn.
type curveStyle struct {
	color  color.NRGBA
	width  vg.Length // of its line
	shape  shape     // of its points
	radius vg.Length // of its points
	rank   int       // drawing order: 0 first (the widest of overlapping series)
}

func (s curveStyle) line() draw.LineStyle {
	return draw.LineStyle{Color: s.color, Width: s.width}
}

// band is the colour of the series' band: its own, translucent.
func (s curveStyle) band() color.NRGBA {
	c := s.color
	c.A = bandAlpha
	return c
}

func (s curveStyle) glyph() glyph {
	return glyph{shape: s.shape, fill: s.color, outline: color.White, radius: s.radius, outlineWidth: vg.Points(0.75)}
}

// text is a darker shade of the colour, for labels on white.
func (s curveStyle) text() color.NRGBA {
	c := s.color
	c.R, c.G, c.B = uint8(float64(c.R)*0.7), uint8(float64(c.G)*0.7), uint8(float64(c.B)*0.7)
	return c
}

// Line widths and point radii, points.
const (
	baseWidth  = 1.75
	baseRadius = 3.5
	maxExtra   = 5.0 // the most a nested series is wider than the narrowest
)

// styleSeries gives each series a colour and a point shape, and nests the
// series that lie on top of each other (within 2% of the time axis
// everywhere): the first of them widest and drawn first, each next one
// narrower on top of it, so that every one shows.
func styleSeries(all []*series, ymax float64) {
	parent := make([]int, len(all))
	for i := range parent {
		parent[i] = i
	}
	var root func(int) int
	root = func(i int) int {
		if parent[i] != i {
			parent[i] = root(parent[i])
		}
		return parent[i]
	}
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			if near(all[i], all[j], 0.02*ymax) {
				parent[root(j)] = root(i)
			}
		}
	}
	for i, s := range all {
		var cluster []int
		for j := range all {
			if root(j) == root(i) {
				cluster = append(cluster, j)
			}
		}
		k, rank := len(cluster), slices.Index(cluster, i)
		extra := 0.0
		if k > 1 {
			step := math.Min(1.5, maxExtra/float64(k-1))
			extra = step * float64(k-1-rank)
		}
		s.style = curveStyle{
			color:  palette[i%len(palette)],
			width:  vg.Points(baseWidth + extra),
			shape:  shapes[i%len(shapes)],
			radius: vg.Points(baseRadius + 0.9*extra),
			rank:   rank,
		}
	}
}

// near reports whether two series' lines lie within tol of each other
// wherever both are drawn.
func near(a, b *series, tol float64) bool {
	if len(a.xs) != len(b.xs) {
		return false
	}
	for k := range a.xs {
		if a.xs[k] != b.xs[k] || math.Abs(a.ys[k]-b.ys[k]) > tol {
			return false
		}
	}
	return true
}

// thumb is the series' legend swatch: its band, its line and a point,
// drawn as on the plot.
func (s *series) thumb() plot.Thumbnailer {
	t := seriesThumb{line: s.style.line(), band: s.style.band(), hasBand: false}
	for _, h := range s.highs {
		if !math.IsNaN(h) {
			t.hasBand = true
			break
		}
	}
	if len(s.points) > 0 {
		g := s.style.glyph()
		t.glyph = &g
	}
	return t
}

type seriesThumb struct {
	line    draw.LineStyle
	band    color.NRGBA
	hasBand bool
	glyph   *glyph
}

// Thumbnail draws the swatch: band, line, point.
func (t seriesThumb) Thumbnail(c *draw.Canvas) {
	if t.hasBand {
		c.SetColor(t.band)
		c.Fill(c.Rectangle.Path())
	}
	mid := (c.Min.Y + c.Max.Y) / 2
	c.StrokeLine2(t.line, c.Min.X, mid, c.Max.X, mid)
	if t.glyph != nil {
		t.glyph.draw(c, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: mid})
	}
}

// shade is the extrapolated region: spans of the hosts axis, the plot's
// full height.
type shade struct{ spans [][2]float64 }

// Plot fills the spans.
func (s shade) Plot(c draw.Canvas, p *plot.Plot) {
	tx, _ := p.Transforms(&c)
	for _, sp := range s.spans {
		x0, x1 := max(tx(sp[0]), c.Min.X), min(tx(sp[1]), c.Max.X)
		if x1 > x0 {
			c.SetColor(shadeColor)
			c.Fill(vg.Rectangle{Min: vg.Point{X: x0, Y: c.Min.Y}, Max: vg.Point{X: x1, Y: c.Max.Y}}.Path())
		}
	}
}

// shadeThumb is the legend swatch of the extrapolated region.
type shadeThumb struct{}

// Thumbnail draws the swatch: the region's grey.
func (shadeThumb) Thumbnail(c *draw.Canvas) {
	c.SetColor(shadeColor)
	c.Fill(c.Rectangle.Path())
}

// shape is a point's shape.
type shape int

const (
	circle shape = iota
	square
	triangle
	invTriangle
	pentagon
	hexagon
	diamond // the asked fleets' marks only
)

// shapes are the series' point shapes, in order; the diamond is the
// marks'.
var shapes = []shape{circle, square, triangle, invTriangle, pentagon, hexagon}

// glyph is a filled shape with an outline.
type glyph struct {
	shape        shape
	fill         color.Color
	outline      color.Color
	radius       vg.Length
	outlineWidth vg.Length
}

// path is the glyph's outline centred at pt.
func (g glyph) path(pt vg.Point) vg.Path {
	var p vg.Path
	if g.shape == circle {
		p.Move(vg.Point{X: pt.X + g.radius, Y: pt.Y})
		p.Arc(pt, g.radius, 0, 2*math.Pi)
		p.Close()
		return p
	}
	// Regular polygons, of about the circle's area.
	n, start, scale := 4, math.Pi/4, 1.25
	switch g.shape {
	case triangle:
		n, start, scale = 3, math.Pi/2, 1.45
	case invTriangle:
		n, start, scale = 3, -math.Pi/2, 1.45
	case pentagon:
		n, start, scale = 5, math.Pi/2, 1.15
	case hexagon:
		n, start, scale = 6, 0, 1.1
	case diamond:
		n, start, scale = 4, math.Pi/2, 1.35
	}
	r := float64(g.radius) * scale
	for k := 0; k < n; k++ {
		a := start + 2*math.Pi*float64(k)/float64(n)
		q := vg.Point{X: pt.X + vg.Length(r*math.Cos(a)), Y: pt.Y + vg.Length(r*math.Sin(a))}
		if k == 0 {
			p.Move(q)
		} else {
			p.Line(q)
		}
	}
	p.Close()
	return p
}

func (g glyph) draw(c *draw.Canvas, pt vg.Point) {
	path := g.path(pt)
	c.SetColor(g.fill)
	c.Fill(path)
	if g.outlineWidth > 0 {
		c.SetLineStyle(draw.LineStyle{Color: g.outline, Width: g.outlineWidth})
		c.Stroke(path)
	}
}

// pointSet draws a series' points.
type pointSet struct {
	points plotter.XYs
	glyph  glyph
}

// Plot draws the points inside c.
func (s pointSet) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, pt := range s.points {
		q := vg.Point{X: tx(pt.X), Y: ty(pt.Y)}
		if c.Contains(q) {
			s.glyph.draw(&c, q)
		}
	}
}

// The asked fleets' marks: a dark diamond with a white outline, above
// everything.
var markGlyph = glyph{shape: diamond, fill: color.NRGBA{0x1a, 0x1a, 0x1a, 0xff}, outline: color.White, radius: vg.Points(5), outlineWidth: vg.Points(1.5)}

// guideStyle is the vertical guide from the hosts axis up to a mark.
var guideStyle = draw.LineStyle{Color: color.Gray{Y: 60}, Width: vg.Points(0.75), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}

// markThumb is the legend swatch of the marks.
type markThumb struct{}

// Thumbnail draws the swatch: a guide and a mark.
func (markThumb) Thumbnail(c *draw.Canvas) {
	mid := vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2}
	c.StrokeLine2(guideStyle, mid.X, c.Min.Y, mid.X, mid.Y)
	markGlyph.draw(c, mid)
}

// markPoint is a mark placed: where, its label, its series and that
// series' colour.
type markPoint struct {
	x, y   float64
	label  string
	series int
	color  color.NRGBA
}

// markPoints places the marks on the series of their curves, each once;
// marks of curves not drawn are left out. Where every mark has the same
// number of consoles, above 1, the labels leave it out and consoles says
// it; else consoles is 0.
func markPoints(marks []Mark, all []*series, lang string) (out []markPoint, consoles int, err error) {
	w := vocab[lang]
	var ests []estimate.Estimate
	var curves []*estimate.Curve
	var owners []int
	for _, m := range marks {
		if m.Curve == nil {
			continue
		}
		i := slices.IndexFunc(all, func(s *series) bool { return slices.Contains(s.curves, m.Curve) })
		if i < 0 {
			continue
		}
		e, err := m.Curve.Estimate(m.Scenario)
		if err != nil {
			return nil, 0, fmt.Errorf("chart: mark on %s: %w", m.Curve.Series(), err)
		}
		ests, curves, owners = append(ests, e), append(curves, m.Curve), append(owners, i)
		if len(ests) == 1 {
			consoles = e.Consoles
		} else if e.Consoles != consoles {
			consoles = -1
		}
	}
	if consoles == 1 || consoles < 0 {
		consoles = 0
	}
	for k, e := range ests {
		label := fmt.Sprintf(w.mark, groupDigits(e.Hosts), duration(e.Minutes, lang))
		if e.Hosts == 1 && lang == "en" {
			label = strings.Replace(label, "hosts", "host", 1)
		}
		if consoles == 0 && e.Consoles > 1 {
			label = fmt.Sprintf(w.markConsoles, groupDigits(e.Hosts), e.Consoles, duration(e.Minutes, lang))
		}
		mp := markPoint{x: curves[k].Load(e.Scenario), y: e.Minutes, label: label, series: owners[k]}
		if !slices.Contains(out, mp) {
			out = append(out, mp)
		}
	}
	return out, consoles, nil
}

// textScale is how much the chart's layout scaled p's text (see layout):
// the plotters draw their labels as much smaller.
func textScale(p *plot.Plot) float64 {
	if s := float64(p.Y.Tick.Label.Font.Size) / tickSize; s > 0 {
		return s
	}
	return 1
}

// markSet draws the marks, with guides and labels when there are few.
type markSet struct {
	marks  []markPoint
	labels bool
	style  text.Style
	window float64 // minutes, a line no label may cross; 0 for none
}

// Plot draws the guides, the marks, then the labels, each label beside
// its mark where it overlaps no other label or mark.
func (m markSet) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	pts := make([]vg.Point, len(m.marks))
	for i, mk := range m.marks {
		pts[i] = vg.Point{X: tx(mk.x), Y: ty(mk.y)}
	}
	if m.labels {
		for _, pt := range pts {
			c.StrokeLine2(guideStyle, pt.X, c.Min.Y, pt.X, pt.Y)
		}
	}
	for _, pt := range pts {
		if c.Contains(pt) {
			markGlyph.draw(&c, pt)
		}
	}
	if !m.labels {
		return
	}
	// Labels from the top mark down; marks of several series at the same
	// spot with the same label (equal estimates) share one, in black.
	var order []int
	colors := make([]color.NRGBA, len(pts))
	for i, mk := range m.marks {
		colors[i] = darker(mk.color)
		j := slices.IndexFunc(order, func(j int) bool {
			return m.marks[j].label == mk.label && math.Abs(float64(pts[j].X-pts[i].X)) < 3 && math.Abs(float64(pts[j].Y-pts[i].Y)) < 3
		})
		if j >= 0 {
			colors[order[j]] = color.NRGBA{0x1a, 0x1a, 0x1a, 0xff}
			continue
		}
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(float64(pts[b].Y), float64(pts[a].Y)) })
	r := markGlyph.radius*1.35 + markGlyph.outlineWidth
	var taken []vg.Rectangle
	for _, pt := range pts {
		taken = append(taken, vg.Rectangle{Min: vg.Point{X: pt.X - r, Y: pt.Y - r}, Max: vg.Point{X: pt.X + r, Y: pt.Y + r}})
	}
	if m.window > 0 {
		y := ty(m.window)
		taken = append(taken, vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: y - 2}, Max: vg.Point{X: c.Max.X, Y: y + 2}})
	}
	const pad = 2
	for _, i := range order {
		mk, pt := m.marks[i], pts[i]
		sty := scaled(m.style, textScale(p))
		sty.Color = colors[i]
		sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
		box := sty.Rectangle(mk.label)
		w, h := box.Size().X+2*pad, box.Size().Y+2*pad
		var at vg.Rectangle
		found, far := false, false
		for step := 0; step < 12 && !found; step++ {
			far = step > 0
			dy := vg.Length(step) * (h + 1)
			for _, corner := range []vg.Point{
				{X: pt.X - r - 2 - w, Y: pt.Y + 1 + dy},     // left, above the line
				{X: pt.X + r + 2, Y: pt.Y - h - 1 - dy},     // right, below the line
				{X: pt.X - r - 2 - w, Y: pt.Y - h - 1 - dy}, // left, lower
				{X: pt.X + r + 2, Y: pt.Y + 1 + dy},         // right, higher
			} {
				rect := vg.Rectangle{Min: corner, Max: vg.Point{X: corner.X + w, Y: corner.Y + h}}
				if inside(rect, c.Rectangle) && !overlapsAny(rect, taken) {
					at, found = rect, true
					break
				}
			}
		}
		if !found {
			continue
		}
		taken = append(taken, at)
		if far {
			// A leader from the mark to the nearest point of its label.
			q := vg.Point{X: min(max(pt.X, at.Min.X), at.Max.X), Y: min(max(pt.Y, at.Min.Y), at.Max.Y)}
			c.StrokeLine2(draw.LineStyle{Color: sty.Color, Width: vg.Points(0.6)}, pt.X, pt.Y, q.X, q.Y)
			markGlyph.draw(&c, pt)
		}
		c.SetColor(color.NRGBA{255, 255, 255, 200})
		c.Fill(at.Path())
		c.FillText(sty, vg.Point{X: at.Min.X + pad - box.Min.X, Y: at.Min.Y + pad - box.Min.Y}, mk.label)
	}
}

func darker(c color.NRGBA) color.NRGBA {
	return curveStyle{color: c}.text()
}

func inside(r, outer vg.Rectangle) bool {
	return r.Min.X >= outer.Min.X && r.Min.Y >= outer.Min.Y && r.Max.X <= outer.Max.X && r.Max.Y <= outer.Max.Y
}

func overlapsAny(r vg.Rectangle, others []vg.Rectangle) bool {
	for _, o := range others {
		if r.Min.X < o.Max.X && o.Min.X < r.Max.X && r.Min.Y < o.Max.Y && o.Min.Y < r.Max.Y {
			return true
		}
	}
	return false
}

// windowStyle is the maintenance window's line.
var windowStyle = draw.LineStyle{Color: color.NRGBA{0x99, 0x00, 0x00, 0xff}, Width: vg.Points(1.25), Dashes: []vg.Length{vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)}}

// windowLine is the maintenance window: a line across the plot at its
// length, labelled at the right.
type windowLine struct {
	minutes float64
	label   string
	style   text.Style
}

// Plot draws the line and its label, at the left above it.
func (wl windowLine) Plot(c draw.Canvas, p *plot.Plot) {
	_, ty := p.Transforms(&c)
	y := ty(wl.minutes)
	if y < c.Min.Y || y > c.Max.Y {
		return
	}
	c.StrokeLine2(windowStyle, c.Min.X, y, c.Max.X, y)
	sty := scaled(wl.style, textScale(p))
	sty.Color = windowStyle.Color
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
	box := sty.Rectangle(wl.label)
	const pad = 2
	at := vg.Rectangle{Min: vg.Point{X: c.Min.X + 6, Y: y + 2}}
	at.Max = vg.Point{X: at.Min.X + box.Size().X + 2*pad, Y: at.Min.Y + box.Size().Y + 2*pad}
	if at.Max.Y > c.Max.Y { // no room above: below
		at.Min.Y, at.Max.Y = y-2-(at.Max.Y-at.Min.Y), y-2
	}
	c.SetColor(color.NRGBA{255, 255, 255, 225})
	c.Fill(at.Path())
	c.FillText(sty, vg.Point{X: at.Min.X + pad - box.Min.X, Y: at.Min.Y + pad - box.Min.Y}, wl.label)
}

// windowThumb is the legend swatch of the window.
type windowThumb struct{}

// Thumbnail draws the swatch: the window's line.
func (windowThumb) Thumbnail(c *draw.Canvas) {
	mid := (c.Min.Y + c.Max.Y) / 2
	c.StrokeLine2(windowStyle, c.Min.X, mid, c.Max.X, mid)
}
