package estimate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/fit"
	"github.com/patchtime/patchtime/internal/clip"
	"github.com/patchtime/patchtime/internal/suggest"
)

// roundingVariance is the variance of rounding to whole minutes, 1/12 min²:
// the least noise a curve fitted to published tables may claim.
const roundingVariance = 1.0 / 12

// Catalog is a set of observations grouped into series, each with its
// fitted curve, and the per-host rate pooled over the series of each
// console. A curve or a pool is fitted the first time it is asked for, and
// kept; a Catalog cannot be modified otherwise, so one value may serve
// many goroutines.
type Catalog struct {
	file     string // the file it was loaded from, for messages
	obs      []Observation
	entries  []*entry
	index    map[key]*entry      // by series
	byPatch  map[string][]*entry // by KB and by bulletin ID
	poolOnce sync.Once           // fits the pools on first use
	pools    []*Pool             // one per console, in order of first appearance
}

// Series names one patch package on one platform with one console: the
// observations one curve is fitted to.
type Series struct {
	Bulletin     string            // bulletin ID, e.g. "MS05-039"; may be empty
	KB           string            // KB number, e.g. "KB899588"; empty for a curve made from a setup time
	Package      string            // package file name; may be empty
	Platform     string            // platform as the bulletin prints it; may be empty
	Console      string            // console and version; may be empty
	PackageBytes int64             // package size, bytes; 0 if unknown
	Severity     bulletin.Severity // 0 if unknown
	Reboot       bulletin.Reboot   // "" if unknown
	Observations int               // rows of the catalog in the series
}

