package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/patchtime/patchtime/bulletin"
	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/fit"
	"github.com/patchtime/patchtime/internal/clip"
	"github.com/patchtime/patchtime/internal/durfmt"
	"github.com/patchtime/patchtime/plan"
	"golang.org/x/text/language"
	textmsg "golang.org/x/text/message"
	"golang.org/x/text/width"
)

// labels are the words of table output in one language.
type labels struct {
	patch, bulletin, platform, console, hosts, consoles, estimate, interval, note string
	extrapolated                                                                  string // note, with the data range
	unbounded                                                                     string // the top of an interval the data cannot bound
	setupCurve                                                                    string // platform cell of a --setup curve, with the setup
	total                                                                         string // patch cell of a rollout's total
	severity, reboot, pkgBytes, setup, perHost, points                            string
	severities                                                                    []string
	reboots                                                                       map[bulletin.Reboot]string
	noCurve                                                                       string
	lab, site                                                                     string    // what an interval is about, after its label
	setupMin, perHostMin                                                          string    // --list's narrow headers, with the unit
	hostsOf, consolesOf                                                           [2]string // a count of hosts or consoles above a table, one and many (%s the count)
}

var tableLabels = map[string]labels{
	"ja": {
		patch: "パッチ", bulletin: "公開番号", platform: "プラットフォーム", console: "コンソール",
		hosts: "台数", consoles: "コンソール数", estimate: "予想適用時間", interval: "%s%%予測区間", note: "備考",
		extrapolated: "外挿 (データはコンソール1台あたり%d〜%d台)", unbounded: "上限なし",
		setupCurve: "準備時間%s + 共通の1台あたり時間", total: "合計",
		severity: "深刻度", reboot: "再起動", pkgBytes: "サイズ(バイト)", setup: "準備時間",
		perHost: "1台あたり", points: "データ点数",
		severities: []string{"", "1(緊急)", "2(重要)", "3(警告)", "4(注意)"},
		reboots: map[bulletin.Reboot]string{bulletin.RebootRequired: "必要",
			bulletin.RebootConditional: "条件付き", bulletin.RebootNone: "不要"},
		noCurve: "曲線なし",
		lab:     "(検証環境)", site: "(自社実測)",
		setupMin: "準備(分)", perHostMin: "1台(分)",
		hostsOf: [2]string{"%s台", "%s台"}, consolesOf: [2]string{"コンソール%s台", "コンソール%s台"},
	},
	"en": {
		patch: "patch", bulletin: "bulletin", platform: "platform", console: "console",
		hosts: "hosts", consoles: "consoles", estimate: "estimate", interval: "%s%% interval", note: "note",
		extrapolated: "extrapolated (data: %d–%d hosts per console)", unbounded: "unbounded",
		setupCurve: "setup %s + pooled per-host rate", total: "total",
		severity: "severity", reboot: "reboot", pkgBytes: "bytes", setup: "setup",
		perHost: "per host", points: "points",
		severities: []string{"", "1 (critical)", "2 (important)", "3 (moderate)", "4 (low)"},
		reboots: map[bulletin.Reboot]string{bulletin.RebootRequired: "required",
			bulletin.RebootConditional: "conditional", bulletin.RebootNone: "none"},
		noCurve: "no curve",
		lab:     " (lab)", site: " (site)",
		setupMin: "setup, min", perHostMin: "per host, min",
		hostsOf: [2]string{"%s host", "%s hosts"}, consolesOf: [2]string{"%s console", "%s consoles"},
	},
}

