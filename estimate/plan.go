package estimate

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/patchtime/patchtime/internal/durfmt"
)

// Job is one patch package applied to a number of hosts.
type Job struct {
	Curve *Curve // the package's curve
	Hosts int    // machines to patch, 1 to MaxHosts
}

// Rollout is jobs done one after another by the same consoles: the patches
// of a bundle on one fleet, the platforms of a mixed fleet, or both.
//
// Its time is the sum of the jobs' times, each job paying its own setup.
// The prediction interval of the total combines the jobs' uncertainties by
// what they share. Jobs on the curves of different published tables (lab
// intervals, each table's own fit) err independently: the same table
// printed for several packages or platforms counts once, and jobs on one
// table, or on one curve, are taken to err together. With se_j the
// prediction error of job j, (High_j − Minutes_j)/t_j, the groups g of
// jobs on one table and t the largest of the jobs' critical values (that
// of the fewest degrees of freedom; the tables of one console share their
// pooled s² and its degrees of freedom, so t is then exact),
//
//	half = t·√(Σ_g (Σ_{j∈g} se_j)²),  Low = max(0, Minutes − half),  High = Minutes + half.
//
// Every other job (a calibrated curve, whose calibration's offset and
// speed are common to every job it is applied to; a pooled-rate or setup
// curve, whose rate is shared; a curve fitted to the site's own rollouts,
// where a site slow for one patch is slow for all) is taken to err
// together with all the others: its bounds are added to the total's, which
// errs on the wide side. With fewer than two independent tables the
// interval is the sum of the jobs' intervals, and when some job's interval
// is unbounded so is the total's.
//
// Its Scaling is every job's: the consoles and, where the jobs' curves
// have their own σ and κ (calibrated curves), what replaces them (see
// Scaling).
type Rollout struct {
	Jobs []Job
	Scaling
}

// Plan is the estimate of a rollout: each job's and their total, for one
// maintenance window when the fleet is split across several.
//
// Its Span is the total of one window: the sum of the jobs' minutes, with
// the interval that combines the jobs' intervals (see Rollout), at their
// level, extrapolated when some job is.
type Plan struct {
	Consoles int        // consoles working in parallel
	Windows  int        // windows the fleet is split into; each holds ⌈hosts/Windows⌉ of every job
	Jobs     []Estimate // each job in one window, in the order of the rollout
	Span
}

// Window is a maintenance window to fit a rollout in.
type Window struct {
	Length time.Duration // how long the window is, > 0 and at most MaxMinutes
	Upper  bool          // fit the top of the prediction interval rather than the estimate
}

// MarshalJSON encodes the window as {"minutes": length, "upper": bool}.
func (w Window) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Minutes float64 `json:"minutes"`
		Upper   bool    `json:"upper"`
	}{w.Minutes(), w.Upper})
}

// Minutes returns the window's length in minutes.
func (w Window) Minutes() float64 { return w.Length.Minutes() }

// time is the part of an estimate or plan that must fit the window.
func (w Window) time(s Span) float64 {
	if w.Upper {
		return s.High
	}
	return s.Minutes
}

// fits reports whether an estimate or plan fits the window.
func (w Window) fits(s Span) bool { return w.time(s) <= w.Minutes() }

// String gives the window's length, rounded to the minute, in Go's form
// without zero units: "2h30m", "4h", "45m".
func (w Window) String() string {
	return durfmt.Go(w.Length)
}

// check validates the rollout itself: its jobs, σ and κ, and its console
// count (0 meaning 1).
func (r Rollout) check() error {
	if len(r.Jobs) == 0 {
		return errors.New("a rollout needs at least one job")
	}
	for i, j := range r.Jobs {
		if !j.Curve.ok() {
			return fmt.Errorf("job %d has no curve", i+1)
		}
		if !hostsOK(j.Hosts) {
			return fmt.Errorf("%s: %w", j.Curve.series, hostsError(j.Hosts))
		}
	}
	return r.Scaling.check()
}

