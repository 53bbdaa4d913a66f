// Package durfmt writes durations, rounded to the minute, the way
// patchtime shows them to people: in Go's form without seconds or zero
// minutes ("3h32m", "2h", "52m") or in Japanese ("3時間32分"), with days
// from a day on ("2d3h5m", "2日3時間5分").
package durfmt

import (
	"strconv"
	"strings"
	"time"

	"github.com/patchtime/patchtime/bulletin"
)

// Days splits d, rounded to the minute, into whole days and the rest.
// A negative d has no days: it is returned rounded.
func Days(d time.Duration) (int64, time.Duration) {
	d = d.Round(time.Minute)
	if d < 24*time.Hour {
		return 0, d
	}
	return int64(d / (24 * time.Hour)), d % (24 * time.Hour)
}

// Go writes d rounded to the minute in Go's form without seconds or zero
// minutes, with days from a day on: "3h32m", "52m", "2h", "0m", "2d3h5m",
// "1d".
func Go(d time.Duration) string {
	n, rest := Days(d)
	var b strings.Builder
	if n > 0 {
		b.WriteString(strconv.FormatInt(n, 10) + "d")
		if rest == 0 {
			return b.String()
		}
	}
	s := strings.TrimSuffix(rest.String(), "0s") // "3h32m", "2h0m", "0"
	switch {
	case strings.HasSuffix(s, "h0m"):
		s = strings.TrimSuffix(s, "0m")
	case s == "0" || s == "":
		s = "0m"
	}
	b.WriteString(s)
	return b.String()
}

// Ja writes d rounded to the minute in Japanese, with days from a day on:
// "3時間32分", "2時間", "52分", "2日3時間5分", "2日".
func Ja(d time.Duration) string {
	n, rest := Days(d)
	if n == 0 {
		return bulletin.FormatDuration(rest)
	}
	if rest == 0 {
		return strconv.FormatInt(n, 10) + "日"
	}
	return strconv.FormatInt(n, 10) + "日" + bulletin.FormatDuration(rest)
}

// GoExact is Go(d) for whole minutes, and otherwise d to the second:
// "1h59m50s", "30s", "1d30s".
func GoExact(d time.Duration) string { return exact(d, Go, "0m", "s") }

// JaExact is Ja(d) for whole minutes, and otherwise d to the second:
// "1時間59分50秒", "30秒".
func JaExact(d time.Duration) string { return exact(d, Ja, "0分", "秒") }

// exact writes d rounded to the second: its whole minutes by form (none
// when zero), then the seconds with their unit.
func exact(d time.Duration, form func(time.Duration) string, zero, unit string) string {
	d = d.Round(time.Second)
	if d%time.Minute == 0 {
		return form(d)
	}
	m := form(d - d%time.Minute)
	if m == zero {
		m = ""
	}
	return m + strconv.FormatInt(int64(d%time.Minute/time.Second), 10) + unit
}
