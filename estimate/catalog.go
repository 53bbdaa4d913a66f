package estimate

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/internal/clip"
	"github.com/patchtime/patchtime/internal/suggest"
	"golang.org/x/text/encoding/japanese"
)

// maxCatalogBytes bounds the size of a catalog file: 64 MiB, some 500,000
// rows.
const maxCatalogBytes = 64 << 20

// columns is the catalog header in its canonical order.
var columns = []string{"bulletin", "kb", "package", "platform", "console", "consoles",
	"hosts", "minutes", "package_bytes", "severity", "reboot", "source"}

var requiredColumns = []string{"kb", "consoles", "hosts", "minutes"}

// CatalogColumns returns the catalog header in its canonical order.
// ReadCatalog accepts the columns in any order and requires only kb,
// consoles, hosts and minutes.
func CatalogColumns() []string { return slices.Clone(columns) }

// CatalogError reports a catalog row that cannot be used, with its place.
type CatalogError struct {
	File   string // file name, when known
	Line   int    // 1-based line number; 0 for the file as a whole
	Column string // column name, when one cell is at fault
	Value  string // the cell's text, when one cell is at fault
	Err    error  // what is wrong
}

// Error returns the message: the place ("file:line: ", "file: " or
// "line N: "), the column and its value, and what is wrong, e.g.
// `c.csv:7: hosts "12x": not a whole number`. The value is quoted and cut
// as clip.Quote does, and the file name escaped, so that a 10 MB cell or
// a terminal escape in a file name gives one short, harmless line.
func (e *CatalogError) Error() string {
	var b strings.Builder
	file := clip.Path(e.File)
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", file, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", file)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Column, clip.Quote(e.Value))
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("invalid")
	}
	return b.String()
}

// Unwrap returns e.Err.
func (e *CatalogError) Unwrap() error { return e.Err }

// maxListed is how many names a message lists before "and N more".
const maxListed = 5

// listNames joins names with ", " for a message: all of them when there
// are at most maxListed+1, else the first maxListed and "and N more". Each
// name is cut after clip.MaxRunes characters and escaped (see clip.Escape),
// so that a list read from a file of 100,000 series stays one short line.
func listNames(names []string) string {
	n := len(names)
	if n > maxListed+1 {
		n = maxListed
	}
	var b strings.Builder
	for i, name := range names[:n] {
		if i > 0 {
			b.WriteString(", ")
		}
		cut, all := clip.Cut(name, clip.MaxRunes)
		b.WriteString(clip.Escape(cut))
		if !all {
			b.WriteString("…")
		}
	}
	if n < len(names) {
		fmt.Fprintf(&b, " and %d more", len(names)-n)
	}
	return b.String()
}

//go:embed catalog.csv
var defaultCSV []byte

var defaultCatalog = sync.OnceValues(func() (*Catalog, error) {
	return ReadCatalog(bytes.NewReader(defaultCSV))
})

// Default returns the catalog patchtime ships: every published timing row of
// the HotFix Alert bulletins MS04-020, MS04-029, MS04-035, MS05-039 and
// MS07-065, 40 observations in 10 series. It is read once and shared; a
// Catalog cannot be modified, so sharing is safe.
func Default() *Catalog {
	c, err := defaultCatalog()
	if err != nil {
		panic("estimate: embedded catalog is broken: " + err.Error())
	}
	return c
}

// DefaultCSV returns the text of the embedded catalog, for those who want
// to start their own from it.
func DefaultCSV() []byte { return bytes.Clone(defaultCSV) }

// LoadCatalog reads the catalog file at path (see ReadCatalog). Errors
// about its content are *CatalogError values that name the file and line;
// errors opening or reading it are the operating system's.
func LoadCatalog(path string) (*Catalog, error) {
	obs, err := LoadObservations(path)
	if err != nil {
		return nil, err
	}
	c, err := NewCatalog(obs)
	if err != nil {
		return nil, err
	}
	c.file = path
	return c, nil
}

// LoadObservations reads the observations in the catalog file at path
// (see ReadObservations), such as a site's own measured rollouts: it is
// LoadObservationFile without the account of the rows skipped. Errors
// about its content are *CatalogError values that name the file and line;
// errors opening or reading it are the operating system's.
func LoadObservations(path string) ([]Observation, error) {
	f, err := LoadObservationFile(path)
	if err != nil {
		return nil, err
	}
	return f.Observations, nil
}

