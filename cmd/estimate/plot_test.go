package main

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/patchtime/patchtime/chart"
)

// readmePicture finds the README's pictures and the commands beside them:
// ![…](docs/x.png) then (`go run ./cmd/estimate …`).
var readmePicture = regexp.MustCompile("!\\[[^\\]]*\\]\\((docs/[^)\\s]+\\.png)\\)\\s*\\(`go run \\./cmd/estimate ([^`]+)`\\)")

// TestREADMEPicture: each picture the README shows is what the command
// beside it draws, with the bundled fonts (PATCHTIME_FONT=none), so that
// it is the same on every machine. After an intended change to the
// pictures, redraw them with go test ./cmd/estimate -update and look at
// them. The PNG bytes are the same run after run; on a processor whose
// floating point rounds differently, pixels may differ by a few levels
// of anti-aliasing, which is allowed, and nothing more.
func TestREADMEPicture(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	found := readmePicture.FindAllSubmatch(readme, -1)
	if len(found) == 0 {
		t.Fatal("README.md shows no picture followed by the command that draws it: ![…](docs/x.png) then (`go run ./cmd/estimate … --plot docs/x.png`)")
	}
	t.Setenv(chart.FontEnv, "none")
	for _, m := range found {
		picture, command := string(m[1]), string(m[2])
		args := strings.Fields(command)
		out := filepath.Join(t.TempDir(), filepath.Base(picture))
		plotted := false
		for i := 0; i+1 < len(args); i++ {
			if args[i] == "--plot" && args[i+1] == picture {
				args[i+1], plotted = out, true
			}
		}
		if !plotted {
			t.Errorf("README: the command beside %s (%s) does not draw it with --plot %s", picture, command, picture)
			continue
		}
		if code, _, errOut := runCLI(args...); code != 0 {
			t.Fatalf("%s: exit %d, %s", command, code, errOut)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("../..", picture)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./cmd/estimate -update to draw it)", err)
		}
		if !bytes.Equal(got, want) {
			if diff := pixelDiff(t, got, want); diff != "" {
				t.Errorf("%s is not what its command draws (%s): %s; redraw it with go test ./cmd/estimate -update", picture, command, diff)
			}
		}
	}
}

// pixelDiff says how two PNGs differ beyond anti-aliasing: "" if every
// channel of every pixel is within 8 levels.
func pixelDiff(t *testing.T, a, b []byte) string {
	t.Helper()
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		return "not a PNG: " + err.Error()
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return "the committed picture is not a PNG: " + err.Error()
	}
	if ia.Bounds() != ib.Bounds() {
		return "sizes " + ia.Bounds().String() + " and " + ib.Bounds().String()
	}
	far := 0
	for y := ia.Bounds().Min.Y; y < ia.Bounds().Max.Y; y++ {
		for x := ia.Bounds().Min.X; x < ia.Bounds().Max.X; x++ {
			r1, g1, b1, a1 := ia.At(x, y).RGBA()
			r2, g2, b2, a2 := ib.At(x, y).RGBA()
			for _, d := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}, {a1, a2}} {
				if max(d[0], d[1])-min(d[0], d[1]) > 8*257 {
					far++
					break
				}
			}
		}
	}
	if far > 0 {
		return fmt.Sprintf("%d pixels differ", far)
	}
	return ""
}

var svgText = regexp.MustCompile(`<text[^>]*>([^<]*)</text>`)

