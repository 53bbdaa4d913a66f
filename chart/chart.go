// Package chart draws rollout curves with gonum/plot: the published points,
// the fitted curve, its prediction interval as a band, and the
// extrapolated region shaded. It is a package of its own so that a planning
// tool importing estimate does not pull in plotting and fonts.
package chart

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/patchtime/patchtime/estimate"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
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

// samples is the number of points each curve and band is drawn with.
const samples = 200

// Options say what to draw.
type Options struct {
	Title    string // title above the plot; empty for none
	MaxHosts int    // right end of the hosts axis; 0 for 1.2 times the data's largest fleet
	Marks    []Mark // estimates to mark, e.g. those asked for
}

// Mark is an estimate to mark on its curve: a cross at the curve's load
// for the scenario (see estimate.Curve.Load) and its estimate.
type Mark struct {
	Curve    *estimate.Curve
	Scenario estimate.Scenario
}

// New draws the curves on one plot: hosts on one console across, minutes
// up. Each curve gets a colour, its published points, its fitted line, and
// its prediction interval as a band; fleets outside the data are shaded
// grey and the line is dashed there. It fails when there is no curve.
func New(curves []*estimate.Curve, o Options) (*plot.Plot, error) {
	if len(curves) == 0 {
		return nil, errors.New("chart: no curve to draw")
	}
	p := plot.New()
	p.Title.Text = o.Title
	p.X.Label.Text = "hosts (per console)"
	p.Y.Label.Text = "minutes"
	p.Legend.Top = true
	p.Legend.Left = true

	xmax, dataMin, dataMax := float64(o.MaxHosts), math.Inf(1), 0.0
	for _, c := range curves {
		lo, hi := c.DataRange()
		dataMin, dataMax = math.Min(dataMin, float64(lo)), math.Max(dataMax, float64(hi))
	}
	for _, m := range o.Marks {
		if x := m.Curve.Load(m.Scenario); !math.IsNaN(x) {
			xmax = math.Max(xmax, 1.05*x)
		}
	}
	if xmax <= 0 {
		xmax = 1.2 * dataMax
	}
	xmax = min(math.Max(xmax, 1.2*dataMax), estimate.MaxHosts)

	// The extrapolated region, shaded, behind everything else.
	var ymax float64
	for _, c := range curves {
		if e, err := c.Estimate(estimate.Scenario{Hosts: max(1, int(xmax))}); err == nil {
			ymax = math.Max(ymax, e.Minutes)
			if !math.IsInf(e.High, 1) {
				ymax = math.Max(ymax, e.High)
			}
		}
	}
	for _, span := range [][2]float64{{0, dataMin}, {dataMax, xmax}} {
		if span[1] > span[0] && ymax > 0 {
			shade, err := plotter.NewPolygon(plotter.XYs{{X: span[0], Y: 0}, {X: span[1], Y: 0}, {X: span[1], Y: ymax}, {X: span[0], Y: ymax}})
			if err != nil {
				return nil, err
			}
			shade.Color = color.Gray{Y: 235}
			shade.LineStyle.Width = 0
			p.Add(shade)
		}
	}
	if dataMax < xmax {
		p.Legend.Add(fmt.Sprintf("extrapolated (outside %g–%g hosts)", dataMin, dataMax), shadeThumb{})
	}
	p.Add(plotter.NewGrid())

	for i, c := range curves {
		if err := drawCurve(p, c, i, xmax); err != nil {
			return nil, err
		}
	}
	if err := drawMarks(p, curves, o.Marks); err != nil {
		return nil, err
	}
	p.X.Min, p.Y.Min = 0, 0
	return p, nil
}

// shadeThumb is the legend mark of the extrapolated region.
type shadeThumb struct{}

// Thumbnail draws the legend mark: a grey square.
func (shadeThumb) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(color.Gray{Y: 235}, c.ClipPolygonXY([]vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y}}))
}

