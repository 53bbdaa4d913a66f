package estimate_test

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/fit"
)

// TestExplainMatchesR checks every figure `estimate --explain` prints of
// the embedded catalog's published curves (Curve.Summary) against values
// computed independently with R (testdata/r/explain.R, which wrote
// testdata/r/explain-expected.csv; CI does not run R). Each figure must
// be exact to the digits --explain prints (cmd/estimate/render.go: five
// significant digits for statistics, three for p-values, two decimals for
// t values and fitted values, three for residuals, %.4g for the power
// curve), and where it is exact arithmetic also to a relative 1e-9.
func TestExplainMatchesR(t *testing.T) {
	want := readExplainExpected(t, "../testdata/r/explain-expected.csv")
	cat := estimate.Default()
	seen := map[string]bool{}
	curves := 0
	for _, s := range cat.Series() {
		c, err := cat.Curve(s)
		if err != nil {
			continue
		}
		var ys []string
		for _, p := range c.Points() {
			ys = append(ys, strconv.FormatFloat(p.Minutes, 'g', -1, 64))
		}
		key := s.Console + "|" + strings.Join(ys, " ")
		w, ok := want[key]
		if !ok {
			t.Errorf("%s: table %q not in explain-expected.csv (rerun Rscript testdata/r/explain.R)", s, key)
			continue
		}
		seen[key] = true
		curves++
		checkExplain(t, s.String(), c, w)
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("table %q of explain-expected.csv has no curve in the catalog", k)
		}
	}
	if curves == 0 {
		t.Fatal("no curves compared")
	}
}

func checkExplain(t *testing.T, name string, c *estimate.Curve, w map[string]float64) {
	t.Helper()
	s := c.Summary()
	get := func(f string) float64 {
		v, ok := w[f]
		if !ok {
			t.Fatalf("%s: no %s in explain-expected.csv", name, f)
		}
		return v
	}
	// printed compares a figure as --explain prints it; exact, when true,
	// also to a relative 1e-9.
	printed := func(what string, got, r float64, format func(float64) string, exact bool) {
		t.Helper()
		if g, e := format(got), format(r); g != e {
			t.Errorf("%s: %s prints %s, R gives %s (ours %.17g, R %.17g)", name, what, g, e, got, r)
		}
		if exact && !(math.Abs(got-r) <= 1e-9*math.Max(math.Abs(r), 1e-3)) {
			t.Errorf("%s: %s = %.17g, R gives %.17g (relative %.3g)", name, what, got, r, math.Abs(got-r)/math.Abs(r))
		}
	}
	if s.Model != fit.AffineModel {
		// Every published table of the catalog is affine; the expected
		// file holds the affine fit's coefficients.
		t.Fatalf("%s: model %s, the expected values are of the affine fit", name, s.Model)
	}
	if len(s.Coefficients) != 2 {
		t.Fatalf("%s: %d coefficients, want 2", name, len(s.Coefficients))
	}
	for i, p := range []string{"setup", "perhost"} {
		k := s.Coefficients[i]
		printed(p+" estimate", k.Value, get(p), num5, true)
		printed(p+" std. error", k.SE, get(p+"_se"), num5, true)
		printed(p+" t value", k.T, get(p+"_t"), fixed(2), true)
		printed(p+" Pr(>|t|)", k.P, get(p+"_p"), pValue3, false)
		if !(math.Abs(k.P-get(p+"_p")) <= 1e-6*get(p+"_p")) {
			t.Errorf("%s: %s Pr(>|t|) = %.17g, R gives %.17g", name, p, k.P, get(p+"_p"))
		}
	}
	if len(s.Residuals) != 4 {
		t.Fatalf("%s: %d residuals, want 4", name, len(s.Residuals))
	}
	for i, r := range s.Residuals {
		printed(fmt.Sprintf("fitted at %d hosts", r.Hosts), r.Fitted, get(fmt.Sprintf("fitted%d", i+1)), fixed(2), true)
		printed(fmt.Sprintf("residual at %d hosts", r.Hosts), r.Residual, get(fmt.Sprintf("residual%d", i+1)), fixed(3), true)
	}
	printed("residual standard error", s.RMSE, get("rmse"), num5, true)
	if s.DF != int(get("df")) {
		t.Errorf("%s: residual df %d, R gives %g", name, s.DF, get("df"))
	}
	printed("variance used", s.Variance, get("variance"), num5, true)
	if s.IntervalDF != int(get("interval_df")) {
		t.Errorf("%s: interval df %d, R gives %g", name, s.IntervalDF, get("interval_df"))
	}
	printed("variance of a new rollout", s.Noise.Fresh, get("fresh"), func(v float64) string { return fmt.Sprintf("%.4g", v) }, true)
	e, err := c.Estimate(estimate.Scenario{Hosts: 1200})
	if err != nil {
		t.Fatal(err)
	}
	printed("estimate at 1200 hosts", e.Minutes, get("fit1200"), fixed(2), true)
	printed("95% half-width at 1200 hosts", e.High-e.Minutes, get("half1200"), fixed(2), true)
	printed("95% half-width at 1200 hosts, below", e.Minutes-e.Low, get("half1200"), fixed(2), true)
	printed("R²", s.R2, get("r2"), num5, true)
	printed("leave-one-out RMSE", s.LOO, get("loo"), num5, true)
	printed("PRESS", s.PRESS, get("press"), num5, true)
	var power *estimate.Alternative
	for i := range s.Others {
		if s.Others[i].Model == fit.PowerModel {
			power = &s.Others[i]
		}
	}
	if power == nil {
		t.Errorf("%s: no power model among the models also fitted", name)
		return
	}
	if e := fmt.Sprintf("y = %.4g + %.4g·x^%.4g", get("power_a"), get("power_b"), get("power_c")); power.Curve != e {
		t.Errorf("%s: power curve prints %q, R gives %q (a %.10g, b %.10g, c %.10g)", name, power.Curve, e, get("power_a"), get("power_b"), get("power_c"))
	}
	printed("power leave-one-out RMSE", power.LOO, get("power_loo"), num5, false)
}

// num5, pValue3 and fixed are cmd/estimate's num, pValue and %.Nf.
func num5(v float64) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', 5, 64)
}

func pValue3(p float64) string {
	switch {
	case math.IsNaN(p):
		return "NaN"
	case p < 2e-16:
		return "< 2e-16"
	}
	return strconv.FormatFloat(p, 'g', 3, 64)
}

func fixed(d int) func(float64) string {
	return func(v float64) string { return strconv.FormatFloat(v, 'f', d, 64) }
}

// readExplainExpected reads R's figures by "console|minutes…" and field.
func readExplainExpected(t *testing.T, file string) map[string]map[string]float64 {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || strings.Join(rows[0], ",") != "console,table,field,value" {
		t.Fatalf("%s: unexpected header %q", file, rows[0])
	}
	m := map[string]map[string]float64{}
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[3], 64)
		if err != nil {
			t.Fatalf("%s: %q: %v", file, r, err)
		}
		k := r[0] + "|" + r[1]
		if m[k] == nil {
			m[k] = map[string]float64{}
		}
		m[k][r[2]] = v
	}
	return m
}