// writeTable writes estimates for people; a row with no curve is the
// total of the rollout above it. The default layout fits 100 columns:
// what every row shares (the patch and its bulletin, the console, the
// fleet, the consoles) is said once above the table, and each note is a
// footnote. --wide writes every column in every row (see writeWide).
func writeTable(out *bytes.Buffer, results []plan.Row, o options) {
	if o.wide {
		writeWide(out, results, o)
		return
	}
	l := tableLabels[o.lang]
	interval := fmt.Sprintf(l.interval, percent(o.level)) + reference(results, l)
	// What the rows share.
	var patches []string // "KB899588 (MS05-039)", in order of first appearance
	seenPatch := map[string]bool{}
	console, platform, hosts, consoles := "", "", -1, -1
	sameConsole, samePlatform, sameHosts, sameConsoles := true, true, true, true
	parts := 0
	for _, r := range results {
		e := r.Estimate
		if hosts == -1 {
			hosts, consoles = e.Hosts, e.Consoles
		}
		sameHosts = sameHosts && e.Hosts == hosts
		sameConsoles = sameConsoles && e.Consoles == consoles
		if r.Curve == nil {
			continue
		}
		s := r.Curve.Series()
		if parts == 0 {
			console, platform = s.Console, s.Platform
		}
		parts++
		sameConsole = sameConsole && s.Console == console
		samePlatform = samePlatform && s.Platform == platform && !r.Curve.Given()
		name := s.KB
		if name == "" {
			continue
		}
		if s.Bulletin != "" {
			name += " (" + s.Bulletin + ")"
		}
		if !seenPatch[name] {
			seenPatch[name] = true
			patches = append(patches, name)
		}
	}
	onePatch := len(patches) <= 1
	for _, r := range results {
		if r.Curve != nil && r.Curve.Given() && len(patches) > 0 {
			onePatch = false // a --setup part beside a patch with a table
		}
		if r.Curve == nil {
			samePlatform = false // a total: its label goes in the platform column
		}
	}
	samePlatform = samePlatform && onePatch && parts > 0
	caption := slices.Clone(patches)
	if samePlatform {
		caption = append(caption, platform)
	}
	if sameConsole && console != "" {
		caption = append(caption, console)
	}
	if sameHosts && hosts > 0 {
		caption = append(caption, countOf(hosts, l.hostsOf, o.lang))
	}
	if sameConsoles && consoles > 0 {
		caption = append(caption, countOf(consoles, l.consolesOf, o.lang))
	}
	sep := ", "
	if o.lang == "ja" {
		sep = "、"
	}
	if len(caption) > 0 {
		out.WriteString(wrap(clip.Escape(strings.Join(caption, sep))) + "\n")
	}
	// The columns left.
	header := []string{}
	var right []bool
	col := func(name string, r bool) { header = append(header, name); right = append(right, r) }
	if !onePatch {
		col(l.patch, false)
	}
	if !samePlatform {
		col(l.platform, false)
	}
	if !sameConsole {
		col(l.console, false)
	}
	if !sameHosts {
		col(l.hosts, true)
	}
	if !sameConsoles {
		col(l.consoles, true)
	}
	col(l.estimate, false)
	col(interval, false)
	t := table{header: header, right: right}
	if i := slices.Index(header, l.platform); i >= 0 {
		t.fold = i + 1 // a long platform name folds, so that the table fits
	}
	var notes []string // footnotes, in order
	mark := map[string]int{}
	var markCol []string
	for _, r := range results {
		c := cellsOf(r, l, o.lang)
		patch, plat, cons, note := c.patch, c.platform, c.console, c.note
		if r.Curve == nil && onePatch {
			plat = l.total
		}
		e := r.Estimate
		var cells []string
		if !onePatch {
			cells = append(cells, patch)
		}
		if !samePlatform {
			cells = append(cells, plat)
		}
		if !sameConsole {
			cells = append(cells, cons)
		}
		if !sameHosts {
			cells = append(cells, groupDigits(e.Hosts))
		}
		if !sameConsoles {
			cells = append(cells, groupDigits(e.Consoles))
		}
		cells = append(cells, duration(e.Minutes, o.lang, false), span(e.Low, e.High, o.lang))
		if note != "" {
			if _, ok := mark[note]; !ok {
				notes = append(notes, note)
				mark[note] = len(notes)
			}
		}
		t.add(cells...)
		markCol = append(markCol, note)
	}
	// Footnote marks after the interval: "*" for the only note, "*1",
	// "*2" when there are several.
	marker := func(i int) string {
		if len(notes) == 1 {
			return "*"
		}
		return "*" + strconv.Itoa(i)
	}
	if len(notes) > 0 {
		t.header = append(t.header, "")
		for i, n := range markCol {
			m := ""
			if n != "" {
				m = marker(mark[n])
			}
			t.rows[i] = append(t.rows[i], m)
		}
	}
	t.write(out)
	for i, n := range notes {
		out.WriteString(wrap(marker(i+1)+" "+clip.Escape(n)) + "\n")
	}
}

// writeWide writes estimates with every column in every row: patch,
// bulletin, platform, console, hosts, consoles, estimate, interval, note.
func writeWide(out *bytes.Buffer, results []plan.Row, o options) {
	l := tableLabels[o.lang]
	interval := fmt.Sprintf(l.interval, percent(o.level)) + reference(results, l)
	t := table{header: []string{l.patch, l.bulletin, l.platform, l.console, l.hosts, l.consoles, l.estimate, interval, l.note},
		right: []bool{4: true, 5: true}}
	for _, r := range results {
		c, e := cellsOf(r, l, o.lang), r.Estimate
		t.add(c.patch, c.bulletin, c.platform, c.console, groupDigits(e.Hosts), groupDigits(e.Consoles),
			duration(e.Minutes, o.lang, true), span(e.Low, e.High, o.lang), c.note)
	}
	t.write(out)
}

