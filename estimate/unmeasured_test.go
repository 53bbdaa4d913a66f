package estimate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/patchtime/patchtime/fit"
)

// distinctTables returns the distinct published tables of console in the
// embedded catalog, in order of first appearance, as observations.
func distinctTables(t *testing.T, console string) [][]Observation {
	t.Helper()
	var tables [][]Observation
	seen := map[string]bool{}
	byKB := map[string][]Observation{}
	var order []string
	for _, o := range Default().Observations() {
		if o.Console != console {
			continue
		}
		k := o.KB + "\x00" + o.Platform
		if byKB[k] == nil {
			order = append(order, k)
		}
		byKB[k] = append(byKB[k], o)
	}
	for _, k := range order {
		var key strings.Builder
		for _, o := range byKB[k] {
			fmt.Fprintf(&key, "%d:%g,", o.Hosts, o.Minutes)
		}
		if !seen[key.String()] {
			seen[key.String()] = true
			tables = append(tables, byKB[k])
		}
	}
	return tables
}

// holdOut predicts each cell of table from the table's own fitted setup
// and the pool of others, through Pool.WithSetup, and returns the cells
// inside the interval at level and the largest |error|/half-width.
func holdOut(t *testing.T, table []Observation, others [][]Observation, level float64) (in, n int, pool *Pool) {
	t.Helper()
	var obs []Observation
	for _, o := range others {
		obs = append(obs, o...)
	}
	cat, err := NewCatalog(obs)
	if err != nil {
		t.Fatal(err)
	}
	pool, err = cat.Pool(table[0].Console)
	if err != nil {
		t.Fatal(err)
	}
	x, y := make([]float64, len(table)), make([]float64, len(table))
	for i, o := range table {
		x[i], y[i] = float64(o.Hosts), o.Minutes
	}
	own, err := fit.Affine(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := pool.WithSetup(time.Duration(own.Intercept * float64(time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	if c, err = c.WithLevel(level); err != nil {
		t.Fatal(err)
	}
	for _, o := range table {
		e, err := c.Estimate(Scenario{Hosts: o.Hosts})
		if err != nil {
			t.Fatal(err)
		}
		n++
		if e.Low <= o.Minutes && o.Minutes <= e.High {
			in++
		}
		t.Logf("  %4d hosts: published %3.0f, predicted %6.2f [%6.2f, %6.2f]", o.Hosts, o.Minutes, e.Minutes, e.Low, e.High)
	}
	return in, n, pool
}

// TestUnmeasuredHoldOut holds out each distinct published table of
// UpdateEXPERT 6.1 in turn and predicts its cells as a patch never
// measured: its own fitted setup, given, plus the rate pooled over the
// other three tables with their spread τ². A method whose 95% intervals
// hold must put nearly all of the 16 cells inside (at 95%, expect 15.2;
// fewer than 14 has probability under 5% were the cells independent).
// With t on the pooled df, the 500-host cell of the table of rate 0.1706
// (MS07-065 Windows XP SP2) fell outside, with or without τ²: the other
// three tables' τ̂ is 0. With t on k − 1 = 2 df, and on k − 2 = 1 df as
// now, all 16 are inside.
func TestUnmeasuredHoldOut(t *testing.T) {
	tables := distinctTables(t, "UpdateEXPERT 6.1")
	if len(tables) != 4 {
		t.Fatalf("%d distinct tables of UpdateEXPERT 6.1, want 4", len(tables))
	}
	all, err := Default().Pool("UpdateEXPERT 6.1")
	if err != nil {
		t.Fatal(err)
	}
	f := all.Fit()
	t.Logf("all four tables: rate %.5f ± %.5f min/host, τ = %.5f (Q = %.3f on %d df)", all.Rate(), all.RateSE(), all.RateSpread(), f.Q, f.SlopeGroups-1)
	if !(all.RateSpread() > 0) {
		t.Errorf("τ = %v on the four tables, want > 0: their rates spread more than SE(β) says", all.RateSpread())
	}
	var in, n int
	for i, table := range tables {
		var others [][]Observation
		for j, o := range tables {
			if j != i {
				others = append(others, o)
			}
		}
		t.Logf("held out %s %s:", table[0].KB, table[0].Platform)
		k, m, p := holdOut(t, table, others, 0.95)
		t.Logf("  others' rate %.5f ± %.5f, τ = %.5f; %d of %d cells inside", p.Rate(), p.RateSE(), p.RateSpread(), k, m)
		in, n = in+k, n+m
	}
	t.Logf("%d of %d cells inside their 95%% intervals", in, n)
	if in < 14 {
		t.Errorf("%d of %d cells inside their 95%% intervals, want at least 14", in, n)
	}
}

// TestUnmeasuredCoverage measures, by simulation, how often the interval
// of a patch never measured (Pool.WithSetup) covers a new rollout of that
// patch. Each replicate is a catalog like the real one (as in
// TestIntervalCoverage: four tables of 50/100/250/500 hosts and one of
// 50/500, setup uniform on 3–30 min, lab noise N(0, σ²), whole minutes),
// but the tables' true per-host rates differ: 0.17 + N(0, τ²) min/host
// with τ = 0.001. A sixth patch, drawn alike, has no table: its true
// setup is given and its rate is the pool's. The new rollout is its true
// line plus fresh N(0, σ²). "before" drops τ̂² (Var = s² + x²·SE(β)²,
// t on k−2 df), "after" is what WithSetup gives. With τ̂² but t on the
// pooled fit's 12 df it was 94.3/88.6/84.2% at 500/1000/5000 hosts for
// σ = 0.3, 92.5/90.0% at 1000/5000 for σ = 0.6; with t on k − 1 = 4 df,
// 91.7% at 5000 hosts for σ = 0.3 (τ̂ is 0 in four catalogs of ten);
// without either, 70.6% at 5000 hosts, σ = 0.3. On k − 2 df it never
// falls below 93%, and over-covers where the rollout noise, not the
// rate, dominates (up to 99.8% at 100 hosts). Seeded.
func TestUnmeasuredCoverage(t *testing.T) {
	replicates := 3000
	if testing.Short() {
		replicates = 600
	}
	const tau, level, draws = 0.001, 0.95, 10
	sigmas := []float64{0.3, 0.6, 1}
	fleets := []int{100, 500, 1000, 5000}
	tables := [][]int{{50, 100, 250, 500}, {50, 100, 250, 500}, {50, 100, 250, 500}, {50, 100, 250, 500}, {50, 500}}
	type cell struct{ before, after, n int }
	cells := make([][4]cell, len(sigmas))
	var tauHat, tauZero float64
	rng := rand.New(rand.NewPCG(13, 4))
	for si, sigma := range sigmas {
		for r := 0; r < replicates; r++ {
			var obs []Observation
			for ti, hosts := range tables {
				setup, rate := 3+27*rng.Float64(), 0.17+tau*rng.NormFloat64()
				for _, h := range hosts {
					m := math.Round(setup + rate*float64(h) + sigma*rng.NormFloat64())
					obs = append(obs, Observation{KB: fmt.Sprintf("KB%d", 100000+ti), Console: "Sim", Consoles: 1,
						Hosts: h, Minutes: max(m, 1), Source: Published})
				}
			}
			cat, err := NewCatalog(obs)
			if err != nil {
				t.Fatal(err)
			}
			pool, err := cat.Pool("Sim")
			if err != nil {
				t.Fatal(err)
			}
			tauHat += pool.RateSpread()
			if pool.RateSpread() == 0 {
				tauZero++
			}
			setup, rate := 3+27*rng.Float64(), 0.17+tau*rng.NormFloat64()
			after, err := pool.WithSetup(time.Duration(setup * float64(time.Minute)))
			if err != nil {
				t.Fatal(err)
			}
			pf := pool.Fit()
			pf.Tau2 = 0
			before := pf.WithIntercept(setup)
			for fi, hosts := range fleets {
				e, err := after.Estimate(Scenario{Hosts: hosts})
				if err != nil {
					t.Fatal(err)
				}
				blo, bhi := before.Interval(float64(hosts), level)
				for d := 0; d < draws; d++ {
					v := setup + rate*float64(hosts) + sigma*rng.NormFloat64()
					k := &cells[si][fi]
					k.n++
					if e.Low <= v && v <= e.High {
						k.after++
					}
					if blo <= v && v <= bhi {
						k.before++
					}
				}
			}
		}
	}
	runs := float64(replicates * len(sigmas))
	var b strings.Builder
	fmt.Fprintf(&b, "coverage of a patch never measured at 95%%, %% (before → after τ̂²), true τ = %g min/host, %d catalogs per σ; mean τ̂ %.5f, τ̂ = 0 in %.0f%%\n",
		tau, replicates, tauHat/runs, 100*tauZero/runs)
	fmt.Fprintf(&b, "%-5s %-6s %s\n", "σ", "hosts", "coverage")
	for si, sigma := range sigmas {
		for fi, hosts := range fleets {
			k := cells[si][fi]
			bef, aft := 100*float64(k.before)/float64(k.n), 100*float64(k.after)/float64(k.n)
			fmt.Fprintf(&b, "%-5.1f %-6d %5.1f → %5.1f\n", sigma, hosts, bef, aft)
			switch {
			case aft < 93:
				t.Errorf("σ %.1f, %d hosts: coverage %.1f%%, below 93%%", sigma, hosts, aft)
			case hosts >= 1000 && aft > 99:
				t.Errorf("σ %.1f, %d hosts: coverage %.1f%%, above 99%%", sigma, hosts, aft)
			case aft > 99: // known: t on k − 2 df is wide where the rollout noise dominates
				t.Logf("σ %.1f, %d hosts: coverage %.1f%%, above 99%%", sigma, hosts, aft)
			}
		}
	}
	t.Log("\n" + b.String())
}
