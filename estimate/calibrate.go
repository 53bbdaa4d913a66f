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
type Calibration struct {
	Speed        float64 // site per-host time over the published one; 1 means as published
	SpeedSE      float64 // standard error of Speed
	Offset       float64 // minutes added to every setup
	OffsetSE     float64 // standard error of Offset, minutes
	Contention   float64 // σ ≥ 0; 0 unless Scaling
	ContentionSE float64 // standard error of σ (delta method)
	Coherency    float64 // κ ≥ 0; 0 unless Scaling
	CoherencySE  float64 // standard error of κ (delta method)
	Scaling      bool    // σ and κ were fitted: observations at three or more console counts
	N            int     // observations used
	DF           int     // residual degrees of freedom
	RMSE         float64 // residual standard error of the calibration, minutes

	lin *fit.Linear
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
	for i := range obs {
		o := obs[i]
		if err := o.check(); err != nil {
			return nil, err
		}
		cv, err := c.observed(&o)
		if err != nil {
			return nil, &CatalogError{File: o.File, Line: o.Line, Err: err}
		}
		u := cv.PerHost() * cv.fit.G(float64(perConsole(o.Hosts, o.Consoles)))
		k := float64(o.Consoles)
		rows = append(rows, []float64{1, u, u * (k - 1), u * k * (k - 1)})
		y = append(y, o.Minutes-cv.Setup())
		consoles[o.Consoles] = true
	}
	cal := &Calibration{Scaling: len(consoles) >= minConsoles && len(obs) >= minScaling}
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
	case match[0].err != nil:
		return nil, fmt.Errorf("%s has no curve: %w", match[0].Series, match[0].err)
	}
	return match[0].curve, nil
}

// Apply returns the curve calibrated to the site: the setup plus Offset,
// the per-host time times Speed. Its interval combines the uncertainty of
// Offset and Speed with the scatter of the site's rollouts around the
// calibration (the published curve's own uncertainty, much smaller, and
// that of σ and κ are left out). Estimates of it use σ and κ as the
// scenario gives them; see Scenario for the calibrated ones.
func (cal *Calibration) Apply(c *Curve) *Curve {
	b := c.PerHost()
	cov := cal.lin.Cov
	line := fit.Line(c.Setup()+cal.Offset, cal.Speed*b, c.fit.Exponent,
		[2][2]float64{{cov[0][0], b * cov[0][1]}, {b * cov[1][0], b * b * cov[1][1]}}, cal.lin.Variance, cal.DF)
	d := *c
	d.fit, d.tried = line, nil
	d.reason = fmt.Sprintf("calibrated to %d observed rollouts: per-host time × %.3f, setup %+.2f min", cal.N, cal.Speed, cal.Offset)
	return d.setLevel(c.level)
}

// Scenario returns s with the calibrated σ and κ when the calibration
// fitted them; otherwise s unchanged.
func (cal *Calibration) Scenario(s Scenario) Scenario {
	if cal.Scaling {
		s.Contention, s.Coherency = cal.Contention, cal.Coherency
	}
	return s
}
