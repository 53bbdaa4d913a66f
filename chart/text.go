package chart

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/patchtime/patchtime/estimate"
	"github.com/patchtime/patchtime/internal/durfmt"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/width"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// words are a chart's labels in one language.
type words struct {
	hosts, time        string // axis labels
	title              string // a patch's title, with the patches' names
	bundle             string // a bundle's, with the names joined by " + "
	mixed              string // a mixed fleet's, with the names and the fleet
	noTable, noTableKB string // a --setup curve's name, with the setup (and KB)
	noTableTitle       string // its name in a title, with the setup
	noTableTitleKB     string // the same with its KB
	sep                string // between names
	identical          string // after the names of curves drawn once
	extrapolated       string // the shaded region, with the data's range
	asked              string // the asked fleets' marks
	askedConsoles      string // the same, all on so many consoles
	window             string // the window's line, with its length
	mark, markConsoles string // a mark's label: hosts (consoles) and estimate
	keyLine, keyExtra  string // what a line is; what its dashes are
	keyBand, keyPoints string // what a band is, with the level; what dots are
	keySep             string // between the parts of the key
	unbounded          string // the top of an interval the data cannot bound

	// A timeline's (Timeline).
	tlMixed, tlHosts   string // its title: the patches, the hosts and the fleet; the patches and the hosts
	tlHostsOf          string // the hosts of one named platform, after tlHosts' count
	tlDate             string // the calendar axis: the years and the zone
	tlDone, tlPercent  string // the hosts axis: hosts; percent of the fleet
	tlEstimate, tlTop  string // the step lines: on the estimate; on the top, with the level
	tlUnbounded        string // no top line: the interval is unbounded
	tlNoTop            string // no top line for another reason, with it
	tlWindows          string // the windows: length, opening time, days, consoles
	tlTopOnly          string // windows the top needs and the estimate does not
	tlSoak             string // the soak, with its length
	tlFinish           string // the finish marks
	tlDoneAt, tlTopAt  string // their labels, with the time
	tlRing, tlPilot    string // a ring's label, with its number; the first of several
	tlRingHosts        string // a ring's hosts, after its label
	tlConsole          string // the consoles, with their number; tlConsoles above one
	tlConsoles         string
	tlDaily, tlWeekday string   // every day; Monday to Friday
	tlDays             []string // the days' names, Sunday first
	tlDaySep           string   // between them
}