// rowCells are the text cells of a row of estimates.
type rowCells struct{ patch, bulletin, platform, console, note string }

// cellsOf names a row's curve: its patch, bulletin, platform (for a
// --setup curve, what it is made of), console and note (extrapolated);
// a total's patch cell says so.
func cellsOf(r plan.Row, l labels, lang string) rowCells {
	if r.Curve == nil {
		return rowCells{patch: l.total}
	}
	s := r.Curve.Series()
	c := rowCells{patch: orDash(s.KB), bulletin: orDash(s.Bulletin), platform: s.Platform, console: s.Console}
	if r.Curve.Given() {
		c.platform = fmt.Sprintf(l.setupCurve, exact(r.Curve.Setup(), lang))
		if r.Group != "" {
			c.platform += " (" + r.Group + ")"
		}
	}
	if r.Estimate.Extrapolated {
		lo, hi := r.Curve.DataRange()
		c.note = fmt.Sprintf(l.extrapolated, lo, hi)
	}
	return c
}

// countOf writes a count with its unit: "1,200台", "コンソール1台",
// "1,200 hosts", "1 console".
func countOf(n int, units [2]string, lang string) string {
	u := units[1]
	if n == 1 {
		u = units[0]
	}
	return fmt.Sprintf(u, groupDigits(n))
}

// groupDigits writes a whole number with its thousands grouped by commas,
// as both languages write them in tables: 100,000,000.
func groupDigits(n int) string {
	return textmsg.NewPrinter(language.English).Sprintf("%d", n)
}

// reference labels the interval column with what its intervals are
// about, when every curve's are about the same (see Curve.Reference).
func reference(rows []plan.Row, l labels) string {
	ref, n := estimate.Lab, 0
	for _, r := range rows {
		if r.Curve == nil {
			continue
		}
		if n > 0 && r.Curve.Reference() != ref {
			return ""
		}
		ref, n = r.Curve.Reference(), n+1
	}
	if ref == estimate.Site {
		return l.site
	}
	return l.lab
}

// writeSkipped says which patches of a bundle do not apply to which
// platforms of the fleet, one line per patch.
func writeSkipped(out *bytes.Buffer, skipped []plan.Skip, lang string) {
	var order []string
	by := map[string][]string{}
	for _, s := range skipped {
		if _, ok := by[s.Patch]; !ok {
			order = append(order, s.Patch)
		}
		by[s.Patch] = append(by[s.Patch], clip.Escape(s.Platform))
	}
	for _, p := range order {
		if lang == "ja" {
			out.WriteString(wrap(fmt.Sprintf("%sは%sに該当しないため除外しました。", p, strings.Join(by[p], "、"))) + "\n")
		} else {
			out.WriteString(wrap(fmt.Sprintf("%s does not apply to %s: skipped.", p, strings.Join(by[p], ", "))) + "\n")
		}
	}
}

