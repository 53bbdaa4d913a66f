package fit

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// PooledFit is a fit of
//
//	y = α_g + β·x
//
// to several groups g of points, with one intercept per group and one
// slope shared by all.
type PooledFit struct {
	Slope       float64 // β, shared by all groups
	SlopeSE     float64 // standard error of β
	Groups      []*Fit  // each group's curve: its α_g, the shared β, and the pooled noise
	N           int     // points in all groups
	DF          int     // residual degrees of freedom: N − groups − 1
	RSS         float64 // residual sum of squares over all groups
	RMSE        float64 // residual standard error √(RSS/DF); NaN when DF = 0
	AICc        float64 // corrected Akaike criterion of the whole pooled model; NaN when too few points
	Variance    float64 // s² used for errors and intervals: max(RSS/DF, MinVariance)
	Tau2        float64 // τ², the between-group variance of the slope (DerSimonian–Laird, see Pooled); 0 when fewer than two groups have two distinct x
	Q           float64 // Cochran's Q of the groups' own slopes about β; 0 when fewer than two groups have two distinct x
	SlopeGroups int     // groups with two distinct x, which have a slope of their own: Q has SlopeGroups − 1 degrees of freedom

	sxx float64 // S = Σ_g Σ_i (x_gi − x̄_g)²
}

// Pooled fits groups of points (xs[g], ys[g]) with one intercept per group
// and one shared slope, in closed form (the within-group estimator):
//
//	β = Σ_g Σ_i (x_gi − x̄_g)(y_gi − ȳ_g) / Σ_g Σ_i (x_gi − x̄_g)²,
//	α_g = ȳ_g − β·x̄_g,
//	SE(β) = √(s²/S),  SE(α_g) = √(s²·(1/n_g + x̄_g²/S)),
//
// with S the denominator of β and s² = RSS/(N − G − 1). A group may have a
// single point: its intercept then rests on the slope the others give.
//
// The groups' own slopes b_g = S_xy,g/S_g (S_g = Σ_i (x_gi − x̄_g)², over
// the k groups with S_g > 0) scatter about β by more than s² alone says
// when the true slopes differ between groups. Their between-group variance
// is estimated by the method of moments (DerSimonian and Laird), with
// weights w_g = 1/se_g² = S_g/s² under the pooled s²:
//
//	Q = Σ_g w_g·(b_g − β)²,  (β is the w-weighted mean of the b_g)
//	τ² = max(0, (Q − (k − 1)) / (Σ w_g − Σ w_g²/Σ w_g)),
//
// and τ² = 0 when k < 2. It is the part of a new group's slope that the
// pooled β cannot know (see WithIntercept).
//
// Each group's Fit has Model PooledModel, DF of the whole pooled fit, its
// own residuals, R² and PRESS (from the leverages
// hᵢ = 1/n_g + (xᵢ − x̄_g)²/S), and AICc NaN: AICc belongs to the whole
// model. It fails when a group is empty, values are not finite, or no group
// has two distinct x. o may be nil.
func Pooled(xs, ys [][]float64, o *Options) (*PooledFit, error) {
	if len(xs) != len(ys) {
		return nil, fmt.Errorf("fit: %d x groups and %d y groups: %w", len(xs), len(ys), ErrLength)
	}
	if len(xs) == 0 {
		return nil, fmt.Errorf("fit: no groups: %w", ErrTooFewPoints)
	}
	xbar := make([]float64, len(xs))
	ybar := make([]float64, len(xs))
	var sxx, sxy float64
	p := &PooledFit{}
	for g := range xs {
		if err := check(xs[g], ys[g], 1, 1); err != nil {
			return nil, fmt.Errorf("group %d: %w", g, err)
		}
		xbar[g], ybar[g] = stat.Mean(xs[g], nil), stat.Mean(ys[g], nil)
		for i, x := range xs[g] {
			sxx += (x - xbar[g]) * (x - xbar[g])
			sxy += (x - xbar[g]) * (ys[g][i] - ybar[g])
		}
		p.N += len(xs[g])
	}
	if !(sxx > 0) {
		return nil, fmt.Errorf("fit: no group has two distinct x: %w", ErrNoSpread)
	}
	p.Slope, p.sxx = sxy/sxx, sxx
	if math.IsNaN(p.Slope) || math.IsInf(p.Slope, 0) {
		return nil, fmt.Errorf("fit: pooled slope overflows: %w", ErrNotFinite)
	}
	p.DF = p.N - len(xs) - 1
	p.Groups = make([]*Fit, len(xs))
	for g := range xs {
		f := &Fit{Model: PooledModel, Intercept: ybar[g] - p.Slope*xbar[g], Slope: p.Slope, Exponent: 1,
			k: 2, N: len(xs[g]), DF: p.DF, NoiseDF: p.DF, Residuals: make([]float64, len(xs[g])), AICc: math.NaN()}
		var tss float64
		for i, x := range xs[g] {
			r := ys[g][i] - f.At(x)
			f.Residuals[i] = r
			f.RSS += r * r
			tss += (ys[g][i] - ybar[g]) * (ys[g][i] - ybar[g])
		}
		f.R2 = 1 - f.RSS/tss
		p.RSS += f.RSS
		// Centred on x̄_g, α_g + β·x̄_g = ȳ_g and β are uncorrelated.
		f.center = xbar[g]
		f.cov = [3][3]float64{{1 / float64(len(xs[g])), 0}, {0, 1 / sxx}}
		p.Groups[g] = f
	}
	p.RMSE, p.Variance = noise(p.RSS, p.DF, o)
	p.SlopeSE = math.Sqrt(p.Variance / sxx)
	p.AICc = aicc(p.RSS, p.N, len(xs)+1)
	floor := 0.0
	if o != nil {
		floor = o.MinVariance
	}
	p.Tau2, p.Q, p.SlopeGroups = between(xs, ys, xbar, ybar, p.Slope, p.Variance, floor)
	for g, f := range p.Groups {
		f.RMSE, f.Variance = p.RMSE, p.Variance
		f.setSE()
		f.PRESS = pressFromLeverage(f, xs[g])
	}
	return p, nil
}

