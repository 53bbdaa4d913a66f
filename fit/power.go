package fit

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// The range searched for the exponent c of the power model.
const (
	minExponent = 0.2
	maxExponent = 5
)

// Power fits the curve
//
//	y = α + β·x^c
//
// by least squares. For a given c the model is linear in α and β, so the
// residual sum of squares RSS(c) is found by the straight-line fit of y on
// x^c; c itself comes from a one-dimensional search of RSS(c) over
// [0.2, 5]: a geometric grid, then golden-section refinement around its
// best point. An optimum on the edge of the range stays there.
//
// The standard errors come from the Jacobian at the optimum. PRESS refits
// the whole model, search included, without each point in turn; it is NaN
// when fewer than three distinct x would remain.
//
// It needs at least three points with three distinct x, all x > 0, and
// finite values; otherwise it returns an error wrapping ErrTooFewPoints,
// ErrNoSpread, ErrDomain, ErrNotFinite or ErrLength. o may be nil.
func Power(x, y []float64, o *Options) (*Fit, error) {
	if err := check(x, y, 3, 3); err != nil {
		return nil, err
	}
	lnx := make([]float64, len(x))
	for i, xi := range x {
		if xi <= 0 {
			return nil, fmt.Errorf("fit: power model needs x > 0, x[%d] = %v: %w", i, xi, ErrDomain)
		}
		lnx[i] = math.Log(xi)
	}
	u := make([]float64, len(x))
	c, a, b := searchPower(lnx, y, u)
	f := &Fit{Model: PowerModel, Intercept: a, Slope: b, Exponent: c, k: 3}
	if err := f.finish(x, y, o); err != nil {
		return nil, err
	}
	f.PRESS = powerPRESS(x, y, lnx, u)
	return f, nil
}

// searchPower returns the exponent c minimising RSS(c) and the α, β of the
// straight-line fit of y on x^c. u is scratch space of len(lnx).
func searchPower(lnx, y, u []float64) (c, a, b float64) {
	rss := func(c float64) float64 {
		for i, l := range lnx {
			u[i] = math.Exp(c * l)
		}
		a, b := stat.LinearRegression(u, y, nil, false)
		var s float64
		for i, ui := range u {
			r := y[i] - a - b*ui
			s += r * r
		}
		return s
	}
	const steps = 12
	ratio := math.Pow(maxExponent/minExponent, 1.0/steps)
	best, bestRSS := 0, math.Inf(1)
	for k := 0; k <= steps; k++ {
		if r := rss(minExponent * math.Pow(ratio, float64(k))); r < bestRSS {
			best, bestRSS = k, r
		}
	}
	lo := minExponent * math.Pow(ratio, float64(max(best-1, 0)))
	hi := minExponent * math.Pow(ratio, float64(min(best+1, steps)))
	// Golden-section search on [lo, hi].
	const invPhi = 0.6180339887498949
	c1, c2 := hi-invPhi*(hi-lo), lo+invPhi*(hi-lo)
	r1, r2 := rss(c1), rss(c2)
	for hi-lo > 1e-6*hi {
		if r1 <= r2 {
			hi, c2, r2 = c2, c1, r1
			c1 = hi - invPhi*(hi-lo)
			r1 = rss(c1)
		} else {
			lo, c1, r1 = c1, c2, r2
			c2 = lo + invPhi*(hi-lo)
			r2 = rss(c2)
		}
	}
	c = (lo + hi) / 2
	if best == 0 && rss(minExponent) <= rss(c) {
		c = minExponent
	} else if best == steps && rss(maxExponent) <= rss(c) {
		c = maxExponent
	}
	rss(c)
	a, b = stat.LinearRegression(u, y, nil, false)
	return c, a, b
}

// powerPRESS refits the power model without each point in turn and sums
// the squared errors at the left-out points; NaN when a subset has fewer
// than three distinct x.
func powerPRESS(x, y, lnx, u []float64) float64 {
	n := len(x)
	sx := make([]float64, 0, n-1)
	sl := make([]float64, 0, n-1)
	sy := make([]float64, 0, n-1)
	var press float64
	for i := range x {
		sx, sl, sy = sx[:0], sl[:0], sy[:0]
		for j := range x {
			if j != i {
				sx, sl, sy = append(sx, x[j]), append(sl, lnx[j]), append(sy, y[j])
			}
		}
		if countDistinct(sx, 3) < 3 {
			return math.NaN()
		}
		c, a, b := searchPower(sl, sy, u[:n-1])
		r := y[i] - (a + b*math.Exp(c*lnx[i]))
		press += r * r
	}
	return press
}
