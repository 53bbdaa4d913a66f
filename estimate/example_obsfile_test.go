package estimate_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/patchtime/patchtime/estimate"
)

func ExampleReadObservationFile() {
	// The command's CSV for a mixed fleet (estimate --patch KB899588
	// --hosts XP=300,2000=900 --consoles 1,2 --format csv), with the
	// minutes each part took typed over the estimates; the totals and the
	// other estimate columns are left as printed.
	text := `patch,bulletin,platform,console,hosts,consoles,minutes,low_minutes,high_minutes,duration,extrapolated,row,windows,window_minutes,fits,interval_of
KB899588,MS05-039,Windows XP SP1/SP1a/SP2,UpdateEXPERT 6.1,300,1,76.01,59.72,61.03,1時間,false,part,,,,lab
KB899588,MS05-039,Windows 2000 SP4,UpdateEXPERT 6.1,900,1,202.28,159.89,162.91,2時間41分,true,part,,,,lab
,,,,1200,1,221.78,219.61,223.94,3時間42分,true,total,,,,
KB899588,MS05-039,Windows XP SP1/SP1a/SP2,UpdateEXPERT 6.1,300,2,44.44,34.47,35.78,35分,false,part,,,,lab
KB899588,MS05-039,Windows 2000 SP4,UpdateEXPERT 6.1,900,2,107.57,84.85,86.42,1時間26分,false,part,,,,lab
,,,,1200,2,120.76,119.32,122.19,2時間1分,false,total,,,,
`
	f, err := estimate.ReadObservationFile(strings.NewReader(text))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f)
	for _, s := range f.Skipped {
		fmt.Println(s)
	}
	cal, err := estimate.Default().Calibrate(f.Observations)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("per-host time ×%.3f, setup %+.2f min\n", cal.Speed(), cal.Offset())
	// Output:
	// 4 rollouts (lines 2–3, 5–6; skipped 2 total rows, lines 4, 7)
	// line 4: total row: a sum over a bundle's or mixed fleet's parts, not one rollout
	// line 7: total row: a sum over a bundle's or mixed fleet's parts, not one rollout
	// per-host time ×1.250, setup +3.00 min
}
