package main

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// minutes reads a CSV minutes cell as a duration.
func minutes(t *testing.T, s string) time.Duration {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("minutes %q: %v", s, err)
	}
	return time.Duration(math.Round(v * float64(time.Minute)))
}

// TestThousandsSeparators: a value that could be one number written with
// thousands separators is refused with the number written without them;
// lists that cannot be one number, or plainly are lists, stay lists.
func TestThousandsSeparators(t *testing.T) {
	for _, c := range []struct{ hosts, want string }{
		{"12,345", "write 12345 (for the separate values, give --hosts 12 --hosts 345)"},
		{"15,750", "write 15750"},
		{"125,500", "write 125500"},
		{"10,000", "write 10000"},
		{"1,200", "write 1200"},
		{"250,500", "write 250500"},
		{"1,234,567", "write 1234567"},
		{"2,500,000", "write 2500000"},
		{"１２,３４５", "write 12345"}, // full-width digits
		{"XP=1,200", `"1,200" reads as 1200 written with thousands separators; write XP=1200`},
		{"XP=１，２００", `write XP=1200`},
		{"2000=1,000,000", `"1,000,000" reads as 1000000 written with thousands separators; write 2000=1000000`},
		{"1,200 ", "write 1200"}, // spaces around do not hide it
		{" 12,345", "write 12345"},
		{"123,456,789", "reads as 123456789 written with thousands separators, above the maximum of 100000000 hosts"},
		{"100:5,000:100", `"5,000" reads as 5000 written with thousands separators; write 100:5000:100`},
		{"1,000:5000", "write 1000:5000"},
		{"XP=800,2000=1,500", "write 2000=1500"},
	} {
		code, out, errOut := runCLI("--patch", "KB899588", "--hosts", c.hosts)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("--hosts %s: exit %d, stderr %q; want exit 2 and %q", c.hosts, code, errOut, c.want)
		}
	}
	if _, _, errOut := runCLI("--patch", "KB899588", "--hosts", "10,000"); strings.Contains(errOut, "--hosts 000") {
		t.Errorf("10,000: %q offers 000 as a value", errOut)
	}
	// Lists: 50 billion is no fleet; three increasing multiples of 10;
	// 100 million and more is above the largest fleet.
	for _, c := range []struct {
		hosts string
		rows  int
	}{{"50,100,250,500", 4}, {"50,100,250", 3}, {"100,250,500", 3}, {"1200", 1}, {"50,1200", 2}} {
		code, out, errOut := runCLI("--patch", "KB899588", "--platform", "xp", "--hosts", c.hosts, "--format", "csv")
		if code != 0 || strings.Count(out, "\n") != c.rows+1 {
			t.Errorf("--hosts %s: exit %d (%s), %d lines; want %d rows", c.hosts, code, errOut, strings.Count(out, "\n"), c.rows)
		}
	}
	if code, _, errOut := runCLI("--patch", "KB899588", "--platform", "xp", "--hosts", "10", "--consoles", "1,000"); code != 2 || !strings.Contains(errOut, "--consoles \"1,000\": reads as 1000") {
		t.Errorf("--consoles 1,000: exit %d, %q", code, errOut)
	}
}