var vocab = map[string]words{
	"en": {
		hosts: "hosts per console", time: "rollout time",
		title:          "%s: estimated rollout time",
		bundle:         "Bundle %s: time of each part, run one after another",
		mixed:          "%s on a mixed fleet (%s): time of each part, run one after another",
		noTable:        "setup %s + pooled per-host rate",
		noTableKB:      "%s: setup %s + pooled per-host rate",
		noTableTitle:   "A patch with no table (setup %s + pooled per-host rate)",
		noTableTitleKB: "%s (no table: setup %s + pooled per-host rate)",
		sep:            ", ",
		identical:      " (one table, one line)",
		extrapolated:   "extrapolated: outside %d–%d hosts per console",
		asked:          "asked fleet (label: hosts, estimate)",
		askedConsoles:  "asked fleet on %d consoles (label: hosts, estimate)",
		window:         "window %s",
		mark:           "%s hosts: %s", markConsoles: "%s hosts, %d consoles: %s",
		keyLine: "line: fitted", keyExtra: " (dashed where extrapolated)",
		keyBand: "band: %s%% prediction interval", keyPoints: "dots: published or observed times",
		keySep:    "; ",
		unbounded: "unbounded",

		tlMixed:     "Rollout calendar: %s on a mixed fleet of %s hosts (%s)",
		tlHosts:     "Rollout calendar: %s on %s hosts",
		tlHostsOf:   " (%s)",
		tlDate:      "date, %s (%s time)",
		tlDone:      "hosts done",
		tlPercent:   "hosts done, %% of %s",
		tlEstimate:  "hosts done, each window planned on the estimate",
		tlTop:       "each window planned on the top of its %s%% interval (band: between the two)",
		tlUnbounded: "top of the interval: unbounded, no band",
		tlNoTop:     "top of the interval not planned on, no band: %s",
		tlWindows:   "windows: %[1]s from %[2]s, %[3]s, %[4]s (dark: planned work)",
		tlTopOnly:   "window needed only when every window takes its top",
		tlSoak:      "soak: %s after each ring",
		tlFinish:    "last host done",
		tlDoneAt:    "done %s", tlTopAt: "top %s",
		tlRing: "Ring %d", tlPilot: " (pilot)",
		tlRingHosts: ": %s hosts",
		tlConsole:   "%d console", tlConsoles: "%d consoles",
		tlDaily: "daily", tlWeekday: "Monday to Friday",
		tlDays:   []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		tlDaySep: ", ",
	},
	"ja": {
		hosts: "コンソール1台あたりの台数", time: "予想適用時間",
		title:          "%s の予想適用時間",
		bundle:         "一括適用 %s: 各パッチの予想適用時間 (順に適用)",
		mixed:          "%s を混在環境 (%s) に適用: 各部分の予想適用時間 (順に適用)",
		noTable:        "準備時間%s + 共通の1台あたり時間",
		noTableKB:      "%s: 準備時間%s + 共通の1台あたり時間",
		noTableTitle:   "表のないパッチ (準備時間%s + 共通の1台あたり時間)",
		noTableTitleKB: "%s (表なし: 準備時間%s + 共通の1台あたり時間)",
		sep:            "、",
		identical:      " (同じ表、1本の線)",
		extrapolated:   "外挿: コンソール1台あたり%d〜%d台の範囲外",
		asked:          "指定の台数 (ラベル: 台数と予想時間)",
		askedConsoles:  "指定の台数、コンソール%d台 (ラベル: 台数と予想時間)",
		window:         "時間枠 %s",
		mark:           "%s台: %s", markConsoles: "%s台 (コンソール%d台): %s",
		keyLine: "線: あてはめた直線", keyExtra: " (破線は外挿)",
		keyBand: "帯: %s%%予測区間", keyPoints: "点: 公表値または実測値",
		keySep:    "、",
		unbounded: "上限なし",

		tlMixed:     "適用スケジュール: %s を混在環境%s台 (%s) に適用",
		tlHosts:     "適用スケジュール: %s を%s台に適用",
		tlHostsOf:   " (%s)",
		tlDate:      "日付 (%s、タイムゾーン %s)",
		tlDone:      "適用済み台数",
		tlPercent:   "適用済み (%s台中の%%)",
		tlEstimate:  "適用済み台数: 各時間枠を予想時間で計画",
		tlTop:       "各時間枠を%s%%予測区間の上限で計画 (帯: 両者の間)",
		tlUnbounded: "予測区間の上限: 上限なし (帯なし)",
		tlNoTop:     "予測区間の上限では計画できません (帯なし): %s",
		tlWindows:   "時間枠: %[3]s %[2]sから%[1]s、%[4]s (濃い部分: 予定の作業)",
		tlTopOnly:   "すべての時間枠が上限までかかるときだけ必要な時間枠",
		tlSoak:      "待機期間: 各リングの後%s",
		tlFinish:    "最後の1台の適用完了",
		tlDoneAt:    "完了 %s", tlTopAt: "上限 %s",
		tlRing: "リング%d", tlPilot: " (パイロット)",
		tlRingHosts: ": %s台",
		tlConsole:   "コンソール%d台", tlConsoles: "コンソール%d台",
		tlDaily: "毎日", tlWeekday: "平日",
		tlDays:   []string{"日", "月", "火", "水", "木", "金", "土"},
		tlDaySep: "・",
	},
}

// japaneseGlyphs are the characters of the Japanese labels: a font that
// can draw them all can draw a chart in Japanese.
var japaneseGlyphs = func() string {
	w := vocab["ja"]
	return strings.Join([]string{w.hosts, w.time, w.title, w.bundle, w.mixed, w.noTable,
		w.noTableTitle, w.noTableTitleKB, w.sep, w.identical, w.extrapolated, w.asked, w.askedConsoles,
		w.window, w.mark, w.markConsoles, w.keyLine, w.keyExtra, w.keyBand, w.keyPoints,
		w.keySep, w.unbounded, "0123456789,日時間分〜",
		w.tlMixed, w.tlHosts, w.tlDate, w.tlDone, w.tlPercent, w.tlEstimate, w.tlTop, w.tlUnbounded, w.tlNoTop,
		w.tlWindows, w.tlTopOnly, w.tlSoak, w.tlFinish, w.tlDoneAt, w.tlTopAt, w.tlRing, w.tlPilot, w.tlRingHosts,
		w.tlConsole, w.tlConsoles, w.tlDaily, w.tlWeekday, strings.Join(w.tlDays, ""), w.tlDaySep, "年月秒"}, "")
}()

