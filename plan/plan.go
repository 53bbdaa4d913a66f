// Package plan answers a planner's whole question in one call: this
// month's bundle of patches, on a whole fleet (sizes, or hosts per
// platform), with so many consoles or as many as a maintenance window
// needs, at a confidence level, calibrated to the site or not.
//
// Ask answers a Request in one call. Step by step: New resolves it
// against a catalog into a Query, which knows its curves, the patch ×
// platform pairs it skips and the rows it makes, before any estimate;
// Query.Each makes the rows one by one (a sweep of millions needs no
// memory for them), and Query.Answer collects them with the window's
// answers. The estimate command builds the same Request from its flags,
// so a planning tool that imports this package gets the same numbers.
//
// With a Calendar, the answer also lays the rollout out on a calendar of
// maintenance windows (Answer.Schedule, or Query.Schedule alone): the
// days with a window, dates skipped, rings with a soak after each, and
// when the last host is done on the estimate and on the top of the
// intervals.
package plan

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/internal/clip"
)

// Request is a planner's question.
type Request struct {
	// Patches are KB numbers or bulletin IDs (KB899588, 899588, MS05-039);
	// several form a bundle, rolled out one after another on the same
	// consoles.
	Patches []string
	// Unlisted are patches with no table, each its setup plus the per-host
	// rate pooled over every table of its console; they join the bundle.
	Unlisted []Unlisted
	// Platform, with Hosts, keeps only the platform rows whose name
	// contains it, ignoring case ("" keeps all). In a bundle a patch with
	// no such row is skipped (see Query.Skipped); a single patch with none
	// is an *estimate.PlatformError.
	Platform string
	// Hosts are the fleet sizes to answer for, in order; or
	Hosts []Range
	// Fleet is a mixed fleet: hosts per platform. Each patch applies to
	// the platforms it has a row for; the others are skipped.
	Fleet []Group
	// Consoles are the console counts to answer for; none means 1.
	Consoles []Range
	// Contention and Coherency, when not nil, are the USL σ and κ of the
	// consoles (see estimate.Scenario); nil means the calibration's, or 0.
	Contention, Coherency *float64
	// Level is the confidence level of the prediction intervals; 0 means
	// estimate.DefaultLevel.
	Level float64
	// Pooled uses each console's pooled per-host rate instead of each
	// table's own.
	Pooled bool
	// Calibration, when not nil, adjusts every curve to the site's own
	// rollouts (see estimate.Catalog.Calibrate): speed, offset, and σ and
	// κ where the request gives none.
	Calibration *estimate.Calibration
	// Window, when above 0, is a maintenance window: the answer says how
	// many consoles fit the fleet in it, or with Consoles given how many
	// windows the fleet needs, or, for single patches with no fleet, how
	// many hosts fit it (a bundle needs a fleet).
	Window time.Duration
	// Upper plans the window on the top of the prediction interval rather
	// than on the estimate.
	Upper bool
	// Calendar, when not nil, lays the rollout out on a calendar of
	// windows of length Window, in rings (see Calendar); the answer's
	// Schedule. Nil leaves every other answer as it is.
	Calendar *Calendar
}

// Unlisted is a patch with no published table.
type Unlisted struct {
	Name    string        // how outputs name it, e.g. KB999001; may be empty
	Setup   time.Duration // its setup time, at least 0
	Console string        // whose pooled per-host rate: a console name or part of it
}

// Group is one platform of a mixed fleet.
type Group struct {
	Platform string // part of the platform's name, ignoring case: XP, 2000
	Hosts    int    // machines of that platform, 1 to estimate.MaxHosts
}

// Range is the counts From, From+Step, …, To; a single count n is
// Range{n, n, 1}. It is kept as its ends, so a sweep of millions costs no
// memory.
type Range struct{ From, To, Step int }

// Counts returns a Range of each of the counts given.
func Counts(n ...int) []Range {
	r := make([]Range, len(n))
	for i, v := range n {
		r[i] = Range{v, v, 1}
	}
	return r
}

