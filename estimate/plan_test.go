package estimate

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// The KB899588 curve by hand: setup a = 1934/196, per host b = 33/196.
const (
	handA = 1934.0 / 196
	handB = 33.0 / 196
)

// byHand is the estimate of KB899588 with c consoles, σ and κ, by the
// design's formula.
func byHand(hosts, c int, sigma, kappa float64) float64 {
	load := float64((hosts + c - 1) / c)
	fc := float64(c)
	return handA + handB*load*(1+sigma*(fc-1)+kappa*fc*(fc-1))
}

func TestConsolesFor(t *testing.T) {
	c := curve(t, "KB899588", "XP")
	// 1200 hosts in a 2h window: one console takes 211.9 min, two take
	// a + b·600 = 110.9 min.
	p, err := Rollout{Jobs: []Job{{c, 1200}}}.ConsolesFor(Window{Length: mins(120)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Consoles != 2 || !near(p.Minutes, byHand(1200, 2, 0, 0), 1e-12) {
		t.Errorf("ConsolesFor(1200 hosts, 2h) = %d consoles, %v min; want 2, %v", p.Consoles, p.Minutes, byHand(1200, 2, 0, 0))
	}
	// With contention and coherency, by brute force over the console count.
	for _, tc := range []struct {
		hosts        int
		sigma, kappa float64
		window       float64
	}{
		{5000, 0.1, 0.002, 180},
		{5000, 0.05, 0, 60},
		{800, 0, 0.01, 45},
	} {
		want := 0
		for k := 1; k <= tc.hosts; k++ {
			if byHand(tc.hosts, k, tc.sigma, tc.kappa) <= tc.window {
				want = k
				break
			}
		}
		if want == 0 {
			t.Fatalf("test case %+v has no answer", tc)
		}
		p, err := Rollout{Jobs: []Job{{c, tc.hosts}}, Scaling: Scaling{Contention: tc.sigma, Coherency: tc.kappa}}.ConsolesFor(Window{Length: mins(tc.window)})
		if err != nil {
			t.Fatalf("%+v: %v", tc, err)
		}
		if p.Consoles != want {
			t.Errorf("%+v: %d consoles, brute force says %d", tc, p.Consoles, want)
		}
	}
}

// TestConsolesForOutOfReach: with κ > 0 more consoles eventually slow the
// rollout; the error reports the optimum, found here by brute force.
func TestConsolesForOutOfReach(t *testing.T) {
	c := curve(t, "KB899588", "XP")
	const hosts, kappa = 1200, 0.01
	bestK, bestM := 0, math.Inf(1)
	for k := 1; k <= hosts; k++ {
		if m := byHand(hosts, k, 0, kappa); m < bestM-1e-9 {
			bestK, bestM = k, m
		}
	}
	_, err := Rollout{Jobs: []Job{{c, hosts}}, Scaling: Scaling{Coherency: kappa}}.ConsolesFor(Window{Length: mins(30)})
	var we *WindowError
	if !errors.As(err, &we) {
		t.Fatalf("error %v, want a *WindowError", err)
	}
	if we.Best.Consoles != bestK || !near(we.Best.Minutes, bestM, 1e-12) {
		t.Errorf("best %d consoles at %v min, brute force says %d at %v", we.Best.Consoles, we.Best.Minutes, bestK, bestM)
	}
	if !strings.Contains(err.Error(), "does not fit") {
		t.Errorf("error %q does not say it does not fit", err)
	}
	// Setup alone (9.87 min) is longer than a 5-minute window.
	_, err = Rollout{Jobs: []Job{{c, 1200}}}.ConsolesFor(Window{Length: mins(5)})
	if !errors.As(err, &we) || we.Best.Consoles != 1200 {
		t.Errorf("5-minute window: %v; want the best at one host per console", err)
	}
}

func TestWindowsFor(t *testing.T) {
	c := curve(t, "KB899588", "XP")
	// One console, a 1h window: a + b·⌈1200/k⌉ ≤ 60 needs ⌈1200/k⌉ ≤ 297,
	// so k = 5 windows of 240 hosts (k = 4 gives 300).
	p, err := Rollout{Jobs: []Job{{c, 1200}}}.WindowsFor(Window{Length: mins(60)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Windows != 5 || p.Jobs[0].Hosts != 240 || !near(p.Minutes, handA+handB*240, 1e-12) {
		t.Errorf("WindowsFor(1200, 1h) = %d windows of %d hosts, %v min; want 5 of 240, %v", p.Windows, p.Jobs[0].Hosts, p.Minutes, handA+handB*240)
	}
	// Two consoles: ⌈⌈1200/k⌉/2⌉ ≤ 297 at k = 3 (400 per window, 200 each).
	p, err = Rollout{Jobs: []Job{{c, 1200}}, Scaling: Scaling{Consoles: 2}}.WindowsFor(Window{Length: mins(60)})
	if err != nil || p.Windows != 3 {
		t.Errorf("two consoles: %v windows, %v; want 3", p.Windows, err)
	}
	// The setup alone does not fit 9 minutes.
	_, err = Rollout{Jobs: []Job{{c, 1200}}}.WindowsFor(Window{Length: mins(9)})
	var we *WindowError
	if !errors.As(err, &we) || !strings.Contains(err.Error(), "even one host") {
		t.Errorf("9-minute window: %v; want a *WindowError about one host", err)
	}
}

func TestHostsFor(t *testing.T) {
	c := curve(t, "KB899588", "XP")
	// a + b·h ≤ 60 ⇔ h ≤ (60 − a)/b = (11760 − 1934)/33 = 297.76.
	for _, tc := range []struct {
		consoles, want int
	}{{1, 297}, {2, 594}, {3, 891}} {
		h, e, err := c.HostsFor(Scenario{Scaling: Scaling{Consoles: tc.consoles}}, Window{Length: mins(60)})
		if err != nil {
			t.Fatal(err)
		}
		if h != tc.want || e.Hosts != h || e.Minutes > 60 {
			t.Errorf("%d consoles: %d hosts (%v min), want %d", tc.consoles, h, e.Minutes, tc.want)
		}
	}
	// Planning on the top of the interval fits fewer hosts; by brute force.
	want := 0
	for h := 1; h < 400; h++ {
		e, _ := c.Estimate(Scenario{Hosts: h})
		if e.High <= 60 {
			want = h
		}
	}
	if h, _, err := c.HostsFor(Scenario{}, Window{Length: mins(60), Upper: true}); err != nil || h != want || h >= 297 {
		t.Errorf("upper bound: %d hosts, %v; brute force says %d", h, err, want)
	}
	if _, _, err := c.HostsFor(Scenario{}, Window{Length: mins(5)}); err == nil {
		t.Error("a 5-minute window fits hosts though the setup is 9.87 min")
	}
	// A window so long that every fleet fits.
	if h, _, err := c.HostsFor(Scenario{}, Window{Length: mins(40e6)}); err != nil || h != MaxHosts {
		t.Errorf("40e6-minute window: %d hosts, %v; want MaxHosts", h, err)
	}
}

// TestBundleAndMixedFleet: jobs run one after another add up, each paying
// its own setup.
func TestBundleAndMixedFleet(t *testing.T) {
	kb899588 := curve(t, "KB899588", "XP")
	kb937894 := curve(t, "KB937894", "XP")
	w2000 := curve(t, "KB899588", "2000 SP4")
	// KB937894 on XP by hand: 18, 27, 52, 95 give b = 20900/122500 and
	// a = 48 − 225·b.
	b2 := 20900.0 / 122500
	a2 := 48 - 225*b2
	p, err := Rollout{Jobs: []Job{{kb899588, 800}, {kb937894, 800}}}.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	want := handA + handB*800 + a2 + b2*800
	if !near(p.Minutes, want, 1e-12) || len(p.Jobs) != 2 {
		t.Errorf("bundle on 800 hosts: %v min, want %v", p.Minutes, want)
	}
	// Two independent tables on one console's pooled noise: their errors
	// add in quadrature, half = t·√(se₀² + se₁²), se = half-width / t.
	crit := kb899588.crit
	se0, se1 := (p.Jobs[0].High-p.Jobs[0].Minutes)/crit, (p.Jobs[1].High-p.Jobs[1].Minutes)/crit
	half := crit * math.Hypot(se0, se1)
	if !near(p.High, p.Minutes+half, 1e-12) || !near(p.Low, max(0, p.Minutes-half), 1e-12) ||
		!(p.High < p.Jobs[0].High+p.Jobs[1].High) {
		t.Errorf("bundle interval [%v, %v], want %v ± %v, narrower than the bounds added", p.Low, p.High, p.Minutes, half)
	}
	// A mixed fleet: 800 XP and 400 Windows 2000 hosts, two consoles.
	p, err = Rollout{Jobs: []Job{{kb899588, 800}, {w2000, 400}}, Scaling: Scaling{Consoles: 2}}.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	if want := byHand(800, 2, 0, 0) + byHand(400, 2, 0, 0); !near(p.Minutes, want, 1e-12) || p.Consoles != 2 {
		t.Errorf("mixed fleet: %v min on %d consoles, want %v on 2", p.Minutes, p.Consoles, want)
	}
	// Bundle in a window: two consoles give a + b·400 + a2 + b2·400 =
	// 154.1 min, within 3h; one console does not.
	p, err = Rollout{Jobs: []Job{{kb899588, 800}, {kb937894, 800}}}.ConsolesFor(Window{Length: mins(180)})
	if err != nil || p.Consoles != 2 {
		t.Errorf("bundle in 3h: %d consoles, %v; want 2", p.Consoles, err)
	}
	for _, r := range []Rollout{{}, {Jobs: []Job{{nil, 5}}}, {Jobs: []Job{{kb899588, 0}}}, {Jobs: []Job{{kb899588, 5}}, Scaling: Scaling{Contention: -1}}} {
		if _, err := r.Estimate(); err == nil {
			t.Errorf("Rollout %+v: no error", r)
		}
	}
}

// TestConsolesForBisection: with σ = κ = 0 the bisection finds what trying
// every console count finds.
func TestConsolesForBisection(t *testing.T) {
	c := curve(t, "KB899588", "XP")
	for _, hosts := range []int{1, 7, 99, 1200, 4321, 50000} {
		for _, window := range []float64{9, 10.5, 30, 120, 1000} {
			want, wantMiss := 0, false
			bestK, bestM := 0, math.Inf(1)
			for k := 1; k <= min(hosts, MaxConsoles); k++ {
				m := byHand(hosts, k, 0, 0)
				if want == 0 && m <= window {
					want = k
				}
				if m < bestM-1e-12 {
					bestK, bestM = k, m
				}
			}
			if want == 0 {
				want, wantMiss = bestK, true
			}
			p, err := Rollout{Jobs: []Job{{c, hosts}}}.ConsolesFor(Window{Length: mins(window)})
			var we *WindowError
			if errors.As(err, &we) {
				p = we.Best
			} else if err != nil {
				t.Fatal(err)
			}
			if p.Consoles != want || (we != nil) != wantMiss {
				t.Errorf("%d hosts in %v min: %d consoles (miss %v), trying all gives %d (miss %v)", hosts, window, p.Consoles, we != nil, want, wantMiss)
			}
		}
	}
}

// TestPlanningRefusesOddCurves: planning needs times that grow with the
// fleet, and --upper a bounded top that grows too.
func TestPlanningRefusesOddCurves(t *testing.T) {
	falling, err := ReadCatalog(strings.NewReader("kb,consoles,hosts,minutes\nKB1,1,100,90\nKB1,1,200,60\nKB1,1,300,20\n"))
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := falling.Curves("KB1", "")
	_, err = Rollout{Jobs: []Job{{cs[0], 400}}}.WindowsFor(Window{Length: mins(50)})
	if err == nil || !strings.Contains(err.Error(), "not above 0") {
		t.Errorf("falling curve: %v, want a refusal", err)
	}
	// Inside its data a falling curve is what was measured; outside it
	// would fall toward zero, and is refused with the reason.
	if e, err := cs[0].Estimate(Scenario{Hosts: 200}); err != nil || math.Abs(e.Minutes-(90+60+20)/3.0) > 1e-9 {
		t.Errorf("falling curve at 200 hosts, inside its data: %v, %v; want the mean %v", e.Minutes, err, (90+60+20)/3.0)
	}
	for _, s := range []Scenario{{Hosts: 100_000_000}, {Hosts: 301}, {Hosts: 99}, {Hosts: 1000, Scaling: Scaling{Consoles: 2}}} {
		if _, err := cs[0].Estimate(s); !errors.Is(err, ErrFalling) || !strings.Contains(err.Error(), "-0.35 min") {
			t.Errorf("falling curve, %+v: %v, want ErrFalling naming the slope -0.35", s, err)
		}
	}
	// A rising line whose setup is below zero: -20 + 0.3·hosts through
	// (100, 10), (200, 40), (300, 70). At 10 hosts it gives -17 min.
	below, err := ReadCatalog(strings.NewReader("kb,consoles,hosts,minutes\nKB3,1,100,10\nKB3,1,200,40\nKB3,1,300,70\n"))
	if err != nil {
		t.Fatal(err)
	}
	cs, _ = below.Curves("KB3", "")
	if _, err := cs[0].Estimate(Scenario{Hosts: 10}); !errors.Is(err, ErrFalling) || !strings.Contains(err.Error(), "gives -17 min") {
		t.Errorf("below zero at 10 hosts: %v, want ErrFalling giving -17 min", err)
	}
	if e, err := cs[0].Estimate(Scenario{Hosts: 1000}); err != nil || math.Abs(e.Minutes-280) > 1e-9 {
		t.Errorf("above its data the line rises: %v, %v; want 280 min", e.Minutes, err)
	}
	if _, _, err := cs[0].HostsFor(Scenario{}, Window{Length: mins(1)}); !errors.Is(err, ErrFalling) || !strings.Contains(err.Error(), "no window can be planned") {
		t.Errorf("planning on it: %v, want a refusal", err)
	}
	two, err := ReadCatalog(strings.NewReader("kb,consoles,hosts,minutes\nKB2,1,50,10.5\nKB2,1,500,85.25\n"))
	if err != nil {
		t.Fatal(err)
	}
	cs, _ = two.Curves("KB2", "")
	if _, _, err := cs[0].HostsFor(Scenario{}, Window{Length: mins(120), Upper: true}); err == nil || !strings.Contains(err.Error(), "unbounded") {
		t.Errorf("unbounded interval with Upper: %v, want a refusal", err)
	}
	if h, _, err := cs[0].HostsFor(Scenario{}, Window{Length: mins(120)}); err != nil || h < 700 {
		t.Errorf("the estimate can still be planned on: %d hosts, %v", h, err)
	}
}

// TestLoad: the load is ⌈hosts/c⌉ times the slowdown, the x at which the
// curve is read.
func TestLoad(t *testing.T) {
	c := curve(t, "KB899588", "XP")
	for _, tc := range []struct {
		s    Scenario
		want float64
	}{
		{Scenario{Hosts: 1200}, 1200},
		{Scenario{Hosts: 1200, Scaling: Scaling{Consoles: 2}}, 600},
		{Scenario{Hosts: 1201, Scaling: Scaling{Consoles: 4, Contention: 0.1, Coherency: 0.01}}, 301 * (1 + 0.3 + 0.12)},
	} {
		if got := c.Load(tc.s); !near(got, tc.want, 1e-12) {
			t.Errorf("Load(%+v) = %v, want %v", tc.s, got, tc.want)
		}
		e, _ := c.Estimate(tc.s)
		if !near(e.Minutes, handA+handB*tc.want, 1e-9) {
			t.Errorf("Estimate(%+v) = %v, not the curve at the load %v", tc.s, e.Minutes, tc.want)
		}
	}
	if !math.IsNaN(c.Load(Scenario{Hosts: 0})) {
		t.Error("Load of an invalid scenario is a number")
	}
}

// TestExtremeCoherency: a κ so large that two consoles take more than 100
// years still gets the answer one console gives, as a window missed with
// its best plan, not an error; a question with no answer under 100 years
// is ErrTooLong.
func TestExtremeCoherency(t *testing.T) {
	c := curve(t, "KB899588", "XP")
	r := Rollout{Jobs: []Job{{c, 1200}}, Scaling: Scaling{Coherency: 1e6}}
	_, err := r.ConsolesFor(Window{Length: mins(120)})
	var we *WindowError
	if !errors.As(err, &we) || we.Best.Consoles != 1 || !near(we.Best.Minutes, handA+handB*1200, 1e-9) {
		t.Fatalf("κ = 1e6: %v, want a miss whose best is one console at %v min", err, handA+handB*1200)
	}
	// 2·10⁷ hosts on one console: 3.4·10⁶ min, under 100 years; two
	// consoles: over.
	r.Jobs[0].Hosts = 20_000_000
	if _, err := r.ConsolesFor(Window{Length: mins(1e7)}); err != nil {
		t.Errorf("a window one console meets: %v", err)
	}
	// One host on 10⁵ consoles with κ = 1e6 takes 1.7·10¹⁵ min.
	if _, _, err := c.HostsFor(Scenario{Scaling: Scaling{Consoles: 100000, Coherency: 1e6}}, Window{Length: mins(120)}); !errors.Is(err, ErrTooLong) {
		t.Errorf("one host beyond 100 years: %v, want ErrTooLong", err)
	}
}
