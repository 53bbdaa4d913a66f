package fit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// noisyLine returns n points of y = setup + perHost·x plus Gaussian noise
// of standard deviation sd, x drawn uniformly from the whole numbers in
// [lo, hi]: a straight line like the catalog's tables, with n rows.
func noisyLine(n int, setup, perHost, sd, lo, hi float64, seed uint64) (x, y []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	x, y = make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = lo + math.Floor(r.Float64()*(hi-lo+1))
		y[i] = setup + perHost*x[i] + sd*r.NormFloat64()
	}
	return x, y
}

var sinkSelection *Selection

// BenchmarkSelectPoints chooses a model for a series of n points: a noisy
// straight line (setup 10 min, 0.168 min per host, noise 1 min) over 50 to
// 500 hosts. Both models and both PRESS are O(n), so each step of 10× the
// points should cost about 10× the time.
func BenchmarkSelectPoints(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		x, y := noisyLine(n, 10, 0.168, 1, 50, 500, 1)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s, err := Select(x, y, nil)
				if err != nil {
					b.Fatal(err)
				}
				sinkSelection = s
			}
		})
	}
}

// TestPowerPRESSTables: for 4-point tables PRESS refits each 3-point
// subset exactly; the leave-one-out RMSE matches a 50-digit computation
// (mpmath: each refit's exponent the root of the collinearity of the three
// points (x^c, y)) to rounding, and prints as the published check does.
func TestPowerPRESSTables(t *testing.T) {
	for _, tc := range []struct {
		y     []float64
		press float64
		loo   string
	}{
		{[]float64{12, 21, 46, 88}, 11.734046460105546, "1.712750"},
		{[]float64{18, 27, 52, 94}, 11.734046460105546, "1.712750"},
		{[]float64{34, 43, 68, 110}, 11.734046460105546, "1.712750"},
		{[]float64{19, 27, 53, 95}, 24.182580378441065, "2.458789"},
		{[]float64{18, 27, 52, 95}, 20.095963799223267, "2.241426"},
	} {
		f, err := Power(tableX, tc.y, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !near(f.PRESS, tc.press, 1e-12) {
			t.Errorf("%v: PRESS = %.17g, want %.17g (relative error %.1e)", tc.y, f.PRESS, tc.press, math.Abs(f.PRESS-tc.press)/tc.press)
		}
		if got := fmt.Sprintf("%.6f", f.LOO()); got != tc.loo {
			t.Errorf("%v: leave-one-out RMSE %s, want %s", tc.y, got, tc.loo)
		}
	}
}

// series of n points for the comparisons of PRESS, each made from a seed.
var pressSeries = []struct {
	name string
	tol  float64 // relative difference allowed from the exact refits
	gen  func(n int, seed uint64) (x, y []float64)
}{
	// Like the catalog's tables: 10 min + 0.168 min/host, noise of 1 min.
	{"noisy line", 1e-11, func(n int, s uint64) ([]float64, []float64) { return noisyLine(n, 10, 0.168, 1, 50, 500, s) }},
	// The same line without noise, rounded to whole minutes.
	{"rounded line", 1e-11, func(n int, s uint64) ([]float64, []float64) {
		x, y := noisyLine(n, 10, 0.168, 0, 50, 500, s)
		for i := range y {
			y[i] = math.Round(y[i])
		}
		return x, y
	}},
	// Clearly curved: y = 3 + 0.0004·x², noise of 5.
	{"curved", 1e-11, func(n int, s uint64) ([]float64, []float64) {
		r := rand.New(rand.NewPCG(s, 3))
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = 50 + math.Floor(r.Float64()*951)
			y[i] = 3 + 0.0004*x[i]*x[i] + 5*r.NormFloat64()
		}
		return x, y
	}},
	// Curved, but not a power: y = 20·ln x + 0.05·x, noise of 2.
	{"not a power", 1e-11, func(n int, s uint64) ([]float64, []float64) {
		r := rand.New(rand.NewPCG(s, 4))
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = 50 + math.Floor(r.Float64()*951)
			y[i] = 20*math.Log(x[i]) + 0.05*x[i] + 2*r.NormFloat64()
		}
		return x, y
	}},
	// y = 10 + 5·ln x wants c → 0: the fit's c is on the edge, 0.2.
	{"edge", 1e-11, func(n int, s uint64) ([]float64, []float64) {
		r := rand.New(rand.NewPCG(s, 6))
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = 1 + math.Floor(r.Float64()*1000)
			y[i] = 10 + 5*math.Log(x[i]) + 0.3*r.NormFloat64()
		}
		return x, y
	}},
	// A straight line over 1 to 1,200,000 hosts, noise of 3: the sums
	// lose digits to the range of x^c.
	{"wide x", 1e-9, func(n int, s uint64) ([]float64, []float64) {
		r := rand.New(rand.NewPCG(s, 5))
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = math.Round(math.Exp(r.Float64() * 14))
			y[i] = 10 + 0.168*x[i] + 3*r.NormFloat64()
		}
		return x, y
	}},
}

