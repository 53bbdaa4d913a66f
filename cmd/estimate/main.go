// Command estimate predicts how long a patch rollout takes with
// UpdateEXPERT-style consoles, from the HotFix Alert timing tables.
//
// Usage:
//
//	estimate --patch KB899588 --hosts 1200
//	estimate --patch MS05-039 --platform XP --hosts 50,100,250,500 --format csv
//	estimate --setup 12m --hosts 1000
//	estimate --patch KB899588 --explain
//	estimate --list
//
// Run estimate --help for every flag. Exit status: 0 on success, 2 on a
// usage or input error (one line on standard error naming the bad value),
// 1 when a file cannot be read or the output cannot be written.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/estimate"
	"github.com/spf13/pflag"
	"golang.org/x/text/width"
)

// version is the release, set with -ldflags "-X main.version=v1.2.3".
var version = "devel"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitIO    = 1 // a file could not be read or written
	exitUsage = 2 // bad flags or bad input
)

// defaultConsole is the console whose pooled rate --setup uses unless
// --console says otherwise.
const defaultConsole = "UpdateEXPERT 6.1"

// options are the parsed flags.
type options struct {
	patches  []string
	platform string
	hosts    []int
	hostsRaw []string // the --hosts values as given
	catalog  string
	list     bool
	explain  bool
	pooled   bool
	setup    float64 // minutes; < 0 when not given
	console  string
	level    float64
	format   string
	lang     string
	version  bool
	help     bool
}

const usageHead = `estimate predicts how long UpdateEXPERT consoles take to roll a patch out
to a fleet, from the HotFix Alert 予想適用時間 tables.

Usage:
  estimate --patch KB|MSxx-xxx --hosts N[,N...] [flags]
  estimate --setup DURATION --hosts N [flags]
  estimate --patch KB|MSxx-xxx --explain
  estimate --list

Examples:
  estimate --patch KB899588 --hosts 1200
  estimate --patch ms05-039 --platform xp --hosts 50,100,250,500
  estimate --patch KB841872,KB937894 --hosts 800 --format csv
  estimate --patch KB899588 --hosts 1200 --lang en --level 90%
  estimate --setup 12m --hosts 1000
  estimate --patch KB899588 --platform xp --explain
  estimate --list

Flags:
`

const usageTail = `
Commas separate fleet sizes: write 1200, not 1,200.
Estimates carry a prediction interval (95% unless --level says otherwise);
fleets outside the published 50–500 hosts are extrapolated and marked so.
Exit status: 0 ok, 2 usage or input error, 1 a file could not be read or written.
`

