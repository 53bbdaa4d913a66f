package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// header is a catalog's header line.
const header = "bulletin,kb,package,platform,console,consoles,hosts,minutes,package_bytes,severity,reboot,source\n"

// row is a good catalog row of KB899588 on XP at the given hosts and
// minutes.
func row(hosts, minutes string) string {
	return "MS05-039,KB899588,WindowsXP-KB899588-x86-JPN.exe,Windows XP,UpdateEXPERT 6.1,1," + hosts + "," + minutes + ",581360,1,required,published\n"
}

// page is a small HotFix Alert page with one timing row whose cells are
// given.
func page(cells string) string {
	return "深刻度\n1(緊急)\n  2(重要)\n  3(警告)\n  4(注意)\n対策\n早期適用\n再起動の必要性\n必要\n" +
		"脆弱性識別番号\nMS06-099/999001\n架空の題名\n\n予想適用時間\n\n修正プログラム名 50台 100台 250台 500台\n" +
		"WindowsXP-KB999001-x86-JPN.exe\n(Windows XP SP2)\n" + cells + "\n1コンソールのUpdateEXPERT 6.1で書いた架空の値。\n"
}

// TestBadInputBattery feeds the command bad flags, catalogs, observation
// files and bulletin pages. Each must exit 2 with exactly one line on
// standard error that names the bad value and, for a file, its place;
// write nothing to standard output; and leave no file at -o, partial or
// whole, nor any temporary file beside it.
func TestBadInputBattery(t *testing.T) {
	utf16Page := func() []byte {
		var b bytes.Buffer
		for _, u := range utf16.Encode([]rune("脆弱性識別番号\nMS06-099/999001\n")) {
			b.WriteByte(byte(u >> 8))
			b.WriteByte(byte(u))
		}
		return b.Bytes() // UTF-16 big-endian with no byte-order mark
	}()
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i*131 + i*i*7)
	}
	for _, tc := range []struct {
		name  string
		file  string // written to FILE in a fresh folder, when not empty
		data  []byte
		args  []string // FILE stands for the written file
		wants []string // in the stderr line
	}{
		// Flags.
		{name: "hosts empty", args: []string{"--patch", "KB899588", "--hosts", ""}, wants: []string{`--hosts ""`}},
		{name: "hosts float", args: []string{"--patch", "KB899588", "--hosts", "1e3"}, wants: []string{`"1e3" is not a whole number`}},
		{name: "hosts NaN", args: []string{"--patch", "KB899588", "--hosts", "NaN"}, wants: []string{`"NaN" is not a whole number`}},
		{name: "hosts negative", args: []string{"--patch", "KB899588", "--hosts", "-1"}, wants: []string{`-1 hosts`}},
		{name: "hosts huge", args: []string{"--patch", "KB899588", "--hosts", "99999999999999999999"}, wants: []string{`99999999999999999999 is above the maximum`}},
		{name: "consoles zero", args: []string{"--patch", "KB899588", "--hosts", "5", "--consoles", "0"}, wants: []string{`--consoles "0"`}},
		{name: "level zero", args: []string{"--patch", "KB899588", "--hosts", "5", "--level", "0"}, wants: []string{`--level "0"`}},
		{name: "window negative", args: []string{"--patch", "KB899588", "--hosts", "5", "--window", "-5m"}, wants: []string{`--window "-5m"`}},
		{name: "contention NaN", args: []string{"--patch", "KB899588", "--hosts", "5", "--contention", "NaN"}, wants: []string{`--contention "NaN"`}},
		{name: "sweep never ends", args: []string{"--patch", "KB899588", "--hosts", "1:100000000", "--consoles", "1:1000", "--format", "csv"}, wants: []string{"at most 10000000 rows"}},
		{name: "sweep of patches", args: []string{"--patch", "KB899588", "--hosts", "1:5000000", "--consoles", "1:3", "--format", "csv"}, wants: []string{"at most 10000000 rows"}},
		{name: "patch empty", args: []string{"--patch", "", "--hosts", "5"}, wants: []string{"empty patch name"}},
		{name: "patch typo", args: []string{"--patch", "KB89958", "--hosts", "5"}, wants: []string{`"KB89958"`, "did you mean KB899588?"}},
		{name: "unknown flag", args: []string{"--patch", "KB899588", "--hosts", "5", "--hots", "5"}, wants: []string{"unknown flag --hots; did you mean --hosts?"}},
		// Numbers that cannot be shown, and caps checked before any work.
		{name: "window overflows", args: []string{"--patch", "KB899588", "--hosts", "5", "--window", "2562047h47m16.854775807s"}, wants: []string{`--window "2562047h47m16.854775807s"`, "longer than 100 years"}},
		{name: "window overflows Go's durations", args: []string{"--patch", "KB899588", "--hosts", "5", "--window", "2562048h"}, wants: []string{"longer than 100 years"}},
		{name: "window overflows in Japanese", args: []string{"--patch", "KB899588", "--hosts", "5", "--window", "99999999999999999999時間"}, wants: []string{"longer than 100 years"}},
		{name: "setup of a century and a day", args: []string{"--setup", "878401h", "--hosts", "5"}, wants: []string{`--setup "878401h"`, "longer than 100 years"}},
		{name: "level reads as 100%", args: []string{"--patch", "KB899588", "--hosts", "5", "--level", "0.999999999"}, wants: []string{`--level "0.999999999"`, "reads as 100%"}},
		{name: "level reads as 0%", args: []string{"--patch", "KB899588", "--hosts", "5", "--level", "1e-9"}, wants: []string{"reads as 0%"}},
		{name: "fleet of many platforms", args: []string{"--patch", "KB899588", "--hosts", strings.Repeat("XP=1,", 1000) + "XP=1"}, wants: []string{"more than 1000 platforms"}},
		{name: "fleet round the row cap", args: []string{"--patch", "KB899588", "--hosts", distinctFleet(110), "--consoles", "1:100000", "--format", "csv"}, wants: []string{"11100000 rows", "at most 10000000 rows"}},
		{name: "version to a file", args: []string{"--version"}, wants: []string{"--help and --version print to standard output"}},
		{name: "bundle of too many patches", args: append([]string{"--hosts", "5"}, repeat(1001, "--patch", "KB899588")...), wants: []string{"1001 patches", "at most 1000"}},
		{name: "bundle on a fleet of too many parts", args: append([]string{"--hosts", distinctFleet(600), "--format", "csv"}, repeat(20, "--patch", "KB899588")...), wants: []string{"20 patches on 600 platforms make 12000 parts", "at most 10000"}},
		{name: "table too long, from the counts", args: []string{"--patch", "KB899588", "--hosts", "1:5000", "--consoles", "1,2,3"}, wants: []string{"15000 rows or more, too many for a table", "--format csv"}},
		{name: "repeated sweeps", args: append([]string{"--patch", "KB899588", "--format", "csv"}, repeat(20, "--hosts", "1:9999999")...), wants: []string{"199999980 rows", "at most 10000000 rows"}},
		{name: "falling curve extrapolated", file: "c.csv", data: []byte("kb,consoles,hosts,minutes\nKB1,1,100,90\nKB1,1,200,60\nKB1,1,300,20\n"), args: []string{"--catalog", "FILE", "--patch", "KB1", "--hosts", "100000000"}, wants: []string{"not above 0", "not extrapolated beyond its data (100–300 hosts"}},
		{name: "curve below zero extrapolated", file: "c.csv", data: []byte("kb,consoles,hosts,minutes\nKB2,1,100,10\nKB2,1,200,40\nKB2,1,300,70\n"), args: []string{"--catalog", "FILE", "--patch", "KB2", "--hosts", "10"}, wants: []string{"gives -17 min at a load of 10 hosts, not above 0", "not extrapolated beyond its data (100–300 hosts"}},
		{name: "curve below zero planned", file: "c.csv", data: []byte("kb,consoles,hosts,minutes\nKB2,1,100,10\nKB2,1,200,40\nKB2,1,300,70\n"), args: []string{"--catalog", "FILE", "--patch", "KB2", "--window", "1m"}, wants: []string{"gives -19.7 min", "no window can be planned on it"}},
		// What reaches the terminal: escaped and cut.
		{name: "escape sequence in a flag", args: []string{"--patch", "KB899588", "--hosts", "5", "--format", "\x1b[2J\x1b]0;owned\a"}, wants: []string{`--format "\x1b[2J\x1b]0;owned\a"`}},
		{name: "huge value", args: []string{"--patch", "KB899588", "--hosts", "5", "--lang", strings.Repeat("x", 10<<20)}, wants: []string{`--lang "xxxx`, "…", "(10485760 bytes)"}},
		// Catalogs.
		{name: "catalog empty", file: "c.csv", data: nil, args: []string{"--catalog", "FILE", "--list"}, wants: []string{"c.csv:1", "empty"}},
		{name: "catalog binary", file: "c.csv", data: junk, args: []string{"--catalog", "FILE", "--list"}, wants: []string{"c.csv:"}},
		{name: "catalog truncated", file: "c.csv", data: []byte(header + row("50", "18") + "MS05-039,KB8995"), args: []string{"--catalog", "FILE", "--list"}, wants: []string{"c.csv:3", "wrong number of fields"}},
		{name: "catalog huge hosts", file: "c.csv", data: []byte(header + row("1e400", "18")), args: []string{"--catalog", "FILE", "--list"}, wants: []string{"c.csv:2", `hosts "1e400"`}},
		{name: "catalog NaN minutes", file: "c.csv", data: []byte(header + row("50", "NaN")), args: []string{"--catalog", "FILE", "--list"}, wants: []string{"c.csv:2", `minutes "NaN"`}},
		{name: "catalog negative minutes", file: "c.csv", data: []byte(header + row("50", "-18")), args: []string{"--catalog", "FILE", "--list"}, wants: []string{"c.csv:2", `minutes "-18"`}},
		{name: "catalog Latin-1", file: "c.csv", data: []byte(header + "MS05-039,KB899588,p.exe,Windows \xff\xfe XP,,1,50,18,,,,\n"), args: []string{"--catalog", "FILE", "--list"}, wants: []string{"c.csv:2", "neither UTF-8 nor Shift_JIS"}},
		{name: "catalog duplicated row", file: "c.csv", data: []byte(header + row("50", "18") + row("100", "27") + row("50", "18")), args: []string{"--catalog", "FILE", "--list"}, wants: []string{"c.csv:4", "repeats", "c.csv:2"}},
		{name: "catalog conflicting row", file: "c.csv", data: []byte(header + row("50", "18") + row("50", "19")), args: []string{"--catalog", "FILE", "--list"}, wants: []string{"c.csv:3", "conflicts", "19 against 18"}},
		{name: "catalog control character", file: "c.csv", data: []byte(header + strings.Replace(row("50", "18"), "Windows XP", "Windows\x1b[31m XP", 1)), args: []string{"--catalog", "FILE", "--list"}, wants: []string{"c.csv:2", "platform", "control character"}},
		{name: "catalog unknown column", file: "c.csv", data: []byte("kb,hosts,consoles,minuts\n"), args: []string{"--catalog", "FILE", "--list"}, wants: []string{"c.csv:1", `"minuts"`, "did you mean minutes?"}},
		{name: "catalog one fleet size", file: "c.csv", data: []byte(header + row("50", "18")), args: []string{"--catalog", "FILE", "--patch", "KB899588", "--hosts", "5"}, wants: []string{"c.csv:2", "single fleet size"}},
		// Observation files.
		{name: "observations empty", file: "o.csv", data: []byte(""), args: []string{"--observations", "FILE", "--patch", "KB899588", "--hosts", "5"}, wants: []string{"o.csv:1", "empty"}},
		{name: "observations too few", file: "o.csv", data: []byte("kb,platform,consoles,hosts,minutes\nKB899588,XP,1,300,70\n"), args: []string{"--observations", "FILE", "--patch", "KB899588", "--hosts", "5"}, wants: []string{"o.csv", "at least 3", "have 1"}},
		{name: "observations NaN", file: "o.csv", data: []byte("kb,platform,consoles,hosts,minutes\nKB899588,XP,1,300,NaN\n"), args: []string{"--observations", "FILE", "--patch", "KB899588", "--hosts", "5"}, wants: []string{"o.csv:2", `minutes "NaN"`}},
		{name: "observations ambiguous platform", file: "o.csv", data: []byte("kb,consoles,hosts,minutes\nKB899588,1,300,70\nKB1,1,600,120\nKB1,1,900,170\n"), args: []string{"--observations", "FILE", "--patch", "KB899588", "--hosts", "5"}, wants: []string{"o.csv:2", "KB899588 has 3 platform rows"}},
		// Bulletin pages.
		{name: "page empty", file: "p.txt", data: nil, args: []string{"--bulletin", "FILE", "--list"}, wants: []string{"p.txt", "not a HotFix Alert page"}},
		{name: "page binary", file: "p.txt", data: junk, args: []string{"--bulletin", "FILE", "--list"}, wants: []string{"p.txt", "not a HotFix Alert page"}},
		{name: "page truncated before its table", file: "p.txt", data: []byte(page("14分 23分 48分 1時間30分")[:strings.Index(page(""), "予想適用時間")]), args: []string{"--bulletin", "FILE", "--list"}, wants: []string{"p.txt", "MS06-099 has no 予想適用時間 table"}},
		{name: "page bad cell", file: "p.txt", data: []byte(page("14分 23分 48分 1時間xx分")), args: []string{"--bulletin", "FILE", "--list"}, wants: []string{"p.txt:19", `"1時間xx分"`}},
		{name: "page UTF-16 without BOM", file: "p.txt", data: utf16Page, args: []string{"--bulletin", "FILE", "--list"}, wants: []string{"p.txt", "not a HotFix Alert page"}},
		{name: "page disagrees with catalog", file: "p.txt", data: []byte(strings.NewReplacer("MS06-099/999001", "MS05-039/899588", "WindowsXP-KB999001-x86-JPN.exe", "WindowsXP-KB899588-x86-JPN.exe", "(Windows XP SP2)", "(Windows XP SP1/SP1a/SP2)").Replace(page("19分 27分 52分 1時間34分"))), args: []string{"--bulletin", "FILE", "--list"}, wants: []string{"p.txt:", "conflicts", "19 against 18"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var args []string
			for _, a := range tc.args {
				if a == "FILE" {
					a = filepath.Join(dir, tc.file)
				}
				args = append(args, a)
			}
			if tc.file != "" {
				if err := os.WriteFile(filepath.Join(dir, tc.file), tc.data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out := filepath.Join(dir, "out.txt")
			args = append(args, "-o", out)
			code, stdout, stderr := runCLI(args...)
			if code != 2 || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "estimate: ") {
				t.Errorf("stderr %.300q is not one line", stderr)
			}
			if len(stderr) > 400 {
				t.Errorf("stderr is %d bytes long: %.300q…", len(stderr), stderr)
			}
			if i := strings.IndexFunc(strings.TrimSuffix(stderr, "\n"), unsafeRune); i >= 0 {
				t.Errorf("stderr %q holds %U raw", stderr, []rune(stderr[i:])[0])
			}
			for _, w := range tc.wants {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not contain %q", stderr, w)
				}
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != tc.file {
					t.Errorf("left %s behind", e.Name())
				}
			}
		})
	}
}

