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
// The standard errors come from the Jacobian at the optimum.
//
// PRESS is Σ(yᵢ − ŷ₍₋ᵢ₎)², ŷ₍₋ᵢ₎ the model fitted without point i, c
// included. Both ways of finding it below use the profile: with α and β
// fitted for each c,
//
//	RSS(c) = Syy − F(c),  F(c) = Suy²/Suu,  dRSS/dc = −2β·Σⱼ rⱼ·xⱼ^c·ln xⱼ,
//
// the centred sums taken with u = x^c and rⱼ the residuals.
//
// Up to 64 points, PRESS is exact: the model is refitted without each
// point in turn, in O(n²) time. Each refit finds the zero of dRSS/dc to
// full precision in [c/1.15, 1.15·c] ∩ [0.2, 5], c the full fit's, by
// Newton's method from c (Brent's root finder where it strays), or else
// by a search of the whole range.
//
// Above 64 points, PRESS takes O(n) time and refits nothing. With
// l̃ⱼ = ln xⱼ − L, L midway between the least and greatest ln x, and
// bⱼ = e^(c·l̃ⱼ), the sums at c + Δ are power series in Δ whose
// coefficients are moments of all the points, taken once at c:
//
//	Σⱼ uⱼ ∝ Σₚ Δᵖ/p!·Σⱼ bⱼl̃ⱼᵖ,  Σⱼ uⱼ² ∝ Σₚ (2Δ)ᵖ/p!·Σⱼ bⱼ²l̃ⱼᵖ,
//	Σⱼ uⱼyⱼ ∝ Σₚ Δᵖ/p!·Σⱼ bⱼyⱼl̃ⱼᵖ,
//
// the factor e^((c+Δ)·L) changing neither F nor predictions. Less point
// i's own terms, they give F, F′ and F″ without point i in O(1), so
// Newton's method from Δ = 0 (Brent's root finder on F′ where it strays)
// finds c₍₋ᵢ₎ = c + Δ in O(1), and then
//
//	ŷ₍₋ᵢ₎ = ȳ₍₋ᵢ₎ + (Suy/Suu)·(xᵢ^c₍₋ᵢ₎ − ū₍₋ᵢ₎).
//
// The series are summed until their terms fall below 1e-17 relative, which
// limits the reach to |Δ|·max|l̃ⱼ| ≤ 0.5; within it the result is the exact
// refits' but for rounding. The tests find PRESS within a relative 1e-12
// of the refits on noisy and rounded straight lines, curved series and
// series with c on the edge of the range, of 65 to 1000 points, and within
// 1e-10 with x over six decades, whose sums lose digits. On the edge of
// the range, c₍₋ᵢ₎ stays there where RSS₍₋ᵢ₎ rises away from it. A point
// whose c₍₋ᵢ₎ lies beyond the reach or 15% from c is refitted exactly, in
// O(n); past 8 such points, which happens only when the data hardly
// determine c (y without a trend), the others get the Gauss-Newton
// estimate rᵢ/(1 − hᵢ), hᵢ the leverage from the full fit's Jacobian: an
// approximation, within 1% of the refits' PRESS on such data in the tests.
//
// PRESS is NaN when fewer than three distinct x would remain without some
// point.
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
	if len(x) <= exactPRESSPoints {
		f.PRESS = powerPRESS(x, y, lnx, u, c)
	} else {
		f.PRESS = powerPRESSStep(f, x, y, lnx, u)
	}
	return f, nil
}

// exactPRESSPoints is the most points for which Power finds PRESS by
// refitting without each point in turn, which costs O(n²): about a
// millisecond at this size. Above it, PRESS comes from sums, in O(n) (see
// Power).
const exactPRESSPoints = 64

// powerTolerance is the relative precision of the exponent search of a
// fit: far below the exponent's standard error on any real table.
const powerTolerance = 1e-6

