package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"flag"
	"image"
	_ "image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/patchtime/patchtime/bulletin"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const (
	goldenDir  = "../../testdata/golden"
	catalogDir = "../../testdata/catalogs"
)

// runCLI runs the command in-process.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"kb899588-1200", []string{"--patch", "KB899588", "--hosts", "1200"}},
		{"kb899588-1200-en", []string{"--patch", "KB899588", "--hosts", "1200", "--lang", "en"}},
		{"bundle-csv", []string{"--patch", "KB841872,ms07-065", "--platform", "2000", "--hosts", "50,1200", "--format", "csv"}},
		{"bundle", []string{"--patch", "KB899588,KB937894", "--platform", "xp", "--hosts", "800", "--consoles", "2"}},
		{"mixed-fleet", []string{"--patch", "KB899588", "--hosts", "XP=800,2000=400", "--lang", "en"}},
		{"window-consoles", []string{"--patch", "KB899588", "--platform", "xp", "--hosts", "1200", "--window", "2h"}},
		{"window-windows", []string{"--patch", "KB899588", "--platform", "xp", "--hosts", "1200", "--consoles", "1", "--window", "1h", "--lang", "en"}},
		{"window-hosts", []string{"--patch", "KB899588", "--platform", "xp", "--window", "2時間", "--consoles", "2"}},
		{"window-miss", []string{"--patch", "KB899588", "--platform", "xp", "--hosts", "5000", "--window", "1h", "--coherency", "0.01", "--lang", "en"}},
		{"window-upper", []string{"--patch", "KB899588,KB937894", "--platform", "xp", "--hosts", "800", "--window", "2h30m", "--upper", "--lang", "en"}},
		{"bulletin", []string{"--bulletin", "../../testdata/bulletins/plain.txt", "--patch", "MS06-031", "--hosts", "1000"}},
		{"bulletin-only-list", []string{"--catalog", filepath.Join(catalogDir, "header-only.csv"), "--bulletin", "../../testdata/bulletins/page.html", "--bulletin", "../../testdata/bulletins/cells.txt", "--list", "--lang", "en"}},
		{"bulletin-sjis-csv", []string{"--bulletin", "../../testdata/bulletins/plain-sjis.txt", "--patch", "KB914321", "--hosts", "50,100,250,500", "--format", "csv"}},
		{"observations", []string{"--observations", "../../testdata/observations/site.csv", "--patch", "KB899588", "--platform", "xp", "--hosts", "2000", "--consoles", "1,4", "--lang", "en"}},
		{"observations-explain", []string{"--observations", "../../testdata/observations/site.csv", "--patch", "KB899588", "--platform", "xp", "--explain"}},
		{"json", []string{"--patch", "KB899588,KB937894", "--platform", "xp", "--hosts", "800,1200", "--format", "json"}},
		{"bom-csv", []string{"--patch", "KB885881", "--hosts", "100", "--format", "csv", "--bom"}},
		{"sweep-csv", []string{"--patch", "KB899588", "--platform", "xp", "--hosts", "100:1000:300", "--consoles", "1:3", "--contention", "0.05", "--format", "csv"}},
		{"platform", []string{"--patch", "899588", "--platform", "xp", "--hosts", "50,100,250,500,1000"}},
		{"list", []string{"--list"}},
		{"list-en", []string{"--list", "--lang", "en"}},
		{"list-csv", []string{"--list", "--format", "csv"}},
		{"site-catalog", []string{"--catalog", filepath.Join(catalogDir, "site.csv"), "--patch", "KB921883", "--hosts", "1000", "--lang", "en"}},
		{"whole-fleet", []string{"--patch", "KB899588,KB937894,KB885881", "--hosts", "XP=3000,2000=800,2003=150", "--window", "4h"}},
		{"whole-fleet-en", []string{"--patch", "KB899588,KB937894,KB885881", "--hosts", "XP=3000,2000=800,2003=150", "--window", "4h", "--lang", "en"}},
		{"whole-fleet-csv", []string{"--patch", "KB899588,KB937894,KB885881", "--hosts", "XP=3000,2000=800,2003=150", "--window", "4h", "--format", "csv"}},
		{"whole-fleet-json", []string{"--patch", "KB899588,KB937894,KB885881", "--hosts", "XP=3000,2000=800,2003=150", "--window", "4h", "--format", "json"}},
		{"window-windows-csv", []string{"--patch", "KB899588", "--platform", "xp", "--hosts", "1200", "--consoles", "1", "--window", "1h", "--format", "csv"}},
		{"window-miss-json", []string{"--patch", "KB899588", "--platform", "xp", "--hosts", "5000", "--window", "1h", "--coherency", "0.01", "--format", "json"}},
		{"named-setup", []string{"--patch", "KB899588,KB937894", "--setup", "KB999001=12m", "--platform", "xp", "--hosts", "800", "--lang", "en"}},
		{"help", []string{"--help"}},
		{"explain", []string{"--patch", "KB899588", "--platform", "xp", "--explain"}},
		{"explain-setup", []string{"--setup", "12m", "--explain", "--hosts", "1000", "--lang", "en"}},
		{"setup", []string{"--setup", "1時間5分", "--console", "updateexpert", "--hosts", "300,3000"}},
		{"pooled-csv", []string{"--patch", "KB937894", "--pooled", "--hosts", "1200", "--format", "csv"}},
		{"level-90", []string{"--patch", "KB885881", "--hosts", "100,1000", "--level", "90%", "--lang", "en"}},
		{"list-filtered", []string{"--list", "--patch", "MS05-039,KB937894", "--platform", "2000"}},
		{"kb899588-1200-wide", []string{"--patch", "KB899588", "--hosts", "1200", "--wide"}},
		{"whole-fleet-wide-en", []string{"--patch", "KB899588,KB937894,KB885881", "--hosts", "XP=3000,2000=800,2003=150", "--window", "4h", "--lang", "en", "--wide"}},
		{"list-wide", []string{"--list", "--wide"}},
		{"days", []string{"--patch", "KB899588", "--platform", "xp", "--hosts", "100000000,2000000"}},
		{"days-en", []string{"--patch", "KB899588", "--platform", "xp", "--hosts", "100000000,2000000", "--lang", "en"}},
		{"calendar", []string{"--patch", "KB899588,KB937894,KB885881", "--hosts", "XP=3000,2000=800,2003=150", "--consoles", "4", "--window", "2h", "--start", "2026-12-24T22:00", "--tz", "Asia/Tokyo", "--days", "weekdays", "--skip", "2026-12-31", "--rings", "50,10%,100%", "--soak", "2d"}},
		{"calendar-en", []string{"--patch", "KB899588,KB937894,KB885881", "--hosts", "XP=3000,2000=800,2003=150", "--consoles", "4", "--window", "2h", "--start", "2026-12-24T22:00", "--tz", "Asia/Tokyo", "--days", "weekdays", "--skip", "2026-12-31", "--rings", "50,10%,100%", "--soak", "2d", "--lang", "en"}},
		{"calendar-upper-en", []string{"--patch", "KB899588,KB937894,KB885881", "--hosts", "XP=3000,2000=800,2003=150", "--consoles", "4", "--window", "2h", "--start", "2026-12-24T22:00", "--tz", "Asia/Tokyo", "--days", "weekdays", "--skip", "2026-12-31", "--rings", "50,10%,100%", "--soak", "2d", "--lang", "en", "--upper"}},
		{"calendar-csv", []string{"--patch", "KB899588,KB937894,KB885881", "--hosts", "XP=3000,2000=800,2003=150", "--consoles", "4", "--window", "2h", "--start", "2026-12-24T22:00", "--tz", "Asia/Tokyo", "--days", "weekdays", "--skip", "2026-12-31", "--rings", "50,10%,100%", "--soak", "2d", "--format", "csv"}},
		{"calendar-json", []string{"--patch", "KB899588,KB937894,KB885881", "--hosts", "XP=3000,2000=800,2003=150", "--consoles", "4", "--window", "2h", "--start", "2026-12-24T22:00", "--tz", "Asia/Tokyo", "--days", "weekdays", "--skip", "2026-12-31", "--rings", "50,10%,100%", "--soak", "2d", "--format", "json"}},
		{"calendar-one-platform", []string{"--patch", "KB899588", "--platform", "xp", "--hosts", "1200", "--consoles", "1", "--window", "1h", "--start", "2026-12-01T22:00", "--tz", "UTC", "--lang", "en"}},
		{"list-injection-csv", []string{"--list", "--catalog", filepath.Join(catalogDir, "injection.csv"), "--format", "csv", "--bom"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			path := filepath.Join(goldenDir, tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/estimate -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), out); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}