// inFile names the file in a *CatalogError.
func inFile(err error, path string) error {
	var ce *CatalogError
	if errors.As(err, &ce) && ce.File == "" {
		ce.File = path
	}
	return err
}

// ReadCatalog reads a catalog CSV (see ReadObservations) and builds the
// catalog (see NewCatalog).
func ReadCatalog(r io.Reader) (*Catalog, error) {
	obs, err := ReadObservations(r)
	if err != nil {
		return nil, err
	}
	return NewCatalog(obs)
}

// ReadObservations reads a catalog CSV and returns its observations: it is
// ReadObservationFile without the account of the rows skipped, which are
// left out silently.
func ReadObservations(r io.Reader) ([]Observation, error) {
	f, err := ReadObservationFile(r)
	if err != nil {
		return nil, err
	}
	return f.Observations, nil
}

// ReadObservationFile reads a catalog CSV: a header naming the columns
// (see CatalogColumns), then one observation per row. The text is UTF-8,
// with or without a byte-order mark, or Shift_JIS as Excel saves it in
// Japanese. The minutes column takes decimal minutes or a Japanese
// duration such as "1時間28分". Without a source column (as in estimate's
// output) every observation gets Source "" (not stated), as with an empty
// source cell.
//
// It reads estimate's own CSV output (see RowColumns) as well, so that a
// site can run the command for the rollouts it is about to make, type the
// minutes each took into the minutes column, and calibrate to the file.
// There the patch column is the KB (a catalog calls it kb; a header with
// both is an error), and the row column says which rows are rollouts:
//
//   - part rows are rollouts: each is one rollout of the row's hosts on
//     its consoles, which took its minutes (with a window, one window's);
//   - total rows (sums over a bundle or mixed fleet) and skipped rows
//     (patches that do not apply) are not, and are skipped (SkipTotal,
//     SkipNotApplicable), their other cells unread;
//   - part rows whose patch is empty or not a KB number, the patches with
//     no table (--setup), have no curve to calibrate against and are
//     skipped (SkipNoTable). A --setup patch named by a KB number reads as
//     that KB, which Catalog.Calibrate refuses if the catalog has no table
//     of it.
//
// The columns that only estimate writes, low_minutes, high_minutes,
// duration, extrapolated, windows, window_minutes, fits and interval_of,
// are recognised and ignored: only minutes is read, so a duration typed
// into the duration column is not. A text cell that the command prefixed
// with an apostrophe (see Defuse) reads without it. The minutes are read
// as they stand: the command's own estimates left in (decimals such as
// 211.91) cannot be told from observed times and would calibrate to the
// published curves, so replace every part row's minutes with the time
// observed and delete the rows not observed.
//
// Any unusable row is an error: a *CatalogError naming the line, the column
// and the value. Nothing is returned with an error.
func ReadObservationFile(r io.Reader) (*ObservationFile, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCatalogBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxCatalogBytes {
		return nil, &CatalogError{Err: fmt.Errorf("larger than %d MiB", maxCatalogBytes>>20)}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		sjis, err := japanese.ShiftJIS.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(sjis, utf8.RuneError) {
			return nil, &CatalogError{Line: invalidUTF8Line(data), Err: errors.New("text is neither UTF-8 nor Shift_JIS")}
		}
		data = sjis
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &CatalogError{Line: 1, Err: errors.New("empty: want a header line " + strings.Join(columns, ","))}
	}
	if err != nil {
		return nil, csvError(err)
	}
	col, err := readHeader(header)
	if err != nil {
		return nil, err
	}
	f := new(ObservationFile)
	_, f.output = col["patch"]
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return f, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if s, skip, err := skipRow(rec, col, line); err != nil {
			return nil, err
		} else if skip {
			f.Skipped = append(f.Skipped, s)
			continue
		}
		o, err := parseRow(rec, col, line)
		if err != nil {
			return nil, err
		}
		f.Observations = append(f.Observations, o)
	}
}

// invalidUTF8Line returns the 1-based line of the first byte that is not
// UTF-8.
func invalidUTF8Line(data []byte) int {
	i := 0
	for i < len(data) {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		i += size
	}
	return 1 + bytes.Count(data[:i], []byte("\n"))
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &CatalogError{Line: pe.Line, Err: pe.Err}
	}
	return err
}

