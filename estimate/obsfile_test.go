package estimate

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/japanese"
	"gonum.org/v1/gonum/mat"
)

// The published curves of KB937894 by hand, the least-squares lines
// through its cells at 50, 100, 250 and 500 hosts (Σ(x−x̄)² = 122500):
// XP SP2 18, 27, 52, 95 min gives b = 20900/122500 = 209/1225 and
// a = 48 − 225·b = 471/49; 2000 SP4 19, 27, 53, 95 gives b = 20750/122500
// = 83/490 and a = 48.5 − 225·b = 509/49. KB899588's three platforms are
// handA, handB.
const (
	handA937894XP   = 471.0 / 49
	handB937894XP   = 209.0 / 1225
	handA937894W2K  = 509.0 / 49
	handB937894W2K  = 83.0 / 490
	obsDir          = "../testdata/observations/"
	estimateHeader  = "patch,bulletin,platform,console,hosts,consoles,minutes,low_minutes,high_minutes,duration,extrapolated,row,windows,window_minutes,fits,interval_of\n"
	roundingOfTyped = 0.005 // the fixtures' minutes are typed to 0.01 min
)

// TestObservationFileSameAsSite: estimate-site.csv is the command's CSV
// for the rollouts of site.csv, their minutes typed over the estimates.
// It holds the same rollouts as site.csv, so it calibrates to the same
// numbers (README: ×1.250, +2.98 min, σ 0.0389, κ 0.00135).
func TestObservationFileSameAsSite(t *testing.T) {
	f, err := LoadObservationFile(obsDir + "estimate-site.csv")
	if err != nil {
		t.Fatal(err)
	}
	if f.File != obsDir+"estimate-site.csv" || len(f.Skipped) != 0 {
		t.Errorf("File %q, skipped %v; want the file's name and none skipped", f.File, f.Skipped)
	}
	if got := f.Used().String(); got != "2–10" {
		t.Errorf("used lines %s, want 2–10", got)
	}
	if got, want := f.String(), "9 rollouts (lines 2–10 of ../testdata/observations/estimate-site.csv)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	site, err := LoadObservations(obsDir + "site.csv")
	if err != nil {
		t.Fatal(err)
	}
	type rollout struct{ hosts, consoles int }
	minutes := map[rollout]float64{}
	for _, o := range site {
		minutes[rollout{o.Hosts, o.Consoles}] = o.Minutes
	}
	for _, o := range f.Observations {
		m, ok := minutes[rollout{o.Hosts, o.Consoles}]
		if !ok || o.Minutes != m || o.KB != "KB899588" || o.Platform != "Windows XP SP1/SP1a/SP2" ||
			o.Bulletin != "MS05-039" || o.Console != "UpdateEXPERT 6.1" || o.Source != "" || o.File != f.File {
			t.Errorf("line %d: %+v; want site.csv's %d hosts on %d consoles, %v min, as the command names them, no source", o.Line, o, o.Hosts, o.Consoles, m)
		}
		delete(minutes, rollout{o.Hosts, o.Consoles})
	}
	if len(minutes) != 0 {
		t.Errorf("rollouts of site.csv not in the command's CSV: %v", minutes)
	}
	want, err := Default().Calibrate(site)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Default().Calibrate(f.Observations)
	if err != nil {
		t.Fatal(err)
	}
	if got.N() != 9 || !got.Scaling() {
		t.Errorf("N, Scaling = %d, %v; want 9, true", got.N(), got.Scaling())
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"speed", got.Speed(), want.Speed()}, {"speed SE", got.SpeedSE(), want.SpeedSE()},
		{"offset", got.Offset(), want.Offset()}, {"offset SE", got.OffsetSE(), want.OffsetSE()},
		{"σ", got.Contention(), want.Contention()}, {"κ", got.Coherency(), want.Coherency()},
		{"RMSE", got.RMSE(), want.RMSE()},
	} {
		if !near(c.got, c.want, 1e-12) {
			t.Errorf("%s = %v from the command's CSV, %v from site.csv", c.name, c.got, c.want)
		}
	}
	// And both near the truth the fixture was made with, as README says.
	if math.Abs(got.Speed()-1.25) > 2*got.SpeedSE() || math.Abs(got.Offset()-3) > 2*got.OffsetSE() {
		t.Errorf("speed %v ± %v, offset %v ± %v; the fixture was made with 1.25 and 3", got.Speed(), got.SpeedSE(), got.Offset(), got.OffsetSE())
	}
}

