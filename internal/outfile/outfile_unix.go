//go:build unix

package outfile

import (
	"io/fs"
	"os"
	"strconv"
	"syscall"
)

// links is the number of hard links to the file fi describes.
func links(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}

// keepOwner gives f the owner and group of old where the process may: root
// keeps both, others keep the group when they belong to it. A refusal
// leaves f the process's own, as when the shell creates a file.
func keepOwner(f *os.File, old fs.FileInfo) {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) == os.Geteuid() && int(st.Gid) == os.Getegid() {
		return
	}
	if f.Chown(int(st.Uid), int(st.Gid)) != nil {
		f.Chown(-1, int(st.Gid))
	}
}

// writable reports, as access(2) does for the real user, why the file at
// path may not be written; nil if it may.
func writable(path string) error {
	if err := syscall.Access(path, 2 /* W_OK */); err != nil {
		return err
	}
	return nil
}

// An ID tells files apart, whatever their names (here: device and inode);
// IDs are comparable, for use as map keys.
type ID struct{ dev, ino uint64 }

// IDOf returns the identity of the file at path, following links; false
// if it cannot be had (the file is missing or unreadable).
func IDOf(path string) (ID, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return ID{}, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ID{}, false
	}
	return ID{uint64(st.Dev), uint64(st.Ino)}, true
}

// mayReplace reports whether the process may rename a file over the one
// fi describes and give it back its owner: root may, others for their own
// files (another's would become theirs, or, in a sticky folder, could not
// be replaced at all).
func mayReplace(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return !ok || os.Geteuid() == 0 || int(st.Uid) == os.Geteuid()
}

// dupFile returns a duplicate of the process's descriptor fd, sharing its
// offset and flags (an O_APPEND file stays appended to).
func dupFile(fd int) (*os.File, error) {
	n, err := syscall.Dup(fd)
	if err != nil {
		return nil, err
	}
	syscall.CloseOnExec(n)
	return os.NewFile(uintptr(n), "/dev/fd/"+strconv.Itoa(fd)), nil
}
