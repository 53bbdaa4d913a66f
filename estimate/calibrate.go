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
// Get one from Catalog.Calibrate; its values cannot be changed, so what
// it reports is what Apply applies. The zero Calibration changes nothing:
// Apply returns the curve as it is, Speed is 1, RMSE NaN and the other
// values 0.
type Calibration struct {
	speed, speedSE           float64
	offset, offsetSE         float64
	contention, contentionSE float64
	coherency, coherencySE   float64
	scaling                  bool
	consoleCounts            int
	lin                      *fit.Linear
	obs                      []Observation // the observations, checked
	series                   []Series      // the series each is of
	sources                  []calSource   // the distinct series observed, for the published curves' own uncertainty
	lo, hi                   float64       // the smallest and largest load (see Curve.Load) under the calibrated σ and κ
	minConsoles, maxConsoles int           // the fewest and the most consoles observed
}

// ok reports whether cal is a calibration, not nil or the zero one.
func (cal *Calibration) ok() bool { return cal != nil && cal.lin != nil }

// Speed returns the site's per-host time over the published one, a pure
// number: 1 means as published, 1.25 a quarter slower.
func (cal *Calibration) Speed() float64 {
	if !cal.ok() {
		return 1
	}
	return cal.speed
}

// SpeedSE returns the standard error of Speed.
func (cal *Calibration) SpeedSE() float64 {
	if !cal.ok() {
		return 0
	}
	return cal.speedSE
}

// Offset returns the minutes the site adds to every setup.
func (cal *Calibration) Offset() float64 {
	if !cal.ok() {
		return 0
	}
	return cal.offset
}

// OffsetSE returns the standard error of Offset, minutes.
func (cal *Calibration) OffsetSE() float64 {
	if !cal.ok() {
		return 0
	}
	return cal.offsetSE
}

// Contention returns σ ≥ 0, the USL contention between consoles, a pure
// number (the fraction of one console's work each further console adds);
// 0 unless Scaling.
func (cal *Calibration) Contention() float64 {
	if !cal.ok() {
		return 0
	}
	return cal.contention
}

// ContentionSE returns the standard error of σ (by the delta method); 0
// unless Scaling, or when σ is held at its bound 0.
func (cal *Calibration) ContentionSE() float64 {
	if !cal.ok() {
		return 0
	}
	return cal.contentionSE
}

// Coherency returns κ ≥ 0, the USL coherency cost between consoles, a
// pure number (the fraction each pair of consoles adds); 0 unless
// Scaling.
func (cal *Calibration) Coherency() float64 {
	if !cal.ok() {
		return 0
	}
	return cal.coherency
}

// CoherencySE returns the standard error of κ (by the delta method); 0
// unless Scaling, or when κ is held at its bound 0.
func (cal *Calibration) CoherencySE() float64 {
	if !cal.ok() {
		return 0
	}
	return cal.coherencySE
}

// Scaling reports whether σ and κ were fitted: five or more observations
// at three or more console counts.
func (cal *Calibration) Scaling() bool { return cal.ok() && cal.scaling }

// ConsoleCounts returns the number of distinct console counts observed.
func (cal *Calibration) ConsoleCounts() int {
	if !cal.ok() {
		return 0
	}
	return cal.consoleCounts
}

// N returns the number of observations used.
func (cal *Calibration) N() int {
	if !cal.ok() {
		return 0
	}
	return cal.lin.N
}

// DF returns the residual degrees of freedom: N less the coefficients
// fitted (those held at a bound not counted).
func (cal *Calibration) DF() int {
	if !cal.ok() {
		return 0
	}
	return cal.lin.DF
}

// RMSE returns the residual standard error of the calibration, minutes;
// NaN when no degrees of freedom are left.
func (cal *Calibration) RMSE() float64 {
	if !cal.ok() {
		return math.NaN()
	}
	return cal.lin.RMSE
}

// MinScalingRollouts and MinScalingConsoles are what a calibration needs
// to fit σ and κ: 5 observed rollouts or more, at 3 console counts or more.
const (
	MinScalingRollouts = 5
	MinScalingConsoles = 3
)

// Minimum observations for a calibration.
const (
	minCalibration = 3                  // speed and offset, with one degree of freedom left
	minScaling     = MinScalingRollouts // speed, offset, σ and κ, with one degree of freedom left
	minConsoles    = MinScalingConsoles // distinct console counts for σ and κ
)

