package estimate_test

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/estimate"
)

func ExampleCurve_Estimate() {
	curves, err := estimate.Default().Curves("KB899588", "XP")
	if err != nil {
		log.Fatal(err)
	}
	e, err := curves[0].Estimate(estimate.Scenario{Hosts: 1200})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(curves[0])
	fmt.Printf("%d hosts: %.1f minutes = %s (extrapolated: %v)\n",
		e.Hosts, e.Minutes, bulletin.FormatDuration(e.Duration()), e.Extrapolated)
	// Output:
	// KB899588 Windows XP SP1/SP1a/SP2 (UpdateEXPERT 6.1): 9.87 min + 0.1684 min/host
	// 1200 hosts: 211.9 minutes = 3時間32分 (extrapolated: true)
}

func ExampleCatalog_Select() {
	_, err := estimate.Default().Select("KB89958", "")
	fmt.Println(err)
	// Output: unknown patch "KB89958" (did you mean KB899588?)
}

func ExampleReadCatalog() {
	// A site's own catalog: only kb, consoles, hosts and minutes are needed.
	text := `kb,consoles,hosts,minutes
KB123456,1,40,15
KB123456,1,400,75
`
	cat, err := estimate.ReadCatalog(strings.NewReader(text))
	if err != nil {
		log.Fatal(err)
	}
	curves, err := cat.Curves("123456", "")
	if err != nil {
		log.Fatal(err)
	}
	e, _ := curves[0].Estimate(estimate.Scenario{Hosts: 1000})
	fmt.Printf("%.1f minutes\n", e.Minutes)
	// Output: 175.0 minutes
}

func ExampleCSVWriter() {
	curves, err := estimate.Default().Curves("MS07-065", "XP")
	if err != nil {
		log.Fatal(err)
	}
	w := estimate.NewCSVWriter(os.Stdout)
	for _, hosts := range []int{100, 2000} {
		e, err := curves[0].Estimate(estimate.Scenario{Hosts: hosts})
		if err != nil {
			log.Fatal(err)
		}
		w.Write(estimate.NewRow(curves[0], e))
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// patch,bulletin,platform,console,hosts,consoles,minutes,low_minutes,high_minutes,duration,extrapolated,row,windows,window_minutes,fits,interval_of
	// KB937894,MS07-065,Windows XP SP2,UpdateEXPERT 6.1,100,1,26.67,25.99,27.36,27分,false,part,,,,lab
	// KB937894,MS07-065,Windows XP SP2,UpdateEXPERT 6.1,2000,1,350.84,347.19,354.49,5時間51分,true,part,,,,lab
}
