package bulletin

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/patchtime/patchtime/internal/seeds"
)

const fixtures = "../testdata/bulletins/"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(fixtures + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parseBytes(data []byte) (*Bulletin, error) { return Parse(bytes.NewReader(data)) }

func pts(pairs ...int) []Point {
	var out []Point
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Point{Hosts: pairs[i], Minutes: pairs[i+1]})
	}
	return out
}

// The expected values below were read off the fixtures by hand.
var (
	wantPlain = &Bulletin{
		ID:        "MS06-031",
		KBs:       []string{"KB914321"},
		Title:     "印刷スプーラの入力検証の不備により、任意のコードが実行される危険性",
		Severity:  Moderate,
		Urgency:   "早期適用",
		Reboot:    RebootConditional,
		Platforms: []string{"Windows 2000 SP4", "Windows XP Professional SP2"},
		Packages: []Package{
			{Platform: "Windows 2000 SP4", File: "Windows2000-KB914321-x86-JPN.EXE", Date: "2006/05/30", Version: "1.0.0.0", Bytes: 702312},
			{Platform: "Windows XP Professional SP2", File: "WindowsXP-KB914321-x86-JPN.exe", Date: "2006/05/31", Version: "1.0.0.0", Bytes: 655128},
		},
		Timings: []Timing{
			{KB: "KB914321", Package: "Windows2000-KB914321-x86-JPN.EXE", Platform: "Windows 2000 SP4", Console: "UpdateEXPERT 6.1", Consoles: 1,
				Points: pts(50, 14, 100, 23, 250, 48, 500, 90), Line: 66},
			{KB: "KB914321", Package: "WindowsXP-KB914321-x86-JPN.exe", Platform: "Windows XP Professional SP2", Console: "UpdateEXPERT 6.1", Consoles: 1,
				Points: pts(50, 16, 100, 25, 250, 50, 500, 92), Line: 69},
		},
	}
	wantPage = &Bulletin{
		ID:        "MS06-061",
		KBs:       []string{"KB916001", "KB916002"},
		Title:     "XML パーサ & 変換コンポーネントの検証漏れにより、細工した文書で任意のコードが実行される危険性",
		Severity:  Important,
		Urgency:   "早期適用",
		Reboot:    RebootNone,
		Platforms: []string{"Windows 2000 SP4", "Windows XP SP1/SP2"},
		Packages: []Package{
			{Platform: "Windows 2000 SP4", File: "Windows2000-KB916001-x86-JPN.EXE", Date: "2006/09/20", Version: "1.0.0.0", Bytes: 845616},
			{Platform: "Windows XP SP1/SP2", File: "WindowsXP-KB916001-x86-JPN.exe", Date: "2006/09/21", Version: "1.0.0.0", Bytes: 912384},
		},
		Timings: []Timing{
			{KB: "KB916001", Package: "Windows2000-KB916001-x86-JPN.EXE", Platform: "Windows 2000 SP4", Console: "UpdateEXPERT 6.1", Consoles: 1,
				Points: pts(50, 15, 100, 24, 250, 49, 500, 91), Line: 57},
			{KB: "KB916001", Package: "WindowsXP-KB916001-x86-JPN.exe", Platform: "Windows XP SP1/SP2", Console: "UpdateEXPERT 6.1", Consoles: 1,
				Points: pts(50, 17, 100, 26), Absent: []int{250, 500}, Line: 61},
		},
	}
	wantCells = &Bulletin{
		ID:        "MS06-047",
		KBs:       []string{"KB915002"},
		Title:     "架空のリモート管理サービスに境界検査の漏れがあり、遠隔からコードが実行される危険性",
		Severity:  Critical,
		Urgency:   "至急適用",
		Reboot:    RebootRequired,
		Platforms: []string{"Windows Server 2003 SP1", "Windows XP SP2"},
		Packages: []Package{
			{Platform: "Windows Server 2003 SP1", File: "WindowsServer2003-KB915002-x86-JPN.exe", Date: "2006/08/02", Version: "1.0.0.0", Bytes: 1204480},
			{Platform: "Windows XP SP2", File: "WindowsXP-KB915002-x86-JPN.exe", Date: "2006/08/03", Version: "1.0.0.0", Bytes: 1096920},
		},
		Timings: []Timing{
			{KB: "KB915002", Package: "WindowsServer2003-KB915002-x86-JPN.exe", Platform: "Windows Server 2003 SP1", Console: "UpdateEXPERT 6.1", Consoles: 1,
				Points: pts(50, 21, 100, 29, 250, 54, 500, 96), Line: 90},
			{KB: "KB915002", Package: "WindowsXP-KB915002-x86-JPN.exe", Platform: "Windows XP SP2", Console: "UpdateEXPERT 6.1", Consoles: 1,
				Points: pts(50, 20, 100, 28, 250, 53, 500, 95), Line: 96},
		},
	}
)

