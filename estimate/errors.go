package estimate

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/patchtime/patchtime/internal/clip"
)

// RangeError is a value outside the range estimate accepts: the hosts,
// consoles, σ or κ of a scenario or rollout, the hosts, consoles or minutes
// of an observation, a confidence level, a setup, a window. Test for it
// with errors.As; it may be wrapped (an observation's in a *CatalogError,
// a job's with the name of its series).
type RangeError struct {
	What     string  // what the value is: "hosts", "consoles", "contention σ", "coherency κ", "confidence level", "setup", "window" or "minutes"
	Value    float64 // the value given, in the unit of the range (hosts, consoles, minutes; σ, κ and levels are pure numbers)
	Min, Max float64 // the range accepted; Max is +Inf where there is no upper bound
	MinOpen  bool    // Min itself is out of range: the value must be more than Min
	MaxOpen  bool    // Max itself is out of range: the value must be less than Max

	msg string // the message, as estimate words it for this value
}

// Error returns the message, e.g. "hosts 0: want 1 to 100000000".
func (e *RangeError) Error() string {
	if e.msg != "" {
		return e.msg
	}
	low, high := "from ", " to "
	if e.MinOpen {
		low = "more than "
	}
	if e.MaxOpen {
		high = " and less than "
	}
	want := low + formatBound(e.Min) + high + formatBound(e.Max)
	if math.IsInf(e.Max, 1) {
		want = low + formatBound(e.Min)
		if !e.MinOpen {
			want = "at least " + formatBound(e.Min)
		}
	}
	return fmt.Sprintf("%s %s: want %s", e.What, formatBound(e.Value), want)
}

func formatBound(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// maxScaling is the largest σ or κ accepted.
const maxScaling = MaxCoefficient

// MaxCoefficient is the largest σ or κ accepted: 1e6.
const MaxCoefficient = 1e6

// The ranges, each tested in one place.

// hostsOK reports whether n is a fleet estimate accepts: 1 to MaxHosts.
func hostsOK(n int) bool { return uint(n-1) < MaxHosts }

// consolesOK reports whether n is a console count: 1 to MaxConsoles.
func consolesOK(n int) bool { return uint(n-1) < MaxConsoles }

// scalingOK reports whether v is a σ or κ: 0 to maxScaling (NaN is not).
func scalingOK(v float64) bool { return v >= 0 && v <= maxScaling }

// minutesOK reports whether m is the minutes of a rollout: more than 0,
// at most MaxMinutes (NaN is not).
func minutesOK(m float64) bool { return m > 0 && m <= MaxMinutes }

// setupOK reports whether m is a setup time: 0 to MaxMinutes.
func setupOK(m float64) bool { return m >= 0 && m <= MaxMinutes }

// levelOK reports whether p is a confidence level: 0 < p < 1.
func levelOK(p float64) bool { return p > 0 && p < 1 }

// windowOK reports whether m is the length of a window: more than 0.
func windowOK(m float64) bool { return m > 0 && m <= MaxMinutes }

func hostsError(n int) *RangeError {
	return &RangeError{What: "hosts", Value: float64(n), Min: 1, Max: MaxHosts,
		msg: fmt.Sprintf("hosts %d: want 1 to %d", n, MaxHosts)}
}

func consolesError(n int) *RangeError {
	return &RangeError{What: "consoles", Value: float64(n), Min: 1, Max: MaxConsoles,
		msg: fmt.Sprintf("consoles %d: want 1 to %d", n, MaxConsoles)}
}

func contentionError(v float64) *RangeError {
	return &RangeError{What: "contention σ", Value: v, Min: 0, Max: maxScaling,
		msg: fmt.Sprintf("contention σ = %v: want a number from 0 to 1e6", v)}
}

func coherencyError(v float64) *RangeError {
	return &RangeError{What: "coherency κ", Value: v, Min: 0, Max: maxScaling,
		msg: fmt.Sprintf("coherency κ = %v: want a number from 0 to 1e6", v)}
}

func levelError(p float64) *RangeError {
	return &RangeError{What: "confidence level", Value: p, Min: 0, Max: 1, MinOpen: true, MaxOpen: true,
		msg: fmt.Sprintf("confidence level %v: want more than 0 and less than 1, e.g. 0.95", p)}
}

func setupError(m float64) *RangeError {
	return &RangeError{What: "setup", Value: m, Min: 0, Max: MaxMinutes,
		msg: fmt.Sprintf("setup %v minutes: want 0 to %d", m, MaxMinutes)}
}

func windowError(m float64) *RangeError {
	return &RangeError{What: "window", Value: m, Min: 0, Max: math.Inf(1), MinOpen: true,
		msg: fmt.Sprintf("window %v minutes: want more than 0", m)}
}

// ConsoleError means a console name given to Catalog.Pool names no
// console of the catalog, or several.
type ConsoleError struct {
	Console string   // the name asked for
	Matches []string // the consoles whose names contain it, when there are several; none when it matches no console
	Have    []string // every console of the catalog, in order of first appearance ("" for rows that name none)
}

func (e *ConsoleError) Error() string {
	switch {
	case len(e.Matches) > 1:
		return fmt.Sprintf("console %s is ambiguous; it matches: %s", clip.Quote(e.Console), listNames(consoleNames(e.Matches)))
	case len(e.Have) == 0:
		return fmt.Sprintf("no console %s: the catalog is empty", clip.Quote(e.Console))
	}
	return fmt.Sprintf("no console %s in the catalog; it has: %s", clip.Quote(e.Console), listNames(consoleNames(e.Have)))
}

func consoleNames(cs []string) []string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = consoleName(c)
	}
	return names
}

// TooFewError means a calibration has too few observed rollouts, or too
// few fleet sizes per console among them: it needs Need and has Have.
// errors.Is(err, ErrTooFewObservations) holds for it.
type TooFewError struct {
	What       string // "observed rollouts", or "fleet sizes per console" (distinct ⌈hosts/consoles⌉)
	Need, Have int
}

func (e *TooFewError) Error() string {
	if e.What == tooFewSizes {
		return fmt.Sprintf("calibration needs observations at %s or more fleet sizes per console: %v", spelled(e.Need), ErrTooFewObservations)
	}
	return fmt.Sprintf("calibration needs at least %d %s, the observations have %d: %v", e.Need, e.What, e.Have, ErrTooFewObservations)
}

// Unwrap returns ErrTooFewObservations.
func (e *TooFewError) Unwrap() error { return ErrTooFewObservations }

// What a TooFewError counts.
const (
	tooFewRollouts = "observed rollouts"
	tooFewSizes    = "fleet sizes per console"
)

// spelled writes small counts in words, as the messages have them.
func spelled(n int) string {
	if words := []string{"zero", "one", "two", "three", "four", "five"}; n >= 0 && n < len(words) {
		return words[n]
	}
	return strconv.Itoa(n)
}

// errNotCurve is the error of a method of the zero Curve.
var errNotCurve = errors.New("estimate: not a curve (the zero Curve); get curves from a Catalog")
