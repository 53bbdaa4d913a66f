package bulletin

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/patchtime/patchtime/internal/clip"
	"golang.org/x/text/width"
)

// maxDurationMinutes bounds what ParseDuration accepts: 100 years of
// minutes, far beyond any rollout and well inside time.Duration's range.
const maxDurationMinutes = 100 * 366 * 24 * 60

// ParseDuration parses a duration written the way HotFix Alert timing tables
// write it: hours with 時間 and minutes with 分, either part optional but not
// both, hours first ("1時間28分", "12分", "2時間", "1時間 35分"). Minutes
// after hours are fewer than 60; minutes alone may be any number ("90分").
// Digits and spaces may be full-width ("１時間２８分"); spaces around the
// numbers and units are ignored. The result is a whole number of minutes.
//
// Anything else, including an empty string, decimals, signs, units in the
// wrong order or repeated, and "1時間75分", is an error that quotes the
// input.
func ParseDuration(s string) (time.Duration, error) {
	folded := s
	if needsFold(s) { // full-width digits or spaces; folding allocates, so only then
		folded = width.Fold.String(s)
	}
	rest := strings.TrimSpace(folded)
	if rest == "" {
		return 0, &DurationError{Input: s, Reason: "empty"}
	}
	var total int64
	sawHours, sawMinutes := false, false
	for rest != "" {
		n, after, ok := leadingNumber(rest)
		if !ok {
			return 0, &DurationError{Input: s, Reason: "expected a whole number before 時間 or 分"}
		}
		after = strings.TrimLeft(after, " \t")
		switch {
		case strings.HasPrefix(after, "時間"):
			if sawHours || sawMinutes {
				return 0, &DurationError{Input: s, Reason: "時間 must come once, before 分"}
			}
			sawHours = true
			total += n * 60
			after = after[len("時間"):]
		case strings.HasPrefix(after, "分"):
			if sawMinutes {
				return 0, &DurationError{Input: s, Reason: "分 must come once"}
			}
			if sawHours && n >= 60 {
				return 0, &DurationError{Input: s, Reason: "minutes after 時間 must be fewer than 60"}
			}
			sawMinutes = true
			total += n
			after = after[len("分"):]
		default:
			return 0, &DurationError{Input: s, Reason: "a number must be followed by 時間 or 分"}
		}
		if total > maxDurationMinutes {
			return 0, &DurationError{Input: s, Reason: "longer than 100 years"}
		}
		rest = strings.TrimLeft(after, " \t")
	}
	return time.Duration(total) * time.Minute, nil
}

// leadingNumber splits off the ASCII digits at the start of s. It fails when
// s does not start with a digit or the number has more than nine digits.
func leadingNumber(s string) (n int64, rest string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 9 {
		return 0, s, false
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, s, false
	}
	return n, s[i:], true
}

// FormatDuration writes d in the style of UpdateEXPERT and the HotFix Alert
// tables, rounded to the nearest minute: "12分", "1時間28分", "3時間32分",
// "2時間" for whole hours and "0分" for less than half a minute. A negative
// duration gets a leading "-". ParseDuration reads back every result from 0
// to 100 years.
func FormatDuration(d time.Duration) string {
	return string(AppendDuration(nil, d))
}

// AppendDuration appends FormatDuration(d) to b and returns the extended
// buffer, for writers that build many rows without allocating.
func AppendDuration(b []byte, d time.Duration) []byte {
	m := d.Round(time.Minute) / time.Minute
	if m < 0 {
		b = append(b, '-')
		m = -m
	}
	h, m := m/60, m%60
	if h > 0 {
		b = strconv.AppendInt(b, int64(h), 10)
		b = append(b, "時間"...)
		if m == 0 {
			return b
		}
	}
	b = strconv.AppendInt(b, int64(m), 10)
	return append(b, "分"...)
}

// DurationError reports a string ParseDuration cannot read.
type DurationError struct {
	Input  string // the text as given
	Reason string // what is wrong with it
}

// Error returns the message, quoting the input (cut and escaped as
// clip.Quote does) and giving an example of the format, e.g.
// `duration "28分1時間": 時間 must come once, before 分 (want e.g. 1時間28分,
// 12分 or 2時間)`.
func (e *DurationError) Error() string {
	return fmt.Sprintf("duration %s: %s (want e.g. 1時間28分, 12分 or 2時間)", clip.Quote(e.Input), e.Reason)
}
