package bulletin

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxPageBytes bounds what Parse reads: a HotFix Alert page is a few tens
// of kilobytes, so anything larger is not one.
const maxPageBytes = 16 << 20

// ErrNotBulletin is the error (matched with errors.Is) Parse returns for an
// input that is not a HotFix Alert page at all: one with no 脆弱性識別番号
// field, including empty input and binary junk, or one over 16 MiB.
var ErrNotBulletin = errors.New("not a HotFix Alert page: no 脆弱性識別番号 field")

// ParseError reports a malformed field or table of a page and the line it
// is on, like encoding/csv.ParseError. Its message reads e.g.
// `line 143: 予想適用時間: cell "1時間xx分" is not a duration`.
type ParseError struct {
	Line int   // 1-based line of the page (of the HTML source for HTML pages)
	Err  error // what is wrong
}

// Error returns the message with its line, "line N: …".
func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns e.Err.
func (e *ParseError) Unwrap() error { return e.Err }

func errAt(l line, format string, args ...any) error {
	return &ParseError{Line: l.num, Err: fmt.Errorf(format, args...)}
}

// Parse reads one HotFix Alert page and returns what it says.
//
// The page may be text extracted from the web page, in either of two
// layouts: plain lines (a table row's cells separated by spaces; a cell
// "1時間 35分" stays one cell) or lines where each table cell ends with
// " |". It may also be the HTML page as a browser saves it. The encoding is
// detected: bytes that are valid UTF-8 (after an optional BOM) are UTF-8,
// or ISO-2022-JP if they hold its escapes; otherwise an HTML meta charset
// naming a Japanese encoding is honoured; otherwise the bytes are read as
// EUC-JP if they are valid EUC-JP, else as whichever of Shift_JIS (CP932)
// and EUC-JP has fewer invalid bytes. Full-width digits, letters and spaces
// read as ASCII ones.
//
// Parse takes the bulletin ID and KB numbers from the 脆弱性識別番号 field
// only (bulletin IDs elsewhere in the prose are ignored) and the title from
// the line after it; the selected 深刻度 level (the one line not indented
// among the four, or the level after a "→" cell); 対策; the strictest
// 再起動の必要性 statement; the right column of 対象プラットフォーム; each
// package of 適用されるファイル情報 (the tables headed ファイル名 日付 バージョン
// サイズ without 機能); and every row of every 予想適用時間 table, with the
// fleet sizes read from the table's header and the console from the
// footnote after it (1コンソールのUpdateEXPERT 6.1で…; Console is empty when
// there is none). A cell that is empty, missing, "-" or 対応予定 is absent:
// it is listed in Timing.Absent and gives no Point.
//
// A page without a 予想適用時間 table parses, with no Timings (see
// Bulletin.HasTimings). An input that is not a HotFix Alert page returns
// ErrNotBulletin; a malformed field or table returns a *ParseError naming
// its line.
func Parse(r io.Reader) (*Bulletin, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the page: %w", err)
	}
	if len(raw) > maxPageBytes {
		return nil, fmt.Errorf("page larger than %d MiB: %w", maxPageBytes>>20, ErrNotBulletin)
	}
	p := page{lines: pageLines(decode(raw))}
	return p.bulletin()
}

// page is a page in the line form.
type page struct{ lines []line }

func (p *page) bulletin() (*Bulletin, error) {
	b := &Bulletin{}
	if err := p.identify(b); err != nil {
		return nil, err
	}
	b.Severity = p.severity()
	if v := p.field("対策", 1); len(v) == 1 {
		b.Urgency = v[0].text
	}
	b.Reboot = p.reboot()
	b.Platforms = p.platforms()
	var err error
	if b.Packages, err = p.packages(); err != nil {
		return nil, err
	}
	if b.Timings, err = p.timings(b.KBs); err != nil {
		return nil, err
	}
	return b, nil
}

