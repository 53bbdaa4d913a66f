// Command estimate predicts how long a patch rollout takes with
// UpdateEXPERT-style consoles, from the HotFix Alert timing tables.
//
// Usage:
//
//	estimate --patch KB899588 --hosts 1200
//	estimate --patch MS05-039 --platform XP --hosts 50,100,250,500 --format csv
//	estimate --list
//
// Run estimate --help for every flag. Exit status: 0 on success, 2 on a
// usage or input error (one line on standard error naming the bad value),
// 1 when output cannot be written.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/patchtime/patchtime/estimate"
	"github.com/spf13/pflag"
)

// version is the release, set with -ldflags "-X main.version=v1.2.3".
var version = "devel"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitIO    = 1 // output could not be written
	exitUsage = 2 // bad flags or bad input
)

// options are the parsed flags.
type options struct {
	patches  []string
	platform string
	hosts    []int
	catalog  string
	list     bool
	format   string
	lang     string
	version  bool
	help     bool
}

const usageHead = `estimate predicts how long one UpdateEXPERT console takes to roll a patch
out to a fleet, from the HotFix Alert 予想適用時間 tables.

Usage:
  estimate --patch KB|MSxx-xxx --hosts N[,N...] [flags]
  estimate --list

Examples:
  estimate --patch KB899588 --hosts 1200
  estimate --patch ms05-039 --platform xp --hosts 50,100,250,500
  estimate --patch KB841872,KB937894 --hosts 800 --format csv
  estimate --patch KB899588 --hosts 1200 --lang en
  estimate --list

Flags:
`

const usageTail = `
Hosts outside the published 50–500 are extrapolated and marked so.
Exit status: 0 ok, 2 usage or input error, 1 output could not be written.
`

func newFlagSet(o *options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("estimate", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	fs.StringSliceVar(&o.patches, "patch", nil, "patch by KB number or bulletin `ID` (KB899588, 899588, MS05-039); repeatable or comma-separated")
	fs.StringVar(&o.platform, "platform", "", "only the platform rows whose name contains `TEXT` (any case)")
	fs.String("hosts", "", "fleet size in hosts, or a comma-separated `LIST` (1 to 100,000,000)")
	fs.StringVar(&o.catalog, "catalog", "", "use the catalog CSV in `FILE` instead of the embedded one")
	fs.BoolVar(&o.list, "list", false, "list the catalog's patches with their fitted setup and per-host rate")
	fs.StringVar(&o.format, "format", "table", "output `FORMAT`: table (for people) or csv (for spreadsheets and tools)")
	fs.StringVar(&o.lang, "lang", "ja", "`LANG` of table labels and durations: ja (3時間32分 with 3h32m beside it) or en (3h32m)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.BoolVarP(&o.help, "help", "h", false, "print this help and exit")
	return fs
}

// writeFlagUsages lists the flags, one per line: name, value placeholder,
// meaning and default.
func writeFlagUsages(out *bytes.Buffer, fs *pflag.FlagSet) {
	var names, usages []string
	fs.VisitAll(func(f *pflag.Flag) {
		name := "    --" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", --" + f.Name
		}
		placeholder, usage := pflag.UnquoteUsage(f)
		if placeholder != "" {
			name += " " + placeholder
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" {
			usage += " (default " + f.DefValue + ")"
		}
		names = append(names, name)
		usages = append(usages, usage)
	})
	w := 0
	for _, n := range names {
		w = max(w, len(n))
	}
	for i, n := range names {
		fmt.Fprintf(out, "  %-*s  %s\n", w, n, usages[i])
	}
}

// usageError is a bad flag or bad input: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// run is the whole command: it parses args, writes the answer to stdout
// and any error, as one line, to stderr, and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	var out bytes.Buffer
	err := runErr(args, &out)
	if err != nil {
		msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", " ")
		fmt.Fprintf(stderr, "estimate: %s\n", msg)
		var ue usageError
		if errors.As(err, &ue) {
			return exitUsage
		}
		return exitIO
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "estimate: writing output: %v\n", err)
		return exitIO
	}
	return exitOK
}