// TestPublishedCellsExact: for each of the 40 published cells, typed by
// hand in testdata/published-cells.txt, the CLI's estimate rounded to the
// minute equals the published figure.
func TestPublishedCellsExact(t *testing.T) {
	f, err := os.Open("../../testdata/published-cells.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cells := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, " | ")
		patch, platform, times := parts[0], parts[1], strings.Fields(parts[2])
		code, out, errOut := runCLI("--patch", patch, "--hosts", "50,100,250,500", "--format", "csv")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", patch, code, errOut)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, r := range rows[1:] {
			if r[2] != platform {
				continue
			}
			hosts, _ := strconv.Atoi(r[4])
			i := map[int]int{50: 0, 100: 1, 250: 2, 500: 3}[hosts]
			want, err := bulletin.ParseDuration(times[i])
			if err != nil {
				t.Fatal(err)
			}
			minutes, err := strconv.ParseFloat(r[6], 64)
			if err != nil {
				t.Fatal(err)
			}
			if math.Round(minutes) != want.Minutes() {
				t.Errorf("%s %s at %d hosts: estimate %v min, published %s", patch, platform, hosts, minutes, times[i])
			}
			if r[9] != times[i] {
				t.Errorf("%s %s at %d hosts: duration %q, published %q", patch, platform, hosts, r[9], times[i])
			}
			found++
			cells++
		}
		if found != 4 {
			t.Errorf("%s %s: %d rows in the CSV, want 4", patch, platform, found)
		}
	}
	if cells != 40 {
		t.Errorf("checked %d cells, want 40", cells)
	}
}

