// Package bulletin reads HotFix Report "HotFix Alert" bulletins: the
// Japanese pages (2004–2007) that describe one Microsoft security bulletin,
// its packages, and the 予想適用時間 table giving the time one UpdateEXPERT
// console needs to apply each package to 50, 100, 250 and 500 machines.
//
// Parse reads one page, as extracted text in either of its layouts or as
// saved HTML, in UTF-8, UTF-16 (with a BOM), Shift_JIS, EUC-JP or
// ISO-2022-JP.
//
// It also converts Japanese durations both ways: ParseDuration reads
// "1時間28分" as 88 minutes and FormatDuration writes 212 minutes as
// "3時間32分".
package bulletin

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/patchtime/patchtime/internal/clip"
)

// Severity is the bulletin's severity level as HotFix Alert selects it: 1
// 緊急 (critical) to 4 注意 (low). The zero value means unknown.
type Severity int

// The four severity levels of HotFix Alert.
const (
	Critical  Severity = 1 // 1(緊急)
	Important Severity = 2 // 2(重要)
	Moderate  Severity = 3 // 3(警告)
	Low       Severity = 4 // 4(注意)
)

var severityNames = [...]string{"", "緊急", "重要", "警告", "注意"}

// Valid reports whether s is one of the four levels.
func (s Severity) Valid() bool { return s >= Critical && s <= Low }

// String returns the level as the bulletins print it, e.g. "1(緊急)", or ""
// for the zero value.
func (s Severity) String() string {
	if s == 0 {
		return ""
	}
	if !s.Valid() {
		return "Severity(" + strconv.Itoa(int(s)) + ")"
	}
	return strconv.Itoa(int(s)) + "(" + severityNames[s] + ")"
}

// ParseSeverity reads a level as written in a catalog: "1" to "4", or ""
// for unknown.
func ParseSeverity(text string) (Severity, error) {
	if text == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil || !Severity(n).Valid() {
		return 0, fmt.Errorf("severity %s: want 1 (緊急), 2 (重要), 3 (警告), 4 (注意) or empty", clip.Quote(text))
	}
	return Severity(n), nil
}

// Reboot says whether applying a package needs a restart.
type Reboot string

// The reboot statements of HotFix Alert.
const (
	RebootUnknown     Reboot = ""            // not stated
	RebootRequired    Reboot = "required"    // 必要 / あり
	RebootConditional Reboot = "conditional" // needed only if the files are in use
	RebootNone        Reboot = "none"        // 不要 / なし
)

// ParseReboot reads a reboot statement as written in a catalog:
// "required", "conditional", "none", or "" for unknown.
func ParseReboot(text string) (Reboot, error) {
	switch r := Reboot(text); r {
	case RebootUnknown, RebootRequired, RebootConditional, RebootNone:
		return r, nil
	}
	return "", fmt.Errorf("reboot %s: want required, conditional, none or empty", clip.Quote(text))
}

// Bulletin is what one HotFix Alert page says about one security bulletin.
// Fields the page does not state are left at their zero values.
type Bulletin struct {
	ID        string    // bulletin ID from the 脆弱性識別番号 field, e.g. "MS05-039"
	KBs       []string  // KB numbers from the same field, e.g. ["KB885881", "KB885882"]
	Title     string    // the vulnerability's title as the page gives it
	Severity  Severity  // the level the page selects
	Urgency   string    // the 対策 field, e.g. "至急適用"
	Reboot    Reboot    // the strictest reboot statement on the page
	Platforms []string  // affected platforms (対象プラットフォーム), e.g. "Windows 2000 SP4"
	Packages  []Package // packages listed under 適用されるファイル情報
	Timings   []Timing  // rows of the 予想適用時間 table; empty when the page has none
}

// Package is one patch package file a bulletin lists.
type Package struct {
	Platform string // the heading it is listed under, e.g. "Windows XP SP1/SP1a/SP2"
	File     string // file name, e.g. "WindowsXP-KB899588-x86-JPN.exe"
	Date     string // file date as printed, e.g. "2005/07/01"
	Version  string // file version as printed, e.g. "1.0.0.0"
	Bytes    int64  // size in bytes
}

// Timing is one row of a 予想適用時間 table: how long the table's consoles
// take to apply one package to fleets of the sizes in the table's header.
type Timing struct {
	KB       string  // the KB number in the package's file name, e.g. "KB899588"; else the bulletin's KB when it has exactly one; else ""
	Package  string  // package file name, as in the row
	Platform string  // platform as printed with the package name, without parentheses
	Console  string  // console and version from the footnote: "UpdateEXPERT 6.1", "UpdateEXPERT" when no version is named, "" when the table has no footnote
	Consoles int     // consoles the footnote's times are for; 1 when it says 1コンソール or names none
	Points   []Point // the cells present, in header order
	Absent   []int   // fleet sizes (hosts) whose cell is missing or marked 対応予定
	Line     int     // 1-based line of the page where the row starts
}

// Point is one published cell: Minutes for the table's consoles to patch
// Hosts machines.
type Point struct {
	Hosts   int // fleet size from the table header, machines
	Minutes int // published time, whole minutes
}

// HasTimings reports whether the page had a 予想適用時間 table with at least
// one row. A page without one still gives the bulletin's metadata.
func (b *Bulletin) HasTimings() bool { return len(b.Timings) > 0 }

// Package returns the package whose file name is file, compared without
// regard to case (the pages write .EXE and .exe alike), and whether there
// is one.
func (b *Bulletin) Package(file string) (Package, bool) {
	for _, p := range b.Packages {
		if strings.EqualFold(p.File, file) {
			return p, true
		}
	}
	return Package{}, false
}
