// Package suggest finds the likely intended word among known ones, for
// "did you mean" suggestions.
package suggest

// Closest returns the candidate nearest to s in edit distance (see
// Distance), if it is close enough to be a likely typo: at most max
// edits, and fewer than a third of the longer word. Ties go to the
// candidate first in the list. It returns "" when none is that close.
func Closest(s string, candidates []string, max int) string {
	best, bestDist := "", 0
	for _, c := range candidates {
		if n := len(s) - len(c); n > max || n < -max {
			continue // at least |n| edits apart; skipping them keeps a long word cheap
		}
		d := Distance(s, c)
		if d > max || 3*d >= maxInt(len(s), len(c)) {
			continue
		}
		if best == "" || d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// Distance is the number of edits, in bytes, that turn a into b: a byte
// inserted, deleted or replaced, or two adjacent bytes swapped (the
// optimal string alignment distance). "hots" is 1 from "hosts", and
// "hsots" is 1 from it too.
func Distance(a, b string) int {
	// d[i][j] is the distance between a[:i] and b[:j]; three rows suffice.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
