package fit

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// ClearlyBetter is how much smaller the power model's PRESS must be than
// the affine model's for Select to prefer it: less than half, which is a
// leave-one-out RMSE below 71% of the affine one.
const ClearlyBetter = 0.5

// CurvatureLevel is the significance level of Select's F test of the
// power model's curvature: 0.01%. So strict because a power curve chosen
// for a straight line extrapolates far worse than the line: by simulation
// of straight-line tables (estimate's TestModelChoiceStraight), a level of
// 1% still chose power for 0.1–0.5% of them, which raised the RMSE at 5000
// hosts by 36–80%; 0.1% by 12% at σ = 1 min; 0.01% chose none of 24000.
const CurvatureLevel = 0.0001

// Noise is a residual variance known from outside the data being fitted,
// such as one pooled over other tables (see Options.Noise).
type Noise struct {
	Variance float64 // s², in units of y²
	DF       int     // its degrees of freedom; 0 means no noise is given
}

// Selection is the outcome of Select: the chosen fit, the others tried,
// and why.
type Selection struct {
	Best   *Fit    // the chosen fit
	Fits   []*Fit  // every model that could be fitted, affine first
	Reason string  // why Best was chosen, in a sentence
	Errs   []error // why the other models could not be fitted, if any

	// The F test of the curvature, when it was made: F on (1, FDF)
	// degrees of freedom and its p-value; F and P are NaN otherwise.
	F, P   float64
	FDF    int
	Pooled bool // the test was against Options.Noise, not the power fit's own residuals
}

// Select fits the affine and power models and keeps the simpler affine
// model unless the power model passes both of two tests:
//
//   - its leave-one-out error (PRESS) is below ClearlyBetter times the
//     affine one's, and
//
//   - its curvature is significant against the noise: with s² on ν
//     degrees of freedom,
//
//     F = (RSS_affine − RSS_power) / s²  on (1, ν) degrees of freedom,
//
//     has p-value below CurvatureLevel (0.01%).
//
// s² and ν are o.Noise when given (o.Noise.DF > 0 and Variance > 0), a
// variance pooled over other tables that the caller trusts to be
// straight lines; otherwise the power fit's own, max(RSS_power/(n−3),
// o.MinVariance) on n − 3 (with no degrees of freedom left, the affine
// model stands). The affine model
// also stands with too few points for the power model, or when either
// PRESS is not defined. Select fails only when the affine model cannot be
// fitted.
//
// By simulation of straight-line tables of four points (estimate's
// TestModelChoiceStraight), the PRESS test alone chose the power model
// for up to 12% of them; its extrapolations make far worse estimates than
// the line.
func Select(x, y []float64, o *Options) (*Selection, error) {
	aff, err := Affine(x, y, o)
	if err != nil {
		return nil, err
	}
	s := &Selection{Best: aff, Fits: []*Fit{aff}, F: math.NaN(), P: math.NaN()}
	pow, err := Power(x, y, o)
	if err != nil {
		s.Errs = append(s.Errs, err)
		s.Reason = "affine: the power model cannot be fitted (" + reason(err) + ")"
		return s, nil
	}
	s.Fits = append(s.Fits, pow)
	a, p := aff.LOO(), pow.LOO()
	if math.IsNaN(p) || math.IsNaN(a) {
		s.Reason = "affine: leave-one-out error is not defined for both models, so the simpler stands"
		return s, nil
	}
	if !(pow.PRESS < ClearlyBetter*aff.PRESS) {
		s.Reason = fmt.Sprintf("affine: power's leave-one-out RMSE %.3g is not clearly below affine's %.3g", p, a)
		return s, nil
	}
	variance, df, against := 0.0, 0, "its own residuals"
	if o != nil && o.Noise.DF > 0 && o.Noise.Variance > 0 {
		variance, df, against, s.Pooled = o.Noise.Variance, o.Noise.DF, "the pooled noise", true
	} else if pow.DF > 0 {
		variance, df = pow.RSS/float64(pow.DF), pow.DF
		if o != nil {
			variance = max(variance, o.MinVariance)
		}
	}
	if df == 0 || !(variance > 0) {
		s.Reason = "affine: the curvature cannot be tested, no noise is known"
		return s, nil
	}
	s.F, s.FDF = max(aff.RSS-pow.RSS, 0)/variance, df
	s.P = distuv.F{D1: 1, D2: float64(df)}.Survival(s.F)
	if !(s.P < CurvatureLevel) {
		s.Reason = fmt.Sprintf("affine: the curvature is not significant against %s (F = %.3g, p = %.2g)", against, s.F, s.P)
		return s, nil
	}
	s.Best = pow
	s.Reason = fmt.Sprintf("power: leave-one-out RMSE %.3g is clearly below affine's %.3g, and the curvature is significant against %s (F = %.3g, p = %.2g)", p, a, against, s.F, s.P)
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