func TestParseFixtures(t *testing.T) {
	for _, tc := range []struct {
		file string
		want *Bulletin
	}{
		{"plain.txt", wantPlain},
		{"plain-sjis.txt", wantPlain},  // Shift_JIS (CP932), no charset given
		{"plain-eucjp.txt", wantPlain}, // EUC-JP, no charset given
		{"plain-jis.txt", wantPlain},   // ISO-2022-JP
		{"page.html", wantPage},
		{"page-sjis.html", wantPage}, // Shift_JIS with a meta charset
		{"cells.txt", wantCells},
		{"fullwidth.txt", &Bulletin{
			ID:        "MS06-052",
			KBs:       []string{"KB917003"},
			Title:     "架空の画像処理ライブラリのメモリ破損により、任意のコードが実行される危険性",
			Severity:  Critical,
			Urgency:   "至急適用",
			Reboot:    RebootRequired,
			Platforms: []string{"Windows XP SP2"},
			Packages: []Package{
				{Platform: "Windows XP SP2", File: "WindowsXP-KB917003-x86-JPN.exe", Date: "2006/09/05", Version: "1.0.0.0", Bytes: 784136},
			},
			Timings: []Timing{
				{KB: "KB917003", Package: "WindowsXP-KB917003-x86-JPN.exe", Platform: "Windows XP SP2", Console: "UpdateEXPERT 6.1", Consoles: 1,
					Points: pts(50, 11, 100, 20, 250, 45, 500, 87), Line: 26},
			},
		}},
		{"absent.txt", &Bulletin{
			ID:        "MS06-066",
			KBs:       []string{"KB920101"},
			Title:     "架空の共有フォルダ機能の権限確認漏れにより、情報が漏えいする危険性",
			Severity:  Important,
			Urgency:   "早期適用",
			Reboot:    RebootNone,
			Platforms: []string{"Windows 2000 SP4", "Windows XP SP2", "Windows Server 2003 SP1"},
			Packages: []Package{
				{Platform: "Windows 2000 SP4", File: "Windows2000-KB920101-x86-JPN.EXE", Date: "2006/10/20", Version: "1.0.0.0", Bytes: 640512},
			},
			Timings: []Timing{
				{KB: "KB920101", Package: "Windows2000-KB920101-x86-JPN.EXE", Platform: "Windows 2000 SP4", Console: "UpdateEXPERT", Consoles: 1,
					Absent: []int{50, 100, 250, 500}, Line: 29},
				{KB: "KB920101", Package: "WindowsXP-KB920101-x86-JPN.exe", Platform: "Windows XP SP2", Console: "UpdateEXPERT", Consoles: 1,
					Points: pts(50, 19, 100, 28, 250, 53), Absent: []int{500}, Line: 32},
				{KB: "KB920101", Package: "WindowsServer2003-KB920101-x86-JPN.exe", Platform: "Windows Server 2003 SP1", Console: "UpdateEXPERT", Consoles: 1,
					Points: pts(50, 20, 250, 54, 500, 96), Absent: []int{100}, Line: 35},
				{KB: "KB920102", Package: "WindowsServer2003-KB920102-x64-JPN.exe", Platform: "Windows Server 2003 x64 Edition", Console: "UpdateEXPERT", Consoles: 1,
					Absent: []int{50, 100, 250, 500}, Line: 38},
			},
		}},
		{"no-timing.txt", &Bulletin{
			ID:        "MS06-058",
			KBs:       []string{"KB918001", "KB918002"},
			Title:     "架空の文書変換フィルタの読み込み処理に不備があり、アプリケーションが停止する危険性",
			Severity:  Low,
			Urgency:   "SP待ち",
			Reboot:    RebootConditional,
			Platforms: []string{"Office 2003 SP2", "Windows XP SP2"},
			Packages: []Package{
				{Platform: "Office 2003 SP2", File: "Office2003-KB918002-FullFile-JPN.exe", Date: "2006/09/01", Version: "11.0.8103.0", Bytes: 5242880},
			},
		}},
		{"fleet-sizes.txt", &Bulletin{
			ID:       "MS07-004",
			KBs:      []string{"KB925001", "KB925002"},
			Title:    "架空のベクター描画エンジンの整数あふれにより、任意のコードが実行される危険性",
			Severity: Important,
			Urgency:  "早期適用",
			Reboot:   RebootRequired,
			Timings: []Timing{
				{KB: "KB925001", Package: "Windows2000-KB925001-x86-JPN.EXE", Platform: "Windows 2000 SP4", Console: "UpdateEXPERT 6.2", Consoles: 1,
					Points: pts(20, 12, 80, 22, 300, 62), Line: 18},
				// No KB in the file name, and the bulletin has two: no KB.
				{KB: "", Package: "OfficeXP-Update-JPN.exe", Platform: "Office XP SP3", Console: "UpdateEXPERT 6.2", Consoles: 1,
					Points: pts(20, 9, 80, 19, 300, 58), Line: 21},
			},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := parseBytes(readFixture(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tc.file, diff)
			}
			if got.HasTimings() != (len(tc.want.Timings) > 0) {
				t.Errorf("HasTimings() = %v with %d rows", got.HasTimings(), len(tc.want.Timings))
			}
		})
	}
}