func runErr(args []string, out *bytes.Buffer) error {
	var o options
	fs := newFlagSet(&o)
	if err := fs.Parse(args); err != nil {
		return usagef("%v (see estimate --help)", err)
	}
	if o.help {
		out.WriteString(usageHead)
		writeFlagUsages(out, fs)
		out.WriteString(usageTail)
		return nil
	}
	if o.version {
		fmt.Fprintf(out, "estimate (patchtime) %s\n", version)
		return nil
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; flags start with -- (see estimate --help)", fs.Arg(0))
	}
	if err := o.check(fs); err != nil {
		return err
	}
	cat, err := loadCatalog(o.catalog)
	if err != nil {
		return err
	}
	if o.list {
		return writeList(out, cat, o)
	}
	var rows []estimate.Row
	var ranges [][2]int // the data's per-console hosts, for the table's note
	for _, p := range o.patches {
		curves, err := cat.Curves(p, o.platform)
		if err != nil {
			return usageError{err}
		}
		for _, c := range curves {
			for _, h := range o.hosts {
				e, err := c.Estimate(estimate.Scenario{Hosts: h})
				if err != nil {
					return usageError{err}
				}
				rows = append(rows, estimate.NewRow(c, e))
				ranges = append(ranges, [2]int{c.MinHosts, c.MaxHosts})
			}
		}
	}
	switch o.format {
	case "csv":
		w := estimate.NewCSVWriter(out)
		for _, r := range rows {
			w.Write(r)
		}
		return w.Flush()
	default:
		writeTable(out, rows, ranges, o.lang)
		return nil
	}
}

// check validates the flags that need no catalog.
func (o *options) check(fs *pflag.FlagSet) error {
	switch o.format {
	case "table", "csv":
	default:
		return usagef("--format %q: want table or csv", o.format)
	}
	switch o.lang {
	case "ja", "en":
	default:
		return usagef("--lang %q: want ja or en", o.lang)
	}
	if o.list {
		if len(o.patches) > 0 || fs.Changed("hosts") {
			return usagef("--list takes no --patch or --hosts")
		}
		return nil
	}
	if !fs.Changed("patch") {
		return usagef("no --patch given; try estimate --patch KB899588 --hosts 1200, or estimate --list")
	}
	if len(o.patches) == 0 || slices.Contains(o.patches, "") {
		return usagef("--patch %q: empty patch name; want a KB number or bulletin ID", strings.Join(o.patches, ","))
	}
	text := fs.Lookup("hosts").Value.String()
	if !fs.Changed("hosts") {
		return usagef("no --hosts given; say how many machines, e.g. --hosts 1200")
	}
	hosts, err := parseHosts(text)
	if err != nil {
		return err
	}
	o.hosts = hosts
	return nil
}

// parseHosts reads "1200" or "50,100,250,500".
func parseHosts(text string) ([]int, error) {
	var hosts []int
	for _, f := range strings.Split(text, ",") {
		f = strings.TrimSpace(f)
		n, err := strconv.Atoi(f)
		switch {
		case f == "":
			return nil, usagef("--hosts %q: empty item; want a whole number such as 1200, or a list 50,100,250", text)
		case err != nil && isDigits(f):
			return nil, usagef("--hosts %q: %s is above the maximum of %d hosts", text, f, estimate.MaxHosts)
		case err != nil:
			return nil, usagef("--hosts %q: %q is not a whole number of hosts", text, f)
		case n < 1:
			return nil, usagef("--hosts %q: %d hosts; want at least 1", text, n)
		case n > estimate.MaxHosts:
			return nil, usagef("--hosts %q: %d is above the maximum of %d hosts", text, n, estimate.MaxHosts)
		}
		hosts = append(hosts, n)
	}
	return hosts, nil
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func loadCatalog(path string) (*estimate.Catalog, error) {
	if path == "" {
		return estimate.Default(), nil
	}
	c, err := estimate.LoadCatalog(path)
	if err != nil {
		return nil, usagef("--catalog: %w", err)
	}
	return c, nil
}