// readHeader maps column names to their index in a row: the catalog's
// columns and those of estimate's CSV output (see ReadObservationFile),
// whose patch column is also mapped as kb.
func readHeader(header []string) (map[string]int, error) {
	col := make(map[string]int, len(header))
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(columns, name) && !slices.Contains(rowColumns, name) {
			msg := "unknown column"
			// A name far longer than any column is no typo of one, and the
			// edit distances of a megabyte cell are not worth computing.
			if len(name) <= 32 {
				if s := suggest.Closest(name, slices.Concat(columns, rowColumns), 2); s != "" {
					msg += " (did you mean " + s + "?)"
				}
			}
			return nil, &CatalogError{Line: 1, Column: "header", Value: h, Err: errors.New(msg + "; the columns are " + strings.Join(columns, ",") + ", or those estimate writes (patch for kb)")}
		}
		if _, dup := col[name]; dup {
			return nil, &CatalogError{Line: 1, Column: "header", Value: h, Err: errors.New("column appears twice")}
		}
		col[name] = i
	}
	if p, ok := col["patch"]; ok {
		if k, both := col["kb"]; both {
			return nil, &CatalogError{Line: 1, Column: "header", Value: header[max(k, p)],
				Err: errors.New("kb and patch both name the KB number (patch is estimate's name for kb); keep one")}
		}
		col["kb"] = p
	}
	for _, name := range requiredColumns {
		if _, ok := col[name]; !ok {
			also := ""
			if name == "kb" {
				also = " (or patch, as estimate writes it)"
			}
			return nil, &CatalogError{Line: 1, Err: fmt.Errorf("no %s column%s; a catalog needs at least %s", name, also, strings.Join(requiredColumns, ","))}
		}
	}
	return col, nil
}

// parseRow reads the cells of one row into an observation and checks it.
func parseRow(rec []string, col map[string]int, line int) (Observation, error) {
	cell := func(name string) string {
		if i, ok := col[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	bad := func(name string, err error) error {
		return &CatalogError{Line: line, Column: name, Value: cell(name), Err: err}
	}
	text := func(name string) string { return undefuse(cell(name)) } // as written before Defuse
	o := Observation{
		Bulletin: text("bulletin"),
		KB:       text("kb"),
		Package:  text("package"),
		Platform: text("platform"),
		Console:  text("console"),
		Source:   Source(cell("source")),
		Line:     line,
	}
	var err error
	if o.Consoles, err = wholeNumber(cell("consoles")); err != nil {
		return o, bad("consoles", err)
	}
	if o.Hosts, err = wholeNumber(cell("hosts")); err != nil {
		return o, bad("hosts", err)
	}
	if o.Minutes, err = parseMinutes(cell("minutes")); err != nil {
		return o, bad("minutes", err)
	}
	if s := cell("package_bytes"); s != "" {
		if o.PackageBytes, err = strconv.ParseInt(s, 10, 64); err != nil {
			return o, bad("package_bytes", errors.New("want a whole number of bytes, or empty"))
		}
	}
	if s := cell("severity"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return o, bad("severity", errors.New("want 1 (緊急), 2 (重要), 3 (警告), 4 (注意) or empty"))
		}
		o.Severity = bulletin.Severity(n)
	}
	o.Reboot = bulletin.Reboot(cell("reboot"))
	return o, o.check()
}

// wholeNumber parses a decimal integer cell.
func wholeNumber(s string) (int, error) {
	if s == "" {
		return 0, errors.New("missing; want a whole number")
	}
	n, err := strconv.Atoi(s)
	if errors.Is(err, strconv.ErrRange) {
		return 0, errors.New("out of range")
	}
	if err != nil {
		return 0, errors.New("not a whole number")
	}
	return n, nil
}

var decimal = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$`) })

// parseMinutes reads decimal minutes or a Japanese duration.
func parseMinutes(s string) (float64, error) {
	if s == "" {
		return 0, errors.New("missing; want decimal minutes such as 94 or 93.5")
	}
	if decimal().MatchString(s) {
		return strconv.ParseFloat(s, 64)
	}
	if strings.HasPrefix(s, "-") && decimal().MatchString(s[1:]) {
		return 0, errors.New("negative; want minutes greater than 0")
	}
	d, err := bulletin.ParseDuration(s)
	if err != nil {
		return 0, errors.New("want decimal minutes such as 94, or a duration such as 1時間34分")
	}
	return d.Minutes(), nil
}
