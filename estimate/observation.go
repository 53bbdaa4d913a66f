package estimate

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/internal/clip"
	"golang.org/x/text/width"
)

// Limits on what patchtime accepts.
const (
	MaxHosts    = 100_000_000      // largest fleet, hosts
	MaxConsoles = 100_000          // most consoles in parallel
	MaxMinutes  = 100 * 366 * 1440 // longest duration, minutes (100 years)
	maxText     = 256              // longest text cell, bytes
)

// Source says where an observation comes from.
type Source string

// The sources of observations.
const (
	Published Source = "published" // a HotFix Alert table
	Observed  Source = "observed"  // a rollout measured on site
)

// Observation is one row of a catalog: the minutes one rollout of one patch
// package took, or is published to take, on a number of hosts.
type Observation struct {
	Bulletin     string            // bulletin ID, e.g. "MS05-039"; may be empty
	KB           string            // KB number, e.g. "KB899588"
	Package      string            // package file name; may be empty
	Platform     string            // platform as the bulletin prints it; may be empty
	Console      string            // console and version, e.g. "UpdateEXPERT 6.1"; may be empty
	Consoles     int               // consoles working in parallel, 1 to MaxConsoles
	Hosts        int               // machines patched, 1 to MaxHosts
	Minutes      float64           // wall-clock time of the rollout, minutes, > 0 and ≤ MaxMinutes
	PackageBytes int64             // package size, bytes; 0 if unknown
	Severity     bulletin.Severity // 0 if unknown
	Reboot       bulletin.Reboot   // "" if unknown
	Source       Source            // "" if not stated
	File         string            // file it was read from, if known
	Line         int               // line of that file; 0 if built in code
}

// at names the observation's place for messages: "file:line", "line N" or
// "". The file name is escaped (see clip.Escape).
func (o *Observation) at() string {
	switch {
	case o.File != "" && o.Line > 0:
		return fmt.Sprintf("%s:%d", clip.Escape(o.File), o.Line)
	case o.Line > 0:
		return fmt.Sprintf("line %d", o.Line)
	}
	return clip.Escape(o.File)
}

// check validates o and puts its names in canonical form ("kb899588" →
// "KB899588"). Errors are *CatalogError values naming o.Line.
func (o *Observation) check() error {
	bad := func(col string, val any, err error) error {
		return &CatalogError{File: o.File, Line: o.Line, Column: col, Value: fmt.Sprint(val), Err: err}
	}
	kb, err := normalizeKB(o.KB)
	if err != nil {
		return bad("kb", o.KB, err)
	}
	bul, err := normalizeBulletin(o.Bulletin)
	if err != nil {
		return bad("bulletin", o.Bulletin, err)
	}
	o.KB, o.Bulletin = kb, bul
	for _, f := range []struct{ col, val string }{{"package", o.Package}, {"platform", o.Platform}, {"console", o.Console}} {
		if err := checkText(f.val); err != nil {
			return bad(f.col, f.val, err)
		}
	}
	switch {
	case !consolesOK(o.Consoles):
		e := consolesError(o.Consoles)
		e.msg = fmt.Sprintf("out of range; want 1 to %d", MaxConsoles)
		return bad("consoles", o.Consoles, e)
	case !hostsOK(o.Hosts):
		e := hostsError(o.Hosts)
		e.msg = fmt.Sprintf("out of range; want 1 to %d", MaxHosts)
		return bad("hosts", o.Hosts, e)
	case !minutesOK(o.Minutes):
		return bad("minutes", o.Minutes, &RangeError{What: "minutes", Value: o.Minutes, Min: 0, MinOpen: true, Max: MaxMinutes,
			msg: fmt.Sprintf("out of range; want more than 0 and at most %d (100 years)", MaxMinutes)})
	case o.PackageBytes < 0:
		return bad("package_bytes", o.PackageBytes, errors.New("negative; want a whole number of bytes, or empty"))
	case o.Severity != 0 && !o.Severity.Valid():
		return bad("severity", int(o.Severity), errors.New("want 1 (緊急), 2 (重要), 3 (警告), 4 (注意) or empty"))
	}
	if _, err := bulletin.ParseReboot(string(o.Reboot)); err != nil {
		return bad("reboot", o.Reboot, errors.New("want required, conditional, none or empty"))
	}
	switch o.Source {
	case "", Published, Observed:
	default:
		return bad("source", o.Source, errors.New("want published, observed or empty"))
	}
	return nil
}

// checkText refuses text that would garble a table or a terminal: longer
// than maxText bytes, or holding a control character (C0, C1, DEL: a
// terminal escape, a line break) or a format character (Unicode category
// Cf: the bidi controls such as U+202E, which reorder the rest of a line,
// the zero-width space U+200B and joiners, the BOM U+FEFF, the soft
// hyphen), which shows nothing of itself and makes two names that look
// alike differ. Such a character in a package, platform or console name is
// a mistake of the file, never part of the name.
func checkText(s string) error {
	if len(s) > maxText {
		return fmt.Errorf("longer than %d bytes", maxText)
	}
	for _, r := range s {
		switch {
		case r >= 0x20 && r < 0x7f: // printable ASCII, the most of any name
		case unicode.IsControl(r):
			return fmt.Errorf("control character %U", r)
		case unicode.Is(unicode.Cf, r):
			return fmt.Errorf("invisible format character %U (a bidi control or zero-width character)", r)
		}
	}
	return nil
}

var (
	kbPattern       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^KB[0-9]{1,9}$`) })
	bulletinPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^MS[0-9]{2}-[0-9]{3}$`) })
)

// fold upper-cases s, folds full-width letters and digits to ASCII and
// trims spaces. Text that width.Fold would leave as it is (all the names
// of a catalog but a few) is not run through it, which would allocate.
func fold(s string) string {
	if widthFolds(s) {
		s = width.Fold.String(s)
	}
	return strings.ToUpper(strings.TrimSpace(s))
}

// widthFolds reports whether width.Fold may change s: s holds a
// full-width or half-width character, or is not valid UTF-8.
func widthFolds(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || width.LookupRune(r).Folded() != 0 {
			return true
		}
		i += size
	}
	return false
}

// canonical reports whether s is prefix followed by 1 to 9 ASCII digits,
// or, with dash, by two digits, a dash and three digits.
func canonical(s, prefix string, dash bool) bool {
	if !strings.HasPrefix(s, prefix) {
		return false
	}
	d := s[len(prefix):]
	if dash {
		return len(d) == 6 && d[2] == '-' && digits(d[:2]) && digits(d[3:])
	}
	return len(d) >= 1 && len(d) <= 9 && digits(d)
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normalizeKB turns "kb899588", "899588" or "KB899588" into "KB899588".
func normalizeKB(s string) (string, error) {
	if canonical(s, "KB", false) { // the common case, without folding
		return s, nil
	}
	s = fold(s)
	if _, err := strconv.ParseUint(s, 10, 32); err == nil {
		s = "KB" + s
	}
	if !kbPattern().MatchString(s) {
		return "", errors.New("want a KB number such as KB899588")
	}
	return s, nil
}

// normalizeBulletin turns "ms05-039" into "MS05-039"; empty stays empty.
func normalizeBulletin(s string) (string, error) {
	if s == "" || canonical(s, "MS", true) {
		return s, nil
	}
	s = fold(s)
	if s != "" && !bulletinPattern().MatchString(s) {
		return "", errors.New("want a bulletin ID such as MS05-039, or empty")
	}
	return s, nil
}
