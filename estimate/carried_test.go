package estimate

import (
	"bytes"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// siteCSVObservations are the rollouts of testdata/observations/site.csv,
// KB899588 on XP, built here.
func siteCSVObservations() []Observation {
	rows := []struct {
		consoles, hosts int
		minutes         float64
	}{{1, 300, 76.3}, {1, 900, 202.1}, {1, 1800, 391.8}, {2, 300, 45.4}, {2, 900, 111.8}, {2, 1800, 210.1},
		{4, 300, 30.9}, {4, 900, 66.2}, {4, 1800, 120.3}}
	var obs []Observation
	for i, r := range rows {
		obs = append(obs, Observation{KB: "KB899588", Platform: "XP", Consoles: r.consoles, Hosts: r.hosts,
			Minutes: r.minutes, Source: Observed, Line: i + 2})
	}
	return obs
}

// lineVariance is Var(a + b·x) of an affine fit to the points' loads xs
// with noise s²: s²·(1/n + (x − x̄)²/Sxx).
func lineVariance(xs []float64, s2, x float64) float64 {
	var mean, sxx float64
	for _, v := range xs {
		mean += v / float64(len(xs))
	}
	for _, v := range xs {
		sxx += (v - mean) * (v - mean)
	}
	return s2 * (1/float64(len(xs)) + (x-mean)*(x-mean)/sxx)
}

// carriedCase checks a calibration fitted on KB899588 XP (site.csv) carried
// to target at hosts on one console, against the hand formula
//
//	half = t(df)·√(s²(1 + jᵀ(XᵀX)⁻¹j) + Var_t(a_t + w·b_t) + Var_src(a + (P/b)·b)),
//
// j = (1, u, 0, 0), u = b_t·hosts, P = Speed·u, w = P/b_t = Speed·hosts.
func carriedCase(t *testing.T, cat *Catalog, target *Curve, hosts int) (before, after float64) {
	t.Helper()
	obs := siteCSVObservations()
	cal, err := cat.Calibrate(obs)
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := cat.Curves("KB899588", "XP")
	if err != nil {
		t.Fatal(err)
	}
	src := srcs[0]
	// The calibration's design, by hand.
	X := mat.NewDense(len(obs), 4, nil)
	for i, o := range obs {
		u := src.PerHost() * float64((o.Hosts+o.Consoles-1)/o.Consoles)
		k := float64(o.Consoles)
		X.SetRow(i, []float64{1, u, u * (k - 1), u * k * (k - 1)})
	}
	var xtx, inv mat.Dense
	xtx.Mul(X.T(), X)
	if err := inv.Inverse(&xtx); err != nil {
		t.Fatal(err)
	}
	u := target.PerHost() * float64(hosts)
	j := mat.NewVecDense(4, []float64{1, u, 0, 0})
	s2 := cal.RMSE() * cal.RMSE()
	crit := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(cal.DF())}.Quantile(0.975)
	varCal := s2 * (1 + mat.Inner(j, &inv, j))
	P := cal.Speed() * u
	loads := func(c *Curve) []float64 {
		var xs []float64
		for _, p := range c.Points() {
			xs = append(xs, float64(p.Hosts))
		}
		return xs
	}
	varT := lineVariance(loads(target), target.Noise().Variance, P/target.PerHost())
	varS := lineVariance(loads(src), src.Noise().Variance, P/src.PerHost())
	before = crit * math.Sqrt(varCal)
	want := crit * math.Sqrt(varCal+varT+varS)

	uncal, err := target.Estimate(Scenario{Hosts: hosts})
	if err != nil {
		t.Fatal(err)
	}
	uncalHalf := (uncal.High - uncal.Low) / 2
	// speed × the uncalibrated curve's own fit part (its line's error at
	// the calibrated load, at the calibration's t).
	ownPart := crit * math.Sqrt(varT)

	site := cal.Apply(target)
	e, err := site.Estimate(cal.Scenario(Scenario{Hosts: hosts}))
	if err != nil {
		t.Fatal(err)
	}
	after = (e.High - e.Low) / 2
	t.Logf("%v at %d hosts: uncalibrated ±%.1f min; calibrated %.1f min, calibration's own ±%.2f, carried ±%.2f (target's line ±%.2f, KB899588's line ±%.2f, speed × uncalibrated ±%.1f)",
		target.Series(), hosts, uncalHalf, e.Minutes, before, after, crit*math.Sqrt(varT), crit*math.Sqrt(varS), cal.Speed()*uncalHalf)
	if !near(after, want, 1e-6) {
		t.Errorf("carried half-width %v, want %v by hand", after, want)
	}
	if after < before || after < ownPart || after < cal.Speed()*uncalHalf {
		t.Errorf("carried half-width %v narrower than the calibration's own %v, the curve's own line %v or speed × its uncalibrated %v",
			after, before, ownPart, cal.Speed()*uncalHalf)
	}
	// Fitted on itself, the calibration absorbs the published curve's
	// error: the interval is the regression's alone.
	self := cal.Apply(src)
	es, err := self.Estimate(cal.Scenario(Scenario{Hosts: hosts}))
	if err != nil {
		t.Fatal(err)
	}
	us := src.PerHost() * float64(hosts)
	js := mat.NewVecDense(4, []float64{1, us, 0, 0})
	if got, want := (es.High-es.Low)/2, crit*math.Sqrt(s2*(1+mat.Inner(js, &inv, js))); !near(got, want, 1e-6) {
		t.Errorf("calibration on its own series: half-width %v, want the regression's %v", got, want)
	}
	return before, after
}

func TestCalibrationCarriedKB937894(t *testing.T) {
	cs, err := Default().Curves("KB937894", "XP")
	if err != nil {
		t.Fatal(err)
	}
	carriedCase(t, Default(), cs[0], 3000)
}

func TestCalibrationCarriedTwoPointTable(t *testing.T) {
	csv := append(DefaultCSV(),
		"MS99-999,KB999999,WindowsXP-KB999999-x86-JPN.exe,Windows XP SP2,UpdateEXPERT 6.1,1,50,18,1000000,2,required,published\n"+
			"MS99-999,KB999999,WindowsXP-KB999999-x86-JPN.exe,Windows XP SP2,UpdateEXPERT 6.1,1,500,95,1000000,2,required,published\n"...)
	cat, err := ReadCatalog(bytes.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	cs, err := cat.Curves("KB999999", "XP")
	if err != nil {
		t.Fatal(err)
	}
	if !cs[0].Noise().Pooled {
		t.Fatalf("2-point table's noise %+v, want pooled", cs[0].Noise())
	}
	carriedCase(t, cat, cs[0], 3000)
}

// The carried interval costs no allocation.
func TestCalibrationCarriedAllocations(t *testing.T) {
	cal, err := Default().Calibrate(siteCSVObservations())
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := Default().Curves("KB937894", "XP")
	site := cal.Apply(cs[0])
	s := cal.Scenario(Scenario{Hosts: 3000, Scaling: Scaling{Consoles: 3}})
	if n := testing.AllocsPerRun(100, func() { _, _ = site.Estimate(s) }); n != 0 {
		t.Errorf("Estimate allocates %v times", n)
	}
}