// TestBadInput: every usage or input error exits 2 with exactly one line on
// stderr that names the bad value, and writes nothing to stdout.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in the stderr line
	}{
		{[]string{"--patch", "KB89958", "--hosts", "1200"}, `unknown patch "KB89958" (did you mean KB899588?)`},
		{[]string{"--patch", "KB1", "--hosts", "1200"}, `unknown patch "KB1"; the catalog has KB841872`},
		{[]string{"--patch", "KB899588", "--hosts", "12x"}, `"12x" is not a whole number`},
		{[]string{"--patch", "KB899588", "--hosts", "1.5"}, `"1.5" is not a whole number`},
		{[]string{"--patch", "KB899588", "--hosts", "0"}, `--hosts "0": 0 hosts; want at least 1`},
		{[]string{"--patch", "KB899588", "--hosts", "-5"}, `-5 hosts; want at least 1`},
		{[]string{"--patch", "KB899588", "--hosts", "100000001"}, `100000001 is above the maximum of 100000000 hosts`},
		{[]string{"--patch", "KB899588", "--hosts", "99999999999999999999999"}, `above the maximum of 100000000 hosts`},
		{[]string{"--patch", "KB899588", "--hosts", "50,,100"}, `empty item`},
		{[]string{"--patch", "KB899588", "--hosts", ""}, `--hosts "": empty item`},
		{[]string{"--patch", "KB899588"}, `no --hosts given`},
		{[]string{"--hosts", "1200"}, `no --patch given`},
		{[]string{"--patch", "", "--hosts", "1200"}, `empty patch name`},
		{[]string{"--patch", "KB899588", "--hosts", "1200", "--frobnicate"}, `unknown flag --frobnicate (see estimate --help)`},
		{[]string{"--patch", "KB899588", "--hosts", "1200", "-x"}, `unknown flag -x (see estimate --help)`},
		{[]string{"--patch", "KB899588", "--hosts", "1200", "--format", "xml"}, `--format "xml": want table, csv or json`},
		{[]string{"--patch", "KB899588", "--hosts", "1200", "--lang", "fr"}, `--lang "fr": want ja or en`},
		{[]string{"--patch", "KB899588", "--hosts", "1200", "extra"}, `unexpected argument "extra"`},
		{[]string{"--patch", "KB899588", "--hosts", "1200", "--platform", "Vista"}, `no platform of KB899588 contains "Vista"`},
		{[]string{"--list", "--hosts", "5"}, `--list takes only --patch`},
		{[]string{"--patch", "KB841872,KB937894", "--hosts", "800"}, `a bundle takes one platform row per patch, and KB841872 has 3`},
		{[]string{"--patch", "KB899588,KB937894", "--platform", "xp", "--window", "2h"}, `a bundle needs --hosts`},
		{[]string{"--patch", "KB899588", "--hosts", "XP=800,Windows=400"}, `"Windows" matches 3 platform rows of KB899588`},
		{[]string{"--patch", "KB899588", "--hosts", "XP=800", "--platform", "xp"}, `drop --platform`},
		{[]string{"--patch", "KB899588", "--hosts", "XP=800,400"}, `"800,400" reads as 800400 written with thousands separators; write XP=800400 (or, if 400 hosts are another platform's, PLATFORM=400)`},
		{[]string{"--patch", "KB899588", "--hosts", "800,XP=3"}, `"800" is not PLATFORM=HOSTS`},
		{[]string{"--patch", "KB899588", "--hosts", "100:50"}, `runs backwards`},
		{[]string{"--patch", "KB899588", "--hosts", "1:100000000:1"}, `at most 10000000 rows`},
		{[]string{"--patch", "KB899588", "--hosts", "1:2:3:4"}, `too many colons`},
		{[]string{"--patch", "KB899588", "--hosts", "1:x"}, `"x" is not a whole number of hosts`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--consoles", "0"}, `--consoles "0": 0 consoles; want at least 1`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--consoles", "100001"}, `above the maximum of 100000 consoles`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--contention", "-0.1"}, `--contention "-0.1"`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--coherency", "NaN"}, `--coherency "NaN"`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--window", "0m"}, `--window "0m": want a duration greater than 0`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--window", "soon"}, `--window "soon"`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--upper"}, `--upper goes with --window`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--window", "1h", "--consoles", "1,2"}, `give a single --consoles`},
		{[]string{"--patch", "KB899588", "--hosts", "1:20000", "--consoles", "1:1000"}, `at most 10000000 rows`},
		{[]string{"--patch", "KB899588", "--hosts", "1:20000"}, `too many for a table`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--observations", ""}, `--observations "": empty file name`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--bulletin", ""}, `--bulletin "": empty file name`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--bom"}, `--bom goes with --format csv`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--plot", "x.gif"}, `--plot "x.gif": want a file name ending in .png or .svg`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--plot", "x.png", "-o", "x.png"}, `name the same file`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--plot", "x.png", "--plot-size", "800"}, `--plot-size "800"`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--plot-size", "800x500"}, `--plot-size goes with --plot`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "-o", ""}, `--output "": empty file name`},
		{[]string{"--list", "--format", "json"}, `drop --format json`},
		{[]string{"--catalog", filepath.Join(catalogDir, "steep.csv"), "--patch", "KB1", "--hosts", "1", "--hosts", "200", "--format", "csv"}, `longer than 100 years`},
		{[]string{"--list", "--bulletin", "../../testdata/bulletins/bad-cell.txt"}, `bad-cell.txt:16: 予想適用時間: cell "1時間xx分" is not a duration`},
		{[]string{"--list", "--bulletin", "../../testdata/bulletins/no-timing.txt"}, `no-timing.txt: MS06-058 has no 予想適用時間 table`},
		{[]string{"--list", "--bulletin", "../../testdata/bulletins/junk.bin"}, `junk.bin: not a HotFix Alert page`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--observations", "../../testdata/observations/two-rows.csv"}, `at least 3 observed rollouts, the observations have 2`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--observations", "../../testdata/observations/unknown-kb.csv"}, `unknown-kb.csv:3: unknown patch "KB123456"`},
		{[]string{"--patch", "KB899588", "--hosts", "10", "--observations", filepath.Join(catalogDir, "bad-hosts.csv")}, `bad-hosts.csv:3: hosts "four hundred"`},
		{[]string{"--list", "--patch", "KB899588", "--platform", "vista"}, `no platform of KB899588 contains "vista"`},
		{[]string{"--list", "--catalog", ""}, `--catalog "": empty file name`},
		{[]string{"--hosts", "--patch", "KB899588"}, `--hosts needs a value (it got "--patch")`},
		{[]string{"--patch", "--hosts", "1200"}, `--patch needs a value (it got "--hosts")`},
		{[]string{"--patch", "KB899588", "--hosts", "1,050"}, `--hosts "1,050": reads as 1050 written with thousands separators; write 1050`},
		{[]string{"--patch", "KB899588", "--hosts", "1,200"}, `reads as 1200 written with thousands separators; write 1200 (for the separate values, give --hosts 1 --hosts 200)`},
		{[]string{"--patch", "KB899588", "--hosts", "100:5000:0"}, `the step "0" must be a whole number from 1`},
		{[]string{"--patch", "KB899588", "--hosts", "-99999999999999999999"}, `want at least 1`},
		{[]string{"--patch", "KB899588", "--hosts", "1200", "--level", "100%"}, `--level "100%"`},
		{[]string{"--patch", "KB899588", "--hosts", "1200", "--level", "abc"}, `--level "abc"`},
		{[]string{"--setup", "12", "--hosts", "1200"}, `--setup "12": a number needs a unit: 12m for 12 minutes`},
		{[]string{"--setup", "-5m", "--hosts", "1200"}, `--setup "-5m"`},
		{[]string{"--setup", "12m", "--hosts", "1200", "--pooled"}, "--setup is for a patch with no table"},
		{[]string{"--setup", "12m", "--hosts", "1200", "--patch", "KB899588"}, "a bundle takes one platform row per patch, and KB899588 has 3"},
		{[]string{"--setup", "=12m", "--hosts", "1200"}, "empty name before ="},
		{[]string{"--setup", "12m", "--hosts", "1200", "--console", "Tivoli"}, `no console "Tivoli" in the catalog`},
		{[]string{"--patch", "KB899588", "--console", "6.1", "--hosts", "1"}, `--console goes with --setup`},
		{[]string{"--patch", "KB899588", "--explain", "--format", "csv"}, `--explain writes text`},
		{[]string{"--patch", "$'KB899588\nKB841872'", "--hosts", "1"}, `unknown patch`},
		{[]string{"--catalog", filepath.Join(catalogDir, "bad-hosts.csv"), "--list"}, `bad-hosts.csv:3: hosts "four hundred": not a whole number`},
		{[]string{"--catalog", filepath.Join(catalogDir, "header-only.csv"), "--patch", "KB899588", "--hosts", "1"}, `unknown patch "KB899588"`},
		{[]string{"--patch"}, `flag needs an argument: --patch`},
	} {
		code, out, errOut := runCLI(tc.args...)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2", tc.args, code)
		}
		if out != "" {
			t.Errorf("%q: wrote %q to stdout", tc.args, out)
		}
		if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "estimate: ") || !strings.HasSuffix(errOut, "\n") {
			t.Errorf("%q: stderr %q is not one line starting with \"estimate: \"", tc.args, errOut)
		}
		if !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: stderr %q does not contain %q", tc.args, errOut, tc.want)
		}
	}
}

