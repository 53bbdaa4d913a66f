package fit

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The KB899588 table: 18, 27, 52 and 94 minutes for 50, 100, 250 and 500
// hosts. By hand: x̄ = 225, ȳ = 47.75, Sxx = 122500, Sxy = 20625, so
// β = 20625/122500 = 33/196 and α = 47.75 − 225·33/196 = 1934/196; the
// residuals are (−56, 58, 8, −10)/196, RSS = 6664/196².
var (
	tableX = []float64{50, 100, 250, 500}
	tableY = []float64{18, 27, 52, 94}
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func TestAffineByHand(t *testing.T) {
	f, err := Affine(tableX, tableY, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1934.0 / 196; !near(f.Intercept, want, 1e-12) {
		t.Errorf("Intercept = %v, want %v", f.Intercept, want)
	}
	if want := 33.0 / 196; !near(f.Slope, want, 1e-12) {
		t.Errorf("Slope = %v, want %v", f.Slope, want)
	}
	want := []float64{-56 / 196.0, 58 / 196.0, 8 / 196.0, -10 / 196.0}
	for i := range want {
		if !near(f.Residuals[i], want[i], 1e-12) {
			t.Errorf("Residuals[%d] = %v, want %v", i, f.Residuals[i], want[i])
		}
	}
	rss := 6664.0 / (196 * 196)
	s2 := rss / 2
	if f.N != 4 || f.DF != 2 || f.K() != 2 {
		t.Errorf("N, DF, K = %d, %d, %d; want 4, 2, 2", f.N, f.DF, f.K())
	}
	if !near(f.RSS, rss, 1e-12) || !near(f.RMSE, math.Sqrt(s2), 1e-12) || !near(f.Variance, s2, 1e-12) {
		t.Errorf("RSS, RMSE, Variance = %v, %v, %v; want %v, %v, %v", f.RSS, f.RMSE, f.Variance, rss, math.Sqrt(s2), s2)
	}
	// Σ(y − ȳ)² = 29.75² + 20.75² + 4.25² + 46.25² = 3472.75.
	if r2 := 1 - rss/3472.75; !near(f.R2, r2, 1e-12) {
		t.Errorf("R2 = %v, want %v", f.R2, r2)
	}
	// SE(β) = √(s²/Sxx), SE(α) = √(s²(1/n + x̄²/Sxx)).
	if se := math.Sqrt(s2 / 122500); !near(f.SlopeSE, se, 1e-9) {
		t.Errorf("SlopeSE = %v, want %v", f.SlopeSE, se)
	}
	if se := math.Sqrt(s2 * (0.25 + 225*225/122500.0)); !near(f.InterceptSE, se, 1e-9) {
		t.Errorf("InterceptSE = %v, want %v", f.InterceptSE, se)
	}
	// With 4 points and 2 coefficients plus σ, AICc divides by n − 3 − 1 = 0.
	if !math.IsNaN(f.AICc) {
		t.Errorf("AICc = %v, want NaN for 4 points", f.AICc)
	}
	for i, x := range tableX {
		if got := math.Round(f.At(x)); got != tableY[i] {
			t.Errorf("round(At(%v)) = %v, want %v", x, got, tableY[i])
		}
	}
}

// leaveOneOut refits by a second route, a QR least-squares solve of the
// design matrix, without each point in turn, and returns PRESS.
func leaveOneOut(t *testing.T, x, y []float64) float64 {
	var press float64
	for i := range x {
		var sx, sy []float64
		for j := range x {
			if j != i {
				sx, sy = append(sx, x[j]), append(sy, y[j])
			}
		}
		a, b := solveLine(t, sx, sy)
		r := y[i] - (a + b*x[i])
		press += r * r
	}
	return press
}

// solveLine is least squares of y on [1 x] through gonum's mat.
func solveLine(t *testing.T, x, y []float64) (a, b float64) {
	t.Helper()
	A := mat.NewDense(len(x), 2, nil)
	for i := range x {
		A.Set(i, 0, 1)
		A.Set(i, 1, x[i])
	}
	var coef mat.VecDense
	if err := coef.SolveVec(A, mat.NewVecDense(len(y), append([]float64(nil), y...))); err != nil {
		t.Fatal(err)
	}
	return coef.AtVec(0), coef.AtVec(1)
}

// TestAffineAgainstQR compares coefficients and PRESS with gonum mat (a QR
// solve, and refitting without each point), and the slope's standard error
// with its closed form.
func TestAffineAgainstQR(t *testing.T) {
	for _, pts := range [][2][]float64{
		{tableX, tableY},
		{{50, 100, 250, 500}, {19, 27, 53, 95}},
		{{3, 1, 4, 1, 5, 9, 2, 6}, {2.7, 1.8, 2.8, 1.8, 4.5, 9.0, 4.5, 2.3}},
		{{1e6, 1e6 + 1, 1e6 + 3, 1e6 + 7}, {1, 2, 4.5, 7}},
	} {
		x, y := pts[0], pts[1]
		f, err := Affine(x, y, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, b := solveLine(t, x, y)
		if !near(f.Intercept, a, 1e-6) || !near(f.Slope, b, 1e-9) {
			t.Errorf("Affine(%v, %v) = %v + %v·x, QR gives %v + %v·x", x, y, f.Intercept, f.Slope, a, b)
		}
		// SE(β) = √(s²/Σ(x − x̄)²), by hand.
		var rss, xbar, sxx float64
		for i := range x {
			r := y[i] - a - b*x[i]
			rss += r * r
			xbar += x[i] / float64(len(x))
		}
		for _, xi := range x {
			sxx += (xi - xbar) * (xi - xbar)
		}
		s2 := rss / float64(len(x)-2)
		if se := math.Sqrt(s2 / sxx); !near(f.SlopeSE, se, 1e-6) {
			t.Errorf("%v: SlopeSE = %v, by hand %v", x, f.SlopeSE, se)
		}
		if press := leaveOneOut(t, x, y); !near(f.PRESS, press, 1e-6) {
			t.Errorf("%v: PRESS = %v, refitting gives %v", x, f.PRESS, press)
		}
	}
}

// TestInterval checks the 95% prediction interval of the KB899588 fit with
// the textbook formula and t(0.975, 2) = 4.302652729911275 from a table.
func TestInterval(t *testing.T) {
	f, err := Affine(tableX, tableY, nil)
	if err != nil {
		t.Fatal(err)
	}
	const t975df2 = 4.302652729911275
	if got := f.Critical(0.95); !near(got, t975df2, 1e-9) {
		t.Errorf("Critical(0.95) = %v, want %v", got, t975df2)
	}
	s2 := 6664.0 / (196 * 196) / 2
	for _, x := range []float64{50, 225, 500, 1200, 5000} {
		y := (1934 + 33*x) / 196
		half := t975df2 * math.Sqrt(s2*(1+0.25+(x-225)*(x-225)/122500))
		lo, hi := f.Interval(x, 0.95)
		if !near(lo, y-half, 1e-9) || !near(hi, y+half, 1e-9) {
			t.Errorf("Interval(%v) = [%v, %v], want [%v, %v]", x, lo, hi, y-half, y+half)
		}
	}
	// Wider away from the data.
	l1, h1 := f.Interval(500, 0.95)
	l2, h2 := f.Interval(5000, 0.95)
	if !(h2-l2 > h1-l1) {
		t.Errorf("interval at 5000 (%v wide) not wider than at 500 (%v)", h2-l2, h1-l1)
	}
	if lo, hi := f.Interval(100, 1.5); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("Interval at level 1.5 = [%v, %v], want NaN", lo, hi)
	}
}

// TestVarianceFloor: data exactly on a line (y = 10 + x/5) fit perfectly,
// but rounded data carry noise of variance 1/12, and the floor keeps the
// interval honest.
func TestVarianceFloor(t *testing.T) {
	y := []float64{20, 30, 60, 110}
	bare, err := Affine(tableX, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bare.RSS > 1e-20 || bare.Variance > 1e-20 {
		t.Fatalf("perfect data: RSS %v, variance %v; want 0", bare.RSS, bare.Variance)
	}
	f, err := Affine(tableX, y, &Options{MinVariance: 1.0 / 12})
	if err != nil {
		t.Fatal(err)
	}
	if f.Variance != 1.0/12 {
		t.Errorf("Variance = %v, want the floor 1/12", f.Variance)
	}
	if se := math.Sqrt(1.0 / 12 / 122500); !near(f.SlopeSE, se, 1e-12) {
		t.Errorf("SlopeSE = %v, want √(1/12 / 122500) = %v", f.SlopeSE, se)
	}
	lo, hi := f.Interval(250, 0.95)
	if !(hi-lo > 1) {
		t.Errorf("interval at 250 is [%v, %v]; a floor of 1/12 min² must make it over a minute wide", lo, hi)
	}
	// A fit noisier than the floor keeps its own variance.
	g, err := Affine(tableX, tableY, &Options{MinVariance: 1.0 / 12})
	if err != nil {
		t.Fatal(err)
	}
	if want := 6664.0 / (196 * 196) / 2; !near(g.Variance, want, 1e-12) {
		t.Errorf("Variance = %v, want RSS/DF = %v above the floor", g.Variance, want)
	}
}

// TestTwoPoints: a line through two points has no residual degrees of
// freedom; with a known noise floor the interval uses the normal quantile
// 1.959963984540054, without one it is infinite.
func TestTwoPoints(t *testing.T) {
	f, err := Affine([]float64{50, 500}, []float64{18, 94}, &Options{MinVariance: 1.0 / 12})
	if err != nil {
		t.Fatal(err)
	}
	if f.DF != 0 || !math.IsNaN(f.RMSE) || !math.IsNaN(f.PRESS) {
		t.Errorf("DF, RMSE, PRESS = %d, %v, %v; want 0, NaN, NaN", f.DF, f.RMSE, f.PRESS)
	}
	if z := f.Critical(0.95); !near(z, 1.959963984540054, 1e-9) {
		t.Errorf("Critical(0.95) = %v, want 1.96", z)
	}
	g, _ := Affine([]float64{50, 500}, []float64{18, 94}, nil)
	if lo, hi := g.Interval(100, 0.95); !math.IsInf(hi, 1) || !math.IsInf(lo, -1) {
		t.Errorf("no floor, no DF: interval [%v, %v], want infinite", lo, hi)
	}
}

func TestErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name string
		fn   func(x, y []float64, o *Options) (*Fit, error)
		x, y []float64
		want error
	}{
		{"none", Affine, nil, nil, ErrTooFewPoints},
		{"one", Affine, []float64{50}, []float64{18}, ErrTooFewPoints},
		{"same x", Affine, []float64{50, 50, 50}, []float64{18, 19, 20}, ErrNoSpread},
		{"NaN x", Affine, []float64{50, nan}, []float64{18, 27}, ErrNotFinite},
		{"NaN y", Affine, []float64{50, 100}, []float64{18, nan}, ErrNotFinite},
		{"Inf y", Affine, []float64{50, 100}, []float64{inf, 27}, ErrNotFinite},
		{"-Inf x", Affine, []float64{math.Inf(-1), 100}, []float64{18, 27}, ErrNotFinite},
		{"overflow", Affine, []float64{-1e308, 1e308}, []float64{-1e308, 1e308}, ErrNotFinite},
		{"lengths", Affine, []float64{50, 100, 250}, []float64{18, 27}, ErrLength},
		{"power two points", Power, []float64{50, 100}, []float64{18, 27}, ErrTooFewPoints},
		{"power two distinct", Power, []float64{50, 100, 100, 50}, []float64{18, 27, 28, 19}, ErrNoSpread},
		{"power x ≤ 0", Power, []float64{0, 100, 250}, []float64{18, 27, 52}, ErrDomain},
		{"power NaN", Power, []float64{50, 100, 250}, []float64{18, nan, 52}, ErrNotFinite},
	} {
		f, err := tc.fn(tc.x, tc.y, nil)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, %v; want error %v", tc.name, f, err, tc.want)
		}
	}
}

