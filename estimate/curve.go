package estimate

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/patchtime/patchtime/fit"
)

// DefaultLevel is the confidence level of prediction intervals unless a
// curve is made with another (see Curve.WithLevel): 95%.
const DefaultLevel = 0.95

// Curve is the fitted rollout time of one series. With one console it is
//
//	minutes(hosts) = Setup + PerHost × hosts
//
// for the affine model, which fits every published table; the power model
// Setup + PerHost × hosts^c is chosen only where it predicts left-out points
// clearly better (see fit.Select). Build it once (a Catalog does) and ask it
// questions; a Curve cannot be modified, so one value may serve many
// goroutines. The zero Curve is not a curve: get curves from a Catalog
// (Curves, PooledCurves, Curve), a Pool (WithSetup) or a Calibration
// (Apply).
type Curve struct {
	series     Series
	points     []Observation
	pointScale Scenario  // the σ and κ the points were taken under (a calibration's)
	cal        *calCurve // how a calibrated curve predicts; nil for the others
	fit        *fit.Fit
	tried      []*fit.Fit // the models fitted, affine first; empty for pooled and setup curves
	reason     string     // why fit was chosen
	level      float64    // confidence level of intervals
	crit       float64    // fit.Critical(level)
	band       bool       // the interval comes from the quadratic below (fit.Band)
	a, b       float64    // ŷ = a + b·x
	center     float64    // d = x − center
	q0, q1     float64    // half² = q0 + d·(q1 + q2·d)
	q2         float64
	given      bool    // the setup was given, the rate pooled (Pool.WithSetup)
	minHosts   int     // smallest per-console load in the data, hosts
	maxHosts   int     // largest per-console load in the data, hosts
	lo, hi     float64 // the same as floats, for Estimate
}

// newCurve fits a series, choosing the model by leave-one-out error. A
// point's x is its per-console load ⌈hosts/consoles⌉, the fleet one console
// handled.
func newCurve(e *entry) (*Curve, error) {
	x, y := e.x, e.y
	sel, err := fit.Select(x, y, options(e.points))
	if err != nil {
		return nil, explainFitError(err)
	}
	c := &Curve{series: e.Series, points: e.points, fit: sel.Best, tried: sel.Fits, reason: sel.Reason}
	c.minHosts, c.maxHosts = int(slices.Min(x)), int(slices.Max(x))
	return c.setLevel(DefaultLevel), nil
}

// setLevel prepares the curve's intervals at level; every constructor of a
// curve ends with it.
func (c *Curve) setLevel(level float64) *Curve {
	c.level, c.crit = level, c.fit.Critical(level)
	c.a, c.b = c.fit.Intercept, c.fit.Slope
	c.center, c.q0, c.q1, c.q2, c.band = c.fit.Band(level)
	c.lo, c.hi = float64(c.minHosts), float64(c.maxHosts)
	return c
}

// interval is the fitted value at x and its prediction interval where the
// curve has no band (see Estimate for the common case).
func (c *Curve) interval(x float64) (y, lo, hi float64) {
	if math.IsInf(c.crit, 1) {
		return c.fit.At(x), math.Inf(-1), math.Inf(1)
	}
	y, se := c.fit.Predict(x)
	return y, y - c.crit*se, y + c.crit*se
}

// Series returns the series the curve belongs to.
func (c *Curve) Series() Series { return c.series }

// Points returns a copy of the observations the curve was fitted to; none
// for a curve made from a setup time.
func (c *Curve) Points() []Observation { return slices.Clone(c.points) }

// Setup returns the fixed time of a rollout, minutes: the curve at zero
// hosts.
func (c *Curve) Setup() float64 { return c.fit.Intercept }

// PerHost returns the time each host adds on one console, minutes per
// host. For the power model it is the coefficient of hosts^c.
func (c *Curve) PerHost() float64 { return c.fit.Slope }

// DataRange returns the smallest and largest per-console fleets of the data
// behind the curve, hosts; estimates outside it are extrapolated.
func (c *Curve) DataRange() (lo, hi int) { return c.minHosts, c.maxHosts }

// Given reports whether the curve is of a patch with no table: its setup
// given, its per-host rate pooled (see Pool.WithSetup, Pool.Patch).
func (c *Curve) Given() bool { return c != nil && c.given }

// Level returns the confidence level of the curve's intervals, e.g. 0.95.
func (c *Curve) Level() float64 { return c.level }

// WithLevel returns a copy of the curve whose intervals have confidence
// level (0 < level < 1).
func (c *Curve) WithLevel(level float64) (*Curve, error) {
	if !(level > 0 && level < 1) {
		return nil, fmt.Errorf("confidence level %v: want more than 0 and less than 1, e.g. 0.95", level)
	}
	d := *c
	return d.setLevel(level), nil
}

// Fit returns a copy of the chosen fit with its statistics: coefficients
// and standard errors, residuals, R², leave-one-out error, AICc.
func (c *Curve) Fit() fit.Fit { return copyFit(c.fit) }

