package fit

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// powerData are points of y = 5 + 0.02·x^1.3, perturbed by small fixed
// amounts so that the fit has residuals.
var (
	powerX    = []float64{10, 50, 100, 250, 500, 1000}
	powerWarp = []float64{0.3, -0.2, 0.1, -0.4, 0.25, -0.05}
)

func powerY(warp bool) []float64 {
	y := make([]float64, len(powerX))
	for i, x := range powerX {
		y[i] = 5 + 0.02*math.Pow(x, 1.3)
		if warp {
			y[i] += powerWarp[i]
		}
	}
	return y
}

func TestPowerRecoversExactCurve(t *testing.T) {
	f, err := Power(powerX, powerY(false), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !near(f.Exponent, 1.3, 1e-5) || !near(f.Intercept, 5, 1e-4) || !near(f.Slope, 0.02, 1e-4) {
		t.Errorf("Power = %v, want y = 5 + 0.02·x^1.3", f)
	}
	if f.K() != 3 || f.DF != 3 {
		t.Errorf("K, DF = %d, %d; want 3, 3", f.K(), f.DF)
	}
}

// bruteLine fits y = a + b·x^c for fixed c in closed form, by hand.
func bruteLine(x, y []float64, c float64) (a, b, rss float64) {
	n := float64(len(x))
	var ub, yb float64
	for i := range x {
		ub += math.Pow(x[i], c) / n
		yb += y[i] / n
	}
	var suu, suy float64
	for i := range x {
		u := math.Pow(x[i], c)
		suu += (u - ub) * (u - ub)
		suy += (u - ub) * (y[i] - yb)
	}
	b = suy / suu
	a = yb - b*ub
	for i := range x {
		r := y[i] - a - b*math.Pow(x[i], c)
		rss += r * r
	}
	return a, b, rss
}

// bruteSearch scans c over [0.2, 5] in steps of 0.0005 and refines the
// best by a finer scan: a second route to the power model's optimum.
func bruteSearch(x, y []float64) (c, a, b float64) {
	best := math.Inf(1)
	scan := func(lo, hi, step float64) {
		for cc := lo; cc <= hi+step/2; cc += step {
			if _, _, r := bruteLine(x, y, cc); r < best {
				best, c = r, cc
			}
		}
	}
	scan(0.2, 5, 0.0005)
	scan(c-0.0005, c+0.0005, 0.000001)
	a, b, _ = bruteLine(x, y, c)
	return c, a, b
}

func TestPowerAgainstBruteForce(t *testing.T) {
	y := powerY(true)
	f, err := Power(powerX, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, a, b := bruteSearch(powerX, y)
	if !near(f.Exponent, c, 1e-5) || !near(f.Intercept, a, 1e-3) || !near(f.Slope, b, 1e-3) {
		t.Errorf("Power = %v, brute force gives y = %v + %v·x^%v", f, a, b, c)
	}
	// PRESS by leaving each point out and searching again, by brute force.
	var press float64
	for i := range powerX {
		var sx, sy []float64
		for j := range powerX {
			if j != i {
				sx, sy = append(sx, powerX[j]), append(sy, y[j])
			}
		}
		c, a, b := bruteSearch(sx, sy)
		r := y[i] - (a + b*math.Pow(powerX[i], c))
		press += r * r
	}
	if !near(f.PRESS, press, 1e-3) {
		t.Errorf("PRESS = %v, brute force gives %v", f.PRESS, press)
	}
}

// TestPowerStandardErrors compares with s²(JᵀJ)⁻¹ where J is the Jacobian
// of the model taken by central finite differences, inverted by gonum mat.
func TestPowerStandardErrors(t *testing.T) {
	y := powerY(true)
	f, err := Power(powerX, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	model := func(p [3]float64, x float64) float64 { return p[0] + p[1]*math.Pow(x, p[2]) }
	p := [3]float64{f.Intercept, f.Slope, f.Exponent}
	J := mat.NewDense(len(powerX), 3, nil)
	for i, x := range powerX {
		for k := 0; k < 3; k++ {
			h := 1e-6 * math.Max(1, math.Abs(p[k]))
			up, dn := p, p
			up[k] += h
			dn[k] -= h
			J.Set(i, k, (model(up, x)-model(dn, x))/(2*h))
		}
	}
	var jtj, inv mat.Dense
	jtj.Mul(J.T(), J)
	if err := inv.Inverse(&jtj); err != nil {
		t.Fatal(err)
	}
	var rss float64
	for i, x := range powerX {
		r := y[i] - model(p, x)
		rss += r * r
	}
	s2 := rss / float64(len(powerX)-3)
	for k, got := range []float64{f.InterceptSE, f.SlopeSE, f.ExponentSE} {
		if want := math.Sqrt(s2 * inv.At(k, k)); !near(got, want, 1e-4) {
			t.Errorf("SE of coefficient %d = %v, finite differences give %v", k, got, want)
		}
	}
	// The prediction error at a new x by the same route.
	x := 2000.0
	j := mat.NewVecDense(3, nil)
	for k := 0; k < 3; k++ {
		h := 1e-6 * math.Max(1, math.Abs(p[k]))
		up, dn := p, p
		up[k] += h
		dn[k] -= h
		j.SetVec(k, (model(up, x)-model(dn, x))/(2*h))
	}
	want := math.Sqrt(s2 * (1 + mat.Inner(j, &inv, j)))
	if _, se := f.Predict(x); !near(se, want, 1e-4) {
		t.Errorf("Predict(2000) se = %v, finite differences give %v", se, want)
	}
}

func TestSelect(t *testing.T) {
	// The published tables are straight lines: affine stays.
	for _, y := range [][]float64{{12, 21, 46, 88}, {18, 27, 52, 94}, {34, 43, 68, 110}, {19, 27, 53, 95}, {18, 27, 52, 95}} {
		s, err := Select(tableX, y, &Options{MinVariance: 1.0 / 12})
		if err != nil {
			t.Fatal(err)
		}
		if s.Best.Model != AffineModel || len(s.Fits) != 2 || !strings.HasPrefix(s.Reason, "affine:") {
			t.Errorf("Select(%v) chose %v (%s), want affine", y, s.Best.Model, s.Reason)
		}
	}
	// Clearly curved data: y = 3 + 0.0004·x² with small fixed wiggles.
	x := []float64{50, 100, 200, 300, 400, 500, 700, 1000}
	wiggle := []float64{0.2, -0.1, 0.3, -0.2, 0.1, -0.3, 0.2, -0.1}
	y := make([]float64, len(x))
	for i := range x {
		y[i] = 3 + 0.0004*x[i]*x[i] + wiggle[i]
	}
	s, err := Select(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Best.Model != PowerModel || !near(s.Best.Exponent, 2, 0.01) || !strings.HasPrefix(s.Reason, "power:") {
		t.Errorf("Select(curved) chose %v (%s), want power with c ≈ 2", s.Best, s.Reason)
	}
	// Too few points for the power model: affine, and why.
	s, err = Select([]float64{50, 500}, []float64{18, 94}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Best.Model != AffineModel || len(s.Errs) != 1 || !strings.Contains(s.Reason, "too few points") {
		t.Errorf("Select(2 points) = %v, %q, %v", s.Best, s.Reason, s.Errs)
	}
	if _, err := Select([]float64{50}, []float64{18}, nil); !errors.Is(err, ErrTooFewPoints) {
		t.Errorf("Select(1 point) error = %v, want ErrTooFewPoints", err)
	}
}

// TestPooledAgainstDummies compares the closed form with least squares on
// the design matrix [group indicators, x] solved by gonum mat, and with
// σ²(XᵀX)⁻¹ for the standard errors.
func TestPooledAgainstDummies(t *testing.T) {
	xs := [][]float64{tableX, tableX, tableX, tableX, {300}}
	ys := [][]float64{{12, 21, 46, 88}, {18, 27, 52, 94}, {34, 43, 68, 110}, {18, 27, 52, 95}, {61}}
	p, err := Pooled(xs, ys, nil)
	if err != nil {
		t.Fatal(err)
	}
	G := len(xs)
	var rows int
	for _, x := range xs {
		rows += len(x)
	}
	X := mat.NewDense(rows, G+1, nil)
	Y := mat.NewVecDense(rows, nil)
	r := 0
	for g := range xs {
		for i, x := range xs[g] {
			X.Set(r, g, 1)
			X.Set(r, G, x)
			Y.SetVec(r, ys[g][i])
			r++
		}
	}
	var coef mat.VecDense
	if err := coef.SolveVec(X, Y); err != nil {
		t.Fatal(err)
	}
	if !near(p.Slope, coef.AtVec(G), 1e-10) {
		t.Errorf("Slope = %v, dummies give %v", p.Slope, coef.AtVec(G))
	}
	var fitted mat.VecDense
	fitted.MulVec(X, &coef)
	var rss float64
	for i := 0; i < rows; i++ {
		d := Y.AtVec(i) - fitted.AtVec(i)
		rss += d * d
	}
	df := rows - G - 1
	if p.N != rows || p.DF != df || !near(p.RSS, rss, 1e-9) {
		t.Errorf("N, DF, RSS = %d, %d, %v; want %d, %d, %v", p.N, p.DF, p.RSS, rows, df, rss)
	}
	var xtx, inv mat.Dense
	xtx.Mul(X.T(), X)
	if err := inv.Inverse(&xtx); err != nil {
		t.Fatal(err)
	}
	s2 := rss / float64(df)
	if se := math.Sqrt(s2 * inv.At(G, G)); !near(p.SlopeSE, se, 1e-8) {
		t.Errorf("SlopeSE = %v, dummies give %v", p.SlopeSE, se)
	}
	for g, f := range p.Groups {
		if !near(f.Intercept, coef.AtVec(g), 1e-9) || f.Slope != p.Slope || f.Model != PooledModel {
			t.Errorf("group %d = %v, dummies give α = %v", g, f, coef.AtVec(g))
		}
		if se := math.Sqrt(s2 * inv.At(g, g)); !near(f.InterceptSE, se, 1e-8) {
			t.Errorf("group %d InterceptSE = %v, dummies give %v", g, f.InterceptSE, se)
		}
		// The prediction error at x = 1000 is √(s²(1 + jᵀ(XᵀX)⁻¹j)) with j
		// the group's indicator and x.
		j := mat.NewVecDense(G+1, nil)
		j.SetVec(g, 1)
		j.SetVec(G, 1000)
		if _, se := f.Predict(1000); !near(se, math.Sqrt(s2*(1+mat.Inner(j, &inv, j))), 1e-8) {
			t.Errorf("group %d Predict(1000) se = %v", g, se)
		}
	}
}

func TestPooledErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		xs, ys [][]float64
		want   error
	}{
		{"no groups", nil, nil, ErrTooFewPoints},
		{"lengths", [][]float64{{1, 2}}, nil, ErrLength},
		{"empty group", [][]float64{{1, 2}, {}}, [][]float64{{1, 2}, {}}, ErrTooFewPoints},
		{"no spread", [][]float64{{1}, {2, 2}}, [][]float64{{1}, {3, 4}}, ErrNoSpread},
		{"NaN", [][]float64{{1, 2}}, [][]float64{{1, math.NaN()}}, ErrNotFinite},
	} {
		if _, err := Pooled(tc.xs, tc.ys, nil); !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestCoefficients(t *testing.T) {
	f, err := Affine(tableX, tableY, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs := f.Coefficients()
	if len(cs) != 2 || cs[0].Name != "(Intercept)" || cs[1].Name != "x" {
		t.Fatalf("Coefficients = %+v", cs)
	}
	// t = β/SE(β) = (33/196)/√(s²/122500); with 2 degrees of freedom the
	// two-sided p-value is 1 − t/√(t² + 2) (Student's t with ν = 2).
	s2 := 6664.0 / (196 * 196) / 2
	tv := (33.0 / 196) / math.Sqrt(s2/122500)
	if !near(cs[1].T, tv, 1e-9) {
		t.Errorf("t = %v, want %v", cs[1].T, tv)
	}
	if p := 1 - tv/math.Sqrt(tv*tv+2); !near(cs[1].P, p, 1e-6) {
		t.Errorf("p = %v, want %v", cs[1].P, p)
	}
}

// TestPowerLineAgainstGonum: the search's hand-written straight-line fit of
// y on x^c agrees with stat.LinearRegression.
func TestPowerLineAgainstGonum(t *testing.T) {
	y := powerY(true)
	lnx := make([]float64, len(powerX))
	for i, x := range powerX {
		lnx[i] = math.Log(x)
	}
	u := make([]float64, len(powerX))
	for _, c := range []float64{0.3, 1, 1.3, 4.5} {
		rss, a, b := powerLine(lnx, y, u, c)
		for i, x := range powerX {
			u[i] = math.Pow(x, c)
		}
		ga, gb := stat.LinearRegression(u, y, nil, false)
		var grss float64
		for i := range u {
			r := y[i] - ga - gb*u[i]
			grss += r * r
		}
		if !near(a, ga, 1e-9) || !near(b, gb, 1e-9) || !near(rss, grss, 1e-6) {
			t.Errorf("c = %v: %v + %v·u (RSS %v); gonum %v + %v·u (RSS %v)", c, a, b, rss, ga, gb, grss)
		}
	}
}
