package estimate

import (
	"fmt"
	"math"

	"github.com/patchtime/patchtime/fit"
)

// Summary is what a curve says of its fit, in the manner of R's
// summary(lm): the model, its coefficients with their tests, the
// residuals, the noise and the interval method, the other models tried
// and why this one was chosen. It is what the estimate command's --explain
// shows. Minutes are minutes; a statistic that does not exist for the
// curve is NaN.
type Summary struct {
	Name         string         // the series (see Series.String); for a curve made from a setup time "setup 12.00 min (console)", after its KB if it has one
	Model        fit.Model      // the model fitted: affine, power or pooled
	Formula      string         // the model in words, e.g. "minutes = setup + perHost × hosts"
	Given        bool           // the setup was given and the per-host rate pooled (see Curve.Given)
	Calibrated   bool           // the curve is calibrated to a site's rollouts (see Calibration.Apply)
	Points       int            // points the fit was made from; 0 when its coefficients come from elsewhere (a calibration, a pool)
	Coefficients []Coefficient  // setup, then per host (rate and exponent for the power model)
	Residuals    []Residual     // one per point of Curve.Points, in order; none when the fit has no residuals of its points
	RMSE         float64        // residual standard error √(RSS/DF), minutes; NaN with no degrees of freedom or no points
	DF           int            // residual degrees of freedom of the fit
	Variance     float64        // s² used for standard errors and intervals, min²
	Floor        bool           // Variance is the floor of 1/12 min², the noise of rounding to whole minutes, above what the residuals give
	R2           float64        // coefficient of determination; NaN with no points
	LOO          float64        // leave-one-out RMSE √(PRESS/N), minutes; NaN with no points or when a point cannot be left out
	PRESS        float64        // leave-one-out sum of squares, min²; NaN as LOO
	AICc         float64        // corrected Akaike criterion; NaN when not defined (see AICcNote)
	AICcNote     string         // why AICc is not defined, e.g. "not defined: 4 points are too few for 2 coefficients and the noise (needs 5)"; "" when it is, or when the fit has no points
	Others       []Alternative  // the other models fitted to the points and not chosen
	Reason       string         // why the model was chosen, or how the curve was made
	Level        float64        // confidence level of the intervals, e.g. 0.95
	Method       IntervalMethod // how the intervals are made
	About        string         // what the intervals are about, in words (see Curve.Reference)
	IntervalDF   int            // degrees of freedom of the intervals' Student's t (and of the p-values): DF, or the pool's when Noise.Pooled
	Noise        Noise          // for a published table's curve, how its variance was found (see Curve.Noise); zero for others
	NoiseNote    string         // Noise in words: "variance pooled over …", or why the table keeps its own (Noise.Disagrees), and what part of it a new rollout carries (for a curve made from a setup time, only that); "" for other curves
}

// Coefficient is one coefficient of a curve's fit with its test against
// zero.
type Coefficient struct {
	Name  string  // "setup (min)", "per host (min)", for the power model "rate (min)" and "exponent c"
	Value float64 // the estimate
	SE    float64 // standard error; NaN when Given
	T     float64 // Value/SE; NaN when Given
	P     float64 // two-sided p-value of T under Student's t with the fit's DF; NaN when DF = 0 or Given
	Given bool    // the value was given, not estimated (the setup of a curve made from a setup time)
}

// Residual is one point of a curve's fit.
type Residual struct {
	Hosts, Consoles int
	Minutes         float64 // observed, minutes
	Fitted          float64 // the curve there, minutes
	Residual        float64 // Minutes − Fitted
}

// Alternative is a model fitted to a curve's points and not chosen.
type Alternative struct {
	Model fit.Model
	Curve string  // the fitted curve, e.g. "y = 9.38 + 0.1868·x^0.9841" (x hosts, y minutes)
	LOO   float64 // its leave-one-out RMSE, minutes
}

// IntervalMethod is how prediction intervals are made.
type IntervalMethod int

const (
	// StudentT: Student's t with the degrees of freedom of the variance
	// (Summary.IntervalDF): the fit's residual ones, or the pool's.
	StudentT IntervalMethod = iota
	// NormalQuantile: no degrees of freedom are left, so the noise is taken as
	// the floor of 1/12 min², known, and the normal quantile is used.
	NormalQuantile
	// Unbounded: no degrees of freedom are left and there is no floor:
	// the noise is unknown and intervals are unbounded (Low 0, High +Inf).
	Unbounded
)

