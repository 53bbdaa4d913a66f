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
	ch, err := chart.New(curves, chart.Options{
		Marks: []chart.Mark{{Curve: curves[0], Scenario: estimate.Scenario{Hosts: 1200}}},
		Lang:  "en",
		Font:  chart.DefaultFont(), // the same picture on every machine
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var b bytes.Buffer
	if err := chart.Write(&b, ch, "png", 800, 450); err != nil {
		fmt.Println(err)
		return
	}
	img, err := png.Decode(&b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(img.Bounds().Dx(), "×", img.Bounds().Dy(), "pixels:", ch.Title)
	for _, e := range ch.Legend {
		fmt.Println("-", e.Text)
	}
	// Output:
	// 800 × 450 pixels: KB937894 (MS07-065): estimated rollout time
	// - KB937894 Windows 2000 SP4
	// - KB937894 Windows XP SP2
	// - extrapolated: outside 50–500 hosts per console
	// - asked fleet (label: hosts, estimate)
	// - line: fitted (dashed where extrapolated); band: 95% prediction interval; dots: published or observed times
}

// Identical tables (KB899588 prints one for three platforms) are drawn
// once, and their legend entry names them all. With the bundled fonts,
// which have no Japanese, "SP未適用" is shown as "no SP".
func ExampleNew_identical() {
	curves, _ := estimate.Default().Curves("KB899588", "")
	ch, err := chart.New(curves, chart.Options{Lang: "en", Font: chart.DefaultFont()})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(ch.Legend[0].Curves), "curves:", ch.Legend[0].Text)
	// Output:
	// 3 curves: KB899588 Windows 2000 SP4, Windows XP SP1/SP1a/SP2, Windows Server 2003 no SP/SP1 (one table, one line)
}
