// Package fit fits curves to points (x, y) by least squares and reports how
// far to trust them.
//
// It is pure numerics: it knows nothing of patches, hosts or minutes, only
// of x and y. Every model is of the form
//
//	y = α + β·g(x)
//
// with g(x) = x for the affine model and g(x) = x^c for the power model.
// A Fit carries the coefficients with their standard errors, the residuals,
// R², the leave-one-out (PRESS) error, AICc where it is defined, and gives
// prediction intervals from Student's t. Select chooses between the models
// by leave-one-out error; Pooled fits one slope shared by several groups.
//
// Inputs are never modified; invalid inputs give errors, never panics.
package fit

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Errors returned for points that cannot be fitted. They are wrapped with
// the details; test for them with errors.Is.
var (
	// ErrTooFewPoints means there are fewer points than the model has
	// coefficients.
	ErrTooFewPoints = errors.New("too few points")
	// ErrNoSpread means the points have too few distinct x to tell the
	// coefficients apart: two for the affine model, three for the power
	// model.
	ErrNoSpread = errors.New("too few distinct x")
	// ErrNotFinite means some x or y is NaN or ±Inf, or the fit overflows.
	ErrNotFinite = errors.New("value is not a finite number")
	// ErrLength means x and y differ in length.
	ErrLength = errors.New("x and y differ in length")
	// ErrDomain means an x the model cannot take: the power model needs
	// x > 0.
	ErrDomain = errors.New("x outside the model's domain")
)

// Model is a family of curves y = α + β·g(x).
type Model int

const (
	// AffineModel is y = α + β·x: two coefficients.
	AffineModel Model = iota
	// PowerModel is y = α + β·x^c: three coefficients, c found by a
	// one-dimensional search with a linear fit of α and β inside.
	PowerModel
	// PooledModel is y = α + β·x where β is shared with other groups of
	// points (see Pooled).
	PooledModel
)

// String names the model: "affine", "power" or "pooled".
func (m Model) String() string {
	switch m {
	case AffineModel:
		return "affine"
	case PowerModel:
		return "power"
	case PooledModel:
		return "pooled"
	}
	return fmt.Sprintf("Model(%d)", int(m))
}

// Options tune a fit. The zero value means plain least squares.
type Options struct {
	// MinVariance is the least residual variance s² used for standard
	// errors and intervals, in units of y². Data rounded to whole units
	// carry rounding noise of variance 1/12 however well a curve fits
	// them, so a floor of 1/12 keeps a perfect fit from claiming
	// certainty. Zero means no floor.
	MinVariance float64

	// Noise is the residual variance known from outside the data, such as
	// one pooled over other tables, against which Select tests the power
	// model's curvature. The zero value means none: Select uses the power
	// fit's own residual variance.
	Noise Noise
}

// Fit is a curve y = α + β·g(x) fitted to N points by least squares, with
// the statistics of the fit. A Fit is never modified after it is returned.
type Fit struct {
	Model       Model
	Intercept   float64 // α, in units of y
	Slope       float64 // β, in units of y per unit of g(x)
	Exponent    float64 // c in g(x) = x^c; 1 for the affine models
	InterceptSE float64 // standard error of α
	SlopeSE     float64 // standard error of β
	ExponentSE  float64 // standard error of c; 0 where c is fixed at 1

	N         int       // number of points
	DF        int       // residual degrees of freedom: N minus the coefficients
	Residuals []float64 // yᵢ − ŷᵢ, in the order of the points
	RSS       float64   // residual sum of squares Σ(yᵢ − ŷᵢ)²
	RMSE      float64   // residual standard error √(RSS/DF); NaN when DF = 0
	R2        float64   // coefficient of determination 1 − RSS/Σ(yᵢ − ȳ)²
	PRESS     float64   // leave-one-out sum Σ(yᵢ − ŷ₍₋ᵢ₎)², each ŷ₍₋ᵢ₎ fitted without point i; NaN when some point cannot be left out
	AICc      float64   // corrected Akaike criterion; NaN when N ≤ K()+2, too few points to define it
	Variance  float64   // s² used for errors and intervals: max(RSS/DF, MinVariance), or a pooled s² (see WithNoise); NaN when neither is known
	NoiseDF   int       // degrees of freedom of Variance, those of Critical and of the p-values: DF, or the pool's (see WithNoise)
	Offset    float64   // δ, the part of Variance a new observation does not carry (see WithNoise); 0 unless set by WithNoise

	k      int           // number of coefficients: 2 or 3
	center float64       // ḡ, the mean of g(xᵢ): the Jacobian's second column is g(x) − ḡ
	cov    [3][3]float64 // (JᵀJ)⁻¹, J the Jacobian of ŷ in (α + β·ḡ, β, c) at the points
}

