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
// (Apply). Its methods return errors, NaN or nothing (none panics).
type Curve struct {
	series     Series
	points     []Observation
	pointScale Scaling   // the σ and κ of the curve, and of its points: a calibration's; none for the others
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
	noise      Noise   // how the noise of a published table's curve was found; zero for the others
}

// newCurve fits a series, choosing the model by leave-one-out error. A
// point's x is its per-console load ⌈hosts/consoles⌉, the fleet one console
// handled.
func newCurve(e *entry) (*Curve, error) {
	x, y := e.x, e.y
	n := e.np.get(e)
	sel, err := fit.Select(x, y, selectOptions(e.points, n))
	if err != nil {
		return nil, explainFitError(err)
	}
	c := &Curve{series: e.Series, points: e.points, fit: sel.Best, tried: sel.Fits, reason: sel.Reason}
	if n.ok {
		c.noise = n.Noise
		c.fit = c.fit.WithNoise(n.Variance, n.DF, freshOffset)
	}
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

// ok reports whether c is a curve, not nil or the zero Curve.
func (c *Curve) ok() bool { return c != nil && c.fit != nil }

// interval is the fitted value at x and its prediction interval where the
// curve has no band (see Estimate for the common case).
func (c *Curve) interval(x float64) (y, lo, hi float64) {
	if math.IsInf(c.crit, 1) {
		return c.fit.At(x), math.Inf(-1), math.Inf(1)
	}
	y, se := c.fit.Predict(x)
	return y, y - c.crit*se, y + c.crit*se
}

// Noise returns how the variance of the curve's intervals was found: for a
// published table's own curve, pooled over the console's distinct
// published tables, or its own when it disagrees with them (see
// Noise.Disagrees). Other curves (observed rollouts, decimal minutes,
// pooled rates, calibrations) give the zero Noise: their fit's own.
func (c *Curve) Noise() Noise {
	if c == nil {
		return Noise{}
	}
	return c.noise
}

// Series returns the series the curve belongs to.
func (c *Curve) Series() Series {
	if c == nil {
		return Series{}
	}
	return c.series
}

// Points returns a copy of the observations the curve was fitted to; none
// for a curve made from a setup time.
func (c *Curve) Points() []Observation {
	if c == nil {
		return nil
	}
	return slices.Clone(c.points)
}

// Setup returns the fixed time of a rollout, minutes: the curve at zero
// hosts. The zero Curve has none: NaN.
func (c *Curve) Setup() float64 {
	if !c.ok() {
		return math.NaN()
	}
	return c.fit.Intercept
}

// PerHost returns the time each host adds on one console, minutes per
// host. For the power model it is the coefficient of hosts^c. The zero
// Curve has none: NaN.
func (c *Curve) PerHost() float64 {
	if !c.ok() {
		return math.NaN()
	}
	return c.fit.Slope
}

// DataRange returns the smallest and largest per-console fleets of the data
// behind the curve, hosts; estimates outside it are extrapolated.
func (c *Curve) DataRange() (lo, hi int) {
	if c == nil {
		return 0, 0
	}
	return c.minHosts, c.maxHosts
}

// Reference is what a curve's prediction intervals are about.
type Reference int

const (
	// Lab: one rollout under the conditions the bulletin's table was
	// measured in (what the table's own method gives at that fleet size,
	// before rounding to the minute); not a site's own rollout, of which
	// the bulletins themselves say their figures are a rough guide.
	Lab Reference = iota
	// Site: the site's next rollout, from a calibration to its own
	// rollouts or a curve fitted to them.
	Site
)

// String is "lab" or "site".
func (r Reference) String() string {
	if r == Site {
		return "site"
	}
	return "lab"
}

// Reference says what the curve's intervals are about: Site for a
// calibrated curve or one fitted to observed rollouts, Lab otherwise.
func (c *Curve) Reference() Reference {
	if c == nil {
		return Lab
	}
	if c.cal != nil {
		return Site
	}
	for _, p := range c.points {
		if p.Source == Observed {
			return Site
		}
	}
	return Lab
}

// Given reports whether the curve is of a patch with no table: its setup
// given, its per-host rate pooled (see Pool.WithSetup, Pool.Patch).
func (c *Curve) Given() bool { return c != nil && c.given }

// Level returns the confidence level of the curve's intervals, e.g. 0.95;
// 0 for the zero Curve.
func (c *Curve) Level() float64 {
	if c == nil {
		return 0
	}
	return c.level
}

// WithLevel returns a copy of the curve whose intervals have confidence
// level (0 < level < 1).
func (c *Curve) WithLevel(level float64) (*Curve, error) {
	if !c.ok() {
		return nil, errNotCurve
	}
	if !levelOK(level) {
		return nil, levelError(level)
	}
	d := *c
	return d.setLevel(level), nil
}

// Fit returns a copy of the chosen fit with its statistics: coefficients
// and standard errors, residuals, R², leave-one-out error, AICc. The zero
// Curve has none: the zero fit.Fit.
func (c *Curve) Fit() fit.Fit {
	if !c.ok() {
		return fit.Fit{}
	}
	return copyFit(c.fit)
}

// Choice returns the models that were fitted to the series, affine first,
// and why the curve's model was chosen. Pooled and setup curves report no
// alternatives and say how they were made.
func (c *Curve) Choice() (tried []fit.Fit, reason string) {
	if c == nil {
		return nil, ""
	}
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
// 9.87 min + 0.1684 min/host". The zero Curve is "(not a curve)".
func (c *Curve) String() string {
	if !c.ok() {
		return "(not a curve)"
	}
	if c.fit.Model == fit.PowerModel {
		return fmt.Sprintf("%s: %.2f min + %.4g min × hosts^%.3f", c.series, c.Setup(), c.PerHost(), c.fit.Exponent)
	}
	return fmt.Sprintf("%s: %.2f min + %.4f min/host", c.series, c.Setup(), c.PerHost())
}

// Scaling is how a rollout's consoles share the work: how many there are
// and, by the Universal Scalability Law, how they slow each other down. A
// Scenario and a Rollout embed it.
//
// A calibrated curve (see Calibration.Apply) has σ and κ of its own, the
// calibration's; other curves have none (0). Contention or Coherency left
// at 0 means the curve's own value of that coefficient, and a value above
// 0 replaces it. To hold a coefficient at 0 where the curve's is not, set
// Fixed: then both are taken exactly as given, zeros included.
type Scaling struct {
	Consoles   int     // consoles working in parallel, 1 to MaxConsoles; 0 means 1
	Contention float64 // σ, 0 to 1e6, the USL contention between consoles (per extra console); 0 means the curve's
	Coherency  float64 // κ, 0 to 1e6, the USL coherency cost between consoles (per pair); 0 means the curve's
	Fixed      bool    // take Contention and Coherency as given, zeros included, not the curve's
}

// Slowdown is the Universal Scalability Law factor by which the per-host
// work of each console grows when c consoles share the network and the
// update server:
//
//	1 + σ(c−1) + κ·c(c−1),
//
// with σ and κ as given (see Curve.Scaling for a curve's own).
func (k Scaling) Slowdown() float64 {
	c := float64(max(k.Consoles, 1))
	return 1 + k.Contention*(c-1) + k.Coherency*c*(c-1)
}

// check validates the console count (0 means 1), σ and κ.
func (k Scaling) check() error {
	if k.Consoles == 0 {
		k.Consoles = 1
	}
	switch {
	case !consolesOK(k.Consoles):
		return consolesError(k.Consoles)
	case !scalingOK(k.Contention):
		return contentionError(k.Contention)
	case !scalingOK(k.Coherency):
		return coherencyError(k.Coherency)
	}
	return nil
}

// Scenario is a rollout to estimate: a fleet and its consoles.
type Scenario struct {
	Hosts int // machines to patch, 1 to MaxHosts
	Scaling
}

// Check reports why s is out of range (hosts, consoles, σ, κ), as a
// *RangeError; nil if it is not. Consoles 0 means 1.
func (s Scenario) Check() error { return s.check() }

// check validates s, Consoles 0 meaning 1.
func (s Scenario) check() error {
	if !hostsOK(s.Hosts) {
		return hostsError(s.Hosts)
	}
	return s.Scaling.check()
}

// plain reports, cheaply, whether s is valid with one or more consoles; a
// false answer sends it to check for the error. Both test the ranges of
// hostsOK, consolesOK and scalingOK.
func (s Scenario) plain() bool { return plain(s.Hosts, s.Consoles, s.Contention, s.Coherency) }

// plain is Scenario.plain of the scenario's fields.
func plain(hosts, consoles int, contention, coherency float64) bool {
	return hostsOK(hosts) && consolesOK(consoles) &&
		(contention == 0 && coherency == 0 || scalingOK(contention) && scalingOK(coherency))
}

// Span is a predicted time with its prediction interval: what an Estimate
// and a Plan share.
type Span struct {
	Minutes      float64 // predicted wall-clock time, minutes
	Low, High    float64 // prediction interval at Level, minutes; 0 ≤ Low ≤ Minutes ≤ High; High is +Inf when the data cannot bound it
	Level        float64 // confidence level of Low and High, e.g. 0.95
	Extrapolated bool    // the per-console work lies outside the data behind the curve (for a Plan: some job's)
}

// Duration returns Minutes as a time.Duration (at most MaxMinutes).
func (s Span) Duration() time.Duration { return minutesToDuration(s.Minutes) }

// Interval returns Low and High as time.Durations. When High is +Inf (the
// data cannot bound the interval) bounded is false and high is the longest
// time.Duration; times are otherwise at most MaxMinutes.
func (s Span) Interval() (low, high time.Duration, bounded bool) {
	if math.IsInf(s.High, 1) {
		return minutesToDuration(s.Low), math.MaxInt64, false
	}
	return minutesToDuration(s.Low), minutesToDuration(s.High), true
}

// Estimate is the predicted duration of a rollout.
type Estimate struct {
	Scenario // the scenario as estimated: Consoles at least 1, and for a calibrated curve the σ and κ used, Fixed
	Span
}

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
// ⌈hosts/c⌉ machines and its per-host work slows by s.Slowdown(), σ and κ
// being the curve's where s leaves them to it (see Scaling), so for the
// affine model
//
//	minutes = Setup + PerHost × ⌈hosts/c⌉ × (1 + σ(c−1) + κc(c−1)),
//
// with the prediction interval of a new rollout at the curve's level. No
// time is negative: a bound below zero is reported as zero. When the data
// cannot bound the interval (two points of unknown noise) or its top passes
// MaxMinutes, Low is 0 and High +Inf. It fails for a scenario out of range
// (a *RangeError), an estimate beyond MaxMinutes (ErrTooLong), or, outside
// its data, where the curve does not rise or gives no time above zero
// (ErrFalling).
func (c *Curve) Estimate(s Scenario) (Estimate, error) {
	if !c.ok() {
		return Estimate{}, errNotCurve
	}
	if s.Consoles == 0 {
		s.Consoles = 1
	}
	// s is changed in place and read field by field: copied whole, it
	// would cost more than the estimate (it is too large to stay in
	// registers, and its copy would stall on store forwarding).
	if c.cal != nil && !s.Fixed {
		c.scale(&s.Scaling)
	}
	if !plain(s.Hosts, s.Consoles, s.Contention, s.Coherency) {
		if err := s.check(); err != nil {
			return Estimate{}, err
		}
	}
	// The curve is evaluated at the load whose work equals the scaled work:
	// x·m for the affine model, x·m^(1/c) for the power model.
	x := float64(s.Hosts)
	if s.Consoles > 1 { // the division and the scaling cost as much as the rest
		x = c.load(&s)
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
	if extrapolated && !(y > 0 && c.b > 0) { // c.b: the fit's slope, at hand
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
	return Estimate{Scenario: Scenario{Hosts: s.Hosts, Scaling: Scaling{Consoles: s.Consoles, Contention: s.Contention, Coherency: s.Coherency, Fixed: s.Fixed}},
		Span: Span{Minutes: y, Low: lo, High: hi, Level: c.level, Extrapolated: extrapolated}}, nil
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
// model), with the curve's σ and κ where s leaves them to it (see Scaling).
// The curve is evaluated there, and an estimate is extrapolated when it
// lies outside DataRange. An invalid scenario, or the zero Curve, gives
// NaN.
func (c *Curve) Load(s Scenario) float64 {
	if !c.ok() {
		return math.NaN()
	}
	if s.Consoles == 0 {
		s.Consoles = 1
	}
	if c.cal != nil {
		s = c.scaled(s)
	}
	if !s.plain() {
		return math.NaN()
	}
	return c.load(&s)
}

// load is Load of a valid scenario whose σ and κ are resolved.
func (c *Curve) load(s *Scenario) float64 {
	x := float64(perConsole(s.Hosts, s.Consoles))
	if m := s.Slowdown(); m != 1 {
		if c.fit.Model == fit.PowerModel {
			m = math.Pow(m, 1/c.fit.Exponent)
		}
		x *= m
	}
	return x
}

// Scaling returns the σ and κ the curve's estimates use where a scenario
// leaves them to it (see Scaling): a calibrated curve's are the
// calibration's, when it fitted them; other curves have none.
func (c *Curve) Scaling() (contention, coherency float64) {
	if !c.ok() {
		return 0, 0
	}
	return c.pointScale.Contention, c.pointScale.Coherency
}

// scaled returns s with the curve's σ and κ where s leaves them to it,
// Fixed.
func (c *Curve) scaled(s Scenario) Scenario {
	if !s.Fixed {
		c.scale(&s.Scaling)
	}
	return s
}

// scale puts the curve's σ and κ in k where k leaves them to it (k is not
// Fixed), and fixes k.
func (c *Curve) scale(k *Scaling) {
	if k.Contention == 0 {
		k.Contention = c.pointScale.Contention
	}
	if k.Coherency == 0 {
		k.Coherency = c.pointScale.Coherency
	}
	k.Fixed = true
}

// PointLoads returns the load (see Load) at which each of Points was
// taken, in the same order: ⌈hosts/consoles⌉, and for a calibrated curve
// with the calibrated σ and κ.
func (c *Curve) PointLoads() []float64 {
	if !c.ok() {
		return nil
	}
	x := make([]float64, len(c.points))
	for i, p := range c.points {
		x[i] = c.Load(Scenario{Hosts: p.Hosts, Scaling: Scaling{Consoles: p.Consoles, Contention: c.pointScale.Contention, Coherency: c.pointScale.Coherency, Fixed: true}})
	}
	return x
}

// perConsole is ⌈hosts/consoles⌉, the fleet each console takes.
func perConsole(hosts, consoles int) int { return (hosts + consoles - 1) / consoles }

// Share returns ⌈hosts/n⌉, the hosts each of n consoles, or each of n
// windows, takes when hosts are shared out evenly; hosts itself for n < 1.
func Share(hosts, n int) int {
	if n < 1 {
		return hosts
	}
	return perConsole(hosts, n)
}
