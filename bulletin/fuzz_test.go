package bulletin

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/patchtime/patchtime/internal/seeds"
)

// FuzzParse checks that Parse never panics and that what it returns is
// consistent: a bulletin with an ID and sane rows, or an error of the kinds
// it documents. The corpus starts from the fixtures, and from the seed
// bulletins too when PATCHTIME_SEEDS is set.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(fixtures + "*")
	if seeds.Set() {
		files = append(files, seeds.Files(f)...)
	}
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := parseBytes(data)
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && pe.Line < 1 {
				t.Errorf("ParseError with line %d: %v", pe.Line, err)
			}
			if pe == nil && !errors.Is(err, ErrNotBulletin) {
				t.Errorf("error of an undocumented kind: %v", err)
			}
			return
		}
		if !strings.HasPrefix(b.ID, "MS") {
			t.Errorf("ID %q", b.ID)
		}
		for _, p := range b.Packages {
			if p.Bytes < 0 || p.File == "" {
				t.Errorf("package %+v", p)
			}
		}
		for _, r := range b.Timings {
			if r.Line < 1 || r.Package == "" || len(r.Points)+len(r.Absent) == 0 || r.Consoles < 1 {
				t.Errorf("timing row %+v", r)
			}
			for _, p := range r.Points {
				if p.Hosts < 1 || p.Minutes < 0 {
					t.Errorf("point %+v in row %+v", p, r)
				}
				for _, q := range r.Points {
					if p.Hosts < q.Hosts && p.Minutes > q.Minutes {
						t.Errorf("times decrease from %+v to %+v in row %+v", p, q, r)
					}
				}
			}
		}
	})
}

// FuzzParseDuration checks that ParseDuration never panics, returns whole
// non-negative minutes, and reads FormatDuration's output back.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"1時間28分", "12分", "2時間", "1時間 35分", "１時間２８分", "対応予定", "", "99999999分", "1時間xx分"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			var de *DurationError
			if !errors.As(err, &de) {
				t.Errorf("ParseDuration(%q): error of type %T", s, err)
			}
			return
		}
		if d < 0 || d%time.Minute != 0 {
			t.Errorf("ParseDuration(%q) = %v", s, d)
		}
		if back, err := ParseDuration(FormatDuration(d)); err != nil || back != d {
			t.Errorf("ParseDuration(FormatDuration(%v)) = %v, %v", d, back, err)
		}
	})
}
