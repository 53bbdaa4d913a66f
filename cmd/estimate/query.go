package main

import (
	"errors"
	"strings"

	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/internal/clip"
)

// query is what the flags ask about: the curves, and whether they form one
// rollout (a bundle of patches, or a mixed fleet) or stand each alone.
type query struct {
	curves  []*estimate.Curve // every curve once, in the order asked
	rollout bool              // the curves run one after another on the same consoles
	fleet   []estimate.Job    // a mixed fleet's jobs, with their hosts
}

// result is one row of output: an estimate of a curve, or, with no curve,
// the total of a rollout.
type result struct {
	curve *estimate.Curve
	est   estimate.Estimate
}

// The questions a --window answers.
const (
	consolesFor = iota // how many consoles fit the fleet in the window
	windowsFor         // how many windows the consoles need
	hostsFor           // how many hosts fit one window
)

// answer is a window question answered, for the sentence under the table.
type answer struct {
	kind   int
	curve  *estimate.Curve // the curve asked about; nil for a bundle or mixed fleet
	hosts  int             // the fleet, hosts (hostsFor: the hosts that fit)
	plan   estimate.Plan   // the plan found, or the best one
	est    estimate.Estimate
	window estimate.Window
	miss   *estimate.WindowError // the window is out of reach
}

// resolve finds the curves the flags name, calibrated and at the asked
// level.
func (o *options) resolve(cat *estimate.Catalog, cal *estimate.Calibration) (*query, error) {
	q := &query{}
	get := cat.Curves
	if o.pooled {
		get = cat.PooledCurves
	}
	seen := map[estimate.Series]bool{}
	add := func(c *estimate.Curve) *estimate.Curve {
		if cal != nil {
			c = cal.Apply(c)
		}
		c, _ = c.WithLevel(o.level) // the level was checked with the flags
		if !seen[c.Series()] {
			seen[c.Series()] = true
			q.curves = append(q.curves, c)
		}
		return c
	}
	if o.setup >= 0 {
		pool, err := cat.Pool(o.console)
		if err != nil {
			return nil, usagef("--console: %w", err)
		}
		c, err := pool.WithSetup(o.setup)
		if err != nil {
			return nil, usagef("--setup: %w", err)
		}
		add(c)
	}
	groups := 0 // patches with curves not seen before
	for _, p := range o.patches {
		if len(o.fleet) > 0 {
			for _, g := range o.fleet {
				cs, err := get(p, g.platform)
				if err != nil {
					return nil, err
				}
				if len(cs) > 1 {
					return nil, usagef("--hosts %s=%d: %s matches %d platform rows of %s (%s); say which", clip.Escape(g.platform), g.hosts, clip.Quote(g.platform), len(cs), p, platforms(cs))
				}
				q.fleet = append(q.fleet, estimate.Job{Curve: add(cs[0]), Hosts: g.hosts})
			}
			q.rollout = true
			continue
		}
		cs, err := get(p, o.platform)
		if err != nil {
			return nil, err
		}
		fresh := false
		for _, c := range cs {
			fresh = fresh || !seen[c.Series()]
			add(c)
		}
		if fresh {
			groups++
			if len(o.patches) > 1 && len(cs) > 1 {
				return nil, usagef("a bundle takes one platform row per patch, and %s has %d (%s); pick one with --platform, or give a mixed fleet XP=800,2000=400", p, len(cs), platforms(cs))
			}
		}
	}
	if groups > 1 {
		q.rollout = true
	}
	if q.rollout && o.hosts.Len() == 0 && len(o.fleet) == 0 && !o.explain {
		return nil, usagef("a bundle needs --hosts: the fleet it is rolled out to")
	}
	return q, nil
}

func platforms(cs []*estimate.Curve) string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Series().Platform)
	}
	return strings.Join(names, ", ")
}

// rows is the number of rows the query makes at most, totals included.
func (q *query) rows(o options) int {
	per := mulCapped(max(o.hosts.Len(), 1), o.consoles.Len())
	switch {
	case len(q.fleet) > 0:
		return mulCapped(o.consoles.Len(), len(q.fleet)+1)
	case q.rollout:
		return mulCapped(per, len(q.curves)+1)
	}
	return mulCapped(per, len(q.curves))
}

