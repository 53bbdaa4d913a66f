// Package outfile writes a program's output files the way careful tools
// do: all of them or none, never half of one, and never leaving a
// temporary file behind, even when a signal ends the run.
//
// What happens to a File depends on what is at its path, with symbolic
// links followed as open(2) follows them (a link's target is written, the
// link kept):
//
//   - Nothing, or a regular file the user owns (or root) with one name, in
//     a folder the user may write: the output is written to a temporary
//     file in that folder and renamed over the path once everything is
//     made, so readers see the old file or the new one, never a part. An
//     existing file keeps its mode bits and owner; a new file gets 0666
//     less the umask.
//   - Another regular file the user may write (one with several hard
//     links, another user's, or one in a folder the user may not write):
//     staged in a temporary file of the system's, then written into, as
//     the shell's `>` would, so that its names, owner and folder stay; its
//     old bytes are kept aside until the run succeeds and put back if it
//     does not. A file the user may not write is refused, as `>` refuses
//     it.
//   - A device, FIFO or pipe, or a name of one of the process's own
//     descriptors (/dev/stdout, /dev/fd/N, /proc/self/fd/N): never
//     replaced, but written as standard output is (a stream), after every
//     other file is in place; a descriptor is written through a duplicate
//     of it, so that a file the shell opened with `>>` is appended to and a
//     socket works.
//
// The files of a run are committed together (Commit), all or none: renames
// first, each undoable from a copy of the old file, then the writes into
// files; an error puts back what was already replaced. Streams follow, and
// like standard output cannot be taken back.
//
// A program that ends on a signal calls Cleanup from its handler: it waits
// for a commit under way, removes every temporary file, and says whether
// any output had reached its destination (Started).
//
// Errors: every failure of the system is an *Error, which names the flag
// and the path as given and the system's reason, never a temporary file
// (it may be wrapped, with a note of an old file that could not be put
// back). The one other error is ErrDirectory's, a caller's mistake.
package outfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/patchtime/patchtime/internal/clip"
)

// An Error is a failure of the system to prepare or write an output file.
// Its text is the flag, the path as given (escaped and cut as clip.Path
// does) and the reason: "-o out.csv: no space left on device".
type Error struct {
	Flag string // the flag that named the file, such as "-o" or "--plot"
	Path string // the file's name as given
	Err  error  // the reason, without any path
}

