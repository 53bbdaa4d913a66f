package bulletin

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// manyRowsPage writes a HotFix Alert page of s packages of one KB, each on
// a platform of its own, in one of the layouts of testdata/bulletins
// ("plain" as plain.txt, "cells" as cells.txt, "html" as page.html): s
// package rows under 適用されるファイル情報 and s rows in one 予想適用時間
// table. Package i is "XP-KB990001-%06d.exe" on "XP lab %06d", of 600000+i
// bytes; its times are minutesOf(i). Every value is invented.
func manyRowsPage(layout string, s int) []byte {
	var b bytes.Buffer
	b.Grow(s * 200)
	cells := func(cs ...string) { // one table row
		switch layout {
		case "plain":
			b.WriteString(strings.Join(cs, " ") + "\n")
		case "cells":
			for _, c := range cs {
				b.WriteString(c + " |\n")
			}
		case "html":
			b.WriteString("<tr>")
			for _, c := range cs {
				b.WriteString("<td>" + c + "</td>")
			}
			b.WriteString("</tr>\n")
		}
	}
	line := func(s string) {
		if layout == "html" {
			s = "<p>" + s + "</p>"
		}
		b.WriteString(s + "\n")
	}
	table := func(open bool) {
		if layout == "html" {
			b.WriteString(map[bool]string{true: "<table>\n", false: "</table>\n"}[open])
		}
	}
	if layout == "html" {
		b.WriteString("<html><head><meta charset=\"UTF-8\"><title>架空ページ</title></head><body>\n")
	}
	table(true)
	for _, f := range [][2]string{{"深刻度", "1(緊急)"}, {"対策", "早期適用"}, {"再起動の必要性", "必要"}, {"脆弱性識別番号", "MS06-090/990001"}} {
		if layout == "plain" {
			b.WriteString(f[0] + "\n" + f[1] + "\n")
		} else {
			cells(f[:]...)
		}
	}
	table(false)
	line("規模テスト用に生成した架空の脆弱性")
	line("適用されるファイル情報")
	line("Windows XP SP2:")
	table(true)
	cells(packageHeader[:]...)
	for i := range s {
		cells(fmt.Sprintf("XP-KB990001-%06d.exe", i), "2006/11/30", "1.0.0.0", fmt.Sprint(600000+i))
	}
	table(false)
	if layout != "html" {
		b.WriteString("\n")
	}
	line("予想適用時間")
	table(true)
	cells("修正プログラム名", "50台", "100台", "250台", "500台")
	for i := range s {
		name := fmt.Sprintf("XP-KB990001-%06d.exe", i)
		platform := fmt.Sprintf("(XP lab %06d)", i)
		m := minutesOf(i)
		switch layout {
		case "plain":
			b.WriteString(name + "\n" + platform + "\n")
			cells(m[:]...)
		case "cells":
			b.WriteString(name + "\n")
			cells(append([]string{platform}, m[:]...)...)
		case "html":
			cells(append([]string{name + "<br>" + platform}, m[:]...)...)
		}
	}
	table(false)
	line("1コンソールのUpdateEXPERT 6.1で配り終えるまでの目安として生成した架空の値。")
	if layout == "html" {
		b.WriteString("</body></html>\n")
	}
	return b.Bytes()
}

// minutesOf returns the times of row i of manyRowsPage at 50, 100, 250
// and 500 hosts.
func minutesOf(i int) [4]string {
	setup, rate := 8+i%13, 15+i%5 // minutes; hundredths of a minute per host
	var m [4]string
	for j, h := range []int{50, 100, 250, 500} {
		m[j] = FormatDuration(time.Duration(setup+h*rate/100) * time.Minute)
	}
	return m
}

var layouts = []string{"plain", "cells", "html"}

// TestParseManyRows checks the pages the benchmarks parse: every package
// and every row is read, with its platform, size and times.
func TestParseManyRows(t *testing.T) {
	const s = 3000
	for _, layout := range layouts {
		t.Run(layout, func(t *testing.T) {
			b, err := parseBytes(manyRowsPage(layout, s))
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Packages) != s || len(b.Timings) != s {
				t.Fatalf("%d packages, %d timings; want %d of each", len(b.Packages), len(b.Timings), s)
			}
			for _, i := range []int{0, 1, s / 2, s - 1} {
				p, tm := b.Packages[i], b.Timings[i]
				name := fmt.Sprintf("XP-KB990001-%06d.exe", i)
				if p.File != name || p.Bytes != int64(600000+i) || p.Platform != "Windows XP SP2" {
					t.Errorf("package %d = %+v", i, p)
				}
				if tm.Package != name || tm.Platform != fmt.Sprintf("XP lab %06d", i) || tm.KB != "KB990001" ||
					tm.Console != "UpdateEXPERT 6.1" || len(tm.Points) != 4 || len(tm.Absent) != 0 {
					t.Errorf("timing %d = %+v", i, tm)
				}
				for j, pt := range tm.Points {
					if got := FormatDuration(time.Duration(pt.Minutes) * time.Minute); got != minutesOf(i)[j] {
						t.Errorf("timing %d, point %d: %s, want %s", i, j, got, minutesOf(i)[j])
					}
				}
			}
		})
	}
}

