package estimate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/patchtime/patchtime/bulletin"
)

// scalePage writes a HotFix Alert page in the plain layout of
// testdata/bulletins/plain.txt with s packages of one KB, each on a
// platform of its own: s package rows under 適用されるファイル情報 and s rows
// in one 予想適用時間 table, so s series. Every value is invented.
func scalePage(s int) []byte {
	var b bytes.Buffer
	b.Grow(s * 130)
	b.WriteString("patchtime の規模テスト用に生成した架空ページ\n\n深刻度\n  1(緊急)\n2(重要)\n  3(警告)\n  4(注意)\n" +
		"対策\n早期適用\n再起動の必要性\n必要\n脆弱性識別番号\nMS06-090/990001\n生成した架空の脆弱性\n\n" +
		"対象プラットフォーム\n\n影響を受けるソフトウェア 対象プラットフォーム\nWindows XP Windows XP SP2\n\n" +
		"‥‥‥ 適用されるファイル情報 ‥‥‥\n\nWindows XP SP2:\nファイル名 日付 バージョン サイズ\n")
	for i := range s {
		fmt.Fprintf(&b, "XP-KB990001-%06d.exe 2006/11/30 1.0.0.0 %d\n", i, 600000+i)
	}
	b.WriteString("\n予想適用時間\n\n修正プログラム名 50台 100台 250台 500台\n")
	for i := range s {
		setup, rate := 8+i%13, 15+i%5 // minutes; hundredths of a minute per host
		fmt.Fprintf(&b, "XP-KB990001-%06d.exe\n(XP lab %06d)\n", i, i)
		for j, h := range []int{50, 100, 250, 500} {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(bulletin.FormatDuration(time.Duration(setup+h*rate/100) * time.Minute))
		}
		b.WriteByte('\n')
	}
	b.WriteString("1コンソールのUpdateEXPERT 6.1で配り終えるまでの目安として生成した架空の値。\n")
	return b.Bytes()
}

// scaleCSV writes a catalog CSV of s series of four published rows each.
func scaleCSV(s int) []byte {
	var b bytes.Buffer
	b.Grow(s * 4 * 110)
	b.WriteString(strings.Join(columns, ",") + "\n")
	for i := range s {
		setup, rate := 8+i%13, 0.15+float64(i%5)/100
		for _, h := range []int{50, 100, 250, 500} {
			fmt.Fprintf(&b, "MS06-090,KB%d,XP-KB%d.exe,XP lab %06d,UpdateEXPERT 6.1,1,%d,%.0f,600000,1,required,published\n",
				990000+i%1000, 990000+i%1000, i, h, float64(setup)+rate*float64(h))
		}
	}
	return b.Bytes()
}

// fitAll fits every series of cat, as --list does, and returns how many
// have a curve.
func fitAll(tb testing.TB, cat *Catalog) int {
	series, err := cat.Select("", "")
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, s := range series {
		if _, err := cat.Curve(s); err == nil {
			n++
		}
	}
	return n
}

var scaleSizes = []int{1000, 10000, 100000}

// BenchmarkPageSeries reads a page of s timing rows (s series) as
// --bulletin page --list does: parse, observations, the default catalog
// with them, and every series fitted. Each step of 10× the series should
// cost about 10× the time and memory.
func BenchmarkPageSeries(b *testing.B) {
	for _, s := range scaleSizes {
		page := scalePage(s)
		b.Run(fmt.Sprintf("s=%d", s), func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				bul, err := bulletin.Parse(bytes.NewReader(page))
				if err != nil {
					b.Fatal(err)
				}
				obs, err := FromBulletin(bul, "page.txt")
				if err != nil {
					b.Fatal(err)
				}
				cat, err := Default().With(obs)
				if err != nil {
					b.Fatal(err)
				}
				if n := fitAll(b, cat); n != s+10 {
					b.Fatalf("%d curves, want %d", n, s+10)
				}
			}
		})
	}
}

// BenchmarkCatalogSeries reads a catalog CSV of s series of four rows
// each and fits every series.
func BenchmarkCatalogSeries(b *testing.B) {
	for _, s := range scaleSizes {
		data := scaleCSV(s)
		b.Run(fmt.Sprintf("s=%d", s), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				cat, err := ReadCatalog(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				if n := fitAll(b, cat); n != s {
					b.Fatalf("%d curves, want %d", n, s)
				}
			}
		})
	}
}

