package estimate

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/patchtime/patchtime/fit"
)

// Pool is the per-host rate shared by all series of one console: one fit
// with one setup per distinct table and a single rate (see fit.Pooled).
// Series whose tables are identical (the same table printed for several
// packages or platforms) count once: a copy is not new evidence. The
// published tables give nearly the same rate for every patch, about 0.169
// minutes (10.1 s) per host on UpdateEXPERT 6.1, so the pooled rate is the
// best guess for a patch with no table of its own. Get one from a Catalog
// (Pool, Pools).
//
// The tables' own rates b_g scatter about the pooled rate β by more than
// the rollout noise explains: the true rate differs from patch to patch.
// That spread, τ², is estimated by the method of moments (DerSimonian–
// Laird, see fit.Pooled), with w_g = S_g/s², S_g = Σ_i (x_gi − x̄_g)²:
//
//	Q = Σ_g w_g·(b_g − β)²,  τ² = max(0, (Q − (k−1)) / (Σ w_g − Σ w_g²/Σ w_g)),
//
// over the k distinct tables. A patch with no table, setup a given, is
// then predicted at x hosts as a + β·x with
//
//	se²(x) = (s² − δ) + x²·(SE(β)² + τ²),  interval ± t(k−2)·se(x),
//
// s² that of the pooled fit, δ = 1/24 min² when the tables are published
// in whole minutes (a new rollout is not rounded; see Noise). The t is on
// k − 2 degrees of freedom (at least 1: with two or three tables t(1) =
// 12.7, a wide interval, the honest price of so few), not the pooled fit's, because
// far out (where a rollout plan needs it) the variance is the rate's,
// estimated from k tables' rates, as in the prediction interval of a
// random-effects meta-analysis (TestUnmeasuredCoverage). On UpdateEXPERT
// 6.1, τ ≈ 0.0006 min/host beside SE(β) ≈ 0.0005: the four tables' rates
// spread (SD
// 0.0011) more than SE(β) alone allows. The zero Pool pools nothing: its rate is NaN, and the
// curves asked of it are errors.
type Pool struct {
	console  string
	entries  []*entry
	fit      *fit.PooledFit
	err      error
	tables   int  // distinct tables pooled
	whole    bool // every pooled table is published in whole minutes: a new rollout carries less than s² (see freshOffset)
	minHosts int
	maxHosts int
}

// Tables returns the number of distinct tables the rate is pooled over;
// Series may hold more, when several share a table.
func (p *Pool) Tables() int {
	if p == nil {
		return 0
	}
	return p.tables
}

// Console returns the console whose series are pooled.
func (p *Pool) Console() string {
	if p == nil {
		return ""
	}
	return p.console
}

// ok reports whether p is a pool with a fit, not nil or the zero Pool.
func (p *Pool) ok() bool { return p != nil && p.fit != nil }

// Rate returns the pooled per-host rate, minutes per host; NaN for the
// zero Pool.
func (p *Pool) Rate() float64 {
	if !p.ok() {
		return math.NaN()
	}
	return p.fit.Slope
}

// RateSpread returns τ, the standard deviation of the true per-host rate
// between tables (patches) estimated from the tables' own rates, minutes
// per host; 0 when they scatter no more than the noise says, NaN for the
// zero Pool.
func (p *Pool) RateSpread() float64 {
	if !p.ok() {
		return math.NaN()
	}
	return math.Sqrt(p.fit.Tau2)
}

// RateSE returns the standard error of Rate, minutes per host; NaN for
// the zero Pool. It is the pooled rate's own; a patch with no table adds
// RateSpread (see WithSetup).
func (p *Pool) RateSE() float64 {
	if !p.ok() {
		return math.NaN()
	}
	return p.fit.SlopeSE
}

// Fit returns a copy of the pooled fit: the rate, each distinct table's
// setup, the residual error over all of them. The zero Pool has none: the
// zero fit.PooledFit.
func (p *Pool) Fit() fit.PooledFit {
	if !p.ok() {
		return fit.PooledFit{}
	}
	f := *p.fit
	f.Groups = nil
	for _, g := range p.fit.Groups {
		c := copyFit(g)
		f.Groups = append(f.Groups, &c)
	}
	return f
}

// Series returns the pooled series, in the order they appear in the
// catalog.
func (p *Pool) Series() []Series {
	if p == nil {
		return nil
	}
	s := make([]Series, len(p.entries))
	for i, e := range p.entries {
		s[i] = e.Series
	}
	return s
}

