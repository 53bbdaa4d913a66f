package chart

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"unicode"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
)

// FontEnv is the environment variable that names the font file (TrueType
// .ttf, OpenType .otf, or a collection .ttc/.otc) FindFont tries first.
// The value "none" makes FindFont find nothing, so that plots are drawn
// with the bundled Liberation fonts only, the same on every machine.
const FontEnv = "PATCHTIME_FONT"

// MaxFontBytes bounds the size of a font file LoadFont reads, bytes.
const MaxFontBytes = 64 << 20

// Font is the typeface of all the text of a chart: the bundled Liberation
// Sans (DefaultFont), or one loaded from a file (LoadFont, FindFont),
// typically for Japanese. A Font may be shared between goroutines.
type Font struct {
	Name string // family name as the file gives it, e.g. "Noto Sans CJK JP", "Liberation Sans"
	Path string // the file it was read from; "" for the bundled font
	Face int    // index of the face in a collection (.ttc); 0 for a single font

	desc font.Font       // how text styles ask the cache for it
	coll font.Collection // the faces a chart's font cache holds
	face *opentype.Font  // the regular face, for CanDraw
}

var defaultFont = sync.OnceValue(func() *Font {
	desc := font.Font{Typeface: "Liberation", Variant: "Sans"}
	coll := liberation.Collection()
	f := &Font{Name: "Liberation Sans", desc: desc, coll: coll}
	for _, fc := range coll {
		if fc.Font.Typeface == desc.Typeface && fc.Font.Variant == desc.Variant &&
			fc.Font.Style == xfont.StyleNormal && fc.Font.Weight == xfont.WeightNormal {
			f.face = fc.Face
		}
	}
	return f
})

// DefaultFont returns the bundled Liberation Sans. It has Latin, Greek and
// Cyrillic letters, and no Japanese.
func DefaultFont() *Font { return defaultFont() }

// CanDraw reports whether the font has a glyph for every rune of s
// (spaces and control characters aside).
func (f *Font) CanDraw(s string) bool {
	var buf sfnt.Buffer
	for _, r := range s {
		if !f.has(&buf, r) {
			return false
		}
	}
	return true
}

func (f *Font) has(buf *sfnt.Buffer, r rune) bool {
	if unicode.IsSpace(r) || unicode.IsControl(r) {
		return true
	}
	g, err := f.face.GlyphIndex(buf, r)
	return err == nil && g != 0
}

// String names the font: its family, and its file if it has one.
func (f *Font) String() string {
	if f.Path == "" {
		return f.Name + " (bundled)"
	}
	return fmt.Sprintf("%s (%s)", f.Name, f.Path)
}

// loaded caches LoadFont's answers by path: a font collection such as
// Noto Sans CJK is about 20 MB, read once per process.
var loaded sync.Map // path → loadResult

type loadResult struct {
	f   *Font
	err error
}

// LoadFont reads a TrueType or OpenType font, or a collection of them
// (.ttc, .otc), at most MaxFontBytes. Of a collection it takes the first
// face that can draw the charts' Japanese labels, else the first face. It
// fails when the file cannot be read, is not a font, or its glyphs cannot
// be measured and drawn. Its answer for a path is kept for the life of
// the process.
func LoadFont(path string) (*Font, error) {
	if r, ok := loaded.Load(path); ok {
		return r.(loadResult).f, r.(loadResult).err
	}
	f, err := loadFont(path)
	loaded.Store(path, loadResult{f, err})
	return f, err
}

