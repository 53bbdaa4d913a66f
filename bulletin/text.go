package bulletin

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/width"
)

// line is one line of a page in the line form Parse works on.
type line struct {
	num    int    // 1-based line of the source where the line starts
	text   string // width-folded, trimmed, without the cell mark
	cell   bool   // the line ends a table cell: it ended with " |"
	indent bool   // the line started with white space
}

// decode returns the page as UTF-8 text, detecting the encoding as Parse
// documents. EUC-JP is tried before Shift_JIS because Japanese Shift_JIS
// text is practically never valid EUC-JP (its kana lead bytes 0x82 and 0x83
// are invalid there), while EUC-JP text is often valid, meaningless
// Shift_JIS; on a tie in invalid bytes Shift_JIS, the more common encoding
// of saved Japanese pages, wins.
func decode(raw []byte) string {
	raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))
	if utf8.Valid(raw) {
		if bytes.Contains(raw, []byte("\x1b$B")) || bytes.Contains(raw, []byte("\x1b$@")) {
			return decodeWith(japanese.ISO2022JP, raw)
		}
		return string(raw)
	}
	if enc := metaCharset(raw); enc != nil {
		return decodeWith(enc, raw)
	}
	euc := decodeWith(japanese.EUCJP, raw)
	bad := strings.Count(euc, "\uFFFD")
	if bad == 0 {
		return euc
	}
	if sjis := decodeWith(japanese.ShiftJIS, raw); strings.Count(sjis, "\uFFFD") <= bad {
		return sjis
	}
	return euc
}

// decodeWith decodes raw with e. The Japanese decoders replace invalid bytes
// with U+FFFD instead of failing; should one fail anyway, the page reads as
// empty and Parse reports it is not a bulletin.
func decodeWith(e encoding.Encoding, raw []byte) string {
	out, _ := e.NewDecoder().Bytes(raw)
	return string(out)
}

var charsetRe = regexp.MustCompile(`(?i)<meta[^>]*charset\s*=\s*["']?([a-z0-9_.:-]+)`)

// metaCharset returns the Japanese encoding an HTML meta tag in the first
// 4 KiB of raw names, or nil.
func metaCharset(raw []byte) encoding.Encoding {
	m := charsetRe.FindSubmatch(raw[:min(len(raw), 4096)])
	if m == nil {
		return nil
	}
	switch strings.ToLower(string(m[1])) {
	case "shift_jis", "shift-jis", "sjis", "x-sjis", "windows-31j", "cp932", "ms_kanji", "csshiftjis":
		return japanese.ShiftJIS
	case "euc-jp", "x-euc-jp", "eucjp", "cseucpkdfmtjapanese":
		return japanese.EUCJP
	case "iso-2022-jp", "csiso2022jp":
		return japanese.ISO2022JP
	}
	return nil
}

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
// "save as text" would: a table cell (<td>, <th>) ends with " |" and a line
// break, <br> and block elements break lines, other tags vanish, white
// space collapses, entities are decoded, and <script>, <style> and comments
// are dropped. Each line keeps the source line where its text starts.
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
	cur    strings.Builder // text of the line being built
	curNum int             // source line where cur's text starts
	src    int             // source line being read
	space  bool            // white space seen after cur's last word
	inCell bool            // inside a <td> or <th>
}

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
func (w *htmlWriter) word(s string) {
	if w.cur.Len() == 0 {
		w.curNum = w.src
	} else if w.space {
		w.cur.WriteByte(' ')
	}
	w.space = false
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
	s = w.skip(s, indexEnd(s, j, ">"))
	if !closing && (name == "script" || name == "style") {
		k := indexFold(s, "</"+name)
		if k < 0 {
			return w.skip(s, len(s))
		}
		return w.skip(s, indexEnd(s, k, ">"))
	}
	switch name {
	case "td", "th":
		w.endCell()
		if !closing {
			w.flush()
			w.inCell, w.curNum = true, w.src
		}
	case "tr", "table", "thead", "tbody", "tfoot":
		w.endCell()
		w.flush()
	case "br", "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
		"title", "blockquote", "pre", "center", "form", "head", "body", "html":
		w.flush()
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

// endCell closes an open table cell: its text becomes a line ending with
// " |", an empty cell a line "|" numbered where the cell opened.
func (w *htmlWriter) endCell() {
	if !w.inCell {
		return
	}
	w.inCell = false
	if w.cur.Len() > 0 {
		w.cur.WriteByte(' ')
	}
	w.cur.WriteByte('|')
	w.lines = append(w.lines, newLine(w.curNum, w.cur.String()))
	w.cur.Reset()
	w.space = false
}

// flush ends the current line; blank lines are dropped.
func (w *htmlWriter) flush() {
	if t := w.cur.String(); strings.TrimSpace(t) != "" {
		w.lines = append(w.lines, newLine(w.curNum, t))
	}
	w.cur.Reset()
	w.space = false
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}