// sentence answers a --window question in words, naming the curve when
// the question was about one.
func sentence(a plan.Window, o options) string {
	ja := o.lang == "ja"
	win := exact(a.Window.Minutes(), o.lang)
	// took is the time held against the window, rounded to the minute as
	// the table's row is; a miss that rounds to the window's length says
	// that it is over by less than a minute.
	took := func(minutes, high float64, miss bool) string {
		m := minutes
		if a.Window.Upper {
			m = high
		}
		t := duration(m, o.lang, false)
		if miss && math.Round(m) <= a.Window.Minutes() {
			if ja {
				t += "、1分未満の超過"
			} else {
				t += ", over by less than a minute"
			}
		}
		switch {
		case a.Window.Upper && ja:
			return "予測区間の上限" + t
		case a.Window.Upper:
			return t + " at the top of the interval"
		case ja:
			return "予想" + t
		}
		return "estimate " + t
	}
	best := took(a.Plan.Minutes, a.Plan.High, !a.Fits)
	label := ""
	if a.Curve != nil {
		label = seriesLabel(a.Curve, o.lang) + ": "
	}
	consoles := func(n int) string {
		if ja {
			return "コンソール" + groupDigits(n) + "台"
		}
		if n == 1 {
			return "1 console"
		}
		return groupDigits(n) + " consoles"
	}
	switch {
	case a.Question == plan.HostsFor && !a.Fits:
		if ja {
			return fmt.Sprintf("%s1台だけでも%sの時間帯に収まりません (%s)。", label, win, best)
		}
		return fmt.Sprintf("%seven one host does not fit %s %s window (%s).", label, article(win), win, best)
	case a.Question == plan.HostsFor:
		if ja {
			return fmt.Sprintf("%s%sで%sに収まるのは最大%s台です (%s)。", label, consoles(a.Plan.Consoles), win, groupDigits(a.Hosts), took(a.Plan.Minutes, a.Plan.High, false))
		}
		return fmt.Sprintf("%sat most %s hosts fit %s %s window with %s (%s).", label, groupDigits(a.Hosts), article(win), win, consoles(a.Plan.Consoles), took(a.Plan.Minutes, a.Plan.High, false))
	case a.Question == plan.ConsolesFor && !a.Fits:
		if ja {
			return fmt.Sprintf("%s%s台は%sの時間帯に収まりません。最短は%sのときです (%s)。", label, groupDigits(a.Hosts), win, consoles(a.Plan.Consoles), best)
		}
		return fmt.Sprintf("%s%s hosts do not fit %s %s window; the shortest is with %s (%s).", label, groupDigits(a.Hosts), article(win), win, consoles(a.Plan.Consoles), best)
	case a.Question == plan.ConsolesFor:
		if ja {
			return fmt.Sprintf("%s%s台を%sに収めるには%sが必要です (%s)。", label, groupDigits(a.Hosts), win, consoles(a.Plan.Consoles), best)
		}
		return fmt.Sprintf("%s%s hosts fit %s %s window with %s (%s).", label, groupDigits(a.Hosts), article(win), win, consoles(a.Plan.Consoles), best)
	case !a.Fits:
		if ja {
			return fmt.Sprintf("%s%sでは1回に1台ずつにしても%sの時間帯に収まりません (%s)。", label, consoles(a.Plan.Consoles), win, best)
		}
		return fmt.Sprintf("%sWith %s even one host per window does not fit %s %s window (%s).", label, consoles(a.Plan.Consoles), article(win), win, best)
	default:
		per := a.HostsPerWindow
		if ja {
			return fmt.Sprintf("%s%sでは、%s台を%s回の時間帯に分ければ各回%sに収まります (1回%s台まで、%s)。", label, consoles(a.Plan.Consoles), groupDigits(a.Hosts), groupDigits(a.Plan.Windows), win, groupDigits(per), best)
		}
		return fmt.Sprintf("%sWith %s, %s hosts need %s windows of %s (up to %s hosts each, %s).", label, consoles(a.Plan.Consoles), groupDigits(a.Hosts), groupDigits(a.Plan.Windows), win, groupDigits(per), best)
	}
}

// seriesLabel names a curve in a sentence: the series, or for a --setup
// curve what it is made of.
func seriesLabel(c *estimate.Curve, lang string) string {
	s := c.Series()
	if c.Given() {
		label := fmt.Sprintf(tableLabels[lang].setupCurve, exact(c.Setup(), lang))
		if s.KB != "" {
			label = s.KB + " (" + label + ")"
		}
		return label
	}
	return s.String()
}

// writeCalibration says what --observations changed; ± is a standard
// error. The line is wrapped at textWidth.
func writeCalibration(out *bytes.Buffer, cal *estimate.Calibration, f *estimate.ObservationFile, lang string) {
	ja := lang == "ja"
	coef := func(name string, v, se float64) string {
		if v == 0 && se == 0 {
			if ja {
				return name + " = 0 (下限)"
			}
			return name + " = 0 (at its bound)"
		}
		return fmt.Sprintf("%s = %.4g (±%.2g)", name, v, se)
	}
	var b strings.Builder
	if ja {
		jaLines := func(l estimate.Lines) string { return strings.ReplaceAll(l.String(), ", ", "、") }
		fmt.Fprintf(&b, "%s の%s行目、%d件の実測で補正", clip.Path(f.File), jaLines(f.Used()), cal.N())
		var skipped []string
		for _, r := range []struct {
			reason estimate.SkipReason
			what   string
		}{{estimate.SkipTotal, "合計の行"}, {estimate.SkipNotApplicable, "該当しないパッチの行"}, {estimate.SkipNoTable, "表のないパッチの行"}} {
			if lines := f.SkippedLines(r.reason); len(lines) > 0 {
				skipped = append(skipped, fmt.Sprintf("%s行目は%s", jaLines(lines), r.what))
			}
		}
		if len(skipped) > 0 {
			fmt.Fprintf(&b, " (%sなので除外)", strings.Join(skipped, "、"))
		}
		fmt.Fprintf(&b, "。±は標準誤差: 1台あたり時間 ×%.3f (±%.3f)、準備時間 %+.2f分 (±%.2f)", cal.Speed(), cal.SpeedSE(), noNegativeZero(cal.Offset(), 2), cal.OffsetSE())
	} else {
		fmt.Fprintf(&b, "calibrated to %s, ± standard error: per-host time ×%.3f (±%.3f), setup %+.2f min (±%.2f)", f, cal.Speed(), cal.SpeedSE(), noNegativeZero(cal.Offset(), 2), cal.OffsetSE())
	}
	switch {
	case cal.Scaling() && ja:
		fmt.Fprintf(&b, "、%s、%s。", coef("σ", cal.Contention(), cal.ContentionSE()), coef("κ", cal.Coherency(), cal.CoherencySE()))
	case cal.Scaling():
		fmt.Fprintf(&b, ", %s, %s.", coef("σ", cal.Contention(), cal.ContentionSE()), coef("κ", cal.Coherency(), cal.CoherencySE()))
	case ja:
		fmt.Fprintf(&b, "。σとκは補正していません (%d種類以上のコンソール数で%d件以上の実測が必要、現在は%d種類で%d件)。", estimate.MinScalingConsoles, estimate.MinScalingRollouts, cal.ConsoleCounts(), cal.N())
	default:
		fmt.Fprintf(&b, "; σ and κ not fitted: that needs %d or more rollouts at %d or more console counts (these are %d at %d).", estimate.MinScalingRollouts, estimate.MinScalingConsoles, cal.N(), cal.ConsoleCounts())
	}
	out.WriteString(wrap(b.String()) + "\n")
}

