package chart_test

import (
	"bytes"
	"fmt"
	"time"
	_ "time/tzdata" // Asia/Tokyo, whatever the machine's zoneinfo

	"github.com/patchtime/patchtime/chart"
	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/plan"
)

// A rollout calendar as a picture: this month's bundle on a mixed fleet,
// in four-hour windows from 22:00 Tokyo time on weekdays, one console, a
// pilot of 50 hosts, then 10%, then the rest, two days of soak after each
// ring.
func ExampleTimeline() {
	tokyo, _ := plan.LoadZone("Asia/Tokyo")
	days, _ := plan.ParseWeekdays("weekdays")
	rings, _ := plan.ParseRings("50,10%,100%")
	a, err := plan.Ask(estimate.Default(), plan.Request{
		Patches:  []string{"KB899588", "KB937894", "KB885881"},
		Fleet:    []plan.Group{{Platform: "XP", Hosts: 3000}, {Platform: "2000", Hosts: 800}, {Platform: "2003", Hosts: 150}},
		Consoles: plan.Counts(1),
		Window:   4 * time.Hour,
		Calendar: &plan.Calendar{Start: time.Date(2026, 12, 1, 22, 0, 0, 0, tokyo), Days: days, Rings: rings, Soak: 48 * time.Hour},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ch, err := chart.Timeline(a.Schedule, chart.TimelineOptions{Lang: "en", Font: chart.DefaultFont()})
	if err != nil {
		fmt.Println(err)
		return
	}
	var b bytes.Buffer
	if err := chart.Write(&b, ch, "png", 800, 500); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ch.Title)
	fmt.Println(ch.Plot.X.Label.Text, "|", ch.Plot.Y.Label.Text)
	for _, e := range ch.Legend {
		fmt.Println("-", e.Text)
	}
	// Output:
	// Rollout calendar: KB899588 + KB937894 + KB885881 on a mixed fleet of 3,950 hosts (XP=3000, 2000=800, 2003=150)
	// date, 2026 (Asia/Tokyo time) | hosts done
	// - hosts done, each window planned on the estimate
	// - each window planned on the top of its 95% interval (band: between the two)
	// - windows: 4h from 22:00, Monday to Friday, 1 console (dark: planned work)
	// - soak: 2d after each ring
	// - last host done
}