// TestParseVariants checks that a BOM, CRLF line ends and a reader that
// returns one byte at a time change nothing.
func TestParseVariants(t *testing.T) {
	plain := readFixture(t, "plain.txt")
	for name, r := range map[string]func() *Bulletin{
		"bom": func() *Bulletin { return mustParse(t, append([]byte("\xEF\xBB\xBF"), plain...)) },
		"crlf": func() *Bulletin {
			return mustParse(t, bytes.ReplaceAll(plain, []byte("\n"), []byte("\r\n")))
		},
		"one byte reads": func() *Bulletin {
			b, err := Parse(iotest.OneByteReader(bytes.NewReader(plain)))
			if err != nil {
				t.Fatal(err)
			}
			return b
		},
	} {
		if diff := cmp.Diff(wantPlain, r()); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", name, diff)
		}
	}
}

func mustParse(t *testing.T, data []byte) *Bulletin {
	t.Helper()
	b, err := parseBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseNotBulletin(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty.txt": readFixture(t, "empty.txt"),
		"junk.bin":  readFixture(t, "junk.bin"),
		"prose":     []byte("ただの文章。\n深刻度\n2(重要)\n識別番号の欄はない。\n"),
		"script":    []byte("<html><script>\n脆弱性識別番号\nMS06-001/900001\n</script><p>本文だけ</p></html>"),
	} {
		if b, err := parseBytes(data); !errors.Is(err, ErrNotBulletin) {
			t.Errorf("%s: Parse = %+v, %v; want ErrNotBulletin", name, b, err)
		}
	}
}

