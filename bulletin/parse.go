package bulletin

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/patchtime/patchtime/internal/clip"
)

// maxPageBytes bounds what Parse reads: a HotFix Alert page is a few tens
// of kilobytes, so anything larger is not one.
const maxPageBytes = 16 << 20

// ErrNotBulletin is the error (matched with errors.Is) Parse returns for an
// input that is not a HotFix Alert page at all: one with no 脆弱性識別番号
// field, including empty input and binary junk, or one over 16 MiB. The
// error Parse returns wraps it and says which.
var ErrNotBulletin = errors.New("not a HotFix Alert page")

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
// " |". It may also be the HTML page as a browser saves it. Lines may end
// with LF, CR LF or CR; other control characters read as spaces.
//
// The encoding is detected: a BOM says UTF-8 or UTF-16 (as Internet
// Explorer saves "Unicode"); bytes that are valid UTF-8 are UTF-8, or
// ISO-2022-JP if they hold its escapes; otherwise an HTML meta charset
// naming UTF-8 or a Japanese encoding is honoured; otherwise the bytes are
// read as EUC-JP if they are valid EUC-JP, else as whichever of UTF-8,
// Shift_JIS (CP932) and EUC-JP has the fewest invalid bytes (so a UTF-8
// page cut mid-character stays UTF-8). Invalid bytes read as U+FFFD.
// Full-width digits, letters and spaces read as ASCII ones.
//
// Parse takes the bulletin ID and KB numbers from the 脆弱性識別番号 field
// only (bulletin IDs elsewhere in the prose are ignored) and the title from
// the line after it; the selected 深刻度 level (the one line not indented
// among the four, or the level after a "→" cell); 対策; the strictest
// 再起動の必要性 statement; the right column of 対象プラットフォーム; every
// package of 適用されるファイル情報 (the tables headed ファイル名 日付 バージョン
// サイズ without 機能); and every row of every 予想適用時間 table. A table is
// found by its header, 修正プログラム名 and the fleet sizes (50台 100台 …,
// on the same line, the next one or in the following cells); its rows are
// a package file name, its (platform) and its times, and the footnote after
// them names the console and how many there were
// (1コンソールのUpdateEXPERT 6.1で…). A cell that is empty, missing, "-" or
// 対応予定 is absent: it is listed in Timing.Absent and gives no Point.
//
// A page without a 予想適用時間 table parses, with no Timings (see
// Bulletin.HasTimings). An input that is not a HotFix Alert page returns an
// error wrapping ErrNotBulletin. A malformed field or table returns a
// *ParseError naming its line; for a table that includes a header that
// cannot be read or has no rows, a row whose times decrease as the fleet
// grows, and anything that holds a time, 対応予定 or a package file name
// between the last row and the footnote (a row cut short rather than
// silently lost).
func Parse(r io.Reader) (*Bulletin, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the page: %w", err)
	}
	if len(raw) > maxPageBytes {
		return nil, fmt.Errorf("%w: larger than %d MiB", ErrNotBulletin, maxPageBytes>>20)
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

var idRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^(MS\d{2}-\d{3})((?:/(?:KB)?\d+)*)(?:\s|$)`) })

// identify sets the ID, KBs and title from the 脆弱性識別番号 field.
func (p *page) identify(b *Bulletin) error {
	i := p.find("脆弱性識別番号")
	if i < 0 {
		return fmt.Errorf("%w: no 脆弱性識別番号 field", ErrNotBulletin)
	}
	j := p.next(i)
	if j < 0 {
		return errAt(p.lines[i], "脆弱性識別番号: no value")
	}
	m := idRe().FindStringSubmatch(p.lines[j].text)
	if m == nil {
		return errAt(p.lines[j], "脆弱性識別番号: %s is not a bulletin ID like MS04-035/885881", clip.Quote(p.lines[j].text))
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

var levelRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(→\s*)?([1-4])\(`) })