// Choice returns the models that were fitted to the series, affine first,
// and why the curve's model was chosen. Pooled and setup curves report no
// alternatives and say how they were made.
func (c *Curve) Choice() (tried []fit.Fit, reason string) {
	for _, f := range c.tried {
		tried = append(tried, copyFit(f))
	}
	return tried, c.reason
}

func copyFit(f *fit.Fit) fit.Fit {
	g := *f
	g.Residuals = slices.Clone(f.Residuals)
	return g
}

// String describes the curve: "KB899588 Windows 2000 SP4 (UpdateEXPERT 6.1):
// 9.87 min + 0.1684 min/host".
func (c *Curve) String() string {
	if c.fit.Model == fit.PowerModel {
		return fmt.Sprintf("%s: %.2f min + %.4g min × hosts^%.3f", c.series, c.Setup(), c.PerHost(), c.fit.Exponent)
	}
	return fmt.Sprintf("%s: %.2f min + %.4f min/host", c.series, c.Setup(), c.PerHost())
}

// Scenario is a rollout to estimate.
type Scenario struct {
	Hosts      int     // machines to patch, 1 to MaxHosts
	Consoles   int     // consoles working in parallel, 1 to MaxConsoles; 0 means 1
	Contention float64 // σ ≥ 0, the USL contention between consoles; 0 means none
	Coherency  float64 // κ ≥ 0, the USL coherency cost between consoles; 0 means none
}

// check validates s and returns it with Consoles at least 1.
func (s Scenario) check() (Scenario, error) {
	if s.Consoles == 0 {
		s.Consoles = 1
	}
	switch {
	case s.Hosts < 1 || s.Hosts > MaxHosts:
		return s, fmt.Errorf("hosts %d: want 1 to %d", s.Hosts, MaxHosts)
	case s.Consoles < 1 || s.Consoles > MaxConsoles:
		return s, fmt.Errorf("consoles %d: want 1 to %d", s.Consoles, MaxConsoles)
	case !(s.Contention >= 0 && s.Contention <= 1e6):
		return s, fmt.Errorf("contention σ = %v: want a number from 0 to 1e6", s.Contention)
	case !(s.Coherency >= 0 && s.Coherency <= 1e6):
		return s, fmt.Errorf("coherency κ = %v: want a number from 0 to 1e6", s.Coherency)
	}
	return s, nil
}

// plain reports, cheaply, whether s is valid with one or more consoles; a
// false answer sends it to check for the error. (It tests what check tests:
// keep the two in step.)
func (s Scenario) plain() bool {
	return uint(s.Hosts-1) < MaxHosts && uint(s.Consoles-1) < MaxConsoles &&
		(s.Contention == 0 && s.Coherency == 0 ||
			s.Contention >= 0 && s.Contention <= 1e6 && s.Coherency >= 0 && s.Coherency <= 1e6)
}

// Slowdown is the Universal Scalability Law factor by which the per-host
// work of each console grows when c consoles share the network and the
// update server:
//
//	1 + σ(c−1) + κ·c(c−1).
func (s Scenario) Slowdown() float64 {
	c := float64(max(s.Consoles, 1))
	return 1 + s.Contention*(c-1) + s.Coherency*c*(c-1)
}

// Estimate is the predicted duration of a rollout.
type Estimate struct {
	Scenario             // the scenario, with Consoles at least 1
	Minutes      float64 // predicted wall-clock time, minutes
	Low, High    float64 // prediction interval at Level, minutes; 0 ≤ Low ≤ Minutes ≤ High; High is +Inf when the data cannot bound it
	Level        float64 // confidence level of Low and High, e.g. 0.95
	Extrapolated bool    // the per-console work lies outside the data behind the curve
}

// Duration returns Minutes as a time.Duration (at most MaxMinutes).
func (e Estimate) Duration() time.Duration { return minutesToDuration(e.Minutes) }

// minutesToDuration converts minutes, saturating at ±MaxMinutes (so +Inf
// stays far from overflow) and taking NaN as 0.
func minutesToDuration(m float64) time.Duration {
	if math.IsNaN(m) {
		return 0
	}
	m = max(-MaxMinutes, min(m, MaxMinutes))
	return time.Duration(math.Round(m * float64(time.Minute)))
}

// ErrTooLong means an estimate passes MaxMinutes (100 years).
var ErrTooLong = errors.New("longer than 100 years")

