package fit

import (
	"fmt"
	"math"
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
	c, a, b := searchPower(lnx, y, u, 0)
	f := &Fit{Model: PowerModel, Intercept: a, Slope: b, Exponent: c, k: 3}
	if err := f.finish(x, y, o); err != nil {
		return nil, err
	}
	f.PRESS = powerPRESS(x, y, lnx, u, c)
	return f, nil
}

// The relative precision of the exponent search: for a fit, far below the
// exponent's standard error on any real table; for the leave-one-out
// refits, whose only use is the error at the point left out, enough to
// move that error by much less than its rounding.
const (
	powerTolerance = 1e-6
	looTolerance   = 1e-4
)

// searchPower returns the exponent c minimising RSS(c) and the α, β of the
// straight-line fit of y on x^c. u is scratch space of len(lnx). With
// near > 0 it first searches [near/1.15, near·1.15], the neighbourhood of
// a known optimum, to the precision of a leave-one-out refit (which starts
// from the full fit's exponent), and falls back to the whole range when
// the optimum is not inside.
func searchPower(lnx, y, u []float64, near float64) (c, a, b float64) {
	if near > 0 {
		lo, hi := near/1.15, near*1.15
		if c := golden(lnx, y, u, lo, hi, looTolerance); c > lo*(1+2*looTolerance) && c < hi*(1-2*looTolerance) {
			return finishPower(lnx, y, u, c)
		}
	}
	const steps = 6
	ratio := math.Pow(maxExponent/minExponent, 1.0/steps)
	best, bestRSS := 0, math.Inf(1)
	for k := 0; k <= steps; k++ {
		if r := powerRSS(lnx, y, u, minExponent*math.Pow(ratio, float64(k))); r < bestRSS {
			best, bestRSS = k, r
		}
	}
	lo := minExponent * math.Pow(ratio, float64(max(best-1, 0)))
	hi := minExponent * math.Pow(ratio, float64(min(best+1, steps)))
	c = golden(lnx, y, u, lo, hi, powerTolerance)
	if best == 0 && powerRSS(lnx, y, u, minExponent) <= powerRSS(lnx, y, u, c) {
		c = minExponent
	} else if best == steps && powerRSS(lnx, y, u, maxExponent) <= powerRSS(lnx, y, u, c) {
		c = maxExponent
	}
	return finishPower(lnx, y, u, c)
}

// golden finds the minimum of RSS(c) on [lo, hi] by Brent's method:
// parabolic interpolation through the three best points so far, with
// golden-section steps wherever the parabola misbehaves. RSS(c) is smooth, so the parabolas converge
// in a handful of steps where golden sections alone take twenty. tol is the
// relative precision wanted.
func golden(lnx, y, u []float64, lo, hi, tol float64) float64 {
	const cgold = 0.3819660112501051 // 2 − φ
	a, b := lo, hi
	x := a + cgold*(b-a)
	w, v := x, x
	fx := powerRSS(lnx, y, u, x)
	fw, fv := fx, fx
	var d, e float64
	for iter := 0; iter < 100; iter++ {
		xm := (a + b) / 2
		tol1 := tol*math.Abs(x) + 1e-12
		tol2 := 2 * tol1
		if math.Abs(x-xm) <= tol2-(b-a)/2 {
			break
		}
		golden := true
		if math.Abs(e) > tol1 {
			// The parabola through (v, fv), (w, fw), (x, fx).
			r := (x - w) * (fx - fv)
			q := (x - v) * (fx - fw)
			p := (x-v)*q - (x-w)*r
			q = 2 * (q - r)
			if q > 0 {
				p = -p
			}
			q = math.Abs(q)
			if math.Abs(p) < math.Abs(q*e/2) && p > q*(a-x) && p < q*(b-x) {
				e, d = d, p/q
				golden = false
				if u := x + d; u-a < tol2 || b-u < tol2 {
					d = math.Copysign(tol1, xm-x)
				}
			}
		}
		if golden {
			if x >= xm {
				e = a - x
			} else {
				e = b - x
			}
			d = cgold * e
		}
		t := x + d
		if math.Abs(d) < tol1 {
			t = x + math.Copysign(tol1, d)
		}
		ft := powerRSS(lnx, y, u, t)
		if ft <= fx {
			if t >= x {
				a = x
			} else {
				b = x
			}
			v, w, x = w, x, t
			fv, fw, fx = fw, fx, ft
			continue
		}
		if t < x {
			a = t
		} else {
			b = t
		}
		if ft <= fw || w == x {
			v, w, fv, fw = w, t, fw, ft
		} else if ft <= fv || v == x || v == w {
			v, fv = t, ft
		}
	}
	return x
}

// finishPower fits α and β at the exponent c.
func finishPower(lnx, y, u []float64, c float64) (float64, float64, float64) {
	_, a, b := powerLine(lnx, y, u, c)
	return c, a, b
}

// powerRSS is RSS(c), the residual sum of squares of the straight-line fit
// of y on u = x^c.
func powerRSS(lnx, y, u []float64, c float64) float64 {
	rss, _, _ := powerLine(lnx, y, u, c)
	return rss
}

// powerLine fits y = α + β·u, u = x^c, by least squares from the centred
// sums: β = Suy/Suu, α = ȳ − β·ū, RSS = Syy − Suy²/Suu. It is the search's
// inner loop, run some fifty times a fit, so it is written out rather than
// calling stat.LinearRegression (which the tests compare it with).
func powerLine(lnx, y, u []float64, c float64) (rss, a, b float64) {
	n := float64(len(lnx))
	var su, sy float64
	for i, l := range lnx {
		u[i] = math.Exp(c * l)
		su += u[i]
		sy += y[i]
	}
	ub, yb := su/n, sy/n
	var suu, suy, syy float64
	for i, ui := range u {
		du, dy := ui-ub, y[i]-yb
		suu += du * du
		suy += du * dy
		syy += dy * dy
	}
	b = suy / suu
	return syy - suy*b, yb - b*ub, b
}

// powerPRESS refits the power model without each point in turn, starting
// each search near the full fit's exponent c, and sums the squared errors
// at the left-out points; NaN when a subset has fewer than three distinct
// x.
func powerPRESS(x, y, lnx, u []float64, c float64) float64 {
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
		ci, a, b := searchPower(sl, sy, u[:n-1], c)
		r := y[i] - (a + b*math.Exp(ci*lnx[i]))
		press += r * r
	}
	return press
}