// checkPlan validates the rollout and the window for planning, which
// searches on the time growing with the fleet: every curve must rise with
// the hosts, and with w.Upper the top of its interval must be bounded and
// rise too. (The top is convex in the hosts, so it rises everywhere when
// it rises from one host to two.)
func (r Rollout) checkPlan(w Window) error {
	if err := r.check(); err != nil {
		return err
	}
	if !windowOK(w.Minutes()) {
		return windowError(w.Minutes())
	}
	for _, j := range r.Jobs {
		c := j.Curve
		if !(c.PerHost() > 0) {
			return fmt.Errorf("%s: the per-host time is %.4g min, not above 0: its estimates do not grow with the fleet, so no window can be planned on it", c.series, c.PerHost())
		}
		// Planning reads the curve down to one host per console.
		if _, err := c.Estimate(Scenario{Hosts: 1}); errors.Is(err, ErrFalling) {
			return fmt.Errorf("%w; no window can be planned on it", err)
		}
		if !w.Upper {
			continue
		}
		one, err1 := c.Estimate(Scenario{Hosts: 1})
		two, err2 := c.Estimate(Scenario{Hosts: 2})
		switch {
		case err1 != nil || err2 != nil:
			return errors.Join(err1, err2)
		case math.IsInf(one.High, 1):
			return fmt.Errorf("%s: the prediction interval is unbounded (too few points to tell the noise), so its top cannot be planned on; plan on the estimate", c.name())
		case two.High < one.High:
			return fmt.Errorf("%s: the top of the prediction interval falls as the fleet grows from one host (the fit is too uncertain there), so it cannot be planned on; plan on the estimate", c.name())
		}
	}
	return nil
}

// Estimate estimates the rollout in one window.
func (r Rollout) Estimate() (Plan, error) {
	if err := r.check(); err != nil {
		return Plan{}, err
	}
	return r.plan(max(r.Consoles, 1), 1)
}

// plan estimates the rollout on consoles consoles with the fleet split
// into windows windows.
func (r Rollout) plan(consoles, windows int) (Plan, error) {
	p := Plan{Consoles: consoles, Windows: windows, Jobs: make([]Estimate, len(r.Jobs))}
	s := Scenario{Scaling: r.Scaling}
	s.Consoles = consoles
	for i, j := range r.Jobs {
		s.Hosts = perConsole(j.Hosts, windows)
		e, err := j.Curve.Estimate(s)
		if err != nil {
			return Plan{}, err
		}
		p.Jobs[i] = e
		p.Minutes += e.Minutes
		p.Low += e.Low
		p.High += e.High
		p.Level = e.Level
		p.Extrapolated = p.Extrapolated || e.Extrapolated
	}
	r.combine(&p)
	if !(p.Minutes <= MaxMinutes) {
		return Plan{}, fmt.Errorf("the rollout takes %.0f minutes: %w", p.Minutes, ErrTooLong)
	}
	return p, nil
}

// combine replaces the interval of p, the sum of its jobs' bounds, by the
// one that takes the jobs on different published tables as independent
// (see Rollout). It leaves p as it is when fewer than two tables are
// independent, some job's interval is unbounded, or the jobs' levels
// differ. It allocates nothing: planning calls it at every step.
func (r Rollout) combine(p *Plan) {
	if len(p.Jobs) < 2 || math.IsInf(p.High, 1) {
		return
	}
	ind := func(i int) bool {
		e := p.Jobs[i]
		return independent(r.Jobs[i].Curve) && e.Level == p.Level && e.Minutes > 0 && e.High > e.Minutes
	}
	var t, ss, up, down float64 // the largest critical value, Σ_g (Σ se)², the other jobs' added bounds
	groups := 0
	for i, e := range p.Jobs {
		if !ind(i) {
			up += e.High - e.Minutes
			down += e.Minutes - e.Low
			continue
		}
		c := r.Jobs[i].Curve
		t = max(t, c.crit)
		first := true
		for k := range i {
			if ind(k) && sameTable(r.Jobs[k].Curve, c) {
				first = false
				break
			}
		}
		if !first {
			continue // counted with the first job of its table
		}
		groups++
		var se float64
		for k := i; k < len(p.Jobs); k++ {
			if ind(k) && sameTable(r.Jobs[k].Curve, c) {
				se += (p.Jobs[k].High - p.Jobs[k].Minutes) / r.Jobs[k].Curve.crit
			}
		}
		ss += se * se
	}
	if groups < 2 {
		return
	}
	half := t * math.Sqrt(ss)
	p.High = p.Minutes + half + up
	p.Low = max(0, p.Minutes-half-down)
}

