package estimate

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/patchtime/patchtime/bulletin"
	"golang.org/x/text/encoding/japanese"
)

// published is every timing row of the five seed bulletins, read off the
// pages by hand: package, platform as printed, console from the footnote,
// package size from the file table, and the minutes for 50, 100, 250 and
// 500 hosts (1時間28分 = 88, 1時間34分 = 94, 1時間35分 = 95, 1時間8分 = 68,
// 1時間50分 = 110).
var published = []struct {
	bulletin, kb, pkg, platform, console string
	bytes                                int64
	severity                             bulletin.Severity
	reboot                               bulletin.Reboot
	minutes                              [4]float64
}{
	{"MS04-020", "KB841872", "WindowsNT4Workstation-KB841872-x86-JPN.exe", "Windows NT Workstation 4.0", "UpdateEXPERT", 127400, 2, "conditional", [4]float64{12, 21, 46, 88}},
	{"MS04-020", "KB841872", "WindowsNT4Server-KB841872-x86-JPN.exe", "Windows NT Server 4.0", "UpdateEXPERT", 127384, 2, "conditional", [4]float64{12, 21, 46, 88}},
	{"MS04-020", "KB841872", "Windows2000-KB841872-x86-JPN.EXE", "Windows 2000", "UpdateEXPERT", 355320, 2, "conditional", [4]float64{12, 21, 46, 88}},
	{"MS04-029", "KB873350", "WindowsNT4Server-KB873350-x86-JPN.exe", "Windows NT Server 4.0 SP6a", "UpdateEXPERT 6.1", 614544, 2, "required", [4]float64{18, 27, 52, 94}},
	{"MS04-035", "KB885881", "WindowsServer2003-KB885881-x86-jpn.EXE", "Windows Server 2003", "UpdateEXPERT 6.1", 524528, 1, "required", [4]float64{34, 43, 68, 110}},
	{"MS05-039", "KB899588", "Windows2000-KB899588-x86-JPN.EXE", "Windows 2000 SP4", "UpdateEXPERT 6.1", 518136, 1, "required", [4]float64{18, 27, 52, 94}},
	{"MS05-039", "KB899588", "WindowsXP-KB899588-x86-JPN.exe", "Windows XP SP1/SP1a/SP2", "UpdateEXPERT 6.1", 581360, 1, "required", [4]float64{18, 27, 52, 94}},
	{"MS05-039", "KB899588", "WindowsServer2003-KB899588-x86-JPN.exe", "Windows Server 2003 SP未適用/SP1", "UpdateEXPERT 6.1", 594672, 1, "required", [4]float64{18, 27, 52, 94}},
	{"MS07-065", "KB937894", "Windows2000-KB937894-x86-JPN.EXE", "Windows 2000 SP4", "UpdateEXPERT 6.1", 1384304, 2, "required", [4]float64{19, 27, 53, 95}},
	{"MS07-065", "KB937894", "WindowsXP-KB937894-x86-JPN.exe", "Windows XP SP2", "UpdateEXPERT 6.1", 1018760, 2, "required", [4]float64{18, 27, 52, 95}},
}

var fleetSizes = [4]int{50, 100, 250, 500}

func TestDefaultHoldsThePublishedRows(t *testing.T) {
	cat := Default()
	if n := len(cat.Observations()); n != 40 {
		t.Errorf("default catalog has %d observations, want 40", n)
	}
	series := cat.Series()
	if len(series) != len(published) {
		t.Fatalf("default catalog has %d series, want %d", len(series), len(published))
	}
	for i, want := range published {
		s := series[i]
		got := []any{s.Bulletin, s.KB, s.Package, s.Platform, s.Console, s.PackageBytes, s.Severity, s.Reboot, s.Observations}
		exp := []any{want.bulletin, want.kb, want.pkg, want.platform, want.console, want.bytes, want.severity, want.reboot, 4}
		if diff := cmp.Diff(exp, got); diff != "" {
			t.Errorf("series %d metadata (-want +got):\n%s", i, diff)
		}
		c, err := cat.Curve(s)
		if err != nil {
			t.Fatal(err)
		}
		for j, p := range c.Points() {
			if p.Hosts != fleetSizes[j] || p.Consoles != 1 || p.Minutes != want.minutes[j] || p.Source != Published {
				t.Errorf("%s point %d = %d hosts, %d consoles, %v min, %q; want %d, 1, %v, published",
					s, j, p.Hosts, p.Consoles, p.Minutes, p.Source, fleetSizes[j], want.minutes[j])
			}
		}
	}
}

