package estimate

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/patchtime/patchtime/bulletin"
)

var rowColumns = []string{"patch", "bulletin", "platform", "console", "hosts", "consoles",
	"minutes", "low_minutes", "high_minutes", "duration", "extrapolated",
	"row", "windows", "window_minutes", "fits", "interval_of"}

// Kinds of Row.
const (
	PartRow    = "part"    // one patch on one platform
	TotalRow   = "total"   // the sum of a rollout's parts: a bundle, a mixed fleet
	SkippedRow = "skipped" // a patch of a bundle that does not apply to a platform of the fleet: no numbers
)

// RowColumns returns the names of the fields of a Row, in the order the
// writers write them: the CSV header and the JSON keys.
func RowColumns() []string { return slices.Clone(rowColumns) }

// Row is one line of export: one estimate of one curve.
type Row struct {
	Patch        string  // KB number, e.g. "KB899588"; for a patch with no table its name, or empty
	Bulletin     string  // bulletin ID, e.g. "MS05-039"
	Platform     string  // platform exactly as in the catalog
	Console      string  // console and version
	Hosts        int     // fleet size, hosts
	Consoles     int     // consoles working in parallel
	Minutes      float64 // predicted time, minutes
	LowMinutes   float64 // low end of the prediction interval, minutes
	HighMinutes  float64 // high end of the prediction interval, minutes; +Inf when unbounded
	Duration     string  // Minutes in the UpdateEXPERT style, e.g. "3時間32分"
	Extrapolated bool    // the per-console work lies outside the data behind the curve

	Kind string // PartRow, TotalRow or SkippedRow; "" is PartRow

	// IntervalOf says what the prediction interval is about (see
	// Curve.Reference): "lab", a rollout under the bulletin's conditions,
	// or "site", the site's next rollout; "" for totals and skipped rows.
	IntervalOf string

	// With a maintenance window, its answer for the rollout the row is of
	// (every row of the rollout carries it): the windows the fleet is split
	// into (each holding Hosts), the window's length, and whether the plan
	// fits it. Windows is 0 without a window.
	Windows       int
	WindowMinutes float64
	Fits          bool
}

// NewRow makes the export row of estimate e of curve c.
func NewRow(c *Curve, e Estimate) Row {
	s := c.Series() // none for a nil curve
	return Row{
		Patch:        s.KB,
		Bulletin:     s.Bulletin,
		Platform:     s.Platform,
		Console:      s.Console,
		Hosts:        e.Hosts,
		Consoles:     e.Consoles,
		Minutes:      e.Minutes,
		LowMinutes:   e.Low,
		HighMinutes:  e.High,
		Duration:     bulletin.FormatDuration(e.Duration()),
		Extrapolated: e.Extrapolated,
		Kind:         PartRow,
		IntervalOf:   c.Reference().String(),
	}
}

// MarshalJSON encodes r as JSONWriter writes it: an object keyed by
// RowColumns, minutes with two decimals, an unbounded top (and the window
// keys without a window, the numbers of a skipped row) as null.
func (r Row) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	w := NewJSONWriter(&b)
	if err := w.Write(r); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	out := bytes.TrimSpace(b.Bytes())
	out = bytes.TrimPrefix(out, []byte("["))
	out = bytes.TrimSuffix(out, []byte("]"))
	return bytes.TrimSpace(out), nil
}

// errClosed is returned by a write after Close.
var errClosed = errors.New("estimate: write after Close")

// errZeroWriter is returned by a writer not made by its constructor.
var errZeroWriter = errors.New("estimate: the zero writer has nowhere to write; make one with NewCSVWriter or NewJSONWriter")

// errKind is returned for a Row whose Kind is none of PartRow, TotalRow,
// SkippedRow.
var errKind = errors.New("estimate: a row's Kind is part, total or skipped")

// ready reports why the writer cannot take a row of kind k: it is the zero
// writer, the row's kind is unknown, or c is nil where a curve is needed.
func (w *rowWriter) ready(kind string) error {
	switch {
	case w.w == nil:
		return errZeroWriter
	case kind != "" && kind != PartRow && kind != TotalRow && kind != SkippedRow:
		return errKind
	}
	return nil
}