func (e *Error) Error() string { return e.Flag + " " + clip.Path(e.Path) + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// ErrDirectory is wrapped by the error Open returns when the path names a
// folder: "-o out: is a directory; give a file name". It is the caller's
// mistake, not the system's failure, so it is no *Error.
var ErrDirectory = errors.New("is a directory; give a file name")

// A File is an output file a run writes (see the package's comment).
// Make one with Open, give it its content with Write or Hold, and put it in
// place with Commit, or drop it with Abort.
type File struct {
	flag, path string      // the flag that named the file, and its name as given
	target     string      // path with symbolic links followed
	kind       kind        // how it is written
	old        fs.FileInfo // the existing file, nil if none
	f          *os.File    // the staging file, or for a stream the destination
	held       []byte      // for a stream: what Commit writes
	done       bool
}

type kind int

const (
	replace kind = iota // renamed into place
	inPlace             // written into the existing file at commit
	stream              // written to as it is made, like standard output
)

// Open prepares the output file that flag names: it follows symbolic
// links, looks at what is there, and opens the staging file (or, for a
// stream, the destination; a FIFO waits here for its reader). Errors name
// the flag and the path, never a temporary file: an *Error, or, for a
// folder, one wrapping ErrDirectory.
func Open(flag, path string) (*File, error) {
	o := &File{flag: flag, path: path, target: path}
	target, err := resolve(path)
	var de *descriptorError
	if errors.As(err, &de) {
		return o.openDescriptor(de)
	}
	fi, serr := os.Stat(path) // follows every link
	switch {
	case serr == nil && fi.IsDir():
		return nil, fmt.Errorf("%s %s: %w", flag, clip.Path(path), ErrDirectory)
	case serr == nil && !fi.Mode().IsRegular():
		return o.openStream()
	case serr != nil && !errors.Is(serr, fs.ErrNotExist):
		return nil, o.fail(serr)
	case err != nil:
		return nil, o.fail(err)
	}
	o.target, o.old = target, fi
	dir := filepath.Dir(target)
	if fi != nil {
		if err := writable(target); err != nil {
			return nil, o.fail(err)
		}
		if links(fi) > 1 || !mayReplace(fi) || writable(dir) != nil {
			o.kind = inPlace
			if o.f, err = createTemp(os.TempDir(), "estimate-", ".tmp", 0o600); err != nil {
				return nil, o.fail(fmt.Errorf("cannot create a temporary file in %s: %w", clip.Path(os.TempDir()), cause(err)))
			}
			return o, nil
		}
	}
	perm := fs.FileMode(0o666) // a new file: less the umask
	if fi != nil {
		perm = 0o600 // given the old file's mode at commit
	}
	if o.f, err = createTemp(dir, "."+filepath.Base(target)+".", ".tmp", perm); err != nil {
		o.done = true
		return nil, &Error{flag, path, fmt.Errorf("cannot create a file in %s: %w", clip.Path(dir), cause(err))}
	}
	return o, nil
}

// openStream opens a device, FIFO or pipe for writing, as the shell does
// (a FIFO waits here for its reader).
func (o *File) openStream() (*File, error) {
	o.kind = stream
	f, err := os.OpenFile(o.path, os.O_WRONLY, 0)
	if err != nil {
		return nil, o.fail(err)
	}
	o.f = f
	return o, nil
}

// openDescriptor writes to one of the process's descriptors through a
// duplicate of it, or to another process's by its name, appending.
func (o *File) openDescriptor(de *descriptorError) (*File, error) {
	o.kind = stream
	if de.fd < 0 {
		f, err := os.OpenFile(o.path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return nil, o.fail(err)
		}
		o.f = f
		return o, nil
	}
	f, err := dupFile(de.fd)
	if err != nil {
		return nil, o.fail(err)
	}
	o.f = f
	return o, nil
}

// Stream reports whether the file is written as it is made, like standard
// output (a device, FIFO, pipe or descriptor), rather than put in place
// by Commit. A caller that cannot take back what it writes should make
// everything before writing to a stream.
func (o *File) Stream() bool { return o.kind == stream }

// Write writes to the staging file, or to a stream's destination (which
// counts as output started, see Started). An error is an *Error, and
// drops the file.
func (o *File) Write(p []byte) (int, error) {
	if o.kind == stream {
		started.Store(true)
	}
	n, err := o.f.Write(p)
	if err != nil {
		return n, o.fail(err)
	}
	return n, nil
}

// Hold gives the file its whole content: staged now, or for a stream
// written by Commit once every other file is in place.
func (o *File) Hold(data []byte) error {
	if o.kind == stream {
		o.held = data
		return nil
	}
	_, err := o.Write(data)
	return err
}

// Close closes a stream written with Write, reporting any error of the
// destination's as an *Error. For a file put in place, use Commit.
func (o *File) Close() error {
	if o.done {
		return nil
	}
	o.done = true
	if err := o.f.Close(); err != nil {
		return &Error{o.flag, o.path, cause(err)}
	}
	return nil
}

// fail drops the file, leaving the target as it was, and returns err as
// an *Error naming the flag and the path.
func (o *File) fail(err error) error {
	o.Abort()
	return &Error{o.flag, o.path, cause(err)}
}

// Abort drops the file: the target is left as it was, and the staging
// file removed. It may be called more than once, and after Commit (where
// it does nothing), so it suits a defer.
func (o *File) Abort() {
	if o.done {
		return
	}
	o.done = true
	if o.f != nil {
		o.f.Close()
		if o.kind != stream {
			removeTemp(o.f.Name())
		}
	}
}

// committing is held while files are put in place, so that Cleanup waits
// for a commit under way; started says some output has reached its
// destination.
var (
	committing sync.Mutex
	started    atomic.Bool
)

// Started reports whether some output has reached its destination: a
// file put in place, a stream written to, or MarkStarted called.
func Started() bool { return started.Load() }

// MarkStarted records that output has begun to reach a destination this
// package does not write, such as standard output, for Started and
// Cleanup.
func MarkStarted() { started.Store(true) }

// Cleanup is for a handler of a signal that ends the process: it waits
// for a commit under way to finish (so that the files are all in place or
// none is), removes every temporary file, and reports whether output had
// started (see Started). It keeps its locks, so that nothing is created
// or put in place afterwards: the process must exit next.
func Cleanup() (started bool) {
	committing.Lock()
	removeTemps()
	return Started()
}

// Commit puts every file in place, or none, then writes what is held for
// streams; a nil or aborted file is skipped. The files are put in place
// under the lock Cleanup waits for; streams are written after it is
// released, so that a reader that stops reading cannot keep a signal from
// ending the run. Every file is done with afterwards (Abort does nothing).
// An error is an *Error, perhaps wrapped with a note of an old file that
// could not be put back.
func Commit(files ...*File) error {
	var replaced, streams []*File
	for _, o := range files {
		switch {
		case o == nil || o.done:
		case o.kind == stream:
			streams = append(streams, o)
		default:
			replaced = append(replaced, o)
		}
	}
	// Renames first, then writes into files.
	slices.SortStableFunc(replaced, func(a, b *File) int { return int(a.kind) - int(b.kind) })
	defer func() {
		for _, o := range files {
			if o != nil {
				o.Abort()
			}
		}
	}()
	undo, err := putInPlace(replaced, len(replaced) > 1)
	if err != nil {
		return err
	}
	for _, u := range undo {
		u.release()
	}
	for _, o := range streams {
		started.Store(true)
		if _, err := o.f.Write(o.held); err != nil {
			return o.fail(err)
		}
		if err := o.Close(); err != nil {
			return err
		}
	}
	return nil
}

// putInPlace puts the staged files in place, in order, under the lock
// Cleanup waits for. With keep, each replaced file can be put back by the
// undoers returned; on an error, those already replaced are put back.
func putInPlace(files []*File, keep bool) (undo []undoer, err error) {
	committing.Lock()
	defer committing.Unlock()
	for _, o := range files {
		if err := o.finishStage(); err != nil {
			return nil, err
		}
	}
	defer func() {
		if err == nil {
			if len(files) > 0 {
				started.Store(true)
			}
			return
		}
		for i := len(undo) - 1; i >= 0; i-- {
			if uerr := undo[i].undo(); uerr != nil {
				err = fmt.Errorf("%w; and %v", err, uerr)
			}
		}
		undo = nil
	}()
	for _, o := range files {
		var u undoer
		if o.kind == replace {
			u, err = o.rename(keep)
		} else {
			u, err = o.copyIn()
		}
		if err != nil {
			return undo, err
		}
		undo = append(undo, u)
	}
	return undo, nil
}

// finishStage gives a staged file the old file's owner and mode, and
// flushes it to disk.
func (o *File) finishStage() error {
	if o.old != nil && o.kind == replace {
		keepOwner(o.f, o.old)
		// After the owner: changing it clears the set-ID bits.
		if err := o.f.Chmod(o.old.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
			return o.fail(err)
		}
	}
	if err := o.f.Sync(); err != nil {
		return o.fail(err)
	}
	return nil
}

// rename puts a staged file in place. With several files, the old file
// is first kept aside so that a later failure can put it back.
func (o *File) rename(keep bool) (undoer, error) {
	if err := o.f.Close(); err != nil {
		return nil, o.fail(err)
	}
	u := &renamed{target: o.target}
	if keep && o.old != nil {
		var err error
		if u.backup, err = keepCopy(o.target, o.old, filepath.Dir(o.target)); err != nil {
			return nil, o.fail(fmt.Errorf("cannot keep a copy of the old file to put back if another output fails: %w", cause(err)))
		}
	}
	if err := rename(o.f.Name(), o.target); err != nil {
		u.release()
		return nil, o.fail(err)
	}
	forget(o.f.Name())
	o.done = true
	syncDir(filepath.Dir(o.target))
	return u, nil
}

// copyIn copies a staged file into the existing, hard-linked file, after
// keeping the old bytes aside; if the copy fails they are put back.
func (o *File) copyIn() (undoer, error) {
	backup, err := keepCopy(o.target, nil, os.TempDir())
	if err != nil {
		return nil, o.fail(fmt.Errorf("cannot keep a copy of the old file to put back on failure: %w", cause(err)))
	}
	u := &copied{target: o.target, backup: backup}
	if err := overwrite(o.target, o.f); err != nil {
		if uerr := u.undo(); uerr != nil {
			err = fmt.Errorf("%w; and %v", cause(err), uerr)
		}
		return nil, o.fail(err)
	}
	o.Abort() // removes the staging file
	return u, nil
}

// overwrite replaces the content of the file at path with src's, in
// place, and flushes it.
func overwrite(path string, src *os.File) error {
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = copyInto(dst, src)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return err
}

// rename and copyInto are os.Rename and io.Copy; tests replace them to
// fail a commit halfway.
var (
	rename   = os.Rename
	copyInto = func(dst io.Writer, src io.Reader) (int64, error) { return io.Copy(dst, src) }
)

// An undoer puts back a file that Commit replaced (undo), or forgets how
// once the run has succeeded (release).
type undoer interface {
	undo() error
	release()
}

// renamed is a file renamed over target; backup holds the old one ("" if
// there was none).
type renamed struct{ target, backup string }

func (r *renamed) undo() error {
	if r.backup == "" {
		os.Remove(r.target)
		return nil
	}
	if err := os.Rename(r.backup, r.target); err != nil {
		return fmt.Errorf("the old %s could not be put back: it is kept as %s", clip.Path(r.target), clip.Path(r.backup))
	}
	forget(r.backup)
	return nil
}

func (r *renamed) release() {
	if r.backup != "" {
		removeTemp(r.backup)
	}
}

// copied is a hard-linked file overwritten in place; backup holds its old
// bytes.
type copied struct{ target, backup string }

func (c *copied) undo() error {
	b, err := os.Open(c.backup)
	if err == nil {
		err = overwrite(c.target, b)
		b.Close()
	}
	if err != nil {
		return fmt.Errorf("the old %s could not be put back: it is kept as %s", clip.Path(c.target), clip.Path(c.backup))
	}
	removeTemp(c.backup)
	return nil
}

func (c *copied) release() { removeTemp(c.backup) }

// keepCopy keeps the file at target aside, in a temporary file of dir,
// and returns that file's name: a hard link where the file system allows
// (old != nil, dir the target's, and cheap), else a copy of the bytes with
// the same mode and owner.
func keepCopy(target string, old fs.FileInfo, dir string) (string, error) {
	base := "." + filepath.Base(target) + "."
	if old != nil {
		for range 10 {
			name := tempName(dir, base, ".old")
			err := link(target, name)
			if err == nil {
				return name, nil
			}
			if !errors.Is(err, fs.ErrExist) {
				break // no hard links here: copy
			}
		}
	}
	src, err := os.Open(target)
	if err != nil {
		return "", err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return "", err
	}
	dst, err := createTemp(dir, base, ".old", 0o600)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(dst, src)
	if err == nil {
		keepOwner(dst, fi)
		err = dst.Chmod(fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky))
	}
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		removeTemp(dst.Name())
		return "", err
	}
	return dst.Name(), nil
}

