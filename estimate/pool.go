package estimate

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/patchtime/patchtime/fit"
	"github.com/patchtime/patchtime/internal/clip"
)

// Pool is the per-host rate shared by all series of one console: one fit
// with one setup per distinct table and a single rate (see fit.Pooled).
// Series whose tables are identical (the same table printed for several
// packages or platforms) count once: a copy is not new evidence. The
// published tables give nearly the same rate for every patch, about 0.169
// minutes (10.1 s) per host on UpdateEXPERT 6.1, so the pooled rate is the
// best guess for a patch with no table of its own. Get one from a Catalog
// (Pool, Pools); the zero Pool is not usable.
type Pool struct {
	console  string
	entries  []*entry
	fit      *fit.PooledFit
	err      error
	tables   int // distinct tables pooled
	minHosts int
	maxHosts int
}

// Tables returns the number of distinct tables the rate is pooled over;
// Series may hold more, when several share a table.
func (p *Pool) Tables() int { return p.tables }

// Console returns the console whose series are pooled.
func (p *Pool) Console() string { return p.console }

// Rate returns the pooled per-host rate, minutes per host.
func (p *Pool) Rate() float64 { return p.fit.Slope }

// RateSE returns the standard error of Rate, minutes per host.
func (p *Pool) RateSE() float64 { return p.fit.SlopeSE }

// Fit returns a copy of the pooled fit: the rate, each distinct table's
// setup, the residual error over all of them.
func (p *Pool) Fit() fit.PooledFit {
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
	s := make([]Series, len(p.entries))
	for i, e := range p.entries {
		s[i] = e.Series
	}
	return s
}

// DataRange returns the smallest and largest per-console fleets of the
// pooled data, hosts.
func (p *Pool) DataRange() (lo, hi int) { return p.minHosts, p.maxHosts }

// curve returns the pooled curve of one of the pool's series.
func (p *Pool) curve(e *entry) *Curve {
	c := &Curve{series: e.Series, points: e.points, fit: p.fit.Groups[e.poolItem],
		reason:   fmt.Sprintf("pooled: the per-host rate is shared by the %d distinct tables of %s (%d series)", p.tables, consoleName(p.console), len(p.entries)),
		minHosts: math.MaxInt}
	for _, xi := range e.x {
		c.minHosts, c.maxHosts = min(c.minHosts, int(xi)), max(c.maxHosts, int(xi))
	}
	return c.setLevel(DefaultLevel)
}

// WithSetup returns the curve of a patch with no table of its own: the
// given setup, minutes, plus the pooled per-host rate. The setup is taken
// as known; the interval reflects the rate's uncertainty and the rollout
// noise of the pooled data. Its extrapolation range is the pooled data's.
func (p *Pool) WithSetup(setup float64) (*Curve, error) {
	if !(setup >= 0 && setup <= MaxMinutes) {
		return nil, fmt.Errorf("setup %v minutes: want 0 to %d", setup, MaxMinutes)
	}
	c := &Curve{series: Series{Console: p.console}, fit: p.fit.WithIntercept(setup), given: true,
		reason:   fmt.Sprintf("setup %.2f min given; per-host rate pooled over the %d distinct tables of %s", setup, p.tables, consoleName(p.console)),
		minHosts: p.minHosts, maxHosts: p.maxHosts}
	return c.setLevel(DefaultLevel), nil
}

// Patch returns the curve of a patch with no table of its own, named kb
// (which may be empty): setup plus the pooled per-host rate, as WithSetup.
// Its series has the name and the pool's console, and no platform.
func (p *Pool) Patch(kb string, setup time.Duration) (*Curve, error) {
	c, err := p.WithSetup(setup.Minutes())
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
func (c *Catalog) Pool(console string) (*Pool, error) {
	if len(c.pooled()) == 0 {
		return nil, fmt.Errorf("no console %s: the catalog is empty", clip.Quote(console))
	}
	want := fold(console)
	var names, matched []string
	var match []*Pool
	for _, p := range c.pools {
		names = append(names, consoleName(p.console))
		if fold(p.console) == want {
			match = []*Pool{p}
			break
		}
		if strings.Contains(fold(p.console), want) {
			match = append(match, p)
			matched = append(matched, consoleName(p.console))
		}
	}
	switch {
	case len(match) == 0:
		return nil, fmt.Errorf("no console %s in the catalog; it has: %s", clip.Quote(console), listNames(names))
	case len(match) > 1:
		return nil, fmt.Errorf("console %s is ambiguous; it matches: %s", clip.Quote(console), listNames(matched))
	case match[0].err != nil:
		return nil, match[0].err
	}
	return match[0], nil
}