// Len is the number of counts in rs, saturating at math.MaxInt; a Range
// running backwards or with a step below 1 has none.
func Len(rs []Range) int {
	n := 0
	for _, r := range rs {
		if r.Step < 1 || r.To < r.From {
			continue
		}
		steps := (uint64(r.To) - uint64(r.From)) / uint64(r.Step) // the distance, right as unsigned
		if steps >= math.MaxInt {
			return math.MaxInt
		}
		n = addCapped(n, int(steps)+1)
	}
	return n
}

// All yields the counts of rs in order.
func All(rs []Range) iter.Seq[int] {
	return func(yield func(int) bool) {
		for _, r := range rs {
			if r.Step < 1 {
				continue
			}
			for x := r.From; x <= r.To; x += r.Step {
				if !yield(x) {
					return
				}
				if x > math.MaxInt-r.Step {
					break
				}
			}
		}
	}
}

// Parts is the most parts (patch × platform) one rollout of r can have
// with a mixed fleet: every patch, and every unlisted one, on every group;
// saturating at math.MaxInt. It needs no catalog.
func (r Request) Parts() int {
	return mulCapped(max(len(r.Fleet), 1), max(len(r.Patches)+len(r.Unlisted), 1))
}

// Rows counts the rows of r from the request alone, before any catalog is
// read, as the command checks its caps: each patch on each group of a
// mixed fleet as a part (skipped ones included) with a total per console
// count; otherwise one row per fleet size and console count, as for a
// patch with one platform row (a patch with more makes more). It
// saturates at math.MaxInt.
func (r Request) Rows() int {
	consoles := max(Len(r.Consoles), 1)
	if len(r.Fleet) > 0 {
		return mulCapped(addCapped(r.Parts(), 1), consoles)
	}
	return mulCapped(max(Len(r.Hosts), 1), consoles)
}

// Kind says what a Row is.
type Kind int

const (
	Part  Kind = iota // one patch on one platform
	Total             // the sum of a rollout's parts
)