// TestRepeated: a platform twice in a mixed fleet, or a single-valued
// flag given twice with different values, is an error that says so.
func TestRepeated(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--patch", "KB899588", "--hosts", "XP=800,XP=400"}, `platform "XP" is given twice (XP=800 and XP=400); give each platform once, e.g. XP=1200`},
		{[]string{"--patch", "KB899588", "--hosts", "XP=800", "--hosts", "xp=400"}, `platform "XP" is given twice`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--window", "2h", "--window", "3h"}, `--window is given twice ("2h" and "3h"); give it once`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--lang", "en", "--lang", "ja"}, `--lang is given twice`},
		{[]string{"--setup", "12m", "--setup", "15m", "--hosts", "10"}, `--setup is given 2 times without a name`},
	} {
		code, out, errOut := runCLI(c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, errOut, c.want)
		}
	}
	// The same value twice is harmless, in any case.
	if code, _, errOut := runCLI("--patch", "KB899588", "--hosts", "10", "--lang", "en", "--lang", "EN"); code != 0 {
		t.Errorf("--lang en twice: exit %d, %s", code, errOut)
	}
	// A patch twice, by KB number and bulletin ID; a --setup named after
	// a patch with a table.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--patch", "KB899588,KB937894,kb899588", "--hosts", "10"}, `"KB899588" and "kb899588" name the same patch, KB899588; give it once`},
		{[]string{"--patch", "KB899588", "--patch", "MS05-039", "--hosts", "10"}, `"KB899588" and "MS05-039" name the same patch`},
		{[]string{"--patch", "KB937894", "--setup", "KB899588=12m", "--hosts", "10"}, `--setup "KB899588": KB899588 has a table; give it with --patch KB899588`},
		{[]string{"--setup", "MS05-039=12m", "--hosts", "10"}, `KB899588 has a table`},
		{[]string{"--setup", "12m", "--setup", "20m", "--hosts", "10"}, `name each patch: --setup KB999001=12m --setup KB999002=20m`},
	} {
		code, _, errOut := runCLI(c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want %q", c.args, code, errOut, c.want)
		}
	}
	// The value of -o is not a flag, even when it starts with a dash.
	out := t.TempDir() + "/-list"
	if code, _, errOut := runCLI("-o", out, "--patch", "KB899588", "--hosts", "5"); code != 0 {
		t.Errorf("-o %s: exit %d, %s", out, code, errOut)
	}
}

// TestFlagTypos: an unknown flag suggests the nearest; a long flag with
// one dash suggests two.
func TestFlagTypos(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--host", "1200", "--patch", "KB899588"}, "unknown flag --host; did you mean --hosts?"},
		{[]string{"--pacth", "KB899588"}, "did you mean --patch?"},
		{[]string{"--fromat", "csv"}, "did you mean --format?"},
		{[]string{"-patch", "KB899588"}, "-patch: long flags take two dashes: --patch"},
		{[]string{"-hosts=5"}, "long flags take two dashes: --hosts"},
		{[]string{"-pacth", "KB899588"}, "did you mean --patch?"},
		{[]string{"--zzzzzz"}, "unknown flag --zzzzzz (see estimate --help)"},
		{[]string{"--obs", "x.csv"}, "did you mean --observations?"}, // the one flag it starts
		{[]string{"--ver"}, "did you mean --version?"},
		{[]string{"-v"}, "unknown flag -v; did you mean --version?"},
		{[]string{"--csv"}, "did you mean --format csv?"},
		{[]string{"--language", "en"}, "did you mean --lang?"},
		{[]string{"---hosts", "5"}, "---hosts: too many dashes; did you mean --hosts?"},
	} {
		code, _, errOut := runCLI(c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, errOut, c.want)
		}
	}
}

// TestDurationForms: the forms people type are read as the minutes they
// say; a bare number or an unknown word is refused with an example made
// of the number typed.
func TestDurationForms(t *testing.T) {
	for _, c := range []struct {
		text string
		min  float64
	}{
		{"2h", 120}, {"90m", 90}, {"1h30m", 90}, {"2時間", 120}, {"1時間30分", 90},
		{"120min", 120}, {"120 mins", 120}, {"2hr", 120}, {"2hrs", 120}, {"2 hours", 120},
		{"1 hour 30 minutes", 90}, {"1h 30m", 90}, {"1.5 hours", 90}, {"2 Hours", 120},
		{"1d", 1440}, {"2 days", 2880}, {"１２０ｍｉｎ", 120},
	} {
		m, err := parseMinutes("window", c.text, true)
		if err != nil || math.Abs(m-c.min) > 1e-9 {
			t.Errorf("%q: %v, %v; want %v minutes", c.text, m, err, c.min)
		}
	}
	for _, c := range []struct{ text, want string }{
		{"120", "a number needs a unit: 120m for 120 minutes, 120h for 120 hours"},
		{"2 horas", "for 2 hours write 2h, for 2 minutes 2m"},
		{"tonight", "not a duration; durations are written 2h, 1h30m, 90m, 2 hours, 120min or 2時間"},
		{"2 fortnights", "for 2 hours write 2h"},
		{"1h30", "did you mean 1h30m?"},
		{"02:00", "did you mean 2h?"},
		{"2:30", "did you mean 2h30m?"},
		{"1時間5", "did you mean 1時間5分?"},
		{"1", "1m for 1 minute, 1h for 1 hour"},
	} {
		_, err := parseMinutes("window", c.text, true)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v; want %q", c.text, err, c.want)
		}
	}
}

