package estimate

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/patchtime/patchtime/bulletin"
)

func parsePage(t *testing.T, name string) *bulletin.Bulletin {
	t.Helper()
	f, err := os.Open("../testdata/bulletins/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := bulletin.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFromBulletin uses the plain fixture: MS06-031/KB914321, severity 3,
// conditional reboot, two rows (Windows 2000 SP4: 14, 23, 48, 90 minutes,
// 702,312 bytes; Windows XP Professional SP2: 16, 25, 50, 92, 655,128
// bytes) on UpdateEXPERT 6.1, as written in that file.
func TestFromBulletin(t *testing.T) {
	obs, err := FromBulletin(parsePage(t, "plain.txt"), "plain.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 8 {
		t.Fatalf("%d observations, want 8", len(obs))
	}
	want := [][4]float64{{14, 23, 48, 90}, {16, 25, 50, 92}}
	for i, o := range obs {
		row := i / 4
		if o.Bulletin != "MS06-031" || o.KB != "KB914321" || o.Severity != 3 || o.Reboot != bulletin.RebootConditional ||
			o.Console != "UpdateEXPERT 6.1" || o.Consoles != 1 || o.Source != Published || o.File != "plain.txt" || o.Line == 0 {
			t.Errorf("observation %d = %+v", i, o)
		}
		if o.Hosts != []int{50, 100, 250, 500}[i%4] || o.Minutes != want[row][i%4] {
			t.Errorf("observation %d: %d hosts, %v min; want %d, %v", i, o.Hosts, o.Minutes, []int{50, 100, 250, 500}[i%4], want[row][i%4])
		}
	}
	if obs[0].PackageBytes != 702312 || obs[4].PackageBytes != 655128 || obs[4].Platform != "Windows XP Professional SP2" {
		t.Errorf("rows: %+v, %+v", obs[0], obs[4])
	}
	// Added to the default catalog, the page's patch can be estimated.
	cat, err := Default().With(obs)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cat.Observations()); n != 48 {
		t.Errorf("%d observations after adding the page, want 48", n)
	}
	curves, err := cat.Curves("MS06-031", "XP")
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := curves[0].Estimate(Scenario{Hosts: 250}); e.Minutes < 49.5 || e.Minutes > 50.5 {
		t.Errorf("KB914321 XP at 250 hosts: %v min, published 50", e.Minutes)
	}
	// Default is unchanged.
	if _, err := Default().Select("KB914321", ""); err == nil {
		t.Error("With changed the default catalog")
	}
}

func TestWithConflict(t *testing.T) {
	obs, err := FromBulletin(parsePage(t, "plain.txt"), "plain.txt")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := Default().With(obs)
	if err != nil {
		t.Fatal(err)
	}
	// The same page again adds nothing; a page that disagrees is refused
	// with its file and line.
	if again, err := cat.With(obs); err != nil || len(again.Observations()) != 48 {
		t.Errorf("adding the page twice: %v, %d observations", err, len(again.Observations()))
	}
	bad := append([]Observation(nil), obs...)
	bad[1].Minutes = 24
	_, err = cat.With(bad)
	if err == nil || !strings.Contains(err.Error(), "plain.txt:") || !strings.Contains(err.Error(), "conflicts") {
		t.Errorf("conflicting page: %v, want an error naming plain.txt and the conflict", err)
	}
}

func TestFromBulletinAbsentCells(t *testing.T) {
	// absent.txt: a 対応予定 row and a missing cell give no observations
	// for those cells, never zero minutes.
	b := parsePage(t, "absent.txt")
	obs, err := FromBulletin(b, "absent.txt")
	if err != nil {
		t.Fatal(err)
	}
	cells := 0
	for _, tm := range b.Timings {
		cells += len(tm.Points)
	}
	if len(obs) != cells {
		t.Errorf("%d observations for %d present cells", len(obs), cells)
	}
	for _, o := range obs {
		if o.Minutes <= 0 {
			t.Errorf("observation with %v minutes: %+v", o.Minutes, o)
		}
	}
	if obs, err := FromBulletin(parsePage(t, "no-timing.txt"), ""); err != nil || len(obs) != 0 {
		t.Error("a page with no timing table gave observations")
	}
}

// TestFromBulletinConsoles: a footnote timing two consoles gives
// observations of two consoles, and the curve then reads them as half the
// hosts per console.
func TestFromBulletinConsoles(t *testing.T) {
	data, err := os.ReadFile("../testdata/bulletins/plain.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, err := bulletin.Parse(strings.NewReader(strings.Replace(string(data), "1コンソールの", "2コンソールの", 1)))
	if err != nil {
		t.Fatal(err)
	}
	obs, err := FromBulletin(b, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range obs {
		if o.Consoles != 2 {
			t.Fatalf("observation %+v: want 2 consoles", o)
		}
	}
	cat, err := Default().With(obs)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := cat.Curves("KB914321", "XP")
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi := cs[0].DataRange(); lo != 25 || hi != 250 {
		t.Errorf("data range %d–%d hosts per console, want 25–250", lo, hi)
	}
}

// TestFromBulletinNoKB: fleet-sizes.txt has a package whose name holds no
// KB number on a page of two KBs; its row cannot be placed.
func TestFromBulletinNoKB(t *testing.T) {
	b := parsePage(t, "fleet-sizes.txt")
	obs, err := FromBulletin(b, "fleet-sizes.txt")
	var ce *CatalogError
	if !errors.As(err, &ce) || obs != nil || ce.File != "fleet-sizes.txt" || ce.Line == 0 || !strings.Contains(err.Error(), "names no KB number") {
		t.Errorf("FromBulletin = %d observations, %v; want a *CatalogError naming the line", len(obs), err)
	}
}