// K returns the number of coefficients of the fit: 2 for the affine
// models, 3 for the power model. (A pooled group's α and the shared β.)
func (f *Fit) K() int { return f.k }

// LOO returns the leave-one-out root mean square error √(PRESS/N): the
// typical error of the curve at a point it was not fitted to.
func (f *Fit) LOO() float64 { return math.Sqrt(f.PRESS / float64(f.N)) }

// G returns g(x), the model's transform of x: x for the affine models,
// x^c for the power model.
func (f *Fit) G(x float64) float64 {
	if f.Model == PowerModel {
		return math.Pow(x, f.Exponent)
	}
	return x
}

// At returns the fitted value ŷ = α + β·g(x).
func (f *Fit) At(x float64) float64 { return f.Intercept + f.Slope*f.G(x) }

// Predict returns the fitted value ŷ at x and the standard error of a new
// observation there,
//
//	se = √(max(s² − δ, 0) + s²·jᵀ(JᵀJ)⁻¹j),
//
// where s² is Variance, δ is Offset and j is the gradient of ŷ in the
// coefficients at x. With δ = 0 (unless set by WithNoise) se² is
// s²·(1 + jᵀ(JᵀJ)⁻¹j), as in ordinary least squares. The error grows with the distance of x
// from the data.
func (f *Fit) Predict(x float64) (y, se float64) {
	if f.k == 2 && f.Model != PowerModel { // the common case, kept small enough to inline
		d := x - f.center
		return f.Intercept + f.Slope*x, math.Sqrt(f.fresh() + f.Variance*(f.cov[0][0]+d*(2*f.cov[0][1]+f.cov[1][1]*d)))
	}
	u := f.G(x)
	return f.Intercept + f.Slope*u, math.Sqrt(f.fresh() + f.Variance*f.leverage(x, u))
}

// fresh is the variance of a new observation about the true curve,
// max(s² − δ, 0).
func (f *Fit) fresh() float64 { return max(f.Variance-f.Offset, 0) }

// WithNoise returns a copy of the fit whose noise is given rather than its
// own: variance s², with df degrees of freedom, of which δ = offset is a
// part of the points' scatter that a new observation does not carry. Its
// standard errors, p-values, prediction errors and intervals then use
//
//	Var(α̂), Var(β̂)     = s²·(JᵀJ)⁻¹,
//	se²(x)             = max(s² − δ, 0) + s²·h(x),  h(x) = jᵀ(JᵀJ)⁻¹j,
//	interval           = ŷ ± t(df)·se(x),
//
// t(df) the quantile of Student's t with df degrees of freedom (the normal
// quantile when df = 0). For the affine model h(x) = 1/n + (x − x̄)²/Sxx.
//
// The use: points rounded to whole units carry the rounding error, of
// variance 1/12 when the rounding is uniform, on top of the noise σ² of
// the process; their residual variance estimates σ² + 1/12, which is what
// the fitted line's error carries (the s²·h term), while a new, unrounded
// observation scatters by σ² alone: δ = 1/12 would take all of the
// rounding out (package estimate takes half, 1/24, which its simulations
// support better: max(s² − 1/12, 0) is too often near zero). And groups of points that
// share their noise may pool it: s² = Σ RSS_g / Σ df_g over the groups,
// df = Σ df_g, which gives a group with few points the degrees of freedom
// of all.
//
// Preconditions: s² > 0 and finite, df ≥ 0, 0 ≤ δ; otherwise the fit is
// returned unchanged (a copy). Residuals, RSS, RMSE and DF remain the
// fit's own.
func (f *Fit) WithNoise(variance float64, df int, offset float64) *Fit {
	g := *f
	if !(variance > 0) || math.IsInf(variance, 1) || df < 0 || !(offset >= 0) {
		return &g
	}
	g.Variance, g.NoiseDF, g.Offset = variance, df, offset
	g.setSE()
	return &g
}

// leverage is jᵀ(JᵀJ)⁻¹j for the gradient j at x, where u = g(x).
func (f *Fit) leverage(x, u float64) float64 {
	d := u - f.center
	h := f.cov[0][0] + 2*f.cov[0][1]*d + f.cov[1][1]*d*d
	if f.k == 3 {
		jc := f.Slope * u * math.Log(x)
		h += 2*jc*(f.cov[0][2]+f.cov[1][2]*d) + f.cov[2][2]*jc*jc
	}
	return h
}

