package fit

import (
	"math"
	"testing"
)

// TestWithNoise: a given variance and degrees of freedom replace the fit's
// own in standard errors, Critical, Predict and Band; δ comes off the new
// observation's part only: se² = max(s² − δ, 0) + s²·(1/n + (x − x̄)²/Sxx).
func TestWithNoise(t *testing.T) {
	x := []float64{50, 100, 250, 500} // x̄ = 225, Sxx = 122500
	y := []float64{18, 27, 52, 94}
	f, err := Affine(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	const s2, delta = 0.5, 0.1
	g := f.WithNoise(s2, 8, delta)
	if g.NoiseDF != 8 || g.DF != 2 || g.Variance != s2 || g.RSS != f.RSS || f.NoiseDF != 2 || f.Variance == s2 {
		t.Errorf("NoiseDF %d, DF %d, variance %v; original NoiseDF %d", g.NoiseDF, g.DF, g.Variance, f.NoiseDF)
	}
	if !near(g.SlopeSE, math.Sqrt(s2/122500), 1e-12) || !near(g.InterceptSE, math.Sqrt(s2*(0.25+225*225/122500.0)), 1e-12) {
		t.Errorf("SE %v, %v", g.InterceptSE, g.SlopeSE)
	}
	h := 0.25 + 975*975/122500.0
	_, se := g.Predict(1200)
	if want := math.Sqrt(s2 - delta + s2*h); !near(se, want, 1e-12) {
		t.Errorf("se %v, want %v", se, want)
	}
	const t975df8 = 2.306004135204166
	if !near(g.Critical(0.95), t975df8, 1e-9) {
		t.Errorf("Critical %v", g.Critical(0.95))
	}
	c, q0, q1, q2, ok := g.Band(0.95)
	d := 1200 - c
	if half2 := q0 + d*(q1+q2*d); !ok || !near(half2, t975df8*t975df8*(s2-delta+s2*h), 1e-9) {
		t.Errorf("band %v", half2)
	}
	if z := f.WithNoise(0.01, 8, 1); !near(z.Predict2(1200), 0.01*h, 1e-12) {
		t.Errorf("δ above s²: se² %v, want s²·h = %v", z.Predict2(1200), 0.01*h)
	}
	if bad := f.WithNoise(math.NaN(), 8, 0); bad.Variance != f.Variance || bad.NoiseDF != 2 {
		t.Error("NaN variance taken")
	}
}

// Predict2 is the square of Predict's standard error.
func (f *Fit) Predict2(x float64) float64 { _, se := f.Predict(x); return se * se }
