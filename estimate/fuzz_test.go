package estimate

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadCatalog: whatever the bytes, ReadCatalog returns a catalog or a
// *CatalogError with a line, never panics; and every curve of a catalog it
// accepts answers Estimate with an error or an estimate whose numbers are
// in order.
func FuzzReadCatalog(f *testing.F) {
	f.Add(DefaultCSV())
	files, _ := filepath.Glob("../testdata/catalogs/*.csv")
	obs, _ := filepath.Glob("../testdata/observations/*.csv")
	for _, file := range append(files, obs...) {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cat, err := ReadCatalog(bytes.NewReader(data))
		if err != nil {
			var ce *CatalogError
			if !errors.As(err, &ce) {
				t.Fatalf("error of another kind: %v", err)
			}
			if ce.Line < 0 {
				t.Fatalf("line %d: %v", ce.Line, err)
			}
			return
		}
		for _, s := range cat.Series() {
			c, err := cat.Curve(s)
			if err != nil {
				continue
			}
			for _, sc := range []Scenario{{Hosts: 1}, {Hosts: 1200, Scaling: Scaling{Consoles: 3}}, {Hosts: MaxHosts}} {
				e, err := c.Estimate(sc)
				if err != nil {
					continue
				}
				if math.IsNaN(e.Minutes) || e.Low > e.Minutes || e.Minutes > e.High || e.Low < 0 {
					t.Fatalf("%s at %+v: %v [%v, %v]", s, sc, e.Minutes, e.Low, e.High)
				}
			}
		}
	})
}
