package main

import (
	"errors"
	"fmt"
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
	"github.com/patchtime/patchtime/internal/durfmt"
	"github.com/patchtime/patchtime/internal/suggest"
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
// value from 1 to max. Full-width digits are folded. A value that could
// be one number written with thousands separators is refused (see
// thousands). Nothing is expanded: the values come back as ranges.
func parseCounts(flag, text string, max int) ([]plan.Range, error) {
	folded := width.Fold.String(text)
	if err := separators(flag, text, folded, max); err != nil {
		return nil, err
	}
	var out []plan.Range
	for _, item := range strings.Split(folded, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, usagef("--%s %s: empty item; want a whole number such as 1200, a list 50,100,250,500 or a range 100:5000:100", flag, clip.Quote(text))
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

// separators refuses a --hosts or --consoles value in which a number
// could be written with thousands separators (see thousands), saying the
// number without them. In a value with ranges each from:to part is looked
// at: "100:5,000:100" is refused, "1:10,20:30" is two ranges.
func separators(flag, text, folded string, max int) error {
	items := strings.Split(folded, ",")
	for i := range items {
		items[i] = strings.TrimSpace(items[i])
	}
	clean := strings.Join(items, ",")
	if !strings.Contains(clean, ":") {
		n, ok := thousands(clean)
		if !ok {
			return nil
		}
		msg := fmt.Sprintf("--%s %s: reads as %s written with thousands separators", flag, clip.Quote(text), n)
		if len(n) > len(strconv.Itoa(max)) || len(n) == len(strconv.Itoa(max)) && n > strconv.Itoa(max) {
			return usagef("%s, above the maximum of %d %s", msg, max, flag)
		}
		msg += "; write " + n
		var each []string
		for _, item := range items {
			if item[0] == '0' {
				return usagef("%s", msg)
			}
			each = append(each, "--"+flag+" "+item)
		}
		return usagef("%s (for the separate values, give %s)", msg, strings.Join(each, " "))
	}
	parts := strings.Split(clean, ":")
	for i, p := range parts {
		if n, ok := thousands(p); ok {
			parts[i] = n
			return usagef("--%s %s: %s reads as %s written with thousands separators; write %s",
				flag, clip.Quote(text), clip.Quote(p), n, strings.Join(parts, ":"))
		}
	}
	return nil
}

// thousands reports whether s reads as one number written with thousands
// separators, and gives its digits: a first group of one to three digits
// not starting with 0, then groups of exactly three ("1,200", "12,345",
// "250,500", "2,500,000", "123,456,789"). Such a value is read as a list
// only when it plainly is one: three or more sizes, each a multiple of 10
// and larger than the one before, no group starting with 0
// ("50,100,250", "50,100,250,500").
func thousands(s string) (string, bool) {
	groups := strings.Split(s, ",")
	if len(groups) < 2 || len(groups[0]) > 3 || !digitsOnly(groups[0]) || groups[0][0] == '0' {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !digitsOnly(g) {
			return "", false
		}
	}
	list := len(groups) >= 3
	prev := 0
	for _, g := range groups {
		v, _ := strconv.Atoi(g)
		if g[0] == '0' || v%10 != 0 || v <= prev {
			list = false
		}
		prev = v
	}
	return strings.Join(groups, ""), !list
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

// parseFleet reads a mixed fleet "XP=800,2000=400". A platform named
// twice (in any case or width) is refused, as is an item with no platform
// that continues a number written with thousands separators (XP=1,200).
func parseFleet(text string, max int) ([]plan.Group, error) {
	var fleet []plan.Group
	items := strings.Split(width.Fold.String(text), ",")
	for i := 0; i < len(items); i++ {
		name, n, ok := strings.Cut(items[i], "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, usagef("--hosts %s: %s is not PLATFORM=HOSTS; a mixed fleet is written XP=800,2000=400", clip.Quote(text), clip.Quote(strings.TrimSpace(items[i])))
		}
		// Items of three digits after it, with no platform, continue a
		// number written with thousands separators: XP=1,200.
		groups := []string{strings.TrimSpace(n)}
		for i+1 < len(items) && !strings.Contains(items[i+1], "=") && len(strings.TrimSpace(items[i+1])) == 3 && digitsOnly(strings.TrimSpace(items[i+1])) {
			groups = append(groups, strings.TrimSpace(items[i+1]))
			i++
		}
		if len(groups) > 1 {
			v := strings.Join(groups, ",")
			if digits, ok := thousands(v); ok {
				msg := fmt.Sprintf("--hosts %s: %s reads as %s written with thousands separators; write %s=%s", clip.Quote(text), clip.Quote(v), digits, clip.Escape(name), digits)
				if len(groups) == 2 && groups[1][0] != '0' {
					msg += fmt.Sprintf(" (or, if %s hosts are another platform's, PLATFORM=%s)", groups[1], groups[1])
				}
				return nil, usagef("%s", msg)
			}
			return nil, usagef("--hosts %s: %s is not PLATFORM=HOSTS; a mixed fleet is written XP=800,2000=400", clip.Quote(text), clip.Quote(groups[1]))
		}
		h, err := count("hosts", text, n, max)
		if err != nil {
			return nil, err
		}
		fleet = append(fleet, plan.Group{Platform: name, Hosts: h})
	}
	return fleet, nil
}

// sameFleet refuses a platform given twice in a mixed fleet, comparing
// names in any case and width: XP=800,XP=400 would pay the setups twice.
func sameFleet(fleet []plan.Group) error {
	seen := map[string]int{}
	for i, g := range fleet {
		k := strings.ToLower(width.Fold.String(g.Platform))
		if j, dup := seen[k]; dup {
			first := fleet[j]
			return usagef("--hosts: platform %s is given twice (%s=%d and %s=%d); give each platform once, e.g. %s=%d",
				clip.Quote(first.Platform), clip.Escape(first.Platform), first.Hosts, clip.Escape(g.Platform), g.Hosts, clip.Escape(first.Platform), first.Hosts+g.Hosts)
		}
		seen[k] = i
	}
	return nil
}

// parseLevel reads a confidence level: "95%", "95" or "0.95".
func parseLevel(text string) (float64, error) {
	s := strings.TrimSpace(width.Fold.String(text))
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

// parseMinutes reads a duration in Go's form ("12m", "1h5m"), Japanese
// ("12分", "1時間5分") or words ("120min", "2hr", "2 hours", "1 hour 30
// minutes", "1d", with units d, h, hr, hour, m, min, minute and their
// plurals, in any case) as minutes; positive says whether 0 is refused. A
// bare number is refused: minutes or hours, it does not say.
func parseMinutes(flag, text string, positive bool) (float64, error) {
	var m float64
	folded := width.Fold.String(strings.TrimSpace(text))
	if d, err := time.ParseDuration(folded); err == nil {
		m = d.Minutes()
	} else if d, err := bulletin.ParseDuration(text); err == nil {
		m = d.Minutes()
	} else if v, ok := wordsMinutes(folded); ok {
		m = v
	} else if durationSyntax().MatchString(folded) {
		// Written as a duration, but too long for either parser.
		return 0, usagef("--%s %s: longer than 100 years (%d minutes), the longest time patchtime handles", flag, clip.Quote(text), estimate.MaxMinutes)
	} else {
		return 0, usagef("--%s %s: %s", flag, clip.Quote(text), durationHint(folded))
	}
	if m < 0 || positive && m == 0 {
		return 0, usagef("--%s %s: want a duration greater than 0", flag, clip.Quote(text))
	}
	if m > estimate.MaxMinutes {
		return 0, usagef("--%s %s: longer than 100 years (%d minutes), the longest time patchtime handles", flag, clip.Quote(text), estimate.MaxMinutes)
	}
	return m, nil
}

// wordsUnit gives the minutes of each unit parseMinutes takes in words.
var wordsUnit = map[string]float64{
	"d": 1440, "day": 1440, "days": 1440,
	"h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
	"m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1,
}

// wordsSyntax matches a duration in words: numbers, each followed by a
// unit, with or without spaces.
var wordsSyntax = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\s*([0-9]+(\.[0-9]+)?)\s*([a-z]+))+\s*$`)
})

var wordsPart = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`([0-9]+(\.[0-9]+)?)\s*([a-z]+)`)
})

// wordsMinutes reads a duration in words ("2 hours", "120min", "1h 30m").
func wordsMinutes(s string) (float64, bool) {
	s = strings.ToLower(s)
	if len(s) > 100 || !wordsSyntax().MatchString(s) {
		return 0, false
	}
	var m float64
	for _, p := range wordsPart().FindAllStringSubmatch(s, -1) {
		unit, ok := wordsUnit[p[3]]
		if !ok {
			return 0, false
		}
		v, err := strconv.ParseFloat(p[1], 64)
		if err != nil {
			return 0, false
		}
		m += v * unit
	}
	return m, !math.IsInf(m, 0)
}

// durationHint says how to write a duration, with an example made of
// what was typed: a unit added to a bare number or to the minutes after
// hours ("1h30" → 1h30m, "1時間5" → 1時間5分), "h:mm" written in Go's
// form ("2:30" → 2h30m).
func durationHint(s string) string {
	const forms = "durations are written 2h, 1h30m, 90m, 2 hours, 120min or 2時間"
	if v, err := strconv.ParseFloat(s, 64); err == nil && v > 0 && v < 1e6 {
		n := strconv.FormatFloat(v, 'f', -1, 64)
		return fmt.Sprintf("a number needs a unit: %sm for %s %s, %sh for %s %s (%s)", n, n, plural(v, "minute", "minutes"), n, n, plural(v, "hour", "hours"), forms)
	}
	if m := hintForms().FindStringSubmatch(s); m != nil {
		switch {
		case m[1] != "": // 1h30
			return fmt.Sprintf("did you mean %sm? (%s)", s, forms)
		case m[2] != "": // 1時間5
			return fmt.Sprintf("did you mean %s分? (%s)", s, forms)
		case m[3] != "": // 2:30
			h, _ := strconv.Atoi(m[4])
			mm, _ := strconv.Atoi(m[5])
			return fmt.Sprintf("did you mean %s? (%s)", durfmt.Go(time.Duration(h)*time.Hour+time.Duration(mm)*time.Minute), forms)
		}
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.') }); i > 0 {
		n := s[:i]
		if v, err := strconv.ParseFloat(n, 64); err == nil {
			return fmt.Sprintf("not a duration; for %s %s write %sh, for %s %s %sm (%s)", n, plural(v, "hour", "hours"), n, n, plural(v, "minute", "minutes"), n, forms)
		}
	}
	return "not a duration; " + forms
}

// plural is one when v is 1, many otherwise.
func plural(v float64, one, many string) string {
	if v == 1 {
		return one
	}
	return many
}

// hintForms matches near-durations durationHint can complete: hours then
// minutes without a unit (1), the same in Japanese (2), and h:mm (3, with
// hours 4 and minutes 5).
var hintForms = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:([0-9]+h[0-9]+)|([0-9]+時間[0-9]+)|(([0-9]{1,2}):([0-5][0-9])))$`)
})

// parseSetups reads --setup: durations, each with a name or not
// (12m, KB999001=12m), comma-separated or repeated.
func parseSetups(fs *pflag.FlagSet, console string) ([]plan.Unlisted, error) {
	values, err := fs.GetStringArray("setup")
	if err != nil {
		return nil, err
	}
	var out []plan.Unlisted
	var unnamed []string
	names := map[string]bool{}
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
			if !named {
				unnamed = append(unnamed, strings.TrimSpace(text))
			} else if k := strings.ToUpper(name); names[k] {
				return nil, usagef("--setup %s is given twice; give each patch's setup once", clip.Quote(name))
			} else {
				names[k] = true
			}
			m, err := parseMinutes("setup", text, false)
			if err != nil {
				return nil, err
			}
			out = append(out, plan.Unlisted{Name: name, Setup: time.Duration(math.Round(m * float64(time.Minute))), Console: console})
		}
	}
	if len(unnamed) > 1 {
		var each []string
		for i, u := range unnamed {
			each = append(each, fmt.Sprintf("--setup KB99900%d=%s", i+1, clip.Escape(u)))
		}
		return nil, usagef("--setup is given %d times without a name; name each patch: %s", len(unnamed), strings.Join(each, " "))
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

// flagError rewrites an error of the flag parser so that it names the
// fix: the nearest flag for an unknown one, the double dash for a long
// flag written with one ("-patch").
func flagError(err error, fs *pflag.FlagSet) error {
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		if s := nearestFlag(strings.TrimLeft(name, "-"), names); s != "" {
			return usagef("unknown flag --%s; did you mean %s? (see estimate --help)", clip.Escape(name), s)
		}
		return usagef("unknown flag --%s (see estimate --help)", clip.Escape(name))
	}
	// "unknown shorthand flag: 'p' in -patch"
	if _, arg, ok := strings.Cut(msg, "' in -"); ok && strings.HasPrefix(msg, "unknown shorthand flag: ") {
		name, _, _ := strings.Cut(arg, "=")
		if len([]rune(name)) == 1 {
			if s := nearestFlag(name, names); s != "" {
				return usagef("unknown flag -%s; did you mean %s? (see estimate --help)", clip.Escape(name), s)
			}
			return usagef("unknown flag -%s (see estimate --help)", clip.Escape(name))
		}
		if fs.Lookup(name) != nil {
			return usagef("-%s: long flags take two dashes: --%s (see estimate --help)", clip.Escape(name), name)
		}
		if s := nearestFlag(name, names); s != "" {
			return usagef("-%s: unknown flag; did you mean %s? (see estimate --help)", clip.Escape(name), s)
		}
		return usagef("-%s: unknown flag; long flags take two dashes (see estimate --help)", clip.Escape(name))
	}
	if arg, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok && strings.HasPrefix(arg, "---") {
		name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if s := nearestFlag(name, names); s != "" {
			return usagef("%s: too many dashes; did you mean %s? (see estimate --help)", clip.Escape(arg), s)
		}
	}
	return usagef("%s (see estimate --help)", clip.Escape(msg))
}