// bundlePart is a part row of estimate-bundle.csv: the command's CSV for
// estimate --patch KB899588,KB937894 --setup FIX-1=12m --hosts
// XP=300,2000=900 --consoles 1,2,4 --format csv. Each console count
// makes a block of 7 lines: the four parts of the two patches on the two
// platforms, FIX-1 on each platform (no table), and the total.
type bundlePart struct {
	kb, platform string
	hosts        int
	a, b         float64 // the published curve, by hand
}

var bundleParts = []bundlePart{
	{"KB899588", "Windows XP SP1/SP1a/SP2", 300, handA, handB},
	{"KB899588", "Windows 2000 SP4", 900, handA, handB},
	{"KB937894", "Windows XP SP2", 300, handA937894XP, handB937894XP},
	{"KB937894", "Windows 2000 SP4", 900, handA937894W2K, handB937894W2K},
}

// The site estimate-bundle.csv's minutes were made for: 1.25 times the
// published per-host time, 3 minutes more setup, σ = 0.04, κ = 0.001, no
// scatter, typed to 0.01 minute.
const (
	bundleSpeed, bundleOffset, bundleSigma, bundleKappa = 1.25, 3.0, 0.04, 0.001
)

func bundleMinutes(p bundlePart, consoles int) float64 {
	load, c := float64((p.hosts+consoles-1)/consoles), float64(consoles)
	return p.a + bundleOffset + bundleSpeed*p.b*load*(1+bundleSigma*(c-1)+bundleKappa*c*(c-1))
}