// checkShort fails unless msg is at most 300 bytes, holds every want and
// no raw control or format character.
func checkShort(t *testing.T, msg string, wants ...string) {
	t.Helper()
	if len(msg) > 300 {
		t.Errorf("error of %d bytes: %.300s…", len(msg), msg)
	}
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not contain %q", msg, w)
		}
	}
	for _, r := range msg {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Errorf("error %+q holds %U raw", msg, r)
		}
	}
}

// TestCatalogErrorsShort: a cell echoed in a catalog error is quoted, cut
// and escaped, the error names file:line and the column.
func TestCatalogErrorsShort(t *testing.T) {
	header := strings.Join(columns, ",") + "\n"
	row := "MS06-090,KB990001,XP-KB990001.exe,XP SP2,UpdateEXPERT 6.1,1,%s,%s,600000,1,required,published\n"
	huge := strings.Repeat("1x", 1<<19) // 1 MiB
	tests := []struct {
		name, data string
		wants      []string
	}{
		{"1 MB hosts cell", header + fmt.Sprintf(row, "50", "18") + fmt.Sprintf(row, huge, "27"),
			[]string{"c.csv:3: hosts \"1x1x1x", "\"… (1048576 bytes): not a whole number"}},
		{"1 MB header cell", strings.Replace(header, "hosts", huge, 1),
			[]string{"c.csv:1: header \"1x1x", "\"… (1048576 bytes): unknown column; the columns are bulletin,"}},
		{"escape in a minutes cell", header + fmt.Sprintf(row, "50", "\x1b[2J18\u202e"),
			[]string{`c.csv:2: minutes "\x1b[2J18\u202e": want decimal minutes`}},
		{"bidi control in a platform", header + strings.Replace(fmt.Sprintf(row, "50", "18"), "XP SP2", "XP\u202e2PS", 1),
			[]string{`c.csv:2: platform "XP\u202e2PS": invisible format character U+202E`}},
		{"zero-width space in a console", header + strings.Replace(fmt.Sprintf(row, "50", "18"), "UpdateEXPERT 6.1", "Update\u200bEXPERT 6.1", 1),
			[]string{`c.csv:2: console "Update\u200bEXPERT 6.1": invisible format character U+200B`}},
		{"terminal escape in a package", header + strings.Replace(fmt.Sprintf(row, "50", "18"), "XP-KB", "\x1b]0;x\aXP-KB", 1),
			[]string{`c.csv:2: package "\x1b]0;x\aXP-KB990001.exe": control character U+001B`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.csv")
			if err := os.WriteFile(path, []byte(tc.data), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadCatalog(path)
			var ce *CatalogError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v, want a *CatalogError", err)
			}
			msg := strings.ReplaceAll(err.Error(), path, "c.csv")
			checkShort(t, msg, tc.wants...)
		})
	}
}

// TestPageFormatCharacters: bulletin.Parse keeps a bidi control or a
// zero-width space in a platform name (it is the page's text); taking the
// page into a catalog refuses it, naming the page's line, as a catalog
// file's row is refused.
func TestPageFormatCharacters(t *testing.T) {
	for _, odd := range []string{"\u202e", "\u200b", "\ufeff", "\u0085"} {
		page := bytes.Replace(scalePage(3), []byte("(XP lab 000001)"), []byte("(XP"+odd+"lab 000001)"), 1)
		b, err := bulletin.Parse(bytes.NewReader(page))
		if err != nil {
			t.Fatalf("%+q: %v", odd, err)
		}
		obs, err := FromBulletin(b, "page.txt")
		if err != nil {
			t.Fatal(err)
		}
		_, err = Default().With(obs)
		var ce *CatalogError
		if !errors.As(err, &ce) || ce.Line != b.Timings[1].Line || ce.Column != "platform" {
			t.Fatalf("%+q: error %v, want a *CatalogError for the platform on line %d", odd, err, b.Timings[1].Line)
		}
		checkShort(t, err.Error(), fmt.Sprintf("page.txt:%d: platform %+q: ", b.Timings[1].Line, "XP"+odd+"lab 000001"))
	}
}

