package estimate

import (
	"encoding/csv"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/patchtime/patchtime/bulletin"
)

var rowColumns = []string{"patch", "bulletin", "platform", "console", "hosts", "consoles",
	"minutes", "low_minutes", "high_minutes", "duration", "extrapolated"}

// RowColumns returns the names of the fields of a Row, in the order
// CSVWriter writes them.
func RowColumns() []string { return slices.Clone(rowColumns) }

// Row is one line of export: one estimate of one curve.
type Row struct {
	Patch        string  // KB number, e.g. "KB899588"
	Bulletin     string  // bulletin ID, e.g. "MS05-039"
	Platform     string  // platform exactly as in the catalog
	Console      string  // console and version
	Hosts        int     // fleet size, hosts
	Consoles     int     // consoles working in parallel
	Minutes      float64 // predicted time, minutes
	LowMinutes   float64 // low end of the prediction interval, minutes
	HighMinutes  float64 // high end of the prediction interval, minutes; +Inf when unbounded
	Duration     string  // Minutes in the UpdateEXPERT style, e.g. "3時間32分"
	Extrapolated bool    // the per-console fleet lies outside the data
}

// NewRow makes the export row of estimate e of curve c.
func NewRow(c *Curve, e Estimate) Row {
	s := c.series
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
	}
}

// CSVWriter writes rows as RFC 4180 CSV with a header line of RowColumns.
// Minutes are decimal numbers with two decimals, so a spreadsheet computes
// with them; an unbounded high end is an empty cell.
type CSVWriter struct {
	w      *csv.Writer
	rec    []string
	header bool
}

// NewCSVWriter returns a writer of rows to w. Call Flush when done.
func NewCSVWriter(w io.Writer) *CSVWriter {
	return &CSVWriter{w: csv.NewWriter(w), rec: make([]string, len(rowColumns))}
}

// Write writes r, after the header if r is the first row.
func (w *CSVWriter) Write(r Row) error {
	if err := w.writeHeader(); err != nil {
		return err
	}
	w.rec[0], w.rec[1], w.rec[2], w.rec[3] = r.Patch, r.Bulletin, r.Platform, r.Console
	w.rec[4] = strconv.Itoa(r.Hosts)
	w.rec[5] = strconv.Itoa(r.Consoles)
	w.rec[6] = formatMinutes(r.Minutes)
	w.rec[7] = formatMinutes(r.LowMinutes)
	w.rec[8] = formatMinutes(r.HighMinutes)
	w.rec[9] = r.Duration
	w.rec[10] = strconv.FormatBool(r.Extrapolated)
	return w.w.Write(w.rec)
}

// Flush writes the header if no row was written, then any buffered data,
// and reports the first error of any Write or Flush.
func (w *CSVWriter) Flush() error {
	if err := w.writeHeader(); err != nil {
		return err
	}
	w.w.Flush()
	return w.w.Error()
}

func (w *CSVWriter) writeHeader() error {
	if w.header {
		return nil
	}
	w.header = true
	return w.w.Write(rowColumns)
}

// formatMinutes writes minutes with two decimals, or "" if infinite.
func formatMinutes(m float64) string {
	if math.IsInf(m, 0) {
		return ""
	}
	return strconv.FormatFloat(m, 'f', 2, 64)
}
