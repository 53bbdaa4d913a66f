package patchtime_test

// End-to-end benchmarks of the whole pipeline. Each has two sub-benchmarks
// run side by side: code=patchtime, the project's code, and code=baseline,
// the least that does the same work, to compare against:
//
//	go test -run='^$' -bench=. -count=10 . | tee bench.txt
//	benchstat -col /code bench.txt

import (
	"bytes"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/internal/seeds"
	"github.com/patchtime/patchtime/plan"
)

// line is the straight line of a curve and its prediction interval, worked
// out once from the published points by the textbook formulas:
// ŷ = a + b·x, half = t·√(s² − δ + s²(1/n + (x − x̄)²/Sxx)), δ the part of
// s² a new rollout does not carry (fit.Fit.Offset).
type line struct {
	a, b, s2, d, t, n, xbar, sxx float64
	lo, hi                       float64 // the data's fleet range
}

func lineOf(c *estimate.Curve) line {
	f := c.Fit()
	pts := c.Points()
	l := line{a: f.Intercept, b: f.Slope, s2: f.Variance, d: f.Offset, t: f.Critical(c.Level()), n: float64(len(pts))}
	for _, p := range pts {
		l.xbar += float64(p.Hosts) / l.n
	}
	for _, p := range pts {
		l.sxx += (float64(p.Hosts) - l.xbar) * (float64(p.Hosts) - l.xbar)
	}
	lo, hi := c.DataRange()
	l.lo, l.hi = float64(lo), float64(hi)
	return l
}

func curveXP(tb testing.TB) *estimate.Curve {
	cs, err := estimate.Default().Curves("KB899588", "XP")
	if err != nil {
		tb.Fatal(err)
	}
	return cs[0]
}

var (
	sinkEstimate estimate.Estimate
	sinkMinutes  float64
)

// BenchmarkEstimate is one estimate of a resolved curve: the estimate and
// its 95% interval for a fleet on one console.
func BenchmarkEstimate(b *testing.B) {
	c := curveXP(b)
	// Both read the estimate field by field, as callers do; copying the
	// whole returned struct at once would stall on store forwarding and
	// time the copy rather than the estimate.
	b.Run("code=patchtime", func(b *testing.B) {
		b.ReportAllocs()
		var sum float64
		for i := 0; b.Loop(); i++ {
			e, err := c.Estimate(estimate.Scenario{Hosts: 1 + i&4095})
			if err != nil {
				b.Fatal(err)
			}
			sum += e.Minutes + e.Low + e.High
		}
		sinkMinutes = sum
	})
	b.Run("code=baseline", func(b *testing.B) {
		b.ReportAllocs()
		l := lineOf(c)
		var sum float64
		for i := 0; b.Loop(); i++ {
			h := 1 + i&4095
			x := float64(h)
			y := l.a + l.b*x
			half := l.t * math.Sqrt(l.s2-l.d+l.s2*(1/l.n+(x-l.xbar)*(x-l.xbar)/l.sxx))
			e := estimate.Estimate{Scenario: estimate.Scenario{Hosts: h, Scaling: estimate.Scaling{Consoles: 1}},
				Span: estimate.Span{Minutes: y, Low: math.Max(0, y-half), High: y + half, Level: 0.95, Extrapolated: x < l.lo || x > l.hi}}
			sum += e.Minutes + e.Low + e.High
		}
		sinkMinutes = sum
	})
}

// BenchmarkCatalog builds the embedded catalog from its observations:
// every series fitted with both models and leave-one-out model choice, the
// per-host rate pooled for each console. The baseline fits each series'
// straight line alone, in closed form.
func BenchmarkCatalog(b *testing.B) {
	obs := estimate.Default().Observations()
	b.Run("code=patchtime", func(b *testing.B) {
		for b.Loop() {
			cat, err := estimate.NewCatalog(obs)
			if err != nil {
				b.Fatal(err)
			}
			// A catalog fits on demand: ask for everything.
			for _, s := range cat.Series() {
				if _, err := cat.Curve(s); err != nil {
					b.Fatal(err)
				}
			}
			if len(cat.Pools()) != 2 {
				b.Fatal("the catalog has not two pools")
			}
		}
	})
	b.Run("code=baseline", func(b *testing.B) {
		for b.Loop() {
			var sx, sy, sxx, sxy, n float64
			for i, o := range obs {
				x, y := float64(o.Hosts), o.Minutes
				sx, sy, sxx, sxy, n = sx+x, sy+y, sxx+x*x, sxy+x*y, n+1
				if i == len(obs)-1 || obs[i+1].Package != o.Package || obs[i+1].Platform != o.Platform {
					slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
					sinkEstimate.Minutes += slope + (sy-slope*sx)/n
					sx, sy, sxx, sxy, n = 0, 0, 0, 0, 0
				}
			}
		}
	})
}

