package fit

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestLeastSquaresUnconstrained(t *testing.T) {
	// y = 2 + 3·x exactly, plus fixed scatter; the straight-line fit is
	// Affine's, a second route.
	x := []float64{1, 2, 4, 7, 9}
	y := []float64{5.1, 7.9, 14.2, 22.8, 29.1}
	var rows [][]float64
	for _, xi := range x {
		rows = append(rows, []float64{1, xi})
	}
	l, err := LeastSquares(rows, y, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Affine(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !near(l.Coef[0], a.Intercept, 1e-9) || !near(l.Coef[1], a.Slope, 1e-9) ||
		!near(l.SE[0], a.InterceptSE, 1e-9) || !near(l.SE[1], a.SlopeSE, 1e-9) || !near(l.RSS, a.RSS, 1e-9) || l.DF != 3 {
		t.Errorf("LeastSquares = %+v, Affine = %v ± %v, %v ± %v", l, a.Intercept, a.InterceptSE, a.Slope, a.SlopeSE)
	}
}

// TestLeastSquaresConstrained: y = 1 + 2·x₁ − 0.5·x₂ on points where x₂
// varies; with β₂ ≥ 0 the optimum drops x₂ and is the straight-line fit of
// y on x₁ alone.
func TestLeastSquaresConstrained(t *testing.T) {
	pts := [][2]float64{{1, 0}, {2, 3}, {3, 1}, {4, 4}, {5, 2}, {6, 5}}
	var rows [][]float64
	var x1, y []float64
	for _, p := range pts {
		rows = append(rows, []float64{1, p[0], p[1]})
		x1 = append(x1, p[0])
		y = append(y, 1+2*p[0]-0.5*p[1])
	}
	free, err := LeastSquares(rows, y, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !near(free.Coef[2], -0.5, 1e-9) {
		t.Fatalf("unconstrained β₂ = %v, want −0.5", free.Coef[2])
	}
	l, err := LeastSquares(rows, y, []bool{false, false, true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Affine(x1, y, nil)
	if l.Coef[2] != 0 || !l.AtBound[2] || !near(l.Coef[0], a.Intercept, 1e-9) || !near(l.Coef[1], a.Slope, 1e-9) || l.SE[2] != 0 || l.DF != 4 {
		t.Errorf("constrained = %+v, want β₂ = 0 and the line %v", l, a)
	}
}

func TestLeastSquaresErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		X    [][]float64
		y    []float64
		want error
	}{
		{"none", nil, nil, ErrTooFewPoints},
		{"lengths", [][]float64{{1, 2}}, []float64{1, 2}, ErrLength},
		{"ragged", [][]float64{{1, 2}, {1}}, []float64{1, 2}, ErrLength},
		{"NaN", [][]float64{{1, math.NaN()}, {1, 2}}, []float64{1, 2}, ErrNotFinite},
		{"collinear", [][]float64{{1, 2}, {2, 4}, {3, 6}}, []float64{1, 2, 3}, ErrNoSpread},
		{"few", [][]float64{{1, 2, 3}}, []float64{1}, ErrTooFewPoints},
	} {
		if _, err := LeastSquares(tc.X, tc.y, nil, nil); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestLine: the prediction variance of a line with coefficient covariance
// C and noise s² is s² + C₀₀ + 2x·C₀₁ + x²·C₁₁.
func TestLine(t *testing.T) {
	cov := [2][2]float64{{0.5, -0.001}, {-0.001, 4e-6}}
	f := Line(10, 0.2, 1, cov, 0.09, 6)
	for _, x := range []float64{0, 100, 1000} {
		y, se := f.Predict(x)
		want := math.Sqrt(0.09 + cov[0][0] + 2*x*cov[0][1] + x*x*cov[1][1])
		if !near(y, 10+0.2*x, 1e-12) || !near(se, want, 1e-12) {
			t.Errorf("Predict(%v) = %v ± %v, want %v ± %v", x, y, se, 10+0.2*x, want)
		}
	}
	p := Line(10, 0.02, 1.5, cov, 0.09, 6)
	if y, _ := p.Predict(400); !near(y, 10+0.02*math.Pow(400, 1.5), 1e-12) || p.Model != PowerModel {
		t.Errorf("power line at 400 = %v", y)
	}
}

// TestLeastSquaresTwoConstraints: with two non-negative coefficients the
// enumeration of subsets must find the right one. y = 1 + 2·x₁ + 0.7·x₂ −
// 0.4·x₃ exactly: x₃ goes to its bound, x₂ stays free, and the answer is
// the fit on [1 x₁ x₂] alone, solved here by gonum's mat.
func TestLeastSquaresTwoConstraints(t *testing.T) {
	pts := [][3]float64{{1, 0, 2}, {2, 3, 1}, {3, 1, 4}, {4, 4, 0}, {5, 2, 3}, {6, 5, 5}, {7, 1, 1}}
	var rows [][]float64
	X := mat.NewDense(len(pts), 3, nil)
	Y := mat.NewVecDense(len(pts), nil)
	for i, p := range pts {
		rows = append(rows, []float64{1, p[0], p[1], p[2]})
		X.SetRow(i, []float64{1, p[0], p[1]})
		Y.SetVec(i, 1+2*p[0]+0.7*p[1]-0.4*p[2])
	}
	var want mat.VecDense
	if err := want.SolveVec(X, Y); err != nil {
		t.Fatal(err)
	}
	l, err := LeastSquares(rows, Y.RawVector().Data, []bool{false, false, true, true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l.AtBound[2] || !l.AtBound[3] || l.Coef[3] != 0 {
		t.Fatalf("bounds %v, coefficients %v: want x₃ alone at 0", l.AtBound, l.Coef)
	}
	for j := 0; j < 3; j++ {
		if !near(l.Coef[j], want.AtVec(j), 1e-9) {
			t.Errorf("β%d = %v, mat on the free columns gives %v", j, l.Coef[j], want.AtVec(j))
		}
	}
	// Both pushed below zero: both at 0, and the fit is the line on x₁.
	var y2 []float64
	var x1 []float64
	for _, p := range pts {
		y2 = append(y2, 1+2*p[0]-0.7*p[1]-0.4*p[2])
		x1 = append(x1, p[0])
	}
	l, err = LeastSquares(rows, y2, []bool{false, false, true, true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Affine(x1, y2, nil)
	if !l.AtBound[2] || !l.AtBound[3] || !near(l.Coef[0], a.Intercept, 1e-9) || !near(l.Coef[1], a.Slope, 1e-9) {
		t.Errorf("both constrained: %v (bounds %v), want %v and both at 0", l.Coef, l.AtBound, a)
	}
}