// TestObservationFileBundle: the parts of a bundle on a mixed fleet are
// used, its totals and its patch with no table skipped, each with its
// line; the calibration finds the site the minutes were made for, to
// within what typing them to 0.01 minute can move it.
func TestObservationFileBundle(t *testing.T) {
	f, err := LoadObservationFile(obsDir + "estimate-bundle.csv")
	if err != nil {
		t.Fatal(err)
	}
	var wantUsed Lines
	var wantSkipped []Skipped
	for block := range 3 { // 1, 2 and 4 consoles
		first := 2 + 7*block
		for i := range bundleParts {
			wantUsed = append(wantUsed, first+i)
		}
		wantSkipped = append(wantSkipped,
			Skipped{Line: first + 4, Reason: SkipNoTable, Patch: "FIX-1"},
			Skipped{Line: first + 5, Reason: SkipNoTable, Patch: "FIX-1"},
			Skipped{Line: first + 6, Reason: SkipTotal})
	}
	if diff := cmp.Diff(wantUsed, f.Used()); diff != "" {
		t.Errorf("lines used (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantSkipped, f.Skipped); diff != "" {
		t.Errorf("rows skipped (-want +got):\n%s", diff)
	}
	if got := f.SkippedLines(SkipTotal).String(); got != "8, 15, 22" {
		t.Errorf("total rows on lines %s, want 8, 15, 22", got)
	}
	if got := f.SkippedLines(SkipNoTable).String(); got != "6–7, 13–14, 20–21" {
		t.Errorf("rows with no table on lines %s, want 6–7, 13–14, 20–21", got)
	}
	if f.SkippedLines(SkipNotApplicable) != nil {
		t.Errorf("not-applicable rows %v, want none", f.SkippedLines(SkipNotApplicable))
	}
	want := "12 rollouts (lines 2–5, 9–12, 16–19 of ../testdata/observations/estimate-bundle.csv; " +
		"skipped 3 total rows, lines 8, 15, 22; 6 rows of patches with no table, lines 6–7, 13–14, 20–21)"
	if got := f.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	for s, want := range map[Skipped]string{
		f.Skipped[0]: `line 6: patch "FIX-1" is not a KB number: a patch with no table (--setup) has no curve to calibrate against`,
		f.Skipped[2]: "line 8: total row: a sum over a bundle's or mixed fleet's parts, not one rollout",
	} {
		if got := s.String(); got != want {
			t.Errorf("Skipped.String() = %q, want %q", got, want)
		}
	}

	// The fixture is what it says: each part's minutes are the site's
	// time, typed to 0.01 minute.
	if len(f.Observations) != 12 {
		t.Fatalf("%d observations, want 12", len(f.Observations))
	}
	var x [][]float64 // the calibration's regressors, by hand: 1, u, u(c−1), u·c(c−1) with u = b·load
	for i, o := range f.Observations {
		p, consoles := bundleParts[i%4], []int{1, 2, 4}[i/4]
		if o.KB != p.kb || o.Platform != p.platform || o.Hosts != p.hosts || o.Consoles != consoles {
			t.Fatalf("line %d: %s %s %d hosts %d consoles; want %s %s %d hosts %d consoles",
				o.Line, o.KB, o.Platform, o.Hosts, o.Consoles, p.kb, p.platform, p.hosts, consoles)
		}
		if m := bundleMinutes(p, consoles); math.Abs(o.Minutes-m) > roundingOfTyped+1e-9 {
			t.Errorf("line %d: %v min, but the site takes %v", o.Line, o.Minutes, m)
		}
		u, c := p.b*float64((p.hosts+consoles-1)/consoles), float64(consoles)
		x = append(x, []float64{1, u, u * (c - 1), u * c * (c - 1)})
	}

	// The calibration is linear in β = (offset, speed, speed·σ, speed·κ):
	// β̂ = H·y with H = (XᵀX)⁻¹Xᵀ, and y is the exact times (on which β̂
	// is the truth) plus errors of at most 0.005 min, so each β̂ⱼ lies
	// within 0.005·Σᵢ|Hⱼᵢ| of the truth.
	X := mat.NewDense(len(x), 4, nil)
	for i, row := range x {
		X.SetRow(i, row)
	}
	var xtx, h mat.Dense
	xtx.Mul(X.T(), X)
	if err := h.Solve(&xtx, X.T()); err != nil {
		t.Fatal(err)
	}
	bound := make([]float64, 4)
	for j := range bound {
		for i := range x {
			bound[j] += roundingOfTyped * math.Abs(h.At(j, i))
		}
	}
	if bound[0] > 0.02 || bound[1] > 2e-4 || bound[2] > 1e-3 || bound[3] > 2e-4 { // about 0.010, 9.9e-5, 2.9e-4, 7.9e-5
		t.Fatalf("rounding bounds %v: too loose for the test to say anything", bound)
	}
	cal, err := Default().Calibrate(f.Observations)
	if err != nil {
		t.Fatal(err)
	}
	if !cal.Scaling() || cal.N() != 12 {
		t.Fatalf("Scaling, N = %v, %d; want true, 12", cal.Scaling(), cal.N())
	}
	got := []float64{cal.Offset(), cal.Speed(), cal.Speed() * cal.Contention(), cal.Speed() * cal.Coherency()}
	truth := []float64{bundleOffset, bundleSpeed, bundleSpeed * bundleSigma, bundleSpeed * bundleKappa}
	for j, name := range []string{"offset", "speed", "speed·σ", "speed·κ"} {
		if math.Abs(got[j]-truth[j]) > bound[j]*(1+1e-9) {
			t.Errorf("%s = %v, want %v within %v (the typed minutes' rounding)", name, got[j], truth[j], bound[j])
		}
	}
}

// TestObservationFileRows: the command's CSV as README and the command
// print it, for each kind of row.
func TestObservationFileRows(t *testing.T) {
	for _, tc := range []struct {
		name    string
		text    string
		used    Lines
		kbs     []string // the KB of each observation
		skipped []Skipped
	}{
		{
			// README: --patch KB899588,KB937894,KB885881 --hosts XP=3000,2000=800,2003=150 --window 4h --format csv
			name: "bundle, mixed fleet, window",
			text: estimateHeader +
				"KB899588,MS05-039,Windows XP SP1/SP1a/SP2,UpdateEXPERT 6.1,3000,9,66.10,65.43,66.78,1時間6分,false,part,1,240.00,true,lab\n" +
				"KB899588,MS05-039,Windows 2000 SP4,UpdateEXPERT 6.1,800,9,24.85,24.16,25.55,25分,false,part,1,240.00,true,lab\n" +
				"KB899588,MS05-039,Windows Server 2003 SP未適用/SP1,UpdateEXPERT 6.1,150,9,12.73,11.97,13.49,13分,true,part,1,240.00,true,lab\n" +
				"KB937894,MS07-065,Windows XP SP2,UpdateEXPERT 6.1,3000,9,66.60,65.92,67.27,1時間7分,false,part,1,240.00,true,lab\n" +
				"KB937894,MS07-065,Windows 2000 SP4,UpdateEXPERT 6.1,800,9,25.46,24.77,26.16,25分,false,part,1,240.00,true,lab\n" +
				"KB885881,MS04-035,Windows Server 2003,UpdateEXPERT 6.1,150,9,28.73,27.97,29.49,29分,true,part,1,240.00,true,lab\n" +
				",,,,3950,9,224.47,222.01,226.94,3時間44分,true,total,1,240.00,true,\n" +
				"KB937894,,2003,,150,,,,,,,skipped,,,,\n" +
				"KB885881,,XP,,3000,,,,,,,skipped,,,,\n" +
				"KB885881,,2000,,800,,,,,,,skipped,,,,\n",
			used: Lines{2, 3, 4, 5, 6, 7},
			kbs:  []string{"KB899588", "KB899588", "KB899588", "KB937894", "KB937894", "KB885881"},
			skipped: []Skipped{{8, SkipTotal, ""}, {9, SkipNotApplicable, "KB937894"},
				{10, SkipNotApplicable, "KB885881"}, {11, SkipNotApplicable, "KB885881"}},
		},
		{
			// --setup 12m --hosts 1000 --format csv
			name:    "setup, unnamed",
			text:    estimateHeader + ",,,UpdateEXPERT 6.1,1000,1,181.18,177.71,184.65,3時間1分,true,part,,,,lab\n",
			skipped: []Skipped{{2, SkipNoTable, ""}},
		},
		{
			// --setup 12m --patch KB899588 --platform xp --hosts 1000 --format csv
			name: "setup in a bundle",
			text: estimateHeader +
				"KB899588,MS05-039,Windows XP SP1/SP1a/SP2,UpdateEXPERT 6.1,1000,1,178.23,176.54,179.93,2時間58分,true,part,,,,lab\n" +
				",,,UpdateEXPERT 6.1,1000,1,181.18,177.71,184.65,3時間1分,true,part,,,,lab\n" +
				",,,,1000,1,359.42,354.25,364.58,5時間59分,true,total,,,,\n",
			used:    Lines{2},
			kbs:     []string{"KB899588"},
			skipped: []Skipped{{3, SkipNoTable, ""}, {4, SkipTotal, ""}},
		},
		{
			// --setup KB999001=12m: a name that is a KB number reads as that KB
			name: "setup named by a KB number",
			text: estimateHeader + "KB999001,,,UpdateEXPERT 6.1,1000,1,181.18,177.71,184.65,3時間1分,true,part,,,,lab\n",
			used: Lines{2},
			kbs:  []string{"KB999001"},
		},
		{
			// A total row's cells are not read: blanked or changed, it is skipped all the same.
			name: "total row with junk",
			text: estimateHeader +
				"kb899588,,XP,,300,1,76.3,,,,,Part,,,,\n" +
				",,,,many,,lots,,,,,TOTAL,,,,\n",
			used:    Lines{2},
			kbs:     []string{"KB899588"},
			skipped: []Skipped{{3, SkipTotal, ""}},
		},
		{
			name:    "row column in a catalog",
			text:    "kb,consoles,hosts,minutes,row\nKB899588,1,300,76.3,part\nKB899588,1,900,202.1,\nKB899588,1,1200,278.4,total\n",
			used:    Lines{2, 3},
			kbs:     []string{"KB899588", "KB899588"},
			skipped: []Skipped{{4, SkipTotal, ""}},
		},
		{
			name: "only the columns needed, in another order",
			text: "minutes,patch,hosts,consoles\n76.3,KB899588,300,1\n",
			used: Lines{2},
			kbs:  []string{"KB899588"},
		},
	} {
		f, err := ReadObservationFile(strings.NewReader(tc.text))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if diff := cmp.Diff(tc.used, f.Used()); diff != "" {
			t.Errorf("%s: lines used (-want +got):\n%s", tc.name, diff)
		}
		var kbs []string
		for _, o := range f.Observations {
			kbs = append(kbs, o.KB)
		}
		if diff := cmp.Diff(tc.kbs, kbs); diff != "" {
			t.Errorf("%s: KBs (-want +got):\n%s", tc.name, diff)
		}
		if diff := cmp.Diff(tc.skipped, f.Skipped); diff != "" {
			t.Errorf("%s: skipped (-want +got):\n%s", tc.name, diff)
		}
		obs, err := ReadObservations(strings.NewReader(tc.text))
		if err != nil || !cmp.Equal(obs, f.Observations) {
			t.Errorf("%s: ReadObservations gave %v, %v; want ReadObservationFile's observations", tc.name, obs, err)
		}
	}
}

// TestObservationFileSetupKB: a --setup patch named by a KB number the
// catalog has no table of is used, and the calibration refuses it by line.
func TestObservationFileSetupKB(t *testing.T) {
	f, err := ReadObservationFile(strings.NewReader(estimateHeader +
		"KB899588,MS05-039,Windows XP SP1/SP1a/SP2,UpdateEXPERT 6.1,300,1,76.3,,,,,part,,,,\n" +
		"KB899588,MS05-039,Windows XP SP1/SP1a/SP2,UpdateEXPERT 6.1,900,1,202.1,,,,,part,,,,\n" +
		"KB999001,,,UpdateEXPERT 6.1,1000,1,190,,,,,part,,,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Default().Calibrate(f.Observations)
	var ce *CatalogError
	if !errors.As(err, &ce) || ce.Line != 4 || !strings.Contains(err.Error(), `unknown patch "KB999001"`) {
		t.Errorf("error %v, want a *CatalogError on line 4 about the unknown patch KB999001", err)
	}
}

// TestObservationFileEncodings: the command's CSV with a BOM (--bom) and
// CRLF line ends, or saved by Excel in Japanese (Shift_JIS), reads as it
// does in UTF-8.
func TestObservationFileEncodings(t *testing.T) {
	data, err := os.ReadFile(obsDir + "estimate-site.csv")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReadObservationFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	sjis, err := japanese.ShiftJIS.NewEncoder().Bytes(data)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(sjis, data) {
		t.Fatal("the fixture has no Japanese to encode")
	}
	for name, text := range map[string][]byte{
		"BOM, CRLF": append([]byte("\uFEFF"), bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))...),
		"Shift_JIS": sjis,
	} {
		got, err := ReadObservationFile(bytes.NewReader(text))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(ObservationFile{})); diff != "" {
			t.Errorf("%s (-UTF-8 +got):\n%s", name, diff)
		}
	}
}

