package plan

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
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

// siteCalibration is the embedded catalog calibrated to the site's
// rollouts of testdata/observations/site.csv.
func siteCalibration(t *testing.T) *estimate.Calibration {
	t.Helper()
	obs, err := estimate.LoadObservations("../testdata/observations/site.csv")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := estimate.Default().Calibrate(obs)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestCalibratedScaling: a calibration's σ and κ serve unless the request
// gives its own, one at a time.
func TestCalibratedScaling(t *testing.T) {
	cal := siteCalibration(t)
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

// TestWindowHostsOfAMixedFleet: with the fleet split across windows, the
// total's hosts are each platform's share, Σ⌈hosts/W⌉, counted once per
// platform however many patches it gets; a platform no patch applies to
// is not counted, and is reported skipped.
func TestWindowHostsOfAMixedFleet(t *testing.T) {
	fleet := []Group{{"XP", 3000}, {"2000", 800}, {"2003", 150}}
	a, err := Ask(estimate.Default(), Request{Patches: []string{"KB899588", "KB937894", "KB885881"}, Fleet: fleet,
		Consoles: Counts(2), Window: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	w := a.Windows[0]
	want := 0
	for _, g := range fleet {
		want += (g.Hosts + w.Plan.Windows - 1) / w.Plan.Windows
	}
	total := a.Rows[len(a.Rows)-1]
	if w.Plan.Windows < 2 || w.Question != WindowsFor || total.Kind != Total || total.Estimate.Hosts != want || w.HostsPerWindow != want || w.Hosts != 3950 {
		t.Errorf("%d windows: total %d hosts, per window %d, fleet %d; want %d per window of 3950", w.Plan.Windows, total.Estimate.Hosts, w.HostsPerWindow, w.Hosts, want)
	}
	a, err = Ask(estimate.Default(), Request{Patches: []string{"KB885881", "KB937894"}, Fleet: []Group{{"XP", 100}, {"2000", 50}, {"Vista", 5000}}, Window: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if w := a.Windows[0]; w.Hosts != 150 || !slices.Contains(a.Skipped, Skip{"KB937894", "Vista", 5000}) {
		t.Errorf("a platform no patch applies to: fleet %d hosts (want 150), skipped %v", w.Hosts, a.Skipped)
	}
}

// TestOneRuleForRepeats: a patch given twice is one part, in a bundle and
// in a mixed fleet; patches with no table are never merged, must have
// names to be told apart, and a name given twice is refused.
func TestOneRuleForRepeats(t *testing.T) {
	for _, r := range []Request{
		{Patches: []string{"KB899588", "KB899588"}, Platform: "XP", Hosts: Counts(100)},
		{Patches: []string{"KB899588", "KB899588"}, Fleet: []Group{{"XP", 100}}},
	} {
		a, err := Ask(estimate.Default(), r)
		if err != nil || len(a.Rows) != 1 || a.Rows[0].Kind != Part {
			t.Errorf("%+v: %v, %d rows; want one part", r, err, len(a.Rows))
		}
	}
	a, err := Ask(estimate.Default(), Request{Unlisted: []Unlisted{{Name: "KB1", Setup: 12 * time.Minute}, {Name: "KB2", Setup: 15 * time.Minute}}, Hosts: Counts(100)})
	if err != nil || len(a.Rows) != 3 || a.Rows[2].Kind != Total {
		t.Errorf("two named patches with no table: %v, %d rows; want two parts and a total", err, len(a.Rows))
	}
	for _, u := range [][]Unlisted{{{Setup: time.Minute}, {Setup: 2 * time.Minute}}, {{Name: "KB1", Setup: time.Minute}, {Name: "KB1", Setup: 2 * time.Minute}}} {
		if _, err := Ask(estimate.Default(), Request{Unlisted: u, Hosts: Counts(100)}); err == nil {
			t.Errorf("%+v: no error", u)
		}
	}
}

// TestRequestErrors: bad ranges, levels and windows are RangeErrors
// naming their value; a request whose every patch is skipped says which.
func TestRequestErrors(t *testing.T) {
	for _, r := range []Request{
		{Patches: []string{"KB899588"}, Hosts: []Range{{1200, 1200, 0}}},
		{Patches: []string{"KB899588"}, Hosts: []Range{{From: 1200}}},
		{Patches: []string{"KB899588"}, Hosts: []Range{{500, 100, 1}}},
		{Patches: []string{"KB899588"}, Hosts: Counts(0)},
		{Patches: []string{"KB899588"}, Hosts: Counts(5), Consoles: Counts(100001)},
		{Patches: []string{"KB899588"}, Hosts: Counts(5), Level: 1.5},
		{Patches: []string{"KB899588"}, Hosts: Counts(5), Window: -time.Minute},
		{Patches: []string{"KB899588"}, Fleet: []Group{{"XP", 0}}},
	} {
		var re *estimate.RangeError
		if _, err := Ask(estimate.Default(), r); !errors.As(err, &re) {
			t.Errorf("%+v: %v, want a RangeError", r, err)
		}
	}
	_, err := Ask(estimate.Default(), Request{Patches: []string{"KB885881", "KB937894"}, Platform: "vista", Hosts: Counts(5)})
	var ne *NothingAppliesError
	if !errors.As(err, &ne) || len(ne.Skipped) != 2 || !strings.Contains(err.Error(), `KB885881 has no row for "vista"`) {
		t.Errorf("every patch skipped: %v", err)
	}
	if _, err := Ask(estimate.Default(), Request{Patches: []string{"KB899588", "KB937894"}, Platform: "XP", Window: time.Hour}); err == nil {
		t.Error("a bundle with no fleet: no error")
	}
	if _, err := Ask(estimate.Default(), Request{Patches: []string{"KB899588"}, Platform: "XP", Consoles: Counts(1, 4), Window: time.Hour}); err == nil {
		t.Error("a window question over two console counts: no error")
	}
}

// TestWindowOutOfReachHasARow: when not even one host fits the window,
// the answer still has the row of one host, marked as not fitting, so
// CSV and JSON carry it.
func TestWindowOutOfReachHasARow(t *testing.T) {
	a, err := Ask(estimate.Default(), Request{Patches: []string{"KB899588"}, Platform: "XP", Window: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ka, kb := line(kb899588)
	if len(a.Rows) != 1 || a.Rows[0].Window == nil || a.Rows[0].Window.Fits || a.Rows[0].Estimate.Hosts != 1 ||
		math.Abs(a.Rows[0].Estimate.Minutes-(ka+kb)) > 1e-9 || a.Rows[0].Export().Fits || a.Rows[0].Export().Windows != 1 {
		t.Errorf("rows %+v; want the one host's row at %.4f min, not fitting", a.Rows, ka+kb)
	}
}

// TestCalibratedUnlisted: a calibration's speed and offset apply to a
// patch with no table as to any: (setup + offset) + speed × rate × hosts.
func TestCalibratedUnlisted(t *testing.T) {
	cat, cal := estimate.Default(), siteCalibration(t)
	pool, err := cat.Pool(estimate.DefaultConsole)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Ask(cat, Request{Unlisted: []Unlisted{{Name: "KB999001", Setup: 12 * time.Minute}}, Hosts: Counts(1000), Calibration: cal})
	if err != nil {
		t.Fatal(err)
	}
	want := 12 + cal.Offset() + cal.Speed()*pool.Rate()*1000
	if got := a.Rows[0].Estimate.Minutes; math.Abs(got-want) > 1e-9 {
		t.Errorf("calibrated patch with no table: %.4f min, want %.4f", got, want)
	}
}

// TestAnswerJSON: a whole answer marshals with encoding/json, an
// unbounded top as null, rows as the command's JSON rows.
func TestAnswerJSON(t *testing.T) {
	// Two observed rollouts: a line through them, with no noise known, so
	// its interval is unbounded.
	cat, err := estimate.ReadCatalog(strings.NewReader("kb,consoles,hosts,minutes,source\nKB1,1,100,20,observed\nKB1,1,300,50,observed\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Ask(cat, Request{Patches: []string{"KB1"}, Hosts: Counts(200), Window: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Rows    []map[string]any
		Windows []struct {
			Fits bool
			Plan struct {
				Consoles int      `json:"consoles"`
				High     *float64 `json:"high_minutes"`
			}
		}
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	// 20 + (50−20)/(300−100)·(200−100) = 35 minutes.
	if len(back.Rows) != 1 || back.Rows[0]["minutes"] != 35.0 || back.Rows[0]["high_minutes"] != nil || back.Rows[0]["row"] != "part" ||
		len(back.Windows) != 1 || !back.Windows[0].Fits || back.Windows[0].Plan.Consoles != 1 || back.Windows[0].Plan.High != nil {
		t.Errorf("JSON %s", b)
	}
}

// TestUnlistedOnAMixedFleet: a patch with no table is a part on every
// platform of the fleet, so each window's hosts are Σ⌈hosts/W⌉ for it as
// for the others, and each part names its platform.
func TestUnlistedOnAMixedFleet(t *testing.T) {
	fleet := []Group{{"XP", 3000}, {"2000", 800}, {"2003", 150}}
	a, err := Ask(estimate.Default(), Request{Patches: []string{"KB899588"}, Unlisted: []Unlisted{{Name: "KB999001", Setup: 12 * time.Minute}},
		Fleet: fleet, Consoles: Counts(2), Window: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	w := a.Windows[0].Plan.Windows
	var unlisted []Row
	for _, r := range a.Rows {
		if r.Curve.Given() {
			unlisted = append(unlisted, r)
		}
	}
	if len(unlisted) != 3 {
		t.Fatalf("%d parts of the patch with no table, want one per platform", len(unlisted))
	}
	for i, r := range unlisted {
		if want := (fleet[i].Hosts + w - 1) / w; r.Estimate.Hosts != want || r.Group != fleet[i].Platform || r.Export().Platform != fleet[i].Platform {
			t.Errorf("part %d: %d hosts for %q, want %d for %q", i, r.Estimate.Hosts, r.Group, want, fleet[i].Platform)
		}
	}
}

// TestRequestIsCopied: changing the request's slices after New changes
// nothing.
func TestRequestIsCopied(t *testing.T) {
	r := Request{Patches: []string{"KB899588"}, Platform: "XP", Hosts: Counts(1200)}
	q, err := New(estimate.Default(), r)
	if err != nil {
		t.Fatal(err)
	}
	r.Hosts[0] = Range{0, 0, 1}
	r.Patches[0] = "KB0"
	a, err := q.Answer()
	if err != nil || len(a.Rows) != 1 || a.Rows[0].Estimate.Hosts != 1200 {
		t.Errorf("after changing the request: %v, %+v", err, a)
	}
	bad := -1.0
	if _, err := New(estimate.Default(), Request{Patches: []string{"KB899588"}, Hosts: Counts(5), Contention: &bad}); err == nil {
		t.Error("σ = -1: no error from New")
	}
	if _, err := Ask(estimate.Default(), Request{Patches: []string{"KB899588"}, Platform: "XP"}); err == nil {
		t.Error("no fleet and no window: no error")
	}
	if n := Len([]Range{{math.MinInt, math.MaxInt, 1}}); n != math.MaxInt {
		t.Errorf("Len of the whole int range = %d, want it saturated", n)
	}
}

// TestAnswerJSONShapes: the window's question and length, and skipped
// pairs, marshal as the command writes them.
func TestAnswerJSONShapes(t *testing.T) {
	a, err := Ask(estimate.Default(), Request{Patches: []string{"KB899588", "KB885881"}, Fleet: []Group{{"XP", 100}, {"2003", 50}}, Window: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Windows []struct {
			Question string
			Window   struct{ Minutes float64 }
		}
		Skipped []map[string]any
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Windows) != 1 || back.Windows[0].Question != "consoles" || back.Windows[0].Window.Minutes != 120 ||
		len(back.Skipped) != 1 || back.Skipped[0]["row"] != "skipped" || back.Skipped[0]["patch"] != "KB885881" || back.Skipped[0]["hosts"] != 100.0 {
		t.Errorf("JSON %s", b)
	}
}