// plotTexts runs the command with --plot to an SVG and returns the texts
// it draws, in order: the title's lines first.
func plotTexts(t *testing.T, args ...string) []string {
	t.Helper()
	svg := filepath.Join(t.TempDir(), "plot.svg")
	args = append(args, "--plot", svg, "--plot-size", "1600x1000")
	if code, _, errOut := runCLI(args...); code != 0 {
		t.Fatalf("%q: exit %d, %s", args, code, errOut)
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range svgText.FindAllSubmatch(b, -1) {
		texts = append(texts, html.UnescapeString(string(m[1])))
	}
	if len(texts) == 0 {
		t.Fatalf("%q: the SVG has no text", args)
	}
	return texts
}

// TestPlotTitles: every kind of plot the command draws has a title that
// says what it shows, --setup and rollouts included.
func TestPlotTitles(t *testing.T) {
	t.Setenv(chart.FontEnv, "none")
	for _, tc := range []struct {
		args  []string
		title string
	}{
		{[]string{"--patch", "KB899588", "--hosts", "1200"}, "KB899588 (MS05-039): estimated rollout time"},
		{[]string{"--setup", "12m", "--hosts", "1000"}, "A patch with no table (setup 12m + pooled per-host rate): estimated rollout time"},
		{[]string{"--setup", "KB999001=12m", "--hosts", "1000"}, "KB999001 (no table: setup 12m + pooled per-host rate)"},
		{[]string{"--patch", "KB899588,KB937894", "--platform", "xp", "--hosts", "800", "--consoles", "2"}, "Bundle KB899588 (MS05-039) + KB937894 (MS07-065): time of each part"},
		{[]string{"--patch", "KB899588,KB937894", "--hosts", "XP=3000,2000=800"}, "KB899588 (MS05-039) + KB937894 (MS07-065) on a mixed fleet (XP=3000, 2000=800)"},
		{[]string{"--patch", "KB899588", "--platform", "xp", "--window", "2h", "--consoles", "2"}, "KB899588 (MS05-039): estimated rollout time"},
	} {
		texts := plotTexts(t, append(tc.args, "--lang", "en")...)
		if !strings.HasPrefix(texts[0], tc.title) {
			t.Errorf("%q: title %q, want %q", tc.args, texts[0], tc.title)
		}
	}
}

// TestPlotWindow: a single patch's window is drawn as a line; a
// rollout's is not (it bounds the sum of the parts, which no curve
// shows).
func TestPlotWindow(t *testing.T) {
	t.Setenv(chart.FontEnv, "none")
	has := func(texts []string, s string) bool {
		for _, t := range texts {
			if t == s {
				return true
			}
		}
		return false
	}
	if texts := plotTexts(t, "--patch", "KB899588", "--platform", "xp", "--hosts", "1200", "--window", "2h", "--lang", "en"); !has(texts, "window 2h") {
		t.Errorf("single patch with --window 2h: no %q in %q", "window 2h", texts)
	}
	if texts := plotTexts(t, "--patch", "KB899588,KB937894", "--hosts", "XP=3000,2000=800", "--window", "4h", "--lang", "en"); has(texts, "window 4h") {
		t.Errorf("a rollout's window drawn on its parts' curves: %q", texts)
	}
}

// TestPlotJapanese: --lang ja with no Japanese font draws English labels
// and names the bundled font can draw; with one (where the machine has
// it), Japanese labels and the names as printed.
func TestPlotJapanese(t *testing.T) {
	args := []string{"--patch", "KB899588", "--hosts", "1200", "--lang", "ja"}
	t.Setenv(chart.FontEnv, "none")
	texts := plotTexts(t, args...)
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "hosts per console") || !strings.Contains(all, "Windows Server 2003 no SP/SP1") {
		t.Errorf("--lang ja, no Japanese font: want English labels, got %q", texts)
	}
	for _, s := range texts {
		if !chart.DefaultFont().CanDraw(s) {
			t.Errorf("--lang ja, no Japanese font: %q has characters the bundled font cannot draw", s)
		}
	}
	t.Setenv(chart.FontEnv, "")
	f := chart.FindFont()
	if f == nil {
		t.Skip("no font with Japanese on this machine (install fonts-noto-cjk or fonts-ipafont-gothic)")
	}
	all = strings.Join(plotTexts(t, args...), "\n")
	for _, want := range []string{"KB899588 (MS05-039) の予想適用時間", "コンソール1台あたりの台数", "Windows Server 2003 SP未適用/SP1", "1,200台: 3時間32分"} {
		if !strings.Contains(all, want) {
			t.Errorf("--lang ja with %s: no %q in the SVG", f, want)
		}
	}
}

// TestPlotPNGIsDecodable: the picture is a PNG of the asked size for
// every kind of plot, in both languages.
func TestPlotPNGIsDecodable(t *testing.T) {
	for _, args := range [][]string{
		{"--patch", "KB899588", "--hosts", "1200"},
		{"--setup", "12m", "--hosts", "1000", "--lang", "en"},
		{"--patch", "KB899588,KB937894", "--hosts", "XP=3000,2000=800"},
		{"--patch", "KB899588", "--platform", "xp", "--hosts", "100:5000:100", "--lang", "en"},
	} {
		out := filepath.Join(t.TempDir(), "plot.png")
		if code, _, errOut := runCLI(append(args, "--plot", out, "--plot-size", "640x400")...); code != 0 {
			t.Fatalf("%q: exit %d, %s", args, code, errOut)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		cfg, format, err := image.DecodeConfig(f)
		f.Close()
		if err != nil || format != "png" || cfg.Width != 640 || cfg.Height != 400 {
			t.Errorf("%q: %v, %s %d×%d; want a 640×400 PNG", args, err, format, cfg.Width, cfg.Height)
		}
	}
}