// exactPRESS is the power model's PRESS by exact refits, whatever the
// number of points.
func exactPRESS(t *testing.T, f *Fit, x, y []float64) float64 {
	t.Helper()
	lnx := make([]float64, len(x))
	for i, xi := range x {
		lnx[i] = math.Log(xi)
	}
	return powerPRESS(x, y, lnx, make([]float64, len(x)), f.Exponent)
}

// TestPowerPRESSFromSums: above 64 points PRESS comes from sums in O(n);
// it agrees with the exact refits to rounding: a relative 1e-11, 1e-9 for
// x over six decades (measured: below 1e-12, and 1e-10).
func TestPowerPRESSFromSums(t *testing.T) {
	sizes := []int{65, 200, 1000}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, tc := range pressSeries {
		for _, n := range sizes {
			for seed := uint64(1); seed <= 3 && (seed == 1 || n < 1000); seed++ {
				x, y := tc.gen(n, seed)
				f, err := Power(x, y, nil)
				if err != nil {
					t.Fatal(err)
				}
				want := exactPRESS(t, f, x, y)
				if rel := math.Abs(f.PRESS-want) / want; !(rel <= tc.tol) {
					t.Errorf("%s, n = %d, seed %d: PRESS = %.15g, refits give %.15g (relative %.1e)", tc.name, n, seed, f.PRESS, want, rel)
				}
			}
		}
	}
}

// TestPowerPRESSNoiseFree: on an exact straight line every left-out point
// is predicted exactly, by the refits and by the sums, up to rounding.
func TestPowerPRESSNoiseFree(t *testing.T) {
	for _, n := range []int{200, 1000} {
		x, y := noisyLine(n, 10, 0.168, 0, 50, 500, 1)
		f, err := Power(x, y, nil)
		if err != nil {
			t.Fatal(err)
		}
		var tss float64
		for _, yi := range y {
			tss += (yi - 94) * (yi - 94)
		}
		if want := exactPRESS(t, f, x, y); !(f.PRESS <= 1e-20*tss && want <= 1e-20*tss) {
			t.Errorf("n = %d: PRESS = %g, refits give %g; want both 0 to rounding", n, f.PRESS, want)
		}
	}
}

// TestPowerPRESSUndetermined: where y has no trend, c is all but
// arbitrary and a left-out exponent may jump anywhere; past 8 exact refits
// the others get the Gauss-Newton estimate, which keeps PRESS within 1%
// of the exact refits (measured: at most 0.3% over ten seeds).
func TestPowerPRESSUndetermined(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		x, y := noisyLine(200, 10, 0, 1, 50, 500, seed)
		f, err := Power(x, y, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := exactPRESS(t, f, x, y)
		if rel := math.Abs(f.PRESS-want) / want; !(rel < 0.01) {
			t.Errorf("seed %d: PRESS = %.15g, refits give %.15g (relative %.1e)", seed, f.PRESS, want, rel)
		}
	}
}

// TestPowerPRESSLeavesTooFew: PRESS is NaN when leaving out a point leaves
// fewer than three distinct x, however many points.
func TestPowerPRESSLeavesTooFew(t *testing.T) {
	for _, n := range []int{10, 100} {
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = []float64{50, 250}[i%2]
			y[i] = 10 + 0.168*x[i] + 0.1*float64(i%3)
		}
		x[0], y[0] = 500, 95
		f, err := Power(x, y, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsNaN(f.PRESS) {
			t.Errorf("n = %d, one point at x = 500: PRESS = %v, want NaN", n, f.PRESS)
		}
		x[1], y[1] = 500, 94
		if f, err = Power(x, y, nil); err != nil || math.IsNaN(f.PRESS) {
			t.Errorf("n = %d, two points at x = 500: PRESS = %v (%v), want a number", n, f.PRESS, err)
		}
	}
}

// TestRising: Brent's root finder reaches full precision, and refuses an
// interval without a rising sign change.
func TestRising(t *testing.T) {
	for _, tc := range []struct {
		f      func(float64) float64
		lo, hi float64
		want   float64
	}{
		{func(x float64) float64 { return x*x*x - 2 }, 0, 2, math.Cbrt(2)},
		{func(x float64) float64 { return x - math.Cos(x) }, 0, 1, 0.7390851332151607},
		{func(x float64) float64 { return math.Exp(x) - 1e-3 }, -20, 5, math.Log(1e-3)},
	} {
		calls := 0
		f := func(x float64) float64 { calls++; return tc.f(x) }
		x, ok := rising(f, tc.lo, tc.hi)
		if !ok || !near(x, tc.want, 1e-15) || calls > 40 {
			t.Errorf("root in [%v, %v] = %v, %v after %d calls; want %v", tc.lo, tc.hi, x, ok, calls, tc.want)
		}
	}
	if _, ok := rising(func(x float64) float64 { return 1 - x }, 0, 2); ok {
		t.Error("a falling function: ok")
	}
}
