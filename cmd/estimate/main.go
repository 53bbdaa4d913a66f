// Command estimate predicts how long a patch rollout takes with
// UpdateEXPERT-style consoles, from the HotFix Alert timing tables.
//
// Usage:
//
//	estimate --patch KB899588 --hosts 1200
//	estimate --patch MS05-039 --platform XP --hosts 50,100,250,500 --format csv
//	estimate --patch KB899588 --platform XP --hosts 1200 --window 2h
//	estimate --setup 12m --hosts 1000
//	estimate --patch KB899588,KB937894,KB885881 --hosts XP=3000,2000=800,2003=150 --window 4h
//	estimate --patch KB899588 --explain
//	estimate --list
//
// Run estimate --help for every flag. Exit status: 0 on success, 2 on a
// usage or input error (one line on standard error naming the bad value),
// 1 when a file cannot be read or the output cannot be written, 128 plus
// the signal's number when SIGINT, SIGTERM or SIGHUP stops it.
//
// Output files (-o, --plot) are put in place all of them or none: written
// aside and renamed, or, where a rename would lose the file's names, owner
// or folder, written into with the old bytes kept until the run succeeds.
// Links are followed; devices, FIFOs and pipes are written like standard
// output; modes and owners are kept (see the README, and package
// internal/outfile, which does it).
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // --tz and --start name zones on any machine, with or without zoneinfo

	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/internal/clip"
	"github.com/patchtime/patchtime/internal/outfile"
	"github.com/patchtime/patchtime/plan"
	"github.com/spf13/pflag"
	"golang.org/x/text/width"
)

// version is the release, set with -ldflags "-X main.version=v1.2.3";
// when it is not set, the build's module version is used (see
// versionLine).
var version = ""

// versionLine is what --version prints: the version (the -ldflags one, or
// the module's as go install recorded it, or "devel"), then, when the
// build recorded them, the VCS revision, its time and whether the work
// tree had changes: "estimate (patchtime) devel, revision 65dd1c2a1b3c
// (2026-12-01T02:00:00Z, modified)". `go run` records no revision; `go
// build` and `go install` in a clone do.
func versionLine(info *debug.BuildInfo, ok bool) string {
	v := version
	if v == "" && ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	if v == "" {
		v = "devel"
	}
	line := "estimate (patchtime) " + v
	if !ok {
		return line
	}
	var rev, at string
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return line
	}
	line += ", revision " + rev[:min(12, len(rev))]
	var notes []string
	if at != "" {
		notes = append(notes, at)
	}
	if modified {
		notes = append(notes, "modified")
	}
	if len(notes) > 0 {
		line += " (" + strings.Join(notes, ", ") + ")"
	}
	return line
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitIO    = 1 // a file could not be read or written
	exitUsage = 2 // bad flags or bad input
)

// options are the parsed flags.
type options struct {
	patches      []string
	platform     string
	hostsRaw     []string                  // the --hosts values as given
	hosts        []plan.Range              // fleet sizes
	fleet        []plan.Group              // a mixed fleet, instead of hosts
	consolesRaw  []string                  // the --consoles values as given
	consoles     []plan.Range              // console counts, as given
	contention   float64                   // σ
	coherency    float64                   // κ
	window       float64                   // minutes; 0 when not given
	upper        bool                      // plan windows on the top of the interval
	setups       []plan.Unlisted           // --setup: patches with no table
	console      string                    // console of --setup's pooled rate
	pooled       bool                      // pooled per-host rates
	level        float64                   // confidence level of intervals
	catalog      string                    // --catalog FILE
	bulletins    []string                  // --bulletin FILEs
	observations string                    // --observations FILE
	list         bool                      // --list
	explain      bool                      // --explain
	format       string                    // table, csv or json
	bom          bool                      // CSV starts with a byte-order mark
	output       string                    // -o FILE; "" for standard output
	plot         string                    // --plot FILE.png|FILE.svg
	plotW, plotH int                       // --plot-size, pixels
	lang         string                    // ja or en
	wide         bool                      // --wide: every column in every row of the table
	observed     *estimate.ObservationFile // the --observations file as read: the rows used and skipped
	calendar     *plan.Calendar            // --start and the flags that go with it; nil without --start
	ics          string                    // --ics FILE
	version      bool                      // --version
	help         bool                      // --help
	flags        *pflag.FlagSet
}