// rowWriter holds what the CSV and JSON writers share: the buffered
// output, the first error, and the encoded text cells of the last series,
// which repeat from row to row of a sweep.
type rowWriter struct {
	w      *bufio.Writer
	buf    []byte
	err    error
	closed bool
	key    [4]string // patch, bulletin, platform, console of the cached cells
	curve  *Curve    // the curve they are of, when written by WriteEstimate
	ref    string    // what that curve's intervals are about: "lab" or "site"
	cells  []byte    // those four cells, encoded, with their separators
	encode func(cells [4]string) []byte
}

// textCells returns the encoded text cells of a row; c, if not nil, is the
// curve they are of, which makes the cache check a pointer comparison.
func (w *rowWriter) textCells(c *Curve, patch, bulletin, platform, console string) []byte {
	if c != nil && c == w.curve {
		return w.cells
	}
	k := [4]string{patch, bulletin, platform, console}
	if w.cells == nil || k != w.key {
		w.key, w.cells = k, w.encode(k)
	}
	w.curve = c
	if c != nil {
		w.ref = c.Reference().String()
	}
	return w.cells
}

// rowBuffer returns an empty buffer to build a row in: the free end of the
// output buffer, so that writing the row copies nothing.
func (w *rowWriter) rowBuffer() []byte {
	if w.w.Available() < 512 {
		w.w.Flush()
	}
	return w.w.AvailableBuffer()
}

func (w *rowWriter) flushRow() error {
	if w.err == nil && w.closed {
		w.err = errClosed
	}
	if w.err == nil {
		_, w.err = w.w.Write(w.buf)
	}
	return w.err
}

// appendMinutes writes minutes with two decimals, or nothing if infinite
// or NaN.
func appendMinutes(b []byte, m float64) []byte {
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return b
	}
	return strconv.AppendFloat(b, m, 'f', 2, 64)
}

// CSVWriter writes rows as CSV through encoding/csv: RFC 4180's quoting,
// but lines end in LF ("\n"), not RFC 4180's CRLF, as encoding/csv writes
// them; spreadsheets read both. It starts with a header line of
// RowColumns. Minutes are decimal numbers with two decimals,
// so a spreadsheet computes with them; an unbounded high end is an empty
// cell. Text cells that a spreadsheet would take for a formula (starting
// with =, +, -, @, a tab or a carriage return) get a leading apostrophe;
// numbers are never touched.
type CSVWriter struct {
	// BOM makes the output start with a UTF-8 byte-order mark, so that
	// Excel in Japanese reads it as UTF-8. Set it before the first Write.
	BOM bool

	rowWriter
	header bool
}

// NewCSVWriter returns a writer of rows to w. Call Close when done. (The
// zero CSVWriter has nowhere to write: make one with NewCSVWriter.)
func NewCSVWriter(w io.Writer) *CSVWriter {
	return &CSVWriter{rowWriter: rowWriter{w: bufio.NewWriterSize(w, 64<<10), encode: csvCells}}
}

// csvCells encodes text cells through encoding/csv, each protected from
// formula injection, and ends them with the separator.
func csvCells(cells [4]string) []byte {
	return append(csvRecord(cells[:]...), ',')
}