// Estimate predicts the duration of scenario s. With c consoles each takes
// ⌈hosts/c⌉ machines and its per-host work slows by s.Slowdown(), so for
// the affine model
//
//	minutes = Setup + PerHost × ⌈hosts/c⌉ × (1 + σ(c−1) + κc(c−1)),
//
// with the prediction interval of a new rollout at the curve's level. No
// time is negative: a bound below zero is reported as zero. When the data
// cannot bound the interval (two points of unknown noise) or its top passes
// MaxMinutes, Low is 0 and High +Inf. It fails for a scenario out of range,
// an estimate beyond MaxMinutes (ErrTooLong), or, outside its data, where
// the curve does not rise or gives no time above zero (ErrFalling).
func (c *Curve) Estimate(s Scenario) (Estimate, error) {
	if c == nil || c.fit == nil {
		return Estimate{}, errors.New("estimate: not a curve (the zero Curve); get curves from a Catalog")
	}
	if s.Consoles == 0 {
		s.Consoles = 1
	}
	if !s.plain() {
		if _, err := s.check(); err != nil {
			return Estimate{}, err
		}
	}
	// The curve is evaluated at the load whose work equals the scaled work:
	// x·m for the affine model, x·m^(1/c) for the power model.
	x := float64(s.Hosts)
	if s.Consoles > 1 { // the division and the scaling cost as much as the rest
		x = c.Load(s)
	}
	var y, lo, hi float64
	var extrapolated bool
	if c.cal == nil && c.band {
		// The common case, written out: it is the hot path.
		d := x - c.center
		y = c.a + c.b*x
		half := math.Sqrt(c.q0 + d*(c.q1+c.q2*d))
		lo, hi, extrapolated = y-half, y+half, x < c.lo || x > c.hi
	} else {
		y, lo, hi, extrapolated = c.other(s, x)
	}
	if extrapolated && !(y > 0 && c.fit.Slope > 0) {
		return Estimate{}, c.falling(s, x, y)
	}
	// An interval not bounded below MaxMinutes is (0, +Inf), and no time is
	// negative (a fit to odd data can dip below zero).
	if !(y <= MaxMinutes) {
		return Estimate{}, c.tooLong(s, y)
	}
	if !(hi <= MaxMinutes) {
		lo, hi = 0, math.Inf(1)
	}
	if y < 0 {
		y = 0
	}
	if lo < 0 {
		lo = 0
	}
	if hi < 0 {
		hi = 0
	}
	return Estimate{Scenario: s, Minutes: y, Low: lo, High: hi, Level: c.level, Extrapolated: extrapolated}, nil
}

// other is the estimate, interval and extrapolation of calibrated curves
// and those with no band.
func (c *Curve) other(s Scenario, x float64) (y, lo, hi float64, extrapolated bool) {
	extrapolated = x < c.lo || x > c.hi
	if c.cal != nil {
		y, lo, hi = c.cal.interval(s, c.crit)
		return y, lo, hi, extrapolated || s.Consoles < c.cal.minConsoles || s.Consoles > c.cal.maxConsoles
	}
	y, lo, hi = c.interval(x)
	return y, lo, hi, extrapolated
}

// ErrFalling means an estimate was asked, outside the loads of a curve's
// data, of a curve that gives no positive, growing time there: its
// per-host time is not above zero, or its line falls to zero or below
// (a setup below zero), both from odd data.
var ErrFalling = errors.New("it is not extrapolated beyond its data")

// falling is the error of extrapolating, at load x, a curve that does not
// rise or that gives y ≤ 0 minutes there.
func (c *Curve) falling(s Scenario, x, y float64) error {
	why := fmt.Sprintf("the per-host time is %.4g min, not above 0", c.fit.Slope)
	if c.fit.Slope > 0 {
		why = fmt.Sprintf("the curve gives %.4g min at a load of %.4g hosts, not above 0", y, x)
	}
	return fmt.Errorf("%s, %d hosts on %d console(s): %s, so %w (%d–%d hosts per console)",
		c.series, s.Hosts, s.Consoles, why, ErrFalling, c.minHosts, c.maxHosts)
}

// tooLong is the error of an estimate of minutes beyond MaxMinutes.
func (c *Curve) tooLong(s Scenario, minutes float64) error {
	return fmt.Errorf("%s, %d hosts on %d console(s): %.0f minutes: %w", c.series, s.Hosts, s.Consoles, minutes, ErrTooLong)
}

// Load returns the fleet one console alone would take to do each
// console's work in scenario s, hosts: ⌈hosts/c⌉ × (1 + σ(c−1) + κc(c−1))
// for the affine model (the slowdown to the power 1/exponent for the power
// model). The curve is evaluated there, and an estimate is extrapolated
// when it lies outside DataRange. An invalid scenario gives NaN.
func (c *Curve) Load(s Scenario) float64 {
	if s.Consoles == 0 {
		s.Consoles = 1
	}
	if !s.plain() {
		return math.NaN()
	}
	x := float64(perConsole(s.Hosts, s.Consoles))
	if m := s.Slowdown(); m != 1 {
		if c.fit.Model == fit.PowerModel {
			m = math.Pow(m, 1/c.fit.Exponent)
		}
		x *= m
	}
	return x
}

// PointLoads returns the load (see Load) at which each of Points was
// taken, in the same order: ⌈hosts/consoles⌉, and for a calibrated curve
// with the calibrated σ and κ.
func (c *Curve) PointLoads() []float64 {
	x := make([]float64, len(c.points))
	for i, p := range c.points {
		x[i] = c.Load(Scenario{Hosts: p.Hosts, Consoles: p.Consoles, Contention: c.pointScale.Contention, Coherency: c.pointScale.Coherency})
	}
	return x
}

// perConsole is ⌈hosts/consoles⌉, the fleet each console takes.
func perConsole(hosts, consoles int) int { return (hosts + consoles - 1) / consoles }
