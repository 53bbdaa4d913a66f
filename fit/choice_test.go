package fit

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestSelectNoise checks Select's F test of the curvature against a given
// noise: the same table, whose power PRESS is below half the affine one
// (the old rule chose power), is affine against a pooled noise that
// explains its curvature and power against one that does not.
func TestSelectNoise(t *testing.T) {
	y := []float64{19, 30, 57, 97}
	for _, k := range []struct {
		noise Noise
		want  Model
	}{
		{Noise{Variance: 0.5, DF: 12}, AffineModel},
		{Noise{Variance: 0.1, DF: 100}, PowerModel},
	} {
		s, err := Select(tableX, y, &Options{MinVariance: 1.0 / 12, Noise: k.noise})
		if err != nil {
			t.Fatal(err)
		}
		aff, pow := s.Fits[0], s.Fits[1]
		if !(pow.PRESS < ClearlyBetter*aff.PRESS) {
			t.Fatalf("power PRESS %v not below half of affine's %v: the table does not test the F test", pow.PRESS, aff.PRESS)
		}
		f := (aff.RSS - pow.RSS) / k.noise.Variance
		p := distuv.F{D1: 1, D2: float64(k.noise.DF)}.Survival(f)
		if s.Best.Model != k.want || !s.Pooled || s.FDF != k.noise.DF || math.Abs(s.F-f) > 1e-9*f || math.Abs(s.P-p) > 1e-9*p {
			t.Errorf("noise %v: chose %v, F = %v on %d (pooled %v), p = %v; want %v, F = %v, p = %v",
				k.noise, s.Best.Model, s.F, s.FDF, s.Pooled, s.P, k.want, f, p)
		}
		if !strings.HasPrefix(s.Reason, k.want.String()+":") || !strings.Contains(s.Reason, "pooled noise") {
			t.Errorf("noise %v: reason %q", k.noise, s.Reason)
		}
		t.Log(s.Reason)
	}
	// No noise given: the power fit's own residuals, on n − 3 = 1 df.
	s, err := Select(tableX, y, &Options{MinVariance: 1.0 / 12})
	if err != nil {
		t.Fatal(err)
	}
	if s.Best.Model != AffineModel || s.Pooled || s.FDF != 1 || !strings.Contains(s.Reason, "its own residuals") {
		t.Errorf("own noise: chose %v, F = %v on %d, reason %q", s.Best.Model, s.F, s.FDF, s.Reason)
	}
	// Three points: no noise to test against; affine.
	x3, y3 := []float64{50, 250, 1000}, []float64{10, 40, 400}
	s, err = Select(x3, y3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Best.Model != AffineModel || !math.IsNaN(s.F) || !math.IsNaN(s.P) {
		t.Errorf("three points: chose %v, F = %v, reason %q", s.Best.Model, s.F, s.Reason)
	}
	t.Log(s.Reason)
}
