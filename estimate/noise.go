package estimate

import (
	"fmt"
	"math"
	"sync"

	"github.com/patchtime/patchtime/fit"
	"gonum.org/v1/gonum/stat/distuv"
)

// disagreeLevel is the significance level of the two-sided F test by
// which a table's own residual variance is said to disagree with the
// pool of its console's other tables: 1%.
const disagreeLevel = 0.01

// freshOffset is δ, the part of a published table's pooled variance s²
// that a new, unrounded rollout is taken not to carry: half the variance
// of rounding to whole minutes, 1/24 min² (see noisePool.fit).
const freshOffset = roundingVariance / 2

// noisePool is the residual variance shared by the published tables of one
// console, fitted the first time a curve of the console is asked for.
type noisePool struct {
	console string
	entries []*entry
	once    sync.Once
}

// Noise is how a curve's interval noise was found: pooled over its
// console's tables, or its own.
//
// The prediction error of a published table's curve at x hosts is
//
//	se²(x) = Fresh + Variance·h(x),  h(x) = 1/n + (x − x̄)²/Sxx,
//
// where Fresh = Variance − 1/24: the table's points carry the rounding to
// whole minutes (variance 1/12), a new rollout does not, and leaving half
// of it out is what held the intervals within 2 points below and 3 above
// their level in simulation (see the README's "Intervals: how often they
// cover").
type Noise struct {
	Pooled    bool    // the variance is pooled over the console's distinct published tables
	Tables    int     // distinct tables pooled (when Pooled)
	Variance  float64 // s² used, min²
	DF        int     // its degrees of freedom, those of the intervals' Student's t
	Fresh     float64 // the part of Variance a new, unrounded rollout scatters by about the true curve, min²: Variance − 1/24
	Floor     bool    // Variance is the floor of 1/12 min², above what the residuals give
	Disagrees bool    // the table's own residual variance disagrees with the pool of the console's other tables (F test at 1%): it keeps its own
	F         float64 // the F statistic of that test, own s² / others' s² (both at least 1/12); NaN when not tested
	FDF       [2]int  // its degrees of freedom
	P         float64 // its two-sided p-value; NaN when not tested
}

// noiseOf is what the pool says of one entry, set by noisePool.fit.
type noiseOf struct {
	ok   bool      // the entry takes part (published, whole minutes, a curve)
	rest fit.Noise // s²_rest of the console's other tables, against which the model choice tests curvature (see selectOptions); DF 0 when there are none
	Noise
}

// get fits the pool the first time, and returns the entry's noise.
func (p *noisePool) get(e *entry) noiseOf {
	p.once.Do(p.fit)
	return e.noise
}

