package estimate

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

// onePatchCSV returns a catalog of one patch with n observed rollouts:
// 50 to 500 hosts on one console, 10 minutes of setup and 0.168 per host,
// with noise of about one minute, minutes to two decimals.
func onePatchCSV(n int) []byte {
	r := rand.New(rand.NewPCG(uint64(n), 2))
	var b bytes.Buffer
	b.WriteString("bulletin,kb,package,platform,console,consoles,hosts,minutes,package_bytes,severity,reboot,source\n")
	for range n {
		hosts := 50 + r.IntN(451)
		minutes := 10 + 0.168*float64(hosts) + r.NormFloat64()
		b.WriteString("MS05-039,KB899588,,Windows XP,UpdateEXPERT 6.1,1,")
		b.WriteString(strconv.Itoa(hosts))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(minutes, 'f', 2, 64))
		b.WriteString(",,,,observed\n")
	}
	return b.Bytes()
}

var sinkCurves []*Curve

// BenchmarkCatalogPoints reads a catalog whose one patch has n rows and
// fits its curve (the catalog fits on the first Curves call). Reading,
// grouping and fitting are O(n): each step of 10× the rows should cost
// about 10× the time.
func BenchmarkCatalogPoints(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		data := onePatchCSV(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				cat, err := ReadCatalog(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				cs, err := cat.Curves("KB899588", "")
				if err != nil {
					b.Fatal(err)
				}
				if len(cs) != 1 || len(cs[0].points) != n {
					b.Fatalf("%d curves", len(cs))
				}
				sinkCurves = cs
			}
		})
	}
}

// TestInterleavedRows: rows of several series in any order are grouped in
// one pass, each series keeping its rows in catalog order, and every
// series is found again by its name.
func TestInterleavedRows(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("kb,platform,consoles,hosts,minutes,source\n")
	platforms := []string{"A", "B", "C"}
	for i := range 30 {
		hosts := 50 + 10*i
		fmt.Fprintf(&b, "KB1,%s,1,%d,%d,observed\n", platforms[i%3], hosts, 10+hosts/6+i%3)
	}
	cat, err := ReadCatalog(&b)
	if err != nil {
		t.Fatal(err)
	}
	series := cat.Series()
	if len(series) != 3 {
		t.Fatalf("%d series, want 3", len(series))
	}
	for k, s := range series {
		c, err := cat.Curve(s)
		if err != nil {
			t.Fatal(err)
		}
		pts := c.Points()
		if s.Platform != platforms[k] || s.Observations != 10 || len(pts) != 10 {
			t.Fatalf("series %d: %v with %d rows, %d points", k, s, s.Observations, len(pts))
		}
		for j, p := range pts {
			if want := 50 + 10*(3*j+k); p.Platform != s.Platform || p.Hosts != want {
				t.Errorf("series %s point %d: %s, %d hosts; want %d", s.Platform, j, p.Platform, p.Hosts, want)
			}
		}
	}
	if _, err := cat.Curve(Series{KB: "KB1", Platform: "D"}); err == nil {
		t.Error("a series the catalog does not hold has a curve")
	}
}
