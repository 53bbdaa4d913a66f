package estimate

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// Student's t quantiles from a table, for checking intervals by hand.
const (
	t975df2  = 4.302652729911275 // 95%, 2 degrees of freedom
	t950df2  = 2.919985580355516 // 90%, 2 degrees of freedom
	t975df11 = 2.200985160082949 // 95%, 11 degrees of freedom
	t975df3  = 3.182446305283708 // 95%, 3 degrees of freedom (R: qt(0.975, 3))
	t975df8  = 2.306004135204166 // 95%, 8 degrees of freedom
	t950df8  = 1.859548037530898 // 90%, 8 degrees of freedom
)

// noisePoolByHand is the residual variance of UpdateEXPERT 6.1 pooled over its
// four distinct tables (KB873350 and KB899588 print the same one), each
// table's RSS by the closed form Syy − Sxy²/Sxx at x = 50, 100, 250, 500
// (x̄ = 225, Sxx = 122500), on 4 × 2 = 8 degrees of freedom.
func noisePoolByHand() float64 {
	var rss float64
	for _, y := range [][4]float64{{18, 27, 52, 94}, {34, 43, 68, 110}, {19, 27, 53, 95}, {18, 27, 52, 95}} {
		x := [4]float64{50, 100, 250, 500}
		yb := (y[0] + y[1] + y[2] + y[3]) / 4
		var sxy, syy float64
		for i := range x {
			sxy += (x[i] - 225) * (y[i] - yb)
			syy += (y[i] - yb) * (y[i] - yb)
		}
		rss += syy - sxy*sxy/122500
	}
	return rss / 8
}

func curve(t testing.TB, patch, platform string) *Curve {
	t.Helper()
	cs, err := Default().Curves(patch, platform)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("%s %s: %d curves", patch, platform, len(cs))
	}
	return cs[0]
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// TestIntervalByHand: KB899588 at 1200 hosts. The variance is pooled over
// the console's four distinct tables, s² = noisePoolByHand() on 8 degrees of
// freedom, above the 1/12 floor; a new, unrounded rollout is taken to carry
// half the rounding variance less (δ = 1/24 min²), so the half-width is
// t(0.975, 8)·√(s² − 1/24 + s²(1/4 + (1200 − 225)²/122500)).
func TestIntervalByHand(t *testing.T) {
	c := curve(t, "KB899588", "XP")
	s2 := noisePoolByHand()
	y := 41534.0 / 196
	half := t975df8 * math.Sqrt(s2-1.0/24+s2*(0.25+975*975/122500.0))
	e, err := c.Estimate(Scenario{Hosts: 1200})
	if err != nil {
		t.Fatal(err)
	}
	if !near(e.Minutes, y, 1e-12) || !near(e.Low, y-half, 1e-9) || !near(e.High, y+half, 1e-9) || e.Level != 0.95 || c.Noise().DF != 8 || !c.Noise().Pooled || c.Noise().Tables != 4 {
		t.Errorf("1200 hosts: %v [%v, %v] at %v; want %v [%v, %v] at 0.95", e.Minutes, e.Low, e.High, e.Level, y, y-half, y+half)
	}
	c90, err := c.WithLevel(0.9)
	if err != nil {
		t.Fatal(err)
	}
	e90, _ := c90.Estimate(Scenario{Hosts: 1200})
	if half90 := t950df8 * math.Sqrt(s2-1.0/24+s2*(0.25+975*975/122500.0)); !near(e90.High-e90.Minutes, half90, 1e-9) {
		t.Errorf("90%% half-width %v, want %v", e90.High-e90.Minutes, half90)
	}
	if c.Level() != 0.95 {
		t.Error("WithLevel changed the original curve")
	}
	for _, bad := range []float64{0, 1, -0.5, 95, math.NaN()} {
		if _, err := c.WithLevel(bad); err == nil {
			t.Errorf("WithLevel(%v) gave no error", bad)
		}
	}
}

