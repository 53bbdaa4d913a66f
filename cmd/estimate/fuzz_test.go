package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/plan"
)

// FuzzParseCounts: --hosts and --consoles values are read or refused,
// never a panic, and what is read lies in range.
func FuzzParseCounts(f *testing.F) {
	for _, s := range []string{"1200", "50,100,250,500", "100:5000:100", "1:4", "１２００", "1,200", "0", "-5", "1:2:3:4", "9999999999999999999", "5:1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		counts, err := parseCounts("hosts", text, estimate.MaxHosts)
		if err != nil {
			if !strings.Contains(err.Error(), "--hosts") {
				t.Fatalf("error %q does not name the flag", err)
			}
			return
		}
		if len(counts) == 0 || plan.Len(counts) < len(counts) {
			t.Fatalf("%q: %d values in %d ranges", text, plan.Len(counts), len(counts))
		}
		for _, s := range counts {
			if s.From < 1 || s.To > estimate.MaxHosts || s.To < s.From || s.Step < 1 {
				t.Fatalf("%q: range %+v out of range", text, s)
			}
		}
	})
}

// FuzzParseFleet: mixed fleets are read or refused, never a panic.
func FuzzParseFleet(f *testing.F) {
	for _, s := range []string{"XP=800,2000=400", "XP=", "=5", "a=b", "XP=800,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		fleet, err := parseFleet(text, estimate.MaxHosts)
		if err != nil {
			return
		}
		for _, g := range fleet {
			if g.Platform == "" || g.Hosts < 1 || g.Hosts > estimate.MaxHosts {
				t.Fatalf("%q: group %+v", text, g)
			}
		}
	})
}

// FuzzRun runs the command on fuzzed arguments (split at "\x00"): it never
// panics, exits 0, 1 or 2, and on an error writes exactly one line to
// standard error and nothing to standard output. Flags that name files are
// left out, so the fuzzer reads and writes none.
func FuzzRun(f *testing.F) {
	for _, s := range []string{
		"--patch\x00KB899588\x00--hosts\x001200",
		"--patch\x00KB899588,KB937894\x00--platform\x00xp\x00--hosts\x00800\x00--window\x002h",
		"--patch\x00KB899588\x00--hosts\x00XP=800,2000=400\x00--format\x00json",
		"--setup\x0012m\x00--hosts\x001000\x00--explain",
		"--list\x00--lang\x00en",
		"--patch\x00KB89958\x00--hosts\x001",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		for _, a := range args {
			for _, file := range []string{"-o", "output", "plot", "catalog", "bulletin", "observations"} {
				if strings.Contains(a, file) {
					t.Skip("flags that name files are not fuzzed")
				}
			}
		}
		out := &capped{max: 1 << 20} // a huge sweep fails to write: exit 1
		var errOut bytes.Buffer
		code := run(args, out, &errOut)
		switch code {
		case 0:
			if errOut.Len() != 0 {
				t.Fatalf("%q: exit 0 with stderr %q", args, errOut.String())
			}
		case 1, 2:
			if code == 2 && out.n != 0 || strings.Count(errOut.String(), "\n") != 1 || !strings.HasPrefix(errOut.String(), "estimate: ") {
				t.Fatalf("%q: exit %d, %d bytes out, stderr %q", args, code, out.n, errOut.String())
			}
			if i := strings.IndexFunc(strings.TrimSuffix(errOut.String(), "\n"), unsafeRune); i >= 0 || errOut.Len() > 2*maxMessage+100 {
				t.Fatalf("%q: stderr of %d bytes with a raw control character or too long: %.200q", args, errOut.Len(), errOut.String())
			}
		default:
			t.Fatalf("%q: exit %d", args, code)
		}
	})
}

// capped is an output that refuses more than max bytes.
type capped struct{ n, max int }

func (c *capped) Write(p []byte) (int, error) {
	if c.n+len(p) > c.max {
		return 0, errors.New("output full")
	}
	c.n += len(p)
	return len(p), nil
}
