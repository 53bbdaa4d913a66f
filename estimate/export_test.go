package estimate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

// sweep returns estimates of KB899588 on XP for a few scenarios.
func sweep(t *testing.T) (*Curve, []Estimate) {
	c := curve(t, "KB899588", "XP")
	var es []Estimate
	for _, s := range []Scenario{{Hosts: 50}, {Hosts: 1200}, {Hosts: 1200, Scaling: Scaling{Consoles: 3}}, {Hosts: 99999, Scaling: Scaling{Consoles: 7, Contention: 0.1}}} {
		e, err := c.Estimate(s)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	return c, es
}

// TestCSVRoundTrip reads the CSV back with encoding/csv and checks every
// cell against the estimate it came from.
func TestCSVRoundTrip(t *testing.T) {
	c, es := sweep(t)
	var fast, slow bytes.Buffer
	fw, sw := NewCSVWriter(&fast), NewCSVWriter(&slow)
	for _, e := range es {
		if err := fw.WriteEstimate(c, e); err != nil {
			t.Fatal(err)
		}
		if err := sw.Write(NewRow(c, e)); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	sw.Close()
	if fast.String() != slow.String() {
		t.Errorf("WriteEstimate and Write(NewRow) differ:\n%s\n%s", fast.String(), slow.String())
	}
	recs, err := csv.NewReader(&fast).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(RowColumns(), ",") || len(recs) != len(es)+1 {
		t.Fatalf("header %v, %d records", recs[0], len(recs))
	}
	for i, e := range es {
		r := recs[i+1]
		num := func(j int) float64 { v, _ := strconv.ParseFloat(r[j], 64); return v }
		if r[0] != "KB899588" || r[2] != "Windows XP SP1/SP1a/SP2" || r[4] != strconv.Itoa(e.Hosts) || r[5] != strconv.Itoa(e.Consoles) ||
			math.Abs(num(6)-e.Minutes) > 0.005 || math.Abs(num(7)-e.Low) > 0.005 || math.Abs(num(8)-e.High) > 0.005 ||
			r[10] != strconv.FormatBool(e.Extrapolated) {
			t.Errorf("record %v for %+v", r, e)
		}
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	var b bytes.Buffer
	w := NewCSVWriter(&b)
	w.BOM = true
	w.Write(Row{Patch: "KB1", Bulletin: "@x", Platform: `=HYPERLINK("http://example.invalid")`, Console: "+1", Hosts: 5, Consoles: 1,
		Minutes: 1, LowMinutes: 0.5, HighMinutes: math.Inf(1), Duration: "-1分", Extrapolated: true})
	w.Write(Row{Patch: "KB1", Bulletin: "MS06-001", Platform: "a, \"b\"\nc", Console: "\tx", Hosts: 5, Consoles: 1, Duration: "3時間"})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "\uFEFFpatch,") {
		t.Errorf("no BOM: %q", out[:10])
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"KB1", "'@x", `'=HYPERLINK("http://example.invalid")`, "'+1", "5", "1", "1.00", "0.50", "", "'-1分", "true", "part", "", "", "", ""},
		{"KB1", "MS06-001", "a, \"b\"\nc", "'\tx", "5", "1", "0.00", "0.00", "0.00", "3時間", "false", "part", "", "", "", ""},
	}
	for i, w := range want {
		if strings.Join(recs[i+1], "|") != strings.Join(w, "|") {
			t.Errorf("record %d = %q, want %q", i+1, recs[i+1], w)
		}
	}
}

func TestJSON(t *testing.T) {
	c, es := sweep(t)
	var b bytes.Buffer
	w := NewJSONWriter(&b)
	for _, e := range es {
		w.WriteEstimate(c, e)
	}
	w.Write(Row{Patch: "KB1", Platform: "\"quoted\" \\ <tag>", HighMinutes: math.Inf(1), Duration: "1時間"})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b.Bytes(), &rows); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	if len(rows) != len(es)+1 {
		t.Fatalf("%d objects, want %d", len(rows), len(es)+1)
	}
	for i, e := range es {
		r := rows[i]
		if len(r) != len(RowColumns()) || r["patch"] != "KB899588" || r["hosts"] != float64(e.Hosts) || r["consoles"] != float64(e.Consoles) ||
			math.Abs(r["minutes"].(float64)-e.Minutes) > 0.005 || math.Abs(r["high_minutes"].(float64)-e.High) > 0.005 ||
			r["extrapolated"] != e.Extrapolated || r["duration"] == "" {
			t.Errorf("object %v for %+v", r, e)
		}
	}
	last := rows[len(es)]
	if last["platform"] != "\"quoted\" \\ <tag>" || last["high_minutes"] != nil {
		t.Errorf("last object %v: want the platform back and a null high end", last)
	}
	var empty bytes.Buffer
	NewJSONWriter(&empty).Close()
	if strings.TrimSpace(empty.String()) != "[\n]" {
		t.Errorf("no rows: %q, want an empty array", empty.String())
	}
}