// searchPower returns the exponent c minimising RSS(c) over [0.2, 5] and
// the α, β of the straight-line fit of y on x^c. u is scratch space of
// len(lnx).
func searchPower(lnx, y, u []float64) (c, a, b float64) {
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

// refitPower is searchPower to full precision for a leave-one-out refit,
// whose optimum lies near the full fit's exponent near. It looks for the
// minimum of RSS(c) in [near/1.15, 1.15·near] ∩ [0.2, 5] by Newton's
// method from near, then, if Newton's method strays, by Brent's root
// finder on dRSS/dc; failing both, it searches the whole range and
// sharpens the search's optimum to the zero of dRSS/dc next to it.
func refitPower(lnx, y, u []float64, near float64) (c, a, b float64) {
	lo, hi := max(near/1.15, minExponent), min(near*1.15, maxExponent)
	c = near
	f1, f2, a, b := powerProfile(lnx, y, u, c)
	for iter := 0; iter < 20 && f2 < 0; iter++ {
		step := -f1 / f2
		if c += step; !(c >= lo && c <= hi) {
			break
		}
		f1, f2, a, b = powerProfile(lnx, y, u, c)
		if math.Abs(step) <= 1e-9*c {
			// Newton's method converges quadratically: the next step
			// would be below 1e-16.
			return c, a, b
		}
	}
	if c, ok := slopeZero(lnx, y, u, lo, hi); ok {
		return finishPower(lnx, y, u, c)
	}
	c, _, _ = searchPower(lnx, y, u)
	if c != minExponent && c != maxExponent {
		const margin = 100 * powerTolerance
		if z, ok := slopeZero(lnx, y, u, c*(1-margin), c*(1+margin)); ok {
			c = z
		}
	}
	return finishPower(lnx, y, u, c)
}

// powerProfile returns, at the exponent c, the first two derivatives in c
// of F(c) = Suy²/Suu, which is Syy − RSS(c), and the α, β of the
// straight-line fit of y on u = x^c. It fills u with x^c.
func powerProfile(lnx, y, u []float64, c float64) (f1, f2, a, b float64) {
	n := float64(len(lnx))
	var su, sv, sw, sy float64
	for i, l := range lnx {
		ui := math.Exp(c * l)
		u[i] = ui
		su += ui
		sv += ui * l
		sw += ui * l * l
		sy += y[i]
	}
	ub, vb, wb, yb := su/n, sv/n, sw/n, sy/n
	// P = Suy, Q = Suu and their derivatives: u′ = u·ln x = v, v′ = w.
	var p, p1, p2, q, q1, q2 float64
	for i, l := range lnx {
		ui := u[i]
		du, dv, dw, dy := ui-ub, ui*l-vb, ui*l*l-wb, y[i]-yb
		p += du * dy
		p1 += dv * dy
		p2 += dw * dy
		q += du * du
		q1 += du * dv
		q2 += dv*dv + du*dw
	}
	q1, q2 = 2*q1, 2*q2
	b = p / q
	f1 = 2*b*p1 - b*b*q1
	f2 = 2*(p1*p1+p*p2)/q - 4*b*p1*q1/q - b*b*q2 + 2*b*b*q1*q1/q
	return f1, f2, yb - b*ub, b
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
	ub, yb := fillPower(lnx, y, u, c)
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

// fillPower fills u with x^c (from lnx = ln x) and returns the means of
// u and y.
func fillPower(lnx, y, u []float64, c float64) (ub, yb float64) {
	var su, sy float64
	for i, l := range lnx {
		u[i] = math.Exp(c * l)
		su += u[i]
		sy += y[i]
	}
	n := float64(len(lnx))
	return su / n, sy / n
}

// powerSlope returns dRSS/dc at c. α and β are optimal at every c, so
// by the envelope theorem it is the partial derivative in c alone,
// −2β·Σ rᵢ·uᵢ·ln xᵢ, with rᵢ = (yᵢ − ȳ) − β·(uᵢ − ū) the residuals of the
// straight-line fit of y on u = x^c. It fills u with x^c.
func powerSlope(lnx, y, u []float64, c float64) float64 {
	ub, yb := fillPower(lnx, y, u, c)
	var suu, suy float64
	for i, ui := range u {
		du := ui - ub
		suu += du * du
		suy += du * (y[i] - yb)
	}
	b := suy / suu
	var s float64
	for i, ui := range u {
		s += ((y[i] - yb) - b*(ui-ub)) * ui * lnx[i]
	}
	return -2 * b * s
}

// slopeZero finds the c in [lo, hi] where dRSS/dc is zero, to full
// precision; ok is false unless dRSS/dc is negative at lo and positive at
// hi: a minimum of RSS(c) lies inside.
func slopeZero(lnx, y, u []float64, lo, hi float64) (c float64, ok bool) {
	return rising(func(c float64) float64 { return powerSlope(lnx, y, u, c) }, lo, hi)
}

// rising finds where f, negative at lo and positive at hi, is zero, to
// full precision, by Brent's root finder: bisection, secant and inverse
// quadratic interpolation. ok is false unless f(lo) < 0 < f(hi).
func rising(f func(float64) float64, lo, hi float64) (x float64, ok bool) {
	a, b := lo, hi
	fa, fb := f(a), f(b)
	if !(fa < 0 && fb > 0) {
		return 0, false
	}
	const eps = 0x1p-52
	c, fc := b, fb
	var d, e float64
	for iter := 0; iter < 100; iter++ {
		if fb > 0 == (fc > 0) {
			c, fc = a, fa
			d = b - a
			e = d
		}
		if math.Abs(fc) < math.Abs(fb) {
			a, b, c = b, c, b
			fa, fb, fc = fb, fc, fb
		}
		tol := 2*eps*math.Abs(b) + 1e-300
		m := (c - b) / 2
		if math.Abs(m) <= tol || fb == 0 {
			break
		}
		if math.Abs(e) >= tol && math.Abs(fa) > math.Abs(fb) {
			// Interpolate: the secant when two points are known, inverse
			// quadratic with three.
			s := fb / fa
			var p, q float64
			if a == c {
				p, q = 2*m*s, 1-s
			} else {
				r := fb / fc
				q = fa / fc
				p = s * (2*m*q*(q-r) - (b-a)*(r-1))
				q = (q - 1) * (r - 1) * (s - 1)
			}
			if p > 0 {
				q = -q
			}
			p = math.Abs(p)
			if 2*p < math.Min(3*m*q-math.Abs(tol*q), math.Abs(e*q)) {
				e, d = d, p/q
			} else {
				d, e = m, m
			}
		} else {
			d, e = m, m
		}
		a, fa = b, fb
		if math.Abs(d) > tol {
			b += d
		} else {
			b += math.Copysign(tol, m)
		}
		fb = f(b)
	}
	return b, true
}

// powerPRESS refits the power model without each point in turn (see
// refitPower) and sums the squared errors at the left-out points; NaN when
// a subset has fewer than three distinct x. It takes O(n²).
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
		ci, a, b := refitPower(sl, sy, u[:n-1], c)
		r := y[i] - (a + b*math.Exp(ci*lnx[i]))
		press += r * r
	}
	return press
}

