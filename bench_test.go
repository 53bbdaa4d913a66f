package patchtime_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/patchtime/patchtime/estimate"
)

// BenchmarkEndToEnd is the whole pipeline on the embedded catalog: read
// the catalog CSV, fit every series, estimate each curve at four fleet
// sizes and write the rows as CSV.
func BenchmarkEndToEnd(b *testing.B) {
	csvText := estimate.DefaultCSV()
	hosts := []int{100, 1200, 5000, 20000}
	b.SetBytes(int64(len(csvText)))
	for b.Loop() {
		cat, err := estimate.ReadCatalog(bytes.NewReader(csvText))
		if err != nil {
			b.Fatal(err)
		}
		w := estimate.NewCSVWriter(io.Discard)
		for _, s := range cat.Series() {
			c, err := cat.Curve(s)
			if err != nil {
				b.Fatal(err)
			}
			for _, h := range hosts {
				e, err := c.Estimate(estimate.Scenario{Hosts: h})
				if err != nil {
					b.Fatal(err)
				}
				w.Write(estimate.NewRow(c, e))
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEstimate is one estimate of a resolved curve.
func BenchmarkEstimate(b *testing.B) {
	curves, err := estimate.Default().Curves("KB899588", "XP")
	if err != nil {
		b.Fatal(err)
	}
	c := curves[0]
	var sink float64
	for i := 0; b.Loop(); i++ {
		e, err := c.Estimate(estimate.Scenario{Hosts: 1 + i%5000})
		if err != nil {
			b.Fatal(err)
		}
		sink += e.Minutes
	}
	_ = sink
}

// BenchmarkCatalog builds the embedded catalog from its observations: every
// series fitted with both models and leave-one-out model choice, and the
// per-host rate pooled for each console.
func BenchmarkCatalog(b *testing.B) {
	obs := estimate.Default().Observations()
	for b.Loop() {
		if _, err := estimate.NewCatalog(obs); err != nil {
			b.Fatal(err)
		}
	}
}
