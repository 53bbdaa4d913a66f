package main

import (
	"encoding/csv"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/patchtime/patchtime/estimate"
)

// soffice returns LibreOffice's command: PATCHTIME_SOFFICE (set by .ci/run,
// which installs LibreOffice, so CI fails rather than skips when it is
// missing), or soffice on the PATH, or skips.
func soffice(t *testing.T) string {
	if path := os.Getenv("PATCHTIME_SOFFICE"); path != "" {
		return path
	}
	path, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) is not installed; .ci/run installs it (Debian package libreoffice-calc-nogui)")
	}
	return path
}

// cell is one cell of a flat ODS spreadsheet as LibreOffice writes it.
type cell struct {
	Type     string   `xml:"urn:oasis:names:tc:opendocument:xmlns:office:1.0 value-type,attr"`
	Value    string   `xml:"urn:oasis:names:tc:opendocument:xmlns:office:1.0 value,attr"`
	Formula  string   `xml:"urn:oasis:names:tc:opendocument:xmlns:table:1.0 formula,attr"`
	Repeated int      `xml:"urn:oasis:names:tc:opendocument:xmlns:table:1.0 number-columns-repeated,attr"`
	Text     []string `xml:"urn:oasis:names:tc:opendocument:xmlns:text:1.0 p"`
}

type sheet struct {
	Rows []struct {
		Cells []cell `xml:"urn:oasis:names:tc:opendocument:xmlns:table:1.0 table-cell"`
	} `xml:"body>spreadsheet>table>table-row"`
}

// TestSpreadsheetReadsCSV opens the command's CSV (with --bom) in
// LibreOffice Calc, importing it as UTF-8 with formulas evaluated, as a
// spreadsheet user would, converts it to a flat ODS document and reads the
// cells back: numbers are numbers with the written values, Japanese text is
// intact, and text that looks like a formula stays text.
func TestSpreadsheetReadsCSV(t *testing.T) {
	office := soffice(t)
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "rows.csv")
	code, _, errOut := runCLI("--catalog", filepath.Join(catalogDir, "injection.csv"), "--patch", "KB921883",
		"--hosts", "100,1200", "--consoles", "1,3", "--format", "csv", "--bom", "-o", csvPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	written, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	want, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(written), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Import options: comma, double quote, UTF-8 (76), from line 1,
	// default column types, Japanese (1041), …, evaluate formulas (true).
	cmd := exec.Command(office, "-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--norestore",
		"--infilter=Text - txt - csv (StarCalc):44,34,76,1,,1041,false,false,false,false,false,-1,true",
		"--convert-to", "fods", "--outdir", dir, csvPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "rows.fods"))
	if err != nil {
		t.Fatalf("soffice made no document: %v", err)
	}
	var s sheet
	if err := xml.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Rows) < len(want) {
		t.Fatalf("the spreadsheet has %d rows, the CSV %d", len(s.Rows), len(want))
	}
	numeric := map[string]bool{"hosts": true, "consoles": true, "minutes": true, "low_minutes": true, "high_minutes": true, "windows": true, "window_minutes": true}
	boolean := map[string]bool{"extrapolated": true, "fits": true}
	for i, rec := range want {
		var cells []cell
		for _, c := range s.Rows[i].Cells {
			for n := max(c.Repeated, 1); n > 0 && len(cells) < len(rec); n-- {
				cells = append(cells, c)
			}
		}
		if len(cells) < len(rec) {
			t.Fatalf("row %d has %d cells, want %d", i+1, len(cells), len(rec))
		}
		for j, field := range rec {
			c, col := cells[j], want[0][j]
			switch {
			case c.Formula != "":
				t.Errorf("row %d, %s: %q became the formula %q", i+1, col, field, c.Formula)
			case i > 0 && field == "":
				if c.Type != "" || len(c.Text) != 0 {
					t.Errorf("row %d, %s: an empty cell read as %s %q", i+1, col, c.Type, c.Text)
				}
			case i > 0 && numeric[col]:
				v, err := strconv.ParseFloat(c.Value, 64)
				f, _ := strconv.ParseFloat(field, 64)
				if c.Type != "float" || err != nil || v != f {
					t.Errorf("row %d, %s: the spreadsheet has %s %q, the CSV %q", i+1, col, c.Type, c.Value, field)
				}
			case c.Type != "string" && !(boolean[col] && c.Type == "boolean"):
				t.Errorf("row %d, %s: %q read as %s, want text", i+1, col, field, c.Type)
			case !boolean[col] && strings.Join(c.Text, "\n") != field:
				t.Errorf("row %d, %s: the spreadsheet shows %q, the CSV has %q", i+1, col, strings.Join(c.Text, "\n"), field)
			}
		}
	}
	// The header is read as the column names (the BOM is not part of the
	// first), and the formula-like cells are there as text.
	if got := strings.Join(s.Rows[0].Cells[0].Text, ""); got != estimate.RowColumns()[0] {
		t.Errorf("first header cell %q, want %q", got, estimate.RowColumns()[0])
	}
	if !strings.Contains(string(written), `"'=HYPERLINK(""http://example.invalid"",""click"")"`) || !strings.Contains(string(written), `,'@SUM(1),`) {
		t.Errorf("formula-like cells are not defused in the CSV:\n%s", written)
	}
}