// TestSeriesErrorsShort: an unknown platform or console among thousands
// of series names a few and says how many more.
func TestSeriesErrorsShort(t *testing.T) {
	cat, err := ReadCatalog(bytes.NewReader(scaleCSV(5000)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = cat.Pool("Big\x1bFix")
	checkShort(t, err.Error(), `no console "Big\x1bFix" in the catalog; it has: UpdateEXPERT 6.1`)

	many := make([]Observation, 0, 4*3000)
	for i := range 3000 {
		for _, h := range []int{50, 100, 250, 500} {
			many = append(many, Observation{KB: "KB990001", Platform: "XP", Console: fmt.Sprintf("UpdateEXPERT 6.%04d", i),
				Consoles: 1, Hosts: h, Minutes: float64(10 + h/5)})
		}
	}
	consoles, err := NewCatalog(many)
	if err != nil {
		t.Fatal(err)
	}
	_, err = consoles.Pool("BigFix")
	checkShort(t, err.Error(), `no console "BigFix" in the catalog; it has: UpdateEXPERT 6.0000, UpdateEXPERT 6.0001, `, "UpdateEXPERT 6.0004 and 2995 more")
	_, err = consoles.Pool("UpdateEXPERT")
	checkShort(t, err.Error(), `console "UpdateEXPERT" is ambiguous; it matches: UpdateEXPERT 6.0000, `, " and 2995 more")

	// These two are made in series.go.
	_, err = cat.Select("", "Vista\u202e")
	checkShort(t, err.Error(), `no platform of the catalog contains "Vista\u202e"; it has: XP lab 000000, `, " and 4995 more")
	_, err = cat.Select("KB1", "")
	checkShort(t, err.Error(), `unknown patch "KB1"; the catalog has KB990000, `, " and 995 more")
}

// TestListNames: a few names are listed whole, many are cut to five and
// a count, each name is cut and escaped.
func TestListNames(t *testing.T) {
	names := func(n int) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = fmt.Sprint("n", i)
		}
		return s
	}
	for _, tc := range []struct {
		names []string
		want  string
	}{
		{nil, ""},
		{names(1), "n0"},
		{names(6), "n0, n1, n2, n3, n4, n5"},
		{names(7), "n0, n1, n2, n3, n4 and 2 more"},
		{names(100000), "n0, n1, n2, n3, n4 and 99995 more"},
		{[]string{"a\x1b[0m", strings.Repeat("é", 100)}, `a\x1b[0m, ` + strings.Repeat("é", 64) + "…"},
	} {
		if got := listNames(tc.names); got != tc.want {
			t.Errorf("listNames(%d names) = %q, want %q", len(tc.names), got, tc.want)
		}
	}
}

// TestFoldKey: two names have the same key exactly when strings.EqualFold
// holds, so FromBulletin finds a row's package as Bulletin.Package does.
func TestFoldKey(t *testing.T) {
	words := []string{"", "a", "A", "kb.exe", "KB.EXE", "\u212Ab.exe", "ſ", "S", "s", "ß", "ẞ", "Σ", "σ", "ς",
		"\xff", "\xfe", "\uFFFD", "é", "É", "ｋ", "K", "KB1\xff", "kb1\xfe", "İ", "i", "ı", "I"}
	for _, a := range words {
		for _, b := range words {
			if got, want := foldKey(a) == foldKey(b), strings.EqualFold(a, b); got != want {
				t.Errorf("foldKey(%+q) == foldKey(%+q) is %v; EqualFold says %v", a, b, got, want)
			}
		}
	}
	b := &bulletin.Bulletin{ID: "MS06-090", KBs: []string{"KB990001"},
		Packages: []bulletin.Package{{File: "XP-KB990001.EXE", Bytes: 1}, {File: "xp-kb990001.exe", Bytes: 2}, {File: "\u212A.exe", Bytes: 3}},
		Timings: []bulletin.Timing{
			{KB: "KB990001", Package: "Xp-Kb990001.Exe", Consoles: 1, Points: []bulletin.Point{{Hosts: 50, Minutes: 9}}},
			{KB: "KB990001", Package: "k.EXE", Consoles: 1, Points: []bulletin.Point{{Hosts: 50, Minutes: 9}}},
			{KB: "KB990001", Package: "other.exe", Consoles: 1, Points: []bulletin.Point{{Hosts: 50, Minutes: 9}}},
		}}
	obs, err := FromBulletin(b, "")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int64{1, 3, 0} {
		if obs[i].PackageBytes != want {
			t.Errorf("row %d: %d bytes, want %d", i, obs[i].PackageBytes, want)
		}
		if p, _ := b.Package(b.Timings[i].Package); p.Bytes != want {
			t.Errorf("Bulletin.Package(%q) = %d bytes, FromBulletin says %d", b.Timings[i].Package, p.Bytes, want)
		}
	}
}