// TestRoundingFloor: points exactly on minutes = 10 + hosts/5 fit with no
// residual. Whole minutes, as published, get the 1/12 min² floor, so the
// half-width at 250 hosts is t(0.975, 2)·√(1/12 − 1/24 + (1/12)(1/4 +
// 25²/122500)), δ = 1/24 being the part of the rounding a new rollout is
// taken not to carry;
// decimal minutes, as measured, get none.
func TestRoundingFloor(t *testing.T) {
	whole := "kb,consoles,hosts,minutes\nKB1,1,50,20\nKB1,1,100,30\nKB1,1,250,60\nKB1,1,500,110\n"
	cat, err := ReadCatalog(strings.NewReader(whole))
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := cat.Curves("KB1", "")
	e, err := cs[0].Estimate(Scenario{Hosts: 250})
	if err != nil {
		t.Fatal(err)
	}
	half := t975df2 * math.Sqrt(1.0/12-1.0/24+1.0/12*(0.25+625/122500.0))
	if !near(e.Minutes, 60, 1e-9) || !near(e.High-e.Minutes, half, 1e-9) {
		t.Errorf("whole minutes: %v [%v, %v], want 60 ± %v", e.Minutes, e.Low, e.High, half)
	}
	decimals := "kb,consoles,hosts,minutes\nKB1,1,50,20.5\nKB1,1,100,30.5\nKB1,1,250,60.5\nKB1,1,500,110.5\n"
	cat, err = ReadCatalog(strings.NewReader(decimals))
	if err != nil {
		t.Fatal(err)
	}
	cs, _ = cat.Curves("KB1", "")
	e, _ = cs[0].Estimate(Scenario{Hosts: 250})
	if !near(e.Minutes, 60.5, 1e-9) || e.High-e.Low > 1e-6 {
		t.Errorf("decimal minutes on a line: %v [%v, %v], want 60.5 with no width", e.Minutes, e.Low, e.High)
	}
}