// each computes the rows one by one, handing each to emit, and returns the
// sentences that answer --window. An error from emit stops it.
func (q *query) each(o options, emit func(result) error) ([]answer, error) {
	w := estimate.Window{Minutes: o.window, Upper: o.upper}
	var answers []answer
	if q.rollout {
		fleets := [][]estimate.Job{q.fleet}
		if len(q.fleet) == 0 {
			fleets = nil
			for h := range o.hosts.All() {
				var jobs []estimate.Job
				for _, c := range q.curves {
					jobs = append(jobs, estimate.Job{Curve: c, Hosts: h})
				}
				fleets = append(fleets, jobs)
			}
		}
		for _, jobs := range fleets {
			for k := range o.consoles.All() {
				r := estimate.Rollout{Jobs: jobs, Consoles: k, Contention: o.contention, Coherency: o.coherency}
				a, err := o.plan(r, w, emit)
				if err != nil {
					return nil, err
				}
				answers = append(answers, a...)
			}
		}
		return answers, nil
	}
	for _, c := range q.curves {
		if w.Minutes > 0 && o.hosts.Len() == 0 {
			s := estimate.Scenario{Consoles: o.consoles.First(), Contention: o.contention, Coherency: o.coherency}
			h, e, err := c.HostsFor(s, w)
			var miss *estimate.WindowError
			if errors.As(err, &miss) {
				answers = append(answers, answer{kind: hostsFor, curve: c, window: w, miss: miss, plan: miss.Best})
				continue
			}
			if err != nil {
				return nil, err
			}
			if err := emit(result{c, e}); err != nil {
				return nil, err
			}
			answers = append(answers, answer{kind: hostsFor, curve: c, hosts: h, est: e, window: w})
			continue
		}
		for h := range o.hosts.All() {
			for k := range o.consoles.All() {
				if w.Minutes > 0 {
					r := estimate.Rollout{Jobs: []estimate.Job{{Curve: c, Hosts: h}}, Consoles: k, Contention: o.contention, Coherency: o.coherency}
					a, err := o.plan(r, w, emit)
					if err != nil {
						return nil, err
					}
					answers = append(answers, a...)
					continue
				}
				e, err := c.Estimate(estimate.Scenario{Hosts: h, Consoles: k, Contention: o.contention, Coherency: o.coherency})
				if err != nil {
					return nil, err
				}
				if err := emit(result{c, e}); err != nil {
					return nil, err
				}
			}
		}
	}
	return answers, nil
}

// plan estimates one rollout and, with a window, answers its question:
// the consoles it needs, or with --consoles the windows. It emits the
// jobs' rows and, for several jobs, their total.
func (o *options) plan(r estimate.Rollout, w estimate.Window, emit func(result) error) ([]answer, error) {
	hosts := r.Jobs[0].Hosts // a bundle's fleet: every job has it
	if len(o.fleet) > 0 {
		hosts = 0
		for _, g := range o.fleet {
			hosts += g.hosts
		}
	}
	var p estimate.Plan
	var err error
	kind := consolesFor
	switch {
	case w.Minutes == 0:
		p, err = r.Estimate()
	case len(o.consolesRaw) > 0:
		kind = windowsFor
		p, err = r.WindowsFor(w)
	default:
		p, err = r.ConsolesFor(w)
	}
	var miss *estimate.WindowError
	if errors.As(err, &miss) {
		p, err = miss.Best, nil
	}
	if err != nil {
		return nil, err
	}
	for i, e := range p.Jobs {
		if err := emit(result{r.Jobs[i].Curve, e}); err != nil {
			return nil, err
		}
	}
	if len(r.Jobs) > 1 {
		perWindow := (hosts + p.Windows - 1) / p.Windows
		total := estimate.Estimate{
			Scenario: estimate.Scenario{Hosts: perWindow, Consoles: p.Consoles, Contention: r.Contention, Coherency: r.Coherency},
			Minutes:  p.Minutes, Low: p.Low, High: p.High, Level: p.Level, Extrapolated: p.Extrapolated}
		if err := emit(result{est: total}); err != nil {
			return nil, err
		}
	}
	if w.Minutes == 0 {
		return nil, nil
	}
	a := answer{kind: kind, hosts: hosts, plan: p, window: w, miss: miss}
	if len(r.Jobs) == 1 {
		a.curve = r.Jobs[0].Curve
	}
	return []answer{a}, nil
}