// TestHelpExamplesRun runs every example line of --help.
func TestHelpExamplesRun(t *testing.T) {
	t.Chdir(t.TempDir()) // examples may write files
	_, help, _ := runCLI("--help")
	_, examples, _ := strings.Cut(help, "Examples:\n")
	examples, _, _ = strings.Cut(examples, "\n\n")
	n := 0
	for _, line := range strings.Split(examples, "\n") {
		line = strings.TrimSpace(line)
		n++
		args := strings.Fields(line)[1:]
		if code, _, errOut := runCLI(args...); code != 0 {
			t.Errorf("help example %q: exit %d, %s", line, code, errOut)
		}
	}
	if n < 3 {
		t.Errorf("help has %d runnable examples, want at least 3", n)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI("--version")
	if code != 0 || !strings.HasPrefix(out, "estimate (patchtime) ") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/patchtime/patchtime", Version: "v1.2.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "65dd1c2a1b3c4d5e6f708192a3b4c5d6e7f80912"},
			{Key: "vcs.time", Value: "2026-12-01T02:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	for _, c := range []struct {
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{info, true, "estimate (patchtime) v1.2.0, revision 65dd1c2a1b3c (2026-12-01T02:00:00Z, modified)"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "estimate (patchtime) devel"},
		{nil, false, "estimate (patchtime) devel"},
	} {
		if got := versionLine(c.info, c.ok); got != c.want {
			t.Errorf("versionLine = %q, want %q", got, c.want)
		}
	}
}