// fieldLabels are the labels of the fields at the top of a page.
var fieldLabels = map[string]bool{
	"深刻度": true, "攻撃コードの有無": true, "対策": true, "再起動の必要性": true,
	"アンインストール": true, "対象環境": true, "セキュリティ情報": true, "サポート技術情報": true,
	"よく寄せられる質問": true, "含まれる過去の修正": true, "脆弱性識別番号": true,
}

// find returns the index of the first line whose text is label, or -1.
func (p *page) find(label string) int {
	for i, l := range p.lines {
		if l.text == label {
			return i
		}
	}
	return -1
}

// next returns the index of the first non-blank line after i, or -1.
func (p *page) next(i int) int {
	for i++; i < len(p.lines); i++ {
		if p.lines[i].text != "" {
			return i
		}
	}
	return -1
}

// field returns up to limit non-blank lines of the value of the field
// labelled label: the lines after the label up to the next field label.
func (p *page) field(label string, limit int) []line {
	var out []line
	for i := p.find(label); i >= 0 && len(out) < limit; {
		if i = p.next(i); i < 0 || fieldLabels[p.lines[i].text] {
			break
		}
		out = append(out, p.lines[i])
	}
	return out
}

var idRe = regexp.MustCompile(`^(?i)(MS\d{2}-\d{3})((?:/(?:KB)?\d+)*)(?:\s|$)`)

// identify sets the ID, KBs and title from the 脆弱性識別番号 field.
func (p *page) identify(b *Bulletin) error {
	i := p.find("脆弱性識別番号")
	if i < 0 {
		return ErrNotBulletin
	}
	j := p.next(i)
	if j < 0 {
		return errAt(p.lines[i], "脆弱性識別番号: no value")
	}
	m := idRe.FindStringSubmatch(p.lines[j].text)
	if m == nil {
		return errAt(p.lines[j], "脆弱性識別番号: %q is not a bulletin ID like MS04-035/885881", p.lines[j].text)
	}
	b.ID = strings.ToUpper(m[1])
	for _, kb := range strings.Split(m[2], "/")[1:] {
		b.KBs = append(b.KBs, "KB"+strings.TrimPrefix(strings.ToUpper(kb), "KB"))
	}
	if t := p.next(j); t >= 0 && !fieldLabels[p.lines[t].text] {
		b.Title = p.lines[t].text
	}
	return nil
}

var levelRe = regexp.MustCompile(`^(→\s*)?([1-4])\(`)

// severity returns the selected 深刻度 level: the one after a "→" (in its
// own cell or before the level), else the only level line not indented.
func (p *page) severity() Severity {
	arrow, unindented, n := false, Severity(0), 0
	for _, l := range p.field("深刻度", 12) {
		if l.text == "→" {
			arrow = true
			continue
		}
		m := levelRe.FindStringSubmatch(l.text)
		if m == nil {
			continue
		}
		s := Severity(m[2][0] - '0')
		if arrow || m[1] != "" {
			return s
		}
		if !l.indent {
			unindented, n = s, n+1
		}
	}
	if n == 1 {
		return unindented
	}
	return 0
}

// reboot returns the strictest statement of 再起動の必要性, which may hold one
// statement per product ("Exchange Server 2003:不要(…)", "必要").
func (p *page) reboot() Reboot {
	r := RebootUnknown
	for _, l := range p.field("再起動の必要性", 8) {
		if s := rebootOf(l.text); strictness[s] > strictness[r] {
			r = s
		}
	}
	return r
}

// strictness orders reboot statements; the strictest one on a page wins.
var strictness = map[Reboot]int{RebootNone: 1, RebootConditional: 2, RebootRequired: 3}

