package estimate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// simCatalog builds a catalog like the real one, as in TestIntervalCoverage:
// one console with tables at the given host counts, each a true curve
// setup + rate·hosts^c (setup uniform on 3–30 min, rate uniform on
// 0.15–0.19 min per host^c), lab noise N(0, σ²) added and rounded to whole
// minutes. It returns the catalog and each table's true curve.
func simCatalog(t *testing.T, rng *rand.Rand, tables [][]int, c, rateScale, sigma float64) (*Catalog, []func(float64) float64) {
	t.Helper()
	var obs []Observation
	truth := make([]func(float64) float64, len(tables))
	for ti, hosts := range tables {
		setup, rate := 3+27*rng.Float64(), rateScale*(0.15+0.04*rng.Float64())
		truth[ti] = func(x float64) float64 { return setup + rate*math.Pow(x, c) }
		for _, h := range hosts {
			m := math.Round(truth[ti](float64(h)) + sigma*rng.NormFloat64())
			obs = append(obs, Observation{KB: fmt.Sprintf("KB%d", 100000+ti), Console: "Sim", Consoles: 1,
				Hosts: h, Minutes: max(m, 1), Source: Published})
		}
	}
	cat, err := NewCatalog(obs)
	if err != nil {
		t.Fatal(err)
	}
	return cat, truth
}