// DataRange returns the smallest and largest per-console fleets of the
// pooled data, hosts.
func (p *Pool) DataRange() (lo, hi int) {
	if p == nil {
		return 0, 0
	}
	return p.minHosts, p.maxHosts
}

// curve returns the pooled curve of one of the pool's series.
func (p *Pool) curve(e *entry) *Curve {
	f := p.fit.Groups[e.poolItem]
	if p.whole {
		f = f.WithNoise(f.Variance, f.NoiseDF, freshOffset) // a new rollout is not rounded, as for a table's own curve
	}
	c := &Curve{series: e.Series, points: e.points, fit: f,
		reason:   fmt.Sprintf("pooled: the per-host rate is shared by the %d distinct tables of %s (%d series)", p.tables, consoleName(p.console), len(p.entries)),
		minHosts: math.MaxInt}
	for _, xi := range e.x {
		c.minHosts, c.maxHosts = min(c.minHosts, int(xi)), max(c.maxHosts, int(xi))
	}
	return c.setLevel(DefaultLevel)
}

// WithSetup returns the curve of a patch with no table of its own: the
// given setup time, plus the pooled per-host rate. The setup is taken
// as known; the interval reflects the rate's uncertainty, the spread of
// the true rate between patches (τ², see Pool) and the rollout noise of
// the pooled data: se²(x) = (s² − δ) + x²·(SE(β)² + τ²), with Student's t
// on k − 2 degrees of freedom for k distinct tables (at least 1; see
// fit.PooledFit.WithIntercept). δ is 1/24 min² when every pooled table
// is published in whole minutes, as for a published table's own curve
// (see Noise), 0 otherwise. Its extrapolation range is the pooled data's.
func (p *Pool) WithSetup(d time.Duration) (*Curve, error) {
	setup := d.Minutes()
	if !setupOK(setup) {
		return nil, setupError(setup)
	}
	if !p.ok() {
		return nil, errors.New("estimate: not a pool (the zero Pool); get pools from a Catalog")
	}
	f := p.fit.WithIntercept(setup)
	if p.whole {
		f = f.WithNoise(f.Variance, f.NoiseDF, freshOffset)
	}
	c := &Curve{series: Series{Console: p.console}, fit: f, given: true,
		reason:   fmt.Sprintf("setup %.2f min given; per-host rate pooled over the %d distinct tables of %s", setup, p.tables, consoleName(p.console)),
		minHosts: p.minHosts, maxHosts: p.maxHosts}
	return c.setLevel(DefaultLevel), nil
}

// DefaultConsole is the console whose pooled rate serves a patch with no
// table when none is named: the one most tables were measured with.
const DefaultConsole = "UpdateEXPERT 6.1"

// Patch returns the curve of a patch with no table of its own, named kb
// (which may be empty): setup plus the pooled per-host rate, as WithSetup.
// Its series has the name and the pool's console, and no platform.
func (p *Pool) Patch(kb string, setup time.Duration) (*Curve, error) {
	c, err := p.WithSetup(setup)
	if err != nil {
		return nil, err
	}
	c.series.KB = kb
	return c, nil
}

func consoleName(c string) string {
	if c == "" {
		return "no named console"
	}
	return c
}

// Pools returns the pooled rate of every console in the catalog, in order
// of first appearance; a console whose series cannot be pooled is left out.
func (c *Catalog) Pools() []*Pool {
	var ps []*Pool
	for _, p := range c.pooled() {
		if p.err == nil {
			ps = append(ps, p)
		}
	}
	return ps
}

// Pool returns the pooled rate of the console named console: an exact
// match, ignoring case, or else the only console whose name contains it.
// A name that matches none, or several, is a *ConsoleError.
func (c *Catalog) Pool(console string) (*Pool, error) {
	want := fold(console)
	var match []*Pool
	for _, p := range c.pooled() {
		if fold(p.console) == want {
			match = []*Pool{p}
			break
		}
		if strings.Contains(fold(p.console), want) {
			match = append(match, p)
		}
	}
	switch {
	case len(match) == 1 && match[0].err != nil:
		return nil, match[0].err
	case len(match) == 1:
		return match[0], nil
	}
	e := &ConsoleError{Console: console}
	for _, p := range c.pools {
		e.Have = append(e.Have, p.console)
	}
	if len(match) > 1 {
		for _, p := range match {
			e.Matches = append(e.Matches, p.console)
		}
	}
	return nil, e
}