// The limits of powerPRESSStep. Each left-out exponent must lie within
// stepReach/R of the full fit's, R = max|ln xⱼ − L| (L midway between the
// least and greatest ln x), where the sums' series take at most maxTerms
// terms to reach rounding; at most maxRefits points whose exponent is not
// found there are refitted exactly.
const (
	stepReach = 0.5
	maxTerms  = 20
	maxRefits = 8
)

// powerPRESSStep is PRESS with each left-out exponent found by Newton's
// method on the profile RSS(c) of the other points, their sums at each c
// taken from moments computed once (see Power); it takes O(n). f is the
// full fit, u scratch space of len(x).
func powerPRESSStep(f *Fit, x, y, lnx, u []float64) float64 {
	if !leavesThreeDistinct(x) {
		return math.NaN()
	}
	n := len(x)
	c := f.Exponent
	lo, hi := max(c/1.15, minExponent), min(c*1.15, maxExponent)
	m := newPowerMoments(lnx, y, c)
	var press float64
	refits := 0
	var sx, sl, sy []float64
	for i := range x {
		e, ok := m.leaveOut(i, c, lo, hi)
		switch {
		case ok:
		case refits < maxRefits:
			// Refit exactly without point i: O(n), for a few points.
			refits++
			sx, sl, sy = sx[:0], sl[:0], sy[:0]
			for j := range x {
				if j != i {
					sx, sl, sy = append(sx, x[j]), append(sl, lnx[j]), append(sy, y[j])
				}
			}
			ci, a, b := refitPower(sl, sy, u[:n-1], c)
			e = y[i] - (a + b*math.Exp(ci*lnx[i]))
		default:
			// The Gauss-Newton estimate, from the leverage at the full fit.
			h := f.leverage(x[i], f.G(x[i]))
			if !(1-h > 1e-9) {
				return math.NaN()
			}
			e = f.Residuals[i] / (1 - h)
		}
		press += e * e
	}
	return press
}

