package bulletin

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	xunicode "golang.org/x/text/encoding/unicode"
)

// cloneBulletin returns a deep copy of b, for expectations that differ from
// a fixture's in a field or two.
func cloneBulletin(b *Bulletin) *Bulletin {
	c := *b
	c.KBs = slices.Clone(b.KBs)
	c.Platforms = slices.Clone(b.Platforms)
	c.Packages = slices.Clone(b.Packages)
	c.Timings = slices.Clone(b.Timings)
	for i := range c.Timings {
		c.Timings[i].Points = slices.Clone(c.Timings[i].Points)
		c.Timings[i].Absent = slices.Clone(c.Timings[i].Absent)
	}
	return &c
}

// want returns a copy of b changed by change.
func want(b *Bulletin, change func(*Bulletin)) *Bulletin {
	c := cloneBulletin(b)
	change(c)
	return c
}

// encodeUTF16 returns data in UTF-16 with a BOM, as Internet Explorer saves
// "Unicode" text.
func encodeUTF16(e xunicode.Endianness) func(t *testing.T, data []byte) []byte {
	return func(t *testing.T, data []byte) []byte {
		out, err := xunicode.UTF16(e, xunicode.UseBOM).NewEncoder().Bytes(data)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
}

// TestParseEdits parses fixtures edited in memory into what the reviews of
// the parser found hard: each page must still give everything it says. The
// expected values were worked out by hand from the fixtures and the edits.
func TestParseEdits(t *testing.T) {
	const (
		row1 = "Windows2000-KB914321-x86-JPN.EXE\n(Windows 2000 SP4)\n14分 23分 48分 1時間30分\n"
		row2 = "WindowsXP-KB914321-x86-JPN.exe\n(Windows XP Professional SP2)\n16分 25分 50分 1時間32分\n"
	)
	for _, tc := range []struct {
		name string
		page func(t *testing.T) []byte
		want *Bulletin
	}{
		// Encodings and line ends.
		{"stray byte in UTF-8", edit("plain.txt", "(C)", "\xA9"), wantPlain},
		{"UTF-8 cut mid-character", func(t *testing.T) []byte {
			data := readFixture(t, "plain.txt")
			if !bytes.HasSuffix(data, []byte("。\n")) {
				t.Fatal("plain.txt no longer ends with 。")
			}
			return data[:len(data)-3] // the first byte of 。 is left
		}, wantPlain},
		{"UTF-16LE with BOM", func(t *testing.T) []byte {
			return encodeUTF16(xunicode.LittleEndian)(t, readFixture(t, "plain.txt"))
		}, wantPlain},
		{"UTF-16BE with BOM", func(t *testing.T) []byte {
			return encodeUTF16(xunicode.BigEndian)(t, readFixture(t, "plain.txt"))
		}, wantPlain},
		{"UTF-16LE HTML with BOM", func(t *testing.T) []byte {
			return encodeUTF16(xunicode.LittleEndian)(t, readFixture(t, "page.html"))
		}, wantPage},
		{"CR line ends", func(t *testing.T) []byte {
			return bytes.ReplaceAll(readFixture(t, "plain.txt"), []byte("\n"), []byte("\r"))
		}, wantPlain},
		{"NUL in the header", edit("plain.txt", "修正プログラム名 50台", "修正プログラム名\x0050台"), wantPlain},
		{"NUL after a label", edit("plain.txt", "予想適用時間\n", "予想適用時間\x00\n"), wantPlain},
		{"NULs before the page", func(t *testing.T) []byte {
			return append(make([]byte, 10), readFixture(t, "plain.txt")...)
		}, wantPlain},

		// HTML.
		{"html: blocks and breaks inside cells", func(t *testing.T) []byte {
			page := string(edit("page.html", "<td>24分</td>", `<td><div align="center">24分</div></td>`)(t))
			page = strings.Replace(page, "<td>1時間31分</td>", "<td>1時間<br>31分</td>", 1)
			return []byte(strings.Replace(page, "<td>17分</td><td>26分</td>", "<td><p>17分</p></td><td><P>26分<BR></P></td>", 1))
		}, wantPage},
		{"html: > in quoted attributes", edit("page.html", `<table class="timing">`, `<table class="timing" summary="a>b" title='c > d'>`), wantPage},
		{"html: empty date cell", edit("page.html", "<td>2006/09/20</td>", "<td></td>"),
			want(wantPage, func(b *Bulletin) { b.Packages[0].Date = "" })},

		// Finding tables.
		{"heading ■予想適用時間(目安)", edit("plain.txt", "予想適用時間\n\n修正プログラム名", "■予想適用時間(目安)\n\n修正プログラム名"), wantPlain},
		{"note before the header", edit("plain.txt", "予想適用時間\n\n修正プログラム名", "予想適用時間\n値は架空の目安。\n修正プログラム名"), wantPlain},
		{"header split over two lines", edit("plain.txt", "修正プログラム名 50台", "修正プログラム名\n50台"),
			want(wantPlain, func(b *Bulletin) { b.Timings[0].Line, b.Timings[1].Line = 67, 70 })},
		{"fleet sizes in descending order", func(t *testing.T) []byte {
			page := string(edit("plain.txt", "50台 100台 250台 500台", "500台 250台 100台 50台")(t))
			page = strings.Replace(page, "14分 23分 48分 1時間30分", "1時間30分 48分 23分 14分", 1)
			return []byte(strings.Replace(page, "16分 25分 50分 1時間32分", "1時間32分 50分 25分 16分", 1))
		}, want(wantPlain, func(b *Bulletin) {
			b.Timings[0].Points = pts(500, 90, 250, 48, 100, 23, 50, 14)
			b.Timings[1].Points = pts(500, 92, 250, 50, 100, 25, 50, 16)
		})},

		// Rows.
		{"blank line before the times", edit("plain.txt", "(Windows 2000 SP4)\n14分", "(Windows 2000 SP4)\n\n14分"),
			want(wantPlain, func(b *Bulletin) { b.Timings[1].Line = 70 })},
		{"cells: blank line before the times", edit("cells.txt", "(Windows Server 2003 SP1) |\n", "(Windows Server 2003 SP1) |\n\n"),
			want(wantCells, func(b *Bulletin) { b.Timings[1].Line = 97 })},
		{"package and platform on one line", edit("plain.txt", "WindowsXP-KB914321-x86-JPN.exe\n(Windows", "WindowsXP-KB914321-x86-JPN.exe (Windows"), wantPlain},
		{"no KB in the name, one KB in the bulletin", edit("plain.txt", "Windows2000-KB914321-x86-JPN.EXE\n(", "Windows2000-Rollup-x86-JPN.EXE\n("),
			want(wantPlain, func(b *Bulletin) { b.Timings[0].Package = "Windows2000-Rollup-x86-JPN.EXE" })},
		{"rows in reverse order", edit("plain.txt", row1+row2, row2+row1), want(wantPlain, func(b *Bulletin) {
			b.Timings[0], b.Timings[1] = b.Timings[1], b.Timings[0]
			b.Timings[0].Line, b.Timings[1].Line = 66, 69
		})},

		// Footnotes.
		{"two consoles", edit("plain.txt", "1コンソールの", "２コンソールの"), want(wantPlain, func(b *Bulletin) {
			b.Timings[0].Consoles, b.Timings[1].Consoles = 2, 2
		})},
		{"no footnote", edit("plain.txt", "1コンソールのUpdateEXPERT 6.1で配り終えるまでの目安として書いた架空の値。", "注記なし"),
			want(wantPlain, func(b *Bulletin) { b.Timings[0].Console, b.Timings[1].Console = "", "" })},

		// Packages and platforms.
		{"two packages in one table", edit("plain.txt", "702,312\n", "702,312\nWindows2000-KB914321-ia64-JPN.EXE 2006/05/30 1.0.0.1\n1,048,576\n"),
			want(wantPlain, func(b *Bulletin) {
				b.Packages = slices.Insert(b.Packages, 1, Package{Platform: "Windows 2000 SP4",
					File: "Windows2000-KB914321-ia64-JPN.EXE", Date: "2006/05/30", Version: "1.0.0.1", Bytes: 1048576})
				b.Timings[0].Line, b.Timings[1].Line = 68, 71
			})},
		{"cells: two packages in one table", edit("cells.txt", "1,204,480 |\n", "1,204,480 |\nWindowsServer2003-KB915002-ia64-JPN.exe |\n2006/08/04 |\n1.0.0.2 |\n2,048,000 |\n"),
			want(wantCells, func(b *Bulletin) {
				b.Packages = slices.Insert(b.Packages, 1, Package{Platform: "Windows Server 2003 SP1",
					File: "WindowsServer2003-KB915002-ia64-JPN.exe", Date: "2006/08/04", Version: "1.0.0.2", Bytes: 2048000})
				b.Timings[0].Line, b.Timings[1].Line = 94, 100
			})},
		{"platform row whose first word does not repeat", edit("plain.txt", "Windows XP Windows XP Professional SP2", "Microsoft Windows XP Windows XP Professional SP2"), wantPlain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseBytes(tc.page(t))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	_, err := Parse(strings.NewReader(strings.Repeat(" ", maxPageBytes+1)))
	if !errors.Is(err, ErrNotBulletin) || err.Error() != "not a HotFix Alert page: larger than 16 MiB" {
		t.Errorf("Parse(16 MiB + 1) = %v, want ErrNotBulletin saying it is too large", err)
	}
	_, err = parseBytes(nil)
	if !errors.Is(err, ErrNotBulletin) || err.Error() != "not a HotFix Alert page: no 脆弱性識別番号 field" {
		t.Errorf("Parse(empty) = %v, want ErrNotBulletin saying there is no 脆弱性識別番号", err)
	}
}

func TestHTMLCellsAndLayout(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []line
	}{
		// Breaks inside a cell are spaces; the cell is one line with its mark.
		{"<table><tr><td><div>24分</div></td><td>1時間<br>\n31分</td><td><p>a</p><p>b</p></td></tr></table>", []line{
			{num: 1, text: "24分", cell: true},
			{num: 1, text: "1時間 31分", cell: true},
			{num: 2, text: "a b", cell: true},
		}},
		// A layout cell keeps its line breaks and gets no mark; the cells
		// of the table it holds are cells.
		{"<table><tr><td><p>深刻度</p>\n2(重要)<br>x<table><tr><td>a</td></tr></table><p>y</p></td></tr></table>", []line{
			{num: 1, text: "深刻度"},
			{num: 2, text: "2(重要)"},
			{num: 2, text: "x"},
			{num: 2, text: "a", cell: true},
			{num: 2, text: "y"},
		}},
		// '>' in a quoted value does not end a tag; an unclosed quote is a
		// plain character; a quote not after '=' is too.
		{`<p title="x>y" class='a>b'>one</p><p a"b>two</p><p title="x>three</p>`, []line{
			{num: 1, text: "one"},
			{num: 1, text: "two"},
			{num: 1, text: "three"},
		}},
		{`<script type="a>b">x = "</td>";</script ><p>four</p>`, []line{{num: 1, text: "four"}}},
	} {
		if diff := cmp.Diff(tc.want, htmlLines(tc.src), cmp.AllowUnexported(line{})); diff != "" {
			t.Errorf("htmlLines(%q) mismatch (-want +got):\n%s", tc.src, diff)
		}
	}
}

// TestDecodeChoice checks how the encoding is chosen when the bytes are not
// valid UTF-8.
func TestDecodeChoice(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		// 82 A0 is あ in Shift_JIS and invalid in UTF-8 and EUC-JP.
		{"Shift_JIS", "<p>\x82\xA0</p>", "<p>あ</p>"},
		{"meta charset UTF-8 wins", `<meta charset="utf-8"><p>` + "\x82\xA0</p>", `<meta charset="utf-8"><p>` + "\uFFFD\uFFFD</p>"},
		// A stray byte in UTF-8 text: 1 invalid byte as UTF-8, 3 as
		// Shift_JIS, 50 as EUC-JP. (Text of kanji alone can be valid
		// Shift_JIS too; a page's kana make it invalid.)
		{"UTF-8 with a stray byte", "ただの文章です。予想適用時間はありません。\xFF", "ただの文章です。予想適用時間はありません。\uFFFD"},
		{"UTF-8 cut mid-character", "ただの文章です。予想適用時間はありません。\xE6\x99", "ただの文章です。予想適用時間はありません。\uFFFD"},
		{"CR LF, CR and controls", "a\r\nb\rc\x00d\x7Fe\tf\x0cg", "a\nb\nc d e\tf g"},
	} {
		if got := decode([]byte(tc.in)); got != tc.want {
			t.Errorf("%s: decode(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}