// noNegativeZero returns v, or 0 where v would print as -0 with the given
// decimals: "+0.00", not "-0.00".
func noNegativeZero(v float64, decimals int) float64 {
	if math.Abs(v) < 0.5*math.Pow(10, -float64(decimals)) {
		return 0
	}
	return v
}

// duration renders minutes as "3時間32分 (3h32m)" in Japanese (the Go form
// only if both) or "3h32m" in English, rounded to the minute; a day or
// more starts with days: "2日3時間5分", "2d3h5m".
func duration(minutes float64, lang string, both bool) string {
	if math.IsInf(minutes, 0) || math.IsNaN(minutes) {
		return tableLabels[lang].unbounded
	}
	d := time.Duration(math.Round(minutes * float64(time.Minute)))
	switch {
	case lang == "en":
		return goDuration(d)
	case both:
		return jaDuration(d) + " (" + goDuration(d) + ")"
	}
	return jaDuration(d)
}

// exact renders minutes given by the user (a window, a setup) to the
// second when they are not whole minutes: "1h59m50s", "12分30秒"; whole
// minutes as duration does.
func exact(minutes float64, lang string) string {
	d := time.Duration(math.Round(minutes * float64(time.Minute)))
	if lang == "en" {
		return durfmt.GoExact(d)
	}
	return durfmt.JaExact(d)
}

// jaDuration writes d as "3時間32分", with days from a day on: "2日3時間5分".
func jaDuration(d time.Duration) string { return durfmt.Ja(d) }

// percent writes a level as a percentage without float noise: 0.57 → "57".
func percent(level float64) string {
	return strconv.FormatFloat(math.Round(level*1e8)/1e6, 'f', -1, 64)
}

// span renders an interval: "3時間20分〜3時間44分" or "3h20m–3h44m".
func span(lo, hi float64, lang string) string {
	l := tableLabels[lang]
	top := l.unbounded
	if !math.IsInf(hi, 1) {
		top = duration(hi, lang, false)
	}
	if lang == "en" {
		return duration(lo, lang, false) + "–" + top
	}
	return duration(lo, lang, false) + "〜" + top
}

// goDuration writes d rounded to the minute in Go's form without seconds
// or zero minutes, with days from a day on: "3h32m", "52m", "2h", "2d3h5m".
func goDuration(d time.Duration) string { return durfmt.Go(d) }

// article is "a" or "an" before a duration as it is read aloud: "an 8m
// window", "an 11h window", "a 2h window".
func article(d string) string {
	n := d
	if i := strings.IndexFunc(d, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		n = d[:i]
	}
	if strings.HasPrefix(n, "8") || len(n)%3 == 2 && (strings.HasPrefix(n, "11") || strings.HasPrefix(n, "18")) {
		return "an"
	}
	return "a"
}

