package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/estimate"
	"golang.org/x/text/width"
)

// labels are the words of table output in one language.
type labels struct {
	patch, bulletin, platform, console, hosts, estimate, note string
	extrapolated                                              string // note, with the data range
	severity, reboot, pkgBytes, setup, perHost, points        string
	reboots                                                   map[bulletin.Reboot]string
	noCurve                                                   string
}

var tableLabels = map[string]labels{
	"ja": {
		patch: "パッチ", bulletin: "公開番号", platform: "プラットフォーム", console: "コンソール",
		hosts: "台数", estimate: "予想適用時間", note: "備考",
		extrapolated: "外挿 (データは%d〜%d台)",
		severity:     "深刻度", reboot: "再起動", pkgBytes: "サイズ(バイト)", setup: "準備時間",
		perHost: "1台あたり", points: "点数",
		reboots: map[bulletin.Reboot]string{bulletin.RebootRequired: "必要",
			bulletin.RebootConditional: "条件付き", bulletin.RebootNone: "不要"},
		noCurve: "曲線なし",
	},
	"en": {
		patch: "patch", bulletin: "bulletin", platform: "platform", console: "console",
		hosts: "hosts", estimate: "estimate", note: "note",
		extrapolated: "extrapolated (data: %d–%d hosts)",
		severity:     "severity", reboot: "reboot", pkgBytes: "bytes", setup: "setup",
		perHost: "per host", points: "points",
		reboots: map[bulletin.Reboot]string{bulletin.RebootRequired: "required",
			bulletin.RebootConditional: "conditional", bulletin.RebootNone: "none"},
		noCurve: "no curve",
	},
}

// writeTable writes estimate rows for people.
func writeTable(out *bytes.Buffer, rows []estimate.Row, ranges [][2]int, lang string) {
	l := tableLabels[lang]
	t := table{header: []string{l.patch, l.bulletin, l.platform, l.console, l.hosts, l.estimate, l.note}, right: []bool{4: true}}
	for i, r := range rows {
		note := ""
		if r.Extrapolated {
			note = fmt.Sprintf(l.extrapolated, ranges[i][0], ranges[i][1])
		}
		t.add(r.Patch, r.Bulletin, r.Platform, r.Console, strconv.Itoa(r.Hosts), duration(r.Minutes, lang), note)
	}
	t.write(out)
}

// duration renders minutes as "3時間32分 (3h32m)" in Japanese or "3h32m"
// in English.
func duration(minutes float64, lang string) string {
	d := time.Duration(minutes * float64(time.Minute))
	if lang == "en" {
		return goDuration(d)
	}
	return bulletin.FormatDuration(d) + " (" + goDuration(d) + ")"
}

// goDuration writes d rounded to the minute in Go's form without seconds:
// "3h32m", "52m", "2h0m".
func goDuration(d time.Duration) string {
	s := d.Round(time.Minute).String()
	if s == "0s" {
		return "0m"
	}
	return strings.TrimSuffix(s, "0s")
}

// writeList writes the catalog's series and their curves.
func writeList(out *bytes.Buffer, cat *estimate.Catalog, o options) error {
	l := tableLabels[o.lang]
	if o.format == "csv" {
		w := csv.NewWriter(out)
		w.Write([]string{"patch", "bulletin", "platform", "console", "package", "package_bytes",
			"severity", "reboot", "points", "setup_minutes", "per_host_minutes"})
		for _, s := range cat.Series() {
			setup, perHost := "", ""
			if c, err := s.Curve(); err == nil {
				setup = strconv.FormatFloat(c.Setup, 'f', 4, 64)
				perHost = strconv.FormatFloat(c.PerHost, 'f', 6, 64)
			}
			sev := ""
			if s.Severity != 0 {
				sev = strconv.Itoa(int(s.Severity))
			}
			w.Write([]string{s.KB, s.Bulletin, s.Platform, s.Console, s.Package,
				strconv.FormatInt(s.PackageBytes, 10), sev, string(s.Reboot),
				strconv.Itoa(len(s.Points)), setup, perHost})
		}
		w.Flush()
		return w.Error()
	}
	t := table{
		header: []string{l.patch, l.bulletin, l.severity, l.reboot, l.platform, l.console, l.pkgBytes, l.points, l.setup, l.perHost},
		right:  []bool{6: true, 7: true, 8: true, 9: true},
	}
	for _, s := range cat.Series() {
		setup, perHost := l.noCurve, ""
		if c, err := s.Curve(); err == nil {
			if o.lang == "en" {
				setup = fmt.Sprintf("%.2f min", c.Setup)
				perHost = fmt.Sprintf("%.4f min (%.1f s)", c.PerHost, c.PerHost*60)
			} else {
				setup = fmt.Sprintf("%.2f分", c.Setup)
				perHost = fmt.Sprintf("%.4f分 (%.1f秒)", c.PerHost, c.PerHost*60)
			}
		}
		size := ""
		if s.PackageBytes > 0 {
			size = strconv.FormatInt(s.PackageBytes, 10)
		}
		t.add(s.KB, s.Bulletin, s.Severity.String(), l.reboots[s.Reboot], s.Platform, s.Console,
			size, strconv.Itoa(len(s.Points)), setup, perHost)
	}
	t.write(out)
	return nil
}

// table lays out columns for a terminal, counting East Asian wide
// characters as two cells.
type table struct {
	header []string
	right  []bool // right-align column i
	rows   [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(out *bytes.Buffer) {
	widths := make([]int, len(t.header))
	for _, r := range append([][]string{t.header}, t.rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], cellWidth(c))
		}
	}
	for _, r := range append([][]string{t.header}, t.rows...) {
		var line strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-cellWidth(c))
			if i < len(t.right) && t.right[i] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
			if i < len(r)-1 {
				line.WriteString("  ")
			}
		}
		out.WriteString(strings.TrimRight(line.String(), " "))
		out.WriteByte('\n')
	}
}

// cellWidth is the number of terminal cells s takes.
func cellWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
