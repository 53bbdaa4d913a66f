package fit

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// maxConstraints bounds the number of non-negative coefficients of
// LeastSquares, which tries every subset of them at zero.
const maxConstraints = 8

// Linear is a least-squares fit of y ≈ X·β, with no implicit intercept (a
// column of ones in X gives one).
type Linear struct {
	Coef      []float64   // β
	SE        []float64   // standard errors of β; 0 for a coefficient held at its bound
	AtBound   []bool      // held at zero by its non-negativity constraint
	Cov       [][]float64 // covariance of β, s²(X_FᵀX_F)⁻¹ over the free coefficients, zero elsewhere
	N         int         // number of points
	DF        int         // residual degrees of freedom: N minus the free coefficients
	Residuals []float64   // yᵢ − (Xβ)ᵢ
	RSS       float64     // residual sum of squares
	RMSE      float64     // √(RSS/DF); NaN when DF = 0
	Variance  float64     // s² used for the errors: max(RSS/DF, MinVariance)
}

// LeastSquares fits y ≈ X·β, X given by rows, minimising Σ(yᵢ − (Xβ)ᵢ)²
// subject to β_j ≥ 0 wherever nonneg[j] (nonneg may be nil). The
// constrained optimum has some constrained coefficients at zero and the
// rest at the unconstrained optimum of the others, so each subset of the
// constrained coefficients (at most 8) is tried at zero and the feasible
// solution with the least RSS kept. Standard errors treat the coefficients
// at zero as fixed.
//
// It needs as many points as free coefficients, finite values, and
// columns that are not collinear; otherwise it returns an error wrapping
// ErrTooFewPoints, ErrNotFinite, ErrLength or ErrNoSpread. o may be nil.
func LeastSquares(X [][]float64, y []float64, nonneg []bool, o *Options) (*Linear, error) {
	n := len(y)
	if len(X) != n {
		return nil, fmt.Errorf("fit: %d rows of X and %d y: %w", len(X), n, ErrLength)
	}
	if n == 0 {
		return nil, fmt.Errorf("fit: no points: %w", ErrTooFewPoints)
	}
	p := len(X[0])
	if nonneg != nil && len(nonneg) != p {
		return nil, fmt.Errorf("fit: %d constraints for %d coefficients: %w", len(nonneg), p, ErrLength)
	}
	for i, row := range X {
		if len(row) != p {
			return nil, fmt.Errorf("fit: row %d of X has %d columns, not %d: %w", i, len(row), p, ErrLength)
		}
		for _, v := range append(row[:len(row):len(row)], y[i]) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("fit: row %d: %v: %w", i, v, ErrNotFinite)
			}
		}
	}
	var constrained []int
	for j := 0; j < p && nonneg != nil; j++ {
		if nonneg[j] {
			constrained = append(constrained, j)
		}
	}
	if len(constrained) > maxConstraints {
		return nil, fmt.Errorf("fit: %d constrained coefficients, at most %d", len(constrained), maxConstraints)
	}
	var best *Linear
	var firstErr error
	for mask := 0; mask < 1<<len(constrained); mask++ {
		zero := make([]bool, p)
		for b, j := range constrained {
			zero[j] = mask&(1<<b) != 0
		}
		l, err := solve(X, y, zero, o)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		feasible := true
		for _, j := range constrained {
			feasible = feasible && l.Coef[j] >= 0
		}
		if feasible && (best == nil || l.RSS < best.RSS*(1-1e-12)) {
			best = l
		}
	}
	if best == nil {
		return nil, firstErr
	}
	return best, nil
}

// solve fits the coefficients not in zero by a QR decomposition.
func solve(X [][]float64, y []float64, zero []bool, o *Options) (*Linear, error) {
	n, p := len(X), len(zero)
	var free []int
	for j := 0; j < p; j++ {
		if !zero[j] {
			free = append(free, j)
		}
	}
	k := len(free)
	if n < k {
		return nil, fmt.Errorf("fit: %d point(s) for %d coefficients: %w", n, k, ErrTooFewPoints)
	}
	l := &Linear{Coef: make([]float64, p), SE: make([]float64, p), AtBound: zero, N: n, DF: n - k,
		Residuals: make([]float64, n), Cov: make([][]float64, p)}
	for j := range l.Cov {
		l.Cov[j] = make([]float64, p)
	}
	var unscaled mat.Dense
	if k > 0 {
		A := mat.NewDense(n, k, nil)
		for i, row := range X {
			for c, j := range free {
				A.Set(i, c, row[j])
			}
		}
		var qr mat.QR
		qr.Factorize(A)
		var beta mat.Dense
		if err := qr.SolveTo(&beta, false, mat.NewDense(n, 1, append([]float64(nil), y...))); err != nil {
			return nil, fmt.Errorf("fit: columns cannot be told apart (%v): %w", err, ErrNoSpread)
		}
		for c, j := range free {
			l.Coef[j] = beta.At(c, 0)
		}
		var r, rinv mat.Dense
		qr.RTo(&r)
		if err := rinv.Inverse(r.Slice(0, k, 0, k)); err != nil {
			return nil, fmt.Errorf("fit: columns cannot be told apart (%v): %w", err, ErrNoSpread)
		}
		unscaled.Mul(&rinv, rinv.T())
	}
	for i, row := range X {
		var yhat float64
		for j, v := range row {
			yhat += v * l.Coef[j]
		}
		l.Residuals[i] = y[i] - yhat
		l.RSS += l.Residuals[i] * l.Residuals[i]
	}
	l.RMSE, l.Variance = noise(l.RSS, l.DF, o)
	for a, ja := range free {
		for b, jb := range free {
			l.Cov[ja][jb] = l.Variance * unscaled.At(a, b)
		}
		l.SE[ja] = math.Sqrt(l.Cov[ja][ja])
	}
	return l, nil
}

// Line returns the fit y = α + β·x^c of a curve whose coefficients α and β
// were estimated elsewhere, with covariance cov (in units of y², not
// scaled), for a known exponent c (1 for a straight line). New points
// scatter with variance s2, and intervals use Student's t with df degrees
// of freedom. It has no points: N is 0, and R², PRESS and AICc are NaN.
func Line(alpha, beta, c float64, cov [2][2]float64, s2 float64, df int) *Fit {
	f := &Fit{Model: AffineModel, Intercept: alpha, Slope: beta, Exponent: 1, DF: df, NoiseDF: df, Variance: s2,
		InterceptSE: math.Sqrt(cov[0][0]), SlopeSE: math.Sqrt(cov[1][1]),
		RMSE: math.NaN(), R2: math.NaN(), PRESS: math.NaN(), AICc: math.NaN(), k: 2}
	if c != 1 {
		f.Model, f.Exponent = PowerModel, c
	}
	if s2 > 0 {
		for a := 0; a < 2; a++ {
			for b := 0; b < 2; b++ {
				f.cov[a][b] = cov[a][b] / s2
			}
		}
	}
	return f
}