func loadFont(path string) (*Font, error) {
	if path == "" {
		return nil, errors.New("chart: font: no file named")
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("chart: font: %w", err)
	}
	defer file.Close()
	if st, err := file.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("chart: font %s: not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(file, MaxFontBytes+1))
	if err != nil {
		return nil, fmt.Errorf("chart: font: %w", err)
	}
	if len(data) > MaxFontBytes {
		return nil, fmt.Errorf("chart: font %s: larger than %d bytes", path, MaxFontBytes)
	}
	coll, err := opentype.ParseCollection(data)
	if err != nil {
		return nil, fmt.Errorf("chart: font %s: %w", path, err)
	}
	// The first face that can be drawn, better the first with Japanese.
	pick, jaPick := -1, -1
	for i := 0; i < coll.NumFonts() && jaPick < 0; i++ {
		face, err := coll.Font(i)
		if err != nil || check(face) != nil {
			continue
		}
		if pick < 0 {
			pick = i
		}
		if (&Font{face: face}).CanDraw(japaneseGlyphs) {
			jaPick = i
		}
	}
	if jaPick >= 0 {
		pick = jaPick
	}
	if pick < 0 {
		return nil, fmt.Errorf("chart: font %s: no face whose glyphs can be drawn", path)
	}
	face, _ := coll.Font(pick)
	var buf sfnt.Buffer
	name, err := face.Name(&buf, sfnt.NameIDFamily)
	if err != nil || name == "" || strings.ContainsFunc(name, unicode.IsControl) {
		name = filepath.Base(path)
	}
	desc := font.Font{Typeface: font.Typeface(name)}
	return &Font{
		Name: name, Path: path, Face: pick,
		desc: desc,
		coll: font.Collection{{Font: desc, Face: face}},
		face: face,
	}, nil
}

// check measures and outlines a few glyphs as a chart does, so that a
// broken font is refused when it is loaded, not when it is drawn.
func check(face *opentype.Font) error {
	var buf sfnt.Buffer
	ppem := fixed.Int26_6(face.UnitsPerEm())
	if ppem <= 0 {
		return errors.New("no units per em")
	}
	if _, err := face.Metrics(&buf, ppem, xfont.HintingNone); err != nil {
		return err
	}
	for _, r := range "0Ah分台" {
		g, err := face.GlyphIndex(&buf, r)
		if err != nil {
			return err
		}
		if g == 0 {
			continue
		}
		if _, err := face.GlyphAdvance(&buf, g, ppem, xfont.HintingNone); err != nil {
			return err
		}
		if _, err := face.LoadGlyph(&buf, g, ppem, nil); err != nil {
			return err
		}
	}
	return nil
}

// SystemFonts lists the files FindFont tries after $PATCHTIME_FONT, in
// order, for the system the program runs on: Noto Sans CJK, IPAex and IPA
// Gothic, VL Gothic, Takao, then IPA Mincho on Linux and the BSDs;
// Hiragino on macOS; Yu Gothic, Meiryo and MS Gothic on Windows.
func SystemFonts() []string {
	switch runtime.GOOS {
	case "darwin", "ios":
		return []string{
			"/System/Library/Fonts/ヒラギノ角ゴシック W3.ttc",
			"/System/Library/Fonts/Hiragino Sans GB.ttc",
		}
	case "windows":
		dir := os.Getenv("WINDIR")
		if dir == "" {
			dir = `C:\Windows`
		}
		var paths []string
		for _, name := range []string{"YuGothM.ttc", "meiryo.ttc", "msgothic.ttc"} {
			paths = append(paths, filepath.Join(dir, "Fonts", name))
		}
		return paths
	}
	return []string{
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",    // Debian, Ubuntu: fonts-noto-cjk
		"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",         // Arch: noto-fonts-cjk
		"/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",     // Debian: fonts-ipaexfont-gothic
		"/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf",        // Debian: fonts-ipafont-gothic, proportional
		"/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",         // Debian: fonts-ipafont-gothic
		"/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",       // Debian: the gothic chosen among those installed
		"/usr/share/fonts/truetype/vlgothic/VL-PGothic-Regular.ttf", // Debian: fonts-vlgothic
		"/usr/share/fonts/truetype/vlgothic/VL-Gothic-Regular.ttf",  // Debian: fonts-vlgothic
		"/usr/share/fonts/truetype/takao-gothic/TakaoPGothic.ttf",   // Ubuntu: fonts-takao-gothic
		"/usr/share/fonts/ipa-gothic/ipag.ttf",                      // Fedora: ipa-gothic-fonts
		"/usr/share/fonts/vlgothic/VL-PGothic-Regular.ttf",          // Fedora: vlgothic-p-fonts
		"/usr/share/fonts/opentype/ipafont-mincho/ipamp.ttf",        // a Mincho (serif), better than none
		"/usr/share/fonts/truetype/fonts-japanese-mincho.ttf",       // Debian: the mincho chosen among those installed
	}
}

// searchPaths are the paths FindFont searches after $PATCHTIME_FONT.
var searchPaths = SystemFonts

// FindFont returns a font that can draw the charts' Japanese labels: the
// file $PATCHTIME_FONT names, else the first of SystemFonts that loads
// and has the glyphs, else nil. A $PATCHTIME_FONT that cannot be read or
// has no Japanese is passed over (the search goes on); "none" finds
// nothing, so charts are drawn with the bundled fonts. The files found
// stay loaded for the life of the process.
func FindFont() *Font {
	env := os.Getenv(FontEnv)
	if env == "none" {
		return nil
	}
	paths := searchPaths()
	if env != "" {
		paths = append([]string{env}, paths...)
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if f, err := LoadFont(p); err == nil && f.CanDraw(japaneseGlyphs) {
			return f
		}
	}
	return nil
}