// drawCurve adds one curve: band, line (dashed where extrapolated) and
// points.
func drawCurve(p *plot.Plot, c *estimate.Curve, i int, xmax float64) error {
	col := plotutil.Color(i)
	var inside, outside, lowUp, high plotter.XYs
	lo, hi := c.DataRange()
	for k := 0; k <= samples; k++ {
		h := max(1, int(math.Round(xmax*float64(k)/samples)))
		e, err := c.Estimate(estimate.Scenario{Hosts: h})
		if err != nil {
			return fmt.Errorf("chart: %s: %w", c.Series(), err)
		}
		pt := plotter.XY{X: float64(h), Y: e.Minutes}
		if h >= lo && h <= hi {
			inside = append(inside, pt)
		} else {
			outside = append(outside, pt)
		}
		if !math.IsInf(e.High, 1) {
			lowUp = append(lowUp, plotter.XY{X: float64(h), Y: e.Low})
			high = append(high, plotter.XY{X: float64(h), Y: e.High})
		}
	}
	name := Label(c.Series())
	if len(high) > 1 {
		// The band: along the low bound, back along the high one.
		for k := len(high) - 1; k >= 0; k-- {
			lowUp = append(lowUp, high[k])
		}
		band, err := plotter.NewPolygon(lowUp)
		if err != nil {
			return err
		}
		r, g, b, _ := col.RGBA()
		band.Color = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 60}
		band.LineStyle.Width = 0
		p.Add(band)
		if i == 0 {
			p.Legend.Add(fmt.Sprintf("%g%% prediction interval", 100*c.Level()), band)
		}
	}
	for k, part := range []plotter.XYs{inside, outside} {
		if len(part) < 2 {
			continue
		}
		l, err := plotter.NewLine(part)
		if err != nil {
			return err
		}
		l.Color, l.Width = col, vg.Points(1.5)
		if k == 1 { // extrapolated
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		} else {
			p.Legend.Add(name, l)
		}
		p.Add(l)
	}
	var pts plotter.XYs
	for k, x := range c.PointLoads() {
		pts = append(pts, plotter.XY{X: x, Y: c.Points()[k].Minutes})
	}
	if len(pts) > 0 {
		s, err := scatter(pts, col, draw.CircleGlyph{}, 3)
		if err != nil {
			return err
		}
		p.Add(s)
		if i == 0 {
			legend, _ := scatter(pts, color.Black, draw.CircleGlyph{}, 3)
			p.Legend.Add("published or observed", legend)
		}
	}
	return nil
}

// drawMarks adds a cross at each mark, in its curve's colour.
func drawMarks(p *plot.Plot, curves []*estimate.Curve, marks []Mark) error {
	for _, m := range marks {
		i := slices.Index(curves, m.Curve)
		e, err := m.Curve.Estimate(m.Scenario)
		if i < 0 || err != nil {
			continue
		}
		s, err := scatter(plotter.XYs{{X: m.Curve.Load(m.Scenario), Y: e.Minutes}}, plotutil.Color(i), draw.CrossGlyph{}, 4)
		if err != nil {
			return err
		}
		p.Add(s)
	}
	if len(marks) > 0 {
		legend, _ := scatter(plotter.XYs{{}}, color.Black, draw.CrossGlyph{}, 4)
		p.Legend.Add("asked", legend)
	}
	return nil
}

// scatter is a scatter of glyphs of one colour and radius, points.
func scatter(pts plotter.XYs, col color.Color, shape draw.GlyphDrawer, radius float64) (*plotter.Scatter, error) {
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	s.Color, s.Shape, s.Radius = col, shape, vg.Points(radius)
	return s, nil
}

// Label names a curve in a legend with the characters the plot's font has:
// "KB899588 Windows XP SP1/SP1a/SP2", or, where the platform has characters
// outside Latin script (the bundled fonts have no Japanese), the package
// file name instead.
func Label(s estimate.Series) string {
	if s.Platform == "" && s.Package == "" { // a patch with no table (estimate.Pool.Patch)
		if s.KB != "" {
			return s.KB + ": given setup + pooled per-host rate"
		}
		return "given setup + pooled per-host rate"
	}
	name := s.Platform
	if !latin(name) || name == "" {
		name = s.Package
	}
	if !latin(name) {
		name = ""
	}
	return strings.TrimSpace(s.KB + " " + name)
}

func latin(s string) bool {
	for _, r := range s {
		if r > unicode.MaxLatin1 {
			return false
		}
	}
	return true
}

// Write draws p at width × height pixels (at DPI) to w, as "png" or "svg".
func Write(w io.Writer, p *plot.Plot, format string, width, height int) error {
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
	p.Draw(draw.New(c))
	_, err := c.WriteTo(w)
	return err
}