// link hard-links name to target and records name as a temporary file.
func link(target, name string) error {
	temps.Lock()
	defer temps.Unlock()
	err := os.Link(target, name)
	if err == nil {
		temps.names[name] = true
	}
	return err
}

// descriptorError says a path names an open descriptor: fd of this
// process, or -1 for another process's.
type descriptorError struct{ fd int }

func (e *descriptorError) Error() string { return "a descriptor" }

// descriptorPath matches the names of a process's open descriptors; its
// groups are the process (or "", "self", "thread-self"), the name under
// /dev, and the number.
var descriptorPath = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^/(?:dev/(stdin|stdout|stderr|fd/([0-9]+))|proc/([^/]+)(?:/task/[^/]+)?/fd/([0-9]+))$`)
})

// descriptor reports whether the absolute path p names a descriptor.
func descriptor(p string) *descriptorError {
	m := descriptorPath().FindStringSubmatch(p)
	switch {
	case m == nil:
		return nil
	case m[1] == "stdin":
		return &descriptorError{0}
	case m[1] == "stdout":
		return &descriptorError{1}
	case m[1] == "stderr":
		return &descriptorError{2}
	case m[2] != "":
		n, _ := strconv.Atoi(m[2])
		return &descriptorError{n}
	case m[3] == "self" || m[3] == "thread-self" || m[3] == strconv.Itoa(os.Getpid()):
		n, _ := strconv.Atoi(m[4])
		return &descriptorError{n}
	}
	return &descriptorError{-1}
}

// resolve follows the symbolic links of path as open(2) would and returns
// the file they lead to, which need not exist: the folder part is resolved
// by the file system at every step (so "link/../x" goes where the link
// leads, not where the text reads), never by cleaning the text. A path
// that is, or leads to, a descriptor's name (see descriptor) gives a
// *descriptorError.
func resolve(path string) (string, error) {
	for range 40 { // Linux's limit of links in one lookup
		if filepath.IsAbs(path) {
			if de := descriptor(filepath.Clean(path)); de != nil {
				return "", de
			}
		}
		dir, base := ".", path
		if i := strings.LastIndexByte(path, os.PathSeparator); i >= 0 {
			dir, base = path[:i+1], path[i+1:]
		}
		real, err := filepath.EvalSymlinks(dir)
		if err == nil {
			real, err = filepath.Abs(real)
		}
		if err != nil {
			return "", err
		}
		path = filepath.Join(real, base) // real has no links: cleaning it is safe
		if de := descriptor(path); de != nil {
			return "", de
		}
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		to, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(to) {
			to = real + string(os.PathSeparator) + to
		}
		path = to
	}
	return "", errors.New("too many levels of symbolic links")
}

// createTemp creates a new file dir/prefix<random>suffix with perm (less
// the umask) and records it for removal by Cleanup.
func createTemp(dir, prefix, suffix string, perm fs.FileMode) (*os.File, error) {
	for range 100 {
		name := tempName(dir, prefix, suffix)
		f, err := openTemp(name, perm)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	return nil, errors.New("cannot find a free temporary name")
}

// openTemp creates the file name and records it, under the lock that
// Cleanup takes, so that no file escapes it.
func openTemp(name string, perm fs.FileMode) (*os.File, error) {
	temps.Lock()
	defer temps.Unlock()
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
	if err == nil {
		temps.names[name] = true
	}
	return f, err
}

// tempName returns dir/prefix<12 hex digits>suffix, with prefix cut (at a
// character's start) so that the name stays within the 255 bytes a file
// name may have.
func tempName(dir, prefix, suffix string) string {
	var b [6]byte
	rand.Read(b[:])
	if room := 255 - 12 - len(suffix); len(prefix) > room {
		cut := room
		for cut > 0 && !utf8.RuneStart(prefix[cut]) {
			cut--
		}
		prefix = prefix[:cut]
	}
	return filepath.Join(dir, prefix+hex.EncodeToString(b[:])+suffix)
}

// temps are the temporary files that exist now, removed by Cleanup.
var temps = struct {
	sync.Mutex
	names map[string]bool
}{names: map[string]bool{}}

// forget stops tracking a temporary file that is no longer one (renamed
// into place).
func forget(name string) {
	temps.Lock()
	delete(temps.names, name)
	temps.Unlock()
}

// removeTemp removes a temporary file and stops tracking it.
func removeTemp(name string) {
	temps.Lock()
	os.Remove(name)
	delete(temps.names, name)
	temps.Unlock()
}

// removeTemps removes every temporary file of the process; the lock is
// kept, so that nothing creates another before the process exits.
func removeTemps() {
	temps.Lock()
	for name := range temps.names {
		os.Remove(name)
	}
}

// syncDir flushes a folder, so that a rename in it survives a crash. A
// failure is ignored: not every file system can.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// cause is the system's reason in an error about a path, without the path
// (which may be our temporary file's).
func cause(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

// Same reports whether the paths a and b name the same existing file
// (following links, so hard links and links are the same file), or,
// where one does not exist yet, lead to the same name: a program can
// refuse to write an output over one of its inputs, or two outputs to one
// file.
func Same(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	ra, err1 := resolve(a)
	rb, err2 := resolve(b)
	if err1 != nil || err2 != nil {
		return false
	}
	ra, err1 = filepath.Abs(ra)
	rb, err2 = filepath.Abs(rb)
	return err1 == nil && err2 == nil && ra == rb
}

// IsStream reports whether path names something a File writes as a
// stream: a device, FIFO or pipe, which a run cannot clobber as it could
// a file it reads.
func IsStream(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.Mode().IsRegular() && !fi.IsDir()
}
