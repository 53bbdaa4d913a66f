package estimate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/internal/clip"
)

// FromBulletin returns the observations a HotFix Alert page publishes: one
// per timing cell present (absent cells give none), with the page's
// bulletin ID, severity and reboot, the package's size where the page
// lists it, the consoles its footnote names (one unless it says
// otherwise), source published, and the line of the row. file names the
// page in messages; it may be empty.
//
// A row whose package names no KB number, on a page of several KBs, cannot
// be told apart: that is a *CatalogError naming its line, and nothing is
// returned.
//
// Its time and memory grow in proportion to the page: packages are found
// by name in an index, not by a search of the list for every row.
func FromBulletin(b *bulletin.Bulletin, file string) ([]Observation, error) {
	sizes := packageSizes(b.Packages)
	n := 0
	for _, t := range b.Timings {
		n += len(t.Points)
	}
	obs := make([]Observation, 0, n)
	for _, t := range b.Timings {
		if t.KB == "" {
			return nil, &CatalogError{File: file, Line: t.Line, Err: fmt.Errorf(
				"package %s names no KB number and %s has several (%s), so its row cannot be told whose; put the KB in the package name, or drop the row",
				clip.Quote(t.Package), clip.Quote(b.ID), listNames(b.KBs))}
		}
		size := sizes[foldKey(t.Package)]
		consoles := max(t.Consoles, 1)
		for _, p := range t.Points {
			obs = append(obs, Observation{
				Bulletin: b.ID, KB: t.KB, Package: t.Package, Platform: t.Platform, Console: t.Console,
				Consoles: consoles, Hosts: p.Hosts, Minutes: float64(p.Minutes),
				PackageBytes: size, Severity: b.Severity, Reboot: b.Reboot, Source: Published,
				File: file, Line: t.Line,
			})
		}
	}
	return obs, nil
}

// LoadPage reads the HotFix Alert page in the file at path (text or HTML;
// UTF-8, Shift_JIS or EUC-JP) and returns the observations of its timing
// tables, as FromBulletin. A file that cannot be read gives the system's
// *fs.PathError; a page that cannot be read as a bulletin, or that has no
// timing table, a *CatalogError naming the file (and the line, where the
// parser knows it).
func LoadPage(path string) ([]Observation, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := bulletin.Parse(f)
	var pe *bulletin.ParseError
	switch {
	case errors.As(err, &pe):
		return nil, &CatalogError{File: path, Line: pe.Line, Err: pe.Err}
	case err != nil:
		var fe *fs.PathError
		if errors.As(err, &fe) {
			return nil, err
		}
		return nil, &CatalogError{File: path, Err: err}
	case !b.HasTimings():
		return nil, &CatalogError{File: path, Err: fmt.Errorf("%s has no 予想適用時間 table, so nothing to estimate from", clip.Escape(b.ID))}
	}
	return FromBulletin(b, path)
}

// packageSizes maps the file names of packages, as foldKey folds them, to
// their sizes. The first of the packages whose names fold alike wins, as
// in Bulletin.Package.
func packageSizes(packages []bulletin.Package) map[string]int64 {
	sizes := make(map[string]int64, len(packages))
	for _, p := range packages {
		k := foldKey(p.File)
		if _, dup := sizes[k]; !dup {
			sizes[k] = p.Bytes
		}
	}
	return sizes
}

// foldKey returns s with each character replaced by the least of its
// case-folding orbit (see unicode.SimpleFold), so that two strings have the
// same key exactly when strings.EqualFold reports them equal: "kb.EXE",
// "KB.exe" and "\u212Ab.exe" (a Kelvin sign) all give "KB.EXE". Invalid
// UTF-8 bytes read as U+FFFD, as in EqualFold.
func foldKey(s string) string {
	var b []byte
	for i, r := range s {
		k := r
		switch {
		case r < utf8.RuneSelf:
			if 'a' <= r && r <= 'z' {
				k = r - 'a' + 'A'
			}
		default:
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				k = min(k, f)
			}
		}
		if b == nil {
			if k == r && (r != utf8.RuneError || strings.HasPrefix(s[i:], "\uFFFD")) {
				continue // unchanged so far: no copy yet
			}
			b = append(make([]byte, 0, len(s)), s[:i]...)
		}
		b = utf8.AppendRune(b, k)
	}
	if b == nil {
		return s
	}
	return string(b)
}

// With returns a new catalog holding c's observations and obs. A published
// observation that c already holds, with the same minutes, is skipped, so
// a page whose tables the catalog has adds nothing; one that disagrees is
// an error (see NewCatalog). c itself is unchanged.
func (c *Catalog) With(obs []Observation) (*Catalog, error) {
	type cell struct {
		k               key
		consoles, hosts int
		minutes         float64
	}
	have := map[cell]bool{}
	for i := range c.obs {
		o := &c.obs[i]
		if o.Source == Published {
			have[cell{keyOf(o), o.Consoles, o.Hosts, o.Minutes}] = true
		}
	}
	all := slices.Grow(c.Observations(), len(obs))
	for _, o := range obs {
		if err := o.check(); err != nil {
			return nil, err
		}
		if o.Source == Published && have[cell{keyOf(&o), o.Consoles, o.Hosts, o.Minutes}] {
			continue
		}
		all = append(all, o)
	}
	n, err := NewCatalog(all)
	if err != nil {
		return nil, err
	}
	n.file = c.file
	return n, nil
}