// repeat gives the arguments args n times over.
func repeat(n int, args ...string) []string {
	var out []string
	for range n {
		out = append(out, args...)
	}
	return out
}

// unsafeRune reports the characters that must not reach a terminal raw:
// controls, bidi controls, zero-width and other format characters.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}

// TestFileNamesEscaped: a file name with a bidi override or an escape
// sequence, in an I/O error or in the calibration line of the table, is
// shown escaped; a very long one is cut in the middle.
func TestFileNamesEscaped(t *testing.T) {
	dir := t.TempDir()
	obs := filepath.Join(dir, "obs\x1b]0;pwn\a\u202e.csv")
	data, err := os.ReadFile(filepath.Join(catalogDir, "../observations/site.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(obs, data, 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--catalog", "no\u202etxt.csv", "--list"}, 1, `no\u202etxt.csv`},
		{[]string{"--observations", obs, "--patch", "KB899588", "--platform", "xp", "--hosts", "1200"}, 0, `obs\x1b]0;pwn\a\u202e.csv`},
		{[]string{"--observations", obs, "--patch", "KB899588", "--platform", "xp", "--explain"}, 0, `obs\x1b]0;pwn\a\u202e.csv`},
		{[]string{"--patch", "KB899588", "--hosts", "5", "-o", "nodir/" + strings.Repeat("a", 3000)}, 1, "…" + strings.Repeat("a", 80) + ": no such file or directory"},
	} {
		code, out, errOut := runCLI(tc.args...)
		text := out + errOut
		if code != tc.code || !strings.Contains(text, tc.want) {
			t.Errorf("%.100q: exit %d, %.300q; want %d and %q", tc.args, code, text, tc.code, tc.want)
		}
		if i := strings.IndexFunc(strings.ReplaceAll(text, "\n", ""), unsafeRune); i >= 0 {
			t.Errorf("%.100q: raw %U in the output", tc.args, []rune(strings.ReplaceAll(text, "\n", "")[i:])[0])
		}
	}
}

// distinctFleet is a mixed fleet of n platforms, P1=1,P2=1,…: each named
// once, as a fleet must.
func distinctFleet(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf("P%d=1", i+1)
	}
	return strings.Join(items, ",")
}