const usageHead = `estimate predicts how long UpdateEXPERT consoles take to roll a patch out
to a fleet, from the HotFix Alert 予想適用時間 tables.

Usage:
  estimate --patch KB|MSxx-xxx --hosts N[,N...] [flags]
  estimate --setup [NAME=]DURATION --hosts N [flags]
  estimate --patch KB|MSxx-xxx --hosts N --window DURATION --start TIME [flags]
  estimate --patch KB|MSxx-xxx --explain
  estimate --list

Examples:
  estimate --patch KB899588 --hosts 1200
  estimate --patch ms05-039 --platform xp --hosts 50,100,250,500
  estimate --patch KB899588 --platform xp --hosts 1200 --window 2h
  estimate --patch KB899588 --platform xp --hosts 1200 --consoles 1 --window 1h
  estimate --patch KB899588,KB937894 --platform xp --hosts 800 --consoles 2
  estimate --patch KB899588 --hosts XP=800,2000=400 --format csv
  estimate --patch KB899588,KB937894,KB885881 --hosts XP=3000,2000=800,2003=150 --window 4h
  estimate --patch KB899588,KB937894 --setup KB999001=12m --platform xp --hosts 800
  estimate --patch KB899588 --platform xp --hosts 100:1000:300 --consoles 1:4
  estimate --patch KB899588 --hosts 1200 --lang en --level 90%
  estimate --setup 12m --hosts 1000
  estimate --patch KB899588 --platform xp --explain
  estimate --patch KB899588 --hosts 10:5000:10 --format csv --bom -o kb899588.csv
  estimate --patch KB899588 --hosts 1200 --plot kb899588.png
  estimate --patch KB899588 --hosts 1200 --wide
  estimate --patch KB899588 --hosts XP=3000 --window 4h --start 2026-12-01T22:00 --rings 50,100%
  estimate --patch KB899588 --hosts XP=3000 --window 4h --start 2026-12-01T22:00 --ics rollout.ics
  estimate --list

Flags:
`

const usageTail = `
Commas separate values: write 12345, not 12,345, which is refused, as is any
value that could be one number with thousands separators (1,200, 250,500);
lists of three or more increasing multiples of 10 (50,100,250) are lists.
Ranges are from:to:step.
Estimates carry a prediction interval (95% unless --level says otherwise);
fleets outside the published 50–500 hosts per console are extrapolated and
marked so. Several patches form a bundle, and a mixed fleet (XP=800,2000=400)
a rollout: their parts run one after another on the same consoles.
-o and --plot write all or nothing: an error or Ctrl-C leaves the old files.
Exit status: 0 ok, 2 usage or input error, 1 a file could not be read or
written, 128+N stopped by signal N (130: Ctrl-C).
`

func newFlagSet(o *options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("estimate", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	fs.StringArrayVar(&o.patches, "patch", nil, "patch by KB number or bulletin `ID` (KB899588, 899588, MS05-039); repeatable or comma-separated; several form a bundle")
	fs.StringVar(&o.platform, "platform", "", "only the platform rows whose name contains `TEXT` (any case)")
	fs.StringArrayVar(&o.hostsRaw, "hosts", nil, "fleet size in hosts (1 to 100000000): `N`, a list 50,100,250,500, a range 100:5000:100, or a mixed fleet XP=800,2000=400; repeatable")
	fs.StringArrayVar(&o.consolesRaw, "consoles", nil, "consoles working in parallel: `N`, a list or a range like --hosts (default 1)")
	fs.String("contention", "0", "USL contention `σ` between consoles, ≥ 0 (default 0: none)")
	fs.String("coherency", "0", "USL coherency `κ` between consoles, ≥ 0 (default 0: none)")
	fs.String("window", "", "maintenance window `DURATION` (2h, 90m, 2 hours, 120min, 2時間): how many consoles fit the fleet in it, or with --consoles how many windows, or without --hosts how many hosts fit")
	fs.BoolVar(&o.upper, "upper", false, "with --window: plan on the top of the prediction interval, not the estimate")
	fs.StringArray("setup", nil, "a patch with no table: its setup `[NAME=]DURATION` (12m, KB999001=12m, 1時間5分) plus the pooled per-host rate; repeatable or comma-separated; joins a bundle")
	fs.StringVar(&o.console, "console", estimate.DefaultConsole, "with --setup: whose pooled per-host rate to use (`TEXT` in the console's name)")
	fs.BoolVar(&o.pooled, "pooled", false, "use the per-host rate pooled over all patches of the console instead of each patch's own")
	fs.String("level", "95%", "confidence `LEVEL` of the prediction intervals: 90%, 0.9, 99%")
	fs.StringVar(&o.catalog, "catalog", "", "use the catalog CSV in `FILE` instead of the embedded one")
	fs.StringArrayVar(&o.bulletins, "bulletin", nil, "add the timing tables of the HotFix Alert page in `FILE` (text or HTML; UTF-8, Shift_JIS or EUC-JP); repeatable")
	fs.StringVar(&o.observations, "observations", "", "calibrate to your own observed rollouts in `FILE`: catalog CSV, or this command's own CSV output with the minutes replaced by what you observed")
	fs.String("start", "", "lay the rollout out on a calendar of windows of --window from `TIME` (2026-12-01T22:00, or with an offset …+09:00): the answer is a schedule")
	fs.String("tz", "", "with --start: the time `ZONE` of the calendar (Asia/Tokyo); default the local one")
	fs.String("days", "", "with --start: the `DAYS` with a window: daily (default), weekdays, or a list mon,wed,fri")
	fs.StringArray("skip", nil, "with --start: `DATES` with no window, 2026-12-31 or a range 2026-12-29:2027-01-03; repeatable or comma-separated")
	fs.String("rings", "", "with --start: waves of the fleet, a `LIST` of hosts or percentages, e.g. 50,10%,100% (a pilot of 50, then 10%, then the rest)")
	fs.String("soak", "", "with --start and --rings: the wait after each ring before the next, `DURATION` (2d, 36h)")
	fs.StringVar(&o.ics, "ics", "", "with --start: also write the windows to `FILE`.ics (iCalendar), atomically")
	fs.BoolVar(&o.list, "list", false, "list the catalog's patches (or those of --patch) with their fitted setup and per-host rate")
	fs.BoolVar(&o.explain, "explain", false, "print each curve's fit: coefficients with standard errors, residuals, R², leave-one-out error, model choice")
	fs.StringVar(&o.format, "format", "table", "output `FORMAT`: table (for people), csv (for spreadsheets) or json (for tools)")
	fs.BoolVar(&o.bom, "bom", false, "start CSV with a UTF-8 byte-order mark, so Excel in Japanese opens it correctly")
	fs.StringVarP(&o.output, "output", "o", "", "write the output to `FILE` (atomically: all or nothing) instead of standard output")
	fs.StringVar(&o.plot, "plot", "", "draw the curves to `FILE`.png or FILE.svg: points, fitted line, interval band, extrapolated region")
	fs.String("plot-size", "800x500", "size of --plot in pixels, `WxH`")
	fs.StringVar(&o.lang, "lang", "ja", "`LANG` of table labels and durations: ja (3時間32分) or en (3h32m)")
	fs.BoolVar(&o.wide, "wide", false, "table with every column in every row (about 180 columns), instead of one that fits 100 with what all rows share said above it")
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
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" {
			usage += " (default " + f.DefValue + ")"
		}
		names = append(names, name)
		usages = append(usages, usage)
	})
	w := 0
	for _, n := range names {
		w = max(w, len(n))
	}
	// Each meaning is wrapped to fit textWidth, its lines after the first
	// under its first.
	indent := strings.Repeat(" ", w+4)
	for i, n := range names {
		line := fmt.Sprintf("  %-*s  ", w, n)
		width := w + 4
		for _, word := range strings.Fields(usages[i]) {
			ww := cellWidth(word)
			if width > w+4 && width+1+ww > textWidth {
				line += "\n" + indent
				width = w + 4
			} else if width > w+4 {
				line += " "
				width++
			}
			line += word
			width += ww
		}
		out.WriteString(line + "\n")
	}
}

