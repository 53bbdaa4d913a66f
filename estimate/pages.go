package estimate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/patchtime/patchtime/bulletin"
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
func FromBulletin(b *bulletin.Bulletin, file string) ([]Observation, error) {
	var obs []Observation
	for _, t := range b.Timings {
		if t.KB == "" {
			return nil, &CatalogError{File: file, Line: t.Line, Err: fmt.Errorf(
				"package %s names no KB number and %s has several (%s), so its row cannot be told whose; put the KB in the package name, or drop the row",
				t.Package, b.ID, strings.Join(b.KBs, ", "))}
		}
		var size int64
		if p, ok := b.Package(t.Package); ok {
			size = p.Bytes
		}
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
	all := slices.Clip(c.Observations())
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