// ErrTooFewObservations means a calibration has too few observations; the
// error wrapping it, a *TooFewError, says how many it needs.
var ErrTooFewObservations = errors.New("too few observations")

// Calibrate fits a site's observed rollouts against the catalog's curves
// by least squares: the speed factor and setup offset always, σ and κ as
// well (constrained to be ≥ 0) when the observations use at least three
// distinct console counts. Each observation must name a series of the
// catalog that has a curve: its KB and, where the KB has several series,
// its platform or package (a platform matches the rows whose name holds
// it, and the one row whose name it is, ignoring case). It needs at least
// 3 observations at two or more per-console loads, and 5 for σ and κ;
// errors name the observation's line.
func (c *Catalog) Calibrate(obs []Observation) (*Calibration, error) {
	if len(obs) < minCalibration {
		return nil, &TooFewError{What: tooFewRollouts, Need: minCalibration, Have: len(obs)}
	}
	consoles := map[int]bool{}
	loads := map[int]bool{}
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
		loads[perConsole(o.Hosts, o.Consoles)] = true
		curves = append(curves, cv)
	}
	cal := &Calibration{scaling: len(consoles) >= minConsoles && len(obs) >= minScaling, consoleCounts: len(consoles)}
	if !cal.scaling {
		for i := range rows {
			rows[i] = rows[i][:2]
		}
	}
	lin, err := fit.LeastSquares(rows, y, []bool{false, false, true, true}[:len(rows[0])], options(obs))
	if err != nil {
		if errors.Is(err, fit.ErrNoSpread) || errors.Is(err, fit.ErrTooFewPoints) {
			return nil, &TooFewError{What: tooFewSizes, Need: 2, Have: len(loads)}
		}
		return nil, err
	}
	if !(lin.Coef[1] > 0) {
		return nil, fmt.Errorf("the observations give a site speed of %.3g (≤ 0): the more hosts, the faster; check them", lin.Coef[1])
	}
	cal.lin = lin
	cal.offset, cal.offsetSE = lin.Coef[0], lin.SE[0]
	cal.speed, cal.speedSE = lin.Coef[1], lin.SE[1]
	if cal.scaling {
		cal.contention, cal.contentionSE = ratio(lin, 2, 1)
		cal.coherency, cal.coherencySE = ratio(lin, 3, 1)
	}
	cal.sources = sources(lin, rows, curves)
	cal.obs, cal.lo, cal.hi = checked, math.Inf(1), 0
	cal.minConsoles, cal.maxConsoles = math.MaxInt, 0
	for i, o := range checked {
		cal.minConsoles, cal.maxConsoles = min(cal.minConsoles, o.Consoles), max(cal.maxConsoles, o.Consoles)
		x := curves[i].Load(cal.Scenario(Scenario{Hosts: o.Hosts, Scaling: Scaling{Consoles: o.Consoles}}))
		cal.lo, cal.hi = min(cal.lo, x), max(cal.hi, x)
		cal.series = append(cal.series, curves[i].series)
	}
	return cal, nil
}

// calSource is what a calibration needs of one published curve, observed
// or carried to, for that curve's own uncertainty (see calCurve.interval).
type calSource struct {
	series Series
	// A and B are U·Σ Xᵢ and U·Σ rᵢXᵢ over the series' observations, U
	// the calibration's unscaled covariance Cov/s² and rᵢ =
	// Xᵢ[1:]·β[1:]/PerHost, the observation's fitted per-host part over
	// the per-host time; zero for a series not observed.
	A, B [4]float64
	// va, vab, vb are the covariance of the published curve's (Setup,
	// PerHost), min².
	va, vab, vb float64
}

// sources gathers the calibration's observed series.
func sources(lin *fit.Linear, rows [][]float64, curves []*Curve) []calSource {
	var out []calSource
	if !(lin.Variance > 0) {
		return nil
	}
	for i, cv := range curves {
		k := -1
		for q := range out {
			if out[q].series == cv.series {
				k = q
			}
		}
		if k < 0 {
			out = append(out, publishedFit(cv))
			k = len(out) - 1
		}
		var r float64
		for a := 1; a < len(rows[i]); a++ {
			r += rows[i][a] * lin.Coef[a]
		}
		r /= cv.PerHost()
		for a := range rows[i] {
			var ux float64
			for b := range rows[i] {
				ux += lin.Cov[a][b] / lin.Variance * rows[i][b]
			}
			out[k].A[a] += ux
			out[k].B[a] += r * ux
		}
	}
	return out
}