func (k Kind) String() string {
	switch k {
	case Part:
		return "part"
	case Total:
		return "total"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// String names the question: "consoles", "windows" or "hosts", as its
// JSON does.
func (q Question) String() string {
	switch q {
	case ConsolesFor:
		return "consoles"
	case WindowsFor:
		return "windows"
	case HostsFor:
		return "hosts"
	}
	return fmt.Sprintf("Question(%d)", int(q))
}

// MarshalText encodes the question by its name (see String).
func (q Question) MarshalText() ([]byte, error) { return []byte(q.String()), nil }

// Row is one row of an answer: a part's estimate, or a rollout's total
// (Curve nil; Scenario.Hosts is then the hosts of one window).
type Row struct {
	Kind     Kind
	Curve    *estimate.Curve
	Estimate estimate.Estimate
	Window   *Window // the window's answer for the rollout the row is of; nil without a window
	Group    string  // in a mixed fleet, the platform the part is for, as asked (XP); "" otherwise
}

// Export returns the row as the CSV and JSON writers of package estimate
// write it: a part or a total, with the window's answer when there is one.
func (r Row) Export() estimate.Row {
	e := r.Estimate
	var x estimate.Row
	if r.Curve != nil {
		x = estimate.NewRow(r.Curve, e)
	} else {
		x = estimate.Row{Hosts: e.Hosts, Consoles: e.Consoles, Minutes: e.Minutes, LowMinutes: e.Low, HighMinutes: e.High,
			Duration: bulletin.FormatDuration(e.Duration()), Extrapolated: e.Extrapolated}
	}
	if r.Curve.Given() && r.Group != "" {
		x.Platform = r.Group // a patch with no table has no platform of its own
	}
	x.Kind = estimate.PartRow
	if r.Kind == Total {
		x.Kind = estimate.TotalRow
	}
	if w := r.Window; w != nil {
		x.Windows, x.WindowMinutes, x.Fits = max(w.Plan.Windows, 1), w.Window.Minutes(), w.Fits
	}
	return x
}

// MarshalJSON encodes the row as the command's JSON does (see Export and
// estimate.JSONWriter).
func (r Row) MarshalJSON() ([]byte, error) { return r.Export().MarshalJSON() }

// MarshalJSON encodes the pair as the command's JSON row of kind
// "skipped".
func (s Skip) MarshalJSON() ([]byte, error) { return s.Export().MarshalJSON() }

// Export returns the skipped pair as an export row of kind "skipped",
// with no numbers.
func (s Skip) Export() estimate.Row {
	return estimate.Row{Kind: estimate.SkippedRow, Patch: s.Patch, Platform: s.Platform, Hosts: s.Hosts}
}

// Skip is a patch × platform pair the request names but the catalog has no
// row for: a platform the patch does not apply to.
type Skip struct {
	Patch    string // the patch as the catalog names it (its KB)
	Platform string // the platform asked for: a mixed fleet's group, or Request.Platform
	Hosts    int    // the group's hosts in a mixed fleet; 0 otherwise
}

// Question is what a window answer answers.
type Question int

const (
	ConsolesFor Question = iota // the fewest consoles that fit the fleet in the window
	WindowsFor                  // the fewest windows the given consoles need
	HostsFor                    // the most hosts that fit one window
)

// Window is the answer to a window question for one rollout.
type Window struct {
	Question       Question        `json:"question"`
	Curve          *estimate.Curve `json:"curve"`            // the curve asked about; nil for a bundle or mixed fleet
	Hosts          int             `json:"hosts"`            // the fleet, hosts (of the platforms some patch applies to); for HostsFor, the hosts that fit (0 when not one does)
	HostsPerWindow int             `json:"hosts_per_window"` // the hosts of each window: Σ⌈hosts/Plan.Windows⌉ over the fleet's platforms
	Window         estimate.Window `json:"window"`           // the window asked for
	Plan           estimate.Plan   `json:"plan"`             // the plan found or, when the window is out of reach, the best one
	Fits           bool            `json:"fits"`             // the plan fits the window
	Reason         string          `json:"reason,omitempty"` // why not, when it does not fit
}

// Answer is the whole answer to a Request. Its JSON has the rows as the
// command writes them (see Row.MarshalJSON), the window answers, and the
// skipped pairs as rows of kind "skipped".
type Answer struct {
	Rows    []Row    `json:"rows"`    // parts, and after each rollout's parts its total
	Windows []Window `json:"windows"` // the window's answer for each rollout, when a window was asked
	Skipped []Skip   `json:"skipped"` // the patch × platform pairs left out
	// Schedule is the rollout on the request's calendar; nil without one.
	Schedule *Schedule `json:"schedule,omitempty"`
}

// Query is a Request resolved against a catalog: its curves, calibrated
// and at the asked level, and the jobs they make.
type Query struct {
	req         Request
	curves      []*estimate.Curve // every curve once, in the order asked
	rollout     bool              // the curves run one after another on the same consoles
	fleet       []estimate.Job    // a mixed fleet's jobs
	skipped     []Skip
	hosts       int      // a mixed fleet's hosts, on the platforms some patch applies to
	groups      []int    // the hosts of each of those platforms
	groupOf     []string // the platform asked for each job of fleet
	jobGroup    []int    // the index in Request.Fleet of each job of fleet
	cal         *calendar
	contention  float64
	coherency   float64
	level       float64
	window      estimate.Window
	hostsGiven  bool
	consolesSet bool
}

// New resolves r against cat: the curves of its patches (and of its
// unlisted ones), calibrated and at the asked level; the pairs it skips;
// σ and κ. It makes no estimate.
func New(cat *estimate.Catalog, r Request) (*Query, error) {
	if cat == nil {
		return nil, errors.New("plan: no catalog")
	}
	// The request's slices are the caller's: keep copies.
	r.Patches, r.Unlisted, r.Hosts, r.Fleet, r.Consoles = slices.Clone(r.Patches), slices.Clone(r.Unlisted),
		slices.Clone(r.Hosts), slices.Clone(r.Fleet), slices.Clone(r.Consoles)
	q := &Query{req: r, level: r.Level, hostsGiven: Len(r.Hosts) > 0, consolesSet: len(r.Consoles) > 0}
	if q.level == 0 {
		q.level = estimate.DefaultLevel
	}
	if !(q.level > 0 && q.level < 1) {
		return nil, &estimate.RangeError{What: "confidence level", Value: r.Level, Min: 0, Max: 1, MinOpen: true, MaxOpen: true}
	}
	if r.Window < 0 || r.Window.Minutes() > estimate.MaxMinutes {
		return nil, &estimate.RangeError{What: "window", Value: r.Window.Minutes(), Min: 0, Max: estimate.MaxMinutes, MinOpen: true}
	}
	if err := checkRanges("hosts", r.Hosts, estimate.MaxHosts); err != nil {
		return nil, err
	}
	if err := checkRanges("consoles", r.Consoles, estimate.MaxConsoles); err != nil {
		return nil, err
	}
	for _, g := range r.Fleet {
		if g.Hosts < 1 || g.Hosts > estimate.MaxHosts {
			return nil, &estimate.RangeError{What: "hosts of " + g.Platform, Value: float64(g.Hosts), Min: 1, Max: estimate.MaxHosts}
		}
	}
	if r.Window > 0 && Len(r.Consoles) > 1 {
		return nil, errors.New("a window question answers for one console count; give one")
	}
	q.window = estimate.Window{Length: r.Window, Upper: r.Upper}
	if len(r.Consoles) == 0 {
		q.req.Consoles = Counts(1)
	}
	if len(r.Fleet) > 0 && q.hostsGiven {
		return nil, errors.New("give either fleet sizes or a mixed fleet, not both")
	}
	if len(r.Fleet) > 0 && r.Platform != "" {
		return nil, errors.New("a platform filter and a mixed fleet both pick platforms; drop the filter")
	}
	cal := r.Calibration
	s := estimate.Scenario{}
	if cal != nil {
		s = cal.Scenario(s)
	}
	q.contention, q.coherency = s.Contention, s.Coherency
	if r.Contention != nil {
		q.contention = *r.Contention
	}
	if r.Coherency != nil {
		q.coherency = *r.Coherency
	}
	if err := (estimate.Scenario{Hosts: 1, Scaling: estimate.Scaling{Contention: q.contention, Coherency: q.coherency, Fixed: true}}).Check(); err != nil {
		return nil, err
	}
	get := cat.Curves
	if r.Pooled {
		get = cat.PooledCurves
	}
	seen := map[estimate.Series]bool{}
	add := func(c *estimate.Curve) (*estimate.Curve, error) {
		if cal != nil {
			c = cal.Apply(c)
		}
		c, err := c.WithLevel(q.level)
		if err != nil {
			return nil, err
		}
		if !seen[c.Series()] {
			seen[c.Series()] = true
			q.curves = append(q.curves, c)
		}
		return c, nil
	}
	type job struct {
		s estimate.Series
		g int
	}
	jobs := map[job]bool{} // a patch given twice is one part
	covered := make([]bool, len(r.Fleet))
	groups := 0 // patches whose curves are new
	for _, p := range r.Patches {
		if len(r.Fleet) > 0 {
			for gi, g := range r.Fleet {
				cs, err := get(p, g.Platform)
				if kb, lacks := lacking(err); lacks {
					q.skipped = append(q.skipped, Skip{Patch: kb, Platform: g.Platform, Hosts: g.Hosts})
					continue
				}
				if err != nil {
					return nil, err
				}
				if len(cs) > 1 {
					return nil, &AmbiguousError{Patch: p, Group: &g, Platforms: platforms(cs)}
				}
				c, err := add(cs[0])
				if err != nil {
					return nil, err
				}
				if !jobs[job{c.Series(), gi}] {
					jobs[job{c.Series(), gi}] = true
					q.fleet = append(q.fleet, estimate.Job{Curve: c, Hosts: g.Hosts})
					q.groupOf = append(q.groupOf, g.Platform)
					q.jobGroup = append(q.jobGroup, gi)
					covered[gi] = true
				}
			}
			continue
		}
		cs, err := get(p, r.Platform)
		if kb, lacks := lacking(err); lacks && (len(r.Patches) > 1 || len(r.Unlisted) > 0) {
			q.skipped = append(q.skipped, Skip{Patch: kb, Platform: r.Platform})
			continue
		}
		if err != nil {
			return nil, err
		}
		fresh := false
		for _, c := range cs {
			fresh = fresh || !seen[c.Series()]
			if _, err := add(c); err != nil {
				return nil, err
			}
		}
		if fresh {
			groups++
			if len(r.Patches)+len(r.Unlisted) > 1 && len(cs) > 1 {
				return nil, &AmbiguousError{Patch: p, Platforms: platforms(cs)}
			}
		}
	}
	// Patches with no table, after those with one: each is its own part,
	// on every platform of a mixed fleet.
	names := map[string]bool{}
	for _, u := range r.Unlisted {
		if names[u.Name] {
			if u.Name == "" {
				return nil, errors.New("several patches with no table need names to be told apart, e.g. KB999001=12m, KB999002=5m")
			}
			return nil, fmt.Errorf("the patch with no table %s is given twice", u.Name)
		}
		names[u.Name] = true
		console := u.Console
		if console == "" {
			console = estimate.DefaultConsole
		}
		pool, err := cat.Pool(console)
		if err != nil {
			return nil, err
		}
		c, err := pool.Patch(u.Name, u.Setup)
		if err != nil {
			return nil, err
		}
		if c, err = add(c); err != nil {
			return nil, err
		}
		groups++
		for gi := range covered {
			covered[gi] = true
		}
		for gi, g := range r.Fleet { // on every platform, a part of its own
			q.fleet = append(q.fleet, estimate.Job{Curve: c, Hosts: g.Hosts})
			q.groupOf = append(q.groupOf, g.Platform)
			q.jobGroup = append(q.jobGroup, gi)
		}
	}
	if len(r.Fleet) > 0 {
		for gi, g := range r.Fleet {
			if covered[gi] {
				q.hosts += g.Hosts
				q.groups = append(q.groups, g.Hosts)
			}
		}
		if len(q.fleet) > 0 {
			q.rollout = true
		}
	}
	if groups > 1 {
		q.rollout = true
	}
	if len(q.curves) == 0 || len(r.Fleet) > 0 && len(q.fleet) == 0 {
		if len(q.skipped) > 0 {
			return nil, &NothingAppliesError{Skipped: q.Skipped()}
		}
		return nil, errors.New("no patch given")
	}
	if r.Calendar != nil {
		cal, err := newCalendar(q, *r.Calendar)
		if err != nil {
			return nil, err
		}
		q.cal = cal
	}
	return q, nil
}

// NothingAppliesError means every patch of a request was skipped: none has
// a row for the platforms asked.
type NothingAppliesError struct {
	Skipped []Skip // every pair, patch × platform
}

func (e *NothingAppliesError) Error() string {
	var b strings.Builder
	b.WriteString("no patch applies to the platforms asked:")
	for i, s := range e.Skipped {
		if i == 5 {
			fmt.Fprintf(&b, " and %d more", len(e.Skipped)-5)
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, " %s has no row for %s", s.Patch, clip.Quote(s.Platform))
	}
	return b.String()
}

// lacking reports whether err says that patch p has no row for the
// platform asked, and the patch's KB.
func lacking(err error) (string, bool) {
	var pe *estimate.PlatformError
	if !errors.As(err, &pe) {
		return "", false
	}
	return pe.Patch, true
}

func platforms(cs []*estimate.Curve) []string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Series().Platform)
	}
	return names
}

