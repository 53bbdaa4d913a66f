package estimate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/patchtime/patchtime/fit"
)

// TestIntervalCoverage measures, by simulation, how often the prediction
// intervals of curves fitted to published tables cover a new rollout under
// the table's conditions. Each replicate is a catalog like the real one: a
// console with four tables of 50/100/250/500 hosts and one of 50/500, true
// lines with setup uniform on 3–30 min and per-host time uniform on
// 0.15–0.19 min, lab noise N(0, σ²) added and the minutes rounded to whole
// minutes, built through NewCatalog as published rows. The new rollout is
// the true line plus fresh N(0, σ²), not rounded. "own" is the method of
// each table alone (fit.Affine with the rounding floor, Student's t on its
// own degrees of freedom, the normal quantile for two points); "curve" is
// what Curve.Estimate gives. Seeded: the result is the same on every run.
func TestIntervalCoverage(t *testing.T) {
	replicates := 4000
	if testing.Short() {
		replicates = 1000
	}
	const draws = 10 // new rollouts per curve and fleet size
	sigmas := []float64{0, 0.3, 0.6, 1}
	fleets := []int{100, 300, 1000, 5000}
	levels := []float64{0.90, 0.95, 0.99}
	tables := [][]int{{50, 100, 250, 500}, {50, 100, 250, 500}, {50, 100, 250, 500}, {50, 100, 250, 500}, {50, 500}}
	type cell struct{ hit, own, n int }
	// cells[σ][points: 0 four, 1 two][fleet][level]
	cells := make([][2][4][3]cell, len(sigmas))
	rng := rand.New(rand.NewPCG(13, 2))
	for si, sigma := range sigmas {
		for r := 0; r < replicates; r++ {
			cat, truth := simCatalog(t, rng, tables, 1, 1, sigma)
			for ti, hosts := range tables {
				pts := 0
				if len(hosts) == 2 {
					pts = 1
				}
				cs, err := cat.Curves(fmt.Sprintf("KB%d", 100000+ti), "")
				if err != nil {
					t.Fatal(err)
				}
				x, y := make([]float64, len(hosts)), make([]float64, len(hosts))
				for i, p := range cs[0].Points() {
					x[i], y[i] = float64(p.Hosts), p.Minutes
				}
				own, err := fit.Affine(x, y, &fit.Options{MinVariance: roundingVariance})
				if err != nil {
					t.Fatal(err)
				}
				for li, level := range levels {
					c, err := cs[0].WithLevel(level)
					if err != nil {
						t.Fatal(err)
					}
					for fi, hosts := range fleets {
						e, err := c.Estimate(Scenario{Hosts: hosts})
						if err != nil {
							t.Fatal(err)
						}
						olo, ohi := own.Interval(float64(hosts), level)
						for d := 0; d < draws; d++ {
							v := truth[ti](float64(hosts)) + sigma*rng.NormFloat64()
							k := &cells[si][pts][fi][li]
							k.n++
							if e.Low <= v && v <= e.High {
								k.hit++
							}
							if olo <= v && v <= ohi {
								k.own++
							}
						}
					}
				}
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "coverage, %% (own → curve), %d catalogs per σ, %d new rollouts per curve and fleet size\n", replicates, draws)
	fmt.Fprintf(&b, "%-5s %-6s %-6s %-15s %-15s %-15s\n", "σ", "points", "hosts", "90%", "95%", "99%")
	for si, sigma := range sigmas {
		for pts := 0; pts < 2; pts++ {
			for fi, hosts := range fleets {
				fmt.Fprintf(&b, "%-5.1f %-6d %-6d", sigma, 4-2*pts, hosts)
				for li, level := range levels {
					k := cells[si][pts][fi][li]
					got, old := 100*float64(k.hit)/float64(k.n), 100*float64(k.own)/float64(k.n)
					fmt.Fprintf(&b, " %5.1f → %5.1f  ", old, got)
					nominal := 100 * level
					if got < nominal-2.1 { // 2 points, and 0.1 for Monte Carlo error (about 0.2 of a point)
						t.Errorf("σ %.1f, %d points, %d hosts, %.0f%%: coverage %.1f%%, below %.0f%%", sigma, 4-2*pts, hosts, nominal, got, nominal-2)
					}
					if sigma >= 0.3 && got > nominal+3.1 { // 3 points, and 0.1 for Monte Carlo error
						t.Errorf("σ %.1f, %d points, %d hosts, %.0f%%: coverage %.1f%%, above %.0f%%", sigma, 4-2*pts, hosts, nominal, got, nominal+3)
					}
				}
				b.WriteString("\n")
			}
		}
	}
	t.Log("\n" + b.String())
}