// TestVersionOfBuild: a binary built in the clone reports its revision,
// the one git names.
func TestVersionOfBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not in a git clone: %v", err)
	}
	if fi, err := os.Stat("../../.git"); err != nil || !fi.IsDir() {
		t.Skip("a linked worktree: go build records no revision there")
	}
	bin := filepath.Join(t.TempDir(), "estimate")
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "revision " + string(head[:12]); !strings.Contains(strings.ReplaceAll(string(out), "\n  ", " "), want) {
		t.Errorf("--version of a build: %q, want %q", out, want)
	}
}

// TestUnreadableFileExits1: a file the system cannot read is an I/O
// failure, exit status 1, with one line naming it.
func TestUnreadableFileExits1(t *testing.T) {
	for _, args := range [][]string{
		{"--catalog", "no-such-file.csv", "--list"},
		{"--catalog", catalogDir, "--list"},
		{"--bulletin", "no-such-page.html", "--list"},
		{"--observations", "no-such-file.csv", "--patch", "KB899588", "--hosts", "1"},
	} {
		path := args[1]
		code, out, errOut := runCLI(args...)
		if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, path) {
			t.Errorf("--catalog %s: exit %d, stdout %q, stderr %q; want 1, nothing, one line naming it", path, code, out, errOut)
		}
	}
}