// Critical returns the two-sided critical value for intervals at level
// (0.95 for 95%): the quantile 1 − (1−level)/2 of Student's t with NoiseDF
// degrees of freedom (DF unless the noise was given, see WithNoise). With
// NoiseDF = 0 the residuals say nothing of the noise;
// if a variance floor was given, the noise is taken as known and the normal
// quantile is used, otherwise the result is +Inf. A level outside (0, 1)
// gives NaN.
func (f *Fit) Critical(level float64) float64 {
	if !(level > 0 && level < 1) {
		return math.NaN()
	}
	switch {
	case f.NoiseDF > 0:
		return critical(f.NoiseDF, level)
	case f.Variance > 0:
		return critical(0, level)
	}
	return math.Inf(1)
}

// criticals caches the quantiles of critical, which cost microseconds each
// while a catalog asks for the same few again and again. It keeps the
// first maxCriticals asked for, so that a program asking for ever new
// levels does not grow it without end.
var (
	criticals      sync.Map // criticalKey → float64
	criticalsCount atomic.Int32
)

const maxCriticals = 256

type criticalKey struct {
	df    int
	level float64
}

// critical is the quantile 1 − (1−level)/2 of Student's t with df degrees
// of freedom, or of the normal distribution for df = 0.
func critical(df int, level float64) float64 {
	k := criticalKey{df, level}
	if v, ok := criticals.Load(k); ok {
		return v.(float64)
	}
	p := 1 - (1-level)/2
	q := distuv.UnitNormal.Quantile(p)
	if df > 0 {
		q = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(p)
	}
	if criticalsCount.Add(1) <= maxCriticals {
		criticals.Store(k, q)
	}
	return q
}

// Interval returns the prediction interval at level for a new observation
// at x: ŷ ± Critical(level)·se, with ŷ and se from Predict. It is
// (−Inf, +Inf) when the noise is unknown (DF = 0 and no floor).
func (f *Fit) Interval(x, level float64) (lo, hi float64) {
	t := f.Critical(level)
	if math.IsInf(t, 1) {
		return math.Inf(-1), math.Inf(1)
	}
	y, se := f.Predict(x)
	return y - t*se, y + t*se
}

// Band returns the squared half-width of the prediction interval at level
// as a quadratic in d = x − center, computed once so that intervals cost a
// square root each:
//
//	half²(x) = q0 + d·(q1 + q2·d) = Critical(level)²·(max(s² − δ, 0) + s²·jᵀ(JᵀJ)⁻¹j),
//
// the square of Critical(level) times se from Predict.
//
// ok is false where no such quadratic exists: for the power model, and
// when the noise is unknown (Critical is +Inf) or the level is invalid.
func (f *Fit) Band(level float64) (center, q0, q1, q2 float64, ok bool) {
	t := f.Critical(level)
	if f.k != 2 || f.Model == PowerModel || math.IsInf(t, 1) || math.IsNaN(t) {
		return 0, 0, 0, 0, false
	}
	t2 := t * t
	k := t2 * f.Variance
	return f.center, t2*f.fresh() + k*f.cov[0][0], 2 * k * f.cov[0][1], k * f.cov[1][1], true
}

// Coef is one coefficient of a fit with its test against zero.
type Coef struct {
	Name  string  // "(Intercept)", "x" or "c", as R names them
	Value float64 // estimate
	SE    float64 // standard error
	T     float64 // Value/SE
	P     float64 // two-sided p-value of T under Student's t with NoiseDF degrees of freedom; NaN when NoiseDF = 0
}

// Coefficients returns α, β and, for the power model, c with their
// standard errors, t values and p-values, like R's summary(lm).
func (f *Fit) Coefficients() []Coef {
	cs := []Coef{{Name: "(Intercept)", Value: f.Intercept, SE: f.InterceptSE},
		{Name: "x", Value: f.Slope, SE: f.SlopeSE}}
	if f.Model == PowerModel {
		cs[1].Name = "x^c"
		cs = append(cs, Coef{Name: "c", Value: f.Exponent, SE: f.ExponentSE})
	}
	for i := range cs {
		cs[i].T = cs[i].Value / cs[i].SE
		cs[i].P = math.NaN()
		if f.NoiseDF > 0 {
			cs[i].P = 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(f.NoiseDF)}.Survival(math.Abs(cs[i].T))
		}
	}
	return cs
}