// glossary puts the Japanese words of the bulletins' platform names in
// English, for fonts with no Japanese.
var glossary = strings.NewReplacer(
	"SP未適用", "no SP",
	"未適用", "not applied",
	"日本語版", "Japanese",
	"以降", " or later",
)

// Substitute is what a run of characters the chart's font cannot draw is
// replaced with, after fullwidth forms are folded and the glossary
// applied (see Printable).
const Substitute = "?"

// Printable returns s as f can draw it: s itself; else with fullwidth
// letters and digits folded to ASCII ("ＸＰ" → "XP"), the bulletins'
// Japanese words in English ("SP未適用" → "no SP", "未適用" → "not
// applied", "日本語版" → "Japanese", "以降" → " or later"), and each
// remaining run of characters f has no glyph for replaced with
// Substitute.
func Printable(s string, f *Font) string {
	if f.CanDraw(s) {
		return s
	}
	s = width.Fold.String(s)
	if f.CanDraw(s) {
		return s
	}
	s = glossary.Replace(s)
	var (
		b       strings.Builder
		buf     sfnt.Buffer
		missing bool
	)
	for _, r := range s {
		if f.has(&buf, r) {
			b.WriteRune(r)
			missing = false
		} else if !missing {
			b.WriteString(Substitute)
			missing = true
		}
	}
	return b.String()
}

// duration writes minutes as the tables do: "3h32m", "2h", "2d3h5m", or
// "3時間32分", "2日3時間5分".
func duration(minutes float64, lang string) string {
	if math.IsInf(minutes, 0) || math.IsNaN(minutes) {
		return vocab[lang].unbounded
	}
	d := time.Duration(math.Round(minutes)) * time.Minute
	if lang == "ja" {
		return durfmt.Ja(d)
	}
	return durfmt.Go(d)
}

// shortDuration writes a time axis' tick: "0", "30m", "2h", "1h30m",
// "2時間", "1時間30分".
func shortDuration(minutes float64, lang string) string {
	if math.Round(minutes) == 0 {
		return "0"
	}
	return duration(minutes, lang)
}

// groupDigits writes a whole number with its thousands grouped by
// commas, as the command's tables do in both languages: 100,000.
func groupDigits(n int) string {
	return message.NewPrinter(language.English).Sprintf("%d", n)
}

// patchName names a curve's patch in a title: "KB899588 (MS05-039)", or
// for a --setup curve what it is made of.
func patchName(c *estimate.Curve, lang string) string {
	s, w := c.Series(), vocab[lang]
	if c.Given() {
		if s.KB != "" {
			return fmt.Sprintf(w.noTableTitleKB, s.KB, duration(c.Setup(), lang))
		}
		return fmt.Sprintf(w.noTableTitle, duration(c.Setup(), lang))
	}
	n := s.KB
	if s.Bulletin != "" {
		n += " (" + s.Bulletin + ")"
	}
	return n
}