// csvRecord encodes text cells, each protected from formula injection, as
// one CSV record through encoding/csv, without its line end.
func csvRecord(cells ...string) []byte {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	rec := make([]string, len(cells))
	for i, c := range cells {
		rec[i] = Defuse(c)
	}
	cw.Write(rec)
	cw.Flush()
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// Defuse returns s with a leading apostrophe if a spreadsheet would read it
// as a formula: if it starts with =, +, -, @, a tab or a carriage return.
// Spreadsheets show the text as written.
func Defuse(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

func (w *CSVWriter) start() error {
	if w.header {
		return w.err
	}
	w.header = true
	if w.BOM {
		w.w.WriteString("\uFEFF")
	}
	cw := csv.NewWriter(w.w)
	if err := cw.Write(rowColumns); err != nil {
		w.err = err
	}
	cw.Flush()
	return w.err
}

// Write writes r, after the header if r is the first row.
func (w *CSVWriter) Write(r Row) error {
	if err := w.ready(r.Kind); err != nil {
		return err
	}
	if err := w.start(); err != nil {
		return err
	}
	if r.Kind == SkippedRow {
		w.buf = append(w.rowBuffer(), w.textCells(nil, r.Patch, r.Bulletin, r.Platform, r.Console)...)
		if r.Hosts > 0 {
			w.buf = strconv.AppendInt(w.buf, int64(r.Hosts), 10)
		}
		w.buf = append(w.buf, ",,,,,,,"+SkippedRow+",,,,\n"...)
		return w.flushRow()
	}
	w.buf = w.row(nil, r.Patch, r.Bulletin, r.Platform, r.Console, r.Hosts, r.Consoles, r.Minutes, r.LowMinutes, r.HighMinutes)
	if plainDuration(r.Duration) {
		w.buf = append(w.buf, r.Duration...)
	} else {
		w.buf = append(w.buf, csvRecord(r.Duration)...)
	}
	w.buf = append(w.buf, ',')
	w.buf = strconv.AppendBool(w.buf, r.Extrapolated)
	w.buf = append(w.buf, ',')
	w.buf = append(w.buf, kindOf(r)...)
	if r.Windows > 0 {
		w.buf = append(w.buf, ',')
		w.buf = strconv.AppendInt(w.buf, int64(r.Windows), 10)
		w.buf = append(w.buf, ',')
		w.buf = appendMinutes(w.buf, r.WindowMinutes)
		w.buf = append(w.buf, ',')
		w.buf = strconv.AppendBool(w.buf, r.Fits)
	} else {
		w.buf = append(w.buf, ",,,"...)
	}
	w.buf = append(w.buf, ',')
	w.buf = append(w.buf, refOf(r.IntervalOf)...)
	w.buf = append(w.buf, '\n')
	return w.flushRow()
}

// refOf is an IntervalOf value as written: "lab", "site" or nothing.
func refOf(s string) string {
	if s == "lab" || s == "site" {
		return s
	}
	return ""
}

// kindOf is r's kind, PartRow when not set.
func kindOf(r Row) string {
	if r.Kind == "" {
		return PartRow
	}
	return r.Kind
}

// WriteEstimate writes the row of estimate e of curve c, as
// Write(NewRow(c, e)) would, without building the row.
func (w *CSVWriter) WriteEstimate(c *Curve, e Estimate) error {
	if !c.ok() {
		return errNotCurve
	}
	if err := w.ready(""); err != nil {
		return err
	}
	if err := w.start(); err != nil {
		return err
	}
	s := &c.series
	w.buf = w.row(c, s.KB, s.Bulletin, s.Platform, s.Console, e.Hosts, e.Consoles, e.Minutes, e.Low, e.High)
	w.buf = bulletin.AppendDuration(w.buf, e.Duration())
	if e.Extrapolated {
		w.buf = append(w.buf, ",true,"+PartRow+",,,,"...)
	} else {
		w.buf = append(w.buf, ",false,"+PartRow+",,,,"...)
	}
	w.buf = append(w.buf, w.ref...)
	w.buf = append(w.buf, '\n')
	return w.flushRow()
}

// row starts a row: the text cells and the numbers, up to the duration.
func (w *CSVWriter) row(c *Curve, patch, bul, platform, console string, hosts, consoles int, m, lo, hi float64) []byte {
	b := append(w.rowBuffer(), w.textCells(c, patch, bul, platform, console)...)
	b = strconv.AppendInt(b, int64(hosts), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(consoles), 10)
	b = append(b, ',')
	b = appendMinutes(b, m)
	b = append(b, ',')
	b = appendMinutes(b, lo)
	b = append(b, ',')
	b = appendMinutes(b, hi)
	return append(b, ',')
}

// plainDuration reports whether a duration cell needs no quoting and no
// defusing: digits, 時間 and 分 only, as FormatDuration writes them.
func plainDuration(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '時' || r == '間' || r == '分') {
			return false
		}
	}
	return true
}

// Close writes the header if no row was written, then everything
// buffered, and reports the first error of any Write or of the output. It
// does not close the underlying writer.
func (w *CSVWriter) Close() error {
	if w.w == nil {
		return errZeroWriter
	}
	w.start()
	w.closed = true
	if w.err == nil {
		w.err = w.w.Flush()
	}
	return w.err
}

