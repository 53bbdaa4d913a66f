//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The command's output for the runs below, made once to standard output:
// what every kind of destination must end up holding.
var fileArgs = []string{"--patch", "KB899588", "--platform", "xp", "--hosts", "100:1000:100", "--format", "csv"}

func expected(t *testing.T) string {
	t.Helper()
	code, out, errOut := runCLI(fileArgs...)
	if code != 0 || out == "" {
		t.Fatalf("exit %d, %q", code, errOut)
	}
	return out
}

// writeTo runs the command with -o path and wants it to succeed.
func writeTo(t *testing.T, path string, extra ...string) {
	t.Helper()
	args := append(append(append([]string{}, fileArgs...), extra...), "-o", path)
	if code, out, errOut := runCLI(args...); code != 0 || out != "" {
		t.Fatalf("-o %s: exit %d, stdout %q, stderr %q", path, code, out, errOut)
	}
}

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

// TestOutputThroughSymlink: the link is kept and its target replaced; a
// chain of links and a dangling link lead to their final target.
func TestOutputThroughSymlink(t *testing.T) {
	want := expected(t)
	dir := t.TempDir()
	real := filepath.Join(dir, "real.csv")
	os.WriteFile(real, []byte("old\n"), 0o644)
	os.Symlink("real.csv", filepath.Join(dir, "link.csv"))
	os.Symlink("link.csv", filepath.Join(dir, "link2.csv"))
	writeTo(t, filepath.Join(dir, "link2.csv"))
	for _, name := range []string{"link.csv", "link2.csv"} {
		if fi, err := os.Lstat(filepath.Join(dir, name)); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symbolic link (%v)", name, err)
		}
	}
	if got := readFile(t, real); got != want {
		t.Errorf("the link's target holds %q, want the output", got)
	}
	// A dangling link: the file it names is created, the link kept.
	os.Symlink("sub/new.csv", filepath.Join(dir, "dangling.csv"))
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	writeTo(t, filepath.Join(dir, "dangling.csv"))
	if got := readFile(t, filepath.Join(dir, "sub", "new.csv")); got != want {
		t.Errorf("the dangling link's target holds %q", got)
	}
	if extra := leftovers(t, dir, "real.csv", "link.csv", "link2.csv", "dangling.csv", "sub"); extra != nil {
		t.Errorf("left behind: %v", extra)
	}
}

// TestOutputToFIFO: a named pipe is written to, not replaced.
func TestOutputToFIFO(t *testing.T) {
	want := expected(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(fifo) // waits for the writer
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	writeTo(t, fifo)
	if g := <-got; g != want {
		t.Errorf("read %q from the FIFO, want the output", g)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi.Mode(), err)
	}
	if extra := leftovers(t, dir, "pipe"); extra != nil {
		t.Errorf("left behind: %v", extra)
	}
}

// TestOutputToDevice: /dev/null stays the device; /dev/full fails with
// exit 1 and an error naming -o and the device, not a temporary file.
func TestOutputToDevice(t *testing.T) {
	if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Skip("no /dev/null device")
	}
	writeTo(t, "/dev/null")
	if fi, err := os.Lstat("/dev/null"); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v %v", fi.Mode(), err)
	}
	if _, err := os.Stat("/dev/full"); err != nil {
		return
	}
	code, _, errOut := runCLI(append(fileArgs, "-o", "/dev/full")...)
	if code != 1 || errOut != "estimate: -o /dev/full: no space left on device\n" {
		t.Errorf("-o /dev/full: exit %d, %q", code, errOut)
	}
	if fi, err := os.Lstat("/dev/full"); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Errorf("/dev/full is no longer a device")
	}
}