// flagWords are flags people reach for that are another's value or name.
var flagWords = map[string]string{
	"csv": "--format csv", "json": "--format json", "table": "--format table",
	"v": "--version", "language": "--lang", "out": "-o", "en": "--lang en", "ja": "--lang ja",
	"kb": "--patch", "fleet": "--hosts", "consoles=": "--consoles",
}

// nearestFlag suggests the flag meant by name: a known slip (flagWords),
// the one flag it is the start of ("obs" → --observations), or the
// nearest within two edits; "" when none.
func nearestFlag(name string, names []string) string {
	name = strings.ToLower(name)
	if s, ok := flagWords[name]; ok {
		return s
	}
	if len(name) >= 3 {
		var starts []string
		for _, n := range names {
			if strings.HasPrefix(n, name) {
				starts = append(starts, n)
			}
		}
		if len(starts) == 1 {
			return "--" + starts[0]
		}
	}
	if s := suggest.Closest(name, names, 2); s != "" {
		return "--" + s
	}
	return ""
}

// once is a single-valued flag that refuses to be given twice with
// different values, instead of silently keeping the last: --window 2h
// --window 3h is an error. The same value twice is harmless.
type once struct {
	pflag.Value
	name string
	set  bool
	err  *error // the first such error, reported after parsing
}