// TestDefaultReproducesEveryCell: the fitted curve, rounded to the minute,
// gives back each of the 40 published cells.
func TestDefaultReproducesEveryCell(t *testing.T) {
	cells := 0
	for _, want := range published {
		curves, err := Default().Curves(want.kb, want.platform)
		if err != nil {
			t.Fatal(err)
		}
		c := curves[0]
		if len(curves) > 1 {
			// "Windows 2000" also matches "Windows 2000 SP4" elsewhere, but
			// not within one patch; a platform is unique per patch here.
			t.Fatalf("%s %q matched %d curves", want.kb, want.platform, len(curves))
		}
		for j, h := range fleetSizes {
			e, err := c.Estimate(Scenario{Hosts: h})
			if err != nil {
				t.Fatal(err)
			}
			if got := math.Round(e.Minutes); got != want.minutes[j] {
				t.Errorf("%s %s at %d hosts: %v rounds to %v, published %v", want.kb, want.platform, h, e.Minutes, got, want.minutes[j])
			}
			if e.Extrapolated {
				t.Errorf("%s at %d hosts marked extrapolated", want.kb, h)
			}
			cells++
		}
	}
	if cells != 40 {
		t.Errorf("checked %d cells, want 40", cells)
	}
}

// TestCurveByHand checks KB899588 against the least-squares line worked out
// as fractions: x̄ = 225, ȳ = 47.75, Sxx = 122500, Sxy = 20625, so the
// per-host rate is 33/196 min and the setup 1934/196 min; 1200 hosts take
// (1934 + 33·1200)/196 = 41534/196 ≈ 211.9 min, which is 3時間32分.
func TestCurveByHand(t *testing.T) {
	curves, err := Default().Curves("KB899588", "XP")
	if err != nil {
		t.Fatal(err)
	}
	c := curves[0]
	if math.Abs(c.Setup()-1934.0/196) > 1e-9 || math.Abs(c.PerHost()-33.0/196) > 1e-12 {
		t.Errorf("curve = %v + %v·hosts, want %v + %v·hosts", c.Setup(), c.PerHost(), 1934.0/196, 33.0/196)
	}
	e, err := c.Estimate(Scenario{Hosts: 1200})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(e.Minutes-41534.0/196) > 1e-9 {
		t.Errorf("1200 hosts: %v min, want %v", e.Minutes, 41534.0/196)
	}
	if !e.Extrapolated {
		t.Error("1200 hosts is outside 50–500 but not marked extrapolated")
	}
	if got := bulletin.FormatDuration(e.Duration()); got != "3時間32分" {
		t.Errorf("FormatDuration = %q, want 3時間32分", got)
	}
	if lo, hi := c.DataRange(); lo != 50 || hi != 500 {
		t.Errorf("data range %d–%d, want 50–500", lo, hi)
	}
	for _, h := range []int{0, -1, MaxHosts + 1} {
		if _, err := c.Estimate(Scenario{Hosts: h}); err == nil {
			t.Errorf("Estimate(%d hosts) gave no error", h)
		}
	}
}

func TestLookup(t *testing.T) {
	cat := Default()
	for _, name := range []string{"KB899588", "kb899588", "899588", " KB899588 ", "MS05-039", "ms05-039", "ＫＢ８９９５８８"} {
		s, err := cat.Select(name, "")
		if err != nil {
			t.Errorf("Select(%q): %v", name, err)
			continue
		}
		if len(s) != 3 || s[0].KB != "KB899588" {
			t.Errorf("Select(%q) = %v, want the 3 series of KB899588", name, s)
		}
	}
	for _, tc := range []struct{ name, suggestion string }{
		{"KB89958", "KB899588"},
		{"kb8995888", "KB899588"},
		{"MS05-093", "MS05-039"},
		{"KB123", ""},
		{"hello", ""},
	} {
		_, err := cat.Select(tc.name, "")
		var ue *UnknownPatchError
		if !errors.As(err, &ue) {
			t.Errorf("Select(%q) = %v, want *UnknownPatchError", tc.name, err)
			continue
		}
		if ue.Suggestion != tc.suggestion {
			t.Errorf("Select(%q) suggests %q, want %q", tc.name, ue.Suggestion, tc.suggestion)
		}
		if tc.suggestion != "" && !strings.Contains(err.Error(), "did you mean "+tc.suggestion+"?") {
			t.Errorf("error %q lacks the suggestion", err)
		}
		if tc.suggestion == "" && !strings.Contains(err.Error(), "KB899588") {
			t.Errorf("error %q does not list the known patches", err)
		}
	}
}

