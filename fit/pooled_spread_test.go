package fit

import (
	"math"
	"testing"
)

// TestPooledSpread checks τ² (DerSimonian–Laird) by hand on the four
// distinct UpdateEXPERT 6.1 tables, and that WithIntercept's variance and
// band carry it: Var(ŷ(x)) = s² + x²·(SE(β)² + τ²), t on k − 2 df.
func TestPooledSpread(t *testing.T) {
	x := []float64{50, 100, 250, 500}
	ys := [][]float64{{18, 27, 52, 94}, {34, 43, 68, 110}, {19, 27, 53, 95}, {18, 27, 52, 95}}
	xs := [][]float64{x, x, x, x}
	p, err := Pooled(xs, ys, &Options{MinVariance: 1.0 / 12})
	if err != nil {
		t.Fatal(err)
	}
	// By hand: S_g = 122500 for each, b_g = S_xy,g/S_g.
	const s = 122500.0
	b := []float64{20625 / s, 20625 / s, 20750 / s, 20900 / s}
	// The weights take the variance within the tables, each about its own
	// line: RSS_g = S_yy − S_xy²/S by hand, over Σ(n_g − 2) = 8 df
	// (0.0943877551 with R's lm, testdata/r/pooled-noise.R).
	var rss float64
	for _, y := range ys {
		ybar := (y[0] + y[1] + y[2] + y[3]) / 4
		var sxy, syy float64
		for i := range x {
			sxy += (x[i] - 225) * (y[i] - ybar)
			syy += (y[i] - ybar) * (y[i] - ybar)
		}
		rss += syy - sxy*sxy/s
	}
	within := rss / 8
	if math.Abs(within-0.0943877551) > 1e-9 {
		t.Fatalf("within-table variance %v by hand, R gives 0.0943877551", within)
	}
	w := s / within
	var q float64
	for _, bg := range b {
		q += w * (bg - p.Slope) * (bg - p.Slope)
	}
	tau2 := max(0, (q-3)/(4*w-4*w*w/(4*w)))
	if math.Abs(p.Q-q) > 1e-9*q || math.Abs(p.Tau2-tau2) > 1e-9*tau2 || p.SlopeGroups != 4 || !(tau2 > 0) {
		t.Fatalf("Q, τ², k = %v, %v, %d; want %v, %v, 4", p.Q, p.Tau2, p.SlopeGroups, q, tau2)
	}
	t.Logf("rate %.5f ± %.5f, τ = %.5f, Q = %.3f on 3 df", p.Slope, p.SlopeSE, math.Sqrt(p.Tau2), p.Q)
	f := p.WithIntercept(12)
	if f.NoiseDF != 2 || math.Abs(f.SlopeSE-math.Sqrt(p.SlopeSE*p.SlopeSE+tau2)) > 1e-12 {
		t.Errorf("NoiseDF %d, SlopeSE %v; want 2, %v", f.NoiseDF, f.SlopeSE, math.Sqrt(p.SlopeSE*p.SlopeSE+tau2))
	}
	for _, h := range []float64{100, 5000} {
		want := 4.302652729911275 * math.Sqrt( // t(0.975, 2), R: qt(0.975, 2)
			p.Variance+h*h*(p.SlopeSE*p.SlopeSE+tau2))
		lo, hi := f.Interval(h, 0.95)
		c, q0, q1, q2, ok := f.Band(0.95)
		d := h - c
		if !ok || math.Abs((hi-lo)/2-want) > 1e-9*want || math.Abs(math.Sqrt(q0+d*(q1+q2*d))-want) > 1e-9*want {
			t.Errorf("%v hosts: interval ±%v, band ±%v; want ±%v", h, (hi-lo)/2, math.Sqrt(q0+d*(q1+q2*d)), want)
		}
	}
	// Identical slopes: Q = 0, τ² = 0, and the slope's SE alone.
	p, err = Pooled([][]float64{x, x}, [][]float64{{18, 27, 52, 94}, {34, 43, 68, 110}}, &Options{MinVariance: 1.0 / 12})
	if err != nil {
		t.Fatal(err)
	}
	if p.Tau2 != 0 || p.WithIntercept(5).SlopeSE != p.SlopeSE || p.WithIntercept(5).NoiseDF != 1 {
		t.Errorf("equal slopes: τ² %v, SE %v vs %v", p.Tau2, p.WithIntercept(5).SlopeSE, p.SlopeSE)
	}
}
