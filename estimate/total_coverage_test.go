package estimate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestTotalCoverage measures, by simulation, how often the 95% prediction
// interval of a bundle's total covers the sum of fresh rollouts of its
// patches, each the true line of its table plus its own N(0, σ²). Catalogs
// are those of TestIntervalCoverage (four tables of 50/100/250/500 hosts
// and one of 50/500 on one console, lab noise rounded to whole minutes);
// bundles are 2 or 3 of their distinct tables. "added" is the sum of the
// parts' bounds (the rule before), "total" what Rollout.Estimate gives.
// Seeded: the result is the same on every run.
func TestTotalCoverage(t *testing.T) {
	replicates := 4000
	if testing.Short() {
		replicates = 1000
	}
	const draws = 10 // fresh totals per bundle and fleet size
	sigmas := []float64{0.3, 0.6, 1}
	fleets := []int{100, 300, 1000, 5000}
	tables := [][]int{{50, 100, 250, 500}, {50, 100, 250, 500}, {50, 100, 250, 500}, {50, 100, 250, 500}, {50, 500}}
	bundles := [][]int{{0, 1}, {0, 4}, {0, 1, 2}, {1, 2, 4}}
	type cell struct{ hit, added, part, n int }
	cells := make([][][]cell, len(sigmas)) // [σ][bundle][fleet]
	rng := rand.New(rand.NewPCG(13, 6))
	for si, sigma := range sigmas {
		cells[si] = make([][]cell, len(bundles))
		for bi := range bundles {
			cells[si][bi] = make([]cell, len(fleets))
		}
		for r := 0; r < replicates; r++ {
			cat, truth := simCatalog(t, rng, tables, 1, 1, sigma)
			curves := make([]*Curve, len(tables))
			for ti := range tables {
				cs, err := cat.Curves(fmt.Sprintf("KB%d", 100000+ti), "")
				if err != nil {
					t.Fatal(err)
				}
				curves[ti] = cs[0]
			}
			for bi, b := range bundles {
				for fi, hosts := range fleets {
					var r Rollout
					for _, ti := range b {
						r.Jobs = append(r.Jobs, Job{curves[ti], hosts})
					}
					p, lo, hi := addedBounds(t, r)
					for d := 0; d < draws; d++ {
						var v float64
						for _, ti := range b {
							v += truth[ti](float64(hosts)) + sigma*rng.NormFloat64()
						}
						k := &cells[si][bi][fi]
						k.n++
						if p.Low <= v && v <= p.High {
							k.hit++
						}
						if lo <= v && v <= hi {
							k.added++
						}
						// The first part alone, against a fresh rollout of its own.
						e, ti := p.Jobs[0], b[0]
						if w := truth[ti](float64(hosts)) + sigma*rng.NormFloat64(); e.Low <= w && w <= e.High {
							k.part++
						}
					}
				}
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "95%% coverage of bundle totals, %% (added → total), and [of the first part alone], %d catalogs per σ, %d fresh totals per bundle and fleet size\n", replicates, draws)
	fmt.Fprintf(&b, "%-5s %-10s", "σ", "tables")
	for _, h := range fleets {
		fmt.Fprintf(&b, " %-22s", fmt.Sprintf("%d hosts", h))
	}
	b.WriteString("\n")
	for si, sigma := range sigmas {
		for bi, bundle := range bundles {
			var names []string
			for _, ti := range bundle {
				names = append(names, fmt.Sprint(len(tables[ti])))
			}
			fmt.Fprintf(&b, "%-5.1f %-10s", sigma, strings.Join(names, "+")+"pt")
			for fi, hosts := range fleets {
				k := cells[si][bi][fi]
				got, old, part := 100*float64(k.hit)/float64(k.n), 100*float64(k.added)/float64(k.n), 100*float64(k.part)/float64(k.n)
				fmt.Fprintf(&b, " %5.1f → %5.1f [%5.1f] ", old, got, part)
				// 93–98%: 2 points below 95 and 3 above, and 0.1 for Monte
				// Carlo error (about 0.2 of a point).
				switch {
				case got < 92.9:
					t.Errorf("σ %.1f, tables %v, %d hosts: coverage of the total %.1f%%, below 93%%", sigma, bundle, hosts, got)
				case got > 98.1:
					t.Errorf("σ %.1f, tables %v, %d hosts: coverage of the total %.1f%%, above 98%% (the part's %.1f%%)", sigma, bundle, hosts, got, part)
				}
			}
			b.WriteString("\n")
		}
	}
	t.Log("\n" + b.String())
}

// TestTotalSameTable checks that jobs on one table, or on one curve,
// combine as their bounds added, and those on different tables do not.
func TestTotalSameTable(t *testing.T) {
	cat := Default()
	var all []*Curve
	for _, s := range cat.Series() {
		cs, err := cat.Curves(s.KB, s.Platform)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Series() == s {
				all = append(all, c)
			}
		}
	}
	same := func(a, b *Curve) bool {
		pa, pb := a.Points(), b.Points()
		return len(pa) == len(pb) && slices.EqualFunc(pa, pb, func(x, y Observation) bool {
			return x.Hosts == y.Hosts && x.Consoles == y.Consoles && x.Minutes == y.Minutes
		})
	}
	var twin, other [2]*Curve
	for i, a := range all {
		for _, b := range all[i+1:] {
			switch {
			case twin[0] == nil && a.Series() != b.Series() && same(a, b):
				twin = [2]*Curve{a, b}
			case other[0] == nil && !same(a, b) && a.Series().Console == b.Series().Console && a.Noise().Pooled && b.Noise().Pooled && len(a.Points()) > 2 && len(b.Points()) > 2:
				other = [2]*Curve{a, b}
			}
		}
	}
	if twin[0] == nil || other[0] == nil {
		t.Fatal("the catalog has no two series printed from one table, or no two distinct tables")
	}
	for _, r := range []Rollout{
		{Jobs: []Job{{twin[0], 800}, {twin[1], 400}}},   // one table printed twice: a mixed fleet
		{Jobs: []Job{{other[0], 800}, {other[0], 400}}}, // one curve twice
	} {
		p, lo, hi := addedBounds(t, r)
		if !near(p.Low, lo, 1e-12) || !near(p.High, hi, 1e-12) {
			t.Errorf("%s + %s: interval %v–%v, want the bounds added %v–%v", r.Jobs[0].Curve.Series(), r.Jobs[1].Curve.Series(), p.Low, p.High, lo, hi)
		}
	}
	r := Rollout{Jobs: []Job{{other[0], 800}, {other[1], 400}}}
	p, lo, hi := addedBounds(t, r)
	e0, e1 := p.Jobs[0], p.Jobs[1]
	crit := other[0].crit
	se0, se1 := (e0.High-e0.Minutes)/crit, (e1.High-e1.Minutes)/crit
	half := crit * math.Hypot(se0, se1)
	if !near(p.High, p.Minutes+half, 1e-12) || !near(p.Low, max(0, p.Minutes-half), 1e-12) || !(p.High < hi) || !(p.Low > lo) {
		t.Errorf("%s + %s: interval %v–%v, want %v ± %v (bounds added: %v–%v)", other[0].Series(), other[1].Series(), p.Low, p.High, p.Minutes, half, lo, hi)
	}
}

// addedBounds estimates a rollout and returns its plan with the bounds of
// its parts added, the interval a total had before it combined them.
func addedBounds(t *testing.T, r Rollout) (Plan, float64, float64) {
	t.Helper()
	p, err := r.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	var lo, hi float64
	for _, e := range p.Jobs {
		lo, hi = lo+e.Low, hi+e.High
	}
	return p, lo, hi
}
