package estimate

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/patchtime/patchtime/internal/clip"
)

// ObservationFile is a catalog CSV as read for a calibration: the rows it
// uses, one rollout each, and the rows it reads but does not use, each
// with its line and why, so that a caller can say which rows it used.
// Get one from ReadObservationFile or LoadObservationFile.
type ObservationFile struct {
	File         string        // the file's name, when read by LoadObservationFile; "" otherwise
	Observations []Observation // the rows used, in file order
	Skipped      []Skipped     // the rows not used, in file order
	output       bool          // the file is estimate's own CSV output (its KB column is patch)
}

// DropNoTable moves the rows of patches that have no table in c from
// Observations to Skipped (reason SkipNoTable), when the file is
// estimate's own CSV output: there a patch with no table named with a KB
// number (the command's --setup KB999001=12m) has a KB but no curve. In a
// catalog-format file such a row stays, and Calibrate refuses it by its
// line.
func (f *ObservationFile) DropNoTable(c *Catalog) {
	if f == nil || !f.output || c == nil {
		return
	}
	kept := f.Observations[:0]
	var dropped []Skipped
	for _, o := range f.Observations {
		if _, err := c.lookup(o.KB); err != nil {
			dropped = append(dropped, Skipped{Line: o.Line, Reason: SkipNoTable, Patch: o.KB})
			continue
		}
		kept = append(kept, o)
	}
	if len(dropped) == 0 {
		return
	}
	f.Observations = kept
	f.Skipped = append(f.Skipped, dropped...)
	slices.SortFunc(f.Skipped, func(a, b Skipped) int { return a.Line - b.Line })
}

// Used returns the lines of the rows used, in file order; none if no row
// was.
func (f *ObservationFile) Used() Lines {
	var lines Lines
	for _, o := range f.Observations {
		lines = append(lines, o.Line)
	}
	return lines
}

// SkippedLines returns the lines of the rows skipped for reason r, in file
// order; none if no row was.
func (f *ObservationFile) SkippedLines(r SkipReason) Lines {
	var lines Lines
	for _, s := range f.Skipped {
		if s.Reason == r {
			lines = append(lines, s.Line)
		}
	}
	return lines
}

// String returns what was read, for a message such as "calibrated to …":
// the rollouts used and their lines, then the rows skipped, counted by
// reason with their lines, e.g.
//
//	6 rollouts (lines 2–7 of site.csv; skipped 1 total row, line 8)
//	no rollouts (in bundle.csv; skipped 2 total rows, lines 4, 7)
//
// The file name is escaped as clip.Path does.
func (f *ObservationFile) String() string {
	used := f.Used()
	head, where := "no rollouts", ""
	switch {
	case len(used) > 0 && f.File != "":
		head, where = plural(len(used), "rollout", "rollouts"), used.phrase()+" of "+clip.Path(f.File)
	case len(used) > 0:
		head, where = plural(len(used), "rollout", "rollouts"), used.phrase()
	case f.File != "":
		where = "in " + clip.Path(f.File)
	}
	var notes []string
	if where != "" {
		notes = append(notes, where)
	}
	prefix := "skipped "
	for _, r := range skipReasons {
		if lines := f.SkippedLines(r); len(lines) > 0 {
			n := skipNouns[r]
			notes = append(notes, prefix+plural(len(lines), n[0], n[1])+", "+lines.phrase())
			prefix = ""
		}
	}
	if len(notes) == 0 {
		return head
	}
	return head + " (" + strings.Join(notes, "; ") + ")"
}

// plural returns "1 row" or "n rows".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Skipped is a row of an observations file that is read but not used.
type Skipped struct {
	Line   int        // 1-based line of the row in the file
	Reason SkipReason // why it is not used
	Patch  string     // the row's patch (or kb) cell, trimmed; "" for a total row
}

// String returns the line and the reason, e.g. "line 8: total row: a sum
// over a bundle's or mixed fleet's parts, not one rollout", or `line 6:
// patch "FIX-1" is not a KB number: a patch with no table (--setup) has no
// curve to calibrate against`.
func (s Skipped) String() string {
	switch {
	case s.Reason == SkipNoTable && s.Patch != "" && isKB(s.Patch):
		return fmt.Sprintf("line %d: patch %s has no table (--setup): no curve to calibrate against", s.Line, clip.Quote(s.Patch))
	case s.Reason == SkipNoTable && s.Patch != "":
		return fmt.Sprintf("line %d: patch %s is not a KB number: a patch with no table (--setup) has no curve to calibrate against", s.Line, clip.Quote(s.Patch))
	case s.Reason == SkipNoTable:
		return fmt.Sprintf("line %d: no patch: a patch with no table (--setup) has no curve to calibrate against", s.Line)
	}
	why, ok := skipWhy[s.Reason]
	if !ok {
		why = s.Reason.String()
	}
	return fmt.Sprintf("line %d: %s", s.Line, why)
}

// SkipReason says why a row of an observations file is not used.
type SkipReason int

