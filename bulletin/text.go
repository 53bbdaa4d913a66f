package bulletin

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/width"
)

// line is one line of a page in the line form Parse works on.
type line struct {
	num    int    // 1-based line of the source where the line starts
	text   string // width-folded, trimmed, without the cell mark
	cell   bool   // the line ends a table cell: it ended with " |"
	indent bool   // the line started with white space
}

// decode returns the page as UTF-8 text in the form pageLines reads: every
// line ends with "\n" (CR LF and a lone CR end lines too) and the other
// control characters but tab read as spaces, so that a stray NUL cannot hide
// a label.
func decode(raw []byte) string { return normalize(toUTF8(raw)) }

var (
	bomUTF8    = []byte("\xEF\xBB\xBF")
	bomUTF16LE = []byte("\xFF\xFE")
	bomUTF16BE = []byte("\xFE\xFF")
)

// toUTF8 detects the encoding as Parse documents and decodes raw with it.
// When neither a BOM, valid UTF-8 nor a meta charset settles it, the
// encoding with the fewest invalid bytes wins, UTF-8 on a tie. EUC-JP is
// tried before Shift_JIS because Japanese Shift_JIS text is practically
// never valid EUC-JP (its kana lead bytes 0x82 and 0x83 are invalid there),
// while EUC-JP text is often valid, meaningless Shift_JIS; on a tie between
// the two, Shift_JIS, the more common encoding of saved Japanese pages,
// wins.
func toUTF8(raw []byte) string {
	switch {
	case bytes.HasPrefix(raw, bomUTF8):
		return strings.ToValidUTF8(string(raw[len(bomUTF8):]), "\uFFFD")
	case bytes.HasPrefix(raw, bomUTF16LE), bytes.HasPrefix(raw, bomUTF16BE):
		return decodeWith(xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM), raw)
	case utf8.Valid(raw):
		if bytes.Contains(raw, []byte("\x1b$B")) || bytes.Contains(raw, []byte("\x1b$@")) {
			return decodeWith(japanese.ISO2022JP, raw)
		}
		return string(raw)
	}
	if enc := metaCharset(raw); enc != nil {
		return decodeWith(enc, raw)
	}
	euc := decodeWith(japanese.EUCJP, raw)
	eucBad := strings.Count(euc, "\uFFFD")
	if eucBad == 0 {
		return euc
	}
	sjis := decodeWith(japanese.ShiftJIS, raw)
	sjisBad := strings.Count(sjis, "\uFFFD")
	switch utf8Bad := invalidUTF8(raw); {
	case utf8Bad <= sjisBad && utf8Bad <= eucBad:
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	case sjisBad <= eucBad:
		return sjis
	}
	return euc
}

// invalidUTF8 counts the bytes of raw that are not part of a valid UTF-8
// sequence, much as the Japanese decoders count the bytes they replace.
func invalidUTF8(raw []byte) int {
	n := 0
	for len(raw) > 0 {
		r, size := utf8.DecodeRune(raw)
		if r == utf8.RuneError && size == 1 {
			n++
		}
		raw = raw[size:]
	}
	return n
}

// decodeWith decodes raw with e. The decoders replace invalid bytes with
// U+FFFD instead of failing; should one fail anyway, the page reads as
// empty and Parse reports it is not a bulletin.
func decodeWith(e encoding.Encoding, raw []byte) string {
	out, _ := e.NewDecoder().Bytes(raw)
	return string(out)
}

var charsetRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)<meta[^>]*charset\s*=\s*["']?([a-z0-9_.:-]+)`) })

// metaCharset returns the encoding an HTML meta tag in the first 4 KiB of
// raw names, if it is UTF-8 or a Japanese one, or nil.
func metaCharset(raw []byte) encoding.Encoding {
	m := charsetRe().FindSubmatch(raw[:min(len(raw), 4096)])
	if m == nil {
		return nil
	}
	switch strings.ToLower(string(m[1])) {
	case "utf-8", "utf8":
		return xunicode.UTF8
	case "shift_jis", "shift-jis", "sjis", "x-sjis", "windows-31j", "cp932", "ms_kanji", "csshiftjis":
		return japanese.ShiftJIS
	case "euc-jp", "x-euc-jp", "eucjp", "cseucpkdfmtjapanese":
		return japanese.EUCJP
	case "iso-2022-jp", "csiso2022jp":
		return japanese.ISO2022JP
	}
	return nil
}

// normalize ends every line of s with "\n", reading CR LF and a lone CR as
// line ends, and turns the other control characters but tab into spaces.
func normalize(s string) string {
	i := 0
	for i < len(s) && !isControl(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\r':
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case isControl(c):
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// isControl reports whether c is an ASCII control character other than tab
// and line feed. Such a byte is never part of a multi-byte UTF-8 sequence.
func isControl(c byte) bool { return c < ' ' && c != '\t' && c != '\n' || c == 0x7F }

// pageLines splits decoded text into lines; text whose first non-blank
// character is '<' is HTML and is rendered to the line form first.
func pageLines(text string) []line {
	if strings.HasPrefix(strings.TrimLeftFunc(text, unicode.IsSpace), "<") {
		return htmlLines(text)
	}
	lines := make([]line, 0, strings.Count(text, "\n")+1)
	n := 0
	for raw := range strings.Lines(text) {
		n++
		lines = append(lines, newLine(n, raw))
	}
	return lines
}

// newLine makes the line numbered num from its raw text: full-width digits,
// letters and spaces are folded to ASCII, and a trailing " |" (or a lone
// "|") marks the end of a table cell.
func newLine(num int, raw string) line {
	if needsFold(raw) {
		raw = width.Fold.String(raw)
	}
	first, _ := utf8.DecodeRuneInString(raw)
	l := line{num: num, text: strings.TrimSpace(raw), indent: unicode.IsSpace(first)}
	if before, ok := strings.CutSuffix(l.text, "|"); ok &&
		(before == "" || strings.TrimRightFunc(before, unicode.IsSpace) != before) {
		l.text, l.cell = strings.TrimSpace(before), true
	}
	return l
}

// needsFold reports whether s holds a rune width.Fold changes: the
// ideographic space or a full-width or half-width form.
func needsFold(s string) bool {
	for _, r := range s {
		if r == '\u3000' || r >= '\uFF00' && r <= '\uFFEF' {
			return true
		}
	}
	return false
}

// htmlLines renders an HTML page to the line form, the way a browser's
// "save as text" would: a table cell (<td>, <th>) becomes one line ending
// with " |", <br> and block elements break lines, other tags vanish, white
// space collapses, entities are decoded, and <script>, <style> and comments
// are dropped. Inside a cell, <br> and block elements read as spaces, so
// that `<td><div>24分</div></td>` and `<td>1時間<br>31分</td>` stay one
// cell each; a cell that holds a table is a layout cell, not data, and its
// text before the table keeps its line breaks and gets no cell mark. Each
// line keeps the source line where its text starts.
func htmlLines(src string) []line {
	w := htmlWriter{src: 1}
	for src != "" {
		lt := strings.IndexByte(src, '<')
		if lt < 0 {
			lt = len(src)
		}
		w.text(src[:lt])
		if src = src[lt:]; src != "" {
			src = w.tag(src)
		}
	}
	w.endCell()
	w.flush()
	return w.lines
}

type htmlWriter struct {
	lines  []line
	cur    strings.Builder // text of the line (or cell) being built
	curNum int             // source line where cur's text starts
	src    int             // source line being read
	space  bool            // white space seen after cur's last word
	inCell bool            // inside a <td> or <th>
	brk    bool            // in a cell: a line break seen after cur's last word
	breaks []lineBreak     // in a cell: where cur's text broke lines
}

// lineBreak is a line break inside a cell: the line that starts at byte at
// of the cell's text, on source line num.
type lineBreak struct{ at, num int }

// text writes the character data s, collapsing white space.
func (w *htmlWriter) text(s string) {
	for s != "" {
		i := 0
		for ; i < len(s) && isHTMLSpace(s[i]); i++ {
			if s[i] == '\n' {
				w.src++
			}
		}
		w.space = w.space || i > 0
		s = s[i:]
		j := 0
		for j < len(s) && !isHTMLSpace(s[j]) {
			j++
		}
		if j > 0 {
			w.word(html.UnescapeString(s[:j]))
		}
		s = s[j:]
	}
}

// word appends one word to the current line; a no-break space is a space.
// A line break pending in a cell becomes a space, and is remembered.
func (w *htmlWriter) word(s string) {
	switch {
	case w.cur.Len() == 0:
		w.curNum = w.src
	case w.brk:
		w.cur.WriteByte(' ')
		w.breaks = append(w.breaks, lineBreak{at: w.cur.Len(), num: w.src})
	case w.space:
		w.cur.WriteByte(' ')
	}
	w.space, w.brk = false, false
	w.cur.WriteString(strings.ReplaceAll(s, "\u00A0", " "))
}

// tag handles the markup at the start of s, which starts with '<', and
// returns what follows it.
func (w *htmlWriter) tag(s string) string {
	if strings.HasPrefix(s, "<!--") {
		return w.skip(s, indexEnd(s, 4, "-->"))
	}
	i := 1
	closing := i < len(s) && s[i] == '/'
	if closing {
		i++
	}
	j := i
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
		j++
	}
	if j == i && (i >= len(s) || s[i] != '!' && s[i] != '?') {
		w.word("<") // not markup: a literal '<'
		return s[1:]
	}
	name := strings.ToLower(s[i:j])
	s = w.skip(s, tagEnd(s, j))
	if !closing && (name == "script" || name == "style") {
		k := indexFold(s, "</"+name)
		if k < 0 {
			return w.skip(s, len(s))
		}
		return w.skip(s, tagEnd(s, k+2+len(name)))
	}
	switch name {
	case "td", "th":
		w.endCell()
		if !closing {
			w.flush()
			w.inCell, w.curNum = true, w.src
		}
	case "table":
		if !closing && w.inCell {
			w.endLayoutCell()
		}
		w.endCell()
		w.flush()
	case "tr", "thead", "tbody", "tfoot":
		w.endCell()
		w.flush()
	case "br", "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
		"title", "blockquote", "pre", "center", "form", "head", "body", "html":
		if w.inCell {
			w.brk = w.brk || w.cur.Len() > 0
		} else {
			w.flush()
		}
	}
	return s
}

// skip drops s[:n], counting its line breaks, and returns the rest.
func (w *htmlWriter) skip(s string, n int) string {
	w.src += strings.Count(s[:n], "\n")
	return s[n:]
}

// indexEnd returns the index just past the first end found in s at or after
// from, or len(s) when there is none.
func indexEnd(s string, from int, end string) int {
	if k := strings.Index(s[from:], end); k >= 0 {
		return from + k + len(end)
	}
	return len(s)
}

// tagEnd returns the index just past the '>' that ends the tag whose
// attributes start at s[from:], or len(s) when there is none. A '>' inside
// a quoted attribute value (summary="a>b") does not end the tag; a quote
// that is never closed is read as a plain character.
func tagEnd(s string, from int) int {
	afterEquals := false
	for i := from; i < len(s); i++ {
		switch c := s[i]; {
		case c == '>':
			return i + 1
		case (c == '"' || c == '\'') && afterEquals:
			if k := strings.IndexByte(s[i+1:], c); k >= 0 {
				i += 1 + k
			}
			afterEquals = false
		case c == '=':
			afterEquals = true
		case !isHTMLSpace(c):
			afterEquals = false
		}
	}
	return len(s)
}

// indexFold returns the index of the first ASCII-case-insensitive match of
// sub, which starts with '<', in s, or -1.
func indexFold(s, sub string) int {
	for i := 0; ; i++ {
		k := strings.IndexByte(s[i:], '<')
		if k < 0 {
			return -1
		}
		i += k
		if len(s)-i >= len(sub) && strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
}

// endCell closes an open table cell: its text becomes one line ending with
// " |", an empty cell a line "|" numbered where the cell opened.
func (w *htmlWriter) endCell() {
	if !w.inCell {
		return
	}
	if w.cur.Len() > 0 {
		w.cur.WriteByte(' ')
	}
	w.cur.WriteByte('|')
	w.lines = append(w.lines, newLine(w.curNum, w.cur.String()))
	w.reset()
}

// endLayoutCell ends a cell that turns out to hold a table: its text so far
// becomes plain lines, broken where the cell's text broke lines.
func (w *htmlWriter) endLayoutCell() {
	text, start, num := w.cur.String(), 0, w.curNum
	for _, b := range w.breaks {
		w.addLine(num, text[start:b.at])
		start, num = b.at, b.num
	}
	w.addLine(num, text[start:])
	w.reset()
}

// flush ends the current line; blank lines are dropped.
func (w *htmlWriter) flush() {
	w.addLine(w.curNum, w.cur.String())
	w.reset()
}

// addLine appends the line numbered num with text t, unless t is blank.
func (w *htmlWriter) addLine(num int, t string) {
	if strings.TrimSpace(t) != "" {
		w.lines = append(w.lines, newLine(num, t))
	}
}

// reset starts a new line outside any cell.
func (w *htmlWriter) reset() {
	w.cur.Reset()
	w.space, w.brk, w.inCell = false, false, false
	w.breaks = w.breaks[:0]
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}