// AmbiguousError means a patch has several platform rows where a rollout
// needs one: in a bundle (Group nil), or for one group of a mixed fleet.
type AmbiguousError struct {
	Patch     string   // the patch as asked
	Group     *Group   // the mixed fleet's group; nil in a bundle
	Platforms []string // the rows that match
}

func (e *AmbiguousError) Error() string {
	if e.Group != nil {
		return fmt.Sprintf("%s=%d: %q matches %d platform rows of %s (%s); say which",
			e.Group.Platform, e.Group.Hosts, e.Group.Platform, len(e.Platforms), e.Patch, strings.Join(e.Platforms, ", "))
	}
	return fmt.Sprintf("a bundle takes one platform row per patch, and %s has %d (%s); pick one with a platform filter, or give a mixed fleet",
		e.Patch, len(e.Platforms), strings.Join(e.Platforms, ", "))
}

// checkRanges refuses a range that holds nothing or leaves 1 to max.
func checkRanges(what string, rs []Range, max int) error {
	for _, r := range rs {
		switch {
		case r.From < 1 || r.From > max:
			return &estimate.RangeError{What: what, Value: float64(r.From), Min: 1, Max: float64(max)}
		case r.To < r.From || r.To > max:
			return &estimate.RangeError{What: what + " (the range's end)", Value: float64(r.To), Min: float64(r.From), Max: float64(max)}
		case r.Step < 1:
			return &estimate.RangeError{What: what + " (the range's step)", Value: float64(r.Step), Min: 1, Max: float64(max)}
		}
	}
	return nil
}