// writeList writes the catalog's series, or those of --patch and
// --platform, with their curves.
func writeList(out *bytes.Buffer, cat *estimate.Catalog, o options) error {
	series, err := listed(cat, o)
	if err != nil {
		return err
	}
	l := tableLabels[o.lang]
	if o.format == "csv" {
		if o.bom {
			out.WriteString("\uFEFF")
		}
		w := csv.NewWriter(out)
		w.Write([]string{"patch", "bulletin", "platform", "console", "package", "package_bytes",
			"severity", "reboot", "points", "setup_minutes", "per_host_minutes"})
		for _, s := range series {
			setup, perHost := "", ""
			if c, err := cat.Curve(s); err == nil {
				setup = strconv.FormatFloat(c.Setup(), 'f', 4, 64)
				perHost = strconv.FormatFloat(c.PerHost(), 'f', 6, 64)
			}
			d := estimate.Defuse
			w.Write([]string{d(s.KB), d(s.Bulletin), d(s.Platform), d(s.Console), d(s.Package), blankZero(s.PackageBytes),
				blankZero(int64(s.Severity)), string(s.Reboot), strconv.Itoa(s.Observations), setup, perHost})
		}
		w.Flush()
		return w.Error()
	}
	if o.wide {
		writeListWide(out, cat, series, o)
		return nil
	}
	// One line per patch (KB, bulletin, severity, reboot), then its
	// platforms, indented.
	t := table{
		header: []string{"  " + l.platform, l.console, l.pkgBytes, l.points, l.setupMin, l.perHostMin},
		right:  []bool{2: true, 3: true, 4: true, 5: true},
		fold:   1,
	}
	var group string
	for _, s := range series {
		head := s.KB + "  " + s.Bulletin
		if s.Severity.Valid() {
			head += "  " + l.severity + " " + l.severities[s.Severity]
		}
		if r := l.reboots[s.Reboot]; r != "" {
			head += "  " + l.reboot + " " + r
		}
		if head != group {
			group = head
			t.line(head)
		}
		setup, perHost := l.noCurve, ""
		if c, err := cat.Curve(s); err == nil {
			setup, perHost = fmt.Sprintf("%.2f", c.Setup()), fmt.Sprintf("%.4f", c.PerHost())
		}
		bytes := ""
		if s.PackageBytes > 0 {
			bytes = groupDigits(int(s.PackageBytes))
		}
		t.add("  "+s.Platform, s.Console, bytes, strconv.Itoa(s.Observations), setup, perHost)
	}
	t.write(out)
	return nil
}

// writeListWide writes --list --wide: every column in every row.
func writeListWide(out *bytes.Buffer, cat *estimate.Catalog, series []estimate.Series, o options) {
	l := tableLabels[o.lang]
	t := table{
		header: []string{l.patch, l.bulletin, l.severity, l.reboot, l.platform, l.console, l.pkgBytes, l.points, l.setup, l.perHost},
		right:  []bool{6: true, 7: true, 8: true, 9: true},
	}
	for _, s := range series {
		setup, perHost := l.noCurve, ""
		if c, err := cat.Curve(s); err == nil {
			if o.lang == "en" {
				setup = fmt.Sprintf("%.2f min", c.Setup())
				perHost = fmt.Sprintf("%.4f min (%.1f s)", c.PerHost(), c.PerHost()*60)
			} else {
				setup = fmt.Sprintf("%.2f分", c.Setup())
				perHost = fmt.Sprintf("%.4f分 (%.1f秒)", c.PerHost(), c.PerHost()*60)
			}
		}
		sev := ""
		if s.Severity.Valid() {
			sev = l.severities[s.Severity]
		}
		bytes := ""
		if s.PackageBytes > 0 {
			bytes = groupDigits(int(s.PackageBytes))
		}
		t.add(s.KB, s.Bulletin, sev, l.reboots[s.Reboot], s.Platform, s.Console,
			bytes, strconv.Itoa(s.Observations), setup, perHost)
	}
	t.write(out)
}

// listed returns the series --list shows.
func listed(cat *estimate.Catalog, o options) ([]estimate.Series, error) {
	if len(o.patches) == 0 {
		return cat.Select("", o.platform)
	}
	var all []estimate.Series
	seen := map[estimate.Series]bool{}
	for _, p := range o.patches {
		series, err := cat.Select(p, o.platform)
		if err != nil {
			return nil, err
		}
		for _, s := range series {
			if !seen[s] {
				seen[s] = true
				all = append(all, s)
			}
		}
	}
	return all, nil
}

