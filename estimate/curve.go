package estimate

import (
	"fmt"
	"math"
	"time"

	"github.com/patchtime/patchtime/fit"
)

// Curve is the fitted rollout time of one series: with one console,
//
//	minutes(hosts) = Setup + PerHost × hosts.
//
// Build it once (a Catalog does) and ask it questions; a Curve is never
// modified, so one value may serve many goroutines.
type Curve struct {
	Series   *Series // the series the curve was fitted to
	Setup    float64 // fixed time of a rollout, minutes
	PerHost  float64 // time each host adds on one console, minutes per host
	MinHosts int     // smallest per-console fleet in the data, hosts
	MaxHosts int     // largest per-console fleet in the data, hosts

	fit *fit.Fit
}

// newCurve fits a series. A point's x is its per-console load
// ⌈hosts/consoles⌉, the fleet one console handled.
func newCurve(s *Series) (*Curve, error) {
	x := make([]float64, len(s.Points))
	y := make([]float64, len(s.Points))
	c := &Curve{Series: s, MinHosts: math.MaxInt}
	for i, p := range s.Points {
		load := perConsole(p.Hosts, p.Consoles)
		x[i], y[i] = float64(load), p.Minutes
		c.MinHosts = min(c.MinHosts, load)
		c.MaxHosts = max(c.MaxHosts, load)
	}
	f, err := fit.Affine(x, y)
	if err != nil {
		return nil, fmt.Errorf("no curve from %d observation(s) on line %d and after: %w", len(s.Points), s.Points[0].Line, err)
	}
	c.fit, c.Setup, c.PerHost = f, f.Intercept, f.Slope
	return c, nil
}

// perConsole is ⌈hosts/consoles⌉, the fleet each console takes.
func perConsole(hosts, consoles int) int { return (hosts + consoles - 1) / consoles }

// String describes the curve: "KB899588 Windows 2000 SP4 (UpdateEXPERT 6.1):
// 9.87 min + 0.1684 min/host".
func (c *Curve) String() string {
	return fmt.Sprintf("%s: %.2f min + %.4f min/host", c.Series, c.Setup, c.PerHost)
}

// Scenario is a rollout to estimate.
type Scenario struct {
	Hosts int // machines to patch, 1 to MaxHosts
}

// Estimate is the predicted duration of a rollout.
type Estimate struct {
	Scenario
	Minutes      float64 // predicted wall-clock time, minutes
	Low, High    float64 // range of plausible times, minutes; Low ≤ Minutes ≤ High
	Extrapolated bool    // the per-console fleet lies outside the hosts of the data
}

// Duration returns Minutes as a time.Duration.
func (e Estimate) Duration() time.Duration {
	return time.Duration(e.Minutes * float64(time.Minute))
}

// Estimate predicts the duration of scenario s,
//
//	minutes = Setup + PerHost × hosts,
//
// never less than 0. It fails only for a scenario out of range (hosts
// outside 1 to MaxHosts).
func (c *Curve) Estimate(s Scenario) (Estimate, error) {
	if s.Hosts < 1 || s.Hosts > MaxHosts {
		return Estimate{}, fmt.Errorf("hosts %d: want 1 to %d", s.Hosts, MaxHosts)
	}
	// A fit to odd observations can have a negative setup; no rollout takes
	// less than no time.
	m := max(0, c.Setup+c.PerHost*float64(s.Hosts))
	return Estimate{
		Scenario:     s,
		Minutes:      m,
		Low:          m,
		High:         m,
		Extrapolated: s.Hosts < c.MinHosts || s.Hosts > c.MaxHosts,
	}, nil
}