// Title is the title New gives a chart of curves when Options.Title is
// empty, in o.Lang: the patches, and for a rollout that it is a bundle
// or a mixed fleet.
func Title(curves []*estimate.Curve, o Options) string {
	lang := o.Lang
	if lang != "ja" {
		lang = "en"
	}
	w := vocab[lang]
	var names []string
	for _, c := range curves {
		if n := patchName(c, lang); n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	sep := w.sep
	if o.Rollout {
		sep = " + "
	}
	all := strings.Join(names, sep)
	switch {
	case o.Fleet != "":
		return fmt.Sprintf(w.mixed, all, o.Fleet)
	case o.Rollout && len(names) > 1:
		return fmt.Sprintf(w.bundle, all)
	}
	return fmt.Sprintf(w.title, all)
}

// curveName names one curve in a legend: "KB899588 Windows XP
// SP1/SP1a/SP2", or for a --setup curve what it is made of.
func curveName(c *estimate.Curve, lang string) string {
	s, w := c.Series(), vocab[lang]
	if c.Given() {
		if s.KB != "" {
			return fmt.Sprintf(w.noTableKB, s.KB, duration(c.Setup(), lang))
		}
		return fmt.Sprintf(w.noTable, duration(c.Setup(), lang))
	}
	name := s.Platform
	if name == "" {
		name = s.Package
	}
	return strings.TrimSpace(s.KB + " " + name)
}

// groupName names curves drawn as one: their names, the KB said once
// where they share it, and that they are identical.
func groupName(cs []*estimate.Curve, lang string) string {
	if len(cs) == 1 {
		return curveName(cs[0], lang)
	}
	w := vocab[lang]
	kb := cs[0].Series().KB
	for _, c := range cs {
		if c.Given() || c.Series().KB != kb || kb == "" {
			kb = ""
			break
		}
	}
	var names []string
	for _, c := range cs {
		n := curveName(c, lang)
		if kb != "" {
			n = strings.TrimSpace(strings.TrimPrefix(n, kb))
		}
		names = append(names, n)
	}
	all := strings.Join(names, w.sep)
	if kb != "" {
		all = kb + " " + all
	}
	return all + w.identical
}

// percent writes a level as a percentage without float noise: 0.95 → "95".
func percent(level float64) string {
	return strconv.FormatFloat(math.Round(level*1e8)/1e6, 'f', -1, 64)
}

// wrap breaks s into lines no wider than width in style sty: at spaces,
// and inside a word only where it is wider alone (Japanese has few
// spaces), not before closing punctuation.
func wrap(s string, sty text.Style, width vg.Length) []string {
	var lines []string
	line := ""
	fits := func(t string) bool { return sty.Width(t) <= width }
	for _, word := range splitWords(s) {
		switch {
		case line == "":
			line = strings.TrimLeft(word, " ")
		case fits(line + word):
			line += word
		default:
			lines = append(lines, line)
			line = strings.TrimLeft(word, " ")
		}
		for !fits(line) && len([]rune(line)) > 1 {
			// Break the word: as many runes as fit, at least one.
			rs := []rune(line)
			n := 1
			for n < len(rs) && fits(string(rs[:n+1])) {
				n++
			}
			for n > 1 && n < len(rs) && strings.ContainsRune(noBreakBefore, rs[n]) {
				n--
			}
			lines = append(lines, string(rs[:n]))
			line = string(rs[n:])
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// splitWords splits s before each space, keeping the spaces with the
// words they come before.
func splitWords(s string) []string {
	var words []string
	start := 0
	for i, r := range s {
		if i > start && r == ' ' {
			words = append(words, s[start:i])
			start = i
		}
	}
	return append(words, s[start:])
}

// noBreakBefore are the characters a line does not start with.
const noBreakBefore = ")）]」』、。，．・:：;；!！?？〜ー"

// numberTicks are the hosts axis' ticks: gonum's, labelled without
// trailing zeros, thousands grouped as the tables group them.
type numberTicks struct{}

// Ticks returns the ticks between lo and hi.
func (numberTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			v := math.Round(ticks[i].Value*1e6) / 1e6
			ticks[i].Label = strconv.FormatFloat(v, 'f', -1, 64)
			if v == math.Trunc(v) && math.Abs(v) < 1e15 {
				ticks[i].Label = groupDigits(int(v))
			}
		}
	}
	return ticks
}

// timeTicks are the time axis' ticks, minutes, at round durations
// labelled as durations, at most most labelled (8 if 0).
type timeTicks struct {
	lang string
	most int
}

// tickSteps are the steps of the time axis, minutes.
var tickSteps = []float64{1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 480, 720, 1440}

// Ticks returns the ticks between lo and hi, minutes.
func (t timeTicks) Ticks(lo, hi float64) []plot.Tick {
	most := float64(t.most)
	if most < 2 {
		most = 8
	}
	step := 0.0
	for _, s := range tickSteps {
		if (hi-lo)/s <= most {
			step = s
			break
		}
	}
	for f := 1440.0; step == 0; f *= 10 { // days: 1, 2, 5, 10, … of them
		for _, k := range []float64{1, 2, 5} {
			if (hi-lo)/(k*f) <= most && step == 0 {
				step = k * f
			}
		}
	}
	minor := step / 2
	if step == 15 || step == 180 {
		minor = step / 3
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/minor) * minor; v <= hi+1e-9*step; v += minor {
		tk := plot.Tick{Value: v}
		if math.Abs(math.Mod(v, step)) < 1e-9*step || math.Abs(math.Mod(v, step)-step) < 1e-9*step {
			tk.Label = shortDuration(v, t.lang)
		}
		ticks = append(ticks, tk)
	}
	return ticks
}
