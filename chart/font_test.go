package chart

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot/font/liberation"
)

// liberationTTF returns the bytes of a bundled Liberation face, "Sans" or
// "Serif": a font file every machine has, with no Japanese.
func liberationTTF(t *testing.T, variant string) []byte {
	t.Helper()
	for _, f := range liberation.Collection() {
		if string(f.Font.Variant) == variant && f.Font.Style == xfont.StyleNormal && f.Font.Weight == xfont.WeightNormal {
			var b bytes.Buffer
			if _, err := f.Face.WriteSourceTo(nil, &b); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}
	}
	t.Fatalf("no Liberation %s", variant)
	return nil
}

type table struct {
	tag  string
	data []byte
}

// tables splits a TrueType font into its tables.
func tables(t *testing.T, ttf []byte) (version uint32, ts []table) {
	t.Helper()
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	for i := 0; i < n; i++ {
		rec := ttf[12+16*i:]
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		ts = append(ts, table{string(rec[:4]), ttf[off : off+length]})
	}
	return binary.BigEndian.Uint32(ttf), ts
}

// assemble writes tables as a TrueType font whose table offsets start at
// base (for a font inside a collection).
func assemble(version uint32, ts []table, base int) []byte {
	sort.Slice(ts, func(i, j int) bool { return ts[i].tag < ts[j].tag })
	head := 12 + 16*len(ts)
	var dir, body bytes.Buffer
	sr, es := 1, 0
	for sr*2 <= len(ts) {
		sr, es = sr*2, es+1
	}
	binary.Write(&dir, binary.BigEndian, version)
	binary.Write(&dir, binary.BigEndian, []uint16{uint16(len(ts)), uint16(sr * 16), uint16(es), uint16(len(ts)*16 - sr*16)})
	for _, tb := range ts {
		var sum uint32
		padded := append(slices.Clone(tb.data), make([]byte, (4-len(tb.data)%4)%4)...)
		for i := 0; i < len(padded); i += 4 {
			sum += binary.BigEndian.Uint32(padded[i:])
		}
		dir.WriteString(tb.tag)
		binary.Write(&dir, binary.BigEndian, []uint32{sum, uint32(base + head + body.Len()), uint32(len(tb.data))})
		body.Write(padded)
	}
	return append(dir.Bytes(), body.Bytes()...)
}

