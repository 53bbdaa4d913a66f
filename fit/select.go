package fit

import (
	"errors"
	"fmt"
	"math"
)

// ClearlyBetter is how much smaller the power model's PRESS must be than
// the affine model's for Select to prefer it: less than half, which is a
// leave-one-out RMSE below 71% of the affine one.
const ClearlyBetter = 0.5

// Selection is the outcome of Select: the chosen fit, the others tried,
// and why.
type Selection struct {
	Best   *Fit    // the chosen fit
	Fits   []*Fit  // every model that could be fitted, affine first
	Reason string  // why Best was chosen, in a sentence
	Errs   []error // why the other models could not be fitted, if any
}

// Select fits the affine and power models and chooses by leave-one-out
// error (PRESS), keeping the simpler affine model unless the power model's
// PRESS is below ClearlyBetter times the affine one. With too few points
// for the power model, or no leave-one-out error for either, the affine
// model stands. It fails only when the affine model cannot be fitted.
func Select(x, y []float64, o *Options) (*Selection, error) {
	aff, err := Affine(x, y, o)
	if err != nil {
		return nil, err
	}
	s := &Selection{Best: aff, Fits: []*Fit{aff}}
	pow, err := Power(x, y, o)
	if err != nil {
		s.Errs = append(s.Errs, err)
		s.Reason = "affine: the power model cannot be fitted (" + reason(err) + ")"
		return s, nil
	}
	s.Fits = append(s.Fits, pow)
	a, p := aff.LOO(), pow.LOO()
	switch {
	case math.IsNaN(p) || math.IsNaN(a):
		s.Reason = "affine: leave-one-out error is not defined for both models, so the simpler stands"
	case pow.PRESS < ClearlyBetter*aff.PRESS:
		s.Best = pow
		s.Reason = fmt.Sprintf("power: leave-one-out RMSE %.3g is clearly below affine's %.3g", p, a)
	default:
		s.Reason = fmt.Sprintf("affine: power's leave-one-out RMSE %.3g is not clearly below affine's %.3g", p, a)
	}
	return s, nil
}

func reason(err error) string {
	switch {
	case errors.Is(err, ErrTooFewPoints):
		return "too few points"
	case errors.Is(err, ErrNoSpread):
		return "fewer than three distinct x"
	case errors.Is(err, ErrDomain):
		return "some x ≤ 0"
	}
	return err.Error()
}
