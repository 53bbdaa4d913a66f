package estimate

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/patchtime/patchtime/fit"
)

// Calibration is how a site's own rollouts differ from the published
// curves: a speed factor on the per-host time, an offset on the setup and,
// when the rollouts used several console counts, the console scaling
// coefficients. For an observation of series s with c consoles,
//
//	minutes = Setup_s + Offset + Speed × PerHost_s × ⌈hosts/c⌉ × (1 + σ(c−1) + κc(c−1)).
//
// Get one from Catalog.Calibrate; the zero Calibration is not usable.
type Calibration struct {
	Speed         float64 // site per-host time over the published one; 1 means as published
	SpeedSE       float64 // standard error of Speed
	Offset        float64 // minutes added to every setup
	OffsetSE      float64 // standard error of Offset, minutes
	Contention    float64 // σ ≥ 0; 0 unless Scaling
	ContentionSE  float64 // standard error of σ (delta method)
	Coherency     float64 // κ ≥ 0; 0 unless Scaling
	CoherencySE   float64 // standard error of κ (delta method)
	Scaling       bool    // σ and κ were fitted: five or more observations at three or more console counts
	ConsoleCounts int     // distinct console counts observed
	N             int     // observations used
	DF            int     // residual degrees of freedom
	RMSE          float64 // residual standard error of the calibration, minutes

	lin         *fit.Linear
	obs         []Observation // the observations, checked
	series      []Series      // the series each is of
	lo, hi      float64       // the smallest and largest load (see Curve.Load) under the calibrated σ and κ
	minConsoles int           // the fewest consoles observed
	maxConsoles int           // the most consoles observed
}

// Minimum observations for a calibration.
const (
	minCalibration = 3 // speed and offset, with one degree of freedom left
	minScaling     = 5 // speed, offset, σ and κ, with one degree of freedom left
	minConsoles    = 3 // distinct console counts for σ and κ
)

// ErrTooFewObservations means a calibration has too few observations; the
// error wrapping it says how many it needs.
var ErrTooFewObservations = errors.New("too few observations")

// Calibrate fits a site's observed rollouts against the catalog's curves
// by least squares: the speed factor and setup offset always, σ and κ as
// well (constrained to be ≥ 0) when the observations use at least three
// distinct console counts. Each observation must name a series of the
// catalog that has a curve: its KB and, where the KB has several series,
// its platform or package. It needs at least 3 observations at two or more
// per-console loads, and 5 for σ and κ; errors name the observation's
// line.
func (c *Catalog) Calibrate(obs []Observation) (*Calibration, error) {
	if len(obs) < minCalibration {
		return nil, fmt.Errorf("calibration needs at least %d observed rollouts, the observations have %d: %w",
			minCalibration, len(obs), ErrTooFewObservations)
	}
	consoles := map[int]bool{}
	var rows [][]float64
	var y []float64
	var curves []*Curve
	checked := make([]Observation, len(obs))
	for i := range obs {
		o := obs[i]
		if err := o.check(); err != nil {
			return nil, err
		}
		checked[i] = o
		cv, err := c.observed(&o)
		if err != nil {
			return nil, &CatalogError{File: o.File, Line: o.Line, Err: err}
		}
		u := cv.PerHost() * cv.fit.G(float64(perConsole(o.Hosts, o.Consoles)))
		k := float64(o.Consoles)
		rows = append(rows, []float64{1, u, u * (k - 1), u * k * (k - 1)})
		y = append(y, o.Minutes-cv.Setup())
		consoles[o.Consoles] = true
		curves = append(curves, cv)
	}
	cal := &Calibration{Scaling: len(consoles) >= minConsoles && len(obs) >= minScaling, ConsoleCounts: len(consoles)}
	if !cal.Scaling {
		for i := range rows {
			rows[i] = rows[i][:2]
		}
	}
	lin, err := fit.LeastSquares(rows, y, []bool{false, false, true, true}[:len(rows[0])], options(obs))
	if err != nil {
		if errors.Is(err, fit.ErrNoSpread) || errors.Is(err, fit.ErrTooFewPoints) {
			return nil, fmt.Errorf("calibration needs observations at two or more fleet sizes per console: %w", ErrTooFewObservations)
		}
		return nil, err
	}
	if !(lin.Coef[1] > 0) {
		return nil, fmt.Errorf("the observations give a site speed of %.3g (≤ 0): the more hosts, the faster; check them", lin.Coef[1])
	}
	cal.lin = lin
	cal.N, cal.DF, cal.RMSE = lin.N, lin.DF, lin.RMSE
	cal.Offset, cal.OffsetSE = lin.Coef[0], lin.SE[0]
	cal.Speed, cal.SpeedSE = lin.Coef[1], lin.SE[1]
	if cal.Scaling {
		cal.Contention, cal.ContentionSE = ratio(lin, 2, 1)
		cal.Coherency, cal.CoherencySE = ratio(lin, 3, 1)
	}
	cal.obs, cal.lo, cal.hi = checked, math.Inf(1), 0
	cal.minConsoles, cal.maxConsoles = math.MaxInt, 0
	for i, o := range checked {
		cal.minConsoles, cal.maxConsoles = min(cal.minConsoles, o.Consoles), max(cal.maxConsoles, o.Consoles)
		x := curves[i].Load(cal.Scenario(Scenario{Hosts: o.Hosts, Consoles: o.Consoles}))
		cal.lo, cal.hi = min(cal.lo, x), max(cal.hi, x)
		cal.series = append(cal.series, curves[i].series)
	}
	return cal, nil
}