func newFlagSet(o *options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("estimate", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	fs.StringArrayVar(&o.patches, "patch", nil, "patch by KB number or bulletin `ID` (KB899588, 899588, MS05-039); repeatable or comma-separated")
	fs.StringVar(&o.platform, "platform", "", "only the platform rows whose name contains `TEXT` (any case)")
	fs.StringArrayVar(&o.hostsRaw, "hosts", nil, "fleet size in hosts, or a comma-separated `LIST`, 1 to 100000000; repeatable")
	fs.String("setup", "", "a patch with no table: this setup `DURATION` (12m, 1h5m, 12分) plus the pooled per-host rate")
	fs.StringVar(&o.console, "console", defaultConsole, "with --setup: whose pooled per-host rate to use (`TEXT` in the console's name)")
	fs.BoolVar(&o.pooled, "pooled", false, "use the per-host rate pooled over all patches of the console instead of each patch's own")
	fs.String("level", "95%", "confidence `LEVEL` of the prediction intervals: 90%, 0.9, 99%")
	fs.StringVar(&o.catalog, "catalog", "", "use the catalog CSV in `FILE` instead of the embedded one")
	fs.BoolVar(&o.list, "list", false, "list the catalog's patches (or those of --patch) with their fitted setup and per-host rate")
	fs.BoolVar(&o.explain, "explain", false, "print each curve's fit: coefficients with standard errors, residuals, R², leave-one-out error, model choice")
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

// ioError is a file that could not be read or written: exit status 1.
// Every other error is a usage or input error: exit status 2.
type ioError struct{ err error }

func (e ioError) Error() string { return e.err.Error() }
func (e ioError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return fmt.Errorf(format, a...) }

// run is the whole command: it parses args, writes the answer to stdout
// and any error, as one line, to stderr, and returns the exit status.
// Nothing reaches stdout unless the whole answer is ready.
func run(args []string, stdout, stderr io.Writer) int {
	var out bytes.Buffer
	if err := runErr(args, &out); err != nil {
		msg := strings.Join(strings.Fields(err.Error()), " ")
		fmt.Fprintf(stderr, "estimate: %s\n", msg)
		var ie ioError
		if errors.As(err, &ie) {
			return exitIO
		}
		return exitUsage
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
	if err := o.check(fs); err != nil {
		return err
	}
	cat, err := loadCatalog(fs, o.catalog)
	if err != nil {
		return err
	}
	if o.list {
		return writeList(out, cat, o)
	}
	curves, err := o.curves(cat)
	if err != nil {
		return err
	}
	if o.explain {
		writeExplain(out, curves, o)
		if len(o.hosts) == 0 {
			return nil
		}
		out.WriteByte('\n')
	}
	var results []result
	for _, c := range curves {
		for _, h := range o.hosts {
			e, err := c.Estimate(estimate.Scenario{Hosts: h})
			if err != nil {
				return err
			}
			results = append(results, result{c, e})
		}
	}
	if o.format == "csv" {
		w := estimate.NewCSVWriter(out)
		for _, r := range results {
			w.Write(estimate.NewRow(r.curve, r.est))
		}
		return w.Flush()
	}
	writeTable(out, results, o)
	return nil
}

// result is one estimate of one curve.
type result struct {
	curve *estimate.Curve
	est   estimate.Estimate
}

// curves resolves the patches, or the setup time, to curves at the asked
// level, each curve once.
func (o *options) curves(cat *estimate.Catalog) ([]*estimate.Curve, error) {
	var curves []*estimate.Curve
	if o.setup >= 0 {
		pool, err := cat.Pool(o.console)
		if err != nil {
			return nil, usagef("--console: %w", err)
		}
		c, err := pool.WithSetup(o.setup)
		if err != nil {
			return nil, usagef("--setup: %w", err)
		}
		curves = append(curves, c)
	}
	seen := map[estimate.Series]bool{}
	for _, p := range o.patches {
		get := cat.Curves
		if o.pooled {
			get = cat.PooledCurves
		}
		cs, err := get(p, o.platform)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if !seen[c.Series()] {
				seen[c.Series()] = true
				curves = append(curves, c)
			}
		}
	}
	for i, c := range curves {
		var err error
		if curves[i], err = c.WithLevel(o.level); err != nil {
			return nil, err
		}
	}
	return curves, nil
}

// check validates the flags that need no catalog.
func (o *options) check(fs *pflag.FlagSet) error {
	// A flag given no value swallows the next flag as its value.
	var swallowed error
	fs.Visit(func(f *pflag.Flag) {
		for _, v := range strings.Split(strings.Trim(f.Value.String(), "[]"), ",") {
			if name, ok := strings.CutPrefix(v, "--"); ok && fs.Lookup(name) != nil && swallowed == nil {
				swallowed = usagef("--%s needs a value (it got %q)", f.Name, v)
			}
		}
	})
	if swallowed != nil {
		return swallowed
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; flags start with -- (see estimate --help)", fs.Arg(0))
	}
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
	if fs.Changed("catalog") && strings.TrimSpace(o.catalog) == "" {
		return usagef("--catalog \"\": empty file name")
	}
	var err error
	if o.patches, err = splitPatches(o.patches); err != nil {
		return err
	}
	if o.level, err = parseLevel(fs.Lookup("level").Value.String()); err != nil {
		return err
	}
	o.setup = -1
	if fs.Changed("setup") {
		if o.setup, err = parseSetup(fs.Lookup("setup").Value.String()); err != nil {
			return err
		}
	} else if fs.Changed("console") {
		return usagef("--console goes with --setup")
	}
	for _, h := range o.hostsRaw {
		list, err := parseHosts(h)
		if err != nil {
			return err
		}
		o.hosts = append(o.hosts, list...)
	}
	switch {
	case o.list:
		if len(o.hosts) > 0 || o.explain || o.setup >= 0 || o.pooled {
			return usagef("--list takes no --hosts, --explain, --setup or --pooled")
		}
	case o.explain && o.format != "table":
		return usagef("--explain writes text; drop --format %s", o.format)
	case len(o.patches) == 0 && o.setup < 0:
		return usagef("no --patch given; try estimate --patch KB899588 --hosts 1200, or estimate --list")
	case o.setup >= 0 && (len(o.patches) > 0 || o.pooled || fs.Changed("platform")):
		return usagef("--setup is for a patch with no table; it takes no --patch, --platform or --pooled")
	case len(o.hosts) == 0 && !o.explain:
		return usagef("no --hosts given; say how many machines, e.g. --hosts 1200")
	}
	return nil
}

// splitPatches splits comma-separated --patch values.
func splitPatches(values []string) ([]string, error) {
	var patches []string
	for _, v := range values {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				return nil, usagef("--patch %q: empty patch name; want a KB number or bulletin ID", v)
			}
			patches = append(patches, p)
		}
	}
	return patches, nil
}

