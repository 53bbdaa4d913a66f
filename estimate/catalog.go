package estimate

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/patchtime/patchtime/bulletin"
	"golang.org/x/text/encoding/japanese"
)

// MaxHosts is the largest fleet size patchtime accepts: 100,000,000 hosts.
const MaxHosts = 100_000_000

// MaxConsoles is the largest console count patchtime accepts: 100,000
// consoles.
const MaxConsoles = 100_000

// maxCatalogBytes bounds the size of a catalog file: 64 MiB, some 500,000
// rows.
const maxCatalogBytes = 64 << 20

// Source says where an observation comes from.
type Source string

// The sources of observations.
const (
	Published Source = "published" // a HotFix Alert table
	Observed  Source = "observed"  // a rollout measured on site
)

// Columns is the catalog header in its canonical order. ReadCatalog accepts
// the columns in any order and only requires kb, consoles, hosts and
// minutes.
var Columns = []string{"bulletin", "kb", "package", "platform", "console", "consoles",
	"hosts", "minutes", "package_bytes", "severity", "reboot", "source"}

var requiredColumns = []string{"kb", "consoles", "hosts", "minutes"}

// Observation is one row of a catalog: the minutes one rollout of one patch
// package took, or is published to take, on a number of hosts.
type Observation struct {
	Bulletin     string            // bulletin ID, e.g. "MS05-039"; may be empty
	KB           string            // KB number, e.g. "KB899588"
	Package      string            // package file name; may be empty
	Platform     string            // platform as the bulletin prints it; may be empty
	Console      string            // console and version, e.g. "UpdateEXPERT 6.1"; may be empty
	Consoles     int               // consoles working in parallel, ≥ 1
	Hosts        int               // machines patched, 1 to MaxHosts
	Minutes      float64           // wall-clock time of the rollout, minutes, > 0
	PackageBytes int64             // package size in bytes; 0 if unknown
	Severity     bulletin.Severity // 0 if unknown
	Reboot       bulletin.Reboot   // "" if unknown
	Source       Source            // "" if not stated
	Line         int               // line of the catalog file it was read from; 0 if built in code
}

// CatalogError reports a catalog row that cannot be used, with its place.
type CatalogError struct {
	File   string // file name, when known
	Line   int    // 1-based line number; 0 for the file as a whole
	Column string // column name, when one cell is at fault
	Value  string // the cell's text, when one cell is at fault
	Err    error  // what is wrong
}

func (e *CatalogError) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "%s %q: ", e.Column, e.Value)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *CatalogError) Unwrap() error { return e.Err }

//go:embed catalog.csv
var defaultCSV []byte

var defaultCatalog = sync.OnceValues(func() (*Catalog, error) {
	return ReadCatalog(bytes.NewReader(defaultCSV))
})

// Default returns the catalog patchtime ships: every published timing row of
// the HotFix Alert bulletins MS04-020, MS04-029, MS04-035, MS05-039 and
// MS07-065, 40 observations in 10 series. It is read once and shared; a
// Catalog is never modified, so sharing is safe.
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

// LoadCatalog reads the catalog file at path; errors name the file and line.
func LoadCatalog(path string) (*Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := ReadCatalog(f)
	if ce, ok := err.(*CatalogError); ok {
		ce.File = path
	}
	return c, err
}

// ReadCatalog reads a catalog CSV: a header naming the columns (see
// Columns), then one observation per row. The text is UTF-8, with or
// without a byte-order mark, or Shift_JIS as Excel saves it in Japanese.
// The minutes column takes decimal minutes or a Japanese duration such as
// "1時間28分".
//
// Any unusable row is an error: a *CatalogError naming the line, the column
// and the value. Rows published for the same package, platform, console,
// consoles and hosts must not repeat, and the rows of one series must agree
// on its bulletin, package size, severity and reboot.
func ReadCatalog(r io.Reader) (*Catalog, error) {
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
		if err != nil || !utf8.Valid(sjis) || bytes.ContainsRune(sjis, utf8.RuneError) {
			return nil, &CatalogError{Line: invalidUTF8Line(data), Err: errors.New("text is neither UTF-8 nor Shift_JIS")}
		}
		data = sjis
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &CatalogError{Line: 1, Err: errors.New("empty: want a header line " + strings.Join(Columns, ","))}
	}
	if err != nil {
		return nil, csvError(err)
	}
	col, err := readHeader(header)
	if err != nil {
		return nil, err
	}
	var obs []Observation
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		o, err := parseRow(rec, col, line)
		if err != nil {
			return nil, err
		}
		obs = append(obs, o)
	}
	return NewCatalog(obs)
}

