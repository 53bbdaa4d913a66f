package estimate

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/patchtime/patchtime/fit"
)

// siteCalibration calibrates the catalog to the exact site of
// siteObservations: speed 1.3, offset 4, σ = 0.05, κ = 0.002.
func siteCalibration(t *testing.T) (*Calibration, *Curve) {
	t.Helper()
	cal, err := Default().Calibrate(siteObservations([]int{1, 2, 4, 8}, false))
	if err != nil {
		t.Fatal(err)
	}
	return cal, cal.Apply(curve(t, "KB899588", "XP"))
}

// TestCalibratedCurveScaling: a calibrated curve uses the calibration's σ
// and κ unless the scenario replaces them: a value above 0 replaces that
// coefficient alone, Fixed takes both as given, zeros included. Each
// estimate is the site's formula a + 4 + 1.3·b·500·(1 + σ·5 + κ·30), 3000
// hosts on 6 consoles, worked out here.
func TestCalibratedCurveScaling(t *testing.T) {
	_, site := siteCalibration(t)
	at := func(sigma, kappa float64) float64 { return handA + 4 + 1.3*handB*500*(1+sigma*5+kappa*30) }
	if s, k := site.Scaling(); !near(s, 0.05, 1e-9) || !near(k, 0.002, 1e-9) {
		t.Errorf("calibrated curve's own σ, κ = %v, %v; want 0.05, 0.002", s, k)
	}
	if s, k := curve(t, "KB899588", "XP").Scaling(); s != 0 || k != 0 {
		t.Errorf("published curve's own σ, κ = %v, %v; want none", s, k)
	}
	for _, tc := range []struct {
		name     string
		s        Scaling
		want     float64
		sig, kap float64 // the σ and κ the estimate reports
	}{
		{"the curve's", Scaling{Consoles: 6}, at(0.05, 0.002), 0.05, 0.002},
		{"σ replaced", Scaling{Consoles: 6, Contention: 0.1}, at(0.1, 0.002), 0.1, 0.002},
		{"κ replaced", Scaling{Consoles: 6, Coherency: 0.01}, at(0.05, 0.01), 0.05, 0.01},
		{"fixed at zero", Scaling{Consoles: 6, Fixed: true}, at(0, 0), 0, 0},
		{"σ fixed at zero", Scaling{Consoles: 6, Coherency: 0.002, Fixed: true}, at(0, 0.002), 0, 0.002},
	} {
		e, err := site.Estimate(Scenario{Hosts: 3000, Scaling: tc.s})
		if err != nil {
			t.Fatal(err)
		}
		if !near(e.Minutes, tc.want, 1e-9) {
			t.Errorf("%s: %v min, want %v", tc.name, e.Minutes, tc.want)
		}
		if !near(e.Contention, tc.sig, 1e-9) || !near(e.Coherency, tc.kap, 1e-9) || !e.Fixed {
			t.Errorf("%s: estimate reports σ, κ = %v, %v (fixed %v); want %v, %v, fixed", tc.name, e.Contention, e.Coherency, e.Fixed, tc.sig, tc.kap)
		}
		// Its scenario, asked again, gives the same estimate.
		if again, _ := site.Estimate(e.Scenario); again != e {
			t.Errorf("%s: the estimate's own scenario gives %+v, not %+v", tc.name, again, e)
		}
		// The load is where the curve is read: 500·slowdown.
		if x := site.Load(Scenario{Hosts: 3000, Scaling: tc.s}); !near(x, 500*(1+e.Contention*5+e.Coherency*30), 1e-12) {
			t.Errorf("%s: load %v", tc.name, x)
		}
	}
	// A rollout leaves them to the curve too: its consoles search sees the
	// slowdown (the time stops falling), so the best count is finite.
	r := Rollout{Jobs: []Job{{site, 3000}}}
	p, err := r.ConsolesFor(Window{Length: mins(1)})
	var we *WindowError
	if !errors.As(err, &we) {
		t.Fatalf("1 minute window: %v, want a *WindowError", err)
	}
	p = we.Best
	best := math.Inf(1)
	bestC := 0
	for c := 1; c <= 200; c++ {
		e, _ := site.Estimate(Scenario{Hosts: 3000, Scaling: Scaling{Consoles: c}})
		if e.Minutes < best {
			best, bestC = e.Minutes, c
		}
	}
	if p.Consoles != bestC || !near(p.Minutes, best, 1e-12) {
		t.Errorf("best plan %d consoles, %v min; trying every count gives %d, %v", p.Consoles, p.Minutes, bestC, best)
	}
}

