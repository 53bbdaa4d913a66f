// Package fit fits curves to points (x, y) by least squares and reports how
// well they fit.
//
// It is pure numerics: it knows nothing of patches, hosts or minutes, only
// of x and y. The models are all of the form
//
//	y = α + β·g(x)
//
// with g(x) = x for the affine model. Inputs are never modified; invalid
// inputs give errors, never panics.
package fit

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// Errors returned for points that cannot be fitted. They are wrapped with
// the details; test for them with errors.Is.
var (
	// ErrTooFewPoints means there are fewer points than the model has
	// coefficients.
	ErrTooFewPoints = errors.New("too few points")
	// ErrNoSpread means every point has the same x, so no slope can be
	// told apart from the intercept.
	ErrNoSpread = errors.New("all points have the same x")
	// ErrNotFinite means some x or y is NaN or ±Inf.
	ErrNotFinite = errors.New("value is not a finite number")
	// ErrLength means x and y differ in length.
	ErrLength = errors.New("x and y differ in length")
)

// Fit is a curve y = α + β·g(x) fitted to n points by ordinary least
// squares.
type Fit struct {
	Intercept float64   // α, in units of y
	Slope     float64   // β, in units of y per unit of x
	Residuals []float64 // yᵢ − ŷᵢ, in the order of the points
}

// At returns the fitted value ŷ = α + β·x.
func (f *Fit) At(x float64) float64 { return f.Intercept + f.Slope*x }

// Affine fits the straight line
//
//	y = α + β·x
//
// to the points (x[i], y[i]) by ordinary least squares:
//
//	β = Σ(xᵢ − x̄)(yᵢ − ȳ) / Σ(xᵢ − x̄)²,  α = ȳ − β·x̄.
//
// It needs at least two points, at least two distinct values of x, and
// finite values throughout; otherwise it returns an error wrapping
// ErrTooFewPoints, ErrNoSpread, ErrNotFinite or ErrLength.
func Affine(x, y []float64) (*Fit, error) {
	if err := check(x, y, 2); err != nil {
		return nil, err
	}
	a, b := stat.LinearRegression(x, y, nil, false)
	if math.IsNaN(a) || math.IsInf(a, 0) || math.IsNaN(b) || math.IsInf(b, 0) {
		return nil, fmt.Errorf("fit: coefficients overflow (α = %v, β = %v): %w", a, b, ErrNotFinite)
	}
	f := &Fit{Intercept: a, Slope: b, Residuals: make([]float64, len(x))}
	for i := range x {
		f.Residuals[i] = y[i] - f.At(x[i])
	}
	return f, nil
}

// check validates points for a model with k coefficients.
func check(x, y []float64, k int) error {
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
	for _, xi := range x[1:] {
		if xi != x[0] {
			return nil
		}
	}
	return fmt.Errorf("fit: all %d points have x = %v: %w", len(x), x[0], ErrNoSpread)
}