// severity returns the selected 深刻度 level: the one after a "→" (in its
// own cell or before the level), else the only level line not indented.
func (p *page) severity() Severity {
	arrow, unindented, n := false, Severity(0), 0
	for _, l := range p.field("深刻度", 12) {
		if l.text == "→" {
			arrow = true
			continue
		}
		m := levelRe().FindStringSubmatch(l.text)
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
// header is 影響を受けるソフトウェア 対象プラットフォーム, on one line or two.
func (p *page) platforms() []string {
	i := 0
	for i < len(p.lines) {
		if _, ok := cutLabel(p.lines[i].text, "影響を受けるソフトウェア"); ok {
			break
		}
		i++
	}
	if i++; i < len(p.lines) && p.lines[i].text == "対象プラットフォーム" {
		i++
	}
	if i < len(p.lines) && p.lines[i].cell {
		return p.platformCells(i)
	}
	return p.platformRows(i)
}

// platformCells reads the table in the cell layout from line i: the cells
// pair up (software, platform) until an empty cell or a line that is not a
// cell.
func (p *page) platformCells(i int) []string {
	var out []string
	for ; i+1 < len(p.lines); i += 2 {
		software, platform := p.lines[i], p.lines[i+1]
		if !software.cell || !platform.cell || software.text == "" || platform.text == "" {
			break
		}
		out = append(out, platform.text)
	}
	return out
}

// platformRows reads the table in the plain layout from line i: a row a
// line, up to a blank line, a "‥‥‥" section line or a cell. See
// rightColumn for how a row splits.
func (p *page) platformRows(i int) []string {
	var out []string
	for ; i < len(p.lines); i++ {
		l := p.lines[i]
		if l.cell || l.text == "" || strings.HasPrefix(l.text, "‥") {
			break
		}
		if r, ok := rightColumn(l.text); ok {
			out = append(out, r)
		}
	}
	return out
}

// rightColumn splits a plain-layout platform row such as
// "Windows NT 4.0 Windows NT Server 4.0 SP6a" and returns its right column.
// The right column names the product again, so it starts where the row's
// first word comes again; when that word does not ("Microsoft Office XP
// Office XP SP3"), at the first word that repeats an earlier one. A row with
// no repeated word, or a line of prose (with 。 or 、), is a note and has no
// right column.
func rightColumn(s string) (string, bool) {
	if strings.ContainsAny(s, "。、") {
		return "", false
	}
	type word struct {
		text string
		at   int // byte offset in s
	}
	var words []word
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' {
			j++
		}
		if j > i {
			words = append(words, word{s[i:j], i})
		}
		i = j + 1
	}
	if len(words) == 0 {
		return "", false
	}
	for _, w := range words[1:] {
		if w.text == words[0].text {
			return s[w.at:], true
		}
	}
	seen := make(map[string]bool, len(words))
	for _, w := range words {
		if seen[w.text] {
			return s[w.at:], true
		}
		seen[w.text] = true
	}
	return "", false
}

