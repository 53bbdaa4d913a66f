package main

import (
	"bytes"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/patchtime/patchtime/plan"
)

// TestCapsBeforeWork: arguments the caps refuse cost no memory to refuse,
// and a sweep the caps accept is kept as its ranges, not as a list: the
// bytes allocated do not grow with the sweep.
func TestCapsBeforeWork(t *testing.T) {
	allocated := func(args ...string) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		code, _, errOut := runCLI(args...)
		runtime.ReadMemStats(&after)
		if code != 2 || !strings.Contains(errOut, "rows") {
			t.Fatalf("%.80q: exit %d, %q", args, code, errOut)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	small := allocated(append([]string{"--patch", "KB899588", "--format", "csv"}, repeat(20, "--hosts", "1:600000")...)...)
	large := allocated(append([]string{"--patch", "KB899588", "--format", "csv"}, repeat(20, "--hosts", "1:99999999")...)...)
	if large > 4<<20 || large > 2*small+(1<<20) {
		t.Errorf("refusing 20 sweeps of 10⁸ hosts allocated %d bytes (of 6·10⁵: %d)", large, small)
	}
	var h []plan.Range
	for range 20 {
		c, err := parseCounts("hosts", "1:99999999", 100000000)
		if err != nil {
			t.Fatal(err)
		}
		h = append(h, c...)
	}
	if plan.Len(h) != 20*99999999 || len(h) != 20 {
		t.Errorf("20 ranges of 99999999: %d values in %d ranges", plan.Len(h), len(h))
	}
	hh := append(slices.Clone(h), h...) // 4·10⁹ values
	if n := (plan.Request{Patches: []string{"KB1"}, Hosts: hh, Consoles: hh}).Rows(); n != int(^uint(0)>>1) {
		t.Errorf("a product past the largest int is %d, want it saturated", n)
	}
}

// TestCountsOrder: --hosts values are read as ranges, in order, lists as
// given. ("5,100:400:150" would be refused: 5,100 could be 5100.)
func TestCountsOrder(t *testing.T) {
	c, err := parseCounts("hosts", "5,40:400:150,7", 1000)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for v := range plan.All(c) {
		got = append(got, v)
	}
	if want := []int{5, 40, 190, 340, 7}; !slices.Equal(got, want) || plan.Len(c) != 5 {
		t.Errorf("got %v (len %d), want %v", got, plan.Len(c), want)
	}
}

// TestTableEscapes: control, bidi and zero-width characters in a cell are
// shown escaped, and the columns stay aligned, counted with East Asian
// widths and combining marks as nothing.
func TestTableEscapes(t *testing.T) {
	tb := table{header: []string{"a", "b"}}
	tb.add("Windows\u202eXP", "x")
	tb.add("zero\u200bwidth\x1b[31m", "x")
	tb.add("cafe\u0301", "x") // e + a combining acute: four cells
	tb.add("日本語", "x")        // six cells
	tb.add("ｗｉｄｅ", "x")       // full-width: eight cells
	var out bytes.Buffer
	tb.write(&out)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	// The widest cell is the escaped second one, 23 cells; then two spaces.
	pad := func(cell string, width int) string { return cell + strings.Repeat(" ", 23-width+2) + "x" }
	want := []string{
		"a" + strings.Repeat(" ", 24) + "b",
		pad(`Windows\u202eXP`, 15),
		pad(`zero\u200bwidth\x1b[31m`, 23),
		pad("cafe\u0301", 4),
		pad("日本語", 6),
		pad("ｗｉｄｅ", 8),
	}
	for i := range want {
		if i >= len(lines) || lines[i] != want[i] {
			t.Errorf("line %d: %q, want %q", i, lines[i], want[i])
		}
	}
	for _, l := range lines {
		if strings.IndexFunc(l, unsafeRune) >= 0 {
			t.Errorf("raw control character in %q", l)
		}
	}
}