// rebootOf reads one statement, after an optional "product:" prefix:
// 必要 or あり is required, conditional when the statement goes on to say
// 不要 (e.g. あり(ファイルが使用されていない場合、再起動不要)); 不要, なし and
// 必要なし are none; anything else is unknown.
func rebootOf(s string) Reboot {
	if product, rest, ok := strings.Cut(s, ":"); ok && !strings.Contains(product, "(") {
		s = strings.TrimSpace(rest)
	}
	switch {
	case strings.HasPrefix(s, "必要なし"), strings.HasPrefix(s, "不要"), strings.HasPrefix(s, "なし"):
		return RebootNone
	case strings.HasPrefix(s, "必要"), strings.HasPrefix(s, "あり"):
		if strings.Contains(s, "不要") {
			return RebootConditional
		}
		return RebootRequired
	}
	return RebootUnknown
}

// platforms returns the right column of the 対象プラットフォーム table, whose
// header is 影響を受けるソフトウェア 対象プラットフォーム. In the cell layout
// the cells pair up until an empty cell or a line that is not a cell; in the
// plain layout each row is one line, up to a blank line, a "‥‥‥" section
// line or a cell (see rightColumn).
func (p *page) platforms() []string {
	i := 0
	for ; i < len(p.lines); i++ {
		if t := p.lines[i].text; t == "影響を受けるソフトウェア" || strings.HasPrefix(t, "影響を受けるソフトウェア ") {
			break
		}
	}
	if i++; i < len(p.lines) && p.lines[i].text == "対象プラットフォーム" {
		i++
	}
	var out []string
	for cells := i < len(p.lines) && p.lines[i].cell; i < len(p.lines) && p.lines[i].cell == cells; i++ {
		l := p.lines[i]
		if cells {
			if l.text == "" || i+1 == len(p.lines) || !p.lines[i+1].cell || p.lines[i+1].text == "" {
				break
			}
			i++
			out = append(out, p.lines[i].text)
			continue
		}
		if l.text == "" || strings.HasPrefix(l.text, "‥") {
			break
		}
		if r, ok := rightColumn(l.text); ok {
			out = append(out, r)
		}
	}
	return out
}

// rightColumn splits a plain-layout platform row such as
// "Windows NT 4.0 Windows NT Server 4.0 SP6a": the right column starts where
// the row's first word comes again. A row where it does not, or a line of
// prose (with 。 or 、), is a note and has no right column.
func rightColumn(s string) (string, bool) {
	first, _, _ := strings.Cut(s, " ")
	k := strings.Index(s, " "+first)
	if k < 0 || strings.ContainsAny(s, "。、") {
		return "", false
	}
	return s[k+1:], true
}

// token is one cell of a table: a cell line, or a word of a plain line.
type token struct {
	text string
	line line
}

// tokens returns up to limit non-empty cells from line i on.
func (p *page) tokens(i, limit int) []token {
	var out []token
	for ; i < len(p.lines) && len(out) < limit; i++ {
		l := p.lines[i]
		if l.cell {
			if l.text != "" {
				out = append(out, token{l.text, l})
			}
			continue
		}
		for _, f := range strings.Fields(l.text) {
			if len(out) < limit {
				out = append(out, token{f, l})
			}
		}
	}
	return out
}

var packageHeader = [...]string{"ファイル名", "日付", "バージョン", "サイズ"}

// packages returns the packages of 適用されるファイル情報: each table headed
// ファイル名 日付 バージョン サイズ (not followed by 機能, which heads the
// per-file tables) gives the package in its next four cells, under the
// platform of the "Platform:" line before it.
func (p *page) packages() ([]Package, error) {
	var out []Package
	for i, l := range p.lines {
		if !strings.HasPrefix(l.text, packageHeader[0]) {
			continue
		}
		t := p.tokens(i, 8)
		if len(t) < 4 || t[0].text != packageHeader[0] || t[1].text != packageHeader[1] ||
			t[2].text != packageHeader[2] || t[3].text != packageHeader[3] || len(t) > 4 && t[4].text == "機能" {
			continue
		}
		if len(t) < 8 {
			return nil, errAt(l, "適用されるファイル情報: the table ends before its package's name, date, version and size")
		}
		size, err := strconv.ParseInt(strings.ReplaceAll(t[7].text, ",", ""), 10, 64)
		if err != nil || size < 0 {
			return nil, errAt(t[7].line, "適用されるファイル情報: size %q of %s is not a number of bytes", t[7].text, t[4].text)
		}
		out = append(out, Package{Platform: p.heading(i), File: t[4].text, Date: t[5].text, Version: t[6].text, Bytes: size})
	}
	return out, nil
}