func TestDoesNotModifyInput(t *testing.T) {
	x := []float64{50, 100, 250, 500}
	y := []float64{18, 27, 52, 94}
	if _, err := Select(x, y, &Options{MinVariance: 1.0 / 12}); err != nil {
		t.Fatal(err)
	}
	for i := range x {
		if x[i] != tableX[i] || y[i] != tableY[i] {
			t.Fatalf("inputs changed: %v %v", x, y)
		}
	}
}

// BenchmarkAffine fits one published table.
func BenchmarkAffine(b *testing.B) {
	for b.Loop() {
		if _, err := Affine(tableX, tableY, &Options{MinVariance: 1.0 / 12}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSelect fits one published table with both models, leave-one-out
// errors included, and chooses.
func BenchmarkSelect(b *testing.B) {
	for b.Loop() {
		if _, err := Select(tableX, tableY, &Options{MinVariance: 1.0 / 12}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBand: the quadratic of Band gives the same half-width as Interval,
// and there is none for the power model or unknown noise.
func TestBand(t *testing.T) {
	f, err := Affine(tableX, tableY, &Options{MinVariance: 1.0 / 12})
	if err != nil {
		t.Fatal(err)
	}
	c, q0, q1, q2, ok := f.Band(0.9)
	if !ok {
		t.Fatal("no band for the affine model")
	}
	for _, x := range []float64{1, 50, 225, 777, 1e6} {
		lo, hi := f.Interval(x, 0.9)
		d := x - c
		if half := math.Sqrt(q0 + d*(q1+q2*d)); !near(half, (hi-lo)/2, 1e-9) {
			t.Errorf("x = %v: band %v, interval half-width %v", x, half, (hi-lo)/2)
		}
	}
	p, err := Power(powerX, powerY(true), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, ok := p.Band(0.95); ok {
		t.Error("the power model has a band")
	}
	g, _ := Affine([]float64{50, 500}, []float64{18, 94}, nil)
	if _, _, _, _, ok := g.Band(0.95); ok {
		t.Error("a fit of unknown noise has a band")
	}
}
