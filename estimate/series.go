package estimate

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/patchtime/patchtime/bulletin"
	"golang.org/x/text/width"
)

// Catalog is a set of observations grouped into series, each with its
// fitted curve. A Catalog is never modified after it is built, so one value
// may serve many goroutines.
type Catalog struct {
	obs     []Observation
	series  []*Series
	byPatch map[string][]*Series // by KB and by bulletin ID
}

// Series is the observations of one patch package on one platform with one
// console: the points one curve is fitted to.
type Series struct {
	Bulletin     string            // bulletin ID, e.g. "MS05-039"; may be empty
	KB           string            // KB number, e.g. "KB899588"
	Package      string            // package file name; may be empty
	Platform     string            // platform as the bulletin prints it; may be empty
	Console      string            // console and version; may be empty
	PackageBytes int64             // package size, bytes; 0 if unknown
	Severity     bulletin.Severity // 0 if unknown
	Reboot       bulletin.Reboot   // "" if unknown
	Points       []Observation     // the rows, in catalog order

	curve *Curve
	err   error
}

// String names the series: "KB899588 Windows XP SP1/SP1a/SP2 (UpdateEXPERT 6.1)".
func (s *Series) String() string {
	var b strings.Builder
	b.WriteString(s.KB)
	if s.Platform != "" {
		b.WriteString(" " + s.Platform)
	} else if s.Package != "" {
		b.WriteString(" " + s.Package)
	}
	if s.Console != "" {
		b.WriteString(" (" + s.Console + ")")
	}
	return b.String()
}

// Curve returns the series' fitted curve, or why it has none (for example
// a single fleet size).
func (s *Series) Curve() (*Curve, error) { return s.curve, s.err }

// key identifies a series.
type key struct{ kb, pkg, platform, console string }

func keyOf(o *Observation) key { return key{o.KB, o.Package, o.Platform, o.Console} }

// NewCatalog groups observations into series and fits each series' curve.
// The observations are copied. It checks them as ReadCatalog does and
// returns a *CatalogError naming the line of the first bad one.
func NewCatalog(obs []Observation) (*Catalog, error) {
	c := &Catalog{obs: make([]Observation, len(obs)), byPatch: map[string][]*Series{}}
	copy(c.obs, obs)
	index := map[key]*Series{}
	type cell struct {
		k               key
		consoles, hosts int
	}
	published := map[cell]*Observation{}
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
				return nil, &CatalogError{Line: o.Line, Err: fmt.Errorf("published row %s line %d for %d hosts", what, prev.Line, o.Hosts)}
			}
			published[at] = o
		}
		s := index[keyOf(o)]
		if s == nil {
			s = &Series{KB: o.KB, Package: o.Package, Platform: o.Platform, Console: o.Console}
			index[keyOf(o)] = s
			c.series = append(c.series, s)
		}
		if err := s.merge(o); err != nil {
			return nil, err
		}
		s.Points = append(s.Points, *o)
	}
	for _, s := range c.series {
		s.curve, s.err = newCurve(s)
		c.byPatch[s.KB] = append(c.byPatch[s.KB], s)
		if s.Bulletin != "" && s.Bulletin != s.KB {
			c.byPatch[s.Bulletin] = append(c.byPatch[s.Bulletin], s)
		}
	}
	return c, nil
}

// check validates an observation built in code as ReadCatalog would.
func (o *Observation) check() error {
	bad := func(col, val string, err error) error {
		return &CatalogError{Line: o.Line, Column: col, Value: val, Err: err}
	}
	kb, err := normalizeKB(o.KB)
	if err != nil {
		return bad("kb", o.KB, err)
	}
	o.KB = kb
	if o.Bulletin, err = normalizeBulletin(o.Bulletin); err != nil {
		return bad("bulletin", o.Bulletin, err)
	}
	if o.Consoles < 1 || o.Consoles > MaxConsoles {
		return bad("consoles", fmt.Sprint(o.Consoles), fmt.Errorf("out of range; want 1 to %d", MaxConsoles))
	}
	if o.Hosts < 1 || o.Hosts > MaxHosts {
		return bad("hosts", fmt.Sprint(o.Hosts), fmt.Errorf("out of range; want 1 to %d", MaxHosts))
	}
	if math.IsNaN(o.Minutes) || math.IsInf(o.Minutes, 0) || o.Minutes <= 0 {
		return bad("minutes", fmt.Sprint(o.Minutes), errors.New("want minutes greater than 0"))
	}
	return nil
}