// TestCalibrationReadOnly: the values a calibration reports are the ones
// Apply applies, and nothing a caller holds can change them.
func TestCalibrationReadOnly(t *testing.T) {
	cal, site := siteCalibration(t)
	published := curve(t, "KB899588", "XP")
	if !near(site.Setup(), published.Setup()+cal.Offset(), 1e-12) || !near(site.PerHost(), published.PerHost()*cal.Speed(), 1e-12) {
		t.Errorf("applied %v + %v·hosts; the calibration says offset %v, speed %v", site.Setup(), site.PerHost(), cal.Offset(), cal.Speed())
	}
	if cal.N() != 12 || cal.DF() != 8 || cal.ConsoleCounts() != 4 || !cal.Scaling() {
		t.Errorf("N, DF, console counts, scaling = %d, %d, %d, %v; want 12, 8, 4, true", cal.N(), cal.DF(), cal.ConsoleCounts(), cal.Scaling())
	}
	// The exact data leave no residual: the errors are those of rounding.
	if cal.RMSE() > 1e-9 || cal.SpeedSE() > 1e-9 || cal.OffsetSE() > 1e-6 || cal.ContentionSE() > 1e-9 || cal.CoherencySE() > 1e-9 {
		t.Errorf("exact data: RMSE %v, SEs %v %v %v %v", cal.RMSE(), cal.SpeedSE(), cal.OffsetSE(), cal.ContentionSE(), cal.CoherencySE())
	}
	if s := cal.Scenario(Scenario{Hosts: 5}); s.Contention != cal.Contention() || s.Coherency != cal.Coherency() || !s.Fixed || s.Hosts != 5 {
		t.Errorf("Scenario = %+v", s)
	}
	if typ := reflect.TypeOf(Calibration{}); typ.NumField() > 0 {
		for i := range typ.NumField() {
			if typ.Field(i).IsExported() {
				t.Errorf("Calibration has an exported field %s", typ.Field(i).Name)
			}
		}
	}
}