// JSONWriter writes rows as a JSON array of objects whose keys are
// RowColumns: minutes as numbers with two decimals; an unbounded high end,
// or a number that is not one, as null.
//
//	[
//	{"patch":"KB899588","bulletin":"MS05-039","platform":"Windows XP SP1/SP1a/SP2","console":"UpdateEXPERT 6.1","hosts":1200,"consoles":1,"minutes":211.91,"low_minutes":208.10,"high_minutes":215.71,"duration":"3時間32分","extrapolated":true,"row":"part","windows":null,"window_minutes":null,"fits":null,"interval_of":"lab"}
//	]
type JSONWriter struct {
	rowWriter
	rows int
}

// NewJSONWriter returns a writer of rows to w. Call Close when done: it
// closes the array. (The zero JSONWriter has nowhere to write: make one
// with NewJSONWriter.)
func NewJSONWriter(w io.Writer) *JSONWriter {
	return &JSONWriter{rowWriter: rowWriter{w: bufio.NewWriterSize(w, 64<<10), encode: jsonCells}}
}

// jsonCells encodes the text members of a row object through
// encoding/json.
func jsonCells(cells [4]string) []byte {
	b := []byte("{")
	for i, c := range cells {
		q, _ := json.Marshal(c) // a string always marshals
		b = append(b, '"')
		b = append(b, rowColumns[i]...)
		b = append(b, '"', ':')
		b = append(b, q...)
		b = append(b, ',')
	}
	return b
}

// Write writes r as the next object of the array.
func (w *JSONWriter) Write(r Row) error {
	if err := w.ready(r.Kind); err != nil {
		return err
	}
	if r.Kind == SkippedRow {
		nan := math.NaN()
		w.buf = w.row(nil, r.Patch, r.Bulletin, r.Platform, r.Console, r.Hosts, 0, nan, nan, nan)
		w.buf = append(w.buf, `null,"extrapolated":null,"row":"`+SkippedRow+`","windows":null,"window_minutes":null,"fits":null,"interval_of":null}`...)
		w.rows++
		return w.flushRow()
	}
	w.buf = w.row(nil, r.Patch, r.Bulletin, r.Platform, r.Console, r.Hosts, r.Consoles, r.Minutes, r.LowMinutes, r.HighMinutes)
	q, _ := json.Marshal(r.Duration)
	w.buf = append(w.buf, q...)
	w.buf = append(w.buf, `,"extrapolated":`...)
	w.buf = strconv.AppendBool(w.buf, r.Extrapolated)
	w.buf = append(w.buf, `,"row":"`...)
	w.buf = append(w.buf, kindOf(r)...)
	if r.Windows > 0 {
		w.buf = append(w.buf, `","windows":`...)
		w.buf = strconv.AppendInt(w.buf, int64(r.Windows), 10)
		w.buf = append(w.buf, `,"window_minutes":`...)
		w.buf = appendMinutes(w.buf, r.WindowMinutes)
		w.buf = append(w.buf, `,"fits":`...)
		w.buf = strconv.AppendBool(w.buf, r.Fits)
	} else {
		w.buf = append(w.buf, `","windows":null,"window_minutes":null,"fits":null`...)
	}
	w.buf = appendJSONRef(w.buf, refOf(r.IntervalOf))
	w.rows++
	return w.flushRow()
}

// WriteEstimate writes the row of estimate e of curve c, as
// Write(NewRow(c, e)) would, without building the row.
func (w *JSONWriter) WriteEstimate(c *Curve, e Estimate) error {
	if !c.ok() {
		return errNotCurve
	}
	if err := w.ready(""); err != nil {
		return err
	}
	s := &c.series
	w.buf = w.row(c, s.KB, s.Bulletin, s.Platform, s.Console, e.Hosts, e.Consoles, e.Minutes, e.Low, e.High)
	w.buf = append(w.buf, '"')
	w.buf = bulletin.AppendDuration(w.buf, e.Duration())
	w.buf = append(w.buf, '"')
	return w.end(e.Extrapolated)
}