// merge takes the series metadata from o, or reports a disagreement.
func (s *Series) merge(o *Observation) error {
	conflict := func(col string, have, got any) error {
		return &CatalogError{Line: o.Line, Column: col, Value: fmt.Sprint(got),
			Err: fmt.Errorf("differs from %v on line %d for the same package and platform", have, s.Points[0].Line)}
	}
	if o.Bulletin != "" {
		if s.Bulletin != "" && s.Bulletin != o.Bulletin {
			return conflict("bulletin", s.Bulletin, o.Bulletin)
		}
		s.Bulletin = o.Bulletin
	}
	if o.PackageBytes != 0 {
		if s.PackageBytes != 0 && s.PackageBytes != o.PackageBytes {
			return conflict("package_bytes", s.PackageBytes, o.PackageBytes)
		}
		s.PackageBytes = o.PackageBytes
	}
	if o.Severity != 0 {
		if s.Severity != 0 && s.Severity != o.Severity {
			return conflict("severity", int(s.Severity), int(o.Severity))
		}
		s.Severity = o.Severity
	}
	if o.Reboot != "" {
		if s.Reboot != "" && s.Reboot != o.Reboot {
			return conflict("reboot", s.Reboot, o.Reboot)
		}
		s.Reboot = o.Reboot
	}
	return nil
}

// Observations returns a copy of the catalog's observations, in order.
func (c *Catalog) Observations() []Observation {
	return append([]Observation(nil), c.obs...)
}

// Series returns the catalog's series in the order they first appear.
func (c *Catalog) Series() []*Series { return append([]*Series(nil), c.series...) }

var (
	kbPattern       = regexp.MustCompile(`^KB[0-9]{1,9}$`)
	bulletinPattern = regexp.MustCompile(`^MS[0-9]{2}-[0-9]{3}$`)
)

// fold upper-cases s, folds full-width letters and digits to ASCII and
// trims spaces.
func fold(s string) string { return strings.ToUpper(strings.TrimSpace(width.Fold.String(s))) }

// normalizeKB turns "kb899588", "899588" or "KB899588" into "KB899588".
func normalizeKB(s string) (string, error) {
	s = fold(s)
	if s != "" && strings.Trim(s, "0123456789") == "" {
		s = "KB" + s
	}
	if !kbPattern.MatchString(s) {
		return "", errors.New("want a KB number such as KB899588")
	}
	return s, nil
}

// normalizeBulletin turns "ms05-039" into "MS05-039"; empty stays empty.
func normalizeBulletin(s string) (string, error) {
	s = fold(s)
	if s != "" && !bulletinPattern.MatchString(s) {
		return "", errors.New("want a bulletin ID such as MS05-039, or empty")
	}
	return s, nil
}

// UnknownPatchError reports a patch the catalog does not hold.
type UnknownPatchError struct {
	Patch      string   // as asked for
	Suggestion string   // the closest KB or bulletin ID, if one is close
	Known      []string // the KB numbers the catalog holds
}

func (e *UnknownPatchError) Error() string {
	if e.Suggestion != "" {
		return fmt.Sprintf("unknown patch %q (did you mean %s?)", e.Patch, e.Suggestion)
	}
	return fmt.Sprintf("unknown patch %q; the catalog has %s", e.Patch, strings.Join(e.Known, ", "))
}

// Lookup returns the series of a patch named by KB number or bulletin ID,
// in any case, with or without "KB": "KB899588", "kb899588", "899588" and
// "MS05-039" all name the same patch. An unknown patch gives an
// *UnknownPatchError that suggests the closest known name.
func (c *Catalog) Lookup(patch string) ([]*Series, error) {
	name := fold(patch)
	if kb, err := normalizeKB(name); err == nil {
		name = kb
	}
	if s := c.byPatch[name]; len(s) > 0 {
		return s, nil
	}
	var known, names []string
	for _, s := range c.series {
		if !slices.Contains(known, s.KB) {
			known = append(known, s.KB)
		}
	}
	for n := range c.byPatch {
		names = append(names, n)
	}
	return nil, &UnknownPatchError{Patch: patch, Suggestion: closest(name, names), Known: known}
}

// Curves returns the curves of a patch (see Lookup) whose platform contains
// platform, ignoring case and width; an empty platform selects every
// platform of the patch. It fails if no platform matches or a chosen series
// has no curve.
func (c *Catalog) Curves(patch, platform string) ([]*Curve, error) {
	series, err := c.Lookup(patch)
	if err != nil {
		return nil, err
	}
	want := fold(platform)
	var curves []*Curve
	var have []string
	for _, s := range series {
		have = append(have, s.Platform)
		if !strings.Contains(fold(s.Platform), want) {
			continue
		}
		if s.err != nil {
			return nil, fmt.Errorf("%s: %w", s, s.err)
		}
		curves = append(curves, s.curve)
	}
	if len(curves) == 0 {
		return nil, fmt.Errorf("no platform of %s contains %q; it has: %s", series[0].KB, platform, strings.Join(have, ", "))
	}
	return curves, nil
}

// closest returns the candidate nearest to s in edit distance, if it is
// close enough to be a likely typo: at most 2 edits, and fewer than a third
// of the longer name. Ties go to the candidate first in sort order.
func closest(s string, candidates []string) string {
	best, bestDist := "", 0
	for _, c := range candidates {
		d := editDistance(s, c)
		if d > 2 || 3*d >= max(len(s), len(c)) {
			continue
		}
		if best == "" || d < bestDist || d == bestDist && c < best {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