// TestObservationFileDefused: text cells the command's CSV prefixed with
// an apostrophe (so that a spreadsheet does not run them) read back as the
// catalog's names, and calibrate against its curves.
func TestObservationFileDefused(t *testing.T) {
	cat, err := LoadCatalog("../testdata/catalogs/injection.csv")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := NewCSVWriter(&b)
	var series []Series
	for _, s := range cat.Series() {
		c, err := cat.Curve(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, hosts := range []int{100, 400} {
			e, err := c.Estimate(Scenario{Hosts: hosts})
			if err != nil {
				t.Fatal(err)
			}
			r := NewRow(c, e)
			r.Minutes = c.Setup() + 3 + 1.25*c.PerHost()*float64(hosts) // the site's time
			w.Write(r)
			series = append(series, s)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `'=HYPERLINK`) || !strings.Contains(b.String(), `'@SUM(1)`) {
		t.Fatalf("the CSV has no defused cells:\n%s", b.String())
	}
	f, err := ReadObservationFile(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Observations) != len(series) {
		t.Fatalf("%d observations, want %d", len(f.Observations), len(series))
	}
	for i, o := range f.Observations {
		if s := series[i]; o.Platform != s.Platform || o.Console != s.Console || o.KB != s.KB || o.Bulletin != s.Bulletin {
			t.Errorf("line %d: %q %q %q %q, want the catalog's %q %q %q %q", o.Line, o.KB, o.Bulletin, o.Platform, o.Console, s.KB, s.Bulletin, s.Platform, s.Console)
		}
	}
	cal, err := cat.Calibrate(f.Observations)
	if err != nil {
		t.Fatal(err)
	}
	// Typed to 0.01 min over per-host loads 100 to 400: speed within
	// 0.01/(b·300) of 1.25, b about 1/6.
	if !near(cal.Speed(), 1.25, 0.01/(300.0/6)) || math.Abs(cal.Offset()-3) > 0.01 {
		t.Errorf("speed %v, offset %v; want 1.25 and 3", cal.Speed(), cal.Offset())
	}
}

// TestObservationFileErrors: the command's CSV gives the same
// *CatalogError as a catalog for a bad value, naming line, column and
// value; and a header with both kb and patch is refused.
func TestObservationFileErrors(t *testing.T) {
	part := func(hosts, consoles, minutes string) string {
		return "KB899588,MS05-039,Windows XP SP1/SP1a/SP2,UpdateEXPERT 6.1," + hosts + "," + consoles + "," + minutes + ",59.72,61.03,1時間,false,part,,,,lab\n"
	}
	good := part("300", "1", "76.3")
	for _, tc := range []struct {
		name, text string
		line       int
		column     string
		value      string
		want       string
	}{
		{"kb and patch", "kb,patch,consoles,hosts,minutes\n", 1, "header", "patch", "kb and patch both name the KB number"},
		{"patch and kb", "Patch,consoles,hosts,minutes, KB\n", 1, "header", " KB", "keep one"},
		{"no patch", "bulletin,platform,consoles,hosts,minutes,row\n", 1, "", "", "no kb column (or patch"},
		{"typo", "patch,consoles,hosts,minutes,low_minute\n", 1, "header", "low_minute", "did you mean low_minutes?"},
		{"hosts", estimateHeader + good + part("12x", "1", "202.1"), 3, "hosts", "12x", "not a whole number"},
		{"consoles", estimateHeader + good + part("900", "0", "202.1"), 3, "consoles", "0", "1 to 100000"},
		{"minutes cleared", estimateHeader + part("900", "1", ""), 2, "minutes", "", "missing"},
		{"minutes junk", estimateHeader + good + good + part("900", "1", "soon"), 4, "minutes", "soon", "1時間34分"},
		{"row kind", estimateHeader + strings.Replace(good, ",part,", ",subtotal,", 1), 2, "row", "subtotal", "want part, total or skipped"},
		{"bulletin", estimateHeader + strings.Replace(good, "MS05-039", "MS5-39", 1), 2, "bulletin", "MS5-39", "bulletin ID"},
		{"field count", estimateHeader + good + "KB899588,MS05-039\n", 3, "", "", "wrong number of fields"},
	} {
		_, err := ReadObservationFile(strings.NewReader(tc.text))
		var ce *CatalogError
		if !errors.As(err, &ce) {
			t.Errorf("%s: error %v, want a *CatalogError", tc.name, err)
			continue
		}
		if ce.Line != tc.line || ce.Column != tc.column || ce.Value != tc.value || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q (line %d, column %q, value %q); want line %d, column %q, value %q, containing %q",
				tc.name, err, ce.Line, ce.Column, ce.Value, tc.line, tc.column, tc.value, tc.want)
		}
		if _, err2 := ReadObservations(strings.NewReader(tc.text)); err2 == nil || err2.Error() != err.Error() {
			t.Errorf("%s: ReadObservations: %v, want %v", tc.name, err2, err)
		}
	}

	// From a file, the message names it.
	path := filepath.Join(t.TempDir(), "mine.csv")
	if err := os.WriteFile(path, []byte(estimateHeader+good+part("12x", "1", "202.1")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, load := range []func(string) error{
		func(p string) error { _, err := LoadObservationFile(p); return err },
		func(p string) error { _, err := LoadObservations(p); return err },
	} {
		err := load(path)
		var ce *CatalogError
		if !errors.As(err, &ce) || ce.File != path || err.Error() != path+`:3: hosts "12x": not a whole number` {
			t.Errorf("error %v, want %s:3: hosts \"12x\": not a whole number", err, path)
		}
	}
}

func TestLinesString(t *testing.T) {
	for _, tc := range []struct {
		lines Lines
		want  string
	}{
		{nil, ""},
		{Lines{8}, "8"},
		{Lines{2, 3}, "2–3"},
		{Lines{2, 3, 4, 5, 6, 7}, "2–7"},
		{Lines{2, 3, 5, 9, 10, 12}, "2–3, 5, 9–10, 12"},
	} {
		if got := tc.lines.String(); got != tc.want {
			t.Errorf("%v.String() = %q, want %q", []int(tc.lines), got, tc.want)
		}
	}
}

func TestObservationFileString(t *testing.T) {
	used := []Observation{{Line: 2}, {Line: 3}, {Line: 4}, {Line: 5}, {Line: 6}, {Line: 7}}
	for _, tc := range []struct {
		f    ObservationFile
		want string
	}{
		{ObservationFile{File: "site.csv", Observations: used, Skipped: []Skipped{{Line: 8, Reason: SkipTotal}}},
			"6 rollouts (lines 2–7 of site.csv; skipped 1 total row, line 8)"},
		{ObservationFile{Observations: used[:1]}, "1 rollout (line 2)"},
		{ObservationFile{File: "b.csv", Skipped: []Skipped{{Line: 4, Reason: SkipTotal}, {Line: 7, Reason: SkipTotal}}},
			"no rollouts (in b.csv; skipped 2 total rows, lines 4, 7)"},
		{ObservationFile{Skipped: []Skipped{{Line: 2, Reason: SkipNoTable}, {Line: 3, Reason: SkipNotApplicable}}},
			"no rollouts (skipped 1 row of a patch that does not apply, line 3; 1 row of a patch with no table, line 2)"},
		{ObservationFile{}, "no rollouts"},
		{ObservationFile{File: "a\x1b[2Jb.csv", Observations: used[:2]}, `2 rollouts (lines 2–3 of a\x1b[2Jb.csv)`},
	} {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
	for r, want := range map[SkipReason]string{SkipTotal: "total row", SkipNotApplicable: "not applicable", SkipNoTable: "no table", 0: "SkipReason(0)"} {
		if got := r.String(); got != want {
			t.Errorf("SkipReason(%d).String() = %q, want %q", int(r), got, want)
		}
	}
	for s, want := range map[Skipped]string{
		{Line: 9, Reason: SkipNotApplicable, Patch: "KB937894"}: "line 9: skipped row: the patch does not apply to the platform, so there is no rollout",
		{Line: 2, Reason: SkipNoTable}:                          "line 2: no patch: a patch with no table (--setup) has no curve to calibrate against",
	} {
		if got := s.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}

// FuzzReadObservationFile: whatever the bytes, ReadObservationFile returns
// a *CatalogError, or every data row once, used or skipped, in line order.
func FuzzReadObservationFile(f *testing.F) {
	files, _ := filepath.Glob(obsDir + "*.csv")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(estimateHeader + ",,,,1,1,1,,,,,total,,,,\nKB1,,,,1,1,1,,,,,part,,,,\nx,,,,,,,,,,,skipped,,,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ReadObservationFile(bytes.NewReader(data))
		if err != nil {
			var ce *CatalogError
			if !errors.As(err, &ce) || ce.Line < 0 {
				t.Fatalf("error %v, want a *CatalogError with a line", err)
			}
			return
		}
		last := 1
		for _, o := range file.Observations {
			if o.Line <= last {
				t.Fatalf("observation on line %d after line %d", o.Line, last)
			}
			last = o.Line
			if err := o.check(); err != nil {
				t.Fatalf("line %d: an unchecked observation: %v", o.Line, err)
			}
		}
		last = 1
		for _, s := range file.Skipped {
			if s.Line <= last || slices.Contains(file.Used(), s.Line) || s.Reason < SkipTotal || s.Reason > SkipNoTable {
				t.Fatalf("skipped %+v: out of order, used as well, or no reason", s)
			}
			last = s.Line
		}
	})
}

// TestCalibrateExactPlatform: a platform as the catalog prints it, as the
// command's CSV gives it, names its row even when it is part of another
// row's name; a part of a name still matches every row holding it.
func TestCalibrateExactPlatform(t *testing.T) {
	cat, err := ReadCatalog(strings.NewReader("kb,platform,consoles,hosts,minutes\n" +
		"KB1,Windows XP,1,50,18\nKB1,Windows XP,1,500,94\n" +
		"KB1,Windows XP SP2,1,50,20\nKB1,Windows XP SP2,1,500,100\n"))
	if err != nil {
		t.Fatal(err)
	}
	var obs []Observation
	for i, h := range []int{100, 300, 900} {
		obs = append(obs, Observation{KB: "KB1", Platform: "windows xp", Consoles: 1, Hosts: h,
			Minutes: (18 - 50*76.0/450) + 3 + 1.25*76.0/450*float64(h), Line: i + 2})
	}
	cal, err := cat.Calibrate(obs)
	if err != nil {
		t.Fatal(err)
	}
	// Through (50, 18) and (500, 94): setup 18 − 50·76/450, per host 76/450.
	if !near(cal.Speed(), 1.25, 1e-9) || !near(cal.Offset(), 3, 1e-9) {
		t.Errorf("speed %v, offset %v; want 1.25, 3 against Windows XP's curve", cal.Speed(), cal.Offset())
	}
	obs[0].Platform = "XP"
	if _, err := cat.Calibrate(obs); err == nil || !strings.Contains(err.Error(), "line 2: KB1 has 2 platform rows") {
		t.Errorf("platform XP: %v, want an error on line 2 naming the 2 rows", err)
	}
}

// TestDropNoTable: in the command's own CSV, a --setup patch named with a
// KB number (KB999001, no table in the catalog) is skipped with its line;
// in a catalog-format file the same row stays, for Calibrate to refuse.
func TestDropNoTable(t *testing.T) {
	out := "patch,bulletin,platform,console,hosts,consoles,minutes,row\n" +
		"KB899588,MS05-039,Windows XP SP1/SP1a/SP2,UpdateEXPERT 6.1,300,1,62.1,part\n" +
		"KB999001,,XP,UpdateEXPERT 6.1,300,1,63.0,part\n" +
		",,,,300,1,125.1,total\n"
	f, err := ReadObservationFile(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	f.DropNoTable(Default())
	if got := f.Used().String(); got != "2" {
		t.Errorf("used lines %q, want 2", got)
	}
	if got := f.SkippedLines(SkipNoTable).String(); got != "3" {
		t.Errorf("no-table lines %q, want 3", got)
	}
	if got := f.Skipped[0].String(); got != `line 3: patch "KB999001" has no table (--setup): no curve to calibrate against` {
		t.Errorf("skipped %q", got)
	}
	catalog := "kb,platform,consoles,hosts,minutes\nKB899588,XP,1,300,62.1\nKB999001,XP,1,300,63.0\n"
	g, err := ReadObservationFile(strings.NewReader(catalog))
	if err != nil {
		t.Fatal(err)
	}
	g.DropNoTable(Default())
	if len(g.Observations) != 2 || len(g.Skipped) != 0 {
		t.Errorf("catalog format: %d used, %d skipped; want 2 and 0", len(g.Observations), len(g.Skipped))
	}
}