// TestTwoMeasuredPoints: a line through two measured (decimal) points has
// no degrees of freedom and no noise floor: the interval is unbounded.
func TestTwoMeasuredPoints(t *testing.T) {
	cat, err := ReadCatalog(strings.NewReader("kb,consoles,hosts,minutes\nKB1,1,100,20.5\nKB1,1,300,55.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := cat.Curves("KB1", "")
	e, err := cs[0].Estimate(Scenario{Hosts: 200})
	if err != nil {
		t.Fatal(err)
	}
	if !near(e.Minutes, 38, 1e-12) || e.Low != 0 || !math.IsInf(e.High, 1) {
		t.Errorf("two points: %v [%v, %v], want 38 [0, +Inf]", e.Minutes, e.Low, e.High)
	}
}

// pooledByHand computes the within-series slope over the distinct
// published tables of one console (a table printed for several packages
// counts once), its residual variance and Σ(x − x̄)², from the hand-typed
// table.
func pooledByHand(console string) (beta, s2, sxx float64, n, groups int) {
	var sxy float64
	var rows [][4]float64
	for _, p := range published {
		if p.console == console && !slices.Contains(rows, p.minutes) {
			rows = append(rows, p.minutes)
		}
	}
	for _, m := range rows {
		ybar := (m[0] + m[1] + m[2] + m[3]) / 4
		for j, x := range fleetSizes {
			sxx += (float64(x) - 225) * (float64(x) - 225)
			sxy += (float64(x) - 225) * (m[j] - ybar)
		}
	}
	beta = sxy / sxx
	var rss float64
	for _, m := range rows {
		ybar := (m[0] + m[1] + m[2] + m[3]) / 4
		for j, x := range fleetSizes {
			r := m[j] - ybar - beta*(float64(x)-225)
			rss += r * r
		}
	}
	n, groups = 4*len(rows), len(rows)
	return beta, rss / float64(n-groups-1), sxx, n, groups
}

// tau2ByHand is the between-table variance of the per-host rate of a
// console's distinct tables, by DerSimonian–Laird. Every table has the
// same fleet sizes, so the weights are equal, the pooled rate is the mean
// of the tables' own rates b_g, and the estimate reduces to
//
//	τ² = max(0, Σ(b_g − b̄)²/(k − 1) − s²/S),  S = Σ(x − x̄)² of one table.
func tau2ByHand(console string) float64 {
	_, _, sxx, _, k := pooledByHand(console)
	var rows [][4]float64
	for _, p := range published {
		if p.console == console && !slices.Contains(rows, p.minutes) {
			rows = append(rows, p.minutes)
		}
	}
	var b []float64
	for _, m := range rows {
		ybar := (m[0] + m[1] + m[2] + m[3]) / 4
		var sxy float64
		for j, x := range fleetSizes {
			sxy += (float64(x) - 225) * (m[j] - ybar)
		}
		b = append(b, sxy/(sxx/float64(k)))
	}
	var mean, ss float64
	for _, v := range b {
		mean += v / float64(len(b))
	}
	for _, v := range b {
		ss += (v - mean) * (v - mean)
	}
	// The weights take the variance within the tables (each about its own
	// line), ΣRSS_g/Σ(n_g − 2), not the common-slope fit's s2.
	var rss float64
	for _, m := range rows {
		ybar := (m[0] + m[1] + m[2] + m[3]) / 4
		var sxy, syy float64
		for j, x := range fleetSizes {
			sxy += (float64(x) - 225) * (m[j] - ybar)
			syy += (m[j] - ybar) * (m[j] - ybar)
		}
		rss += syy - sxy*sxy/(sxx/float64(k))
	}
	within := max(rss/float64(2*len(rows)), 1.0/12)
	return max(0, ss/float64(len(b)-1)-within/(sxx/float64(k)))
}

func TestPool(t *testing.T) {
	p, err := Default().Pool("6.1")
	if err != nil {
		t.Fatal(err)
	}
	beta, s2, sxx, n, groups := pooledByHand("UpdateEXPERT 6.1")
	// By hand: four distinct tables (18-27-52-94 is printed four times),
	// Sxy = 2·20625 + 20750 + 20900 = 82900 over Sxx = 4·122500.
	if !near(beta, 82900.0/490000, 1e-12) || groups != 4 {
		t.Fatalf("hand computation is off: %v over %d tables", beta, groups)
	}
	if !near(p.Rate(), beta, 1e-12) || !near(p.RateSE(), math.Sqrt(s2/sxx), 1e-9) {
		t.Errorf("pool rate %v ± %v, want %v ± %v", p.Rate(), p.RateSE(), beta, math.Sqrt(s2/sxx))
	}
	if f := p.Fit(); f.N != n || f.DF != n-groups-1 || p.Tables() != groups || len(p.Series()) != 7 {
		t.Errorf("pool N, DF, tables, series = %d, %d, %d, %d; want %d, %d, %d, 7", f.N, f.DF, p.Tables(), len(p.Series()), n, n-groups-1, groups)
	}
	// A patch with no table: 12 minutes of setup plus the pooled rate. The
	// setup is known, and the rate of a patch never measured varies from
	// table to table by τ², so Var = s² − 1/24 + hosts²·(SE(β)² + τ²) (a
	// new rollout is not rounded, as for a table's own curve), with t on
	// two fewer degrees of freedom than there are tables, t(0.975, 2).
	c, err := p.WithSetup(mins(12))
	if err != nil {
		t.Fatal(err)
	}
	e, err := c.Estimate(Scenario{Hosts: 1000})
	if err != nil {
		t.Fatal(err)
	}
	tau2 := tau2ByHand("UpdateEXPERT 6.1")
	if tau2 <= 0 {
		t.Fatalf("τ² = %v: the four tables' rates spread more than their errors", tau2)
	}
	if got := p.RateSpread(); !near(got*got, tau2, 1e-9) {
		t.Errorf("RateSpread² = %v, want τ² = %v", got*got, tau2)
	}
	half := t975df2 * math.Sqrt(s2-1.0/24+1e6*(s2/sxx+tau2))
	if !near(e.Minutes, 12+1000*beta, 1e-12) || !near(e.High-e.Minutes, half, 1e-9) || !e.Extrapolated {
		t.Errorf("setup 12 + pooled rate at 1000: %v ± %v (extrapolated %v), want %v ± %v, extrapolated",
			e.Minutes, e.High-e.Minutes, e.Extrapolated, 12+1000*beta, half)
	}
	if _, err := p.WithSetup(mins(-1)); err == nil {
		t.Error("WithSetup(mins(-1)) gave no error")
	}
	// The console of MS04-020, which names no version, has three series
	// of one table: a pool of one table, rate 33/196, 4 − 1 − 1 = 2
	// degrees of freedom.
	q, err := Default().Pool("UpdateEXPERT")
	if err != nil {
		t.Fatal(err)
	}
	if !near(q.Rate(), 33.0/196, 1e-12) || len(q.Series()) != 3 || q.Tables() != 1 || q.Fit().DF != 2 {
		t.Errorf("UpdateEXPERT pool: rate %v over %d series, %d tables, %d DF; want 33/196 over 3, 1, 2", q.Rate(), len(q.Series()), q.Tables(), q.Fit().DF)
	}
	if _, err := Default().Pool("Tivoli"); err == nil || !strings.Contains(err.Error(), "UpdateEXPERT 6.1") {
		t.Errorf("Pool(Tivoli) error %v, want one listing the consoles", err)
	}
}

func TestPooledCurves(t *testing.T) {
	beta, _, _, _, _ := pooledByHand("UpdateEXPERT 6.1")
	cs, err := Default().PooledCurves("KB937894", "XP")
	if err != nil {
		t.Fatal(err)
	}
	// Its own setup: ȳ − β·x̄ with ȳ = 48 for 18, 27, 52, 95.
	c := cs[0]
	if !near(c.PerHost(), beta, 1e-12) || !near(c.Setup(), 48-beta*225, 1e-9) {
		t.Errorf("pooled KB937894 XP = %v, want %v + %v·hosts", c, 48-beta*225, beta)
	}
	// A series with a single fleet size has no curve of its own but a
	// pooled one.
	cat, err := ReadCatalog(strings.NewReader("kb,consoles,hosts,minutes,console\n" +
		"KB1,1,50,18,C\nKB1,1,500,94,C\nKB2,1,200,40,C\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.Curves("KB2", ""); err == nil {
		t.Error("KB2 with one point has a curve of its own")
	}
	cs, err = cat.PooledCurves("KB2", "")
	if err != nil {
		t.Fatal(err)
	}
	// Slope from KB1 alone: 76/450; KB2's setup: 40 − 200·76/450.
	if !near(cs[0].PerHost(), 76.0/450, 1e-12) || !near(cs[0].Setup(), 40-200*76.0/450, 1e-9) {
		t.Errorf("pooled KB2 = %v", cs[0])
	}
}

// TestConsoles: c consoles each take ⌈hosts/c⌉ machines, slowed by
// 1 + σ(c−1) + κc(c−1).
func TestConsoles(t *testing.T) {
	c := curve(t, "KB899588", "XP")
	a, b := 1934.0/196, 33.0/196
	for _, tc := range []struct {
		s    Scenario
		want float64
	}{
		{Scenario{Hosts: 1200, Scaling: Scaling{Consoles: 2}}, a + b*600},
		{Scenario{Hosts: 1201, Scaling: Scaling{Consoles: 2}}, a + b*601},
		{Scenario{Hosts: 1200, Scaling: Scaling{Consoles: 4, Contention: 0.1, Coherency: 0.01}}, a + b*300*(1+0.1*3+0.01*4*3)},
		{Scenario{Hosts: 10, Scaling: Scaling{Consoles: 20}}, a + b*1},
		{Scenario{Hosts: 1200}, a + b*1200},
	} {
		e, err := c.Estimate(tc.s)
		if err != nil {
			t.Fatal(err)
		}
		if !near(e.Minutes, tc.want, 1e-12) {
			t.Errorf("%+v: %v minutes, want %v", tc.s, e.Minutes, tc.want)
		}
		if e.Consoles < 1 {
			t.Errorf("%+v: consoles %d in the estimate", tc.s, e.Consoles)
		}
	}
	// 1200 hosts on 4 consoles is 300 each: inside the data, not
	// extrapolated; on 1 console it is.
	if e, _ := c.Estimate(Scenario{Hosts: 1200, Scaling: Scaling{Consoles: 4}}); e.Extrapolated {
		t.Error("300 hosts per console marked extrapolated")
	}
	for _, s := range []Scenario{
		{Hosts: 0}, {Hosts: MaxHosts + 1}, {Hosts: 10, Scaling: Scaling{Consoles: -1}}, {Hosts: 10, Scaling: Scaling{Consoles: MaxConsoles + 1}},
		{Hosts: 10, Scaling: Scaling{Contention: -0.1}}, {Hosts: 10, Scaling: Scaling{Coherency: math.NaN()}}, {Hosts: 10, Scaling: Scaling{Contention: math.Inf(1)}},
	} {
		if _, err := c.Estimate(s); err == nil {
			t.Errorf("Estimate(%+v) gave no error", s)
		}
	}
}

func TestTooLong(t *testing.T) {
	// 100 years at 2 hosts: the line's slope is about 100 years per host.
	cat, err := ReadCatalog(strings.NewReader("kb,consoles,hosts,minutes\nKB1,1,1,1\nKB1,1,2,52704000\n"))
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := cat.Curves("KB1", "")
	if _, err := cs[0].Estimate(Scenario{Hosts: 200}); !errors.Is(err, ErrTooLong) {
		t.Errorf("200 hosts at 100 years per host: error %v, want ErrTooLong", err)
	}
}

func TestChoice(t *testing.T) {
	c := curve(t, "KB885881", "")
	tried, reason := c.Choice()
	if len(tried) != 2 || tried[0].Model.String() != "affine" || tried[1].Model.String() != "power" {
		t.Fatalf("tried %v", tried)
	}
	if !strings.HasPrefix(reason, "affine:") || c.Fit().Model.String() != "affine" {
		t.Errorf("chose %v because %q", c.Fit().Model, reason)
	}
	// The copy handed out is not the curve's own.
	f := c.Fit()
	f.Residuals[0] = 1e9
	if c.Fit().Residuals[0] == 1e9 {
		t.Error("Fit() shares its residuals with the curve")
	}
}

// TestPooledFreshOffset: curves of a pool of tables published in whole
// minutes leave 1/24 min² of the pooled variance out of a new rollout's
// part, as a table's own curve does; a pool with decimal minutes (not
// rounded) leaves nothing out.
func TestPooledFreshOffset(t *testing.T) {
	cs, err := Default().PooledCurves("KB899588", "XP")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Default().Pool("UpdateEXPERT 6.1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := p.WithSetup(mins(12))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Curve{cs[0], s} {
		if f := c.Fit(); f.Offset != 1.0/24 {
			t.Errorf("%s: offset %v, want 1/24", c.Series(), f.Offset)
		}
	}
	decimals := "kb,consoles,hosts,minutes\nKB1,1,50,20.5\nKB1,1,100,30.7\nKB1,1,250,60.1\nKB1,1,500,110.4\n" +
		"KB2,1,50,25.5\nKB2,1,100,35.2\nKB2,1,250,65.9\nKB2,1,500,115.1\n"
	cat, err := ReadCatalog(strings.NewReader(decimals))
	if err != nil {
		t.Fatal(err)
	}
	pcs, err := cat.PooledCurves("KB1", "")
	if err != nil {
		t.Fatal(err)
	}
	if f := pcs[0].Fit(); f.Offset != 0 {
		t.Errorf("decimal minutes: offset %v, want 0", f.Offset)
	}
}