// String writes the fitted curve: "y = 9.867 + 0.1684·x".
func (f *Fit) String() string {
	if f.Model == PowerModel {
		return fmt.Sprintf("y = %.4g + %.4g·x^%.4g", f.Intercept, f.Slope, f.Exponent)
	}
	return fmt.Sprintf("y = %.4g + %.4g·x", f.Intercept, f.Slope)
}

// Affine fits the straight line
//
//	y = α + β·x
//
// to the points (x[i], y[i]) by ordinary least squares:
//
//	β = Σ(xᵢ − x̄)(yᵢ − ȳ) / Σ(xᵢ − x̄)²,  α = ȳ − β·x̄.
//
// PRESS comes from the leverages hᵢ = 1/n + (xᵢ − x̄)²/Σ(xⱼ − x̄)² as
// Σ(eᵢ/(1 − hᵢ))², which equals refitting without each point in turn.
//
// It needs at least two points, at least two distinct values of x, and
// finite values throughout; otherwise it returns an error wrapping
// ErrTooFewPoints, ErrNoSpread, ErrNotFinite or ErrLength. o may be nil.
func Affine(x, y []float64, o *Options) (*Fit, error) {
	if err := check(x, y, 2, 2); err != nil {
		return nil, err
	}
	a, b := stat.LinearRegression(x, y, nil, false)
	f := &Fit{Model: AffineModel, Intercept: a, Slope: b, Exponent: 1, k: 2}
	if err := f.finish(x, y, o); err != nil {
		return nil, err
	}
	f.PRESS = pressFromLeverage(f, x)
	return f, nil
}

// pressFromLeverage is Σ(eᵢ/(1 − hᵢ))² with hᵢ = jᵢᵀ(JᵀJ)⁻¹jᵢ, for a
// model linear in its coefficients; NaN when a point has leverage 1 (it
// alone fixes the line).
func pressFromLeverage(f *Fit, x []float64) float64 {
	var press float64
	for i, xi := range x {
		h := f.leverage(xi, xi)
		if 1-h < 1e-9 {
			return math.NaN()
		}
		r := f.Residuals[i] / (1 - h)
		press += r * r
	}
	return press
}

// finish fills in everything but the coefficients and PRESS: residuals,
// RSS, R², DF, RMSE, the variance used, the covariance and the standard
// errors, and AICc.
func (f *Fit) finish(x, y []float64, o *Options) error {
	for _, v := range []float64{f.Intercept, f.Slope, f.Exponent} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("fit: coefficients overflow (%v): %w", f, ErrNotFinite)
		}
	}
	n := len(x)
	f.N, f.DF = n, n-f.k
	f.NoiseDF = f.DF
	f.Residuals = make([]float64, n)
	ybar := stat.Mean(y, nil)
	var tss float64
	for i := range x {
		f.Residuals[i] = y[i] - f.At(x[i])
		f.RSS += f.Residuals[i] * f.Residuals[i]
		tss += (y[i] - ybar) * (y[i] - ybar)
	}
	f.R2 = 1 - f.RSS/tss
	f.RMSE, f.Variance = noise(f.RSS, f.DF, o)
	if err := f.covariance(x); err != nil {
		return err
	}
	f.setSE()
	f.AICc = aicc(f.RSS, n, f.k)
	return nil
}

// noise returns the residual standard error √(RSS/df), NaN when df = 0,
// and the variance to use for errors and intervals: RSS/df, raised to the
// floor of o if there is one.
func noise(rss float64, df int, o *Options) (rmse, variance float64) {
	rmse, variance = math.NaN(), math.NaN()
	if df > 0 {
		variance = rss / float64(df)
		rmse = math.Sqrt(variance)
	}
	if o != nil && o.MinVariance > 0 && !(variance >= o.MinVariance) {
		variance = o.MinVariance
	}
	return rmse, variance
}

// setSE sets the standard errors from f.Variance and f.cov.
func (f *Fit) setSE() {
	// α = (α + β·ḡ) − β·ḡ, so Var(α) = s²·(C₀₀ − 2ḡC₀₁ + ḡ²C₁₁).
	c := f.center
	f.InterceptSE = math.Sqrt(f.Variance * (f.cov[0][0] - 2*c*f.cov[0][1] + c*c*f.cov[1][1]))
	f.SlopeSE = math.Sqrt(f.Variance * f.cov[1][1])
	if f.k == 3 {
		f.ExponentSE = math.Sqrt(f.Variance * f.cov[2][2])
	}
}

