package main

import (
	"bytes"
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

	"github.com/patchtime/patchtime/chart"
	"github.com/patchtime/patchtime/internal/clip"
	"github.com/patchtime/patchtime/plan"
)

// An output is a file the run writes (-o, --plot), made the way careful
// tools make theirs. What happens depends on what is at the path, with
// symbolic links followed as open(2) follows them:
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
//     estimate is made and the files are in place; a descriptor is
//     written through a duplicate of it, so that a file the shell opened
//     with `>>` is appended to and a socket works.
//
// The files of a run are committed together (commitAll), all or none:
// renames first, each undoable from a copy of the old file, then the
// writes into files; an error puts back what was already replaced. Streams
// follow, and like standard output cannot be taken back.
type output struct {
	flag, path string      // the flag that named the file, and its name as given
	target     string      // path with symbolic links followed
	kind       kind        // how it is written
	old        fs.FileInfo // the existing file, nil if none
	f          *os.File    // the staging file, or for a stream the destination
	held       []byte      // for a stream: what commitAll writes
	done       bool
}

type kind int

const (
	replace kind = iota // renamed into place
	inPlace             // written into the existing file at commit
	stream              // written to as it is made, like standard output
)

// openOutput prepares the output file that flag names: it follows
// symbolic links, looks at what is there, and opens the staging file (or,
// for a stream, the destination). Errors name the flag and the path,
// never a temporary file.
func openOutput(flag, path string) (*output, error) {
	o := &output{flag: flag, path: path, target: path}
	target, err := resolve(path)
	var de *descriptorError
	if errors.As(err, &de) {
		return o.openDescriptor(de)
	}
	fi, serr := os.Stat(path) // follows every link
	switch {
	case serr == nil && fi.IsDir():
		return nil, usagef("%s %s: is a directory; give a file name", flag, clip.Path(path))
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
		return nil, ioError{fmt.Errorf("%s %s: cannot create a file in %s: %w", flag, clip.Path(path), clip.Path(dir), cause(err))}
	}
	return o, nil
}

// openStream opens a device, FIFO or pipe for writing, as the shell does
// (a FIFO waits here for its reader).
func (o *output) openStream() (*output, error) {
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
func (o *output) openDescriptor(de *descriptorError) (*output, error) {
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

// Stream reports whether the output is written as it is made, like
// standard output, rather than put in place at commit.
func (o *output) Stream() bool { return o.kind == stream }

// Write writes to the staging file, or to a stream's destination.
func (o *output) Write(p []byte) (int, error) {
	if o.kind == stream {
		started.Store(true)
	}
	n, err := o.f.Write(p)
	if err != nil {
		return n, o.fail(err)
	}
	return n, nil
}

// Hold gives the output its whole content: staged now, or for a stream
// written by commitAll once every other output is in place.
func (o *output) Hold(data []byte) error {
	if o.kind == stream {
		o.held = data
		return nil
	}
	_, err := o.Write(data)
	return err
}

// Close closes a stream, reporting any error of the destination's.
func (o *output) Close() error {
	if o.done {
		return nil
	}
	o.done = true
	if err := o.f.Close(); err != nil {
		return ioError{fmt.Errorf("%s %s: %w", o.flag, clip.Path(o.path), cause(err))}
	}
	return nil
}

// fail drops the output, leaving the target as it was, and returns err as
// an I/O error naming the flag and the path.
func (o *output) fail(err error) error {
	o.Abort()
	return ioError{fmt.Errorf("%s %s: %w", o.flag, clip.Path(o.path), cause(err))}
}

// Abort drops the output: the target is left as it was. It may be called
// more than once, and after commitAll.
func (o *output) Abort() {
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

// committing is held while outputs are put in place, so that a signal
// waits for a commit under way (see onSignal); started says some output
// has reached its destination.
var (
	committing sync.Mutex
	started    atomic.Bool
)

// commitAll puts every file in place, or none, then writes what is held
// for streams (see output); a nil output is skipped. The files are put in
// place under the lock a signal waits for; streams are written after it
// is released, so that a reader that stops reading cannot keep a signal
// from ending the run.
func commitAll(outs ...*output) error {
	var files, streams []*output
	for _, o := range outs {
		switch {
		case o == nil || o.done:
		case o.kind == stream:
			streams = append(streams, o)
		default:
			files = append(files, o)
		}
	}
	// Renames first, then writes into files.
	slices.SortStableFunc(files, func(a, b *output) int { return int(a.kind) - int(b.kind) })
	defer func() {
		for _, o := range outs {
			if o != nil {
				o.Abort()
			}
		}
	}()
	undo, err := putInPlace(files, len(files) > 1)
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

// putInPlace puts the staged files in place, in order, under the lock a
// signal waits for. With keep, each replaced file can be put back by the
// undoers returned; on an error, those already replaced are put back.
func putInPlace(files []*output, keep bool) (undo []undoer, err error) {
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
func (o *output) finishStage() error {
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

// rename puts a staged file in place. With several outputs, the old file
// is first kept aside so that a later failure can put it back.
func (o *output) rename(keep bool) (undoer, error) {
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
func (o *output) copyIn() (undoer, error) {
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

// An undoer puts back a file that commitAll replaced (undo), or forgets
// how once the run has succeeded (release).
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
var descriptorPath = regexp.MustCompile(`^/(?:dev/(stdin|stdout|stderr|fd/([0-9]+))|proc/([^/]+)(?:/task/[^/]+)?/fd/([0-9]+))$`)

// descriptor reports whether the absolute path p names a descriptor.
func descriptor(p string) *descriptorError {
	m := descriptorPath.FindStringSubmatch(p)
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
// the umask) and records it for removal on a signal.
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

// openTemp creates the file name and records it, under the lock that a
// signal's clean-up takes, so that no file escapes it.
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

// temps are the temporary files that exist now, removed if a signal ends
// the run (see onSignal).
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

// sameFile reports whether the paths a and b name the same existing file
// (following links, so hard links and links are the same file), or,
// where one does not exist yet, lead to the same name.
func sameFile(a, b string) bool {
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

// isStream reports whether path names something written as a stream (see
// output): a device, FIFO or pipe, which a run cannot clobber as it could
// a file it reads.
func isStream(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.Mode().IsRegular() && !fi.IsDir()
}

// maxMarks bounds the estimates marked on a plot; a sweep marks none.
const maxMarks = 100

// draw renders --plot to memory: the curves of the query, with the
// estimates asked for marked.
func draw(q *plan.Query, o options) ([]byte, error) {
	var marks []chart.Mark
	if q.Rows() <= maxMarks {
		_, err := q.Each(func(r plan.Row) error {
			if r.Curve != nil {
				marks = append(marks, chart.Mark{Curve: r.Curve, Scenario: r.Estimate.Scenario})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	var names []string
	for _, c := range q.Curves() {
		s := c.Series()
		n := s.KB
		if s.Bulletin != "" {
			n += " (" + s.Bulletin + ")"
		}
		if n != "" && !strings.Contains(strings.Join(names, ", "), n) {
			names = append(names, n)
		}
	}
	p, err := chart.New(q.Curves(), chart.Options{Title: strings.Join(names, ", "), Marks: marks})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(o.plot)), ".")
	if err := chart.Write(&b, p, format, o.plotW, o.plotH); err != nil {
		return nil, usagef("--plot: %w", err)
	}
	return b.Bytes(), nil
}