// cutLabel reports whether text is label, alone or followed by white space
// and more, and returns the more.
func cutLabel(text, label string) (rest string, ok bool) {
	rest, ok = strings.CutPrefix(text, label)
	if !ok || rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// token is one cell of a table: a cell line, or a word of a plain line.
type token struct {
	text string
	line line
}

// words returns the words of text, which is on line l, as tokens.
func words(text string, l line) []token {
	var out []token
	for _, f := range strings.Fields(text) {
		out = append(out, token{f, l})
	}
	return out
}

// cellReader reads the cells of a table in either layout from a line on: a
// cell line is one cell, kept in position when it is empty; a plain line
// gives one cell per word; a blank plain line ends the table.
type cellReader struct {
	p     *page
	next  int     // index of the next line to read
	words []token // words of the plain line last read, not read yet
}

// read returns the next cell, or false at the end of the table.
func (r *cellReader) read() (token, bool) {
	for len(r.words) == 0 {
		if r.next >= len(r.p.lines) {
			return token{}, false
		}
		l := r.p.lines[r.next]
		switch {
		case l.cell:
			r.next++
			return token{l.text, l}, true
		case l.text == "":
			return token{}, false
		}
		r.next++
		r.words = words(l.text, l)
	}
	t := r.words[0]
	r.words = r.words[1:]
	return t, true
}

var packageHeader = [...]string{"ファイル名", "日付", "バージョン", "サイズ"}

// packages returns the packages of 適用されるファイル情報: each table headed
// ファイル名 日付 バージョン サイズ (not followed by 機能, which heads the
// per-file tables) lists packages in rows of four cells, the file name,
// date, version and size, under the platform of the "Platform:" line before
// it. Its rows go on while a row starts with a package file name.
func (p *page) packages() ([]Package, error) {
	var out []Package
	for i, l := range p.lines {
		if !strings.HasPrefix(l.text, packageHeader[0]) {
			continue
		}
		r := cellReader{p: p, next: i}
		if !r.packageHeader() {
			continue
		}
		name, ok := r.read()
		switch {
		case !ok:
			return nil, errAt(l, "適用されるファイル情報: the table ends before its package's name, date, version and size")
		case !packageRe().MatchString(name.text):
			return nil, errAt(name.line, "適用されるファイル情報: %s is not a package file name", clip.Quote(name.text))
		}
		platform := p.heading(i)
		for ok && packageRe().MatchString(name.text) {
			pkg, err := r.packageRow(platform, name)
			if err != nil {
				return nil, err
			}
			out = append(out, pkg)
			name, ok = r.read()
		}
	}
	return out, nil
}

// packageHeader reads the cells ファイル名 日付 バージョン サイズ and reports
// whether they head a package table: they do unless 機能 follows.
func (r *cellReader) packageHeader() bool {
	for _, want := range packageHeader {
		if t, ok := r.read(); !ok || t.text != want {
			return false
		}
	}
	before := *r
	if t, ok := r.read(); ok && t.text == "機能" {
		return false
	}
	*r = before
	return true
}

// packageRow reads the date, version and size that follow the file name of
// a package. An empty size cell leaves Bytes 0.
func (r *cellReader) packageRow(platform string, name token) (Package, error) {
	var t [3]token
	for i := range t {
		var ok bool
		if t[i], ok = r.read(); !ok {
			return Package{}, errAt(name.line, "適用されるファイル情報: the table ends before the date, version and size of %s", clip.Quote(name.text))
		}
	}
	pkg := Package{Platform: platform, File: name.text, Date: t[0].text, Version: t[1].text}
	if size := t[2]; size.text != "" {
		n, err := strconv.ParseInt(strings.ReplaceAll(size.text, ",", ""), 10, 64)
		if err != nil || n < 0 {
			return Package{}, errAt(size.line, "適用されるファイル情報: size %s of %s is not a number of bytes", clip.Quote(size.text), clip.Quote(name.text))
		}
		pkg.Bytes = n
	}
	return pkg, nil
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

// headerLabel starts the header line of a 予想適用時間 table.
const headerLabel = "修正プログラム名"

var (
	// packageRe matches a package file name: letters, digits and "_.+-",
	// and an extension that starts with a letter (a version such as
	// 5.0.2195.7100 is not a file name).
	packageRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.+-]*\.[A-Za-z][A-Za-z0-9]{1,3}$`)
	})
	kbRe       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)KB(\d+)`) })
	footnoteRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(\d+)\s*コンソールの\s*([A-Za-z][A-Za-z0-9]*)\s*(\d+(?:\.\d+)*)?\s*で`)
	})
	minutesRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d+分$`) })
	fleetRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{1,7})台$`) })
	timeRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\d\s*(?:分|時間)`) })
)

// isPackageRow reports whether s starts a timing row: a package file name,
// alone or followed by its "(platform)".
func isPackageRow(s string) bool {
	name, _, _ := strings.Cut(s, "(")
	return packageRe().MatchString(strings.TrimSpace(name))
}

// isAbsent reports whether a timing cell has no value.
func isAbsent(s string) bool {
	switch s {
	case "", "対応予定", "-", "−", "―", "—":
		return true
	}
	return false
}

// holdsRow reports whether s holds something of a timing row: a time (a
// number with 分 or 時間), 対応予定, or a package file name.
func holdsRow(s string) bool {
	if timeRe().MatchString(s) || strings.Contains(s, "対応予定") {
		return true
	}
	for _, f := range strings.Fields(s) {
		if packageRe().MatchString(strings.Trim(f, "()")) {
			return true
		}
	}
	return false
}