// Curves returns every curve of the query once, in the order asked.
func (q *Query) Curves() []*estimate.Curve { return append([]*estimate.Curve(nil), q.curves...) }

// Skipped returns the patch × platform pairs left out.
func (q *Query) Skipped() []Skip { return append([]Skip(nil), q.skipped...) }

// Rollout reports whether the curves run one after another on the same
// consoles (a bundle, or a mixed fleet), with a total row per rollout.
func (q *Query) Rollout() bool { return q.rollout }

// Scaling returns the σ and κ the query uses: the request's, else the
// calibration's, else 0.
func (q *Query) Scaling() (contention, coherency float64) { return q.contention, q.coherency }

// Rows is the number of rows Each makes at most, totals included,
// saturating at math.MaxInt.
func (q *Query) Rows() int {
	consoles := Len(q.req.Consoles)
	if len(q.fleet) > 0 {
		return mulCapped(consoles, len(q.fleet)+1)
	}
	per := mulCapped(max(Len(q.req.Hosts), 1), consoles)
	if q.rollout {
		return mulCapped(per, len(q.curves)+1)
	}
	return mulCapped(per, len(q.curves))
}

// Each makes the rows one by one, handing each to emit; a row answering
// a window question carries the answer (Row.Window, one per rollout). It
// keeps nothing, so a sweep of millions of rows needs no memory for them.
// An error from emit stops it.
func (q *Query) Each(emit func(Row) error) error {
	w := q.window
	if !q.hostsGiven && len(q.fleet) == 0 && w.Length == 0 {
		return errors.New("nothing to answer: give fleet sizes, hosts per platform or a window")
	}
	if q.rollout {
		if len(q.fleet) > 0 {
			for k := range All(q.req.Consoles) {
				if err := q.plan(q.fleet, q.groups, k, emit); err != nil {
					return err
				}
			}
			return nil
		}
		if !q.hostsGiven {
			return errors.New("a bundle needs a fleet: fleet sizes, or hosts per platform")
		}
		jobs := make([]estimate.Job, len(q.curves))
		for h := range All(q.req.Hosts) {
			for i, c := range q.curves {
				jobs[i] = estimate.Job{Curve: c, Hosts: h}
			}
			for k := range All(q.req.Consoles) {
				if err := q.plan(jobs, []int{h}, k, emit); err != nil {
					return err
				}
			}
		}
		return nil
	}
	first := 1
	for k := range All(q.req.Consoles) {
		first = k
		break
	}
	for _, c := range q.curves {
		if w.Length > 0 && !q.hostsGiven {
			s := estimate.Scenario{Scaling: estimate.Scaling{Consoles: first, Contention: q.contention, Coherency: q.coherency, Fixed: true}}
			h, e, err := c.HostsFor(s, w)
			a := &Window{Question: HostsFor, Curve: c, Hosts: h, HostsPerWindow: h, Window: w, Fits: true}
			var miss *estimate.WindowError
			switch {
			case errors.As(err, &miss): // not even one host: the row is the one host's
				a.Plan, a.Fits, a.Reason, a.Hosts, a.HostsPerWindow = miss.Best, false, miss.Reason, 0, 0
				e = miss.Best.Jobs[0]
			case err != nil:
				return err
			default:
				a.Plan = estimate.Plan{Consoles: e.Consoles, Windows: 1, Jobs: []estimate.Estimate{e}, Span: e.Span}
			}
			if err := emit(Row{Kind: Part, Curve: c, Estimate: e, Window: a}); err != nil {
				return err
			}
			continue
		}
		for h := range All(q.req.Hosts) {
			for k := range All(q.req.Consoles) {
				if w.Length > 0 {
					if err := q.plan([]estimate.Job{{Curve: c, Hosts: h}}, []int{h}, k, emit); err != nil {
						return err
					}
					continue
				}
				e, err := c.Estimate(estimate.Scenario{Hosts: h, Scaling: estimate.Scaling{Consoles: k, Contention: q.contention, Coherency: q.coherency, Fixed: true}})
				if err != nil {
					return err
				}
				if err := emit(Row{Kind: Part, Curve: c, Estimate: e}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// plan estimates one rollout on k consoles of a fleet whose platforms
// have the hosts given and, with a window, answers its question: the
// consoles it needs, or with consoles given the windows. It emits the
// jobs' rows and, for several jobs, their total, whose hosts are those of
// one window: Σ⌈hosts/windows⌉ over the platforms.
func (q *Query) plan(jobs []estimate.Job, groups []int, k int, emit func(Row) error) error {
	w := q.window
	r := estimate.Rollout{Jobs: jobs, Scaling: estimate.Scaling{Consoles: k, Contention: q.contention, Coherency: q.coherency, Fixed: true}}
	var p estimate.Plan
	var err error
	question := ConsolesFor
	switch {
	case w.Length == 0:
		p, err = r.Estimate()
	case q.consolesSet:
		question = WindowsFor
		p, err = r.WindowsFor(w)
	default:
		p, err = r.ConsolesFor(w)
	}
	var miss *estimate.WindowError
	if errors.As(err, &miss) {
		p, err = miss.Best, nil
	}
	if err != nil {
		return err
	}
	hosts, perWindow := 0, 0
	for _, g := range groups {
		hosts += g
		perWindow += estimate.Share(g, p.Windows)
	}
	var a *Window
	if w.Length > 0 {
		a = &Window{Question: question, Hosts: hosts, HostsPerWindow: perWindow, Window: w, Plan: p, Fits: miss == nil}
		if miss != nil {
			a.Reason = miss.Reason
		}
		if len(jobs) == 1 {
			a.Curve = jobs[0].Curve
		}
	}
	for i, e := range p.Jobs {
		row := Row{Kind: Part, Curve: jobs[i].Curve, Estimate: e, Window: a}
		if len(q.groupOf) == len(jobs) && len(q.fleet) == len(jobs) {
			row.Group = q.groupOf[i]
		}
		if err := emit(row); err != nil {
			return err
		}
	}
	if len(jobs) > 1 {
		total := estimate.Estimate{
			Scenario: estimate.Scenario{Hosts: perWindow, Scaling: estimate.Scaling{Consoles: p.Consoles, Contention: r.Contention, Coherency: r.Coherency, Fixed: r.Fixed}},
			Span:     p.Span}
		if err := emit(Row{Kind: Total, Estimate: total, Window: a}); err != nil {
			return err
		}
	}
	return nil
}

// Answer makes every row and returns the whole answer: the rows, the
// window's answers (one per rollout, in order) and the skipped pairs. For
// sweeps of many rows, Each hands them over one by one instead.
func (q *Query) Answer() (*Answer, error) {
	a := &Answer{Skipped: q.Skipped()}
	var last *Window
	err := q.Each(func(r Row) error {
		a.Rows = append(a.Rows, r)
		if r.Window != nil && r.Window != last {
			last = r.Window
			a.Windows = append(a.Windows, *r.Window)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if q.cal != nil {
		if a.Schedule, err = q.Schedule(); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Ask resolves r against cat and answers it: New, then Query.Answer.
func Ask(cat *estimate.Catalog, r Request) (*Answer, error) {
	q, err := New(cat, r)
	if err != nil {
		return nil, err
	}
	return q.Answer()
}

func addCapped(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

func mulCapped(a, b int) int {
	if a != 0 && b > math.MaxInt/a {
		return math.MaxInt
	}
	return a * b
}