// independent reports whether the prediction errors of c are independent
// of those of the curves of other published tables: only the own fits of
// published tables (not calibrated, not pooled or setup curves, not fitted
// to observed rollouts) with a finite critical value are.
func independent(c *Curve) bool {
	return c.ok() && c.cal == nil && !c.given && len(c.tried) > 0 && c.Reference() == Lab &&
		c.crit > 0 && !math.IsInf(c.crit, 1)
}

// sameTable reports whether two curves are of one table: equal points and
// fits, as every series printed from one table has.
func sameTable(a, b *Curve) bool {
	if a == b {
		return true
	}
	fa, fb := a.fit, b.fit
	if fa.Intercept != fb.Intercept || fa.Slope != fb.Slope || fa.Exponent != fb.Exponent ||
		fa.Variance != fb.Variance || a.crit != b.crit || len(a.points) != len(b.points) {
		return false
	}
	for i, o := range a.points {
		q := b.points[i]
		if o.Hosts != q.Hosts || o.Consoles != q.Consoles || o.Minutes != q.Minutes {
			return false
		}
	}
	return true
}

// maxHosts is the largest fleet of any job.
func (r Rollout) maxHosts() int {
	n := 0
	for _, j := range r.Jobs {
		n = max(n, j.Hosts)
	}
	return n
}

// WindowError says a rollout cannot fit a window, and the best it can do.
type WindowError struct {
	Window Window // the window asked for
	Best   Plan   // the best achievable plan
	Reason string // why, in a sentence
}

func (e *WindowError) Error() string { return e.Reason }

// ConsolesFor returns the plan with the fewest consoles that fits the
// rollout in the window; r.Consoles is ignored. More consoles take fewer
// hosts each but, with σ or κ above zero, slow each other down; when the
// window is out of reach it returns a *WindowError whose Best plan is the
// console count with the shortest time (the smallest such count on a tie).
// Console counts go up to the largest job's fleet or MaxConsoles. With
// σ = κ = 0 for every job (r's, or its curve's where r leaves them to it)
// the time only falls as consoles are added, and the count is found by
// bisection; otherwise every count is tried, up to where κ's slowdown
// outgrows any gain.
func (r Rollout) ConsolesFor(w Window) (Plan, error) {
	if err := r.checkPlan(w); err != nil {
		return Plan{}, err
	}
	top := min(r.maxHosts(), MaxConsoles)
	// Each job slows with the σ and κ of its curve that r leaves to it
	// (see Scaling).
	flat, capped, past := true, true, 0.0
	for _, j := range r.Jobs {
		s := j.Curve.scaled(Scenario{Scaling: r.Scaling})
		flat = flat && s.Contention == 0 && s.Coherency == 0
		if s.Coherency > 0 {
			// Beyond c ≈ √((1+σ)/κ) each console's work grows with c: four
			// times that, and some slack for rounding up the hosts, is
			// past the job's best.
			past = max(past, 4*math.Sqrt((1+s.Contention)/s.Coherency)+10)
		} else {
			capped = false
		}
	}
	if capped && past < float64(top) {
		top = int(past)
	}
	if flat {
		return r.bisectConsoles(w, top)
	}
	var best Plan
	for c := 1; c <= top; c++ {
		p, err := r.plan(c, 1)
		if errors.Is(err, ErrTooLong) && best.Consoles > 0 {
			continue // past 100 years: not the best, and no fit
		}
		if err != nil {
			return Plan{}, err
		}
		if w.fits(p.Span) {
			return p, nil
		}
		if c == 1 || w.time(p.Span) < w.time(best.Span) {
			best = p
		}
	}
	return Plan{}, r.miss(w, best)
}