// TestEnumsIgnoreCase: --lang and --format take any case, as --patch does.
func TestEnumsIgnoreCase(t *testing.T) {
	_, want, _ := runCLI("--patch", "KB899588", "--hosts", "100", "--format", "csv")
	code, got, errOut := runCLI("--patch", "kb899588", "--hosts", "100", "--format", "CSV", "--lang", "JA")
	if code != 0 || got != want {
		t.Errorf("--format CSV --lang JA: exit %d (%s); output differs from --format csv", code, errOut)
	}
}

// TestUnknownPatch: a suggestion only when one edit away; a patch with no
// table is pointed to --setup.
func TestUnknownPatch(t *testing.T) {
	code, _, errOut := runCLI("--patch", "MS05-040", "--hosts", "100")
	if code != 2 || strings.Contains(errOut, "did you mean") || !strings.Contains(errOut, "--setup MS05-040=12m") {
		t.Errorf("MS05-040: exit %d, %q; want no suggestion and a --setup hint", code, errOut)
	}
	code, _, errOut = runCLI("--patch", "KB899588;KB937894", "--hosts", "100")
	if code != 2 || strings.Contains(errOut, "--setup") || !strings.Contains(errOut, "separate patches with commas") {
		t.Errorf("KB899588;KB937894: exit %d, %q; want the comma, not --setup", code, errOut)
	}
	code, _, errOut = runCLI("--patch", "MS05-093", "--hosts", "100")
	if code != 2 || !strings.Contains(errOut, "did you mean MS05-039?") {
		t.Errorf("MS05-093: exit %d, %q; want did you mean MS05-039?", code, errOut)
	}
}