// TestOutputKeepsMode: an existing file keeps its permission bits (0600
// stays private); a new file gets 0666 less the umask.
func TestOutputKeepsMode(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range []fs.FileMode{0o600, 0o640, 0o604} {
		path := filepath.Join(dir, fmt.Sprintf("%o.csv", mode))
		os.WriteFile(path, []byte("old\n"), 0o600)
		os.Chmod(path, mode)
		writeTo(t, path)
		if fi, _ := os.Stat(path); fi.Mode().Perm() != mode {
			t.Errorf("mode %v after -o, want %v", fi.Mode().Perm(), mode)
		}
	}
	for _, umask := range []int{0o077, 0o022, 0o002} {
		path := filepath.Join(dir, fmt.Sprintf("new-%o.csv", umask))
		old := syscall.Umask(umask)
		writeTo(t, path)
		syscall.Umask(old)
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o666&^fs.FileMode(umask) {
			t.Errorf("umask %03o: new file has mode %v, want %v", umask, fi.Mode().Perm(), 0o666&^fs.FileMode(umask))
		}
	}
}

// TestOutputKeepsOwner: run as root, a file owned by another user keeps
// its owner and group.
func TestOutputKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to own a file for another user")
	}
	path := filepath.Join(t.TempDir(), "theirs.csv")
	os.WriteFile(path, []byte("old\n"), 0o644)
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Skip(err)
	}
	writeTo(t, path)
	fi, _ := os.Stat(path)
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != 65534 || st.Gid != 65534 {
		t.Errorf("owner %d:%d after -o, want 65534:65534", st.Uid, st.Gid)
	}
}