func TestCurvesPlatform(t *testing.T) {
	cat := Default()
	for _, tc := range []struct {
		patch, platform string
		want            []string
	}{
		{"KB899588", "", []string{"Windows 2000 SP4", "Windows XP SP1/SP1a/SP2", "Windows Server 2003 SP未適用/SP1"}},
		{"KB899588", "xp", []string{"Windows XP SP1/SP1a/SP2"}},
		{"KB899588", "2003", []string{"Windows Server 2003 SP未適用/SP1"}},
		{"KB899588", "未適用", []string{"Windows Server 2003 SP未適用/SP1"}},
		{"MS04-020", "server", []string{"Windows NT Server 4.0"}},
		{"KB841872", "windows", []string{"Windows NT Workstation 4.0", "Windows NT Server 4.0", "Windows 2000"}},
	} {
		curves, err := cat.Curves(tc.patch, tc.platform)
		if err != nil {
			t.Errorf("Curves(%q, %q): %v", tc.patch, tc.platform, err)
			continue
		}
		var got []string
		for _, c := range curves {
			got = append(got, c.Series().Platform)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Curves(%q, %q) platforms (-want +got):\n%s", tc.patch, tc.platform, diff)
		}
	}
	_, err := cat.Curves("KB899588", "Vista")
	if err == nil || !strings.Contains(err.Error(), `"Vista"`) || !strings.Contains(err.Error(), "Windows XP SP1/SP1a/SP2") {
		t.Errorf("Curves(KB899588, Vista) error = %v; want one naming Vista and the platforms there are", err)
	}
}

const header = "bulletin,kb,package,platform,console,consoles,hosts,minutes,package_bytes,severity,reboot,source\n"

func TestReadCatalogErrors(t *testing.T) {
	good := "MS05-039,KB899588,p.exe,Windows XP,UpdateEXPERT 6.1,1,50,18,100,1,required,published\n"
	for _, tc := range []struct {
		name, text string
		line       int
		want       []string // substrings of the error
	}{
		{"empty", "", 1, []string{"empty", "header"}},
		{"unknown column", "kb,hosts,consoles,minuts\n", 1, []string{`"minuts"`, "did you mean minutes?"}},
		{"missing column", "kb,hosts,consoles\n", 1, []string{"no minutes column"}},
		{"twice", "kb,hosts,consoles,minutes,hosts\n", 1, []string{"twice"}},
		{"hosts not a number", header + good + "MS05-039,KB899588,p.exe,Windows XP,UpdateEXPERT 6.1,1,12x,27,100,1,required,published\n", 3, []string{`hosts "12x"`, "not a whole number"}},
		{"hosts zero", header + "MS05-039,KB899588,p.exe,Windows XP,,1,0,27,,,,\n", 2, []string{`hosts "0"`, "1 to 100000000"}},
		{"hosts huge", header + "MS05-039,KB899588,p.exe,Windows XP,,1,99999999999999999999,27,,,,\n", 2, []string{"hosts", "out of range"}},
		{"minutes NaN", header + "MS05-039,KB899588,p.exe,Windows XP,,1,50,NaN,,,,\n", 2, []string{`minutes "NaN"`}},
		{"minutes negative", header + "MS05-039,KB899588,p.exe,Windows XP,,1,50,-3,,,,\n", 2, []string{`minutes "-3"`}},
		{"minutes junk", header + "MS05-039,KB899588,p.exe,Windows XP,,1,50,soon,,,,\n", 2, []string{`minutes "soon"`, "1時間34分"}},
		{"kb", header + "MS05-039,Q899588,p.exe,Windows XP,,1,50,18,,,,\n", 2, []string{`kb "Q899588"`}},
		{"bulletin", header + "MS5-39,KB899588,p.exe,Windows XP,,1,50,18,,,,\n", 2, []string{`bulletin "MS5-39"`}},
		{"severity", header + "MS05-039,KB899588,p.exe,Windows XP,,1,50,18,,5,,\n", 2, []string{`severity "5"`}},
		{"reboot", header + "MS05-039,KB899588,p.exe,Windows XP,,1,50,18,,1,maybe,\n", 2, []string{`reboot "maybe"`}},
		{"source", header + "MS05-039,KB899588,p.exe,Windows XP,,1,50,18,,1,,guess\n", 2, []string{`source "guess"`}},
		{"consoles", header + "MS05-039,KB899588,p.exe,Windows XP,,0,50,18,,,,\n", 2, []string{`consoles "0"`}},
		{"bytes", header + "MS05-039,KB899588,p.exe,Windows XP,,1,50,18,581360.5,,,\n", 2, []string{`package_bytes "581360.5"`}},
		{"field count", header + good + "MS05-039,KB899588\n", 3, []string{"wrong number of fields"}},
		{"bare quote", header + good + good + "MS05-039,KB899588,p\"q,x,,1,50,18,,,,\n", 4, []string{"quote"}},
		{"repeated", header + good + strings.Replace(good, ",50,", ",100,", 1) + good, 4, []string{"repeats line 2"}},
		{"conflict", header + good + strings.Replace(good, ",50,18,", ",50,19,", 1), 3, []string{"conflicts with", "line 2"}},
		{"metadata", header + good + strings.Replace(strings.Replace(good, ",50,", ",100,", 1), "required", "none", 1), 3, []string{`reboot "none"`, "line 2"}},
		{"not utf-8", header + "MS05-039,KB899588,p.exe,Windows \xff\xfe XP,,1,50,18,,,,\n", 2, []string{"neither UTF-8 nor Shift_JIS"}},
	} {
		_, err := ReadCatalog(strings.NewReader(tc.text))
		var ce *CatalogError
		if !errors.As(err, &ce) {
			t.Errorf("%s: error %v, want a *CatalogError", tc.name, err)
			continue
		}
		if ce.Line != tc.line {
			t.Errorf("%s: error %q on line %d, want line %d", tc.name, err, ce.Line, tc.line)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", tc.name, err, w)
			}
		}
	}
}