// bisectConsoles is ConsolesFor when the time does not rise with the
// console count: the fewest consoles whose plan fits, or the fewest that
// reach the shortest time, found by bisection on [1, top].
func (r Rollout) bisectConsoles(w Window, top int) (Plan, error) {
	last, err := r.plan(top, 1)
	if err != nil {
		return Plan{}, err
	}
	target, fits := w.Minutes(), w.fits(last.Span)
	if !fits {
		target = w.time(last.Span) // the best reachable
	}
	lo, hi := 1, top
	for lo < hi {
		mid := lo + (hi-lo)/2
		p, err := r.plan(mid, 1)
		if err != nil {
			return Plan{}, err
		}
		if w.time(p.Span) <= target {
			hi, last = mid, p
		} else {
			lo = mid + 1
		}
	}
	if last.Consoles != lo {
		if last, err = r.plan(lo, 1); err != nil {
			return Plan{}, err
		}
	}
	if !fits {
		return Plan{}, r.miss(w, last)
	}
	return last, nil
}

// miss is the error of a window out of reach, best the best plan.
func (r Rollout) miss(w Window, best Plan) error {
	return &WindowError{Window: w, Best: best, Reason: fmt.Sprintf(
		"the rollout does not fit %s: the best is %s with %d console(s)",
		w, durfmt.Go(minutesToDuration(w.time(best.Span))), best.Consoles)}
}

// WindowsFor returns the plan with the fewest windows that fits the
// rollout on r.Consoles consoles when every job's fleet is split evenly
// across windows; each window pays every job's setup again. When even one
// host per window is too long it returns a *WindowError whose Best plan is
// that one-host window.
func (r Rollout) WindowsFor(w Window) (Plan, error) {
	if err := r.checkPlan(w); err != nil {
		return Plan{}, err
	}
	consoles := max(r.Consoles, 1)
	// The time of a window falls as the windows grow in number: find the
	// fewest that fit by bisection.
	lo, hi := 1, r.maxHosts()
	last, err := r.plan(consoles, hi)
	if err != nil {
		return Plan{}, err
	}
	if !w.fits(last.Span) {
		return Plan{}, &WindowError{Window: w, Best: last, Reason: fmt.Sprintf(
			"even one host per window takes %s, longer than the window of %s",
			durfmt.Go(minutesToDuration(w.time(last.Span))), w)}
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		p, err := r.plan(consoles, mid)
		if err != nil {
			return Plan{}, err
		}
		if w.fits(p.Span) {
			hi, last = mid, p
		} else {
			lo = mid + 1
		}
	}
	if last.Windows != lo {
		return r.plan(consoles, lo)
	}
	return last, nil
}

// HostsFor returns the most hosts whose rollout on s.Consoles consoles (s.Hosts
// is ignored) fits the window, with its estimate. When not even one host
// fits it returns a *WindowError.
func (c *Curve) HostsFor(s Scenario, w Window) (int, Estimate, error) {
	if !c.ok() {
		return 0, Estimate{}, errNotCurve
	}
	if err := (Rollout{Jobs: []Job{{c, 1}}, Scaling: s.Scaling}).checkPlan(w); err != nil {
		return 0, Estimate{}, err
	}
	s.Hosts = 1
	fits := func(hosts int) (Estimate, bool, error) {
		s.Hosts = hosts
		e, err := c.Estimate(s)
		if errors.Is(err, ErrTooLong) {
			return e, false, nil
		}
		return e, err == nil && w.fits(e.Span), err
	}
	first, ok, err := fits(1)
	if err != nil {
		return 0, Estimate{}, err
	}
	if first.Consoles == 0 { // one host takes longer than MaxMinutes
		_, err := c.Estimate(s)
		return 0, Estimate{}, err
	}
	if !ok {
		return 0, Estimate{}, &WindowError{Window: w, Best: Plan{Consoles: first.Consoles, Windows: 1, Jobs: []Estimate{first}, Span: first.Span},
			Reason: fmt.Sprintf("one host takes %s, longer than the window of %s", durfmt.Go(first.Duration()), w)}
	}
	// The time grows with the hosts: bisect for the last that fits.
	lo, hi := 1, MaxHosts
	if _, ok, err := fits(hi); err != nil {
		return 0, Estimate{}, err
	} else if ok {
		lo = hi
	}
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		_, ok, err := fits(mid)
		if err != nil {
			return 0, Estimate{}, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	e, _, err := fits(lo)
	return lo, e, err
}