// BenchmarkParse parses the seed bulletins (PATCHTIME_SEEDS). The baseline
// is the least any reader does: check the bytes are UTF-8 and split them
// into lines.
func BenchmarkParse(b *testing.B) {
	pages := seeds.Pages(b)
	var size int64
	for _, p := range pages {
		size += int64(len(p))
	}
	b.Run("code=patchtime", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			for _, p := range pages {
				if _, err := bulletin.Parse(bytes.NewReader(p)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("code=baseline", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			for _, p := range pages {
				if !utf8.Valid(p) {
					b.Fatal("not UTF-8")
				}
				sinkEstimate.Hosts += len(bytes.Split(p, []byte("\n")))
			}
		}
	})
}

// The sweep of the export benchmark: KB899588 on XP for every fleet from
// 1 to sweepHosts hosts, on 1 to sweepConsoles consoles, 1,000,000 rows.
const (
	sweepHosts    = 100_000
	sweepConsoles = 10
)

// writeSweep writes the sweep through the library: an estimate per row,
// written by estimate.CSVWriter.
func writeSweep(w io.Writer, c *estimate.Curve, hosts, consoles int) error {
	cw := estimate.NewCSVWriter(w)
	for h := 1; h <= hosts; h++ {
		for k := 1; k <= consoles; k++ {
			e, err := c.Estimate(estimate.Scenario{Hosts: h, Scaling: estimate.Scaling{Consoles: k}})
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
// the coefficients of lineOf, each row appended by strconv.
func writeBaseline(w io.Writer, c *estimate.Curve, hosts, consoles int) error {
	l := lineOf(c)
	s := c.Series()
	prefix := s.KB + "," + s.Bulletin + "," + s.Platform + "," + s.Console + ","
	buf := make([]byte, 0, 64<<10)
	buf = append(buf, "patch,bulletin,platform,console,hosts,consoles,minutes,low_minutes,high_minutes,duration,extrapolated,row,windows,window_minutes,fits,interval_of\n"...)
	for h := 1; h <= hosts; h++ {
		for k := 1; k <= consoles; k++ {
			x := float64((h + k - 1) / k)
			y := l.a + l.b*x
			half := l.t * math.Sqrt(l.s2-l.d+l.s2*(1/l.n+(x-l.xbar)*(x-l.xbar)/l.sxx))
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
			buf = bulletin.AppendDuration(buf, estimate.Estimate{Span: estimate.Span{Minutes: y}}.Duration())
			buf = append(buf, ',')
			buf = strconv.AppendBool(buf, x < l.lo || x > l.hi)
			buf = append(buf, ",part,,,,lab\n"...)
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

// TestBaselineWritesTheSameRows: the sweep's baseline is a fair one: it
// writes, byte for byte, what the library writes.
func TestBaselineWritesTheSameRows(t *testing.T) {
	c := curveXP(t)
	var lib, base bytes.Buffer
	if err := writeSweep(&lib, c, 3000, 4); err != nil {
		t.Fatal(err)
	}
	if err := writeBaseline(&base, c, 3000, 4); err != nil {
		t.Fatal(err)
	}
	l, b := bytes.Split(lib.Bytes(), []byte("\n")), bytes.Split(base.Bytes(), []byte("\n"))
	if len(l) != len(b) || len(l) != 3000*4+2 {
		t.Fatalf("%d lines against %d", len(l), len(b))
	}
	for i := range l {
		if !bytes.Equal(l[i], b[i]) {
			t.Fatalf("line %d differs:\nlibrary  %s\nbaseline %s", i+1, l[i], b[i])
		}
	}
}

// BenchmarkSweepCSV writes a 1,000,000-row sweep as CSV.
func BenchmarkSweepCSV(b *testing.B) {
	c := curveXP(b)
	for _, bc := range []struct {
		name  string
		write func(io.Writer, *estimate.Curve, int, int) error
	}{{"code=patchtime", writeSweep}, {"code=baseline", writeBaseline}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if err := bc.write(io.Discard, c, sweepHosts, sweepConsoles); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// binaries builds the estimate command and a Go hello-world once, both
// with CGO_ENABLED=0.
func binaries(b *testing.B) (estimateBin, helloBin string) {
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "patchtime-bench"); buildErr != nil {
			return
		}
		hello := filepath.Join(binDir, "hello")
		if buildErr = os.MkdirAll(hello, 0o755); buildErr != nil {
			return
		}
		os.WriteFile(filepath.Join(hello, "go.mod"), []byte("module hello\n\ngo 1.26\n"), 0o644)
		os.WriteFile(filepath.Join(hello, "main.go"), []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o644)
		for _, cmd := range []*exec.Cmd{
			exec.Command("go", "build", "-o", filepath.Join(binDir, "estimate"), "./cmd/estimate"),
			exec.Command("go", "build", "-o", filepath.Join(binDir, "hello-bin"), "."),
		} {
			if cmd.Args[len(cmd.Args)-1] == "." {
				cmd.Dir = hello
			}
			// Both static, as Go builds a hello-world: pflag imports net,
			// which would otherwise link the C library and its start-up.
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = &exec.ExitError{Stderr: out}
				return
			}
		}
	})
	if buildErr != nil {
		b.Fatalf("building the binaries: %v", buildErr)
	}
	return filepath.Join(binDir, "estimate"), filepath.Join(binDir, "hello-bin")
}

// BenchmarkProcess runs the command's single estimate as a process,
// against a Go hello-world process: the cost of starting up.
func BenchmarkProcess(b *testing.B) {
	est, hello := binaries(b)
	for _, bc := range []struct {
		name string
		cmd  []string
	}{{"code=patchtime", []string{est, "--patch", "KB899588", "--hosts", "1200"}}, {"code=baseline", []string{hello}}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if err := exec.Command(bc.cmd[0], bc.cmd[1:]...).Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// wholeFleet is the planner's whole question: this month's bundle of three
// patches on a fleet of three platforms, in a four-hour window, the
// fewest consoles searched for. scale multiplies the fleet.
func wholeFleet(scale int) plan.Request {
	return plan.Request{
		Patches: []string{"KB899588", "KB937894", "KB885881"},
		Fleet:   []plan.Group{{Platform: "XP", Hosts: 3000 * scale}, {Platform: "2000", Hosts: 800 * scale}, {Platform: "2003", Hosts: 150 * scale}},
		Window:  4 * time.Hour,
	}
}

// BenchmarkWholeFleet answers the whole question from a built catalog;
// the baseline answers it from the six parts' lines, worked out once, by
// trying every console count until the total fits (what the search must
// find), with no intervals, no checks and nothing kept.
func BenchmarkWholeFleet(b *testing.B) {
	cat := estimate.Default()
	if _, err := plan.Ask(cat, wholeFleet(1)); err != nil { // fits the curves once
		b.Fatal(err)
	}
	b.Run("code=patchtime", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			a, err := plan.Ask(cat, wholeFleet(1))
			if err != nil || !a.Windows[0].Fits {
				b.Fatal(err)
			}
			sinkMinutes = a.Windows[0].Plan.Minutes
		}
	})
	b.Run("code=baseline", func(b *testing.B) {
		type part struct {
			l     line
			hosts int
		}
		var parts []part
		for _, p := range []struct{ kb, platform string }{{"KB899588", "XP"}, {"KB899588", "2000"}, {"KB899588", "2003"}, {"KB937894", "XP"}, {"KB937894", "2000"}, {"KB885881", "2003"}} {
			cs, err := cat.Curves(p.kb, p.platform)
			if err != nil {
				b.Fatal(err)
			}
			hosts := map[string]int{"XP": 3000, "2000": 800, "2003": 150}[p.platform]
			parts = append(parts, part{lineOf(cs[0]), hosts})
		}
		b.ReportAllocs()
		for b.Loop() {
			for c := 1; ; c++ {
				total := 0.0
				for _, p := range parts {
					total += p.l.a + p.l.b*float64((p.hosts+c-1)/c)
				}
				if total <= 240 {
					sinkMinutes = total
					break
				}
			}
		}
	})
}

// TestWholeFleetAllocations: the planner's question allocates a bounded
// amount whatever the fleet's size: its rows are a fixed few and its
// consoles are found by bisection over at most 100,000 counts (17 steps),
// so from 3,950 hosts to 39,500,000 the allocations grow by at most one
// plan per extra step, and not at all once the count is capped.
func TestWholeFleetAllocations(t *testing.T) {
	cat := estimate.Default()
	allocs := func(scale int) float64 {
		return testing.AllocsPerRun(20, func() {
			if _, err := plan.Ask(cat, wholeFleet(scale)); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large, larger := allocs(1), allocs(1000), allocs(10000)
	if large != larger || large-small > 17-11 || larger > 150 {
		t.Errorf("allocations: %v for 3,950 hosts, %v for 3,950,000, %v for 39,500,000", small, large, larger)
	}
}
