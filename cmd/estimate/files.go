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
	"strings"
	"sync"

	"github.com/patchtime/patchtime/chart"
)

// An output is a file the run writes (-o, --plot), made the way careful
// tools make theirs:
//
//   - A regular file, new or existing, is written aside in a temporary
//     file of its folder and renamed over it when everything is made, so
//     readers see the old file or the new one, never a part. An existing
//     file keeps its permission bits and, where the process may keep
//     them, its owner and group; a new file gets 0666 less the umask.
//   - A symbolic link is followed: its final target is replaced and the
//     link kept.
//   - A device, FIFO or socket (/dev/null, /dev/stdout, a named pipe), and
//     a regular file with several hard links, are never replaced: the
//     output is staged in an unlinked temporary file and copied into the
//     existing one when everything else is in place, as the shell's `>`
//     would, so the links and the device stay.
//
// The outputs of a run are committed together (commitAll): renames first,
// each undoable from a hard-linked copy of the old file, then the in-place
// copies; a failure anywhere puts back what was already replaced.
type output struct {
	flag, path string // the flag that named the file, and its name as given
	target     string // path with symbolic links followed
	inPlace    bool   // copied into the existing file at commit, not renamed
	dest       *os.File
	stage      *os.File // where the output is written until commit
	done       bool
}

// openOutput prepares the output file that flag names: it follows
// symbolic links, looks at what is there, and opens the staging file.
// Errors name the flag and the path, never a temporary file.
func openOutput(flag, path string) (*output, error) {
	target, err := resolve(path)
	if err != nil {
		return nil, ioError{fmt.Errorf("%s %s: %w", flag, path, cause(err))}
	}
	o := &output{flag: flag, path: path, target: target}
	fi, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		err = o.openAside(0o666, nil)
	case err != nil:
	case fi.IsDir():
		return nil, usagef("%s %s: is a directory; give a file name", flag, path)
	case !fi.Mode().IsRegular() || links(fi) > 1:
		err = o.openInPlace()
	default:
		err = o.openAside(0o600, fi)
	}
	if err != nil {
		return nil, o.fail(err)
	}
	return o, nil
}

// openAside starts a temporary file beside the target, to be renamed over
// it. A new file is created with perm less the umask; one replacing old is
// created private and given old's mode and owner at commit.
func (o *output) openAside(perm fs.FileMode, old fs.FileInfo) error {
	f, err := createTemp(filepath.Dir(o.target), "."+filepath.Base(o.target)+".", ".tmp", perm)
	if err != nil {
		return err
	}
	o.stage = f
	if old != nil {
		if err := f.Chmod(old.Mode().Perm()); err != nil {
			return err
		}
		keepOwner(f, old)
	}
	return nil
}

// openInPlace opens the existing device, FIFO or multiply linked file for
// writing now (as the shell does, so a FIFO waits for its reader before
// any work) and stages the output in an unlinked temporary file.
func (o *output) openInPlace() error {
	o.inPlace = true
	var err error
	if o.dest, err = os.OpenFile(o.target, os.O_WRONLY, 0); err != nil {
		return err
	}
	f, err := createTemp(os.TempDir(), "estimate-", ".tmp", 0o600)
	if err != nil {
		return err
	}
	o.stage = f
	os.Remove(f.Name()) // unlinked: nothing is left behind, whatever happens
	forget(f.Name())
	return nil
}

// Write writes to the staging file.
func (o *output) Write(p []byte) (int, error) {
	n, err := o.stage.Write(p)
	if err != nil {
		return n, o.fail(err)
	}
	return n, nil
}

// fail closes the output, leaving the target as it was, and returns err
// as an I/O error naming the flag and the path.
func (o *output) fail(err error) error {
	o.Abort()
	return ioError{fmt.Errorf("%s %s: %w", o.flag, o.path, cause(err))}
}

// Abort drops the output: the target is left as it was. It may be called
// more than once, and after commitAll.
func (o *output) Abort() {
	if o.done {
		return
	}
	o.done = true
	if o.stage != nil {
		o.stage.Close()
		if !o.inPlace {
			os.Remove(o.stage.Name())
			forget(o.stage.Name())
		}
	}
	if o.dest != nil {
		o.dest.Close()
	}
}