// fit pools the residual variance of the console's distinct published
// tables (a table printed for several packages counts once): each table's
// own affine fit gives RSS_g on df_g = n_g − 2 degrees of freedom, and
//
//	s²_pool = max(Σ RSS_g / Σ df_g, 1/12),  df = Σ df_g,
//
// over the tables whose own variance does not disagree with the others'.
// A table disagrees when, by the F test of s²_g = max(RSS_g/df_g, 1/12)
// against the pool of the other tables, s²_rest = max(Σ_{h≠g} RSS_h /
// Σ_{h≠g} df_h, 1/12), the two-sided p-value is below 1%; it keeps its own
// variance s²_g on df_g. Tables with decimal minutes or observed rollouts
// take no part (their curves keep their own noise).
//
// The curve's prediction error is then, with h(x) = 1/n + (x − x̄)²/Sxx,
//
//	se²(x) = (s² − δ) + s²·h(x),  δ = freshOffset = 1/24 min²,
//	interval ŷ ± t(df)·se(x)
//
// (fit.Fit.WithNoise). The points carry the rounding to whole minutes, a
// new rollout does not: s² estimates σ² + 1/12, the new rollout scatters
// by σ² alone. Subtracting nothing over-covers where the lab noise is
// small (a 95% interval held up to 98.8% of new rollouts at σ = 0.3 min);
// subtracting all of 1/12 under-covers (91%), since max(s² − 1/12, 0) on
// 8 degrees of freedom is often near zero. Half of it, δ = 1/24, is the
// choice the simulation supports: within 2 points below and 3 above
// nominal in every cell with σ ≥ 0.3 min (TestIntervalCoverage). Since
// s² ≥ 1/12, s² − δ ≥ 1/24 > 0.
func (p *noisePool) fit() {
	type table struct {
		rss     float64
		df      int
		members []*entry
	}
	var tables []*table
	byKey := map[string]*table{}
	for _, e := range p.entries {
		if options(e.points) == nil {
			continue
		}
		k := tableKey(e.x, e.y)
		t := byKey[k]
		if t == nil {
			f, err := fit.Affine(e.x, e.y, nil)
			if err != nil {
				continue // no curve: nothing to pool
			}
			t = &table{rss: f.RSS, df: f.DF}
			byKey[k] = t
			tables = append(tables, t)
		}
		t.members = append(t.members, e)
	}
	var rss float64
	var df int
	for _, t := range tables {
		rss, df = rss+t.rss, df+t.df
	}
	variance := func(rss float64, df int) float64 {
		if df == 0 {
			return roundingVariance
		}
		return max(rss/float64(df), roundingVariance)
	}
	// Test each table against the others.
	disagree := make([]bool, len(tables))
	tests := make([]Noise, len(tables))
	rests := make([]fit.Noise, len(tables))
	var prss float64
	var pdf, pooled int
	for i, t := range tables {
		tests[i].F, tests[i].P = math.NaN(), math.NaN()
		if rdf := df - t.df; rdf > 0 {
			rests[i] = fit.Noise{Variance: variance(rss-t.rss, rdf), DF: rdf}
		}
		if rdf := df - t.df; t.df > 0 && rdf > 0 {
			own, rest := variance(t.rss, t.df), variance(rss-t.rss, rdf)
			f := own / rest
			d := distuv.F{D1: float64(t.df), D2: float64(rdf)}
			pv := 2 * min(d.CDF(f), d.Survival(f))
			tests[i].F, tests[i].FDF, tests[i].P = f, [2]int{t.df, rdf}, min(pv, 1)
			disagree[i] = pv < disagreeLevel
		}
		if !disagree[i] {
			prss, pdf, pooled = prss+t.rss, pdf+t.df, pooled+1
		}
	}
	for i, t := range tables {
		n := tests[i]
		if disagree[i] {
			n.Disagrees = true
			n.Variance, n.DF = variance(t.rss, t.df), t.df
			n.Floor = !(t.rss/float64(t.df) >= roundingVariance)
		} else {
			n.Pooled, n.Tables = true, pooled
			n.Variance, n.DF = variance(prss, pdf), pdf
			n.Floor = pdf == 0 || !(prss/float64(pdf) >= roundingVariance)
		}
		n.Fresh = n.Variance - freshOffset
		for _, e := range t.members {
			e.noise = noiseOf{ok: true, rest: rests[i], Noise: n}
		}
	}
}

// String says how the noise was found, for a summary.
func (n Noise) String() string {
	switch {
	case n.Disagrees:
		return fmt.Sprintf("own variance: it disagrees with the other tables of the console (F = %.3g on %d and %d df, p = %.2g < %g), so it is not pooled; %s",
			n.F, n.FDF[0], n.FDF[1], n.P, disagreeLevel, n.fresh())
	case n.Pooled:
		return fmt.Sprintf("variance pooled over the %d distinct published tables of the console (%d degrees of freedom); %s", n.Tables, n.DF, n.fresh())
	}
	return ""
}

// fresh says what part of the variance a new rollout carries.
func (n Noise) fresh() string {
	return fmt.Sprintf("a new, unrounded rollout is taken to scatter by s² − 1/24 = %.4g min² (half the rounding's 1/12 left out)", n.Fresh)
}
