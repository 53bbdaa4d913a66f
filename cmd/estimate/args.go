package main

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/chart"
	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/internal/clip"
	"github.com/patchtime/patchtime/plan"
	"github.com/spf13/pflag"
	"golang.org/x/text/width"
)

// maxRows bounds a sweep: patches × platforms × hosts × consoles. Larger
// requests are refused before any work.
const maxRows = 10_000_000

// maxTableRows bounds the rows of table output, which is for people.
const maxTableRows = 10_000

// parseCounts reads the value of --hosts or --consoles: a whole number, a
// comma-separated list, or ranges a:b:step (step 1 if left out), each
// value from 1 to max. Full-width digits are folded. Nothing is expanded:
// the values come back as ranges.
func parseCounts(flag, text string, max int) ([]plan.Range, error) {
	folded := width.Fold.String(text)
	if thousands(folded) {
		first, rest, _ := strings.Cut(folded, ",")
		return nil, usagef("--%s %s: commas separate values, so this reads as %s and %s; for %s%s write that (for several values, give --%s once for each)",
			flag, clip.Quote(text), first, strings.ReplaceAll(rest, ",", " and "), first, strings.ReplaceAll(rest, ",", ""), flag)
	}
	var out []plan.Range
	for _, item := range strings.Split(folded, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, usagef("--%s %s: empty item; want a whole number such as 1200, a list 50,100,250 or a range 100:5000:100", flag, clip.Quote(text))
		}
		parts := strings.Split(item, ":")
		if len(parts) > 3 {
			return nil, usagef("--%s %s: range %s has too many colons; want from:to:step", flag, clip.Quote(text), clip.Quote(item))
		}
		var v [3]int
		v[2] = 1
		for i, p := range parts {
			n, err := count(flag, text, p, max)
			if err != nil && i == 2 {
				return nil, usagef("--%s %s: range %s: the step %s must be a whole number from 1", flag, clip.Quote(text), clip.Quote(item), clip.Quote(p))
			}
			if err != nil {
				return nil, err
			}
			v[i] = n
		}
		if len(parts) == 1 {
			v[1] = v[0]
		}
		if v[1] < v[0] {
			return nil, usagef("--%s %s: range %s runs backwards; want from ≤ to", flag, clip.Quote(text), clip.Quote(item))
		}
		out = append(out, plan.Range{From: v[0], To: v[1], Step: v[2]})
	}
	return out, nil
}

// thousands reports whether a value looks like a number written with
// thousands separators rather than a list: "1,200", "2,500,000" (a first
// value of one digit, then groups of three, "000" among them or not).
// Lists of fleet sizes such as "50,100,250,500" start with two digits or
// more.
func thousands(s string) bool {
	groups := strings.Split(s, ",")
	if len(groups) < 2 || len(groups[0]) != 1 || !digitsOnly(groups[0]) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !digitsOnly(g) {
			return false
		}
	}
	return true
}

func digitsOnly(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// count reads one whole number of a --hosts or --consoles value.
func count(flag, text, s string, max int) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	switch {
	case errors.Is(err, strconv.ErrRange) && strings.HasPrefix(s, "-"):
		return 0, usagef("--%s %s: %s %s; want at least 1", flag, clip.Quote(text), s, flag)
	case errors.Is(err, strconv.ErrRange):
		return 0, usagef("--%s %s: %s is above the maximum of %d %s", flag, clip.Quote(text), s, max, flag)
	case err != nil:
		return 0, usagef("--%s %s: %s is not a whole number of %s", flag, clip.Quote(text), clip.Quote(s), flag)
	case n < 1:
		return 0, usagef("--%s %s: %d %s; want at least 1", flag, clip.Quote(text), n, flag)
	case n > max:
		return 0, usagef("--%s %s: %d is above the maximum of %d %s", flag, clip.Quote(text), n, max, flag)
	}
	return n, nil
}