// ioError is a file that could not be read or written: exit status 1, as
// is an *outfile.Error, an output file that could not be written (see
// isIOError). Every other error is a usage or input error, such as an
// output path that names a folder (outfile.ErrDirectory): exit status 2.
type ioError struct{ err error }

func (e ioError) Error() string { return e.err.Error() }
func (e ioError) Unwrap() error { return e.err }

// isIOError reports whether err is a file that could not be read or
// written: an ioError or an *outfile.Error.
func isIOError(err error) bool {
	var ie ioError
	var fe *outfile.Error
	return errors.As(err, &ie) || errors.As(err, &fe)
}

func usagef(format string, a ...any) error { return fmt.Errorf(format, a...) }

// inputError classifies an error reading the file a flag names: the
// system's failures are I/O errors, the rest are input errors.
func inputError(flag string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return ioError{fmt.Errorf("--%s: %s %s: %w", flag, pe.Op, clip.Path(pe.Path), pe.Err)}
	}
	return fmt.Errorf("--%s: %w", flag, err)
}

// run is the whole command: it parses args, writes the answer to stdout
// (or -o FILE) and any error, as one line, to stderr, and returns the exit
// status. Nothing reaches the output unless the whole answer can be made.
func run(args []string, stdout, stderr io.Writer) int {
	defer onSignal(stderr)()
	if err := runErr(args, stdout); err != nil {
		if errors.Is(err, syscall.EPIPE) {
			// The reader went away, as `| head` does: end quietly, as a
			// process killed by SIGPIPE would.
			return 128 + int(syscall.SIGPIPE)
		}
		fmt.Fprintf(stderr, "estimate: %s\n", message(err))
		if isIOError(err) {
			return exitIO
		}
		return exitUsage
	}
	return exitOK
}

// maxMessage bounds the error line, in characters: the values in it are
// already cut (clip.Quote); this is the last guard.
const maxMessage = 1000

// message is err as one safe line for a terminal: whitespace runs made one
// space, control, bidi and zero-width characters escaped, at most
// maxMessage characters.
func message(err error) string {
	msg := clip.Escape(strings.Join(strings.Fields(err.Error()), " "))
	if cut, all := clip.Cut(msg, maxMessage); !all {
		msg = cut + "…"
	}
	return msg
}

