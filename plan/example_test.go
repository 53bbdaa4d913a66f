package plan_test

import (
	"fmt"
	"time"

	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/plan"
)

// The planner's whole question: this month's bundle on the whole mixed
// fleet, in tonight's four-hour window.
func Example() {
	a, err := plan.Ask(estimate.Default(), plan.Request{
		Patches: []string{"KB899588", "KB937894", "KB885881"},
		Fleet:   []plan.Group{{Platform: "XP", Hosts: 3000}, {Platform: "2000", Hosts: 800}, {Platform: "2003", Hosts: 150}},
		Window:  4 * time.Hour,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range a.Rows {
		e := r.Estimate
		if r.Kind == plan.Total {
			fmt.Printf("total: %d hosts on %d consoles, %.1f min (95%% %.1f–%.1f)\n", e.Hosts, e.Consoles, e.Minutes, e.Low, e.High)
			continue
		}
		fmt.Printf("%s %s: %d hosts, %.1f min\n", r.Curve.Series().KB, r.Curve.Series().Platform, e.Hosts, e.Minutes)
	}
	for _, s := range a.Skipped {
		fmt.Printf("skipped: %s on %s\n", s.Patch, s.Platform)
	}
	w := a.Windows[0]
	fmt.Printf("fits %v with %d consoles in %d window(s)\n", w.Fits, w.Plan.Consoles, w.Plan.Windows)
	// Output:
	// KB899588 Windows XP SP1/SP1a/SP2: 3000 hosts, 66.1 min
	// KB899588 Windows 2000 SP4: 800 hosts, 24.9 min
	// KB899588 Windows Server 2003 SP未適用/SP1: 150 hosts, 12.7 min
	// KB937894 Windows XP SP2: 3000 hosts, 66.6 min
	// KB937894 Windows 2000 SP4: 800 hosts, 25.5 min
	// KB885881 Windows Server 2003: 150 hosts, 28.7 min
	// total: 3950 hosts on 9 consoles, 224.5 min (95% 222.0–226.9)
	// skipped: KB937894 on 2003
	// skipped: KB885881 on XP
	// skipped: KB885881 on 2000
	// fits true with 9 consoles in 1 window(s)
}

// A patch with no table, by name, in a bundle with one that has one.
func ExampleUnlisted() {
	a, err := plan.Ask(estimate.Default(), plan.Request{
		Patches:  []string{"KB899588"},
		Unlisted: []plan.Unlisted{{Name: "KB999001", Setup: 12 * time.Minute, Console: "UpdateEXPERT 6.1"}},
		Platform: "XP",
		Hosts:    plan.Counts(800),
		Consoles: plan.Counts(2),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range a.Rows {
		name := "total"
		if r.Curve != nil {
			name = r.Curve.Series().KB
		}
		fmt.Printf("%s: %.1f min\n", name, r.Estimate.Minutes)
	}
	// Output:
	// KB899588: 77.2 min
	// KB999001: 79.7 min
	// total: 156.9 min
}

// A plan calibrated to the site's own rollouts: the calibration's speed,
// setup offset, σ and κ serve for every estimate and the window's search.
func ExampleRequest_calibration() {
	obs, err := estimate.LoadObservations("../testdata/observations/site.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	cat := estimate.Default()
	cal, err := cat.Calibrate(obs)
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := plan.Ask(cat, plan.Request{
		Patches:     []string{"KB899588"},
		Platform:    "XP",
		Hosts:       plan.Counts(2000),
		Window:      3 * time.Hour,
		Calibration: cal,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	w := a.Windows[0]
	fmt.Printf("%d hosts: %d consoles, %.1f min (fits %v)\n", w.Hosts, w.Plan.Consoles, w.Plan.Minutes, w.Fits)
	// Output: 2000 hosts: 3 consoles, 165.3 min (fits true)
}