// TestRangeErrors: every range estimate checks gives a *RangeError naming
// the value and the range, with the message it always had.
func TestRangeErrors(t *testing.T) {
	c := curve(t, "KB899588", "XP")
	p, err := Default().Pool("6.1")
	if err != nil {
		t.Fatal(err)
	}
	est := func(s Scenario) error { _, err := c.Estimate(s); return err }
	readRow := func(row string) error {
		_, err := ReadCatalog(strings.NewReader("kb,consoles,hosts,minutes\n" + row + "\n"))
		return err
	}
	for _, tc := range []struct {
		err      error
		what     string
		value    float64
		min, max float64
		msg      string
	}{
		{est(Scenario{Hosts: 0}), "hosts", 0, 1, MaxHosts, "hosts 0: want 1 to 100000000"},
		{est(Scenario{Hosts: MaxHosts + 1}), "hosts", MaxHosts + 1, 1, MaxHosts, "hosts 100000001: want 1 to 100000000"},
		{est(Scenario{Hosts: 10, Scaling: Scaling{Consoles: -1}}), "consoles", -1, 1, MaxConsoles, "consoles -1: want 1 to 100000"},
		{est(Scenario{Hosts: 10, Scaling: Scaling{Consoles: MaxConsoles + 1}}), "consoles", MaxConsoles + 1, 1, MaxConsoles, "consoles 100001: want 1 to 100000"},
		{est(Scenario{Hosts: 10, Scaling: Scaling{Contention: -0.5}}), "contention σ", -0.5, 0, 1e6, "contention σ = -0.5: want a number from 0 to 1e6"},
		{est(Scenario{Hosts: 10, Scaling: Scaling{Contention: 2e6}}), "contention σ", 2e6, 0, 1e6, "contention σ = 2e+06: want a number from 0 to 1e6"},
		{est(Scenario{Hosts: 10, Scaling: Scaling{Coherency: -1}}), "coherency κ", -1, 0, 1e6, "coherency κ = -1: want a number from 0 to 1e6"},
		{func() error { _, err := c.WithLevel(1.5); return err }(), "confidence level", 1.5, 0, 1, "confidence level 1.5: want more than 0 and less than 1, e.g. 0.95"},
		{func() error { _, err := p.WithSetup(mins(-2)); return err }(), "setup", -2, 0, MaxMinutes, "setup -2 minutes: want 0 to 52704000"},
		{func() error { _, err := p.Patch("KB1", -time.Minute); return err }(), "setup", -1, 0, MaxMinutes, "setup -1 minutes: want 0 to 52704000"},
		{func() error { _, err := (Rollout{Jobs: []Job{{c, 0}}}).Estimate(); return err }(), "hosts", 0, 1, MaxHosts, "KB899588 Windows XP SP1/SP1a/SP2 (UpdateEXPERT 6.1): hosts 0: want 1 to 100000000"},
		{func() error {
			_, err := (Rollout{Jobs: []Job{{c, 5}}, Scaling: Scaling{Consoles: -3}}).Estimate()
			return err
		}(), "consoles", -3, 1, MaxConsoles, "consoles -3: want 1 to 100000"},
		{func() error {
			_, err := (Rollout{Jobs: []Job{{c, 5}}}).ConsolesFor(Window{Length: mins(-1)})
			return err
		}(), "window", -1, 0, math.Inf(1), "window -1 minutes: want more than 0"},
		{func() error { _, _, err := c.HostsFor(Scenario{}, Window{Length: mins(0)}); return err }(), "window", 0, 0, math.Inf(1), "window 0 minutes: want more than 0"},
		{readRow("KB1,0,5,9"), "consoles", 0, 1, MaxConsoles, `line 2: consoles "0": out of range; want 1 to 100000`},
		{readRow("KB1,1,0,9"), "hosts", 0, 1, MaxHosts, `line 2: hosts "0": out of range; want 1 to 100000000`},
		{readRow("KB1,1,5,1e99"), "minutes", 1e99, 0, MaxMinutes, `line 2: minutes "1e+99": out of range; want more than 0 and at most 52704000 (100 years)`},
	} {
		var re *RangeError
		if !errors.As(tc.err, &re) {
			t.Errorf("%v: not a *RangeError", tc.err)
			continue
		}
		if re.What != tc.what || re.Value != tc.value || re.Min != tc.min || re.Max != tc.max {
			t.Errorf("%v: what, value, range = %q, %v, [%v, %v]; want %q, %v, [%v, %v]", tc.err, re.What, re.Value, re.Min, re.Max, tc.what, tc.value, tc.min, tc.max)
		}
		if tc.err.Error() != tc.msg {
			t.Errorf("message %q, want %q", tc.err, tc.msg)
		}
	}
	// A negative window: the RangeError holds its minutes.
	_, _, err = c.HostsFor(Scenario{}, Window{Length: -90 * time.Minute})
	if re := (*RangeError)(nil); !errors.As(err, &re) || re.Value != -90 || err.Error() != "window -90 minutes: want more than 0" {
		t.Errorf("negative window: %v", err)
	}
	// One built by hand words itself from its fields.
	for _, tc := range []struct {
		e    RangeError
		want string
	}{
		{RangeError{What: "hosts", Value: 0, Min: 1, Max: 10}, "hosts 0: want from 1 to 10"},
		{RangeError{What: "level", Value: 2, Min: 0, Max: 1, MinOpen: true, MaxOpen: true}, "level 2: want more than 0 and less than 1"},
		{RangeError{What: "window", Value: -1, Min: 0, Max: math.Inf(1), MinOpen: true}, "window -1: want more than 0"},
		{RangeError{What: "setup", Value: -1, Min: 0, Max: math.Inf(1)}, "setup -1: want at least 0"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.e, got, tc.want)
		}
	}
}

