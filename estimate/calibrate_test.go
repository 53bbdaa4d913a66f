package estimate

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// siteObservations are rollouts of KB899588 on XP at a site 1.3 times
// slower per host than published, with 4 minutes more setup, σ = 0.05 and
// κ = 0.002, plus a small fixed scatter: the truth a calibration must find.
func siteObservations(consoles []int, scatter bool) []Observation {
	var obs []Observation
	wiggle := []float64{0.2, -0.15, 0.1, -0.05, 0.12, -0.22, 0.07, 0.0, -0.1, 0.18, -0.08, 0.05}
	i := 0
	for _, c := range consoles {
		for _, h := range []int{200, 700, 1500} {
			m := handA + 4 + 1.3*handB*float64((h+c-1)/c)*(1+0.05*float64(c-1)+0.002*float64(c*(c-1)))
			if scatter {
				m += wiggle[i%len(wiggle)]
			}
			i++
			obs = append(obs, Observation{KB: "KB899588", Platform: "XP", Consoles: c, Hosts: h, Minutes: m,
				Source: Observed, Line: i + 1})
		}
	}
	return obs
}

func TestCalibrateRecoversTheTruth(t *testing.T) {
	cal, err := Default().Calibrate(siteObservations([]int{1, 2, 4, 8}, false))
	if err != nil {
		t.Fatal(err)
	}
	if !cal.Scaling() || cal.N() != 12 || cal.DF() != 8 {
		t.Errorf("Scaling, N, DF = %v, %d, %d; want true, 12, 8", cal.Scaling(), cal.N(), cal.DF())
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"speed", cal.Speed(), 1.3}, {"offset", cal.Offset(), 4}, {"σ", cal.Contention(), 0.05}, {"κ", cal.Coherency(), 0.002}} {
		if !near(c.got, c.want, 1e-9) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// The calibrated curve predicts the site: a + 4 + 1.3·b·load·(scaling).
	curves, _ := Default().Curves("KB899588", "XP")
	site := cal.Apply(curves[0])
	e, err := site.Estimate(cal.Scenario(Scenario{Hosts: 3000, Scaling: Scaling{Consoles: 6}}))
	if err != nil {
		t.Fatal(err)
	}
	want := handA + 4 + 1.3*handB*500*(1+0.05*5+0.002*30)
	if !near(e.Minutes, want, 1e-9) {
		t.Errorf("calibrated estimate %v min, want %v", e.Minutes, want)
	}
}

// TestCalibrateByHand: with one console count only speed and offset are
// fitted, a straight-line regression of (minutes − setup) on b·hosts, whose
// slope, intercept and standard errors follow from the closed form.
func TestCalibrateByHand(t *testing.T) {
	obs := siteObservations([]int{1}, true)
	cal, err := Default().Calibrate(obs)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Scaling() || cal.Contention() != 0 || cal.Coherency() != 0 {
		t.Errorf("one console count fitted σ, κ: %+v", cal)
	}
	var u, r []float64
	for _, o := range obs {
		u = append(u, handB*float64(o.Hosts))
		r = append(r, o.Minutes-handA)
	}
	n := float64(len(u))
	var ub, rb, suu, sur float64
	for i := range u {
		ub += u[i] / n
		rb += r[i] / n
	}
	for i := range u {
		suu += (u[i] - ub) * (u[i] - ub)
		sur += (u[i] - ub) * (r[i] - rb)
	}
	k := sur / suu
	d := rb - k*ub
	var rss float64
	for i := range u {
		e := r[i] - d - k*u[i]
		rss += e * e
	}
	s2 := rss / (n - 2)
	if !near(cal.Speed(), k, 1e-9) || !near(cal.Offset(), d, 1e-9) {
		t.Errorf("speed, offset = %v, %v; by hand %v, %v", cal.Speed(), cal.Offset(), k, d)
	}
	if !near(cal.SpeedSE(), math.Sqrt(s2/suu), 1e-9) || !near(cal.OffsetSE(), math.Sqrt(s2*(1/n+ub*ub/suu)), 1e-9) {
		t.Errorf("SEs = %v, %v; by hand %v, %v", cal.SpeedSE(), cal.OffsetSE(), math.Sqrt(s2/suu), math.Sqrt(s2*(1/n+ub*ub/suu)))
	}
	if !near(cal.RMSE(), math.Sqrt(s2), 1e-9) {
		t.Errorf("RMSE = %v, want %v", cal.RMSE(), math.Sqrt(s2))
	}
}