// failWriter fails every write, like a closed pipe or a full disk.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestOutputFailureExits1(t *testing.T) {
	var errOut bytes.Buffer
	if code := run([]string{"--patch", "KB899588", "--hosts", "1200"}, failWriter{}, &errOut); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if strings.Count(errOut.String(), "\n") != 1 {
		t.Errorf("stderr %q is not one line", errOut.String())
	}
}

// TestREADMEExamples runs every "$ go run ./cmd/estimate ..." block of the
// README and compares its output (or, for "estimate: ..." lines, the error)
// with what the README shows.
func TestREADMEExamples(t *testing.T) {
	t.Chdir("../..") // the README's paths are from the repository root
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(readme), "```")
	n := 0
	for i := 1; i < len(blocks); i += 2 {
		block := strings.TrimPrefix(blocks[i], "\n")
		cmdLine, want, ok := strings.Cut(block, "\n")
		args, isCmd := strings.CutPrefix(cmdLine, "$ go run ./cmd/estimate ")
		if !ok || !isCmd {
			continue
		}
		n++
		code, out, errOut := runCLI(strings.Fields(args)...)
		got := out
		if strings.HasPrefix(want, "estimate: ") {
			got = errOut
			if code != 2 {
				t.Errorf("README %q: exit %d, want 2", cmdLine, code)
			}
		} else if code != 0 {
			t.Errorf("README %q: exit %d: %s", cmdLine, code, errOut)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("README %q shows other output (-README +actual):\n%s", cmdLine, diff)
		}
	}
	if n < 4 {
		t.Errorf("found %d command examples in the README, want at least 4", n)
	}
}