// between returns τ², Q and k of the groups' own slopes (see Pooled). The
// weights w_g = Sxx_g/s² take s² within the groups, ΣRSS_g/Σ(n_g − 2) of
// each group's own line (at least floor), not the common-slope fit's
// variance, which the spread of slopes itself inflates; with no group of
// three points or more, the common-slope variance s2 stands in.
func between(xs, ys [][]float64, xbar, ybar []float64, beta, s2, floor float64) (tau2, q float64, k int) {
	var rssWithin float64
	dfWithin := 0
	for g := range xs {
		var sxx, sxy, syy float64
		for i, x := range xs[g] {
			sxx += (x - xbar[g]) * (x - xbar[g])
			sxy += (x - xbar[g]) * (ys[g][i] - ybar[g])
			syy += (ys[g][i] - ybar[g]) * (ys[g][i] - ybar[g])
		}
		if sxx > 0 && len(xs[g]) > 2 {
			rssWithin += max(syy-sxy*sxy/sxx, 0)
			dfWithin += len(xs[g]) - 2
		}
	}
	if dfWithin > 0 {
		s2 = max(rssWithin/float64(dfWithin), floor)
	}
	var sw, sw2 float64
	for g := range xs {
		var sxx, sxy float64
		for i, x := range xs[g] {
			sxx += (x - xbar[g]) * (x - xbar[g])
			sxy += (x - xbar[g]) * (ys[g][i] - ybar[g])
		}
		if !(sxx > 0) {
			continue
		}
		w := sxx / s2
		b := sxy / sxx
		q += w * (b - beta) * (b - beta)
		sw, sw2, k = sw+w, sw2+w*w, k+1
	}
	if k < 2 || !(s2 > 0) {
		return 0, 0, k
	}
	if d := sw - sw2/sw; d > 0 && q > float64(k-1) {
		tau2 = (q - float64(k-1)) / d
	}
	return tau2, q, k
}

// WithIntercept returns the curve y = a + β·x of a new group whose
// intercept a is known and whose slope is the pooled β. The new group's
// true slope differs from the groups' mean slope by the between-group
// spread τ², and β from that mean by SE(β)², so
//
//	Var(ŷ(x)) = x²·(SE(β)² + τ²),  SE of the slope √(SE(β)² + τ²),
//
// and new points scatter with the pooled variance s²: a new point's
// prediction variance is s² + x²·(SE(β)² + τ²). Its NoiseDF, that of the
// intervals' t, is k − 2 for the k = SlopeGroups groups with a slope (at
// least 1, at most DF), as in the prediction interval of a random-effects
// meta-analysis (Higgins, Thompson and Spiegelhalter 2009): at the fleet
// sizes where a new group's interval matters the slope term dominates,
// and τ² rests on k slopes, not on the DF residuals. In a simulation of
// five tables whose rates differ by 0.001, a 95% interval at 5000 hosts
// (σ = 0.3) covered 84% with DF and 92% with k − 1, where τ̂ = 0 in four
// catalogs of ten; k − 2 covers 94%. With fewer than
// two groups τ² cannot be estimated, and the fit claims no interval: its
// Variance is NaN (Critical is +Inf). It has no points: N is 0, and R²,
// PRESS and AICc are NaN.
func (p *PooledFit) WithIntercept(a float64) *Fit {
	if p.SlopeGroups < 2 {
		// One table: how far a new patch's rate may differ from it is
		// unknown, so no interval can be claimed (its top is unbounded).
		return &Fit{Model: PooledModel, Intercept: a, Slope: p.Slope, Exponent: 1, SlopeSE: math.NaN(),
			DF: p.DF, RMSE: p.RMSE, Variance: math.NaN(), R2: math.NaN(), PRESS: math.NaN(), AICc: math.NaN(), k: 2}
	}
	c := 1 / p.sxx
	if p.Tau2 > 0 && p.Variance > 0 {
		c += p.Tau2 / p.Variance
	}
	return &Fit{Model: PooledModel, Intercept: a, Slope: p.Slope, Exponent: 1, SlopeSE: math.Sqrt(p.SlopeSE*p.SlopeSE + p.Tau2),
		DF: p.DF, NoiseDF: min(p.DF, max(p.SlopeGroups-2, 1)), RMSE: p.RMSE, Variance: p.Variance, R2: math.NaN(), PRESS: math.NaN(), AICc: math.NaN(),
		k: 2, cov: [3][3]float64{1: {1: c}}}
}