// onSignal removes the run's temporary files and ends the process if
// SIGINT, SIGTERM or SIGHUP arrives before the returned stop is called.
// A commit under way is let finish first, so that the outputs are all in
// place or none is. The exit status is 128 plus the signal's number, as
// the shell reports it.
func onSignal(stderr io.Writer) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			if outfile.Cleanup() { // after a commit under way; temporary files removed
				fmt.Fprintf(stderr, "estimate: stopped by %v while writing its output, which may be incomplete\n", sig)
			} else {
				fmt.Fprintf(stderr, "estimate: stopped by %v; no output file was changed\n", sig)
			}
			n, _ := sig.(syscall.Signal)
			os.Exit(128 + int(n))
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

func runErr(args []string, stdout io.Writer) error {
	var o options
	fs := newFlagSet(&o)
	o.flags = fs
	var twice error
	singleValued(fs, &twice)
	if err := singleDash(args, fs); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return flagError(err, fs)
	}
	if twice != nil {
		return twice
	}
	var text bytes.Buffer // output for people, written whole at the end
	if (o.help || o.version) && (o.output != "" || o.plot != "") {
		return usagef("--help and --version print to standard output; drop -o and --plot")
	}
	if o.help || o.version {
		if o.help {
			text.WriteString(usageHead)
			writeFlagUsages(&text, fs)
			text.WriteString(usageTail)
		} else {
			info, ok := debug.ReadBuildInfo()
			text.WriteString(wrap(versionLine(info, ok)) + "\n")
		}
		if _, err := stdout.Write(text.Bytes()); err != nil {
			return ioError{fmt.Errorf("writing output: %w", err)}
		}
		return nil
	}
	if err := o.check(); err != nil {
		return err
	}
	cat, err := o.loadCatalog()
	if err != nil {
		return err
	}
	if o.list {
		if err := writeList(&text, cat, o); err != nil {
			return err
		}
		return o.finish(stdout, text.Bytes())
	}
	var cal *estimate.Calibration
	var observed *estimate.ObservationFile
	if o.observations != "" {
		if cal, observed, err = calibrate(cat, o.observations); err != nil {
			return err
		}
		o.observed = observed
	}
	if err := o.checkPatches(cat); err != nil {
		return err
	}
	q, err := plan.New(cat, o.request(cal))
	var amb *plan.AmbiguousError
	var unknown *estimate.UnknownPatchError
	var calendar *plan.CalendarError
	switch {
	case errors.As(err, &calendar):
		return calendarError(err)
	case errors.As(err, &unknown) && !patchLike().MatchString(unknown.Patch):
		return usagef("%w; separate patches with commas: --patch KB899588,KB937894", err)
	case errors.As(err, &unknown):
		return usagef("%w; for a patch with no table, give its setup time: --setup %s=12m (see estimate --list)", err, clip.Escape(unknown.Patch))
	case errors.As(err, &amb) && amb.Group != nil:
		return usagef("--hosts %s=%d: %s matches %d platform rows of %s (%s); say which",
			clip.Escape(amb.Group.Platform), amb.Group.Hosts, clip.Quote(amb.Group.Platform), len(amb.Platforms), amb.Patch, strings.Join(amb.Platforms, ", "))
	case errors.As(err, &amb):
		return usagef("a bundle takes one platform row per patch, and %s has %d (%s); pick one with --platform, or give a mixed fleet XP=800,2000=400",
			amb.Patch, len(amb.Platforms), strings.Join(amb.Platforms, ", "))
	case err != nil:
		return err
	}
	if q.Rollout() && plan.Len(o.hosts) == 0 && len(o.fleet) == 0 && !o.explain {
		return usagef("a bundle needs --hosts: the fleet it is rolled out to")
	}
	if o.calendar != nil {
		return o.writeCalendar(stdout, q, cal)
	}
	var picture []byte
	if o.plot != "" {
		if picture, err = draw(q, o); err != nil {
			return err
		}
	}
	var plot *outfile.File // written aside now, put in place with the output
	if o.plot != "" {
		if plot, err = outfile.Open("--plot", o.plot); err != nil {
			return err
		}
		defer plot.Abort()
		if err := plot.Hold(picture); err != nil {
			return err
		}
	}
	asked := plan.Len(o.hosts) > 0 || len(o.fleet) > 0 || o.window > 0
	if o.format != "table" && asked {
		return o.writeRows(stdout, q, plot)
	}
	if o.explain {
		writeExplain(&text, q.Curves(), cal, o)
		if asked {
			text.WriteByte('\n')
		}
	}
	if asked {
		if n := q.Rows(); n > maxTableRows {
			return usagef("%d rows are too many for a table (at most %d); use --format csv", n, maxTableRows)
		}
		a, err := q.Answer()
		if err != nil {
			return err
		}
		if cal != nil {
			writeCalibration(&text, cal, o.observed, o.lang)
		}
		writeTable(&text, a.Rows, o)
		writeSkipped(&text, a.Skipped, o.lang)
		for _, w := range a.Windows {
			text.WriteString(wrap(sentence(w, o)) + "\n")
		}
	}
	return o.finish(stdout, text.Bytes(), plot)
}