// TestOutputKeepsHardLinks: a file with two names is written in place, so
// both names see the new output.
func TestOutputKeepsHardLinks(t *testing.T) {
	want := expected(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	os.WriteFile(a, []byte(strings.Repeat("old\n", 10000)), 0o644)
	if err := os.Link(a, b); err != nil {
		t.Skip(err)
	}
	writeTo(t, a)
	if readFile(t, a) != want || readFile(t, b) != want {
		t.Errorf("a hard link does not hold the output")
	}
	fa, _ := os.Stat(a)
	fb, _ := os.Stat(b)
	if !os.SameFile(fa, fb) {
		t.Errorf("the hard link was broken")
	}
	if extra := leftovers(t, dir, "a.csv", "b.csv"); extra != nil {
		t.Errorf("left behind: %v", extra)
	}
}

// TestOutputNamesInput: an output that is one of the run's inputs, by
// name or through a link, is refused before anything runs, and the input
// is left as it was.
func TestOutputNamesInput(t *testing.T) {
	dir := t.TempDir()
	catalog := filepath.Join(dir, "my.csv")
	data, err := os.ReadFile(filepath.Join(catalogDir, "site.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(catalog, data, 0o644)
	os.Symlink("my.csv", filepath.Join(dir, "alias.csv"))
	os.Symlink("my.csv", filepath.Join(dir, "alias.svg"))
	page := filepath.Join(dir, "page.txt")
	os.WriteFile(page, []byte(page1), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--catalog", catalog, "--list", "-o", catalog}, "is the file --catalog reads"},
		{[]string{"--catalog", catalog, "--list", "-o", filepath.Join(dir, "alias.csv")}, "is the file --catalog reads"},
		{[]string{"--catalog", catalog, "--list", "-o", dir + "/./sub/../my.csv"}, "is the file --catalog reads"},
		{[]string{"--observations", catalog, "--patch", "KB899588", "--hosts", "5", "-o", catalog}, "is the file --observations reads"},
		{[]string{"--bulletin", page, "--list", "-o", page}, "is the file --bulletin reads"},
		{[]string{"--patch", "KB899588", "--hosts", "5", "--catalog", catalog, "--plot", filepath.Join(dir, "alias.svg")}, "--plot " + filepath.Join(dir, "alias.svg") + " is the file --catalog reads"},
		{[]string{"--bulletin", page, "--bulletin", page, "--list"}, "given twice"},
	} {
		code, out, errOut := runCLI(tc.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
		if got := readFile(t, catalog); got != string(data) {
			t.Fatalf("%q changed the catalog", tc.args)
		}
	}
}

// page1 is a page we wrote in the bulletins' layout, with one table.
var page1 = page("14分 23分 48分 1時間30分")

// TestOutputsAllOrNothing: a stream (here a full device) is written,
// like standard output, after the files are in place, and like it cannot
// be taken back: the plot stays, in the table's path and the CSV's alike.
// (That the files of a run are put in place all or none, when the second
// cannot be, is tested in package outfile, whose test hooks fail a
// rename.)
func TestOutputsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	png := filepath.Join(dir, "kb.png")
	if _, err := os.Stat("/dev/full"); err == nil {
		for _, format := range []string{"table", "csv"} {
			os.WriteFile(png, []byte("old picture"), 0o644)
			code, _, errOut := runCLI("--patch", "KB899588", "--hosts", "1200", "--format", format, "-o", "/dev/full", "--plot", png)
			if code != 1 || !strings.Contains(errOut, "-o /dev/full: no space left") || !strings.HasPrefix(readFile(t, png), "\x89PNG") {
				t.Errorf("%s to /dev/full: exit %d, %q, --plot holds %.20q", format, code, errOut, readFile(t, png))
			}
			if extra := leftovers(t, dir, "kb.png"); extra != nil {
				t.Errorf("left behind: %v", extra)
			}
		}
	}
}

// command runs the command as a process of its own (see TestMain).
func command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "PATCHTIME_RUN_MAIN=1")
	return cmd
}

// TestOutputToDescriptor: -o /dev/stdout writes to whatever standard
// output is: a pipe is written to; a file the shell opened for appending
// (>>) keeps what it had and gets the output after it, in the same file.
func TestOutputToDescriptor(t *testing.T) {
	want := expected(t)
	cmd := command(append(fileArgs, "-o", "/dev/stdout")...)
	out, err := cmd.Output() // standard output is a pipe
	if err != nil || string(out) != want {
		t.Errorf("-o /dev/stdout to a pipe: %v, %d bytes, want %d", err, len(out), len(want))
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	os.WriteFile(log, []byte("prev\n"), 0o644)
	before, _ := os.Stat(log)
	f, err := os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	cmd = command(append(fileArgs, "-o", "/dev/stdout")...)
	cmd.Stdout = f
	err = cmd.Run()
	f.Close()
	after, _ := os.Stat(log)
	if got := readFile(t, log); err != nil || got != "prev\n"+want || !os.SameFile(before, after) {
		t.Errorf("-o /dev/stdout >> log: %v; log holds %d bytes (want %d), same file %v", err, len(got), len("prev\n"+want), os.SameFile(before, after))
	}
	// Standard output a socket: written through the descriptor, not by
	// opening its name (which a socket refuses).
	pair, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Skip(err)
	}
	w, r := os.NewFile(uintptr(pair[0]), "w"), os.NewFile(uintptr(pair[1]), "r")
	cmd = command(append(fileArgs, "-o", "/dev/stdout")...)
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	got, _ := io.ReadAll(r)
	if err := cmd.Wait(); err != nil || string(got) != want {
		t.Errorf("-o /dev/stdout to a socket: %v, %d bytes, want %d", err, len(got), len(want))
	}
	// A name of standard output through /proc relative to a folder.
	os.WriteFile(log, []byte("prev\n"), 0o644)
	f, _ = os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
	cmd = command(append(fileArgs, "-o", "fd/1")...)
	cmd.Dir, cmd.Stdout = "/proc/self", f
	err = cmd.Run()
	f.Close()
	if got := readFile(t, log); err != nil || got != "prev\n"+want {
		t.Errorf("-o fd/1 in /proc/self, >> log: %v; log holds %d bytes", err, len(got))
	}
}

// TestBrokenPipe: when the reader goes away (| head), the command ends
// quietly with 141, as a process killed by SIGPIPE, whether it writes to
// standard output or to -o /dev/stdout.
func TestBrokenPipe(t *testing.T) {
	for _, extra := range [][]string{nil, {"-o", "/dev/stdout"}} {
		cmd := command(append([]string{"--patch", "KB899588", "--platform", "xp", "--hosts", "1:2000000", "--format", "csv"}, extra...)...)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		head := make([]byte, 10)
		io.ReadFull(out, head)
		out.Close()
		cmd.Wait()
		status := cmd.ProcessState.Sys().(syscall.WaitStatus)
		code := cmd.ProcessState.ExitCode()
		if status.Signaled() && status.Signal() == syscall.SIGPIPE {
			code = 128 + int(syscall.SIGPIPE)
		}
		if code != 141 || stderr.Len() != 0 {
			t.Errorf("%q with the reader gone: exit %d, stderr %q; want 141 and nothing", extra, code, stderr.String())
		}
	}
}

// TestOutputLinkResolution: a link whose text goes through another link
// and then "..", and a parent folder that is a link, lead where the file
// system leads, not where the text reads.
func TestOutputLinkResolution(t *testing.T) {
	want := expected(t)
	dir := t.TempDir()
	for _, d := range []string{"a", "other/deep"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	os.Symlink("../other/deep", filepath.Join(dir, "a", "sl"))
	os.Symlink("sl/../out", filepath.Join(dir, "a", "link"))
	os.WriteFile(filepath.Join(dir, "other", "out"), []byte("old"), 0o644)
	writeTo(t, filepath.Join(dir, "a", "link"))
	if got := readFile(t, filepath.Join(dir, "other", "out")); got != want {
		t.Errorf("other/out holds %q, want the output", got)
	}
	if _, err := os.Lstat(filepath.Join(dir, "a", "out")); err == nil {
		t.Errorf("a/out was written: the link was read as text")
	}
	// Two names of one file to be, through a linked folder.
	os.Symlink("a", filepath.Join(dir, "dl"))
	code, _, errOut := runCLI("--patch", "KB899588", "--hosts", "5", "-o", filepath.Join(dir, "dl", "p.svg"), "--plot", filepath.Join(dir, "a", "p.svg"))
	if code != 2 || !strings.Contains(errOut, "name the same file") {
		t.Errorf("-o and --plot through a linked folder: exit %d, %q", code, errOut)
	}
}

// TestOutputPermissions: a file the user may not write is refused, as
// the shell would, and left alone; a file the user may write but not
// replace (in a folder the user may not write, another user's file, one in
// a sticky folder such as /tmp) is written into, keeping its owner. Run as
// root, the command is started as nobody.
func TestOutputPermissions(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the command as another user")
	}
	want := expected(t)
	dir, err := os.MkdirTemp("", "perm")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o777)
	file := func(path, content string, mode fs.FileMode, uid int) string {
		os.WriteFile(path, []byte(content), 0o600)
		os.Chmod(path, mode)
		os.Chown(path, uid, uid)
		return path
	}
	ro, sticky := filepath.Join(dir, "ro"), filepath.Join(dir, "sticky")
	os.Mkdir(ro, 0o755)
	os.Mkdir(sticky, 0o777)
	os.Chmod(sticky, 0o777|fs.ModeSticky)
	// The test binary lives in a folder only root may enter: run a copy.
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "estimate.test")
	if err := os.WriteFile(exe, self, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path    string
		code    int
		stderr  string // in the error, for code 1
		content string // the file's content after the run
		uid     uint32 // its owner after
	}{
		{file(filepath.Join(dir, "mine.txt"), "read-only\n", 0o444, 65534), 1, ": permission denied", "read-only\n", 65534},
		{file(filepath.Join(dir, "theirs.txt"), "root's\n", 0o644, 0), 1, ": permission denied", "root's\n", 0},
		{file(filepath.Join(ro, "w.txt"), "writable\n", 0o666, 0), 0, "", want, 0},
		{file(filepath.Join(dir, "shared.txt"), "shared\n", 0o666, 0), 0, "", want, 0},
		{file(filepath.Join(sticky, "s.txt"), "sticky\n", 0o666, 0), 0, "", want, 0},
	} {
		cmd := exec.Command(exe, append(fileArgs, "-o", tc.path)...)
		cmd.Env = append(os.Environ(), "PATCHTIME_RUN_MAIN=1")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Skip("cannot run the test binary as nobody:", err)
		}
		if code := cmd.ProcessState.ExitCode(); code != tc.code || !strings.Contains(string(out), tc.stderr) {
			t.Errorf("-o %s as nobody: exit %d, %q; want %d and %q", tc.path, code, out, tc.code, tc.stderr)
		}
		if got := readFile(t, tc.path); got != tc.content {
			t.Errorf("%s holds %.40q, want %.40q", tc.path, got, tc.content)
		}
		if fi, err := os.Stat(tc.path); err != nil || fi.Sys().(*syscall.Stat_t).Uid != tc.uid {
			t.Errorf("%s: owner %v, want %d", tc.path, fi.Sys().(*syscall.Stat_t).Uid, tc.uid)
		}
	}
	for _, d := range []string{dir, ro, sticky} {
		if extra := leftovers(t, d, "mine.txt", "theirs.txt", "shared.txt", "w.txt", "s.txt", "ro", "sticky", "estimate.test"); extra != nil {
			t.Errorf("left behind in %s: %v", d, extra)
		}
	}
}