func blankZero(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// writeExplain writes each curve's summary (see estimate.Curve.Summary) in
// the manner of R's summary(lm), after the calibration if there is one.
func writeExplain(out *bytes.Buffer, curves []*estimate.Curve, cal *estimate.Calibration, o options) {
	if cal != nil {
		writeCalibration(out, cal, o.observed, "en")
		fmt.Fprintf(out, "calibration: %d observations, residual standard error %s min on %d degrees of freedom\n\n", cal.N(), num(cal.RMSE()), cal.DF())
	}
	for i, c := range curves {
		if i > 0 {
			out.WriteByte('\n')
		}
		s := c.Summary()
		fmt.Fprintf(out, "%s\n", s.Name)
		switch {
		case s.Given:
			fmt.Fprintf(out, "model: %s, setup given, perHost pooled over the console's series\n", s.Formula)
		case s.Calibrated:
			fmt.Fprintf(out, "model: %s, calibrated: %s\n", s.Model, s.Formula)
		case s.Model == fit.PooledModel:
			fmt.Fprintf(out, "model: %s, %s, %d points of this series\n", s.Model, s.Formula, s.Points)
		default:
			fmt.Fprintf(out, "model: %s, %s, %d points\n", s.Model, s.Formula, s.Points)
		}
		coef := table{header: []string{"", "Estimate", "Std. Error", "t value", "Pr(>|t|)"}, right: []bool{false, true, true, true, true}}
		for _, k := range s.Coefficients {
			if k.Given {
				coef.add(k.Name, num(k.Value), "(given)", "", "")
				continue
			}
			coef.add(k.Name, num(k.Value), num(k.SE), fmt.Sprintf("%.2f", k.T), pValue(k.P))
		}
		coef.write(out)
		if len(s.Residuals) > 0 {
			out.WriteString("residuals:\n")
			res := table{header: []string{"  hosts", "consoles", "minutes", "fitted", "residual"}, right: []bool{true, true, true, true, true}}
			for _, r := range s.Residuals {
				res.add(strconv.Itoa(r.Hosts), strconv.Itoa(r.Consoles), num(r.Minutes), fmt.Sprintf("%.2f", r.Fitted), fmt.Sprintf("%.3f", r.Residual))
			}
			res.write(out)
		}
		if !math.IsNaN(s.RMSE) {
			fmt.Fprintf(out, "residual standard error: %s min on %d degrees of freedom\n", num(s.RMSE), s.DF)
		}
		noise := fmt.Sprintf("variance used for standard errors and intervals: %s min²", num(s.Variance))
		if s.Floor {
			noise += " (the floor of 1/12 min², the noise of rounding to whole minutes)"
		}
		if s.NoiseNote != "" {
			noise += "; " + s.NoiseNote
		}
		fmt.Fprintln(out, noise)
		if s.Points > 0 {
			fmt.Fprintf(out, "R²: %s   leave-one-out RMSE: %s min (PRESS %s)\n", num(s.R2), num(s.LOO), num(s.PRESS))
		}
		switch {
		case s.AICcNote != "":
			fmt.Fprintf(out, "AICc: %s\n", s.AICcNote)
		case s.Points > 0:
			fmt.Fprintf(out, "AICc: %s\n", num(s.AICc))
		}
		for _, a := range s.Others {
			fmt.Fprintf(out, "also fitted: %s %s, leave-one-out RMSE %s min\n", a.Model, a.Curve, num(a.LOO))
		}
		fmt.Fprintf(out, "model choice: %s\n", s.Reason)
		switch s.Method {
		case estimate.StudentT:
			fmt.Fprintf(out, "intervals: %s%%, Student's t with %d degrees of freedom, for %s\n", percent(s.Level), s.IntervalDF, s.About)
		case estimate.NormalQuantile:
			fmt.Fprintf(out, "intervals: %s%%, the normal quantile: no degrees of freedom are left, so the noise is taken as the 1/12 min² floor, for %s\n", percent(s.Level), s.About)
		default:
			fmt.Fprintf(out, "intervals: none: no degrees of freedom are left and the noise is unknown, so the top of every interval is unbounded\n")
		}
	}
}

// num writes a statistic with five significant digits.
func num(v float64) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', 5, 64)
}

// pValue writes a p-value as R does: three significant digits, or
// "< 2e-16".
func pValue(p float64) string {
	switch {
	case math.IsNaN(p):
		return "NaN"
	case p < 2e-16:
		return "< 2e-16"
	}
	return strconv.FormatFloat(p, 'g', 3, 64)
}

// table lays out columns for a terminal, counting East Asian wide
// characters as two cells.
type table struct {
	header []string
	right  []bool // right-align column i
	rows   [][]string
	lines  map[int]string // a line of its own before row i (see line)
	fold   int            // 1 + the column whose cells fold onto more lines when the table is wider than textWidth; 0 for none
}

// line adds a line of its own, not in columns, before the next row, such
// as the heading of a group of rows. It is escaped as cells are.
func (t *table) line(s string) {
	if t.lines == nil {
		t.lines = map[int]string{}
	}
	t.lines[len(t.rows)] = clip.Escape(s)
}