func (w *JSONWriter) row(c *Curve, patch, bul, platform, console string, hosts, consoles int, m, lo, hi float64) []byte {
	b := w.rowBuffer()
	if w.rows == 0 {
		b = append(b, "[\n"...)
	} else {
		b = append(b, ",\n"...)
	}
	b = append(b, w.textCells(c, patch, bul, platform, console)...)
	b = append(b, `"hosts":`...)
	if hosts > 0 {
		b = strconv.AppendInt(b, int64(hosts), 10)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"consoles":`...)
	if consoles > 0 {
		b = strconv.AppendInt(b, int64(consoles), 10)
	} else {
		b = append(b, "null"...)
	}
	for i, v := range []float64{m, lo, hi} {
		b = append(b, ',', '"')
		b = append(b, rowColumns[6+i]...)
		b = append(b, '"', ':')
		if math.IsInf(v, 0) || math.IsNaN(v) {
			b = append(b, "null"...)
		} else {
			b = appendMinutes(b, v)
		}
	}
	return append(b, `,"duration":`...)
}

// appendJSONRef ends a row object with its interval_of member.
func appendJSONRef(b []byte, ref string) []byte {
	if ref == "" {
		return append(b, `,"interval_of":null}`...)
	}
	return append(append(append(b, `,"interval_of":"`...), ref...), `"}`...)
}

func (w *JSONWriter) end(extrapolated bool) error {
	if extrapolated {
		w.buf = append(w.buf, `,"extrapolated":true,"row":"`+PartRow+`","windows":null,"window_minutes":null,"fits":null`...)
	} else {
		w.buf = append(w.buf, `,"extrapolated":false,"row":"`+PartRow+`","windows":null,"window_minutes":null,"fits":null`...)
	}
	w.buf = appendJSONRef(w.buf, w.ref)
	w.rows++
	return w.flushRow()
}

// Close ends the array ("[]" if no row was written), writes everything
// buffered and reports the first error. It does not close the underlying
// writer.
func (w *JSONWriter) Close() error {
	if w.w == nil {
		return errZeroWriter
	}
	if w.err == nil && !w.closed {
		if w.rows == 0 {
			w.w.WriteString("[")
		}
		w.w.WriteString("\n]\n")
		w.err = w.w.Flush()
	}
	w.closed = true
	return w.err
}

// jsonMinutes is m for encoding/json: nil (null) when infinite or NaN.
func jsonMinutes(m float64) *float64 {
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return nil
	}
	return &m
}

// spanJSON is a Span as JSON: minutes, and null for an unbounded top.
type spanJSON struct {
	Minutes      *float64 `json:"minutes"`
	Low          *float64 `json:"low_minutes"`
	High         *float64 `json:"high_minutes"`
	Level        float64  `json:"level"`
	Extrapolated bool     `json:"extrapolated"`
}

func (s Span) json() spanJSON {
	return spanJSON{jsonMinutes(s.Minutes), jsonMinutes(s.Low), jsonMinutes(s.High), s.Level, s.Extrapolated}
}

// scenarioJSON is a Scenario as JSON.
type scenarioJSON struct {
	Hosts      int     `json:"hosts"`
	Consoles   int     `json:"consoles"`
	Contention float64 `json:"contention"`
	Coherency  float64 `json:"coherency"`
}

// MarshalJSON encodes the estimate as one object: hosts, consoles, σ, κ,
// minutes, the interval (an unbounded top as null), level, extrapolated.
func (e Estimate) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		scenarioJSON
		spanJSON
	}{scenarioJSON{e.Hosts, e.Consoles, e.Contention, e.Coherency}, e.Span.json()})
}

// MarshalJSON encodes the plan as one object: consoles, windows, the
// jobs' estimates, and the total's minutes and interval (an unbounded top
// as null).
func (p Plan) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Consoles int        `json:"consoles"`
		Windows  int        `json:"windows"`
		Jobs     []Estimate `json:"jobs"`
		spanJSON
	}{p.Consoles, p.Windows, p.Jobs, p.Span.json()})
}

// MarshalJSON encodes the curve as what names it and its line: the
// series, setup and per-host time, minutes (null for a nil curve).
func (c *Curve) MarshalJSON() ([]byte, error) {
	if !c.ok() {
		return []byte("null"), nil
	}
	s := c.series
	return json.Marshal(struct {
		Patch    string  `json:"patch"`
		Bulletin string  `json:"bulletin"`
		Platform string  `json:"platform"`
		Console  string  `json:"console"`
		Setup    float64 `json:"setup_minutes"`
		PerHost  float64 `json:"per_host_minutes"`
	}{s.KB, s.Bulletin, s.Platform, s.Console, c.Setup(), c.PerHost()})
}
