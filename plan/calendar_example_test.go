package plan_test

import (
	"fmt"
	"time"
	_ "time/tzdata" // Asia/Tokyo, whatever the machine's zoneinfo

	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/plan"
)

// This month's bundle on the whole mixed fleet, on a calendar: two-hour
// windows from 22:00 Tokyo time on weekdays, a pilot of 50 hosts, then 10%
// of the fleet, then the rest, two days of soak after each ring, and New
// Year's Eve skipped. The soak after ring 2 ends on 12-30 at 23:48, the
// 31st is skipped, so ring 3 starts on New Year's Day. On the estimate
// the last window ends two minutes before its close, and its top passes
// it; every window planned on its top takes one window more.
func ExampleCalendar() {
	tokyo, err := plan.LoadZone("Asia/Tokyo")
	if err != nil {
		fmt.Println(err)
		return
	}
	start, _ := plan.ParseStart("2026-12-24T22:00", tokyo)
	days, _ := plan.ParseWeekdays("weekdays")
	skip, _ := plan.ParseDates("2026-12-31")
	rings, _ := plan.ParseRings("50,10%,100%")
	a, err := plan.Ask(estimate.Default(), plan.Request{
		Patches:  []string{"KB899588", "KB937894", "KB885881"},
		Fleet:    []plan.Group{{Platform: "XP", Hosts: 3000}, {Platform: "2000", Hosts: 800}, {Platform: "2003", Hosts: 150}},
		Consoles: plan.Counts(4),
		Window:   2 * time.Hour,
		Calendar: &plan.Calendar{Start: start, Days: days, Skip: skip, Rings: rings, Soak: 48 * time.Hour},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := a.Schedule
	for _, w := range s.Slots {
		fmt.Printf("ring %d  %s–%s  end %s  top %s  %4d hosts", w.Ring, w.Start.Format("Mon 01-02 15:04"), w.Close.Format("15:04"),
			w.End.Format("15:04"), w.Top.Format("15:04"), w.Hosts)
		for _, b := range w.Batches {
			fmt.Printf(" %s=%d", b.Platform, b.Hosts)
		}
		fmt.Printf("  %5.1f%%\n", w.Percent)
	}
	fmt.Println("done:", s.Finish.Format("Mon 2006-01-02 15:04 MST"))
	fmt.Println("every window on its top:", len(s.TopSlots), "windows, done", s.FinishTop.Format("Mon 2006-01-02 15:04 MST"))
	// Output:
	// ring 1  Thu 12-24 22:00–00:00  end 23:20  top 23:22    50 hosts XP=38 2000=10 2003=2    1.3%
	// ring 2  Mon 12-28 22:00–00:00  end 23:48  top 23:51   395 hosts XP=300 2000=80 2003=15   11.3%
	// ring 3  Fri 01-01 22:00–00:00  end 23:58  top 00:01   502 hosts XP=381 2000=102 2003=19   24.0%
	// ring 3  Mon 01-04 22:00–00:00  end 23:58  top 00:01   502 hosts XP=381 2000=102 2003=19   36.7%
	// ring 3  Tue 01-05 22:00–00:00  end 23:58  top 00:00   501 hosts XP=380 2000=102 2003=19   49.4%
	// ring 3  Wed 01-06 22:00–00:00  end 23:58  top 00:00   500 hosts XP=380 2000=101 2003=19   62.0%
	// ring 3  Thu 01-07 22:00–00:00  end 23:58  top 00:00   500 hosts XP=380 2000=101 2003=19   74.7%
	// ring 3  Fri 01-08 22:00–00:00  end 23:58  top 00:00   500 hosts XP=380 2000=101 2003=19   87.3%
	// ring 3  Mon 01-11 22:00–00:00  end 23:58  top 00:00   500 hosts XP=380 2000=101 2003=19  100.0%
	// done: Mon 2027-01-11 23:58 JST
	// every window on its top: 10 windows, done Tue 2027-01-12 23:54 JST
}