// heading returns the platform of a "Windows 2000 SP4:" line just before
// line i, or "".
func (p *page) heading(i int) string {
	i--
	for i >= 0 && p.lines[i].text == "" {
		i--
	}
	if i < 0 {
		return ""
	}
	h, ok := strings.CutSuffix(p.lines[i].text, ":")
	if !ok {
		return ""
	}
	return strings.TrimSpace(strings.TrimPrefix(h, "・"))
}

var (
	packageRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*\.[A-Za-z0-9]{2,4}$`)
	kbRe       = regexp.MustCompile(`(?i)KB(\d+)`)
	footnoteRe = regexp.MustCompile(`^\d+\s*コンソールの\s*([A-Za-z][A-Za-z0-9]*)\s*(\d+(?:\.\d+)*)?\s*で`)
	minutesRe  = regexp.MustCompile(`^\d+分$`)
	fleetRe    = regexp.MustCompile(`^(\d{1,7})台$`)
)

// isPackageRow reports whether s starts a timing row: a package file name,
// alone or followed by its "(platform)".
func isPackageRow(s string) bool {
	name, _, _ := strings.Cut(s, "(")
	return packageRe.MatchString(strings.TrimSpace(name))
}

// isAbsent reports whether a timing cell has no value.
func isAbsent(s string) bool {
	switch s {
	case "", "対応予定", "-", "−", "―", "—":
		return true
	}
	return false
}

// timings returns the rows of every 予想適用時間 table. A 予想適用時間 line not
// followed by a 修正プログラム名 header has no table.
func (p *page) timings(kbs []string) ([]Timing, error) {
	var out []Timing
	for i, l := range p.lines {
		if l.text != "予想適用時間" {
			continue
		}
		h := p.next(i)
		if h < 0 || p.lines[h].text != "修正プログラム名" && !strings.HasPrefix(p.lines[h].text, "修正プログラム名 ") {
			continue
		}
		rows, err := p.table(h, kbs)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

// table reads the 予想適用時間 table whose header is line h.
func (p *page) table(h int, kbs []string) ([]Timing, error) {
	hl := p.lines[h]
	plain := !hl.cell
	var heads []token
	k := h + 1
	if plain {
		for _, f := range strings.Fields(hl.text)[1:] {
			heads = append(heads, token{f, hl})
		}
	} else {
		for ; k < len(p.lines) && p.lines[k].cell && !isPackageRow(p.lines[k].text); k++ {
			heads = append(heads, token{p.lines[k].text, p.lines[k]})
		}
	}
	if len(heads) == 0 {
		return nil, errAt(hl, "予想適用時間: the header has no fleet sizes (want e.g. 50台 100台 250台 500台)")
	}
	sizes := make([]int, 0, len(heads))
	for _, t := range heads {
		m := fleetRe.FindStringSubmatch(t.text)
		if m == nil {
			return nil, errAt(t.line, "予想適用時間: header cell %q is not a fleet size like 50台", t.text)
		}
		n, _ := strconv.Atoi(m[1]) // at most 7 digits
		if n == 0 {
			return nil, errAt(t.line, "予想適用時間: header cell %q: a fleet size is at least 1台", t.text)
		}
		if slices.Contains(sizes, n) {
			return nil, errAt(t.line, "予想適用時間: fleet size %s appears twice in the header", t.text)
		}
		sizes = append(sizes, n)
	}
	var rows []Timing
	for k = p.next(k - 1); k >= 0 && isPackageRow(p.lines[k].text); k = p.next(k - 1) {
		row, next, err := p.row(k, plain, sizes, kbs)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
		k = next
	}
	if k >= 0 {
		if m := footnoteRe.FindStringSubmatch(p.lines[k].text); m != nil {
			console := strings.TrimSpace(m[1] + " " + m[2])
			for i := range rows {
				rows[i].Console = console
			}
		}
	}
	return rows, nil
}

// row reads the timing row that starts at line k and returns it with the
// index of the line after it. In the plain layout the row's cells are the
// line after its platform line, unless that is the next package or the
// footnote. In the cell layout they are the cells that follow, up to one per
// fleet size, a line that is not a cell, the next package or the footnote; a
// further cell that looks like a time or an absent marker is one too many.
func (p *page) row(k int, plain bool, sizes []int, kbs []string) (Timing, int, error) {
	pl := p.lines[k]
	t := Timing{Line: pl.num}
	name, platform, ok := strings.Cut(pl.text, "(")
	t.Package = strings.TrimSpace(name)
	j := k + 1
	if !ok {
		if j < len(p.lines) {
			platform, ok = strings.CutPrefix(p.lines[j].text, "(")
			j++
		}
		if !ok || !strings.HasSuffix(platform, ")") {
			return Timing{}, 0, errAt(pl, "予想適用時間: package %s has no (platform) line under it", t.Package)
		}
	}
	t.Platform = strings.TrimSpace(strings.TrimSuffix(platform, ")"))
	if m := kbRe.FindStringSubmatch(t.Package); m != nil {
		t.KB = "KB" + m[1]
	} else if len(kbs) > 0 {
		t.KB = kbs[0]
	}

	var cells []token
	if plain {
		if j < len(p.lines) && p.lines[j].text != "" && !isPackageRow(p.lines[j].text) && !footnoteRe.MatchString(p.lines[j].text) {
			for _, f := range cellFields(p.lines[j].text) {
				cells = append(cells, token{f, p.lines[j]})
			}
			j++
		}
	} else {
		for ; j < len(p.lines); j++ {
			l := p.lines[j]
			if !l.cell || isPackageRow(l.text) || footnoteRe.MatchString(l.text) {
				break
			}
			if len(cells) == len(sizes) {
				if strings.Contains(l.text, "分") || strings.Contains(l.text, "時間") || l.text != "" && isAbsent(l.text) {
					cells = append(cells, token{l.text, l}) // one too many
				}
				break
			}
			cells = append(cells, token{l.text, l})
		}
	}
	if len(cells) > len(sizes) {
		return Timing{}, 0, errAt(cells[len(sizes)].line, "予想適用時間: row of %s has more cells than the header's %d fleet sizes", t.Package, len(sizes))
	}
	for n, size := range sizes {
		if n >= len(cells) || isAbsent(cells[n].text) {
			t.Absent = append(t.Absent, size)
			continue
		}
		d, err := ParseDuration(cells[n].text)
		if err != nil {
			return Timing{}, 0, errAt(cells[n].line, "予想適用時間: cell %q is not a duration", cells[n].text)
		}
		t.Points = append(t.Points, Point{Hosts: size, Minutes: int(d / time.Minute)})
	}
	return t, j, nil
}

// cellFields splits a plain-layout row of durations into cells, keeping
// "1時間 35分" as one cell: times grow with the fleet, so a cell of whole
// hours is never followed by a cell of a few minutes.
func cellFields(s string) []string {
	f := strings.Fields(s)
	out := f[:0]
	for i := 0; i < len(f); i++ {
		if strings.HasSuffix(f[i], "時間") && i+1 < len(f) && minutesRe.MatchString(f[i+1]) {
			out = append(out, f[i]+" "+f[i+1])
			i++
			continue
		}
		out = append(out, f[i])
	}
	return out
}