func TestWriteAfterClose(t *testing.T) {
	var b bytes.Buffer
	w := NewCSVWriter(&b)
	w.Close()
	if b.String() != strings.Join(RowColumns(), ",")+"\n" {
		t.Errorf("no rows: %q, want the header alone", b.String())
	}
	if err := w.Write(Row{}); !errors.Is(err, errClosed) {
		t.Errorf("Write after Close: %v", err)
	}
}

// failing fails every write, like a full disk.
type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorsReported(t *testing.T) {
	c, es := sweep(t)
	w := NewCSVWriter(failing{})
	for i := 0; i < 2000; i++ { // more than the buffer holds
		w.WriteEstimate(c, es[0])
	}
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close = %v, want the write error", err)
	}
}

// TestRowKinds: totals, window answers and skipped pairs in CSV and JSON,
// read back with encoding/csv and encoding/json; json.Marshal of a Row
// with an unbounded top gives null.
func TestRowKinds(t *testing.T) {
	rows := []Row{
		{Patch: "KB1", Platform: "XP", Console: "c", Hosts: 300, Consoles: 2, Minutes: 60, LowMinutes: 55, HighMinutes: 65, Duration: "1時間", Kind: PartRow, Windows: 2, WindowMinutes: 120, Fits: true, IntervalOf: "site"},
		{Hosts: 300, Consoles: 2, Minutes: 100, LowMinutes: 90, HighMinutes: math.Inf(1), Duration: "1時間40分", Kind: TotalRow, Windows: 2, WindowMinutes: 120, Fits: true},
		{Patch: "KB2", Platform: "2003", Hosts: 150, Kind: SkippedRow},
	}
	var c, j bytes.Buffer
	cw, jw := NewCSVWriter(&c), NewJSONWriter(&j)
	for _, r := range rows {
		cw.Write(r)
		jw.Write(r)
	}
	cw.Close()
	jw.Close()
	recs, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"KB1", "", "XP", "c", "300", "2", "60.00", "55.00", "65.00", "1時間", "false", "part", "2", "120.00", "true", "site"},
		{"", "", "", "", "300", "2", "100.00", "90.00", "", "1時間40分", "false", "total", "2", "120.00", "true", ""},
		{"KB2", "", "2003", "", "150", "", "", "", "", "", "", "skipped", "", "", "", ""},
	}
	for i, w := range want {
		if len(recs) <= i+1 || strings.Join(recs[i+1], "|") != strings.Join(w, "|") {
			t.Errorf("CSV record %d = %q, want %q", i+1, recs[i+1], w)
		}
	}
	var objs []map[string]any
	if err := json.Unmarshal(j.Bytes(), &objs); err != nil {
		t.Fatalf("%v in %s", err, j.String())
	}
	if len(objs) != 3 || objs[0]["row"] != "part" || objs[0]["windows"] != 2.0 || objs[0]["fits"] != true || objs[0]["interval_of"] != "site" || objs[1]["interval_of"] != nil ||
		objs[1]["row"] != "total" || objs[1]["high_minutes"] != nil || objs[1]["window_minutes"] != 120.0 ||
		objs[2]["row"] != "skipped" || objs[2]["minutes"] != nil || objs[2]["hosts"] != 150.0 || objs[2]["consoles"] != nil {
		t.Errorf("JSON %s", j.String())
	}
	for _, o := range objs {
		if len(o) != len(RowColumns()) {
			t.Errorf("object with %d keys, want %d: %v", len(o), len(RowColumns()), o)
		}
	}
	b, err := json.Marshal(rows[1])
	if err != nil || !bytes.Contains(b, []byte(`"high_minutes":null`)) || !bytes.Contains(b, []byte(`"row":"total"`)) {
		t.Errorf("json.Marshal(total) = %s, %v", b, err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil || back["minutes"] != 100.0 {
		t.Errorf("json.Marshal(total) does not read back: %s, %v", b, err)
	}
}

// TestZeroWriters: writers not made by their constructors, a nil curve and
// an unknown kind give errors, never a panic.
func TestZeroWriters(t *testing.T) {
	c, es := sweep(t)
	for _, err := range []error{
		(&CSVWriter{}).Write(Row{}), (&CSVWriter{}).WriteEstimate(c, es[0]), (&CSVWriter{}).Close(),
		(&JSONWriter{}).Write(Row{}), (&JSONWriter{}).WriteEstimate(c, es[0]), (&JSONWriter{}).Close(),
		NewCSVWriter(io.Discard).WriteEstimate(nil, es[0]), NewJSONWriter(io.Discard).WriteEstimate(nil, es[0]),
		NewCSVWriter(io.Discard).Write(Row{Kind: "x,\"y"}), NewJSONWriter(io.Discard).Write(Row{Kind: "=cmd"}),
	} {
		if err == nil {
			t.Error("no error")
		}
	}
	if r := NewRow(nil, es[0]); r.Patch != "" || r.Minutes != es[0].Minutes {
		t.Errorf("NewRow(nil, e) = %+v", r)
	}
	if _, err := json.Marshal(Row{Kind: "x\"y"}); err == nil {
		t.Error("json.Marshal of a row of unknown kind: no error")
	}
}
