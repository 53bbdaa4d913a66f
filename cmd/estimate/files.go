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
	"strings"
	"sync"
	"sync/atomic"

	"github.com/patchtime/patchtime/chart"
	"github.com/patchtime/patchtime/internal/clip"
)

// An output is a file the run writes (-o, --plot), made the way careful
// tools make theirs. What happens depends on what is at the path, with
// symbolic links followed as open(2) follows them:
//
//   - Nothing, or a regular file: the output is written to a temporary
//     file in the same folder and renamed over the path once everything
//     is made, so readers see the old file or the new one, never a part.
//     An existing file keeps its mode bits and, where the process may
//     keep them, its owner and group; a new file gets 0666 less the umask.
//     A file the user may not write is refused, as the shell's `>` would.
//   - A regular file with several hard links: staged the same way, then
//     copied into the existing file, so that every name sees the new
//     output; the old bytes are kept aside until the run succeeds, and put
//     back if it does not.
//   - A device, FIFO, socket or pipe, or a name for one of the process's
//     descriptors (/dev/stdout, /dev/fd/N, /proc/self/fd/N): never
//     replaced, but written as standard output is (a stream), after every
//     estimate is made and the other outputs are in place; a regular file
//     behind a descriptor name is appended to, as `>>` left it.
//
// The outputs of a run are committed together (commitAll): renames first,
// each undoable from a copy of the old file, then the copies into
// hard-linked files, then what is held for streams; an error anywhere
// puts back what was already replaced. A stream cannot be taken back once
// written, so it goes last.
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
	inPlace             // copied into the existing file at commit
	stream              // written to as it is made, like standard output
)

// openOutput prepares the output file that flag names: it follows
// symbolic links, looks at what is there, and opens the staging file (or,
// for a stream, the destination). Errors name the flag and the path,
// never a temporary file.
func openOutput(flag, path string) (*output, error) {
	o := &output{flag: flag, path: path, target: path}
	fi, err := os.Stat(path) // follows every link, the kernel's own included
	switch {
	case err == nil && fi.IsDir():
		return nil, usagef("%s %s: is a directory; give a file name", flag, clip.Path(path))
	case err == nil && !fi.Mode().IsRegular():
		return o.openStream(os.O_WRONLY)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, o.fail(err)
	}
	o.target, err = resolve(path)
	if errors.Is(err, errDescriptor) {
		// A regular file behind /dev/stdout or /proc/self/fd/N: the shell
		// opened it; append, as replacing it would lose what `>>` kept.
		return o.openStream(os.O_WRONLY | os.O_APPEND)
	}
	if err != nil {
		return nil, o.fail(err)
	}
	o.old = fi
	perm := fs.FileMode(0o666) // less the umask
	if fi != nil {
		if err := writable(o.target); err != nil {
			return nil, o.fail(err)
		}
		perm = 0o600 // given the old file's mode at commit
		if links(fi) > 1 {
			o.kind = inPlace
		}
	}
	dir := filepath.Dir(o.target)
	if o.f, err = createTemp(dir, "."+filepath.Base(o.target)+".", ".tmp", perm); err != nil {
		o.done = true
		return nil, ioError{fmt.Errorf("%s %s: cannot create a temporary file in %s to put the output in place all at once: %w",
			flag, clip.Path(path), clip.Path(dir), cause(err))}
	}
	return o, nil
}

// openStream opens a device, FIFO, socket or descriptor for writing, as
// the shell does (a FIFO waits here for its reader).
func (o *output) openStream(flag int) (*output, error) {
	o.kind = stream
	f, err := os.OpenFile(o.path, flag, 0)
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

// commitAll puts every output in place, or none (see output). A nil
// output is skipped. The files are put in place under the lock a signal
// waits for; what is held for streams is written after it is released, so
// that a reader that stops reading cannot keep a signal from ending the
// run.
func commitAll(outs ...*output) (err error) {
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
	// Renames first, then copies into hard-linked files.
	slices.SortStableFunc(files, func(a, b *output) int { return int(a.kind) - int(b.kind) })
	defer func() {
		for _, o := range outs {
			if o != nil {
				o.Abort()
			}
		}
	}()
	undo, err := putInPlace(files, len(files)+len(streams) > 1)
	if err != nil {
		return err
	}
	for _, o := range streams {
		started.Store(true)
		if _, werr := o.f.Write(o.held); werr != nil {
			err = o.fail(werr)
		} else {
			err = o.Close()
		}
		if err != nil {
			committing.Lock()
			defer committing.Unlock()
			for i := len(undo) - 1; i >= 0; i-- {
				if uerr := undo[i].undo(); uerr != nil {
					err = fmt.Errorf("%w; and %v", err, uerr)
				}
			}
			return err
		}
	}
	for _, u := range undo {
		u.release()
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
		if u.backup, err = keepCopy(o.target, o.old); err != nil {
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
	backup, err := keepCopy(o.target, nil)
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

// keepCopy keeps the file at target aside, in a temporary file of its
// folder, and returns that file's name: a hard link where the file system
// allows (old != nil, and cheap), else a copy of the bytes with the same
// mode and owner.
func keepCopy(target string, old fs.FileInfo) (string, error) {
	dir, base := filepath.Dir(target), "."+filepath.Base(target)+"."
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

// errDescriptor says a path names one of the process's descriptors.
var errDescriptor = errors.New("a descriptor of the process")

// descriptorPath matches the names of a process's open descriptors.
var descriptorPath = regexp.MustCompile(`^/(dev/(stdin|stdout|stderr|fd/[0-9]+)|proc/[^/]+/fd/[0-9]+)$`)

// resolve follows the symbolic links of path as open(2) would and returns
// the file they lead to, which need not exist: the folder part is resolved
// by the file system at every step (so "link/../x" goes where the link
// leads, not where the text reads), never by cleaning the text. A path
// that is, or leads to, a descriptor's name gives errDescriptor.
func resolve(path string) (string, error) {
	for range 40 { // Linux's limit of links in one lookup
		if descriptorPath.MatchString(filepath.Clean(path)) {
			return "", errDescriptor
		}
		dir, base := ".", path
		if i := strings.LastIndexByte(path, os.PathSeparator); i >= 0 {
			dir, base = path[:i+1], path[i+1:]
		}
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return "", err
		}
		path = filepath.Join(real, base) // real has no links: cleaning it is safe
		if descriptorPath.MatchString(path) {
			return "", errDescriptor
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

func tempName(dir, prefix, suffix string) string {
	var b [6]byte
	rand.Read(b[:])
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

// maxMarks bounds the estimates marked on a plot; a sweep marks none.
const maxMarks = 100

// draw renders --plot to memory: the curves of the query, with the
// estimates asked for marked.
func draw(q *query, o options) ([]byte, error) {
	var marks []chart.Mark
	if q.rows(o) <= maxMarks {
		_, err := q.each(o, func(r result) error {
			if r.curve != nil {
				marks = append(marks, chart.Mark{Curve: r.curve, Scenario: r.est.Scenario})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	var names []string
	for _, c := range q.curves {
		s := c.Series()
		n := s.KB
		if s.Bulletin != "" {
			n += " (" + s.Bulletin + ")"
		}
		if n != "" && !strings.Contains(strings.Join(names, ", "), n) {
			names = append(names, n)
		}
	}
	p, err := chart.New(q.curves, chart.Options{Title: strings.Join(names, ", "), Marks: marks})
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