// edit returns a page maker: the fixture file with its first old replaced
// by new.
func edit(file, old, new string) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		t.Helper()
		data := readFixture(t, file)
		if !bytes.Contains(data, []byte(old)) {
			t.Fatalf("%s has no %q", file, old)
		}
		return bytes.Replace(data, []byte(old), []byte(new), 1)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		page func(t *testing.T) []byte
		want string // the whole message, line included
	}{
		{"bad cell", func(t *testing.T) []byte { return readFixture(t, "bad-cell.txt") },
			`line 16: 予想適用時間: cell "1時間xx分" is not a duration`},
		{"too many cells", edit("plain.txt", "48分 1時間30分", "48分 1時間30分 2時間"),
			`line 68: 予想適用時間: row of "Windows2000-KB914321-x86-JPN.EXE" has more cells than the header's 4 fleet sizes`},
		{"header without sizes", edit("plain.txt", "修正プログラム名 50台 100台 250台 500台", "修正プログラム名"),
			`line 65: 予想適用時間: the header has no fleet sizes (want e.g. 50台 100台 250台 500台)`},
		{"duplicated size", edit("plain.txt", "100台 250台", "100台 100台"),
			`line 65: 予想適用時間: fleet size 100台 appears twice in the header`},
		{"zero size", edit("plain.txt", " 50台", " 0台"),
			`line 65: 予想適用時間: header cell "0台": a fleet size is at least 1台`},
		{"header cell not a size", edit("plain.txt", "500台", "全台"),
			`line 65: 予想適用時間: header cell "全台" is not a fleet size like 50台`},
		{"package without platform", edit("plain.txt", "\n(Windows 2000 SP4)\n", "\n"),
			`line 66: 予想適用時間: package "Windows2000-KB914321-x86-JPN.EXE" has no (platform) line under it`},
		{"bad bulletin ID", edit("plain.txt", "MS06-031/914321", "MS6-31"),
			`line 24: 脆弱性識別番号: "MS6-31" is not a bulletin ID like MS04-035/885881`},
		{"ID field without value", func(*testing.T) []byte { return []byte("脆弱性識別番号\n\n") },
			`line 1: 脆弱性識別番号: no value`},
		{"bad package size", edit("plain.txt", "702,312", "702,3l2"),
			`line 44: 適用されるファイル情報: size "702,3l2" of "Windows2000-KB914321-x86-JPN.EXE" is not a number of bytes`},
		{"package table cut short", func(*testing.T) []byte {
			return []byte("脆弱性識別番号\nMS06-001/900001\nファイル名 日付 バージョン サイズ\nA.exe 2006/01/01\n")
		}, `line 4: 適用されるファイル情報: the table ends before the date, version and size of "A.exe"`},
		{"package table without package", func(*testing.T) []byte {
			return []byte("脆弱性識別番号\nMS06-001/900001\nファイル名 日付 バージョン サイズ\n")
		}, `line 3: 適用されるファイル情報: the table ends before its package's name, date, version and size`},
		{"cells: bad cell", edit("cells.txt", "54分 |", "5x分 |"),
			`line 94: 予想適用時間: cell "5x分" is not a duration`},
		{"cells: too many cells", edit("cells.txt", "1時間36分 |\n", "1時間36分 |\n2時間 |\n"),
			`line 96: 予想適用時間: row of "WindowsServer2003-KB915002-x86-JPN.exe" has more cells than the header's 4 fleet sizes`},
		{"cells: header cell not a size", edit("cells.txt", "250台 |", "多数 |"),
			`line 88: 予想適用時間: header cell "多数" is not a fleet size like 50台`},
		{"html: bad cell", edit("page.html", "<td>24分</td>", "<td>24min</td>"),
			`line 58: 予想適用時間: cell "24min" is not a duration`},

		// A table's rows stop early only with an error, never silently.
		{"times wrapped onto two lines", edit("plain.txt", "14分 23分 48分 1時間30分", "14分 23分\n48分 1時間30分"),
			`line 69: 予想適用時間: "48分 1時間30分" after the row of "Windows2000-KB914321-x86-JPN.EXE" is neither a row nor the table's footnote`},
		{"a note between rows", edit("plain.txt", "1時間30分\n", "1時間30分\n備考\n"),
			`line 69: 予想適用時間: "備考" after the row of "Windows2000-KB914321-x86-JPN.EXE" is neither a row nor the table's footnote`},
		{"cells: a cell that is not a time", edit("cells.txt", "1時間36分 |\n", "1時間36分 |\n備考あり |\n"),
			`line 96: 予想適用時間: "備考あり" after the row of "WindowsServer2003-KB915002-x86-JPN.exe" is neither a row nor the table's footnote`},
		{"a time after the last row, no footnote", edit("plain.txt", "1コンソールのUpdateEXPERT 6.1で配り終えるまでの目安として書いた架空の値。", "目安は 2時間"),
			`line 72: 予想適用時間: "目安は 2時間" after the row of "WindowsXP-KB914321-x86-JPN.exe" is neither a row nor the table's footnote`},
		{"header without rows", edit("plain.txt", "Windows2000-KB914321-x86-JPN.EXE\n(Windows 2000 SP4)\n14分 23分 48分 1時間30分\n"+
			"WindowsXP-KB914321-x86-JPN.exe\n(Windows XP Professional SP2)\n16分 25分 50分 1時間32分\n", ""),
			`line 65: 予想適用時間: the table has no rows (want a package file name after the header)`},
		{"split header with a bad size", edit("plain.txt", "修正プログラム名 50台 100台 250台 500台", "修正プログラム名\n50台 100台 多数 500台"),
			`line 66: 予想適用時間: header cell "多数" is not a fleet size like 50台`},
		{"times that decrease", edit("plain.txt", "48分 1時間30分", "48分 40分"),
			`line 68: 予想適用時間: row of "Windows2000-KB914321-x86-JPN.EXE": "40分" for 500台 is less than "48分" for 250台 (times grow with the fleet)`},
		{"zero consoles", edit("plain.txt", "1コンソールの", "0コンソールの"),
			`line 72: 予想適用時間: footnote: "0コンソール" is not a console count (want 1 or more)`},
		{"too many consoles", edit("plain.txt", "1コンソールの", "99999999999999999999コンソールの"),
			`line 72: 予想適用時間: footnote: "99999999999999999999コンソール" is not a console count (want 1 or more)`},
		{"inline platform not closed", edit("plain.txt", "WindowsXP-KB914321-x86-JPN.exe\n(Windows XP Professional SP2)\n",
			"WindowsXP-KB914321-x86-JPN.exe (Windows XP Professional SP2)|\n"),
			`line 69: 予想適用時間: the (platform) of "WindowsXP-KB914321-x86-JPN.exe" does not end with ")"`},
		{"html: inline platform not closed", edit("page.html", "(Windows XP SP1/SP2)</td>", "(Windows XP SP1/SP2)|</td>"),
			`line 61: 予想適用時間: the (platform) of "WindowsXP-KB916001-x86-JPN.exe" does not end with ")"`},
		{"package row without a file name", edit("plain.txt", "Windows2000-KB914321-x86-JPN.EXE 2006/05/30", "Windows 2000 2006/05/30"),
			`line 43: 適用されるファイル情報: "Windows" is not a package file name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := parseBytes(tc.page(t))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse = %+v, %v; want a *ParseError", b, err)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %s\nwant %s", err, tc.want)
			}
			if errors.Unwrap(err) == nil {
				t.Errorf("ParseError %#v does not wrap its cause", pe)
			}
		})
	}
}

func TestParseReadError(t *testing.T) {
	boom := errors.New("boom")
	if _, err := Parse(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("Parse(failing reader) = %v, want it to wrap %v", err, boom)
	}
}

func TestReboot(t *testing.T) {
	for in, want := range map[string]Reboot{
		"必要": RebootRequired,
		"あり": RebootRequired,
		"あり(ファイルが使用されていない場合、再起動不要)": RebootConditional,
		"必要(使用中のファイルがなければ不要)":       RebootConditional,
		"不要":                         RebootNone,
		"なし":                         RebootNone,
		"必要なし":                       RebootNone,
		"Exchange Server 2003:不要(…)": RebootNone,
		"Windows Server 2003:":       RebootUnknown,
		"場合による":                      RebootUnknown,
	} {
		if got := rebootOf(in); got != want {
			t.Errorf("rebootOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRightColumn(t *testing.T) {
	for in, want := range map[string]string{
		"Windows 2000 Windows 2000 SP4":             "Windows 2000 SP4",
		"Windows NT 4.0 Windows NT Server 4.0 SP6a": "Windows NT Server 4.0 SP6a",
		"Office 2003 Office 2003 SP1/SP2":           "Office 2003 SP1/SP2",
		// The first word comes again only after another word repeats.
		"Windows NT Server 4.0, Terminal Server Edition Windows NT Server 4.0, Terminal Server Edition SP6": "Windows NT Server 4.0, Terminal Server Edition SP6",
		// The first word does not come again: the first repeated word.
		"Microsoft Office XP Office XP SP3":           "Office XP SP3",
		"Microsoft Windows 2000  Windows 2000 SP4":    "Windows 2000 SP4",
		"Windows XP x64 Edition は、対象外。":               "",
		"[お知らせ]HotFix の表は訂正済み":                        "",
		"Windows Server 2003, Enterprise Edition SP1": "",
	} {
		if got, ok := rightColumn(in); got != want || ok != (want != "") {
			t.Errorf("rightColumn(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// TestDecodeMetaCharset checks that a meta charset wins over detection:
// the bytes B4 C1 read as 漢 in EUC-JP but as two half-width katakana,
// folded to エチ, in Shift_JIS.
func TestDecodeMetaCharset(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<p>\xB4\xC1</p>", "漢"},
		{`<meta charset="Shift_JIS"><p>` + "\xB4\xC1</p>", "エチ"},
		{`<meta http-equiv="Content-Type" content="text/html; charset=euc-jp"><p>` + "\xB4\xC1</p>", "漢"},
	} {
		lines := pageLines(decode([]byte(tc.in)))
		if len(lines) != 1 || lines[0].text != tc.want {
			t.Errorf("decode %q: lines %+v, want one line %q", tc.in, lines, tc.want)
		}
	}
}

func TestHTMLLines(t *testing.T) {
	src := "<html>\n<head><title>T</title>\n<script>\nx = '<td>no</td>';\n</SCRIPT>\n" +
		"<style>p{}</style></head>\n<body>\n" +
		"<p>a &amp;\n  b&nbsp;&#12354; &lt;c&gt;</p>\n" +
		"<table><tr><td>1</td><td>\n</td><td>x<br>y</td></tr>\n" +
		"<tr><td>open<td>next</table>\n" +
		"<!-- <td>hidden</td>\n -->text 2 < 3\n"
	want := []line{
		{num: 2, text: "T"},
		{num: 8, text: "a & b あ <c>"},
		{num: 10, text: "1", cell: true},
		{num: 10, text: "", cell: true},
		{num: 11, text: "x y", cell: true},
		{num: 12, text: "open", cell: true},
		{num: 12, text: "next", cell: true},
		{num: 14, text: "text 2 < 3"},
	}
	if diff := cmp.Diff(want, htmlLines(src), cmp.AllowUnexported(line{})); diff != "" {
		t.Errorf("htmlLines mismatch (-want +got):\n%s", diff)
	}
}

func TestBulletinPackage(t *testing.T) {
	b := mustParse(t, readFixture(t, "plain.txt"))
	p, ok := b.Package("windowsxp-kb914321-X86-jpn.EXE")
	if !ok || p.Bytes != 655128 {
		t.Errorf("Package(other case) = %+v, %v; want the XP package of 655128 bytes", p, ok)
	}
	if p, ok := b.Package("Windows2000-KB999999-x86-JPN.EXE"); ok {
		t.Errorf("Package(unknown) = %+v, true", p)
	}
}

// seedFacts are facts read by hand off the five seed bulletins (keyed by
// the first three characters of their file names). No text of theirs is
// copied: only identifiers, product names, numbers and the labels of the
// format.
type seedFacts struct {
	id        string
	kbs       []string
	severity  Severity
	reboot    Reboot
	urgency   string
	platforms []string
	packages  []Package
	timings   []Timing
}

func seedRow(pkg, platform, console string, line int, minutes ...int) Timing {
	kb := kbRe().FindString(pkg)
	p := make([]Point, len(minutes))
	for i, m := range minutes {
		p[i] = Point{Hosts: []int{50, 100, 250, 500}[i], Minutes: m}
	}
	return Timing{KB: strings.ToUpper(kb), Package: pkg, Platform: platform, Console: console, Consoles: 1, Points: p, Line: line}
}

var seedFactsByFile = map[string]seedFacts{
	"000": {
		id: "MS04-020", kbs: []string{"KB841872"}, severity: Important, reboot: RebootConditional, urgency: "早期適用",
		platforms: []string{"Windows NT 4.0 SP6a", "Windows NT Server 4.0, Terminal Server Edition SP6", "Windows 2000 SP2/SP3/SP4"},
		packages: []Package{
			{"Windows NT Workstation 4.0 SP6a", "WindowsNT4Workstation-KB841872-x86-JPN.exe", "2004/05/22", "5.4.15.0", 127400},
			{"Windows NT Server 4.0 SP6a", "WindowsNT4Server-KB841872-x86-JPN.exe", "2004/05/22", "5.4.15.0", 127384},
			// Listed, but no timing row.
			{"Windows NT Server 4.0, Terminal Server Edition SP6", "WindowsNT4TerminalServer-KB841872-x86-JPN.exe", "2004/05/22", "5.4.15.0", 127944},
			{"Windows 2000 SP2/SP3/SP4", "Windows2000-KB841872-x86-JPN.EXE", "2004/05/21", "5.4.15.0", 355320},
		},
		timings: []Timing{
			seedRow("WindowsNT4Workstation-KB841872-x86-JPN.exe", "Windows NT Workstation 4.0", "UpdateEXPERT", 191, 12, 21, 46, 88),
			seedRow("WindowsNT4Server-KB841872-x86-JPN.exe", "Windows NT Server 4.0", "UpdateEXPERT", 194, 12, 21, 46, 88),
			seedRow("Windows2000-KB841872-x86-JPN.EXE", "Windows 2000", "UpdateEXPERT", 197, 12, 21, 46, 88),
		},
	},
	"001": {
		id: "MS04-029", kbs: []string{"KB873350"}, severity: Important, reboot: RebootRequired, urgency: "早期適用",
		platforms: []string{"Windows NT Server 4.0 SP6a"},
		packages: []Package{
			{"Windows NT Server 4.0 SP6a", "WindowsNT4Server-KB873350-x86-JPN.exe", "2004/08/19", "5.4.15.0", 614544},
			{"Windows NT Server 4.0, Terminal Server Edition SP6", "WindowsNT4TerminalServer-KB873350-x86-JPN.exe", "2004/09/13", "5.4.15.0", 614968},
		},
		timings: []Timing{
			seedRow("WindowsNT4Server-KB873350-x86-JPN.exe", "Windows NT Server 4.0 SP6a", "UpdateEXPERT 6.1", 171, 18, 27, 52, 94),
		},
	},
	"002": {
		id: "MS05-039", kbs: []string{"KB899588"}, severity: Critical, reboot: RebootRequired, urgency: "至急適用",
		platforms: []string{"Windows 2000 SP4", "Windows XP SP1/SP1a/SP2", "Windows Server 2003 SP未適用/SP1"},
		packages: []Package{
			{"Windows 2000 SP4", "Windows2000-KB899588-x86-JPN.EXE", "2005/06/29", "1.0.0.0", 518136},
			{"Windows XP SP1/SP1a/SP2", "WindowsXP-KB899588-x86-JPN.exe", "2005/07/01", "1.0.0.0", 581360},
			{"Windows Server 2003 SP未適用/SP1", "WindowsServer2003-KB899588-x86-JPN.exe", "2005/07/01", "1.0.0.0", 594672},
		},
		timings: []Timing{
			seedRow("Windows2000-KB899588-x86-JPN.EXE", "Windows 2000 SP4", "UpdateEXPERT 6.1", 211, 18, 27, 52, 94),
			seedRow("WindowsXP-KB899588-x86-JPN.exe", "Windows XP SP1/SP1a/SP2", "UpdateEXPERT 6.1", 214, 18, 27, 52, 94),
			seedRow("WindowsServer2003-KB899588-x86-JPN.exe", "Windows Server 2003 SP未適用/SP1", "UpdateEXPERT 6.1", 217, 18, 27, 52, 94),
		},
	},
	"003": {
		id: "MS07-065", kbs: []string{"KB937894"}, severity: Important, reboot: RebootRequired, urgency: "早期適用",
		platforms: []string{"Windows 2000 SP4", "Windows XP SP2"},
		packages: []Package{
			{"Windows 2000 SP4", "Windows2000-KB937894-x86-JPN.EXE", "2007/10/17", "1.0.0.0", 1384304},
			{"Windows XP SP2", "WindowsXP-KB937894-x86-JPN.exe", "2007/07/06", "1.0.0.0", 1018760},
		},
		timings: []Timing{
			seedRow("Windows2000-KB937894-x86-JPN.EXE", "Windows 2000 SP4", "UpdateEXPERT 6.1", 356, 19, 27, 53, 95),
			seedRow("WindowsXP-KB937894-x86-JPN.exe", "Windows XP SP2", "UpdateEXPERT 6.1", 362, 18, 27, 52, 95),
		},
	},
	"004": {
		id: "MS04-035", kbs: []string{"KB885881", "KB885882"}, severity: Critical, reboot: RebootRequired, urgency: "至急適用",
		platforms: []string{"Exchange Server 2003 SP未適用", "Windows Server 2003"},
		packages: []Package{
			{"Exchange Server 2003", "Exchange2003-KB885882-x86-JPN.exe", "2004/09/23", "6.5.6980.98", 532216},
			{"Windows Server 2003", "WindowsServer2003-KB885881-x86-jpn.EXE", "2004/09/27", "1.0.0.0", 524528},
		},
		timings: []Timing{
			seedRow("WindowsServer2003-KB885881-x86-jpn.EXE", "Windows Server 2003", "UpdateEXPERT 6.1", 185, 34, 43, 68, 110),
		},
	},
}

func TestParseSeeds(t *testing.T) {
	files := seeds.Files(t)
	seen := map[string]bool{}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			b, err := parseBytes(data)
			if err != nil {
				t.Fatal(err)
			}
			want, ok := seedFactsByFile[name[:min(3, len(name))]]
			if !ok {
				t.Skipf("parsed %s; no facts read by hand for it", b.ID)
			}
			seen[name[:3]] = true
			got := seedFacts{id: b.ID, kbs: b.KBs, severity: b.Severity, reboot: b.Reboot, urgency: b.Urgency,
				platforms: b.Platforms, packages: b.Packages, timings: b.Timings}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(seedFacts{})); diff != "" {
				t.Errorf("facts mismatch (-want +got):\n%s", diff)
			}
		})
	}
	for key := range seedFactsByFile {
		if !seen[key] {
			t.Errorf("no seed file %s* among %v", key, files)
		}
	}
}

// benchmarkPages parses pages, each of which must parse.
func benchmarkPages(b *testing.B, pages [][]byte) {
	var n int64
	for _, p := range pages {
		n += int64(len(p))
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for i, p := range pages {
			if _, err := parseBytes(p); err != nil {
				b.Fatalf("page %d: %v", i, err)
			}
		}
	}
}

// BenchmarkParse parses the seed bulletins (PATCHTIME_SEEDS).
func BenchmarkParse(b *testing.B) { benchmarkPages(b, seeds.Pages(b)) }

// brokenFixtures are the fixtures of testdata/bulletins that Parse must
// reject.
var brokenFixtures = map[string]bool{"bad-cell.txt": true, "empty.txt": true, "junk.bin": true}

// BenchmarkParseFixtures parses every fixture of testdata/bulletins that
// parses.
func BenchmarkParseFixtures(b *testing.B) {
	files, err := filepath.Glob(fixtures + "*")
	if err != nil {
		b.Fatal(err)
	}
	var pages [][]byte
	for _, f := range files {
		if name := filepath.Base(f); filepath.Ext(f) != ".md" && !brokenFixtures[name] {
			pages = append(pages, readFixture(b, name))
		}
	}
	benchmarkPages(b, pages)
}