// powerMoments are the sums from which powerPRESSStep finds every
// left-out fit. With l̃ⱼ = ln xⱼ − L, bⱼ = e^(c·l̃ⱼ) and ỹⱼ = yⱼ − ȳ, the
// regressor of the power model at c + Δ is, up to a factor common to all
// points that changes neither RSS nor predictions, wⱼ = bⱼ·e^(Δ·l̃ⱼ), so
//
//	Σ wⱼ = Σₚ Δᵖ/p!·A[p],  Σ wⱼ² = Σₚ (2Δ)ᵖ/p!·B[p],  Σ wⱼỹⱼ = Σₚ Δᵖ/p!·C[p]
//
// with A[p] = Σ bⱼ·l̃ⱼᵖ, B[p] = Σ bⱼ²·l̃ⱼᵖ and C[p] = Σ bⱼỹⱼ·l̃ⱼᵖ.
type powerMoments struct {
	lt, b, yt []float64 // l̃, b, ỹ of each point
	r         float64   // R = max |l̃|
	a, bb, cc [maxTerms + 2]float64
	y1, y2    float64 // Σ ỹ and Σ ỹ²
}

func newPowerMoments(lnx, y []float64, c float64) *powerMoments {
	n := len(lnx)
	m := &powerMoments{lt: make([]float64, n), b: make([]float64, n), yt: make([]float64, n)}
	lmin, lmax := lnx[0], lnx[0]
	var ybar float64
	for i, l := range lnx {
		lmin, lmax = min(lmin, l), max(lmax, l)
		ybar += y[i]
	}
	ybar /= float64(n)
	mid := (lmin + lmax) / 2
	m.r = (lmax - lmin) / 2
	for i, l := range lnx {
		lt := l - mid
		b := math.Exp(c * lt)
		yt := y[i] - ybar
		m.lt[i], m.b[i], m.yt[i] = lt, b, yt
		m.y1 += yt
		m.y2 += yt * yt
		pa, pb, pc := b, b*b, b*yt
		for p := range m.a {
			m.a[p] += pa
			m.bb[p] += pb
			m.cc[p] += pc
			pa, pb, pc = pa*lt, pb*lt, pc*lt
		}
	}
	return m
}

// series returns Σₚ tᵖ/p!·mom[p+d] to k terms, by Horner's rule.
func series(mom *[maxTerms + 2]float64, d int, t float64, k int) float64 {
	var s float64
	for p := k - 1; p >= 0; p-- {
		s = mom[p+d] + t*s/float64(p+1)
	}
	return s
}

// terms returns how many terms of the series in t take it to rounding:
// (|t|·R)ᵏ/k! below 1e-17. It is at most maxTerms while |t|·R ≤ 2·stepReach.
func (m *powerMoments) terms(t float64) int {
	z := math.Abs(t) * m.r
	term := 1.0
	for k := 1; k < maxTerms; k++ {
		if term *= z / float64(k); term < 1e-17 {
			return k
		}
	}
	return maxTerms
}