func TestConsoleError(t *testing.T) {
	two, err := ReadCatalog(strings.NewReader("kb,consoles,hosts,minutes,console\n" +
		"KB1,1,50,18,Alpha 1\nKB1,1,500,94,Alpha 1\nKB2,1,50,20,Alpha 2\nKB2,1,500,90,Alpha 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cat                *Catalog
		console            string
		matches, have, msg string
	}{
		{Default(), "Tivoli", "", "UpdateEXPERT|UpdateEXPERT 6.1", `no console "Tivoli" in the catalog; it has: UpdateEXPERT, UpdateEXPERT 6.1`},
		{two, "alpha", "Alpha 1|Alpha 2", "Alpha 1|Alpha 2", `console "alpha" is ambiguous; it matches: Alpha 1, Alpha 2`},
		{&Catalog{}, "x", "", "", `no console "x": the catalog is empty`},
	} {
		_, err := tc.cat.Pool(tc.console)
		var ce *ConsoleError
		if !errors.As(err, &ce) {
			t.Errorf("Pool(%q): %v, not a *ConsoleError", tc.console, err)
			continue
		}
		if ce.Console != tc.console || strings.Join(ce.Matches, "|") != tc.matches || strings.Join(ce.Have, "|") != tc.have || err.Error() != tc.msg {
			t.Errorf("Pool(%q): %+v %q; want matches %q, have %q, %q", tc.console, ce, err, tc.matches, tc.have, tc.msg)
		}
	}
	// An exact name wins over the names containing it.
	if p, err := Default().Pool("updateexpert"); err != nil || p.Console() != "UpdateEXPERT" {
		t.Errorf("Pool(updateexpert) = %v, %v", p, err)
	}
	if p, err := two.Pool("alpha 2"); err != nil || p.Console() != "Alpha 2" {
		t.Errorf("Pool(alpha 2) = %v, %v", p, err)
	}
}

func TestTooFewError(t *testing.T) {
	o := Observation{KB: "KB899588", Platform: "XP", Consoles: 1, Hosts: 100, Minutes: 30, Line: 2}
	same := []Observation{o, o, o} // enough rollouts, all at one fleet size per console
	for _, tc := range []struct {
		obs        []Observation
		what       string
		need, have int
		msg        string
	}{
		{[]Observation{o}, "observed rollouts", 3, 1, "calibration needs at least 3 observed rollouts, the observations have 1: too few observations"},
		{same, "fleet sizes per console", 2, 1, "calibration needs observations at two or more fleet sizes per console: too few observations"},
	} {
		_, err := Default().Calibrate(tc.obs)
		var te *TooFewError
		if !errors.As(err, &te) || !errors.Is(err, ErrTooFewObservations) {
			t.Errorf("%v: not a *TooFewError wrapping ErrTooFewObservations", err)
			continue
		}
		if te.What != tc.what || te.Need != tc.need || te.Have != tc.have || err.Error() != tc.msg {
			t.Errorf("%+v %q; want %q %d/%d %q", te, err, tc.what, tc.need, tc.have, tc.msg)
		}
	}
}

// TestSpanDurations: the interval as time.Durations, each minute 60 s,
// and an unbounded top as the longest Duration.
func TestSpanDurations(t *testing.T) {
	c := curve(t, "KB899588", "XP")
	e, err := c.Estimate(Scenario{Hosts: 1200})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, bounded := e.Interval()
	if !bounded || lo != time.Duration(math.Round(e.Low*60e9)) || hi != time.Duration(math.Round(e.High*60e9)) || e.Duration() != time.Duration(math.Round(e.Minutes*60e9)) {
		t.Errorf("Interval %v %v %v, Duration %v; minutes %v %v %v", lo, hi, bounded, e.Duration(), e.Minutes, e.Low, e.High)
	}
	p, err := Rollout{Jobs: []Job{{c, 1200}, {c, 300}}}.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	one, _ := c.Estimate(Scenario{Hosts: 300})
	if !near(p.Minutes, e.Minutes+one.Minutes, 1e-12) || !near(p.High, e.High+one.High, 1e-12) {
		t.Errorf("plan %v, want %v", p.Span, e.Minutes+one.Minutes)
	}
	if plo, phi, ok := p.Interval(); !ok || plo != time.Duration(math.Round(p.Low*60e9)) || phi != time.Duration(math.Round(p.High*60e9)) || p.Duration() != time.Duration(math.Round(p.Minutes*60e9)) {
		t.Errorf("plan Interval %v %v %v, Duration %v", plo, phi, ok, p.Duration())
	}
	two, err := ReadCatalog(strings.NewReader("kb,consoles,hosts,minutes\nKB1,1,100,20.5\nKB1,1,300,55.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := two.Curves("KB1", "")
	u, err := cs[0].Estimate(Scenario{Hosts: 200})
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi, bounded := u.Interval(); bounded || lo != 0 || hi != math.MaxInt64 {
		t.Errorf("unbounded interval: %v %v %v; want 0, the longest Duration, false", lo, hi, bounded)
	}
	if d := (Span{Minutes: math.NaN()}).Duration(); d != 0 {
		t.Errorf("NaN minutes: %v", d)
	}
}

// TestSummaryByHand: the summary of KB899588 on XP, from the closed-form
// line through (50, 18), (100, 27), (250, 52), (500, 94): slope 33/196,
// intercept 1934/196, residuals (−56, 58, 8, −10)/196, Sxx = 122500, the
// leverages 1/4 + (x − 225)²/Sxx, and p-values of Student's t with 2
// degrees of freedom, 1 − |t|/√(2 + t²).
func TestSummaryByHand(t *testing.T) {
	s := curve(t, "KB899588", "XP").Summary()
	x := []float64{50, 100, 250, 500}
	y := []float64{18, 27, 52, 94}
	res := []float64{-56.0 / 196, 58.0 / 196, 8.0 / 196, -10.0 / 196}
	own := 6664.0 / (196 * 196) / 2
	s2 := noisePoolByHand() // the intervals' and standard errors' variance, on 8 degrees of freedom
	seB := math.Sqrt(s2 / 122500)
	seA := math.Sqrt(s2 * (0.25 + 225*225/122500.0))
	// Two-sided p-value of Student's t with 8 degrees of freedom in closed
	// form: with cos²θ = 8/(8 + t²), P(|T| < t) = sinθ·(1 + c/2 + 3c²/8 + 15c³/48), c = cos²θ.
	p := func(tv float64) float64 {
		c := 8 / (8 + tv*tv)
		return 1 - math.Sqrt(1-c)*(1+c/2+3*c*c/8+15*c*c*c/48)
	}
	var press, syy float64
	for i := range x {
		h := 0.25 + (x[i]-225)*(x[i]-225)/122500
		press += (res[i] / (1 - h)) * (res[i] / (1 - h))
		syy += (y[i] - 47.75) * (y[i] - 47.75) // ȳ = 191/4
	}
	if s.Name != "KB899588 Windows XP SP1/SP1a/SP2 (UpdateEXPERT 6.1)" || s.Model != fit.AffineModel || s.Formula != "minutes = setup + perHost × hosts" ||
		s.Given || s.Calibrated || s.Points != 4 || s.DF != 2 || s.IntervalDF != 8 || s.Level != 0.95 || s.Method != StudentT || s.Floor ||
		!s.Noise.Pooled || s.Noise.Disagrees || !near(s.Noise.Fresh, s2-1.0/24, 1e-12) ||
		s.NoiseNote != fmt.Sprintf("variance pooled over the 4 distinct published tables of the console (8 degrees of freedom); a new, unrounded rollout is taken to scatter by s² − 1/24 = %.4g min² (half the rounding's 1/12 left out)", s2-1.0/24) {
		t.Errorf("summary %+v", s)
	}
	want := []Coefficient{
		{Name: "setup (min)", Value: 1934.0 / 196, SE: seA, T: 1934.0 / 196 / seA, P: p(1934.0 / 196 / seA)},
		{Name: "per host (min)", Value: 33.0 / 196, SE: seB, T: 33.0 / 196 / seB, P: p(33.0 / 196 / seB)},
	}
	if len(s.Coefficients) != 2 {
		t.Fatalf("coefficients %+v", s.Coefficients)
	}
	for i, w := range want {
		g := s.Coefficients[i]
		if g.Name != w.Name || g.Given || !near(g.Value, w.Value, 1e-12) || !near(g.SE, w.SE, 1e-9) || !near(g.T, w.T, 1e-9) || !near(g.P, w.P, 1e-6) {
			t.Errorf("coefficient %+v, want %+v", g, w)
		}
	}
	for i, r := range s.Residuals {
		if r.Hosts != int(x[i]) || r.Consoles != 1 || r.Minutes != y[i] || !near(r.Residual, res[i], 1e-12) || !near(r.Fitted, y[i]-res[i], 1e-12) {
			t.Errorf("residual %d: %+v, want %v hosts, %v min, residual %v", i, r, x[i], y[i], res[i])
		}
	}
	if len(s.Residuals) != 4 || !near(s.RMSE, math.Sqrt(own), 1e-12) || !near(s.Variance, s2, 1e-12) ||
		!near(s.PRESS, press, 1e-9) || !near(s.LOO, math.Sqrt(press/4), 1e-9) || !near(s.R2, 1-2*own/syy, 1e-12) {
		t.Errorf("RMSE %v, variance %v, PRESS %v, LOO %v, R² %v; want %v, %v, %v, %v, %v", s.RMSE, s.Variance, s.PRESS, s.LOO, s.R2,
			math.Sqrt(own), s2, press, math.Sqrt(press/4), 1-2*own/syy)
	}
	if !math.IsNaN(s.AICc) || s.AICcNote != "not defined: 4 points are too few for 2 coefficients and the noise (needs 5)" {
		t.Errorf("AICc %v, %q", s.AICc, s.AICcNote)
	}
	if len(s.Others) != 1 || s.Others[0].Model != fit.PowerModel || !strings.HasPrefix(s.Others[0].Curve, "y = ") || !(s.Others[0].LOO > s.LOO) {
		t.Errorf("others %+v", s.Others)
	}
	if !strings.HasPrefix(s.Reason, "affine") {
		t.Errorf("reason %q", s.Reason)
	}
}

// TestSummaryKinds: the summaries of curves made otherwise, and the three
// interval methods.
func TestSummaryKinds(t *testing.T) {
	pool, err := Default().Pool("6.1")
	if err != nil {
		t.Fatal(err)
	}
	beta, s2, sxx, _, _ := pooledByHand("UpdateEXPERT 6.1")
	setup, err := pool.Patch("KB999001", 12*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	s := setup.Summary()
	if s.Name != "KB999001 setup 12.00 min (UpdateEXPERT 6.1)" || !s.Given || s.Points != 0 || len(s.Residuals) != 0 || s.DF != 11 || s.Method != StudentT || s.AICcNote != "" {
		t.Errorf("setup curve %+v", s)
	}
	if c := s.Coefficients; len(c) != 2 || !c[0].Given || c[0].Value != 12 || !math.IsNaN(c[0].SE) || c[1].Given ||
		!near(c[1].Value, beta, 1e-12) || !near(c[1].SE, math.Sqrt(s2/sxx+tau2ByHand("UpdateEXPERT 6.1")), 1e-9) {
		t.Errorf("setup curve coefficients %+v; want 12 given, %v ± %v", c, beta, math.Sqrt(s2/sxx+tau2ByHand("UpdateEXPERT 6.1")))
	}
	pooled, err := Default().PooledCurves("KB937894", "XP")
	if err != nil {
		t.Fatal(err)
	}
	if s := pooled[0].Summary(); s.Model != fit.PooledModel || s.Points != 4 || len(s.Residuals) != 4 || s.AICcNote != "belongs to the whole pooled fit, not to one series" || s.DF != 11 {
		t.Errorf("pooled curve %+v", s)
	}
	cal, site := siteCalibration(t)
	if s := site.Summary(); !s.Calibrated || s.Formula != "minutes = (setup + offset) + speed × perHost × hosts" || s.Points != 0 || s.DF != cal.DF() || s.Method != StudentT || len(s.Others) != 0 {
		t.Errorf("calibrated curve %+v", s)
	}
	// Two published points: no degrees of freedom, the 1/12 floor taken
	// as the noise, the normal quantile. Two measured ones: no interval.
	for _, tc := range []struct {
		csv    string
		method IntervalMethod
		floor  bool
	}{
		{"kb,consoles,hosts,minutes\nKB1,1,100,20\nKB1,1,300,55\n", NormalQuantile, true},
		{"kb,consoles,hosts,minutes\nKB1,1,100,20.5\nKB1,1,300,55.5\n", Unbounded, false},
	} {
		cat, err := ReadCatalog(strings.NewReader(tc.csv))
		if err != nil {
			t.Fatal(err)
		}
		cs, _ := cat.Curves("KB1", "")
		if s := cs[0].Summary(); s.Method != tc.method || s.Floor != tc.floor || s.DF != 0 || !math.IsNaN(s.RMSE) {
			t.Errorf("%q: method %v, floor %v, DF %d, RMSE %v; want %v, %v", tc.csv, s.Method, s.Floor, s.DF, s.RMSE, tc.method, tc.floor)
		}
	}
}

// TestZeroValues: the zero value of every exported type either works or
// returns an error; none panics.
func TestZeroValues(t *testing.T) {
	notCurve := func(err error) bool { return errors.Is(err, errNotCurve) }
	real := curve(t, "KB899588", "XP")
	for _, tc := range []struct {
		name string
		ok   func() bool
	}{
		{"Catalog.Curves", func() bool {
			_, err := (&Catalog{}).Curves("KB1", "")
			var u *UnknownPatchError
			return errors.As(err, &u)
		}},
		{"Catalog.PooledCurves", func() bool { _, err := (&Catalog{}).PooledCurves("KB1", ""); return err != nil }},
		{"Catalog.Select", func() bool { s, err := (&Catalog{}).Select("", ""); return s == nil && err != nil }},
		{"Catalog.Curve", func() bool { _, err := (&Catalog{}).Curve(Series{}); return err != nil }},
		{"Catalog.Pool", func() bool { _, err := (&Catalog{}).Pool(""); var ce *ConsoleError; return errors.As(err, &ce) }},
		{"Catalog.Pools", func() bool { return len((&Catalog{}).Pools()) == 0 }},
		{"Catalog.Series", func() bool { return len((&Catalog{}).Series()) == 0 }},
		{"Catalog.Observations", func() bool { return len((&Catalog{}).Observations()) == 0 }},
		{"Catalog.File", func() bool { return (&Catalog{}).File() == "" }},
		{"Catalog.Calibrate", func() bool { _, err := (&Catalog{}).Calibrate(nil); return errors.Is(err, ErrTooFewObservations) }},
		{"Catalog.With", func() bool {
			c, err := (&Catalog{}).With([]Observation{{KB: "KB1", Consoles: 1, Hosts: 5, Minutes: 9}})
			return err == nil && len(c.Series()) == 1
		}},
		{"Curve.Estimate", func() bool { _, err := (&Curve{}).Estimate(Scenario{Hosts: 1}); return notCurve(err) }},
		{"Curve.HostsFor", func() bool {
			_, _, err := (&Curve{}).HostsFor(Scenario{}, Window{Length: mins(5)})
			return notCurve(err)
		}},
		{"Curve.WithLevel", func() bool { _, err := (&Curve{}).WithLevel(0.9); return notCurve(err) }},
		{"Curve.Setup, PerHost", func() bool { return math.IsNaN((&Curve{}).Setup()) && math.IsNaN((&Curve{}).PerHost()) }},
		{"Curve.Load", func() bool { return math.IsNaN((&Curve{}).Load(Scenario{Hosts: 5})) }},
		{"Curve.Summary", func() bool { return reflect.DeepEqual((&Curve{}).Summary(), Summary{}) }},
		{"Curve.String", func() bool { return (&Curve{}).String() == "(not a curve)" }},
		{"Curve.Points, PointLoads", func() bool { return (&Curve{}).Points() == nil && (&Curve{}).PointLoads() == nil }},
		{"Pool.Rate", func() bool { return math.IsNaN((&Pool{}).Rate()) && math.IsNaN((&Pool{}).RateSE()) }},
		{"Pool.WithSetup", func() bool { _, err := (&Pool{}).WithSetup(mins(5)); return err != nil }},
		{"Pool.Patch", func() bool { _, err := (&Pool{}).Patch("KB1", time.Minute); return err != nil }},
		{"Calibration.Apply", func() bool { return (&Calibration{}).Apply(real) == real }},
		{"Calibration.Scenario", func() bool { s := Scenario{Hosts: 3}; return (&Calibration{}).Scenario(s) == s }},
		{"Calibration values", func() bool {
			c := &Calibration{}
			return c.Speed() == 1 && c.Offset() == 0 && c.N() == 0 && c.DF() == 0 && math.IsNaN(c.RMSE()) && !c.Scaling()
		}},
		{"Calibration.Apply of the zero Curve", func() bool { z := &Curve{}; cal, _ := siteCalibration(t); return cal.Apply(z) == z }},
		{"Rollout.Estimate", func() bool { _, err := Rollout{}.Estimate(); return err != nil }},
		{"Rollout.ConsolesFor", func() bool { _, err := Rollout{}.ConsolesFor(Window{Length: mins(5)}); return err != nil }},
		{"Rollout.WindowsFor", func() bool { _, err := Rollout{}.WindowsFor(Window{Length: mins(5)}); return err != nil }},
		{"Rollout of the zero Curve", func() bool { _, err := Rollout{Jobs: []Job{{&Curve{}, 5}}}.Estimate(); return err != nil }},
		{"Plan", func() bool {
			lo, hi, ok := Plan{}.Interval()
			return Plan{}.Duration() == 0 && lo == 0 && hi == 0 && ok
		}},
		{"Estimate", func() bool {
			lo, hi, ok := Estimate{}.Interval()
			return Estimate{}.Duration() == 0 && lo == 0 && hi == 0 && ok && Estimate{}.Slowdown() == 1
		}},
		{"Window", func() bool { return Window{}.String() != "" }},
		{"Series", func() bool { return Series{}.String() == "" }},
		{"Observation", func() bool { _, err := NewCatalog([]Observation{{}}); var ce *CatalogError; return errors.As(err, &ce) }},
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic %v", tc.name, r)
				}
			}()
			if !tc.ok() {
				t.Errorf("%s: not the zero value's answer", tc.name)
			}
		}()
	}
}

// TestZeroValueMethods calls every exported method of every exported type
// on its zero value (and on a nil pointer), with zero arguments: none may
// panic.
func TestZeroValueMethods(t *testing.T) {
	for _, v := range []any{
		&Catalog{}, &Curve{}, (*Curve)(nil), &Pool{}, (*Pool)(nil), &Calibration{}, (*Calibration)(nil),
		Rollout{}, Plan{}, Window{}, Estimate{}, Series{}, Observation{}, Scenario{}, Scaling{}, Span{}, Job{}, Summary{},
		&RangeError{}, &ConsoleError{}, &TooFewError{}, &WindowError{}, &CatalogError{}, &UnknownPatchError{}, &PlatformError{},
	} {
		rv := reflect.ValueOf(v)
		for i := range rv.NumMethod() {
			m, name := rv.Method(i), rv.Type().Method(i).Name
			args := make([]reflect.Value, m.Type().NumIn())
			for j := range args {
				args[j] = reflect.Zero(m.Type().In(j))
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%T.%s: panic %v", v, name, r)
					}
				}()
				m.Call(args)
			}()
		}
	}
}

// TestWindowDuration: a window given as a time.Duration reads back in
// minutes and in the UpdateEXPERT style.
func TestWindowDuration(t *testing.T) {
	w := Window{Length: 2*time.Hour + 30*time.Minute, Upper: true}
	if w.Minutes() != 150 || w.String() != "2h30m" {
		t.Errorf("%+v: %v minutes, %q", w, w.Minutes(), w.String())
	}
}