// fakeJapanese returns Liberation Sans with a character map that also
// gives every character of the Japanese labels a glyph (a box): a font
// FindFont takes for a Japanese one, on any machine.
func fakeJapanese(t *testing.T) []byte {
	t.Helper()
	src := liberationTTF(t, "Sans")
	face, err := sfnt.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	box, _ := face.GlyphIndex(&buf, '■')
	gids := map[rune]sfnt.GlyphIndex{}
	for r := rune(0x20); r < 0x250; r++ {
		if g, _ := face.GlyphIndex(&buf, r); g != 0 {
			gids[r] = g
		}
	}
	for _, r := range japaneseGlyphs + "–〜・、。（）未適用" {
		if gids[r] == 0 {
			gids[r] = box
		}
	}
	runes := make([]rune, 0, len(gids))
	for r := range gids {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	// cmap: one format 12 subtable, Windows Unicode full repertoire.
	var sub bytes.Buffer
	binary.Write(&sub, binary.BigEndian, []uint16{12, 0})
	binary.Write(&sub, binary.BigEndian, []uint32{uint32(16 + 12*len(runes)), 0, uint32(len(runes))})
	for _, r := range runes {
		binary.Write(&sub, binary.BigEndian, []uint32{uint32(r), uint32(r), uint32(gids[r])})
	}
	var cmap bytes.Buffer
	binary.Write(&cmap, binary.BigEndian, []uint16{0, 1, 3, 10})
	binary.Write(&cmap, binary.BigEndian, uint32(12))
	cmap.Write(sub.Bytes())
	version, ts := tables(t, src)
	for i := range ts {
		if ts[i].tag == "cmap" {
			ts[i].data = cmap.Bytes()
		}
	}
	return assemble(version, ts, 0)
}

// collection writes fonts as one TrueType collection (.ttc).
func collection(t *testing.T, fonts ...[]byte) []byte {
	t.Helper()
	head := 12 + 4*len(fonts)
	var out bytes.Buffer
	out.WriteString("ttcf")
	binary.Write(&out, binary.BigEndian, []uint32{0x00010000, uint32(len(fonts))})
	var body bytes.Buffer
	var offsets []uint32
	for _, f := range fonts {
		version, ts := tables(t, f)
		offsets = append(offsets, uint32(head+body.Len()))
		body.Write(assemble(version, ts, head+body.Len()))
	}
	binary.Write(&out, binary.BigEndian, offsets)
	out.Write(body.Bytes())
	return out.Bytes()
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// search sets the paths FindFont searches after $PATCHTIME_FONT for the
// test.
func search(t *testing.T, paths ...string) {
	t.Helper()
	old := searchPaths
	searchPaths = func() []string { return paths }
	t.Cleanup(func() { searchPaths = old })
}

func TestLoadFont(t *testing.T) {
	latin := writeFile(t, "sans.ttf", liberationTTF(t, "Sans"))
	f, err := LoadFont(latin)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "Liberation Sans" || f.Path != latin || f.Face != 0 || !f.CanDraw("Abc 123") || f.CanDraw("分") {
		t.Errorf("LoadFont(%s) = %s, face %d, draws Abc %v, 分 %v", latin, f, f.Face, f.CanDraw("Abc 123"), f.CanDraw("分"))
	}
	ja := writeFile(t, "ja.ttf", fakeJapanese(t))
	if f, err := LoadFont(ja); err != nil || !f.CanDraw(japaneseGlyphs) {
		t.Errorf("LoadFont(%s): %v; want a font with the Japanese labels' glyphs", ja, err)
	}
}

// TestLoadFontCollection: of a .ttc, the first face with Japanese; with
// none, the first face.
func TestLoadFontCollection(t *testing.T) {
	sans, serif, ja := liberationTTF(t, "Sans"), liberationTTF(t, "Serif"), fakeJapanese(t)
	for _, tc := range []struct {
		fonts [][]byte
		face  int
		ja    bool
	}{
		{[][]byte{serif, sans}, 0, false},
		{[][]byte{serif, ja}, 1, true},
		{[][]byte{ja, sans}, 0, true},
		{[][]byte{sans, serif, ja}, 2, true},
	} {
		path := writeFile(t, "c.ttc", collection(t, tc.fonts...))
		f, err := LoadFont(path)
		if err != nil {
			t.Fatalf("a collection of %d: %v", len(tc.fonts), err)
		}
		if f.Face != tc.face || f.CanDraw(japaneseGlyphs) != tc.ja {
			t.Errorf("a collection of %d: face %d (Japanese %v), want %d (%v)", len(tc.fonts), f.Face, f.CanDraw(japaneseGlyphs), tc.face, tc.ja)
		}
	}
	// The system's Noto Sans CJK, where it is installed: its Japanese face.
	if f, err := LoadFont("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"); err == nil {
		if !strings.Contains(f.Name, "JP") || !f.CanDraw(japaneseGlyphs) {
			t.Errorf("Noto Sans CJK: face %d %q", f.Face, f.Name)
		}
	}
}

func TestLoadFontErrors(t *testing.T) {
	sans := liberationTTF(t, "Sans")
	dir := t.TempDir()
	for name, path := range map[string]string{
		"no name":   "",
		"missing":   filepath.Join(dir, "missing.ttf"),
		"directory": dir,
		"text":      writeFile(t, "text.ttf", []byte("not a font\n")),
		"truncated": writeFile(t, "truncated.ttf", sans[:2000]),
		"empty":     writeFile(t, "empty.ttf", nil),
	} {
		if f, err := LoadFont(path); err == nil {
			t.Errorf("%s: LoadFont(%q) = %s, want an error", name, path, f)
		}
	}
}

// TestFindFont: $PATCHTIME_FONT first, then the system's paths in order,
// passing over files that do not load or have no Japanese; "none" finds
// nothing.
func TestFindFont(t *testing.T) {
	latin := writeFile(t, "latin.ttf", liberationTTF(t, "Sans"))
	ja1 := writeFile(t, "ja1.ttf", fakeJapanese(t))
	ja2 := writeFile(t, "ja2.ttf", fakeJapanese(t))
	missing := filepath.Join(t.TempDir(), "missing.ttf")
	text := writeFile(t, "text.otf", []byte("not a font"))
	for _, tc := range []struct {
		env    string
		search []string
		want   string
	}{
		{ja1, []string{ja2}, ja1},                           // the variable's font first
		{ja2, []string{ja1}, ja2},                           // whatever the order
		{missing, []string{missing, latin, text, ja2}, ja2}, // a bad path: the search goes on
		{latin, []string{ja1}, ja1},                         // no Japanese: passed over
		{"", []string{latin, ja2, ja1}, ja2},                // the first with Japanese
		{"", []string{missing, latin, text}, ""},            // none
		{"none", []string{ja1}, ""},                         // the bundled fonts only
	} {
		t.Setenv(FontEnv, tc.env)
		search(t, tc.search...)
		got := ""
		if f := FindFont(); f != nil {
			got = f.Path
		}
		if got != tc.want {
			t.Errorf("%s=%q, search %q: found %q, want %q", FontEnv, tc.env, tc.search, got, tc.want)
		}
	}
}

// TestChartFont: a chart asked in Japanese takes FindFont's font and is
// in Japanese; a bad $PATCHTIME_FONT and no other font leave it in
// English with the bundled font.
func TestChartFont(t *testing.T) {
	ja := writeFile(t, "ja.ttf", fakeJapanese(t))
	cs := curves(t, "KB899588", "")
	search(t)
	t.Setenv(FontEnv, ja)
	ch, err := New(cs, Options{Lang: "ja", Marks: []Mark{mark(cs[0], 1200, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Lang != "ja" || ch.Font.Path != ja || !strings.Contains(ch.Title, "予想適用時間") || !strings.Contains(ch.Legend[0].Text, "SP未適用") {
		t.Errorf("with %s=%s: lang %s, font %s, title %q, legend %q", FontEnv, ja, ch.Lang, ch.Font, ch.Title, ch.Legend[0].Text)
	}
	var b bytes.Buffer
	if err := Write(&b, ch, "png", 800, 500); err != nil {
		t.Error(err)
	}
	// In English with ASCII names, the bundled font: the font is looked
	// for only where some text needs it.
	if en, err := New(curves(t, "KB937894", ""), Options{Lang: "en"}); err != nil || en.Font != DefaultFont() {
		t.Errorf("English, ASCII names: %v, font %s; want the bundled one", err, en.Font)
	}
	t.Setenv(FontEnv, filepath.Join(t.TempDir(), "missing.ttf"))
	ch, err = New(cs, Options{Lang: "ja"})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Lang != "en" || ch.Font != DefaultFont() || !strings.Contains(ch.Legend[0].Text, "no SP") {
		t.Errorf("with a bad %s and no font: lang %s, font %s, legend %q", FontEnv, ch.Lang, ch.Font, ch.Legend[0].Text)
	}
}