// TestOutputFile: -o writes the same bytes as standard output, through a
// temporary file that does not stay behind.
func TestOutputFile(t *testing.T) {
	dir := t.TempDir()
	for _, format := range []string{"csv", "json", "table"} {
		args := []string{"--patch", "KB899588", "--hosts", "100:2000:100", "--consoles", "1,2", "--format", format}
		_, want, _ := runCLI(args...)
		path := filepath.Join(dir, "out."+format)
		code, out, errOut := runCLI(append(args, "-o", path)...)
		if code != 0 || out != "" {
			t.Fatalf("-o %s: exit %d, stdout %q, stderr %q", path, code, out, errOut)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want {
			t.Errorf("-o %s holds %d bytes, stdout had %d (%v)", format, len(got), len(want), err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("the folder holds %d files, want the 3 outputs and no temporary ones", len(entries))
	}
}

// TestNoPartialOutput: a sweep that fails at its second row writes
// nothing, neither to standard output nor to -o (an old file stays as it
// was), and leaves no temporary file.
func TestNoPartialOutput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rows.csv")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--catalog", filepath.Join(catalogDir, "steep.csv"), "--patch", "KB1", "--hosts", "1", "--hosts", "200"}
	for _, extra := range [][]string{{"--format", "csv"}, {"--format", "json"}, {"--format", "csv", "-o", path}, {"-o", path}} {
		code, out, errOut := runCLI(append(args, extra...)...)
		if code != 2 || out != "" || !strings.Contains(errOut, "longer than 100 years") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", extra, code, out, errOut)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != "old\n" {
		t.Errorf("the old file became %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d files, want only the old one", len(entries))
	}
	code, _, errOut := runCLI("--patch", "KB899588", "--hosts", "1", "-o", filepath.Join(dir, "no", "such", "dir.csv"))
	if code != 1 || strings.Count(errOut, "\n") != 1 {
		t.Errorf("-o into a missing folder: exit %d, %q; want 1 and one line", code, errOut)
	}
}

// TestPlotFile: --plot writes a PNG or SVG of the asked size beside the
// usual output.
func TestPlotFile(t *testing.T) {
	dir := t.TempDir()
	png := filepath.Join(dir, "kb.png")
	code, out, errOut := runCLI("--patch", "KB899588", "--hosts", "1200", "--plot", png, "--plot-size", "640x400")
	if code != 0 || !strings.Contains(out, "KB899588") {
		t.Fatalf("exit %d, %q, %q", code, out, errOut)
	}
	f, err := os.Open(png)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil || format != "png" || cfg.Width != 640 || cfg.Height != 400 {
		t.Errorf("plot: %v, %s %d×%d; want a 640×400 PNG", err, format, cfg.Width, cfg.Height)
	}
	svg := filepath.Join(dir, "kb.svg")
	if code, _, errOut := runCLI("--patch", "KB937894", "--plot", svg); code != 0 {
		t.Fatalf("--plot without --hosts: exit %d, %s", code, errOut)
	}
	data, err := os.ReadFile(svg)
	if err != nil || !bytes.Contains(data, []byte(`<svg width="600pt" height="375pt"`)) {
		t.Errorf("SVG %.80q…, %v; want 800×500 px (600×375 pt)", data, err)
	}
}
