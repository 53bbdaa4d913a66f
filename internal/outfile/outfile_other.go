//go:build !unix

package outfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// links is the number of hard links to the file fi describes: not known
// here, so one.
func links(fs.FileInfo) uint64 { return 1 }

// keepOwner does nothing where files have no Unix owner.
func keepOwner(*os.File, fs.FileInfo) {}

// writable is left to the system's own refusal here.
func writable(string) error { return nil }

// An ID tells files apart (here: by their absolute names); IDs are
// comparable, for use as map keys.
type ID struct{ name string }

// IDOf returns the identity of the file at path; false if it cannot be
// had.
func IDOf(path string) (ID, bool) {
	abs, err := filepath.Abs(path)
	return ID{abs}, err == nil
}

// mayReplace: files here are replaced by rename.
func mayReplace(fs.FileInfo) bool { return true }

// dupFile is not available here: descriptors are written by name.
func dupFile(fd int) (*os.File, error) {
	return os.OpenFile("/dev/fd/"+strconv.Itoa(fd), os.O_WRONLY|os.O_APPEND, 0)
}