// writeCalendar answers a request with a calendar: the schedule as a
// table, CSV or JSON, with --ics its windows as an iCalendar file and with
// --plot its timeline, all put in place together.
func (o *options) writeCalendar(stdout io.Writer, q *plan.Query, cal *estimate.Calibration) error {
	a, err := q.Answer()
	if err != nil {
		return scheduleError(err)
	}
	s := a.Schedule
	if o.upper && s.TopSlots == nil {
		return usagef("--upper: the top of the intervals cannot be planned on: %s", s.TopReason)
	}
	var side []*outfile.File // written aside now, put in place with the output
	defer func() {
		for _, f := range side {
			f.Abort()
		}
	}()
	hold := func(flag, path string, data []byte) error {
		f, err := outfile.Open(flag, path)
		if err != nil {
			return err
		}
		side = append(side, f)
		return f.Hold(data)
	}
	if o.plot != "" {
		picture, err := drawTimeline(s, *o)
		if err != nil {
			return err
		}
		if err := hold("--plot", o.plot, picture); err != nil {
			return err
		}
	}
	if o.ics != "" {
		if err := hold("--ics", o.ics, icsOf(s, *o, time.Now())); err != nil {
			return err
		}
	}
	var text bytes.Buffer
	switch o.format {
	case "csv":
		err = writeScheduleCSV(&text, s, *o)
	case "json":
		err = writeScheduleJSON(&text, s)
	default:
		if cal != nil {
			writeCalibration(&text, cal, o.observed, o.lang)
		}
		writeSchedule(&text, a, *o)
	}
	if err != nil {
		return err
	}
	return o.finish(stdout, text.Bytes(), side...)
}

// scheduleError says how to fix a schedule that cannot be laid out.
func scheduleError(err error) error {
	var short *plan.ShortWindowError
	var many *plan.TooManyWindowsError
	switch {
	case errors.As(err, &short):
		return usagef("--window: %w", err)
	case errors.As(err, &many):
		return calendarError(err)
	}
	return err
}

// finish writes text to -o FILE or stdout and puts the plot in place:
// nothing is put in place unless everything was made, and standard output
// (or a stream, see outfile.File) is written last.
func (o *options) finish(stdout io.Writer, text []byte, side ...*outfile.File) error {
	if o.output == "" {
		if err := outfile.Commit(side...); err != nil {
			return err
		}
		outfile.MarkStarted()
		if _, err := stdout.Write(text); err != nil {
			return ioError{fmt.Errorf("writing output: %w", err)}
		}
		return nil
	}
	f, err := outfile.Open("-o", o.output)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := f.Hold(text); err != nil {
		return err
	}
	return outfile.Commit(append([]*outfile.File{f}, side...)...)
}

// rowWriter is what the CSV and JSON writers of package estimate share.
type rowWriter interface {
	Write(estimate.Row) error
	WriteEstimate(*estimate.Curve, estimate.Estimate) error
	Close() error
}