// add appends a row. Its cells are escaped (clip.Escape): text from files
// and arguments reaches a terminal with no control, bidi or zero-width
// character left raw.
func (t *table) add(cells ...string) {
	for i, c := range cells {
		cells[i] = clip.Escape(c)
	}
	t.rows = append(t.rows, cells)
}

func (t *table) write(out *bytes.Buffer) {
	widths := make([]int, len(t.header))
	all := append([][]string{t.header}, t.rows...)
	for _, r := range all {
		for i, c := range r {
			widths[i] = max(widths[i], cellWidth(c))
		}
	}
	// Too wide: the fold column's cells are folded onto more lines.
	total := 2 * (len(widths) - 1)
	for _, w := range widths {
		total += w
	}
	if t.fold > 0 && t.fold <= len(widths) && total > textWidth {
		i := t.fold - 1
		widths[i] = max(widths[i]-(total-textWidth), minFold, cellWidth(t.header[i]))
	}
	for k, r := range all {
		if s, ok := t.lines[k-1]; ok && k > 0 {
			out.WriteString(s + "\n")
		}
		// A row is one line, or more where its fold cell is folded.
		cells := [][]string{}
		for i, c := range r {
			if i == t.fold-1 && cellWidth(c) > widths[i] {
				cells = append(cells, foldCell(c, widths[i]))
			} else {
				cells = append(cells, []string{c})
			}
		}
		for n := 0; ; n++ {
			var line strings.Builder
			more := false
			for i := range cells {
				c := ""
				if n < len(cells[i]) {
					c, more = cells[i][n], true
				}
				pad := strings.Repeat(" ", max(widths[i]-cellWidth(c), 0))
				if i < len(t.right) && t.right[i] {
					line.WriteString(pad + c)
				} else {
					line.WriteString(c + pad)
				}
				if i < len(cells)-1 {
					line.WriteString("  ")
				}
			}
			if !more {
				break
			}
			out.WriteString(strings.TrimRight(line.String(), " "))
			out.WriteByte('\n')
		}
	}
}

// minFold is the narrowest a folded column gets, in cells.
const minFold = 16

// foldCell cuts a cell into lines of at most w cells, after a space or a
// slash where it can, and the lines after the first indented by one space.
func foldCell(c string, w int) []string {
	var lines []string
	for cellWidth(c) > w {
		cut, width := 0, 0 // cut: the byte offset of the last break within w
		for i, r := range c {
			rw := cellWidth(string(r))
			if width+rw > w {
				if cut == 0 { // no break: cut here
					cut = i
				}
				break
			}
			width += rw
			if r == ' ' || r == '/' {
				cut = i + len(string(r))
			}
		}
		if cut == 0 {
			break
		}
		lines = append(lines, strings.TrimRight(c[:cut], " "))
		c = " " + strings.TrimLeft(c[cut:], " ")
	}
	return append(lines, c)
}

// cellWidth is the number of terminal cells s takes: two for East Asian
// wide and full-width characters, none for combining marks (which join the
// character before them), one for the rest. Cells are escaped first (see
// add), so no control or zero-width character is left to count.
func cellWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me):
		case width.LookupRune(r).Kind() == width.EastAsianWide, width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// textWidth is the widest line of prose the table output writes, in
// terminal cells, the width of its default table.
const textWidth = 100

// wrap breaks a line of prose so that no line is wider than textWidth
// cells (see cellWidth): after a space, or after a Japanese comma or full
// stop, never inside a word nor before an opening parenthesis, which
// stays with what it explains; a word wider than the line stays whole.
// Lines after the first are indented by two spaces.
func wrap(s string) string {
	if cellWidth(s) <= textWidth {
		return s
	}
	rs := []rune(s)
	var out strings.Builder
	line, lineW := "", 0 // the line being filled and its width
	brk, brkW := -1, 0   // the last place line may break: its byte offset and the width before it
	for i, r := range rs {
		w := cellWidth(string(r))
		if lineW+w > textWidth && brk > 0 {
			out.WriteString(strings.TrimRight(line[:brk], " ") + "\n  ")
			line, lineW = strings.TrimLeft(line[brk:], " "), lineW-brkW+2
			brk = -1
		}
		line += string(r)
		lineW += w
		prev, next := rune(0), rune(0)
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		if r == ' ' && next != '(' && next != '=' && prev != '=' || r == '、' || r == '。' {
			brk, brkW = len(line), lineW
		}
	}
	out.WriteString(line)
	return out.String()
}
