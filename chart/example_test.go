package chart_test

import (
	"bytes"
	"fmt"
	"image/png"

	"github.com/patchtime/patchtime/chart"
	"github.com/patchtime/patchtime/estimate"
)

// Drawing a patch's curves, with the fleet asked for marked, as a PNG.
func ExampleNew() {
	curves, err := estimate.Default().Curves("KB937894", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	e, _ := curves[0].Estimate(estimate.Scenario{Hosts: 1200})
	p, err := chart.New(curves, chart.Options{Title: "KB937894 (MS07-065)", Marks: []chart.Mark{{Curve: curves[0], Scenario: e.Scenario}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	var b bytes.Buffer
	if err := chart.Write(&b, p, "png", 800, 450); err != nil {
		fmt.Println(err)
		return
	}
	img, err := png.Decode(&b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(img.Bounds().Dx(), "×", img.Bounds().Dy(), "pixels;", chart.Label(curves[0].Series()))
	// Output: 800 × 450 pixels; KB937894 Windows 2000 SP4
}
