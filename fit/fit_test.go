package fit

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The KB899588 table: 18, 27, 52 and 94 minutes for 50, 100, 250 and 500
// hosts. By hand: x̄ = 225, ȳ = 47.75, Sxx = 122500, Sxy = 20625, so
// β = 20625/122500 = 33/196 and α = 47.75 − 225·33/196 = 1934/196.
var (
	tableX = []float64{50, 100, 250, 500}
	tableY = []float64{18, 27, 52, 94}
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func TestAffineByHand(t *testing.T) {
	f, err := Affine(tableX, tableY)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1934.0 / 196; !near(f.Intercept, want, 1e-12) {
		t.Errorf("Intercept = %v, want %v", f.Intercept, want)
	}
	if want := 33.0 / 196; !near(f.Slope, want, 1e-12) {
		t.Errorf("Slope = %v, want %v", f.Slope, want)
	}
	// Residuals yᵢ − (1934 + 33xᵢ)/196, worked out as fractions of 196.
	want := []float64{(18*196 - 1934 - 33*50) / 196.0, (27*196 - 1934 - 33*100) / 196.0,
		(52*196 - 1934 - 33*250) / 196.0, (94*196 - 1934 - 33*500) / 196.0}
	for i := range want {
		if !near(f.Residuals[i], want[i], 1e-12) {
			t.Errorf("Residuals[%d] = %v, want %v", i, f.Residuals[i], want[i])
		}
	}
	// Every published cell is reproduced after rounding to the minute.
	for i, x := range tableX {
		if got := math.Round(f.At(x)); got != tableY[i] {
			t.Errorf("round(At(%v)) = %v, want %v", x, got, tableY[i])
		}
	}
}

// TestAffineAgainstQR compares with a least-squares solve by gonum's mat
// (QR decomposition of the design matrix [1 x]), a second, independent route.
func TestAffineAgainstQR(t *testing.T) {
	for _, pts := range [][2][]float64{
		{tableX, tableY},
		{{50, 100, 250, 500}, {19, 27, 53, 95}},
		{{1, 2}, {5, 3}},
		{{3, 1, 4, 1, 5, 9, 2, 6}, {2.7, 1.8, 2.8, 1.8, 4.5, 9.0, 4.5, 2.3}},
		{{1e6, 1e6 + 1, 1e6 + 3}, {1, 2, 4.5}},
	} {
		x, y := pts[0], pts[1]
		f, err := Affine(x, y)
		if err != nil {
			t.Fatal(err)
		}
		A := mat.NewDense(len(x), 2, nil)
		for i := range x {
			A.Set(i, 0, 1)
			A.Set(i, 1, x[i])
		}
		var coef mat.VecDense
		if err := coef.SolveVec(A, mat.NewVecDense(len(y), append([]float64(nil), y...))); err != nil {
			t.Fatal(err)
		}
		if !near(f.Intercept, coef.AtVec(0), 1e-6) || !near(f.Slope, coef.AtVec(1), 1e-9) {
			t.Errorf("Affine(%v, %v) = %v + %v·x, QR gives %v + %v·x", x, y, f.Intercept, f.Slope, coef.AtVec(0), coef.AtVec(1))
		}
	}
}

func TestAffineErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name string
		x, y []float64
		want error
	}{
		{"none", nil, nil, ErrTooFewPoints},
		{"one", []float64{50}, []float64{18}, ErrTooFewPoints},
		{"same x", []float64{50, 50, 50}, []float64{18, 19, 20}, ErrNoSpread},
		{"NaN x", []float64{50, nan}, []float64{18, 27}, ErrNotFinite},
		{"NaN y", []float64{50, 100}, []float64{18, nan}, ErrNotFinite},
		{"Inf y", []float64{50, 100}, []float64{inf, 27}, ErrNotFinite},
		{"-Inf x", []float64{math.Inf(-1), 100}, []float64{18, 27}, ErrNotFinite},
		{"overflow", []float64{-1e308, 1e308}, []float64{-1e308, 1e308}, ErrNotFinite},
		{"lengths", []float64{50, 100, 250}, []float64{18, 27}, ErrLength},
	} {
		f, err := Affine(tc.x, tc.y)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: Affine = %v, %v; want error %v", tc.name, f, err, tc.want)
		}
	}
}

func TestAffineDoesNotModifyInput(t *testing.T) {
	x := []float64{50, 100, 250, 500}
	y := []float64{18, 27, 52, 94}
	if _, err := Affine(x, y); err != nil {
		t.Fatal(err)
	}
	for i := range x {
		if x[i] != tableX[i] || y[i] != tableY[i] {
			t.Fatalf("inputs changed: %v %v", x, y)
		}
	}
}
