package estimate

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/internal/seeds"
)

// TestSeedsReproduceCatalog: parsing every original bulletin reproduces
// exactly the embedded catalog's published rows and their metadata.
func TestSeedsReproduceCatalog(t *testing.T) {
	var fromPages []Observation
	for _, file := range seeds.Files(t) {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		b, err := bulletin.Parse(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(file), err)
		}
		obs, err := FromBulletin(b, file)
		if err != nil {
			t.Fatal(err)
		}
		fromPages = append(fromPages, obs...)
	}
	strip := func(obs []Observation) []Observation {
		out := make([]Observation, len(obs))
		for i, o := range obs {
			o.File, o.Line = "", 0
			out[i] = o
		}
		sort.Slice(out, func(i, j int) bool {
			a, b := out[i], out[j]
			if a.KB != b.KB {
				return a.KB < b.KB
			}
			if a.Package != b.Package {
				return a.Package < b.Package
			}
			return a.Hosts < b.Hosts
		})
		return out
	}
	want := strip(Default().Observations())
	if diff := cmp.Diff(want, strip(fromPages)); diff != "" {
		t.Errorf("the seed pages differ from the embedded catalog (-catalog +pages):\n%s", diff)
	}
	// The pages add nothing to a catalog that already holds them.
	cat, err := Default().With(fromPages)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cat.Observations()); n != len(want) {
		t.Errorf("Default().With(seed pages) has %d observations, want %d", n, len(want))
	}
}
