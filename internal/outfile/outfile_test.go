//go:build unix

package outfile

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// leftovers lists what is in dir besides the names given.
func leftovers(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
	for _, e := range entries {
		found := false
		for _, k := range keep {
			found = found || e.Name() == k
		}
		if !found {
			extra = append(extra, e.Name())
		}
	}
	return extra
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// run does what the estimate command does with -o out and --plot png:
// opens the plot and holds its picture, opens the output and holds (or,
// for rows, writes) its text, and commits both, output first.
func run(t *testing.T, out, png string, rows bool) error {
	t.Helper()
	plot, err := Open("--plot", png)
	if err != nil {
		return err
	}
	defer plot.Abort()
	if err := plot.Hold([]byte("\x89PNG new picture")); err != nil {
		return err
	}
	f, err := Open("-o", out)
	if err != nil {
		return err
	}
	defer f.Abort()
	text := []byte(strings.Repeat("new row\n", 1000))
	if rows {
		_, err = f.Write(text)
	} else {
		err = f.Hold(text)
	}
	if err != nil {
		return err
	}
	return Commit(f, plot)
}

// failed reports whether err is what the command reports with exit
// status 1 (an *Error), and its text holds want.
func failed(err error, want string) bool {
	var fe *Error
	return errors.As(err, &fe) && strings.Contains(err.Error(), want)
}

// TestOutputsAllOrNothing: when the second output cannot be put in
// place, the first is put back as it was (or removed if it was new), and
// no temporary file is left.
func TestOutputsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	out, png := filepath.Join(dir, "out.txt"), filepath.Join(dir, "kb.png")
	os.WriteFile(out, []byte("old output\n"), 0o640)
	defer func() { rename = os.Rename }()
	rename = func(from, to string) error {
		if to == png {
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: syscall.EIO}
		}
		return os.Rename(from, to)
	}
	if err := run(t, out, png, false); !failed(err, "--plot "+png+": input/output error") {
		t.Errorf("%v", err)
	}
	if got := readFile(t, out); got != "old output\n" {
		t.Errorf("-o holds %q after the plot failed; want the old file back", got)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v after the undo", fi.Mode().Perm())
	}
	if extra := leftovers(t, dir, "out.txt"); extra != nil {
		t.Errorf("left behind: %v", extra)
	}
	// A new -o file is removed again.
	os.Remove(out)
	run(t, out, png, false)
	if extra := leftovers(t, dir); extra != nil {
		t.Errorf("left behind: %v", extra)
	}
}

// TestInPlaceUndo: when copying into a hard-linked file fails halfway,
// its old bytes are put back, under both names, and a plot already
// renamed into place is put back too.
func TestInPlaceUndo(t *testing.T) {
	dir := t.TempDir()
	a, b, png := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "kb.png")
	old := strings.Repeat("old row\n", 1000)
	os.WriteFile(a, []byte(old), 0o644)
	if err := os.Link(a, b); err != nil {
		t.Skip(err)
	}
	os.WriteFile(png, []byte("old picture"), 0o644)
	defer func() { copyInto = func(dst io.Writer, src io.Reader) (int64, error) { return io.Copy(dst, src) } }()
	failedOnce := false
	copyInto = func(dst io.Writer, src io.Reader) (int64, error) {
		if failedOnce { // putting the old bytes back works
			return io.Copy(dst, src)
		}
		failedOnce = true
		n, _ := io.CopyN(dst, src, 100)
		return n, syscall.ENOSPC
	}
	if err := run(t, a, png, true); !failed(err, "-o "+a+": no space left on device") {
		t.Errorf("%v", err)
	}
	if readFile(t, a) != old || readFile(t, b) != old {
		t.Errorf("the hard-linked file was not put back")
	}
	if readFile(t, png) != "old picture" {
		t.Errorf("the plot was not put back")
	}
	if extra := leftovers(t, dir, "a.csv", "b.csv", "kb.png"); extra != nil {
		t.Errorf("left behind: %v", extra)
	}
}

// TestDirectory: a folder is the caller's mistake (ErrDirectory), not an
// *Error, and keeps its message.
func TestDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := Open("-o", dir)
	var fe *Error
	if !errors.Is(err, ErrDirectory) || errors.As(err, &fe) || err.Error() != "-o "+dir+": is a directory; give a file name" {
		t.Errorf("-o a folder: %v", err)
	}
	if extra := leftovers(t, dir); extra != nil {
		t.Errorf("left behind: %v", extra)
	}
}

// FuzzOutput writes fuzzed bytes through a File to each kind of
// destination (new, existing private, through a symbolic link, through a
// dangling link, hard-linked, a device) and checks the destination holds exactly
// them, stays the kind it was with its mode, and nothing else is left in
// the folder.
func FuzzOutput(f *testing.F) {
	f.Add([]byte("patch,hosts\nKB899588,1200\n"), uint8(0))
	f.Add([]byte{}, uint8(1))
	f.Add([]byte("\x00\xff\n"), uint8(2))
	f.Add(bytes.Repeat([]byte("x"), 70000), uint8(3))
	f.Add([]byte("two names"), uint8(4))
	f.Add([]byte("to a device"), uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		dir := t.TempDir()
		path, target := filepath.Join(dir, "out"), filepath.Join(dir, "out")
		keep := []string{"out"}
		if kind%6 == 5 {
			// A device: written to, never replaced.
			o, err := Open("-o", "/dev/null")
			if err != nil {
				t.Skip(err)
			}
			if err := o.Hold(data); err != nil {
				t.Fatal(err)
			}
			if err := Commit(o); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Lstat("/dev/null"); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
				t.Fatal("/dev/null was replaced")
			}
			return
		}
		switch kind % 5 {
		case 1:
			os.WriteFile(path, []byte("old"), 0o600)
		case 2:
			target = filepath.Join(dir, "real")
			os.WriteFile(target, []byte("old"), 0o640)
			os.Symlink("real", path)
			keep = append(keep, "real")
		case 3:
			target = filepath.Join(dir, "real")
			os.Symlink("real", path)
			keep = append(keep, "real")
		case 4:
			os.WriteFile(path, []byte("old"), 0o644)
			os.Link(path, filepath.Join(dir, "other"))
			keep = append(keep, "other")
		}
		before, _ := os.Stat(target)
		o, err := Open("-o", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := Commit(o); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(target); !bytes.Equal(got, data) {
			t.Fatalf("kind %d: the target holds %d bytes, want %d", kind%5, len(got), len(data))
		}
		if kind%5 == 4 {
			if got, _ := os.ReadFile(filepath.Join(dir, "other")); !bytes.Equal(got, data) {
				t.Fatal("the other hard link does not hold the data")
			}
		}
		if kind%5 == 2 || kind%5 == 3 {
			if fi, err := os.Lstat(path); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				t.Fatal("the link was replaced")
			}
		}
		if after, _ := os.Stat(target); before != nil && after.Mode() != before.Mode() {
			t.Fatalf("mode %v, was %v", after.Mode(), before.Mode())
		}
		if extra := leftovers(t, dir, keep...); extra != nil {
			t.Fatalf("left behind: %v", extra)
		}
	})
}