// commitAll puts every output in place, or none: the replaced files are
// first hard-linked aside (when there is more than one output), the
// renames done, then the in-place copies; any error puts the replaced
// files back. A nil output is skipped.
func commitAll(outs ...*output) (err error) {
	var aside, inPlace []*output
	for _, o := range outs {
		switch {
		case o == nil:
		case o.inPlace:
			inPlace = append(inPlace, o)
		default:
			aside = append(aside, o)
		}
	}
	defer func() {
		for _, o := range outs {
			if o != nil {
				o.Abort()
			}
		}
	}()
	for _, o := range aside {
		if err := o.stage.Sync(); err != nil {
			return o.fail(err)
		}
		if err := o.stage.Close(); err != nil {
			return o.fail(err)
		}
	}
	undo := len(aside)+len(inPlace) > 1
	var done []rollback
	defer func() {
		for _, r := range done {
			if err != nil {
				r.undo()
			}
			r.release()
		}
	}()
	for _, o := range aside {
		r := rollback{target: o.target}
		if undo {
			if r.backup, err = keepCopy(o.target); err != nil {
				return o.fail(err)
			}
		}
		if err := rename(o.stage.Name(), o.target); err != nil {
			r.release()
			return o.fail(err)
		}
		forget(o.stage.Name())
		o.done = true
		done = append(done, r)
	}
	for _, o := range inPlace {
		if err := o.copyInPlace(); err != nil {
			return o.fail(err)
		}
	}
	return nil
}

// copyInPlace copies the staged output into the existing file.
func (o *output) copyInPlace() error {
	if _, err := o.stage.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if fi, err := o.dest.Stat(); err == nil && fi.Mode().IsRegular() {
		if err := o.dest.Truncate(0); err != nil {
			return err
		}
	}
	if _, err := io.Copy(struct{ io.Writer }{o.dest}, o.stage); err != nil {
		return err
	}
	if err := o.dest.Close(); err != nil {
		return err
	}
	o.dest = nil
	return nil
}

// rename is os.Rename; tests replace it to fail a commit halfway.
var rename = os.Rename

// rollback can put back a file that commitAll replaced.
type rollback struct {
	target string
	backup string // a hard link to the old file; "" if there was none
}

func (r rollback) undo() {
	if r.backup == "" {
		os.Remove(r.target)
		return
	}
	if os.Rename(r.backup, r.target) == nil {
		forget(r.backup)
	}
}

func (r rollback) release() {
	if r.backup != "" {
		os.Remove(r.backup)
		forget(r.backup)
	}
}

// keepCopy hard-links the file at target aside, so that a later failure
// can put it back; "" when there is no file.
func keepCopy(target string) (string, error) {
	for range 10 {
		name := tempName(filepath.Dir(target), "."+filepath.Base(target)+".", ".old")
		track(name)
		err := os.Link(target, name)
		switch {
		case err == nil:
			return name, nil
		case errors.Is(err, fs.ErrNotExist):
			forget(name)
			return "", nil
		case !errors.Is(err, fs.ErrExist):
			forget(name)
			return "", fmt.Errorf("cannot keep a copy to undo with if another output fails: %w", cause(err))
		}
		forget(name)
	}
	return "", errors.New("cannot find a free temporary name")
}

// resolve follows symbolic links at the end of path, as open(2) would,
// and returns the file they lead to, which need not exist.
func resolve(path string) (string, error) {
	for range 40 { // Linux's limit of links in one lookup
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
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			dir, err := filepath.EvalSymlinks(filepath.Dir(path))
			if err != nil {
				return "", err
			}
			link = filepath.Join(dir, link)
		}
		path = link
	}
	return "", errors.New("too many levels of symbolic links")
}

// createTemp creates a new file dir/prefix<random>suffix with perm (less
// the umask) and records it for removal on a signal.
func createTemp(dir, prefix, suffix string, perm fs.FileMode) (*os.File, error) {
	for range 100 {
		name := tempName(dir, prefix, suffix)
		track(name)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if err == nil {
			return f, nil
		}
		forget(name)
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	return nil, errors.New("cannot find a free temporary name")
}

func tempName(dir, prefix, suffix string) string {
	var b [6]byte
	rand.Read(b[:])
	return filepath.Join(dir, prefix+hex.EncodeToString(b[:])+suffix)
}

// temps are the temporary files that exist now, removed if a signal ends
// the run (see run).
var temps = struct {
	sync.Mutex
	names map[string]bool
}{names: map[string]bool{}}

func track(name string) {
	temps.Lock()
	temps.names[name] = true
	temps.Unlock()
}

func forget(name string) {
	temps.Lock()
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
// (following links), or, where neither exists yet, the same path.
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