// Summary returns the curve's summary (see Summary). The zero Curve gives
// the zero Summary.
func (c *Curve) Summary() Summary {
	if !c.ok() {
		return Summary{}
	}
	f := c.fit
	s := Summary{Model: f.Model, Given: c.given, Calibrated: c.cal != nil,
		Points: f.N, RMSE: f.RMSE, DF: f.DF, Variance: f.Variance, R2: f.R2, LOO: f.LOO(), PRESS: f.PRESS,
		AICc: f.AICc, Reason: c.reason, Level: c.level}
	s.Name = c.name()
	switch {
	case c.given:
		s.Formula = "minutes = setup + perHost × hosts"
	case c.cal != nil:
		s.Formula = "minutes = (setup + offset) + speed × perHost × hosts"
	case f.Model == fit.PowerModel:
		s.Formula = "minutes = setup + rate × hosts^c"
	case f.Model == fit.PooledModel:
		s.Formula = "minutes = setup + perHost × hosts with perHost shared"
	default:
		s.Formula = "minutes = setup + perHost × hosts"
	}
	names := map[string]string{"(Intercept)": "setup (min)", "x": "per host (min)", "x^c": "rate (min)", "c": "exponent c"}
	for _, k := range f.Coefficients() {
		co := Coefficient{Name: names[k.Name], Value: k.Value, SE: k.SE, T: k.T, P: k.P}
		if c.given && k.Name == "(Intercept)" {
			nan := math.NaN()
			co.SE, co.T, co.P, co.Given = nan, nan, nan, true
		}
		s.Coefficients = append(s.Coefficients, co)
	}
	if len(c.points) > 0 && len(c.points) == len(f.Residuals) {
		for i, p := range c.points {
			r := f.Residuals[i]
			s.Residuals = append(s.Residuals, Residual{Hosts: p.Hosts, Consoles: p.Consoles, Minutes: p.Minutes, Fitted: p.Minutes - r, Residual: r})
		}
	}
	s.Floor = f.RMSE*f.RMSE < f.Variance*(1-1e-9) || math.IsNaN(f.RMSE) && f.Variance == roundingVariance
	s.IntervalDF, s.Noise, s.NoiseNote = f.NoiseDF, c.noise, c.noise.String()
	if c.given && f.Offset > 0 {
		s.NoiseNote = Noise{Fresh: f.Variance - f.Offset}.fresh()
	}
	if c.Reference() == Site {
		s.About = "the site's next rollout"
	} else {
		s.About = "one rollout under the conditions the bulletin's table was measured in, before rounding to the minute; not your site's (calibrate with your own rollouts)"
	}
	if c.noise.Pooled || c.noise.Disagrees {
		s.Floor = c.noise.Floor
	}
	switch {
	case f.N == 0:
	case f.Model == fit.PooledModel:
		s.AICcNote = "belongs to the whole pooled fit, not to one series"
	case math.IsNaN(f.AICc):
		s.AICcNote = fmt.Sprintf("not defined: %d points are too few for %d coefficients and the noise (needs %d)", f.N, f.K(), f.K()+3)
	}
	for _, t := range c.tried {
		if t.Model != f.Model {
			s.Others = append(s.Others, Alternative{Model: t.Model, Curve: t.String(), LOO: t.LOO()})
		}
	}
	switch {
	case f.NoiseDF > 0:
		s.Method = StudentT
	case math.IsInf(c.crit, 1):
		s.Method = Unbounded
	default:
		s.Method = NormalQuantile
	}
	return s
}

// name names the curve in words: its series, or for a curve made from a
// setup time "setup 12.00 min (UpdateEXPERT 6.1)", after its KB if it has
// one.
func (c *Curve) name() string {
	if !c.given {
		return c.series.String()
	}
	n := fmt.Sprintf("setup %.2f min (%s)", c.fit.Intercept, c.series.Console)
	if c.series.KB != "" {
		n = c.series.KB + " " + n
	}
	return n
}
