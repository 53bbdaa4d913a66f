package chart

import (
	"bytes"
	"encoding/xml"
	"image"
	_ "image/png"
	"strconv"
	"strings"
	"testing"

	"github.com/patchtime/patchtime/estimate"
)

func curves(t *testing.T, patch string) []*estimate.Curve {
	t.Helper()
	cs, err := estimate.Default().Curves(patch, "")
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestPNGOfTheAskedSize(t *testing.T) {
	cs := curves(t, "KB937894")
	p, err := New(cs, Options{Title: "KB937894 (MS07-065)", Marks: []Mark{{cs[0], estimate.Scenario{Hosts: 1200, Scaling: estimate.Scaling{Consoles: 2}}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{800, 500}, {640, 480}, {1200, 300}} {
		var b bytes.Buffer
		if err := Write(&b, p, "png", size[0], size[1]); err != nil {
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

func TestSVGOfTheAskedSize(t *testing.T) {
	p, err := New(curves(t, "KB899588"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Write(&b, p, "svg", 800, 500); err != nil {
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
	// The axes are labelled in hosts and minutes, and the extrapolated
	// region is named.
	for _, text := range []string{"hosts (per console)", "minutes", "extrapolated", "prediction interval"} {
		if !bytes.Contains(b.Bytes(), []byte(text)) {
			t.Errorf("the SVG has no %q", text)
		}
	}
}

func TestErrors(t *testing.T) {
	if _, err := New(nil, Options{}); err == nil {
		t.Error("New with no curves gave no error")
	}
	p, err := New(curves(t, "KB885881"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, tc := range []struct {
		format string
		w, h   int
	}{{"gif", 800, 500}, {"png", 10, 500}, {"svg", 800, 20000}} {
		if err := Write(&b, p, tc.format, tc.w, tc.h); err == nil {
			t.Errorf("Write(%s, %d×%d) gave no error", tc.format, tc.w, tc.h)
		}
	}
}

func TestLabel(t *testing.T) {
	for _, tc := range []struct {
		s    estimate.Series
		want string
	}{
		{estimate.Series{KB: "KB899588", Platform: "Windows XP SP1/SP1a/SP2", Package: "x.exe"}, "KB899588 Windows XP SP1/SP1a/SP2"},
		{estimate.Series{KB: "KB899588", Platform: "Windows Server 2003 SP未適用/SP1", Package: "WindowsServer2003-KB899588-x86-JPN.exe"}, "KB899588 WindowsServer2003-KB899588-x86-JPN.exe"},
		{estimate.Series{KB: "KB1", Platform: "ＸＰ"}, "KB1"},
		{estimate.Series{Console: "UpdateEXPERT 6.1"}, "given setup + pooled per-host rate"},
	} {
		if got := Label(tc.s); got != tc.want {
			t.Errorf("Label(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}
