// Package seeds finds the original HotFix Alert pages for the tests that
// compare with them. The pages are not part of the project: the
// environment variable PATCHTIME_SEEDS names their folder (.ci/run sets it
// to ../shared/seeds); a relative path is taken from the module root.
// Without it, tests that need the pages skip and say how to run them.
package seeds

import (
	"os"
	"path/filepath"
	"testing"
)

// Env is the environment variable naming the folder of seed pages.
const Env = "PATCHTIME_SEEDS"

// Set reports whether Env is set.
func Set() bool { return os.Getenv(Env) != "" }

// Dir returns the folder Env names, or skips tb when it is unset.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv(Env)
	if dir == "" {
		tb.Skip("set " + Env + "=../shared/seeds (relative to the repository root, or absolute) to compare with the original bulletins")
	}
	if filepath.IsAbs(dir) {
		return dir
	}
	root, err := filepath.Abs(".")
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			return filepath.Join(root, dir)
		}
		parent := filepath.Dir(root)
		if parent == root {
			tb.Fatalf("%s=%s is relative but no go.mod is above the test's folder", Env, dir)
		}
		root = parent
	}
}

// Files returns the paths of the seed pages, sorted, or skips tb when Env
// is unset. It fails tb when the folder holds none.
func Files(tb testing.TB) []string {
	tb.Helper()
	dir := Dir(tb)
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no seed pages in %s (%v)", dir, err)
	}
	return files
}

// Pages returns the contents of the seed pages, in the order of Files.
func Pages(tb testing.TB) [][]byte {
	tb.Helper()
	var pages [][]byte
	for _, f := range Files(tb) {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		pages = append(pages, data)
	}
	return pages
}