// invalidUTF8Line returns the 1-based line of the first byte that is not
// UTF-8.
func invalidUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &CatalogError{Line: pe.Line, Err: pe.Err}
	}
	return err
}

// readHeader maps column names to their index in a row.
func readHeader(header []string) (map[string]int, error) {
	col := make(map[string]int, len(header))
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(Columns, name) {
			msg := "unknown column"
			if s := closest(name, Columns); s != "" {
				msg += " (did you mean " + s + "?)"
			}
			return nil, &CatalogError{Line: 1, Column: "header", Value: h, Err: errors.New(msg + "; the columns are " + strings.Join(Columns, ","))}
		}
		if _, dup := col[name]; dup {
			return nil, &CatalogError{Line: 1, Column: "header", Value: h, Err: errors.New("column appears twice")}
		}
		col[name] = i
	}
	for _, name := range requiredColumns {
		if _, ok := col[name]; !ok {
			return nil, &CatalogError{Line: 1, Err: fmt.Errorf("no %s column; a catalog needs at least %s", name, strings.Join(requiredColumns, ","))}
		}
	}
	return col, nil
}

// parseRow reads one observation; col maps column names to indices.
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
	o := Observation{
		Package:  cell("package"),
		Platform: cell("platform"),
		Console:  cell("console"),
		Source:   Source(cell("source")),
		Line:     line,
	}
	var err error
	if o.Bulletin, err = normalizeBulletin(cell("bulletin")); err != nil {
		return o, bad("bulletin", err)
	}
	if o.KB, err = normalizeKB(cell("kb")); err != nil {
		return o, bad("kb", err)
	}
	if o.Consoles, err = wholeNumber(cell("consoles"), 1, MaxConsoles); err != nil {
		return o, bad("consoles", err)
	}
	if o.Hosts, err = wholeNumber(cell("hosts"), 1, MaxHosts); err != nil {
		return o, bad("hosts", err)
	}
	if o.Minutes, err = parseMinutes(cell("minutes")); err != nil {
		return o, bad("minutes", err)
	}
	if s := cell("package_bytes"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return o, bad("package_bytes", errors.New("want a whole number of bytes, or empty"))
		}
		o.PackageBytes = n
	}
	if o.Severity, err = bulletin.ParseSeverity(cell("severity")); err != nil {
		return o, bad("severity", errors.New("want 1 (緊急), 2 (重要), 3 (警告), 4 (注意) or empty"))
	}
	if o.Reboot, err = bulletin.ParseReboot(cell("reboot")); err != nil {
		return o, bad("reboot", errors.New("want required, conditional, none or empty"))
	}
	switch o.Source {
	case "", Published, Observed:
	default:
		return o, bad("source", errors.New("want published, observed or empty"))
	}
	return o, nil
}

// wholeNumber parses a decimal integer in [lo, hi].
func wholeNumber(s string, lo, hi int) (int, error) {
	if s == "" {
		return 0, errors.New("missing; want a whole number")
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("not a whole number")
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("out of range; want %d to %d", lo, hi)
	}
	return n, nil
}

// parseMinutes reads decimal minutes or a Japanese duration.
func parseMinutes(s string) (float64, error) {
	if s == "" {
		return 0, errors.New("missing; want decimal minutes such as 94 or 93.5")
	}
	m, err := strconv.ParseFloat(s, 64)
	if err != nil {
		d, derr := bulletin.ParseDuration(s)
		if derr != nil {
			return 0, errors.New("want decimal minutes such as 94, or a duration such as 1時間34分")
		}
		m = d.Minutes()
	}
	if math.IsNaN(m) || math.IsInf(m, 0) || m <= 0 || m > 100*366*24*60 {
		return 0, errors.New("want minutes greater than 0 and at most 100 years")
	}
	return m, nil
}