// The reasons a row is skipped. Such rows come from estimate's own CSV
// output (see RowColumns): SkipTotal and SkipNotApplicable from any file
// with a row column, SkipNoTable only where the KB column is patch (in a
// catalog, an empty or bad kb cell is an error).
const (
	// SkipTotal is a row whose row cell is "total": the sum of the parts of
	// a bundle or mixed fleet, rolled out one after another, not one
	// rollout of one patch package.
	SkipTotal SkipReason = iota + 1

	// SkipNotApplicable is a row whose row cell is "skipped": a patch of a
	// bundle that does not apply to a platform of the fleet, with no
	// numbers.
	SkipNotApplicable

	// SkipNoTable is a row whose patch cell is empty or not a KB number: a
	// patch with no published table (the command's --setup, named or not),
	// which has no curve to calibrate against.
	SkipNoTable
)

var skipReasons = []SkipReason{SkipTotal, SkipNotApplicable, SkipNoTable}

// String returns the reason in a few words: "total row", "not applicable"
// or "no table".
func (r SkipReason) String() string {
	switch r {
	case SkipTotal:
		return "total row"
	case SkipNotApplicable:
		return "not applicable"
	case SkipNoTable:
		return "no table"
	}
	return "SkipReason(" + strconv.Itoa(int(r)) + ")"
}

// skipWhy says why a row is skipped, for Skipped.String.
var skipWhy = map[SkipReason]string{
	SkipTotal:         "total row: a sum over a bundle's or mixed fleet's parts, not one rollout",
	SkipNotApplicable: "skipped row: the patch does not apply to the platform, so there is no rollout",
	SkipNoTable:       "a patch with no table (--setup) has no curve to calibrate against",
}

// skipNouns names rows skipped for a reason, one and many, for
// ObservationFile.String.
var skipNouns = map[SkipReason][2]string{
	SkipTotal:         {"total row", "total rows"},
	SkipNotApplicable: {"row of a patch that does not apply", "rows of patches that do not apply"},
	SkipNoTable:       {"row of a patch with no table", "rows of patches with no table"},
}

// Lines is a list of 1-based line numbers in ascending order.
type Lines []int

// String returns the lines with runs of consecutive ones as ranges, e.g.
// "2–7, 9, 11–12" (an en dash joins a range); "" for none.
func (l Lines) String() string {
	var b strings.Builder
	for i := 0; i < len(l); {
		j := i
		for j+1 < len(l) && l[j+1] == l[j]+1 {
			j++
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(l[i]))
		if j > i {
			b.WriteString("–")
			b.WriteString(strconv.Itoa(l[j]))
		}
		i = j + 1
	}
	return b.String()
}

// phrase returns "line 8" or "lines 2–7, 9".
func (l Lines) phrase() string {
	if len(l) == 1 {
		return "line " + l.String()
	}
	return "lines " + l.String()
}

// LoadObservationFile reads the observations file at path, such as a
// site's own measured rollouts (see ReadObservationFile), and names the
// file in the result and in each observation. Errors about its content are
// *CatalogError values that name the file and line; errors opening or
// reading it are the operating system's.
func LoadObservationFile(path string) (*ObservationFile, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	f, err := ReadObservationFile(fh)
	if err != nil {
		return nil, inFile(err, path)
	}
	f.File = path
	for i := range f.Observations {
		f.Observations[i].File = path
	}
	return f, nil
}

// skipRow reports whether the row at line is one to skip, and why: a
// total or skipped row (the row column), or, in estimate's CSV output
// (a patch column), a patch that is not a KB number. An unknown row
// kind is a *CatalogError.
func skipRow(rec []string, col map[string]int, line int) (Skipped, bool, error) {
	cell := func(name string) string {
		if i, ok := col[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	switch kind := strings.ToLower(cell("row")); kind {
	case "", PartRow:
	case TotalRow:
		return Skipped{Line: line, Reason: SkipTotal}, true, nil
	case SkippedRow:
		return Skipped{Line: line, Reason: SkipNotApplicable, Patch: undefuse(cell("kb"))}, true, nil
	default:
		return Skipped{}, false, &CatalogError{Line: line, Column: "row", Value: cell("row"),
			Err: errors.New("want part, total or skipped (as estimate writes it), or empty")}
	}
	if _, ok := col["patch"]; ok {
		patch := undefuse(cell("patch"))
		if _, err := normalizeKB(patch); err != nil {
			return Skipped{Line: line, Reason: SkipNoTable, Patch: patch}, true, nil
		}
	}
	return Skipped{}, false, nil
}

// undefuse removes the apostrophe that Defuse puts before a text cell a
// spreadsheet would take for a formula, so that such a cell of estimate's
// CSV output reads back as the name it was written from.
func undefuse(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.IndexByte("=+-@\t\r", s[1]) >= 0 {
		return s[1:]
	}
	return s
}

// isKB reports whether s is a KB number.
func isKB(s string) bool {
	_, err := normalizeKB(s)
	return err == nil
}