// timings returns the rows of every 予想適用時間 table. A table is found by
// its header, 修正プログラム名 and the fleet sizes (see header), wherever it
// stands: after a 予想適用時間 line, a heading such as ■予想適用時間(目安),
// or a note. A page whose 予想適用時間 section has no header (対応予定) has
// no table.
func (p *page) timings(kbs []string) ([]Timing, error) {
	var out []Timing
	for h, l := range p.lines {
		if _, ok := cutLabel(l.text, headerLabel); !ok {
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

// table reads the 予想適用時間 table whose header starts at line h: its rows,
// then its footnote. A table needs at least one row.
func (p *page) table(h int, kbs []string) ([]Timing, error) {
	sizes, k, err := p.header(h)
	if err != nil {
		return nil, err
	}
	var rows []Timing
	for k = p.next(k - 1); k >= 0 && isPackageRow(p.lines[k].text); k = p.next(k - 1) {
		row, next, err := p.row(k, sizes, kbs)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
		k = next
	}
	if len(rows) == 0 {
		return nil, errAt(p.lines[h], "予想適用時間: the table has no rows (want a package file name after the header)")
	}
	f, err := p.footnote(k, rows[len(rows)-1].Package)
	if err != nil {
		return nil, err
	}
	console, consoles := "", 1
	if f >= 0 {
		m := footnoteRe().FindStringSubmatch(p.lines[f].text)
		if consoles, err = strconv.Atoi(m[1]); err != nil || consoles < 1 {
			return nil, errAt(p.lines[f], "予想適用時間: footnote: %s is not a console count (want 1 or more)", clip.Quote(m[1]+"コンソール"))
		}
		console = strings.TrimSpace(m[2] + " " + m[3])
	}
	for i := range rows {
		rows[i].Console, rows[i].Consoles = console, consoles
	}
	return rows, nil
}

// header reads the fleet sizes of the table whose header starts at line h:
// 修正プログラム名 followed by sizes like 50台, on the same line (plain
// layout), on the next line (a header split in two), or in the cells after
// it (cell layout). It returns them in header order, with the index of the
// line after the header.
func (p *page) header(h int) ([]int, int, error) {
	hl := p.lines[h]
	rest, _ := cutLabel(hl.text, headerLabel)
	var heads []token
	next := h + 1
	switch k := p.next(h); {
	case rest != "":
		heads = words(rest, hl)
	case k >= 0 && p.lines[k].cell:
		for next = k; next < len(p.lines) && p.lines[next].cell && !isPackageRow(p.lines[next].text); next++ {
			heads = append(heads, token{p.lines[next].text, p.lines[next]})
		}
	case k >= 0 && fleetRe().MatchString(firstWord(p.lines[k].text)):
		heads, next = words(p.lines[k].text, p.lines[k]), k+1
	}
	if len(heads) == 0 {
		return nil, 0, errAt(hl, "予想適用時間: the header has no fleet sizes (want e.g. 50台 100台 250台 500台)")
	}
	sizes := make([]int, 0, len(heads))
	seen := make(map[int]bool, len(heads))
	for _, t := range heads {
		m := fleetRe().FindStringSubmatch(t.text)
		if m == nil {
			return nil, 0, errAt(t.line, "予想適用時間: header cell %s is not a fleet size like 50台", clip.Quote(t.text))
		}
		n, _ := strconv.Atoi(m[1]) // at most 7 digits
		if n == 0 {
			return nil, 0, errAt(t.line, "予想適用時間: header cell %s: a fleet size is at least 1台", clip.Quote(t.text))
		}
		if seen[n] {
			return nil, 0, errAt(t.line, "予想適用時間: fleet size %s appears twice in the header", t.text)
		}
		seen[n] = true
		sizes = append(sizes, n)
	}
	return sizes, next, nil
}

// firstWord returns the first word of s, or "".
func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// footnote returns the index of the footnote of a table whose rows end
// before line k (the first non-blank line after them, or -1): the first line
// from k on that reads like 1コンソールのUpdateEXPERT 6.1で…, before the next
// table's header; or -1 when there is none. The lines between the rows and
// the footnote, or the line after the rows when there is no footnote, must
// hold nothing of a row (see holdsRow): one that does means that the rows
// stopped early, at a times line wrapped in two or a cell that is not a time,
// and is an error naming the line where they stopped. last is the package of
// the last row read.
func (p *page) footnote(k int, last string) (int, error) {
	if k < 0 {
		return -1, nil
	}
	f := -1
	for i := k; i < len(p.lines); i++ {
		if footnoteRe().MatchString(p.lines[i].text) {
			f = i
			break
		}
		if _, ok := cutLabel(p.lines[i].text, headerLabel); ok {
			break
		}
	}
	end := f
	if f < 0 {
		end = k + 1
	}
	for i := k; i < end; i++ {
		if holdsRow(p.lines[i].text) {
			return -1, errAt(p.lines[k], "予想適用時間: %s after the row of %s is neither a row nor the table's footnote", clip.Quote(p.lines[k].text), clip.Quote(last))
		}
	}
	return f, nil
}

// row reads the timing row that starts at line k and returns it with the
// index of the line after it. The row starts with the package's file name
// and its (platform), on one line or two; its times follow. In the plain
// layout they are the next non-blank line, unless that is the next package
// or the footnote. In the cell layout (the platform ends a cell) they are
// the cells that follow, up to one per fleet size, a line that is not a
// cell, the next package or the footnote; a further cell that looks like a
// time or an absent marker is one too many. Times must not decrease as the
// fleet grows.
func (p *page) row(k int, sizes []int, kbs []string) (Timing, int, error) {
	pl := p.lines[k]
	t := Timing{Line: pl.num}
	name, platform, ok := strings.Cut(pl.text, "(")
	t.Package = strings.TrimSpace(name)
	at := k // the line that holds the (platform)
	if !ok {
		if at++; at < len(p.lines) {
			platform, ok = strings.CutPrefix(p.lines[at].text, "(")
		}
		if !ok {
			return Timing{}, 0, errAt(pl, "予想適用時間: package %s has no (platform) line under it", clip.Quote(t.Package))
		}
	}
	platform, ok = strings.CutSuffix(platform, ")")
	if !ok {
		return Timing{}, 0, errAt(p.lines[at], "予想適用時間: the (platform) of %s does not end with \")\"", clip.Quote(t.Package))
	}
	t.Platform = strings.TrimSpace(platform)
	switch m := kbRe().FindStringSubmatch(t.Package); {
	case m != nil:
		t.KB = "KB" + m[1]
	case len(kbs) == 1:
		t.KB = kbs[0]
	}

	var cells []token
	j := at + 1
	if !p.lines[at].cell {
		if n := p.next(at); n >= 0 && !isPackageRow(p.lines[n].text) && !footnoteRe().MatchString(p.lines[n].text) {
			for _, f := range cellFields(p.lines[n].text) {
				cells = append(cells, token{f, p.lines[n]})
			}
			j = n + 1
		}
	} else {
		for ; j < len(p.lines); j++ {
			l := p.lines[j]
			if !l.cell && l.text == "" {
				continue
			}
			if !l.cell || isPackageRow(l.text) || footnoteRe().MatchString(l.text) {
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
		return Timing{}, 0, errAt(cells[len(sizes)].line, "予想適用時間: row of %s has more cells than the header's %d fleet sizes", clip.Quote(t.Package), len(sizes))
	}
	var present []token // the cell of each point
	for n, size := range sizes {
		if n >= len(cells) || isAbsent(cells[n].text) {
			t.Absent = append(t.Absent, size)
			continue
		}
		d, err := ParseDuration(cells[n].text)
		if err != nil {
			return Timing{}, 0, errAt(cells[n].line, "予想適用時間: cell %s is not a duration", clip.Quote(cells[n].text))
		}
		t.Points = append(t.Points, Point{Hosts: size, Minutes: int(d / time.Minute)})
		present = append(present, cells[n])
	}
	if err := checkGrowing(t, present); err != nil {
		return Timing{}, 0, err
	}
	return t, j, nil
}

// checkGrowing checks that the times of row t do not decrease as the fleet
// grows: a console never patches more machines in less time. cells are the
// cells of t.Points.
func checkGrowing(t Timing, cells []token) error {
	order := make([]int, len(t.Points))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return t.Points[a].Hosts - t.Points[b].Hosts })
	slowest := -1 // the point with the longest time among the smaller fleets
	for _, i := range order {
		if slowest >= 0 && t.Points[i].Minutes < t.Points[slowest].Minutes {
			return errAt(cells[i].line, "予想適用時間: row of %s: %s for %d台 is less than %s for %d台 (times grow with the fleet)",
				clip.Quote(t.Package), clip.Quote(cells[i].text), t.Points[i].Hosts, clip.Quote(cells[slowest].text), t.Points[slowest].Hosts)
		}
		if slowest < 0 || t.Points[i].Minutes > t.Points[slowest].Minutes {
			slowest = i
		}
	}
	return nil
}

// cellFields splits a plain-layout row of durations into cells, keeping
// "1時間 35分" as one cell: times grow with the fleet, so a cell of whole
// hours is never followed by a cell of a few minutes.
func cellFields(s string) []string {
	f := strings.Fields(s)
	out := f[:0]
	for i := 0; i < len(f); i++ {
		if strings.HasSuffix(f[i], "時間") && i+1 < len(f) && minutesRe().MatchString(f[i+1]) {
			out = append(out, f[i]+" "+f[i+1])
			i++
			continue
		}
		out = append(out, f[i])
	}
	return out
}