// TestMain lets the tests run the command as a process of its own (the
// test binary, with PATCHTIME_RUN_MAIN=1), so that a signal can be sent
// to it.
func TestMain(m *testing.M) {
	if os.Getenv("PATCHTIME_RUN_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// TestSignalLeavesNoTempFile: SIGINT, SIGTERM or SIGHUP while a large
// sweep is being written to -o removes the temporary file, leaves the old
// output as it was and exits 128 + the signal.
func TestSignalLeavesNoTempFile(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "big.csv")
			os.WriteFile(out, []byte("old\n"), 0o644)
			cmd := exec.Command(os.Args[0], "--patch", "KB899588", "--platform", "xp", "--hosts", "1:9000000", "--format", "csv", "-o", out)
			cmd.Env = append(os.Environ(), "PATCHTIME_RUN_MAIN=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until the temporary file has data: the sweep is mid-write.
			for i := 0; ; i++ {
				if extra := leftovers(t, dir, "big.csv"); len(extra) == 1 {
					if fi, err := os.Stat(filepath.Join(dir, extra[0])); err == nil && fi.Size() > 1<<16 {
						break
					}
				}
				if i > 6000 {
					cmd.Process.Kill()
					t.Fatal("no temporary file appeared")
				}
				time.Sleep(5 * time.Millisecond)
			}
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 128+int(sig) {
				t.Errorf("exit %v, want %d", err, 128+int(sig))
			}
			if !strings.Contains(stderr.String(), "stopped by") || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stderr %q", stderr.String())
			}
			if extra := leftovers(t, dir, "big.csv"); extra != nil {
				t.Errorf("left behind: %v", extra)
			}
			if got := readFile(t, out); got != "old\n" {
				t.Errorf("the old output was changed")
			}
		})
	}
}

// TestOutputLongName: a file name of 250 bytes, within the system's 255,
// can be written: the temporary name beside it is cut to fit.
func TestOutputLongName(t *testing.T) {
	dir := t.TempDir()
	name := strings.Repeat("日", 82) + ".csv" // 250 bytes
	writeTo(t, filepath.Join(dir, name))
	writeTo(t, filepath.Join(dir, name)) // and replaced
	if extra := leftovers(t, dir, name); extra != nil {
		t.Errorf("left behind: %v", extra)
	}
}
