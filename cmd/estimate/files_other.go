//go:build !unix

package main

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

// fileID tells files apart: here, by their absolute names.
type fileID struct{ name string }

// idOf returns the identity of the file at path; false if it cannot be had.
func idOf(path string) (fileID, bool) {
	abs, err := filepath.Abs(path)
	return fileID{abs}, err == nil
}

// mayReplace: files here are replaced by rename.
func mayReplace(fs.FileInfo) bool { return true }

// dupFile is not available here: descriptors are written by name.
func dupFile(fd int) (*os.File, error) {
	return os.OpenFile("/dev/fd/"+strconv.Itoa(fd), os.O_WRONLY|os.O_APPEND, 0)
}