// writeRows streams the rows as CSV or JSON to -o FILE or stdout. To
// standard output or a stream (see outfile.File), every estimate is made once
// before anything is written, so an error leaves no partial output, and
// the plot is put in place first; a file is written aside and put in
// place with the plot.
func (o *options) writeRows(stdout io.Writer, q *plan.Query, plot *outfile.File) error {
	if n := q.Rows(); n > maxRows {
		return usagef("%d rows asked; at most %d rows are made", n, maxRows)
	}
	dest := stdout
	var file *outfile.File
	if o.output != "" {
		var err error
		if file, err = outfile.Open("-o", o.output); err != nil {
			return err
		}
		defer file.Abort()
		dest = file
	}
	if file == nil || file.Stream() {
		if err := q.Each(func(plan.Row) error { return nil }); err != nil {
			return err
		}
		if err := outfile.Commit(plot); err != nil {
			return err
		}
		plot = nil
		outfile.MarkStarted()
	}
	var w rowWriter
	if o.format == "json" {
		w = estimate.NewJSONWriter(dest)
	} else {
		cw := estimate.NewCSVWriter(dest)
		cw.BOM = o.bom
		w = cw
	}
	err := q.Each(func(r plan.Row) error {
		var err error
		if r.Kind == plan.Part && r.Window == nil && !(r.Curve.Given() && r.Group != "") {
			err = w.WriteEstimate(r.Curve, r.Estimate) // a sweep's rows: no Row built
		} else {
			err = w.Write(r.Export())
		}
		if err != nil {
			return writeError(err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, s := range q.Skipped() {
		if err := w.Write(s.Export()); err != nil {
			return writeError(err)
		}
	}
	if err := w.Close(); err != nil {
		return writeError(err)
	}
	if file != nil && file.Stream() {
		return file.Close()
	}
	return outfile.Commit(file, plot)
}

// writeError is a failure to write the output: an I/O error; one from an
// output file already names it.
func writeError(err error) error {
	var ie ioError
	if errors.As(err, &ie) {
		return ie
	}
	var fe *outfile.Error
	if errors.As(err, &fe) {
		return fe
	}
	return ioError{fmt.Errorf("writing output: %w", err)}
}

// request is the planning question the flags ask.
func (o *options) request(cal *estimate.Calibration) plan.Request {
	r := plan.Request{
		Patches: o.patches, Unlisted: o.setups, Platform: o.platform, Fleet: o.fleet,
		Level: o.level, Pooled: o.pooled, Calibration: cal,
		Window: time.Duration(o.window * float64(time.Minute)), Upper: o.upper,
	}
	r.Hosts, r.Consoles = o.hosts, o.consoles
	r.Calendar = o.calendar
	if o.flags.Changed("contention") || cal == nil {
		r.Contention = &o.contention
	}
	if o.flags.Changed("coherency") || cal == nil {
		r.Coherency = &o.coherency
	}
	return r
}

// loadCatalog reads --catalog (or takes the embedded catalog) and adds the
// tables of every --bulletin page.
func (o *options) loadCatalog() (*estimate.Catalog, error) {
	cat := estimate.Default()
	if o.flags.Changed("catalog") {
		var err error
		if cat, err = estimate.LoadCatalog(o.catalog); err != nil {
			return nil, inputError("catalog", err)
		}
	}
	var obs []estimate.Observation
	seen := map[outfile.ID]string{}
	for _, path := range o.bulletins {
		if id, ok := outfile.IDOf(path); ok {
			if earlier, twice := seen[id]; twice {
				return nil, usagef("--bulletin %s is given twice (as %s before); give each page once", clip.Path(path), clip.Path(earlier))
			}
			seen[id] = path
		}
		page, err := estimate.LoadPage(path)
		if err != nil {
			return nil, inputError("bulletin", err)
		}
		obs = append(obs, page...)
	}
	if len(obs) == 0 {
		return cat, nil
	}
	cat, err := cat.With(obs)
	if err != nil {
		return nil, usagef("--bulletin: %w", err)
	}
	return cat, nil
}

// calibrate fits the --observations file against the catalog.
func calibrate(cat *estimate.Catalog, path string) (*estimate.Calibration, *estimate.ObservationFile, error) {
	f, err := estimate.LoadObservationFile(path)
	if err != nil {
		return nil, nil, inputError("observations", err)
	}
	f.DropNoTable(cat) // --setup KB999001=12m rows of the command's own CSV
	cal, err := cat.Calibrate(f.Observations)
	var ce *estimate.CatalogError
	switch {
	case errors.As(err, &ce):
		return nil, nil, usagef("--observations: %w", err)
	case err != nil && len(f.Skipped) > 0:
		return nil, nil, usagef("--observations: %s: %w", f, err)
	case err != nil:
		return nil, nil, usagef("--observations: %s: %w", clip.Path(path), err)
	}
	return cal, f, nil
}

// check validates the flags that need no catalog.
func (o *options) check() error {
	fs := o.flags
	// A flag given no value swallows the next flag as its value.
	var swallowed error
	fs.Visit(func(f *pflag.Flag) {
		for _, v := range strings.Split(strings.Trim(f.Value.String(), "[]"), ",") {
			if name, ok := strings.CutPrefix(v, "--"); ok && fs.Lookup(name) != nil && swallowed == nil {
				swallowed = usagef("--%s needs a value (it got %s)", f.Name, clip.Quote(v))
			}
		}
	})
	if swallowed != nil {
		return swallowed
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %s; flags start with -- (see estimate --help)", clip.Quote(fs.Arg(0)))
	}
	format, lang := o.format, o.lang // as given, for errors
	o.format, o.lang = strings.ToLower(strings.TrimSpace(o.format)), strings.ToLower(strings.TrimSpace(o.lang))
	switch o.format {
	case "table", "csv", "json":
	default:
		return usagef("--format %s: want table, csv or json", clip.Quote(format))
	}
	if o.bom && o.format != "csv" {
		return usagef("--bom goes with --format csv")
	}
	files := []struct{ name, value string }{{"output", o.output}, {"plot", o.plot}, {"ics", o.ics}, {"catalog", o.catalog}, {"observations", o.observations}}
	for _, b := range o.bulletins {
		files = append(files, struct{ name, value string }{"bulletin", b})
	}
	for _, f := range files {
		if fs.Changed(f.name) && strings.TrimSpace(f.value) == "" {
			return usagef("--%s \"\": empty file name", f.name)
		}
	}
	outs := []struct{ flag, path string }{{"-o", o.output}, {"--plot", o.plot}, {"--ics", o.ics}}
	for i, out := range outs {
		for _, other := range outs[i+1:] {
			if out.path != "" && other.path != "" && outfile.Same(out.path, other.path) {
				return usagef("%s and %s name the same file %s", out.flag, other.flag, clip.Path(out.path))
			}
		}
	}
	for _, out := range outs {
		for _, in := range files[3:] {
			if out.path != "" && in.value != "" && !outfile.IsStream(out.path) && outfile.Same(out.path, in.value) {
				return usagef("%s %s is the file --%s reads; write the output to another file", out.flag, clip.Path(out.path), in.name)
			}
		}
	}
	if o.plot != "" {
		if ext := strings.ToLower(filepath.Ext(o.plot)); ext != ".png" && ext != ".svg" {
			return usagef("--plot %s: want a file name ending in .png or .svg", clip.Quote(o.plot))
		}
	}
	var err error
	if o.plotW, o.plotH, err = parseSize(fs.Lookup("plot-size").Value.String()); err != nil {
		return err
	}
	if fs.Changed("plot-size") && o.plot == "" {
		return usagef("--plot-size goes with --plot")
	}
	switch o.lang {
	case "ja", "en":
	default:
		return usagef("--lang %s: want ja or en", clip.Quote(lang))
	}
	if o.patches, err = splitPatches(o.patches); err != nil {
		return err
	}
	if o.level, err = parseLevel(fs.Lookup("level").Value.String()); err != nil {
		return err
	}
	if o.contention, err = parseCoefficient("contention", fs.Lookup("contention").Value.String()); err != nil {
		return err
	}
	if o.coherency, err = parseCoefficient("coherency", fs.Lookup("coherency").Value.String()); err != nil {
		return err
	}
	if o.setups, err = parseSetups(fs, o.console); err != nil {
		return err
	}
	if len(o.setups) == 0 && fs.Changed("console") {
		return usagef("--console goes with --setup")
	}
	if fs.Changed("window") {
		if o.window, err = parseMinutes("window", fs.Lookup("window").Value.String(), true); err != nil {
			return err
		}
	} else if o.upper {
		return usagef("--upper goes with --window")
	}
	if err := o.checkCalendar(); err != nil {
		return err
	}
	if err := o.checkCounts(); err != nil {
		return err
	}
	return o.checkCombination()
}

// checkCalendar reads --start and the flags that go with it.
func (o *options) checkCalendar() error {
	fs := o.flags
	if !fs.Changed("start") {
		for _, name := range []string{"tz", "days", "skip", "rings", "soak", "ics"} {
			if fs.Changed(name) {
				return usagef("--%s goes with --start (the first window's date and time, e.g. --start 2026-12-01T22:00)", name)
			}
		}
		return nil
	}
	if o.window == 0 {
		return usagef("--start needs --window: the length of each window, e.g. --window 4h")
	}
	if o.explain || o.list {
		return usagef("--start writes a schedule; drop --explain and --list")
	}
	var zone *time.Location
	if tz := fs.Lookup("tz").Value.String(); fs.Changed("tz") {
		var err error
		if zone, err = plan.LoadZone(strings.TrimSpace(tz)); err != nil {
			return calendarError(err)
		}
	}
	c := &plan.Calendar{}
	var err error
	if c.Start, err = plan.ParseStart(strings.TrimSpace(fs.Lookup("start").Value.String()), zone); err != nil {
		return calendarError(err)
	}
	if fs.Changed("days") {
		if c.Days, err = plan.ParseWeekdays(fs.Lookup("days").Value.String()); err != nil {
			return calendarError(err)
		}
	}
	skips, _ := fs.GetStringArray("skip")
	for _, v := range skips {
		dates, err := plan.ParseDates(v)
		if err != nil {
			return calendarError(err)
		}
		c.Skip = append(c.Skip, dates...)
	}
	if fs.Changed("rings") {
		if c.Rings, err = plan.ParseRings(fs.Lookup("rings").Value.String()); err != nil {
			return calendarError(err)
		}
	}
	if fs.Changed("soak") {
		if !fs.Changed("rings") {
			return usagef("--soak goes with --rings: the wait after each ring")
		}
		m, err := parseMinutes("soak", fs.Lookup("soak").Value.String(), false)
		if err != nil {
			return err
		}
		c.Soak = time.Duration(math.Round(m * float64(time.Minute)))
	}
	if o.ics != "" && strings.ToLower(filepath.Ext(o.ics)) != ".ics" {
		return usagef("--ics %s: want a file name ending in .ics", clip.Quote(o.ics))
	}
	o.calendar = c
	return nil
}

// calendarError names the flag of a *plan.CalendarError and the value
// given: `--days "mon,wdn": …`; other errors are returned as they are.
func calendarError(err error) error {
	var c *plan.CalendarError
	if !errors.As(err, &c) {
		return err
	}
	flag := map[string]string{"start": "--start", "zone": "--tz", "days": "--days", "skip": "--skip", "rings": "--rings",
		"soak": "--soak", "window": "--window", "hosts": "--hosts", "consoles": "--consoles"}[c.Field]
	if flag == "" {
		flag = "--start"
	}
	if c.Value == "" {
		return usagef("%s: %s (with --start)", flag, c.Reason)
	}
	return usagef("%s %s: %s", flag, clip.Quote(c.Value), c.Reason)
}

// maxGroups bounds the platforms of a mixed fleet, maxPatches the patches
// of a bundle, and maxJobs their product, the parts of one rollout; real
// ones have a handful of each.
const (
	maxGroups  = 1000
	maxPatches = 1000
	maxJobs    = 10000
)

// checkCounts reads --hosts and --consoles and checks the rows they ask
// for against maxRows from the counts alone, before any list is made.
func (o *options) checkCounts() error {
	for _, h := range o.hostsRaw {
		if strings.Contains(width.Fold.String(h), "=") {
			fleet, err := parseFleet(h, estimate.MaxHosts)
			if err != nil {
				return err
			}
			if len(o.fleet)+len(fleet) > maxGroups {
				return usagef("--hosts: a mixed fleet of more than %d platforms; give each platform once", maxGroups)
			}
			o.fleet = append(o.fleet, fleet...)
			continue
		}
		list, err := parseCounts("hosts", h, estimate.MaxHosts)
		if err != nil {
			return err
		}
		o.hosts = append(o.hosts, list...)
	}
	if err := sameFleet(o.fleet); err != nil {
		return err
	}
	for _, c := range o.consolesRaw {
		list, err := parseCounts("consoles", c, estimate.MaxConsoles)
		if err != nil {
			return err
		}
		o.consoles = append(o.consoles, list...)
	}
	if len(o.fleet) > 0 && plan.Len(o.hosts) > 0 {
		return usagef("--hosts: give either fleet sizes or a mixed fleet (XP=800,2000=400), not both")
	}
	if len(o.fleet) > 0 && o.flags.Changed("platform") {
		return usagef("--platform and a mixed fleet both pick platforms; drop --platform")
	}
	if len(o.patches) > maxPatches {
		return usagef("--patch: %d patches; a bundle takes at most %d", len(o.patches), maxPatches)
	}
	r := plan.Request{Patches: o.patches, Unlisted: o.setups, Hosts: o.hosts, Fleet: o.fleet, Consoles: o.consoles}
	if jobs := r.Parts(); len(o.fleet) > 0 && jobs > maxJobs {
		return usagef("--patch and --hosts: %d patches on %d platforms make %d parts; at most %d", len(o.patches), len(o.fleet), jobs, maxJobs)
	}
	n := r.Rows()
	if n > maxRows {
		return usagef("--hosts and --consoles ask for %d rows or more; at most %d rows are made", n, maxRows)
	}
	if n > maxTableRows && o.format == "table" && !o.list {
		return usagef("--hosts and --consoles ask for %d rows or more, too many for a table (at most %d); use --format csv", n, maxTableRows)
	}
	return nil
}

// checkCombination refuses flags that do not go together.
func (o *options) checkCombination() error {
	given := plan.Len(o.hosts) > 0 || len(o.fleet) > 0
	switch {
	case o.list:
		if given || o.explain || len(o.setups) > 0 || o.pooled || o.window > 0 || o.observations != "" || len(o.consolesRaw) > 0 || o.plot != "" {
			return usagef("--list takes only --patch, --platform, --catalog, --bulletin, --format, --lang, --wide and -o")
		}
		if o.format == "json" {
			return usagef("--list writes a table or CSV; drop --format json")
		}
	case o.explain && o.format != "table":
		return usagef("--explain writes text; drop --format %s", o.format)
	case len(o.patches) == 0 && len(o.setups) == 0:
		return usagef("no --patch given; try estimate --patch KB899588 --hosts 1200, or estimate --list")
	case len(o.setups) > 0 && len(o.patches) == 0 && (o.pooled || o.flags.Changed("platform")):
		return usagef("--setup is for a patch with no table, so --pooled and --platform, which choose among tables, go with --patch")
	case !given && !o.explain && o.window == 0 && o.plot == "":
		return usagef("no --hosts given; say how many machines, e.g. --hosts 1200")
	case o.window > 0 && plan.Len(o.consoles) > 1:
		return usagef("--window answers for one console count; give a single --consoles")
	}
	return nil
}

// patchLike matches what could be one patch's name: a KB number, a
// bulletin ID, a name such as FIX-1.
var patchLike = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`) })

// checkPatches refuses a patch named twice in a bundle (by KB number and
// bulletin ID alike), and a --setup named after a patch that has a table:
// each would roll the patch out, and pay its setup, twice.
func (o *options) checkPatches(cat *estimate.Catalog) error {
	kbOf := func(p string) string {
		series, err := cat.Select(p, "")
		if err != nil || len(series) == 0 {
			return ""
		}
		return series[0].KB
	}
	seen := map[string]string{}
	for _, p := range o.patches {
		kb := kbOf(p)
		if kb == "" {
			continue
		}
		if first, dup := seen[kb]; dup {
			return usagef("--patch: %s and %s name the same patch, %s; give it once", clip.Quote(first), clip.Quote(p), kb)
		}
		seen[kb] = p
	}
	for _, u := range o.setups {
		if u.Name == "" {
			continue
		}
		if kb := kbOf(u.Name); kb != "" {
			return usagef("--setup %s: %s has a table; give it with --patch %s (--setup is for a patch with no table)", clip.Quote(u.Name), kb, clip.Escape(u.Name))
		}
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
				return nil, usagef("--patch %s: empty patch name; want a KB number or bulletin ID", clip.Quote(v))
			}
			patches = append(patches, p)
		}
	}
	return patches, nil
}