// aicc is the corrected Akaike criterion of a least-squares fit with k
// coefficients plus the noise variance,
//
//	AICc = n·ln(RSS/n) + 2p + 2p(p+1)/(n − p − 1),  p = k + 1,
//
// NaN when n − p − 1 ≤ 0.
func aicc(rss float64, n, k int) float64 {
	p := float64(k + 1)
	nf := float64(n)
	if nf-p-1 <= 0 {
		return math.NaN()
	}
	return nf*math.Log(rss/nf) + 2*p + 2*p*(p+1)/(nf-p-1)
}

// covariance sets f.cov to (JᵀJ)⁻¹ for the Jacobian J, whose rows are
// (1, g(xᵢ) − ḡ) or, for the power model, (1, xᵢ^c − ḡ, β·xᵢ^c·ln xᵢ), in
// closed form. Centring g keeps the columns apart when the
// x are large and close together.
func (f *Fit) covariance(x []float64) error {
	for _, xi := range x {
		f.center += f.G(xi) / float64(len(x))
	}
	if f.k == 2 {
		// The columns 1 and g(x) − ḡ are orthogonal: (JᵀJ)⁻¹ is diagonal.
		var s float64
		for _, xi := range x {
			d := f.G(xi) - f.center
			s += d * d
		}
		if !(s > 0) {
			return fmt.Errorf("fit: %v: coefficients cannot be told apart: %w", f, ErrNoSpread)
		}
		f.cov = [3][3]float64{{1 / float64(len(x))}, {1: 1 / s}}
		return nil
	}
	// Three columns: JᵀJ by sums, inverted by its adjugate (a 3×3 matrix;
	// the tests check it against gonum's mat on finite differences).
	var m [3][3]float64
	for _, xi := range x {
		u := f.G(xi)
		j := [3]float64{1, u - f.center, f.Slope * u * math.Log(xi)}
		for a := 0; a < 3; a++ {
			for b := 0; b < 3; b++ {
				m[a][b] += j[a] * j[b]
			}
		}
	}
	adj := [3][3]float64{
		{m[1][1]*m[2][2] - m[1][2]*m[2][1], m[0][2]*m[2][1] - m[0][1]*m[2][2], m[0][1]*m[1][2] - m[0][2]*m[1][1]},
		{m[1][2]*m[2][0] - m[1][0]*m[2][2], m[0][0]*m[2][2] - m[0][2]*m[2][0], m[0][2]*m[1][0] - m[0][0]*m[1][2]},
		{m[1][0]*m[2][1] - m[1][1]*m[2][0], m[0][1]*m[2][0] - m[0][0]*m[2][1], m[0][0]*m[1][1] - m[0][1]*m[1][0]},
	}
	det := m[0][0]*adj[0][0] + m[0][1]*adj[1][0] + m[0][2]*adj[2][0]
	// A determinant lost in rounding means the columns are (nearly) one.
	scale := m[0][0] * m[1][1] * m[2][2]
	if !(math.Abs(det) > 1e-12*scale) {
		return fmt.Errorf("fit: %v: coefficients cannot be told apart: %w", f, ErrNoSpread)
	}
	for a := 0; a < 3; a++ {
		for b := 0; b < 3; b++ {
			f.cov[a][b] = adj[a][b] / det
		}
	}
	return nil
}

// check validates points for a model with k coefficients that needs at
// least distinct different values of x.
func check(x, y []float64, k, distinct int) error {
	if len(x) != len(y) {
		return fmt.Errorf("fit: %d x and %d y: %w", len(x), len(y), ErrLength)
	}
	if len(x) < k {
		return fmt.Errorf("fit: %d point(s), need at least %d: %w", len(x), k, ErrTooFewPoints)
	}
	for i := range x {
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) {
			return fmt.Errorf("fit: x[%d] = %v: %w", i, x[i], ErrNotFinite)
		}
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return fmt.Errorf("fit: y[%d] = %v: %w", i, y[i], ErrNotFinite)
		}
	}
	if d := countDistinct(x, distinct); d < distinct {
		if d == 1 {
			return fmt.Errorf("fit: all %d points have x = %v, need %d distinct: %w", len(x), x[0], distinct, ErrNoSpread)
		}
		return fmt.Errorf("fit: %d distinct x, need %d: %w", d, distinct, ErrNoSpread)
	}
	return nil
}

// countDistinct counts the distinct values of x, stopping at limit.
func countDistinct(x []float64, limit int) int {
	var buf [8]float64
	seen := buf[:0]
	for _, xi := range x {
		dup := false
		for _, s := range seen {
			if s == xi {
				dup = true
				break
			}
		}
		if !dup {
			seen = append(seen, xi)
			if len(seen) == limit {
				break
			}
		}
	}
	return len(seen)
}