// BenchmarkParseSeries parses pages of s packages and timing rows in each
// layout. Each step of 10× the rows should cost about 10× the time and
// memory. An HTML page of 100,000 rows would be over Parse's 16 MiB, so
// its sizes are 700, 7,000 and 70,000 rows (15 MB).
func BenchmarkParseSeries(b *testing.B) {
	for _, layout := range layouts {
		sizes := []int{1000, 10000, 100000}
		if layout == "html" {
			sizes = []int{700, 7000, 70000}
		}
		for _, s := range sizes {
			page := manyRowsPage(layout, s)
			b.Run(fmt.Sprintf("layout=%s/s=%d", layout, s), func(b *testing.B) {
				b.SetBytes(int64(len(page)))
				b.ReportAllocs()
				for b.Loop() {
					bul, err := parseBytes(page)
					if err != nil {
						b.Fatal(err)
					}
					if len(bul.Timings) != s {
						b.Fatalf("%d timings, want %d", len(bul.Timings), s)
					}
				}
			})
		}
	}
}

// TestParseKeepsFormatCharacters: a bidi control (U+202E) or a zero-width
// space (U+200B) in a platform name is data as far as Parse is concerned:
// it is kept as it is, in every layout and as an HTML character reference.
// estimate refuses it when the row becomes an observation (see
// estimate's checkText), naming the page and line; a renderer escapes it.
func TestParseKeepsFormatCharacters(t *testing.T) {
	for _, layout := range layouts {
		for _, odd := range []string{"\u202e", "\u200b"} {
			page := manyRowsPage(layout, 2)
			ref := odd
			if layout == "html" {
				ref = fmt.Sprintf("&#x%X;", []rune(odd)[0])
			}
			page = bytes.Replace(page, []byte("(XP lab 000001)"), []byte("(XP"+ref+" lab 000001)"), 1)
			b, err := parseBytes(page)
			if err != nil {
				t.Fatalf("%s, %+q: %v", layout, odd, err)
			}
			if got, want := b.Timings[1].Platform, "XP"+odd+" lab 000001"; got != want {
				t.Errorf("%s: platform %+q, want %+q", layout, got, want)
			}
		}
	}
}

// TestParseErrorsShort: a page's text echoed in an error is quoted, cut
// and escaped (see clip.Quote), so that a megabyte cell or a terminal
// escape gives a short line that still names the page's line.
func TestParseErrorsShort(t *testing.T) {
	huge := strings.Repeat("9", 1<<20)
	tests := []struct {
		name      string
		old, new  string
		wants     []string
		forbidden []string
	}{
		{"huge cell", "1時間32分", huge + "x分",
			[]string{"line 71: 予想適用時間: cell \"9999", "\"… (1048580 bytes) is not a duration"}, nil},
		{"huge bulletin ID", "MS06-031/914321", "MS" + huge,
			[]string{"line 24: 脆弱性識別番号: \"MS999", "\"… (1048578 bytes) is not a bulletin ID"}, nil},
		{"huge package name", "WindowsXP-KB914321-x86-JPN.exe\n(Windows XP Professional SP2)", "Windows" + huge + ".exe\n",
			[]string{"line 69: 予想適用時間: package \"Windows999", "\"… (1048587 bytes) has no (platform) line under it"}, nil},
		{"bidi control in a cell", "1時間32分", "\u202e1時間xx分",
			[]string{`line 71: 予想適用時間: cell "\u202e1時間xx分" is not a duration`}, []string{"\u202e"}},
		{"C1 control in a header cell", "500台", "\u009b31m台",
			[]string{`line 65: 予想適用時間: header cell "\u009b31m台" is not a fleet size`}, []string{"\u009b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := edit("plain.txt", tc.old, tc.new)(t)
			_, err := parseBytes(page)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if len(msg) > 300 {
				t.Errorf("error of %d bytes: %.300s", len(msg), msg)
			}
			for _, w := range tc.wants {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			for _, f := range tc.forbidden {
				if strings.Contains(msg, f) {
					t.Errorf("error %q holds %+q raw", msg, f)
				}
			}
		})
	}
}