// TestCalibrateNonNegative: consoles that scale better than linearly would
// need σ < 0; the constraint holds σ at 0.
func TestCalibrateNonNegative(t *testing.T) {
	var obs []Observation
	for i, c := range []int{1, 2, 4} {
		for j, h := range []int{300, 900} {
			m := handA + handB*float64((h+c-1)/c)*(1-0.05*float64(c-1))
			obs = append(obs, Observation{KB: "KB899588", Platform: "XP", Consoles: c, Hosts: h, Minutes: m, Line: 2 + 2*i + j})
		}
	}
	cal, err := Default().Calibrate(obs)
	if err != nil {
		t.Fatal(err)
	}
	if !cal.Scaling() || cal.Contention() < 0 || cal.Coherency() < 0 {
		t.Errorf("σ, κ = %v, %v; want both ≥ 0", cal.Contention(), cal.Coherency())
	}
	if cal.Contention() != 0 {
		t.Errorf("σ = %v; the data push it below zero, so it must sit at 0", cal.Contention())
	}
}

func TestCalibrateErrors(t *testing.T) {
	obs := siteObservations([]int{1}, false)
	for _, tc := range []struct {
		name string
		obs  []Observation
		want string
	}{
		{"too few", obs[:2], "at least 3 observed rollouts, the observations have 2"},
		{"unknown KB", append(obs[:2:2], Observation{KB: "KB1", Consoles: 1, Hosts: 5, Minutes: 9, Line: 7}), "line 7: unknown patch"},
		{"ambiguous", append(obs[:2:2], Observation{KB: "KB899588", Consoles: 1, Hosts: 5, Minutes: 9, Line: 8}), "line 8: KB899588 has 3 platform rows"},
		{"one load", []Observation{obs[0], obs[0], obs[0]}, "two or more fleet sizes"},
		{"bad minutes", append(obs[:2:2], Observation{KB: "KB899588", Platform: "XP", Consoles: 1, Hosts: 5, Minutes: math.NaN(), Line: 9}), `line 9: minutes "NaN"`},
	} {
		_, err := Default().Calibrate(tc.obs)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := Default().Calibrate(obs[:1]); !errors.Is(err, ErrTooFewObservations) {
		t.Errorf("one observation: %v, want ErrTooFewObservations", err)
	}
	// Speed ≤ 0: more hosts, less time.
	var bad []Observation
	for i, h := range []int{100, 500, 900} {
		bad = append(bad, Observation{KB: "KB899588", Platform: "XP", Consoles: 1, Hosts: h, Minutes: float64(200 - h/10), Line: i + 2})
	}
	if _, err := Default().Calibrate(bad); err == nil || !strings.Contains(err.Error(), "speed") {
		t.Errorf("falling times: %v, want an error about the speed", err)
	}

}

// TestCalibratedIntervalExact: the interval of a calibrated curve is the
// regression's own, s²·(1 + jᵀ(XᵀX)⁻¹j) with j = (1, u, u(c−1), u·c(c−1)),
// computed here by gonum's mat from the design matrix; it widens with
// console counts beyond those observed, which are marked extrapolated.
func TestCalibratedIntervalExact(t *testing.T) {
	obs := siteObservations([]int{1, 2, 4}, true)
	cal, err := Default().Calibrate(obs)
	if err != nil {
		t.Fatal(err)
	}
	X := mat.NewDense(len(obs), 4, nil)
	Y := mat.NewVecDense(len(obs), nil)
	row := func(hosts, c int) []float64 {
		u := handB * float64((hosts+c-1)/c)
		fc := float64(c)
		return []float64{1, u, u * (fc - 1), u * fc * (fc - 1)}
	}
	for i, o := range obs {
		X.SetRow(i, row(o.Hosts, o.Consoles))
		Y.SetVec(i, o.Minutes-handA)
	}
	var beta mat.VecDense
	if err := beta.SolveVec(X, Y); err != nil {
		t.Fatal(err)
	}
	var res mat.VecDense
	res.MulVec(X, &beta)
	res.SubVec(Y, &res)
	s2 := mat.Dot(&res, &res) / float64(len(obs)-4)
	var xtx, inv mat.Dense
	xtx.Mul(X.T(), X)
	if err := inv.Inverse(&xtx); err != nil {
		t.Fatal(err)
	}
	curves, _ := Default().Curves("KB899588", "XP")
	site := cal.Apply(curves[0])
	tq := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(obs) - 4)}.Quantile(0.975)
	var last float64
	for _, c := range []int{1, 4, 8, 16} {
		e, err := site.Estimate(cal.Scenario(Scenario{Hosts: 2000, Scaling: Scaling{Consoles: c}}))
		if err != nil {
			t.Fatal(err)
		}
		j := mat.NewVecDense(4, row(2000, c))
		y := handA + mat.Dot(j, &beta)
		half := tq * math.Sqrt(s2*(1+mat.Inner(j, &inv, j)))
		if !near(e.Minutes, y, 1e-9) || !near(e.High-e.Minutes, half, 1e-6) {
			t.Errorf("%d consoles: %v ± %v, mat gives %v ± %v", c, e.Minutes, e.High-e.Minutes, y, half)
		}
		if c > 4 && !e.Extrapolated {
			t.Errorf("%d consoles, beyond the observed 1–4, not marked extrapolated", c)
		}
		if c >= 8 && !(half > last) {
			t.Errorf("%d consoles: half-width %v does not widen from %v", c, half, last)
		}
		last = half
	}
}