// publishedFit is the covariance of a published curve's setup and per-host
// time: Var(Setup) and Var(PerHost) are the squared standard errors, and
// the covariance comes from the fitted line's variance at one load x,
// Var(ŷ(x)) = se²(x) − max(s² − δ, 0) = Var(Setup) + 2g·Cov + g²·Var(PerHost),
// g = g(x). (For the power model that variance also carries the
// exponent's, which the calibrated curve holds fixed; it is taken as part
// of the covariance.)
func publishedFit(c *Curve) calSource {
	f := c.fit
	src := calSource{series: c.series, va: f.InterceptSE * f.InterceptSE, vb: f.SlopeSE * f.SlopeSE}
	x := float64(max(c.maxHosts, 1))
	g := f.G(x)
	_, se := f.Predict(x)
	v := se*se - max(f.Variance-f.Offset, 0)
	if cab := (v - src.va - g*g*src.vb) / (2 * g); g != 0 && !math.IsNaN(cab) && !math.IsInf(cab, 0) {
		src.vab = cab
	}
	if math.IsNaN(src.va) || math.IsNaN(src.vb) {
		src.va, src.vab, src.vb = 0, 0, 0
	}
	return src
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
	if len(match) > 1 && o.Platform != "" {
		// The platform as the catalog prints it (as estimate's CSV output
		// gives it) names its row even when it is part of another's name.
		for _, e := range match {
			if fold(e.Platform) == fold(o.Platform) {
				match = []*entry{e}
				break
			}
		}
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
// the per-host time times Speed, and the calibrated σ and κ as the curve's
// own (see Curve.Scaling): a scenario that leaves them to the curve gets
// them (see Scaling). Its estimates are those of the calibration's
// regression, which is linear in (Offset, Speed, Speed·σ, Speed·κ): the
// interval is exact for it, s²·(1 + jᵀ(XᵀX)⁻¹j), and widens with console
// counts far from those observed; carried to a series the calibration did
// not observe, it adds that curve's own uncertainty and that of the
// observed curves (see calCurve.interval). A scenario with other σ and κ takes them as
// given. An estimate is extrapolated when its load lies outside the site's
// rollouts' loads or its console count outside theirs. The curve's points
// are the site's rollouts of c's series (none if the site measured other
// patches). The zero Calibration, or a c that is not a curve, gives c as
// it is.
func (cal *Calibration) Apply(c *Curve) *Curve {
	if !cal.ok() || !c.ok() {
		return c
	}
	b := c.PerHost()
	cov := cal.lin.Cov
	// Carried to a series it did not observe, the interval adds published
	// lines' variance, whose noise has its own degrees of freedom: t takes
	// the fewer of the two, so that it never errs narrow.
	df := cal.lin.DF
	observed := false
	for i := range cal.obs {
		observed = observed || cal.series[i] == c.series
	}
	if !observed && c.fit.NoiseDF > 0 {
		df = min(df, c.fit.NoiseDF)
	}
	line := fit.Line(c.Setup()+cal.offset, cal.speed*b, c.fit.Exponent,
		[2][2]float64{{cov[0][0], b * cov[0][1]}, {b * cov[1][0], b * b * cov[1][1]}}, cal.lin.Variance, df)
	d := *c
	d.fit, d.tried, d.noise = line, nil, Noise{} // the calibration's noise, not the table's
	d.reason = fmt.Sprintf("calibrated to %d observed rollouts: per-host time × %.3f, setup %+.2f min", cal.lin.N, cal.speed, cal.offset)
	d.points = nil
	for i, o := range cal.obs {
		if cal.series[i] == c.series {
			d.points = append(d.points, o)
		}
	}
	d.pointScale = cal.Scenario(Scenario{}).Scaling
	d.minHosts, d.maxHosts = int(math.Floor(cal.lo)), int(math.Ceil(cal.hi))
	d.setLevel(c.level)
	cc := &calCurve{cal: cal, setup: c.Setup(), perHost: b, exponent: c.fit.Exponent,
		minConsoles: cal.minConsoles, maxConsoles: cal.maxConsoles, target: -1}
	cc.sources = append(cc.sources, cal.sources...)
	for q := range cc.sources {
		if cc.sources[q].series == c.series {
			cc.target = q
		}
	}
	if cc.target < 0 && len(cal.sources) > 0 {
		cc.sources = append(cc.sources, publishedFit(c))
		cc.target = len(cc.sources) - 1
	}
	d.cal = cc
	return &d
}

// calCurve is how a calibrated curve predicts.
type calCurve struct {
	cal                      *Calibration
	setup, perHost, exponent float64 // the published curve's
	minConsoles, maxConsoles int
	sources                  []calSource // the calibration's observed series and, if not among them, the curve's own
	target                   int         // the curve's own among sources; −1 when there are none
}

// interval is the estimate and its prediction interval for s: for the
// regression row j = (1, u, u(c−1), u·c(c−1)) with u = PerHost × load^e,
// ŷ = Setup + j·β; with σ and κ other than the calibrated ones, j = (1,
// u·slowdown). Its variance is the regression's, s² + jᵀ·Cov·j, plus that
// of the published curves' own fits, which the regression takes as known:
// to first order in their errors (δa_q, δb_q) of (Setup, PerHost),
//
//	δŷ = δa_t + w·δb_t − Σᵢ lᵢ·(δa_q(i) + rᵢ·δb_q(i)),
//
// t the curve's series, w = (ŷ − Setup − β₀)/PerHost the load the
// calibrated per-host part puts on the published line, lᵢ = jᵀ(XᵀX)⁻¹Xᵢ
// the weight of observation i (of series q(i)) in ŷ and rᵢ its fitted
// per-host part over its PerHost. So each series q adds
//
//	ca²·Var(a_q) + 2·ca·cb·Cov(a_q, b_q) + cb²·Var(b_q),
//	ca = [q = t] − Σ_{i∈q} lᵢ,  cb = w·[q = t] − Σ_{i∈q} lᵢrᵢ.
//
// When every observation is of the curve's own series, Σ lᵢ = 1 and
// Σ lᵢrᵢ = w: the offset and the speed absorb the published curve's error
// and nothing is added. Carried to another series, the curve's own line
// adds its variance at w (Var(a_t + w·b_t), the published fit's s²·h at
// w: with the affine model, its interval's fit part at the load
// Speed × slowdown × load), and the observed series' line its variance
// where the calibration reads it. crit is Student's t at the curve's
// level with the fewer of the calibration's degrees of freedom and, when
// carried to another series, the published curve's noise's (see Apply):
// the Welch–Satterthwaite degrees of freedom of the sum lie between the
// smallest and the sum of the parts', so the fewest err wide, never
// narrow.
func (cc *calCurve) interval(s Scenario, crit float64) (y, lo, hi float64) {
	lin, cal := cc.cal.lin, cc.cal
	u := cc.perHost * math.Pow(float64(perConsole(s.Hosts, s.Consoles)), cc.exponent)
	c := float64(s.Consoles)
	var j [4]float64
	n := 2
	if cal.scaling && s.Contention == cal.contention && s.Coherency == cal.coherency {
		j, n = [4]float64{1, u, u * (c - 1), u * c * (c - 1)}, 4
	} else {
		j = [4]float64{1, u * s.Slowdown()}
	}
	y = cc.setup
	v := lin.Variance
	for a := 0; a < n; a++ {
		y += j[a] * lin.Coef[a]
		for b := 0; b < n; b++ {
			v += j[a] * lin.Cov[a][b] * j[b]
		}
	}
	if w := (y - cc.setup - lin.Coef[0]) / cc.perHost; cc.perHost != 0 {
		for q := range cc.sources {
			src := &cc.sources[q]
			var ca, cb float64
			for a := 0; a < n; a++ {
				ca -= j[a] * src.A[a]
				cb -= j[a] * src.B[a]
			}
			if q == cc.target {
				ca, cb = ca+1, cb+w
			}
			v += ca*ca*src.va + 2*ca*cb*src.vab + cb*cb*src.vb
		}
	}
	if math.IsInf(crit, 1) || math.IsNaN(v) {
		return y, math.Inf(-1), math.Inf(1)
	}
	half := crit * math.Sqrt(max(v, 0))
	return y, y - half, y + half
}

// Scenario returns s with the calibrated σ and κ, Fixed, when the
// calibration fitted them; otherwise s unchanged.
func (cal *Calibration) Scenario(s Scenario) Scenario {
	if cal.Scaling() {
		s.Contention, s.Coherency, s.Fixed = cal.contention, cal.coherency, true
	}
	return s
}
