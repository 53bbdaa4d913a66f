package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	stddraw "image/draw"
	"image/png"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/patchtime/patchtime/estimate"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

func curves(t *testing.T, patch, platform string) []*estimate.Curve {
	t.Helper()
	cs, err := estimate.Default().Curves(patch, platform)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func setupCurve(t *testing.T, kb string) *estimate.Curve {
	t.Helper()
	pool, err := estimate.Default().Pool("UpdateEXPERT 6.1")
	if err != nil {
		t.Fatal(err)
	}
	c, err := pool.Patch(kb, 12*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// bundled draws with the bundled fonts only, the same on every machine.
func bundled(o Options) Options {
	o.Font = DefaultFont()
	return o
}

func mark(c *estimate.Curve, hosts, consoles int) Mark {
	return Mark{Curve: c, Scenario: estimate.Scenario{Hosts: hosts, Scaling: estimate.Scaling{Consoles: consoles}}}
}

// kinds are the charts the command draws, by name.
func kinds(t *testing.T) map[string]struct {
	curves []*estimate.Curve
	o      Options
} {
	t.Helper()
	kb899588, kb937894 := curves(t, "KB899588", ""), curves(t, "KB937894", "")
	xp := []*estimate.Curve{kb899588[1], kb937894[1]}
	mixed := []*estimate.Curve{kb899588[1], kb899588[0], kb937894[1], kb937894[0]}
	setup := setupCurve(t, "")
	return map[string]struct {
		curves []*estimate.Curve
		o      Options
	}{
		"patch":     {kb899588, Options{Marks: []Mark{mark(kb899588[0], 1200, 1), mark(kb899588[1], 1200, 1), mark(kb899588[2], 1200, 1)}}},
		"two rows":  {kb937894, Options{Marks: []Mark{mark(kb937894[0], 1200, 1)}}},
		"bundle":    {xp, Options{Rollout: true, Marks: []Mark{mark(xp[0], 800, 2), mark(xp[1], 800, 2)}}},
		"mixed":     {mixed, Options{Rollout: true, Fleet: "XP=3000, 2000=800", Marks: []Mark{mark(mixed[0], 3000, 1), mark(mixed[1], 800, 1), mark(mixed[2], 3000, 1), mark(mixed[3], 800, 1)}}},
		"setup":     {[]*estimate.Curve{setup}, Options{Marks: []Mark{mark(setup, 1000, 1)}}},
		"named":     {[]*estimate.Curve{setupCurve(t, "KB999001")}, Options{}},
		"window":    {kb899588[1:2], Options{Window: 120, Marks: []Mark{mark(kb899588[1], 1200, 2)}}},
		"no marks":  {curves(t, "KB885881", ""), Options{}},
		"consoles":  {kb899588[1:2], Options{Marks: []Mark{mark(kb899588[1], 1200, 1), mark(kb899588[1], 1200, 2), mark(kb899588[1], 1200, 4)}}},
		"long name": {kb899588, Options{Title: strings.Repeat("a long title that must wrap ", 8)}},
	}
}

func TestPNGOfTheAskedSize(t *testing.T) {
	cs := curves(t, "KB937894", "")
	ch, err := New(cs, bundled(Options{Marks: []Mark{mark(cs[0], 1200, 2)}}))
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{640, 400}, {1200, 300}, {100, 100}} {
		var b bytes.Buffer
		if err := Write(&b, ch, "png", size[0], size[1]); err != nil {
			t.Fatal(err)
		}
		cfg, format, err := image.DecodeConfig(&b)
		if err != nil || format != "png" {
			t.Fatalf("not a PNG: %v, %q", err, format)
		}
		if cfg.Width != size[0] || cfg.Height != size[1] {
			t.Errorf("PNG is %d×%d, asked %d×%d", cfg.Width, cfg.Height, size[0], size[1])
		}
	}
}

// TestPNGDeterministic: the same chart gives the same bytes, so that the
// README's picture can be checked against its command.
func TestPNGDeterministic(t *testing.T) {
	var out [2][]byte
	for i := range out {
		cs := curves(t, "KB937894", "")
		ch, err := New(cs, bundled(Options{Marks: []Mark{mark(cs[0], 1200, 1)}}))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := Write(&b, ch, "png", 800, 450); err != nil {
			t.Fatal(err)
		}
		out[i] = b.Bytes()
	}
	if !bytes.Equal(out[0], out[1]) {
		t.Error("two drawings of the same chart differ")
	}
}

func TestSVGOfTheAskedSize(t *testing.T) {
	ch, err := New(curves(t, "KB899588", ""), bundled(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Write(&b, ch, "svg", 800, 500); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		Width   string   `xml:"width,attr"`
		Height  string   `xml:"height,attr"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	// 800×500 pixels at 96 DPI are 600×375 points.
	w, _ := strconv.ParseFloat(strings.TrimSuffix(doc.Width, "pt"), 64)
	h, _ := strconv.ParseFloat(strings.TrimSuffix(doc.Height, "pt"), 64)
	if doc.XMLName.Local != "svg" || w != 600 || h != 375 {
		t.Errorf("SVG %s × %s, want 600pt × 375pt", doc.Width, doc.Height)
	}
	// The axes are labelled, the extrapolated region and the band named.
	for _, text := range []string{"hosts per console", "rollout time", "extrapolated", "prediction interval", "KB899588 (MS05-039)"} {
		if !bytes.Contains(b.Bytes(), []byte(text)) {
			t.Errorf("the SVG has no %q", text)
		}
	}
}

func TestErrors(t *testing.T) {
	if _, err := New(nil, Options{}); err == nil {
		t.Error("New with no curves gave no error")
	}
	if _, err := New([]*estimate.Curve{nil}, Options{}); err == nil {
		t.Error("New with a nil curve gave no error")
	}
	if _, err := New(curves(t, "KB885881", ""), Options{Lang: "fr"}); err == nil {
		t.Error("New in French gave no error")
	}
	ch, err := New(curves(t, "KB885881", ""), bundled(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, tc := range []struct {
		format string
		w, h   int
	}{{"gif", 800, 500}, {"png", 10, 500}, {"svg", 800, 20000}} {
		if err := Write(&b, ch, tc.format, tc.w, tc.h); err == nil {
			t.Errorf("Write(%s, %d×%d) gave no error", tc.format, tc.w, tc.h)
		}
	}
}

// TestIdenticalCurvesDrawnOnce: KB899588's three platform rows have the
// same published table. They are one series: one legend entry naming
// all three, and one colour on the picture; KB937894's two rows differ
// and get two.
func TestIdenticalCurvesDrawnOnce(t *testing.T) {
	cs := curves(t, "KB899588", "")
	if len(cs) != 3 {
		t.Fatalf("KB899588 has %d curves, want 3", len(cs))
	}
	ch, err := New(cs, bundled(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var named []Entry
	for _, e := range ch.Legend {
		if len(e.Curves) > 0 {
			named = append(named, e)
		}
	}
	if len(named) != 1 || len(named[0].Curves) != 3 {
		t.Fatalf("legend %+v: want one entry for the three curves", named)
	}
	for _, platform := range []string{"Windows 2000 SP4", "Windows XP SP1/SP1a/SP2", "Windows Server 2003 no SP/SP1"} {
		if !strings.Contains(named[0].Text, platform) {
			t.Errorf("legend entry %q does not name %s", named[0].Text, platform)
		}
	}
	svg := func(ch *Chart) string {
		var b bytes.Buffer
		if err := Write(&b, ch, "svg", 800, 500); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	hex := func(c color.NRGBA) string { return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B) }
	if s := svg(ch); !strings.Contains(s, hex(palette[0])) || strings.Contains(s, hex(palette[1])) {
		t.Errorf("identical curves: want the first colour only (%s in it: %v, %s: %v)", hex(palette[0]), strings.Contains(s, hex(palette[0])), hex(palette[1]), strings.Contains(s, hex(palette[1])))
	}
	two, err := New(curves(t, "KB937894", ""), bundled(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if s := svg(two); !strings.Contains(s, hex(palette[1])) || len(two.Legend) < 2 || len(two.Legend[0].Curves) != 1 || len(two.Legend[1].Curves) != 1 {
		t.Errorf("KB937894's two different rows: want two entries and two colours, got %+v", two.Legend)
	}
}

// render draws ch as a PNG and returns the image with the layout, in
// pixels from the top left.
func render(t *testing.T, ch *Chart, w, h int) (*image.RGBA, Layout) {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, ch, "png", w, h); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	rgba := image.NewRGBA(img.Bounds())
	stddraw.Draw(rgba, rgba.Bounds(), img, image.Point{}, stddraw.Src)
	return rgba, ch.Layout(canvas(w, h))
}

func canvas(w, h int) draw.Canvas {
	return draw.New(vgimg.NewWith(vgimg.UseWH(vg.Length(w)*vg.Inch/DPI, vg.Length(h)*vg.Inch/DPI), vgimg.UseDPI(DPI)))
}

// px converts a point of the layout to a pixel of an image h pixels high.
func px(p vg.Point, h int) image.Point {
	return image.Point{X: int(float64(p.X) * DPI / 72), Y: h - int(float64(p.Y)*DPI/72)}
}

// TestEveryCurveVisible: on the mixed fleet's picture, where four
// nearly equal curves lie on top of each other, each series' colour
// shows on many pixels of the data area.
func TestEveryCurveVisible(t *testing.T) {
	k := kinds(t)["mixed"]
	ch, err := New(k.curves, bundled(k.o))
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 800, 500
	img, l := render(t, ch, w, h)
	lo, hi := px(vg.Point{X: l.Data.Min.X, Y: l.Data.Max.Y}, h), px(vg.Point{X: l.Data.Max.X, Y: l.Data.Min.Y}, h)
	series := 0
	for _, e := range ch.Legend {
		if len(e.Curves) == 0 {
			continue
		}
		series++
		want := e.Thumb.(seriesThumb).line.Color.(color.NRGBA)
		n := 0
		for y := lo.Y; y < hi.Y; y++ {
			for x := lo.X; x < hi.X; x++ {
				c := img.RGBAAt(x, y)
				if absDiff(c.R, want.R)+absDiff(c.G, want.G)+absDiff(c.B, want.B) < 40 {
					n++
				}
			}
		}
		if n < 300 {
			t.Errorf("%s: %d pixels of its colour in the data area, want at least 300", e.Text, n)
		}
	}
	if series != 3 { // KB899588's XP and 2000 rows are one table
		t.Errorf("%d series, want 3", series)
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// TestMarksOnTop: each asked fleet's mark is drawn above the band and the
// lines: the pixel at its centre is the mark's.
func TestMarksOnTop(t *testing.T) {
	for _, name := range []string{"patch", "bundle", "setup", "window"} {
		k := kinds(t)[name]
		ch, err := New(k.curves, bundled(k.o))
		if err != nil {
			t.Fatal(err)
		}
		const w, h = 800, 500
		img, l := render(t, ch, w, h)
		for _, m := range k.o.Marks {
			e, err := m.Curve.Estimate(m.Scenario)
			if err != nil {
				t.Fatal(err)
			}
			x := l.Data.Min.X + vg.Length(ch.Plot.X.Norm(m.Curve.Load(m.Scenario)))*l.Data.Size().X
			y := l.Data.Min.Y + vg.Length(ch.Plot.Y.Norm(e.Minutes))*l.Data.Size().Y
			p := px(vg.Point{X: x, Y: y}, h)
			c := img.RGBAAt(p.X, p.Y)
			want := markGlyph.fill.(color.NRGBA)
			if absDiff(c.R, want.R)+absDiff(c.G, want.G)+absDiff(c.B, want.B) > 30 {
				t.Errorf("%s: the pixel at the mark of %d hosts is %v, not the mark's %v", name, m.Scenario.Hosts, c, want)
			}
		}
	}
}

func overlap(a, b vg.Rectangle) bool {
	return a.Min.X < b.Max.X && b.Min.X < a.Max.X && a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y
}

func within(r, outer vg.Rectangle) bool {
	const eps = 1e-6
	return r.Min.X >= outer.Min.X-eps && r.Min.Y >= outer.Min.Y-eps && r.Max.X <= outer.Max.X+eps && r.Max.Y <= outer.Max.Y+eps
}

// TestLegendOutsideTheData: on every kind of chart and size, the legend
// lies below the plot, inside the picture, its entries apart; the title
// lies above the plot; the data area is not empty.
func TestLegendOutsideTheData(t *testing.T) {
	for name, k := range kinds(t) {
		for _, lang := range []string{"en", "ja"} {
			o := k.o
			o.Lang = lang
			ch, err := New(k.curves, o) // with a Japanese font where the machine has one
			if err != nil {
				t.Fatal(err)
			}
			checkLayout(t, ch, fmt.Sprintf("%s, %s", name, lang))
		}
	}
}

// TestSwatchesMatch: each series' swatch is drawn with its line's style,
// its band's colour and transparency, and its points' shape; the marks'
// swatch with the marks' glyph.
func TestSwatchesMatch(t *testing.T) {
	k := kinds(t)["mixed"]
	ch, err := New(k.curves, bundled(k.o))
	if err != nil {
		t.Fatal(err)
	}
	var styles []curveStyle
	for _, e := range ch.Legend {
		if len(e.Curves) == 0 {
			continue
		}
		th, ok := e.Thumb.(seriesThumb)
		if !ok {
			t.Fatalf("%s: swatch %T", e.Text, e.Thumb)
		}
		st := curveStyle{color: th.line.Color.(color.NRGBA)}
		if th.band != st.band() || !th.hasBand || th.glyph == nil || th.glyph.fill != th.line.Color {
			t.Errorf("%s: swatch %+v does not match its line %v", e.Text, th, th.line.Color)
		}
		styles = append(styles, st)
	}
	// Draw a swatch and the plot: the band's colour in the swatch is the
	// band's over white.
	const w, h = 800, 500
	img, l := render(t, ch, w, h)
	for i, e := range l.Entries {
		if len(ch.Legend[i].Curves) == 0 {
			continue
		}
		// The swatch's top left corner: band only.
		p := px(vg.Point{X: e.Min.X + 2, Y: e.Max.Y - 2}, h)
		got := img.RGBAAt(p.X, p.Y)
		b := styles[i].band()
		a := float64(b.A) / 255
		want := func(c uint8) uint8 { return uint8(float64(c)*a + 255*(1-a) + 0.5) }
		if absDiff(got.R, want(b.R))+absDiff(got.G, want(b.G))+absDiff(got.B, want(b.B)) > 12 {
			t.Errorf("%s: swatch pixel %v, want the band's %v over white", ch.Legend[i].Text, got, b)
		}
	}
}

// TestTitleOnEveryChart: every kind of chart has a title, saying what
// it shows, in both languages (Japanese where a font has it).
func TestTitleOnEveryChart(t *testing.T) {
	for name, k := range kinds(t) {
		for _, lang := range []string{"en", "ja"} {
			o := k.o
			o.Lang = lang
			ch, err := New(k.curves, o)
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(ch.Title) == "" {
				t.Errorf("%s, %s: no title", name, lang)
			}
			if !ch.Font.CanDraw(ch.Title) {
				t.Errorf("%s, %s: title %q has characters %s cannot draw", name, lang, ch.Title, ch.Font)
			}
		}
	}
	en := func(name string) string {
		k := kinds(t)[name]
		ch, err := New(k.curves, bundled(k.o))
		if err != nil {
			t.Fatal(err)
		}
		return ch.Title
	}
	for name, want := range map[string]string{
		"patch":  "KB899588 (MS05-039)",
		"bundle": "Bundle KB899588 (MS05-039) + KB937894 (MS07-065)",
		"mixed":  "mixed fleet (XP=3000, 2000=800)",
		"setup":  "no table (setup 12m",
		"named":  "KB999001 (no table: setup 12m",
	} {
		if got := en(name); !strings.Contains(got, want) {
			t.Errorf("%s: title %q, want it to say %q", name, got, want)
		}
	}
}

// TestJapanese: in Japanese with a font that has it, the labels are in
// Japanese; with the bundled fonts only, in English, and every text the
// chart draws is one the font can draw.
func TestJapanese(t *testing.T) {
	cs := curves(t, "KB899588", "")
	ch, err := New(cs, bundled(Options{Lang: "ja", Marks: []Mark{mark(cs[2], 1200, 1)}}))
	if err != nil {
		t.Fatal(err)
	}
	if ch.Lang != "en" || ch.Font != DefaultFont() || !strings.Contains(ch.Title, "estimated rollout time") {
		t.Errorf("Japanese with the bundled fonts: lang %s, font %s, title %q; want English", ch.Lang, ch.Font, ch.Title)
	}
	for _, e := range ch.Legend {
		if !DefaultFont().CanDraw(e.Text) || strings.Contains(e.Text, "未適用") {
			t.Errorf("legend %q: not drawable with the bundled font", e.Text)
		}
	}
	t.Setenv(FontEnv, "none")
	if ch, err := New(cs, Options{Lang: "ja"}); err != nil || ch.Lang != "en" || ch.Font != DefaultFont() {
		t.Errorf("Japanese with %s=none: %v, lang %s, font %s; want English in the bundled font", FontEnv, err, ch.Lang, ch.Font)
	}
	t.Setenv(FontEnv, "")
	ja := FindFont()
	if ja == nil {
		t.Skip("no font with Japanese on this machine (install fonts-noto-cjk or fonts-ipafont-gothic, or set " + FontEnv + ")")
	}
	ch, err = New(cs, Options{Lang: "ja", Marks: []Mark{mark(cs[2], 1200, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Lang != "ja" || ch.Font != ja || !strings.Contains(ch.Title, "予想適用時間") {
		t.Errorf("Japanese with %s: lang %s, font %s, title %q", ja, ch.Lang, ch.Font, ch.Title)
	}
	names := ch.Legend[0].Text
	if !strings.Contains(names, "Windows Server 2003 SP未適用/SP1") {
		t.Errorf("legend %q: want the platform as printed", names)
	}
	for _, format := range []string{"png", "svg"} {
		var b bytes.Buffer
		if err := Write(&b, ch, format, 800, 500); err != nil {
			t.Errorf("%s in %s: %v", format, ja, err)
		}
		if format == "svg" && !strings.Contains(b.String(), "予想適用時間") {
			t.Errorf("the SVG has no Japanese")
		}
	}
	// English, with a name in Japanese: the font that can draw it.
	en, err := New(cs, Options{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if en.Font != ja || !strings.Contains(en.Legend[0].Text, "SP未適用") {
		t.Errorf("English with a Japanese name: font %s, legend %q", en.Font, en.Legend[0].Text)
	}
}

func TestPrintable(t *testing.T) {
	f := DefaultFont()
	for _, tc := range []struct{ in, want string }{
		{"Windows XP SP1/SP1a/SP2", "Windows XP SP1/SP1a/SP2"},
		{"Windows Server 2003 SP未適用/SP1", "Windows Server 2003 no SP/SP1"},
		{"ＸＰ　ＳＰ２", "XP SP2"},
		{"Windows 2000 日本語版", "Windows 2000 Japanese"},
		{"Windows 2000 (全エディション)", "Windows 2000 (" + Substitute + ")"},
		{"Ωμέγα Кириллица", "Ωμέγα Кириллица"}, // the bundled font has them
		{"漢字", Substitute},
	} {
		if got := Printable(tc.in, f); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := Printable(tc.in, f); !f.CanDraw(got) {
			t.Errorf("Printable(%q) = %q, which the font cannot draw", tc.in, got)
		}
	}
}

func TestWrap(t *testing.T) {
	ch, err := New(curves(t, "KB885881", ""), bundled(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	sty := ch.legend
	for _, s := range []string{
		"a short line",
		strings.Repeat("word ", 60),
		strings.Repeat("長い日本語の文、", 20),
		"averyveryveryverylongwordwithnospacesatallthatmustbebrokensomewhereinthemiddle",
	} {
		for _, width := range []vg.Length{60, 200, 600} {
			lines := wrap(s, sty, width)
			if got := strings.ReplaceAll(strings.Join(lines, ""), " ", ""); got != strings.ReplaceAll(s, " ", "") {
				t.Errorf("wrap(%q, %v) lost text: %q", s, width, lines)
			}
			for _, l := range lines {
				if sty.Width(l) > width && len([]rune(l)) > 1 {
					t.Errorf("wrap(%q, %v): line %q is %v wide", s, width, l, sty.Width(l))
				}
				if r := []rune(l); len(r) > 0 && strings.ContainsRune("、。)", r[0]) && len(lines) > 1 {
					t.Errorf("wrap(%q, %v): line %q starts with closing punctuation", s, width, l)
				}
			}
		}
	}
}

func TestTimeTicks(t *testing.T) {
	for _, tc := range []struct {
		hi   float64
		lang string
		want []string
	}{
		{130, "en", []string{"0", "30m", "1h", "1h30m", "2h"}},
		{300, "ja", []string{"0", "1時間", "2時間", "3時間", "4時間", "5時間"}},
		{50, "en", []string{"0", "10m", "20m", "30m", "40m", "50m"}},
	} {
		var got []string
		for _, tk := range (timeTicks{lang: tc.lang, most: 8}).Ticks(0, tc.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("ticks to %g %s: %q, want %q", tc.hi, tc.lang, got, tc.want)
		}
	}
	// Far out: days, still a few labels.
	if n := len((timeTicks{lang: "en", most: 8}).Ticks(0, 1e7)); n < 3 || n > 17 {
		t.Errorf("%d ticks to 10⁷ minutes", n)
	}
}

// checkLayout checks a chart's layout at five sizes: a data area, the
// legend below the plot and inside the picture, its entries apart and, on
// a picture 500 pixels high or more, all drawn; the title above the plot.
func checkLayout(t *testing.T, ch *Chart, name string) {
	t.Helper()
	for _, size := range [][2]int{{800, 500}, {640, 480}, {1200, 300}, {400, 300}, {1600, 1000}} {
		c := canvas(size[0], size[1])
		l := ch.Layout(c)
		where := fmt.Sprintf("%s, %d×%d", name, size[0], size[1])
		if l.Data.Size().X <= 0 || l.Data.Size().Y <= 0 {
			t.Errorf("%s: empty data area %v", where, l.Data)
		}
		if len(l.Entries) == 0 {
			t.Errorf("%s: no legend entry fits", where)
			continue
		}
		if overlap(l.Legend, l.Data) || overlap(l.Legend, l.Axes) || l.Legend.Max.Y > l.Axes.Min.Y {
			t.Errorf("%s: legend %v is not below the plot %v (data %v)", where, l.Legend, l.Axes, l.Data)
		}
		if !within(l.Legend, c.Rectangle) || !within(l.Axes, c.Rectangle) {
			t.Errorf("%s: legend %v or plot %v outside the picture %v", where, l.Legend, l.Axes, c.Rectangle)
		}
		if l.Title.Size().Y <= 0 || l.Title.Min.Y < l.Axes.Max.Y || !within(l.Title, c.Rectangle) {
			t.Errorf("%s: title %v not above the plot %v", where, l.Title, l.Axes)
		}
		for i := range l.Entries {
			for j := i + 1; j < len(l.Entries); j++ {
				if overlap(l.Entries[i], l.Entries[j]) {
					t.Errorf("%s: legend entries %d and %d overlap", where, i, j)
				}
			}
		}
		if size[1] >= 500 && len(l.Entries) != len(ch.Legend) {
			t.Errorf("%s: %d of %d legend entries drawn", where, len(l.Entries), len(ch.Legend))
		}
	}
}
