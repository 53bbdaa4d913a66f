package estimate_test

import (
	"fmt"
	"os"

	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/estimate"
)

// Reading a HotFix Alert page into a catalog: its tables join the
// embedded ones, and its patch can be estimated like theirs.
func ExampleFromBulletin() {
	f, err := os.Open("../testdata/bulletins/plain.txt") // a page we wrote in the bulletins' layout
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	b, err := bulletin.Parse(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	obs, err := estimate.FromBulletin(b, "plain.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	cat, err := estimate.Default().With(obs)
	if err != nil {
		fmt.Println(err)
		return
	}
	curves, err := cat.Curves(b.ID, "2000")
	if err != nil {
		fmt.Println(err)
		return
	}
	e, _ := curves[0].Estimate(estimate.Scenario{Hosts: 1000})
	fmt.Printf("%s: %d rows read; %s at 1000 hosts: %.1f min\n", b.ID, len(obs), curves[0].Series().Platform, e.Minutes)
	// Output: MS06-031: 8 rows read; Windows 2000 SP4 at 1000 hosts: 174.2 min
}
