package patchtime_test

import (
	"bytes"
	"io"
	"math"
	"strconv"
	"testing"

	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/estimate"
)

// The sweep of the export benchmarks: KB899588 on XP for every fleet from
// 1 to sweepHosts hosts, on 1 to sweepConsoles consoles.
const (
	sweepHosts    = 100_000
	sweepConsoles = 10
)

func sweepCurve(tb testing.TB) *estimate.Curve {
	cs, err := estimate.Default().Curves("KB899588", "XP")
	if err != nil {
		tb.Fatal(err)
	}
	return cs[0]
}

// writeSweep writes the sweep through the library: an estimate per row,
// written by estimate.CSVWriter.
func writeSweep(w io.Writer, c *estimate.Curve, hosts, consoles int) error {
	cw := estimate.NewCSVWriter(w)
	for h := 1; h <= hosts; h++ {
		for k := 1; k <= consoles; k++ {
			e, err := c.Estimate(estimate.Scenario{Hosts: h, Consoles: k})
			if err != nil {
				return err
			}
			if err := cw.WriteEstimate(c, e); err != nil {
				return err
			}
		}
	}
	return cw.Close()
}

// writeBaseline writes the same rows with a minimal hand-written loop from
// coefficients computed once: the straight line through the published
// points and its textbook prediction interval
// ŷ ± t·√(s²(1 + 1/n + (x − x̄)²/Sxx)), each row appended by strconv.
func writeBaseline(w io.Writer, c *estimate.Curve, hosts, consoles int) error {
	f := c.Fit()
	pts := c.Points()
	n := float64(len(pts))
	var xbar, sxx float64
	for _, p := range pts {
		xbar += float64(p.Hosts) / n
	}
	for _, p := range pts {
		sxx += (float64(p.Hosts) - xbar) * (float64(p.Hosts) - xbar)
	}
	a, b, s2, t := f.Intercept, f.Slope, f.Variance, f.Critical(c.Level())
	lo, hi := c.DataRange()
	s := c.Series()
	prefix := s.KB + "," + s.Bulletin + "," + s.Platform + "," + s.Console + ","
	buf := make([]byte, 0, 64<<10)
	buf = append(buf, "patch,bulletin,platform,console,hosts,consoles,minutes,low_minutes,high_minutes,duration,extrapolated\n"...)
	for h := 1; h <= hosts; h++ {
		for k := 1; k <= consoles; k++ {
			x := float64((h + k - 1) / k)
			y := a + b*x
			half := t * math.Sqrt(s2*(1+1/n+(x-xbar)*(x-xbar)/sxx))
			buf = append(buf, prefix...)
			buf = strconv.AppendInt(buf, int64(h), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(k), 10)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, y, 'f', 2, 64)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, math.Max(0, y-half), 'f', 2, 64)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, y+half, 'f', 2, 64)
			buf = append(buf, ',')
			buf = bulletin.AppendDuration(buf, estimate.Estimate{Minutes: y}.Duration())
			buf = append(buf, ',')
			buf = strconv.AppendBool(buf, x < float64(lo) || x > float64(hi))
			buf = append(buf, '\n')
			if len(buf) > 60<<10 {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	_, err := w.Write(buf)
	return err
}

// TestBaselineWritesTheSameRows: the benchmark's baseline is a fair one —
// it writes, byte for byte, what the library writes.
func TestBaselineWritesTheSameRows(t *testing.T) {
	c := sweepCurve(t)
	var lib, base bytes.Buffer
	if err := writeSweep(&lib, c, 3000, 4); err != nil {
		t.Fatal(err)
	}
	if err := writeBaseline(&base, c, 3000, 4); err != nil {
		t.Fatal(err)
	}
	if lib.String() != base.String() {
		l, b := bytes.Split(lib.Bytes(), []byte("\n")), bytes.Split(base.Bytes(), []byte("\n"))
		for i := range min(len(l), len(b)) {
			if !bytes.Equal(l[i], b[i]) {
				t.Fatalf("line %d differs:\nlibrary  %s\nbaseline %s", i+1, l[i], b[i])
			}
		}
		t.Fatalf("%d lines against %d", len(l), len(b))
	}
}

// BenchmarkSweepCSV writes a 1,000,000-row sweep through the library.
func BenchmarkSweepCSV(b *testing.B) {
	c := sweepCurve(b)
	b.ReportMetric(sweepHosts*sweepConsoles, "rows/op")
	for b.Loop() {
		if err := writeSweep(io.Discard, c, sweepHosts, sweepConsoles); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweepCSVBaseline writes the same rows with the hand-written
// loop: the yardstick for BenchmarkSweepCSV (target: within 1.5×).
func BenchmarkSweepCSVBaseline(b *testing.B) {
	c := sweepCurve(b)
	b.ReportMetric(sweepHosts*sweepConsoles, "rows/op")
	for b.Loop() {
		if err := writeBaseline(io.Discard, c, sweepHosts, sweepConsoles); err != nil {
			b.Fatal(err)
		}
	}
}
