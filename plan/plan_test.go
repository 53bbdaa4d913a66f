package plan

import (
	"errors"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/patchtime/patchtime/estimate"
)

// line is the least-squares line through the published cells of a table
// at 50, 100, 250 and 500 hosts, from the closed form
// b = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)², a = ȳ − b·x̄: a second method beside the fit.
func line(y [4]float64) (a, b float64) {
	x := [4]float64{50, 100, 250, 500}
	var xb, yb float64
	for i := range x {
		xb += x[i] / 4
		yb += y[i] / 4
	}
	var sxy, sxx float64
	for i := range x {
		sxy += (x[i] - xb) * (y[i] - yb)
		sxx += (x[i] - xb) * (x[i] - xb)
	}
	b = sxy / sxx
	return yb - b*xb, b
}

// The published tables (minutes at 50/100/250/500 hosts, one console).
var (
	kb899588    = [4]float64{18, 27, 52, 94} // all three platform rows
	kb937894XP  = [4]float64{18, 27, 52, 95}
	kb937894W2K = [4]float64{19, 27, 53, 95}
	kb885881    = [4]float64{34, 43, 68, 110}
)

// TestWholeFleet asks the planner's question of the embedded catalog and
// checks every part against the published tables' lines, the total
// against the sum of the parts, the consoles against a search of every
// count by hand, and the skipped pairs against the tables' platforms.
func TestWholeFleet(t *testing.T) {
	fleet := []Group{{"XP", 3000}, {"2000", 800}, {"2003", 150}}
	a, err := Ask(estimate.Default(), Request{
		Patches: []string{"KB899588", "KB937894", "KB885881"},
		Fleet:   fleet,
		Window:  4 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	// The parts, in order: each patch on each platform it has a row for.
	parts := []struct {
		kb    string
		table [4]float64
		hosts int
	}{
		{"KB899588", kb899588, 3000}, {"KB899588", kb899588, 800}, {"KB899588", kb899588, 150},
		{"KB937894", kb937894XP, 3000}, {"KB937894", kb937894W2K, 800},
		{"KB885881", kb885881, 150},
	}
	at := func(c int) float64 { // the rollout's time on c consoles
		sum := 0.0
		for _, p := range parts {
			a, b := line(p.table)
			sum += a + b*math.Ceil(float64(p.hosts)/float64(c))
		}
		return sum
	}
	want := 1
	for at(want) > 240 {
		want++
	}
	if len(a.Rows) != len(parts)+1 {
		t.Fatalf("%d rows, want %d parts and a total", len(a.Rows), len(parts))
	}
	sum := 0.0
	for i, p := range parts {
		r := a.Rows[i]
		la, lb := line(p.table)
		wantMin := la + lb*math.Ceil(float64(p.hosts)/float64(want))
		if r.Kind != Part || r.Curve.Series().KB != p.kb || r.Estimate.Hosts != p.hosts || math.Abs(r.Estimate.Minutes-wantMin) > 1e-9 {
			t.Errorf("row %d: %v %s %d hosts %.6f min; want %s %d hosts %.6f", i, r.Kind, r.Curve.Series().KB, r.Estimate.Hosts, r.Estimate.Minutes, p.kb, p.hosts, wantMin)
		}
		sum += r.Estimate.Minutes
	}
	total := a.Rows[len(parts)]
	if total.Kind != Total || total.Curve != nil || math.Abs(total.Estimate.Minutes-sum) > 1e-9 || total.Estimate.Hosts != 3950 || total.Estimate.Consoles != want {
		t.Errorf("total %+v; want %.6f min, 3950 hosts, %d consoles", total.Estimate, sum, want)
	}
	if len(a.Windows) != 1 || !a.Windows[0].Fits || a.Windows[0].Plan.Consoles != want || a.Windows[0].Question != ConsolesFor || a.Windows[0].Hosts != 3950 {
		t.Errorf("window answer %+v; want it to fit with %d consoles", a.Windows, want)
	}
	wantSkip := []Skip{{"KB937894", "2003", 150}, {"KB885881", "XP", 3000}, {"KB885881", "2000", 800}}
	if !slices.Equal(a.Skipped, wantSkip) {
		t.Errorf("skipped %v, want %v", a.Skipped, wantSkip)
	}
}

// TestWindowOutOfReach: a window too short even for the best plan is an
// answer, not an error: Fits false, the best plan and the reason.
func TestWindowOutOfReach(t *testing.T) {
	a, err := Ask(estimate.Default(), Request{Patches: []string{"KB885881"}, Hosts: Counts(100), Window: 20 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	w := a.Windows[0]
	ka, kb := line(kb885881)
	// With 100 consoles each takes one host: the least time there is.
	if w.Fits || w.Reason == "" || w.Plan.Consoles != 100 || math.Abs(w.Plan.Minutes-(ka+kb)) > 1e-9 {
		t.Errorf("%+v; want a miss whose best is 100 consoles at %.4f min", w, ka+kb)
	}
}

// TestOnePatchLacksPlatform: a single patch with no such platform is an
// error that says which platforms it has; in a bundle, the pair is
// skipped.
func TestOnePatchLacksPlatform(t *testing.T) {
	_, err := Ask(estimate.Default(), Request{Patches: []string{"KB885881"}, Platform: "XP", Hosts: Counts(100)})
	var pe *estimate.PlatformError
	if !errors.As(err, &pe) || pe.Patch != "KB885881" || pe.Platform != "XP" || !slices.Equal(pe.Have, []string{"Windows Server 2003"}) {
		t.Errorf("%v; want a PlatformError naming KB885881's one platform", err)
	}
	a, err := Ask(estimate.Default(), Request{Patches: []string{"KB885881", "KB899588"}, Platform: "XP", Hosts: Counts(100)})
	if err != nil || len(a.Rows) != 1 || !slices.Equal(a.Skipped, []Skip{{"KB885881", "XP", 0}}) {
		t.Errorf("bundle: %v, %d rows, skipped %v; want KB899588 alone and KB885881 skipped", err, len(a.Rows), a.Skipped)
	}
	_, err = Ask(estimate.Default(), Request{Patches: []string{"KB885881"}, Fleet: []Group{{"XP", 10}}})
	if err == nil {
		t.Error("a fleet no patch applies to: no error")
	}
	var amb *AmbiguousError
	_, err = Ask(estimate.Default(), Request{Patches: []string{"KB899588", "KB937894"}, Hosts: Counts(100)})
	if !errors.As(err, &amb) || amb.Patch != "KB899588" || len(amb.Platforms) != 3 {
		t.Errorf("%v; want an AmbiguousError for KB899588's three rows", err)
	}
}

// TestCalibratedScaling: a calibration's σ and κ serve unless the request
// gives its own, one at a time.
func TestCalibratedScaling(t *testing.T) {
	f, err := os.Open("../testdata/observations/site.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	obs, err := estimate.ReadObservations(f)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := estimate.Default().Calibrate(obs)
	if err != nil {
		t.Fatal(err)
	}
	s := cal.Scenario(estimate.Scenario{})
	req := Request{Patches: []string{"KB899588"}, Platform: "XP", Hosts: Counts(2000), Consoles: Counts(4), Calibration: cal}
	q, err := New(estimate.Default(), req)
	if err != nil {
		t.Fatal(err)
	}
	if c, k := q.Scaling(); c != s.Contention || k != s.Coherency || c == 0 {
		t.Errorf("scaling %v, %v; want the calibration's %v, %v", c, k, s.Contention, s.Coherency)
	}
	zero := 0.0
	req.Contention = &zero
	q, _ = New(estimate.Default(), req)
	if c, k := q.Scaling(); c != 0 || k != s.Coherency {
		t.Errorf("σ given as 0: scaling %v, %v; want 0 and the calibration's κ %v", c, k, s.Coherency)
	}
	// The estimate is the calibrated curve's at the calibrated σ and κ.
	a, err := Ask(estimate.Default(), Request{Patches: []string{"KB899588"}, Platform: "XP", Hosts: Counts(2000), Consoles: Counts(4), Calibration: cal})
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := estimate.Default().Curves("KB899588", "XP")
	e, _ := cal.Apply(cs[0]).Estimate(estimate.Scenario{Hosts: 2000, Scaling: estimate.Scaling{Consoles: 4, Contention: s.Contention, Coherency: s.Coherency, Fixed: true}})
	if got := a.Rows[0].Estimate; got.Minutes != e.Minutes || got.High != e.High {
		t.Errorf("calibrated plan %v, want %v", got.Minutes, e.Minutes)
	}
}

// TestRows: Rows counts what Each makes, before making it.
func TestRows(t *testing.T) {
	for _, r := range []Request{
		{Patches: []string{"KB899588"}, Hosts: []Range{{100, 1000, 100}}, Consoles: []Range{{1, 3, 1}}},
		{Patches: []string{"KB899588", "KB937894"}, Platform: "XP", Hosts: Counts(800, 900), Consoles: Counts(2)},
		{Patches: []string{"KB899588", "KB937894"}, Fleet: []Group{{"XP", 10}, {"2000", 20}}, Consoles: []Range{{1, 4, 1}}},
		{Unlisted: []Unlisted{{"KB1", time.Minute, "6.1"}, {"KB2", 2 * time.Minute, "6.1"}}, Hosts: Counts(5)},
	} {
		q, err := New(estimate.Default(), r)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		q.Each(func(Row) error { n++; return nil })
		if q.Rows() != n {
			t.Errorf("%+v: Rows %d, Each made %d", r, q.Rows(), n)
		}
	}
}

// TestRanges: Len and All, and ranges that hold nothing.
func TestRanges(t *testing.T) {
	rs := []Range{{5, 5, 1}, {100, 400, 150}, {9, 1, 1}, {1, 3, 0}, {7, 7, 1}}
	var got []int
	for v := range All(rs) {
		got = append(got, v)
	}
	if want := []int{5, 100, 250, 400, 7}; !slices.Equal(got, want) || Len(rs) != len(want) {
		t.Errorf("All %v (Len %d), want %v", got, Len(rs), want)
	}
	if n := Len([]Range{{1, math.MaxInt, 1}, {1, math.MaxInt, 1}}); n != math.MaxInt {
		t.Errorf("Len past the largest int: %d", n)
	}
	n := 0
	for range All([]Range{{math.MaxInt - 2, math.MaxInt, 2}}) {
		n++
	}
	if n != 2 {
		t.Errorf("a range ending at the largest int yields %d values, want 2", n)
	}
}

// TestZeroRequest: a request with nothing in it is an error, not a panic;
// so is a nil catalog.
func TestZeroRequest(t *testing.T) {
	if _, err := Ask(estimate.Default(), Request{}); err == nil {
		t.Error("the zero Request: no error")
	}
	if _, err := Ask(nil, Request{Patches: []string{"KB899588"}}); err == nil {
		t.Error("no catalog: no error")
	}
	if _, err := Ask(estimate.Default(), Request{Patches: []string{"KB899588"}, Level: 1}); err == nil {
		t.Error("level 1: no error")
	}
}