// String names the series: "KB899588 Windows XP SP1/SP1a/SP2 (UpdateEXPERT 6.1)".
func (s Series) String() string {
	parts := []string{s.KB}
	if s.Platform != "" {
		parts = append(parts, s.Platform)
	} else if s.Package != "" {
		parts = append(parts, s.Package)
	}
	if s.Console != "" {
		parts = append(parts, "("+s.Console+")")
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

// entry is a series with its observations and curves.
type entry struct {
	Series
	points   []Observation
	x, y     []float64       // the points as per-console loads and minutes (see xy)
	first    [4]*Observation // the rows the bulletin, package size, severity and reboot were first read from
	once     sync.Once       // fits the curve on first use
	curve    *Curve          // the series' own curve; nil when it has none
	err      error           // why it has none
	pool     *Pool           // the pool of its console
	poolItem int             // its group in the pool: series of identical tables share one
	np       *noisePool      // the residual variance shared by its console's tables
	noise    noiseOf         // what np says of it, set when np is fitted
}

// key identifies a series.
type key struct{ kb, pkg, platform, console string }

func keyOf(o *Observation) key { return key{o.KB, o.Package, o.Platform, o.Console} }

// NewCatalog checks the observations as ReadObservations does, groups them
// into series and fits each series' curve and each console's pooled rate.
// The observations are copied. Published rows must not repeat the same
// series, consoles and hosts, and the rows of one series must agree on its
// bulletin, package size, severity and reboot; a violation is a
// *CatalogError naming the line.
func NewCatalog(obs []Observation) (*Catalog, error) {
	c := &Catalog{obs: slices.Clone(obs), index: map[key]*entry{}, byPatch: map[string][]*entry{}}
	type cell struct {
		k               key
		consoles, hosts int
	}
	published := map[cell]*Observation{}
	member := make([]*entry, len(c.obs)) // the series of each observation
	for i := range c.obs {
		o := &c.obs[i]
		if err := o.check(); err != nil {
			return nil, err
		}
		if o.Source == Published {
			at := cell{keyOf(o), o.Consoles, o.Hosts}
			if prev, dup := published[at]; dup {
				what := "repeats"
				if prev.Minutes != o.Minutes {
					what = fmt.Sprintf("conflicts with (%v against %v minutes)", o.Minutes, prev.Minutes)
				}
				return nil, &CatalogError{File: o.File, Line: o.Line, Err: fmt.Errorf("published row %s %s for %d hosts", what, prev.at(), o.Hosts)}
			}
			published[at] = o
		}
		e := c.index[keyOf(o)]
		if e == nil {
			e = &entry{Series: Series{KB: o.KB, Package: o.Package, Platform: o.Platform, Console: o.Console}}
			c.index[keyOf(o)] = e
			c.entries = append(c.entries, e)
		}
		if err := e.merge(o); err != nil {
			return nil, err
		}
		e.Observations++
		member[i] = e
	}
	// Each series' points, in catalog order, share one array: each series
	// has its slot, as long as its rows, in the order of the series.
	all := make([]Observation, len(c.obs))
	next := make(map[*entry]int, len(c.entries)) // where the series' next row goes
	start := 0
	for _, e := range c.entries {
		next[e] = start
		e.points = all[start : start+e.Observations : start+e.Observations]
		start += e.Observations
	}
	for i, e := range member {
		all[next[e]] = c.obs[i]
		next[e]++
	}
	noise := map[string]*noisePool{}
	for _, e := range c.entries {
		e.x, e.y = xy(e.points)
		np := noise[e.Console]
		if np == nil {
			np = &noisePool{console: e.Console}
			noise[e.Console] = np
		}
		np.entries = append(np.entries, e)
		e.np = np
	}
	for _, e := range c.entries {
		c.byPatch[e.KB] = append(c.byPatch[e.KB], e)
		if e.Bulletin != "" {
			c.byPatch[e.Bulletin] = append(c.byPatch[e.Bulletin], e)
		}
	}
	return c, nil
}

// fitted returns the series' own curve, fitting it the first time: a
// catalog fits only the series asked about, once, whichever goroutine asks.
func (e *entry) fitted() (*Curve, error) {
	e.once.Do(func() { e.curve, e.err = newCurve(e) })
	return e.curve, e.err
}

// pooled returns the catalog's pools, fitting them the first time.
func (c *Catalog) pooled() []*Pool {
	c.poolOnce.Do(c.pool)
	return c.pools
}

// merge takes the series metadata from o, or reports a disagreement.
func (e *entry) merge(o *Observation) error {
	// take checks column i, whose value in o is empty or the same as the
	// first one read (same says which), and notes where it was first read.
	take := func(i int, col string, empty, same bool, have, got func() any) error {
		switch {
		case empty:
		case e.first[i] == nil:
			e.first[i] = o
		case !same:
			return &CatalogError{File: o.File, Line: o.Line, Column: col, Value: fmt.Sprint(got()),
				Err: fmt.Errorf("differs from %v on %s for the same package and platform", have(), e.first[i].at())}
		}
		return nil
	}
	if err := take(0, "bulletin", o.Bulletin == "", o.Bulletin == e.Bulletin,
		func() any { return e.Bulletin }, func() any { return o.Bulletin }); err != nil {
		return err
	}
	if err := take(1, "package_bytes", o.PackageBytes == 0, o.PackageBytes == e.PackageBytes,
		func() any { return e.PackageBytes }, func() any { return o.PackageBytes }); err != nil {
		return err
	}
	if err := take(2, "severity", o.Severity == 0, o.Severity == e.Severity,
		func() any { return int(e.Severity) }, func() any { return int(o.Severity) }); err != nil {
		return err
	}
	if err := take(3, "reboot", o.Reboot == "", o.Reboot == e.Reboot,
		func() any { return e.Reboot }, func() any { return o.Reboot }); err != nil {
		return err
	}
	if o.Bulletin != "" {
		e.Bulletin = o.Bulletin
	}
	if o.PackageBytes != 0 {
		e.PackageBytes = o.PackageBytes
	}
	if o.Severity != 0 {
		e.Severity = o.Severity
	}
	if o.Reboot != "" {
		e.Reboot = o.Reboot
	}
	return nil
}

// options are the fit options for points: published tables are rounded to
// whole minutes, so when every point is a whole number of minutes and none
// is an observed rollout the variance never falls below that rounding
// noise. Observed rollouts vary for many more reasons than rounding; their
// scatter is theirs to show.
func options(points []Observation) *fit.Options {
	for _, p := range points {
		if p.Minutes != math.Trunc(p.Minutes) || p.Source == Observed {
			return nil
		}
	}
	return &fit.Options{MinVariance: roundingVariance}
}

// selectOptions are the options for choosing the model of points (see
// fit.Select): options(points), with, for a published table of whole
// minutes, the noise of its console's other distinct published tables,
//
//	s²_rest = max(Σ_{h≠g} RSS_h / Σ_{h≠g} df_h, 1/12)  on Σ_{h≠g} df_h,
//
// RSS_h of each table's affine fit (the s²_rest of noisePool.fit), so that
// the power model's curvature is tested against the noise of several
// tables. The table's own residuals are left out: they are independent of
// the others', so F = (RSS_affine − RSS_power)/s²_rest follows F(1, df)
// exactly when the table is a straight line with the others' noise, and a
// curved table, whose affine residuals hold the curvature, does not hide
// it by raising the noise. A table with no others, or not in the pool, is
// tested against its own residuals.
func selectOptions(points []Observation, n noiseOf) *fit.Options {
	o := options(points)
	if o != nil && n.ok && n.rest.DF > 0 {
		o.Noise = n.rest
	}
	return o
}

// xy returns the points as x, the per-console load ⌈hosts/consoles⌉, and
// y, the minutes.
func xy(points []Observation) (x, y []float64) {
	x = make([]float64, len(points))
	y = make([]float64, len(points))
	for i, p := range points {
		x[i], y[i] = float64(perConsole(p.Hosts, p.Consoles)), p.Minutes
	}
	return x, y
}

// pool fits, for each console, one per-host rate shared by all its series.
func (c *Catalog) pool() {
	byConsole := map[string]*Pool{}
	for _, e := range c.entries {
		p := byConsole[e.Console]
		if p == nil {
			p = &Pool{console: e.Console, minHosts: math.MaxInt}
			byConsole[e.Console] = p
			c.pools = append(c.pools, p)
		}
		e.pool = p
		p.entries = append(p.entries, e)
	}
	for _, p := range c.pools {
		var xs, ys [][]float64
		groups := map[string]int{} // by tableKey
		o := &fit.Options{MinVariance: roundingVariance}
		for _, e := range p.entries {
			// A table printed again for another package or platform is
			// the same evidence, not new: it joins the group of its twin.
			k := tableKey(e.x, e.y)
			g, twin := groups[k]
			if !twin {
				g = len(xs)
				groups[k] = g
				xs, ys = append(xs, e.x), append(ys, e.y)
			}
			e.poolItem = g
			if options(e.points) == nil {
				o = nil // some series has decimal minutes or observed rollouts
			}
			for _, xi := range e.x {
				p.minHosts, p.maxHosts = min(p.minHosts, int(xi)), max(p.maxHosts, int(xi))
			}
		}
		p.tables, p.whole = len(xs), o != nil
		p.fit, p.err = fit.Pooled(xs, ys, o)
		if p.err != nil {
			p.err = fmt.Errorf("no pooled rate for console %s: %w", clip.Quote(p.console), explainFitError(p.err))
		}
	}
}

// tableKey returns the bytes of x and y (of equal lengths), which are
// equal for equal tables: no x or y is zero or NaN.
func tableKey(x, y []float64) string {
	b := make([]byte, 0, 8*(len(x)+len(y)))
	for _, v := range x {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	for _, v := range y {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return string(b)
}

// Observations returns a copy of the catalog's observations, in order, in
// canonical form.
func (c *Catalog) Observations() []Observation { return slices.Clone(c.obs) }

// File returns the name of the file the catalog was loaded from, or "".
func (c *Catalog) File() string { return c.file }

// Series returns the catalog's series in the order they first appear.
func (c *Catalog) Series() []Series {
	s := make([]Series, len(c.entries))
	for i, e := range c.entries {
		s[i] = e.Series
	}
	return s
}

// find returns the entry of a series.
func (c *Catalog) find(s Series) (*entry, error) {
	if e := c.index[key{s.KB, s.Package, s.Platform, s.Console}]; e != nil {
		return e, nil
	}
	return nil, fmt.Errorf("no series %s in the catalog", clip.Quote(s.String()))
}

// Curve returns the fitted curve of a series of the catalog, or why it has
// none (for example, a single fleet size).
func (c *Catalog) Curve(s Series) (*Curve, error) {
	e, err := c.find(s)
	if err != nil {
		return nil, err
	}
	if _, err := e.fitted(); err != nil {
		return nil, c.seriesError(e, err)
	}
	return e.curve, nil
}

// seriesError says which series, and where, err is about.
func (c *Catalog) seriesError(e *entry, err error) error {
	if at := e.points[0].at(); at != "" {
		return fmt.Errorf("%s (%s): %w", e.Series, at, err)
	}
	return fmt.Errorf("%s: %w", e.Series, err)
}

// UnknownPatchError reports a patch the catalog does not hold.
type UnknownPatchError struct {
	Patch      string   // as asked for
	Suggestion string   // the KB or bulletin ID one edit away (a character added, dropped, changed, or two swapped), if there is one
	Known      []string // the KB numbers the catalog holds
}

func (e *UnknownPatchError) Error() string {
	if e.Suggestion != "" {
		return fmt.Sprintf("unknown patch %s (did you mean %s?)", clip.Quote(e.Patch), e.Suggestion)
	}
	if len(e.Known) == 0 {
		return fmt.Sprintf("unknown patch %s; the catalog is empty", clip.Quote(e.Patch))
	}
	return fmt.Sprintf("unknown patch %s; the catalog has %s", clip.Quote(e.Patch), listNames(e.Known))
}

// lookup returns the entries of a patch.
func (c *Catalog) lookup(patch string) ([]*entry, error) {
	name := fold(patch)
	if kb, err := normalizeKB(name); err == nil {
		name = kb
	}
	if es := c.byPatch[name]; len(es) > 0 {
		return es, nil
	}
	var known, names []string
	seen := map[string]bool{}
	for _, e := range c.entries {
		if !seen[e.KB] {
			seen[e.KB] = true
			known = append(known, e.KB)
		}
	}
	for n := range c.byPatch {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, &UnknownPatchError{Patch: patch, Suggestion: suggest.Closest(name, names, 1), Known: known}
}

// Select returns the series of a patch whose platform contains platform,
// ignoring case and width. The patch is named by KB number or bulletin ID,
// in any case, with or without "KB": "KB899588", "kb899588", "899588" and
// "MS05-039" all name the same patch; an empty patch selects every patch,
// an empty platform every platform. An unknown patch gives an
// *UnknownPatchError that suggests the closest known name.
func (c *Catalog) Select(patch, platform string) ([]Series, error) {
	es := c.entries
	if patch != "" {
		var err error
		if es, err = c.lookup(patch); err != nil {
			return nil, err
		}
	}
	es, err := matchPlatform(es, patch, platform)
	if err != nil {
		return nil, err
	}
	s := make([]Series, len(es))
	for i, e := range es {
		s[i] = e.Series
	}
	return s, nil
}

// matchPlatform keeps the entries whose platform contains platform.
func matchPlatform(es []*entry, patch, platform string) ([]*entry, error) {
	if len(es) == 0 {
		return nil, errors.New("the catalog is empty")
	}
	want := fold(platform)
	var match []*entry
	var have []string
	seen := map[string]bool{}
	for _, e := range es {
		if !seen[e.Platform] {
			seen[e.Platform] = true
			have = append(have, e.Platform)
		}
		if strings.Contains(fold(e.Platform), want) {
			match = append(match, e)
		}
	}
	if len(match) == 0 {
		pe := &PlatformError{Platform: platform, Have: have}
		if patch != "" {
			pe.Patch = es[0].KB
		}
		return nil, pe
	}
	return match, nil
}

// PlatformError means no platform row of a patch (or of the catalog, when
// Patch is empty) contains the platform asked for: the patch does not
// apply to it.
type PlatformError struct {
	Patch    string   // the patch's KB; "" for the whole catalog
	Platform string   // the text asked for
	Have     []string // the platforms there are
}

func (e *PlatformError) Error() string {
	of := "the catalog"
	if e.Patch != "" {
		of = e.Patch
	}
	return fmt.Sprintf("no platform of %s contains %s; it has: %s", of, clip.Quote(e.Platform), listNames(e.Have))
}

// Curves returns the curves of a patch whose platform contains platform
// (see Select; here the patch must be named). It fails if no platform
// matches or a chosen series has no curve.
func (c *Catalog) Curves(patch, platform string) ([]*Curve, error) {
	return c.curves(patch, platform, func(e *entry) (*Curve, error) {
		if _, err := e.fitted(); err != nil {
			return nil, c.seriesError(e, err)
		}
		return e.curve, nil
	})
}

// PooledCurves is Curves with each curve's per-host rate replaced by the
// rate pooled over all series of its console (see Pool); each series keeps
// its own setup. A series with a single fleet size, which has no curve of
// its own, gets one this way.
func (c *Catalog) PooledCurves(patch, platform string) ([]*Curve, error) {
	return c.curves(patch, platform, func(e *entry) (*Curve, error) {
		c.pooled()
		if e.pool.err != nil {
			return nil, c.seriesError(e, e.pool.err)
		}
		return e.pool.curve(e), nil
	})
}

func (c *Catalog) curves(patch, platform string, get func(*entry) (*Curve, error)) ([]*Curve, error) {
	es, err := c.lookup(patch)
	if err != nil {
		return nil, err
	}
	if es, err = matchPlatform(es, patch, platform); err != nil {
		return nil, err
	}
	curves := make([]*Curve, len(es))
	for i, e := range es {
		if curves[i], err = get(e); err != nil {
			return nil, err
		}
	}
	return curves, nil
}

// explainFitError says in terms of hosts why points could not be fitted.
func explainFitError(err error) error {
	switch {
	case errors.Is(err, fit.ErrTooFewPoints), errors.Is(err, fit.ErrNoSpread):
		return errors.New("its rows cover a single fleet size per console; a curve needs at least two")
	}
	return err
}
