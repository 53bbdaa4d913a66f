// Package clip makes text from files and arguments safe and short enough to
// echo in an error message or a table cell on a terminal.
//
// Text from outside can hold anything: a 10 MB cell, a terminal escape
// sequence, a right-to-left override that reorders the rest of the line,
// a zero-width space that misaligns a column. Quote and Escape show such
// characters as Go escapes (\x1b, \u202e) and never emit them raw.
package clip

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxRunes is how much of a value Quote keeps: 64 characters, then "…".
const MaxRunes = 64

// Quote returns s quoted as Go does (%q), with every control, format
// (bidi overrides, zero-width characters) and other unprintable character
// escaped, and cut after MaxRunes characters with an ellipsis after the
// closing quote and the full length in bytes, so that an echoed value
// stays readable: "xxxx…"… (10485760 bytes).
func Quote(s string) string {
	cut, ok := Cut(s, MaxRunes)
	q := strconv.Quote(cut)
	if !ok {
		q += "… (" + strconv.Itoa(len(s)) + " bytes)"
	}
	return q
}

// Cut returns the first n characters of s and whether that is all of s.
func Cut(s string, n int) (string, bool) {
	i := 0
	for j := range s {
		if i == n {
			return s[:j], false
		}
		i++
	}
	return s, true
}

// Escape returns s with every character that a terminal would not show as
// one visible glyph of its own — control characters (C0, C1, DEL), format
// characters (bidi controls, zero-width spaces and joiners, the BOM),
// unassigned and private-use code points, invalid UTF-8 — written as a Go
// escape (\x1b, \u202e, \ufffd for invalid bytes). Printable text, spaces
// and combining marks are left as they are. It allocates only when it
// changes something.
func Escape(s string) string {
	i := strings.IndexFunc(s, unsafe)
	if i < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[0])|0x100, 16)[1:])
		case unsafe(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}

// unsafe reports whether r is not shown as a visible character of its own:
// everything but graphic characters (letters, marks, numbers, punctuation,
// symbols, spaces of category Zs). Control (Cc), format (Cf: bidi and
// zero-width), private-use (Co), surrogate, unassigned and line or
// paragraph separator code points are not graphic.
func unsafe(r rune) bool { return !unicode.IsGraphic(r) }

// MaxPathRunes is how much of a file name Path keeps.
const MaxPathRunes = 120

// Path returns a file name to show in a message: escaped as Escape does,
// and, past MaxPathRunes characters, cut in the middle, keeping its start
// and its last 80 characters (the file's own name) around a "…".
func Path(p string) string {
	r := []rune(p)
	if len(r) > MaxPathRunes {
		p = string(r[:MaxPathRunes-80-1]) + "…" + string(r[len(r)-80:])
	}
	return Escape(p)
}