// ratio is β_a/β_b with its standard error by the delta method.
func ratio(l *fit.Linear, a, b int) (r, se float64) {
	pa, pb := l.Coef[a], l.Coef[b]
	r = pa / pb
	v := l.Cov[a][a]/(pb*pb) - 2*pa*l.Cov[a][b]/(pb*pb*pb) + pa*pa*l.Cov[b][b]/(pb*pb*pb*pb)
	return r, math.Sqrt(math.Max(v, 0))
}

// observed returns the curve an observation is of.
func (c *Catalog) observed(o *Observation) (*Curve, error) {
	es, err := c.lookup(o.KB)
	if err != nil {
		return nil, fmt.Errorf("%w; calibration compares with the catalog's curves", err)
	}
	var match []*entry
	for _, e := range es {
		if e.KB != o.KB {
			continue
		}
		if o.Package != "" && !strings.EqualFold(e.Package, o.Package) ||
			o.Console != "" && e.Console != o.Console ||
			o.Platform != "" && !strings.Contains(fold(e.Platform), fold(o.Platform)) {
			continue
		}
		match = append(match, e)
	}
	switch {
	case len(match) == 0:
		return nil, fmt.Errorf("no series of %s matches its package, platform and console", o.KB)
	case len(match) > 1:
		var names []string
		for _, e := range match {
			names = append(names, e.Platform)
		}
		return nil, fmt.Errorf("%s has %d platform rows (%s); give the platform or package to say which", o.KB, len(match), strings.Join(names, ", "))
	}
	cv, err := match[0].fitted()
	if err != nil {
		return nil, fmt.Errorf("%s has no curve: %w", match[0].Series, err)
	}
	return cv, nil
}

// Apply returns the curve calibrated to the site: the setup plus Offset,
// the per-host time times Speed. Its estimates are those of the
// calibration's regression, which is linear in (Offset, Speed, Speed·σ,
// Speed·κ): the interval is exact for it, s²·(1 + jᵀ(XᵀX)⁻¹j), and widens
// with console counts far from those observed (the published curve's own
// uncertainty, much smaller, is left out). A scenario with the calibrated
// σ and κ (see Scenario) gets all of that; one with other σ and κ takes
// them as given. An estimate is extrapolated when its load lies outside
// the site's rollouts' loads or its console count outside theirs. The
// curve's points are the site's rollouts of c's series (none if the site
// measured other patches).
func (cal *Calibration) Apply(c *Curve) *Curve {
	b := c.PerHost()
	cov := cal.lin.Cov
	line := fit.Line(c.Setup()+cal.Offset, cal.Speed*b, c.fit.Exponent,
		[2][2]float64{{cov[0][0], b * cov[0][1]}, {b * cov[1][0], b * b * cov[1][1]}}, cal.lin.Variance, cal.DF)
	d := *c
	d.fit, d.tried = line, nil
	d.reason = fmt.Sprintf("calibrated to %d observed rollouts: per-host time × %.3f, setup %+.2f min", cal.N, cal.Speed, cal.Offset)
	d.points = nil
	for i, o := range cal.obs {
		if cal.series[i] == c.series {
			d.points = append(d.points, o)
		}
	}
	d.pointScale = cal.Scenario(Scenario{})
	d.minHosts, d.maxHosts = int(math.Floor(cal.lo)), int(math.Ceil(cal.hi))
	d.setLevel(c.level)
	d.cal = &calCurve{cal: cal, setup: c.Setup(), perHost: b, exponent: c.fit.Exponent,
		minConsoles: cal.minConsoles, maxConsoles: cal.maxConsoles}
	return &d
}

// calCurve is how a calibrated curve predicts.
type calCurve struct {
	cal                      *Calibration
	setup, perHost, exponent float64 // the published curve's
	minConsoles, maxConsoles int
}

// interval is the estimate and its prediction interval for s: for the
// regression row j = (1, u, u(c−1), u·c(c−1)) with u = PerHost × load^e,
// ŷ = Setup + j·β and Var = s² + jᵀ·Cov·j; with σ and κ other than the
// calibrated ones, j = (1, u·slowdown). crit is Student's t at the
// curve's level with the calibration's degrees of freedom.
func (cc *calCurve) interval(s Scenario, crit float64) (y, lo, hi float64) {
	lin, cal := cc.cal.lin, cc.cal
	u := cc.perHost * math.Pow(float64(perConsole(s.Hosts, s.Consoles)), cc.exponent)
	c := float64(s.Consoles)
	var j []float64
	if cal.Scaling && s.Contention == cal.Contention && s.Coherency == cal.Coherency {
		j = []float64{1, u, u * (c - 1), u * c * (c - 1)}
	} else {
		j = []float64{1, u * s.Slowdown()}
	}
	y = cc.setup
	v := lin.Variance
	for a := range j {
		y += j[a] * lin.Coef[a]
		for b := range j {
			v += j[a] * lin.Cov[a][b] * j[b]
		}
	}
	if math.IsInf(crit, 1) || math.IsNaN(v) {
		return y, math.Inf(-1), math.Inf(1)
	}
	half := crit * math.Sqrt(max(v, 0))
	return y, y - half, y + half
}

// Scenario returns s with the calibrated σ and κ when the calibration
// fitted them; otherwise s unchanged.
func (cal *Calibration) Scenario(s Scenario) Scenario {
	if cal.Scaling {
		s.Contention, s.Coherency = cal.Contention, cal.Coherency
	}
	return s
}