// profile returns, for the points but i at exponent c + Δ, F = Swy²/Sww
// (so that RSS = Syy − F), its first two derivatives in Δ, and the
// error at point i of the straight-line fit of y on w there.
func (m *powerMoments) profile(i int, delta float64) (f, f1, f2, e float64) {
	lt, yt := m.lt[i], m.yt[i]
	wi := m.b[i] * math.Exp(delta*lt)
	ka, kb := m.terms(delta), m.terms(2*delta)
	// Sums without point i, and their derivatives in Δ.
	sw := series(&m.a, 0, delta, ka) - wi
	sw1 := series(&m.a, 1, delta, ka) - lt*wi
	sw2 := series(&m.a, 2, delta, ka) - lt*lt*wi
	sww := series(&m.bb, 0, 2*delta, kb) - wi*wi
	sww1 := 2*series(&m.bb, 1, 2*delta, kb) - 2*lt*wi*wi
	sww2 := 4*series(&m.bb, 2, 2*delta, kb) - 4*lt*lt*wi*wi
	swy := series(&m.cc, 0, delta, ka) - wi*yt
	swy1 := series(&m.cc, 1, delta, ka) - lt*wi*yt
	swy2 := series(&m.cc, 2, delta, ka) - lt*lt*wi*yt
	sy := m.y1 - yt
	n := float64(len(m.lt) - 1)
	// Centred: P = Σ(w − w̄)(y − ȳ), Q = Σ(w − w̄)².
	p, p1, p2 := swy-sw*sy/n, swy1-sw1*sy/n, swy2-sw2*sy/n
	q, q1, q2 := sww-sw*sw/n, sww1-2*sw*sw1/n, sww2-2*(sw1*sw1+sw*sw2)/n
	f = p * p / q
	f1 = 2*p*p1/q - p*p*q1/(q*q)
	f2 = 2*(p1*p1+p*p2)/q - 4*p*p1*q1/(q*q) - p*p*q2/(q*q) + 2*p*p*q1*q1/(q*q*q)
	e = yt - (sy/n + p/q*(wi-sw/n))
	return f, f1, f2, e
}

// leaveOut returns the error at point i of the power model fitted without
// it, its exponent c + Δ found within [lo, hi] and the reach of the series
// by Newton's method on the profile from Δ = 0, or, where Newton's method
// strays, by Brent's root finder on its derivative. ok is false when
// RSS has no minimum there.
func (m *powerMoments) leaveOut(i int, c, lo, hi float64) (e float64, ok bool) {
	_, f1, f2, e := m.profile(i, 0)
	// On the edge of the range, c stays where RSS rises from it (F falls).
	if c == minExponent && f1 <= 0 || c == maxExponent && f1 >= 0 {
		return e, true
	}
	dlo, dhi := max(lo-c, -stepReach/m.r), min(hi-c, stepReach/m.r)
	var delta float64
	for iter := 0; iter < 20 && f2 < 0; iter++ {
		step := -f1 / f2
		if delta += step; !(delta >= dlo && delta <= dhi) {
			break
		}
		_, f1, f2, e = m.profile(i, delta)
		if math.Abs(step) <= 1e-9*c {
			// Newton's method converges quadratically: the next step
			// would be below 1e-16.
			return e, true
		}
	}
	// dRSS/dΔ = −dF/dΔ.
	delta, ok = rising(func(d float64) float64 { _, f1, _, _ := m.profile(i, d); return -f1 }, dlo, dhi)
	if !ok {
		return 0, false
	}
	_, _, _, e = m.profile(i, delta)
	return e, true
}

// leavesThreeDistinct reports whether x keeps three distinct values
// without any one of its points: it has four, or three that each occur
// more than once.
func leavesThreeDistinct(x []float64) bool {
	switch countDistinct(x, 4) {
	case 4:
		return true
	case 3:
		var v [3]float64
		var count [3]int
		k := 0
		for _, xi := range x {
			p := 0
			for p < k && v[p] != xi {
				p++
			}
			if p == k {
				v[k] = xi
				k++
			}
			count[p]++
		}
		return count[0] > 1 && count[1] > 1 && count[2] > 1
	}
	return false
}