// TestOneNumberEverywhere: the time a window answer holds against the
// window is the row's, rounded once, in the sentence, the table and CSV.
func TestOneNumberEverywhere(t *testing.T) {
	for _, hosts := range []string{"1200", "100000000"} {
		args := []string{"--patch", "KB899588", "--platform", "xp", "--hosts", hosts, "--window", "10m", "--lang", "en"}
		_, out, _ := runCLI(args...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		row := strings.Fields(lines[2])[0] // caption, header, the row
		sentence := lines[len(lines)-1]
		m := regexp.MustCompile(`\(estimate ([0-9dhm]+)`).FindStringSubmatch(sentence)
		if m == nil || m[1] != row {
			t.Errorf("--hosts %s: row says %s, sentence %q", hosts, row, sentence)
		}
		_, csvOut, _ := runCLI(append(args, "--format", "csv")...)
		rec := strings.Split(strings.Split(csvOut, "\n")[1], ",")
		if got := goDuration(minutes(t, rec[6])); got != row {
			t.Errorf("--hosts %s: CSV minutes %s read %s, row %s", hosts, rec[6], got, row)
		}
	}
}

// TestDurationsWithDays: a day or more is written with days in both
// languages, in the table and in sentences.
func TestDurationsWithDays(t *testing.T) {
	for _, c := range []struct {
		min    float64
		en, ja string
	}{
		{52, "52m", "52分"}, {120, "2h", "2時間"}, {125, "2h5m", "2時間5分"}, {1440, "1d", "1日"},
		{1565, "1d2h5m", "1日2時間5分"}, {2940, "2d1h", "2日1時間"}, {16836865, "11692d6h25m", "11692日6時間25分"},
	} {
		if en, ja := duration(c.min, "en", false), duration(c.min, "ja", false); en != c.en || ja != c.ja {
			t.Errorf("%v min: %s and %s; want %s and %s", c.min, en, ja, c.en, c.ja)
		}
	}
	for _, c := range []struct{ d, a string }{{"8m", "an"}, {"11h", "an"}, {"18m", "an"}, {"80m", "an"}, {"2h", "a"}, {"1h", "a"}, {"110m", "a"}, {"180m", "a"}, {"1d", "a"}} {
		if got := article(c.d); got != c.a {
			t.Errorf("article(%s) = %s, want %s", c.d, got, c.a)
		}
	}
}

// TestTableFits100: the default tables, in both languages, are at most 100
// terminal cells wide (East Asian wide characters count two); the wide
// layout, with every column, is not.
func TestTableFits100(t *testing.T) {
	for _, args := range [][]string{
		{"--patch", "KB899588", "--hosts", "1200"},
		{"--patch", "KB899588", "--hosts", "1200", "--lang", "en"},
		{"--patch", "KB899588,KB937894,KB885881", "--hosts", "XP=3000,2000=800,2003=150", "--window", "4h"},
		{"--patch", "KB899588,KB937894,KB885881", "--hosts", "XP=3000,2000=800,2003=150", "--window", "4h", "--lang", "en"},
		{"--patch", "KB899588,KB937894", "--setup", "KB999001=12m", "--platform", "xp", "--hosts", "800"},
		{"--patch", "KB899588", "--hosts", "50,100,250,500", "--consoles", "1:3"},
		{"--patch", "KB899588", "--platform", "xp", "--hosts", "100000000", "--window", "8m"},
		{"--list"}, {"--list", "--lang", "en"},
	} {
		for _, wide := range []bool{false, true} {
			a := args
			if wide {
				a = append(append([]string{}, args...), "--wide")
			}
			code, out, errOut := runCLI(a...)
			if code != 0 {
				t.Fatalf("%v: exit %d, %s", a, code, errOut)
			}
			most := 0
			for _, line := range strings.Split(out, "\n") {
				most = max(most, cellWidth(line))
			}
			if !wide && most > 100 {
				t.Errorf("%v: a line of %d cells; want at most 100", a, most)
			}
			if wide && most <= 100 && (args[0] == "--list" || len(args) == 4) {
				t.Errorf("%v: the wide layout is %d cells; want every column, over 100", a, most)
			}
		}
	}
}

// TestWrap: prose is broken after spaces and Japanese punctuation, at
// most textWidth cells a line, never before "(", and loses nothing.
func TestWrap(t *testing.T) {
	en := strings.Repeat("word ", 30) + "κ = 0.001354 (±0.0009)"
	ja := strings.Repeat("コンソール2台で、", 12) + "収まります (予想2時間)。"
	for _, s := range []string{en, ja, "short"} {
		got := wrap(s)
		for _, line := range strings.Split(got, "\n") {
			if cellWidth(line) > textWidth {
				t.Errorf("line of %d cells: %q", cellWidth(line), line)
			}
			if strings.HasPrefix(strings.TrimSpace(line), "(") {
				t.Errorf("a line starts with a parenthesis: %q", line)
			}
		}
		joined := strings.ReplaceAll(got, "\n  ", "")
		if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(s, " ", "") {
			t.Errorf("wrap lost text:\n%q\n%q", s, got)
		}
	}
	if wrap("short") != "short" {
		t.Error("a short line changed")
	}
}

// TestObservationsRoundTrip: the command's own CSV, with the minutes
// replaced by what was observed (testdata/observations/estimate-site.csv
// holds site.csv's rollouts in that form), calibrates exactly as the
// catalog-format file does, and the command says which lines it used and
// which it skipped.
func TestObservationsRoundTrip(t *testing.T) {
	args := []string{"--patch", "KB899588", "--platform", "xp", "--hosts", "2000", "--consoles", "1,4", "--format", "csv"}
	_, want, _ := runCLI(append([]string{"--observations", "../../testdata/observations/site.csv"}, args...)...)
	code, got, errOut := runCLI(append([]string{"--observations", "../../testdata/observations/estimate-site.csv"}, args...)...)
	if code != 0 || got != want {
		t.Errorf("exit %d (%s); rows differ from site.csv's:\n%s\n%s", code, errOut, got, want)
	}
	_, table, _ := runCLI("--observations", "../../testdata/observations/estimate-bundle.csv", "--patch", "KB899588", "--platform", "xp", "--hosts", "2000", "--lang", "en")
	for _, w := range []string{"calibrated to 12 rollouts (lines 2–5, 9–12, 16–19 of", "skipped 3 total rows, lines 8, 15, 22", "lines 6–7, 13–14, 20–21"} {
		if !strings.Contains(strings.ReplaceAll(table, "\n  ", " "), w) {
			t.Errorf("calibration line does not say %q:\n%s", w, table)
		}
	}
	_, table, _ = runCLI("--observations", "../../testdata/observations/estimate-bundle.csv", "--patch", "KB899588", "--platform", "xp", "--hosts", "2000")
	for _, w := range []string{"の2–5、9–12、16–19行目、12件の実測で補正", "8、15、22行目は合計の行"} {
		if !strings.Contains(strings.ReplaceAll(table, "\n  ", ""), w) {
			t.Errorf("calibration line does not say %q:\n%s", w, table)
		}
	}
}

// TestCSVLineEnds: the README says CSV lines end in LF, not CRLF.
func TestCSVLineEnds(t *testing.T) {
	for _, args := range [][]string{
		{"--patch", "KB899588", "--hosts", "50,100,250,500", "--format", "csv"},
		{"--list", "--format", "csv"},
	} {
		_, out, _ := runCLI(args...)
		if !strings.HasSuffix(out, "\n") || strings.Contains(out, "\r") || strings.Count(out, "\n") < 2 {
			t.Errorf("%v: lines do not end in LF alone: %q", args, out[:min(len(out), 200)])
		}
	}
}

// TestExactWindow: a window or setup that is not whole minutes is shown
// to the second, so that the sentence never reads as another plan.
func TestExactWindow(t *testing.T) {
	_, out, _ := runCLI("--patch", "KB899588", "--platform", "xp", "--hosts", "654", "--consoles", "1", "--window", "1h59m50s", "--lang", "en")
	if !strings.Contains(strings.ReplaceAll(out, "\n  ", " "), "654 hosts need 2 windows of 1h59m50s") {
		t.Errorf("window 1h59m50s:\n%s", out)
	}
	_, out, _ = runCLI("--setup", "12.5m", "--hosts", "100", "--lang", "en")
	if !strings.Contains(out, "setup 12m30s + pooled per-host rate") {
		t.Errorf("setup 12.5m:\n%s", out)
	}
}

// TestObservationsSetupByKB: the command's own CSV of a bundle with a
// --setup patch named by a KB number calibrates, the setup patch's rows
// skipped and said so.
func TestObservationsSetupByKB(t *testing.T) {
	_, csvOut, _ := runCLI("--patch", "KB899588,KB937894", "--setup", "KB999001=12m", "--hosts", "XP=300,2000=200", "--consoles", "1,2", "--format", "csv")
	path := t.TempDir() + "/bundle.csv"
	if err := os.WriteFile(path, []byte(csvOut), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI("--observations", path, "--patch", "KB899588", "--platform", "xp", "--hosts", "1000", "--lang", "en")
	out = strings.ReplaceAll(out, "\n  ", " ")
	if code != 0 || !strings.Contains(out, "calibrated to 8 rollouts (lines 2–5, 9–12 of") || !strings.Contains(out, "4 rows of patches with no table, lines 6–7, 13–14") {
		t.Errorf("exit %d (%s):\n%s", code, errOut, out)
	}
}