// parseFleet reads a mixed fleet "XP=800,2000=400".
func parseFleet(text string, max int) ([]plan.Group, error) {
	var fleet []plan.Group
	for _, item := range strings.Split(text, ",") {
		name, n, ok := strings.Cut(item, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, usagef("--hosts %s: %s is not PLATFORM=HOSTS; a mixed fleet is written XP=800,2000=400", clip.Quote(text), clip.Quote(strings.TrimSpace(item)))
		}
		h, err := count("hosts", text, width.Fold.String(n), max)
		if err != nil {
			return nil, err
		}
		fleet = append(fleet, plan.Group{Platform: name, Hosts: h})
	}
	return fleet, nil
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
		return 0, usagef("--level %s: want a level between 0 and 100%%, e.g. 95%% or 0.9", clip.Quote(text))
	}
	// The label shows the level to a millionth of a percent: a level that
	// would read as 0% or 100% is refused rather than mislabelled.
	if p := percent(v); p == "0" || p == "100" {
		return 0, usagef("--level %s: reads as %s%%; want a level from 0.000001%% to 99.999999%%", clip.Quote(text), p)
	}
	return v, nil
}

// parseMinutes reads a duration in Go's form ("12m", "1h5m") or Japanese
// ("12分", "1時間5分") as minutes; positive says whether 0 is refused.
func parseMinutes(flag, text string, positive bool) (float64, error) {
	var m float64
	if d, err := time.ParseDuration(strings.TrimSpace(text)); err == nil {
		m = d.Minutes()
	} else if d, err := bulletin.ParseDuration(text); err == nil {
		m = d.Minutes()
	} else if durationSyntax().MatchString(width.Fold.String(strings.TrimSpace(text))) {
		// Written as a duration, but too long for either parser.
		return 0, usagef("--%s %s: longer than 100 years (%d minutes), the longest time patchtime handles", flag, clip.Quote(text), estimate.MaxMinutes)
	} else {
		return 0, usagef("--%s %s: want a duration such as 12m, 1h5m or 12分", flag, clip.Quote(text))
	}
	if m < 0 || positive && m == 0 {
		return 0, usagef("--%s %s: want a duration greater than 0", flag, clip.Quote(text))
	}
	if m > estimate.MaxMinutes {
		return 0, usagef("--%s %s: longer than 100 years (%d minutes), the longest time patchtime handles", flag, clip.Quote(text), estimate.MaxMinutes)
	}
	return m, nil
}

// parseSetups reads --setup: durations, each with a name or not
// (12m, KB999001=12m), comma-separated or repeated.
func parseSetups(fs *pflag.FlagSet, console string) ([]plan.Unlisted, error) {
	values, err := fs.GetStringArray("setup")
	if err != nil {
		return nil, err
	}
	var out []plan.Unlisted
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			name, text, named := strings.Cut(item, "=")
			if !named {
				name, text = "", item
			}
			name = strings.TrimSpace(name)
			if named && name == "" {
				return nil, usagef("--setup %s: empty name before =; write KB999001=12m, or just 12m", clip.Quote(item))
			}
			m, err := parseMinutes("setup", text, false)
			if err != nil {
				return nil, err
			}
			out = append(out, plan.Unlisted{Name: name, Setup: time.Duration(math.Round(m * float64(time.Minute))), Console: console})
		}
	}
	return out, nil
}

// durationSyntax matches what reads as a positive duration in Go's form
// or the Japanese one, whatever its size.
var durationSyntax = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\+?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$|^[0-9]+ *時間( *[0-9]+ *分)?$|^[0-9]+ *分$`)
})

// parseCoefficient reads σ or κ: a number from 0 to estimate.MaxCoefficient.
func parseCoefficient(flag, text string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > estimate.MaxCoefficient {
		return 0, usagef("--%s %s: want a number from 0 to %d, e.g. 0.05", flag, clip.Quote(text), int(estimate.MaxCoefficient))
	}
	return v, nil
}

// parseSize reads --plot-size: "800x500" pixels.
func parseSize(text string) (w, h int, err error) {
	a, b, ok := strings.Cut(strings.ToLower(strings.TrimSpace(text)), "x")
	w, errW := strconv.Atoi(a)
	h, errH := strconv.Atoi(b)
	if !ok || errW != nil || errH != nil || w < chart.MinSize || w > chart.MaxSize || h < chart.MinSize || h > chart.MaxSize {
		return 0, 0, usagef("--plot-size %s: want WIDTHxHEIGHT in pixels, each %d to %d, e.g. 800x500", clip.Quote(text), chart.MinSize, chart.MaxSize)
	}
	return w, h, nil
}