// parseHosts reads "1200" or "50,100,250,500"; full-width digits are
// folded.
func parseHosts(text string) ([]int, error) {
	var hosts []int
	for _, f := range strings.Split(width.Fold.String(text), ",") {
		f = strings.TrimSpace(f)
		n, err := strconv.Atoi(f)
		switch {
		case f == "":
			return nil, usagef("--hosts %q: empty item; want a whole number such as 1200, or a list 50,100,250", text)
		case errors.Is(err, strconv.ErrRange) && strings.HasPrefix(f, "-"):
			return nil, usagef("--hosts %q: %s hosts; want at least 1", text, f)
		case errors.Is(err, strconv.ErrRange):
			return nil, usagef("--hosts %q: %s is above the maximum of %d hosts", text, f, estimate.MaxHosts)
		case err != nil:
			return nil, usagef("--hosts %q: %q is not a whole number of hosts", text, f)
		case len(hosts) > 0 && len(f) == 3 && f[0] == '0':
			return nil, usagef("--hosts %q: commas separate fleet sizes; write 1200, not 1,200", text)
		case n < 1:
			return nil, usagef("--hosts %q: %d hosts; want at least 1", text, n)
		case n > estimate.MaxHosts:
			return nil, usagef("--hosts %q: %d is above the maximum of %d hosts", text, n, estimate.MaxHosts)
		}
		hosts = append(hosts, n)
	}
	return hosts, nil
}

// parseLevel reads a confidence level: "95%", "95" or "0.95".
func parseLevel(text string) (float64, error) {
	s := strings.TrimSpace(text)
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err == nil && (pct || v > 1) {
		v /= 100
	}
	if err != nil || !(v > 0 && v < 1) {
		return 0, usagef("--level %q: want a level between 0 and 100%%, e.g. 95%% or 0.9", text)
	}
	return v, nil
}

// parseSetup reads a setup time: Go's form ("12m", "1h5m") or Japanese
// ("12分", "1時間5分").
func parseSetup(text string) (float64, error) {
	if d, err := time.ParseDuration(strings.TrimSpace(text)); err == nil && d >= 0 {
		return d.Minutes(), nil
	}
	if d, err := bulletin.ParseDuration(text); err == nil {
		return d.Minutes(), nil
	}
	return 0, usagef("--setup %q: want a duration such as 12m, 1h5m or 12分", text)
}

func loadCatalog(flags *pflag.FlagSet, path string) (*estimate.Catalog, error) {
	if !flags.Changed("catalog") {
		return estimate.Default(), nil
	}
	c, err := estimate.LoadCatalog(path)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, ioError{fmt.Errorf("--catalog: %w", err)}
	}
	if err != nil {
		return nil, usagef("--catalog: %w", err)
	}
	return c, nil
}