func (v *once) Set(s string) error {
	if v.set && !strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(v.Value.String())) {
		if *v.err == nil {
			*v.err = usagef("--%s is given twice (%s and %s); give it once", v.name, clip.Quote(v.Value.String()), clip.Quote(s))
		}
		return nil
	}
	v.set = true
	return v.Value.Set(s)
}

// singleValued wraps every string flag of fs in once; repeatable flags
// are string arrays and stay as they are.
func singleValued(fs *pflag.FlagSet, err *error) {
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Value.Type() == "string" {
			f.Value = &once{Value: f.Value, name: f.Name, err: err}
		}
	})
}

// singleDash refuses a long flag written with one dash ("-patch",
// "-hosts=5"), which the parser would otherwise read as shorthands
// ("-h" and "-o sts=5"), before parsing. A value after a flag that takes
// one is not looked at, nor anything after "--".
func singleDash(args []string, fs *pflag.FlagSet) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return nil
		}
		if name, ok := strings.CutPrefix(a, "--"); ok {
			if f := fs.Lookup(name); f != nil && f.NoOptDefVal == "" && !strings.Contains(name, "=") {
				i++ // its value
			}
			continue
		}
		if len(a) == 2 && a[0] == '-' {
			if f := fs.ShorthandLookup(a[1:2]); f != nil && f.NoOptDefVal == "" {
				i++ // "-o FILE"
			}
			continue
		}
		if len(a) < 3 || a[0] != '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if fs.Lookup(name) != nil && len(name) > 1 {
			return usagef("-%s: long flags take two dashes: --%s (see estimate --help)", clip.Escape(name), name)
		}
	}
	return nil
}