func TestReadCatalogLenient(t *testing.T) {
	// Columns in another order, only the required ones, a BOM, CRLF line
	// ends, a duration in the minutes column, a bare KB number.
	text := "\uFEFFminutes,hosts,kb,consoles\r\n18,50,899588,1\r\n1時間34分,500,KB899588,1\r\n"
	cat, err := ReadCatalog(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	curves, err := cat.Curves("kb899588", "")
	if err != nil {
		t.Fatal(err)
	}
	// Through (50, 18) and (500, 94): slope 76/450, setup 18 − 50·76/450.
	c := curves[0]
	if math.Abs(c.PerHost()-76.0/450) > 1e-12 || math.Abs(c.Setup()-(18-50*76.0/450)) > 1e-9 {
		t.Errorf("curve %v, want %v + %v·hosts", c, 18-50*76.0/450, 76.0/450)
	}
}

func TestReadCatalogShiftJIS(t *testing.T) {
	text := header + "MS05-039,KB899588,p.exe,Windows Server 2003 SP未適用/SP1,UpdateEXPERT 6.1,1,50,18,,1,required,published\n" +
		"MS05-039,KB899588,p.exe,Windows Server 2003 SP未適用/SP1,UpdateEXPERT 6.1,1,500,94,,1,required,published\n"
	sjis, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(sjis, []byte(text)) {
		t.Fatal("test text has no Japanese to encode")
	}
	cat, err := ReadCatalog(bytes.NewReader(sjis))
	if err != nil {
		t.Fatal(err)
	}
	if got := cat.Series()[0].Platform; got != "Windows Server 2003 SP未適用/SP1" {
		t.Errorf("platform %q, want Windows Server 2003 SP未適用/SP1", got)
	}
}

func TestSeriesWithoutCurve(t *testing.T) {
	cat, err := ReadCatalog(strings.NewReader(header +
		"MS05-039,KB899588,p.exe,Windows XP,,1,50,18,,,,\n" +
		"MS05-039,KB899588,q.exe,Windows 2000,,1,50,18,,,,\n" +
		"MS05-039,KB899588,q.exe,Windows 2000,,1,100,27,,,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.Curve(cat.Series()[0]); err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "single fleet size") {
		t.Errorf("one-point series: Curve error = %v, want one naming line 2", err)
	}
	if _, err := cat.Curves("KB899588", "XP"); err == nil {
		t.Error("Curves on a one-point series gave no error")
	}
	if c, err := cat.Curves("KB899588", "2000"); err != nil || len(c) != 1 {
		t.Errorf("Curves(2000) = %v, %v; want the fitted series", c, err)
	}
}

func TestNewCatalogChecks(t *testing.T) {
	obs := []Observation{{KB: "KB1", Consoles: 1, Hosts: 50, Minutes: math.Inf(1), Line: 7}}
	_, err := NewCatalog(obs)
	var ce *CatalogError
	if !errors.As(err, &ce) || ce.Line != 7 || ce.Column != "minutes" {
		t.Errorf("NewCatalog(+Inf minutes) = %v, want a *CatalogError on line 7, column minutes", err)
	}
}
