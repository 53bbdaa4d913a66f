package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/patchtime/patchtime/chart"
)

// atomicFile is a file written aside, in a temporary file of the same
// folder, and renamed into place by Commit: an error leaves the old file,
// or none, never a part.
type atomicFile struct {
	*os.File
	flag, path string // the flag that named the file, and its name
	done       bool
}

// createAtomic starts the file path that flag named. Errors name the flag
// and the path, never the temporary file.
func createAtomic(flag, path string) (*atomicFile, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, usagef("%s %s: is a directory; give a file name", flag, path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, ioError{fmt.Errorf("%s %s: %w", flag, path, cause(err))}
	}
	return &atomicFile{File: f, flag: flag, path: path}, nil
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

// Commit closes the file and renames it into place.
func (f *atomicFile) Commit() error {
	err := f.Chmod(0o644)
	if err == nil {
		err = f.Close()
	}
	if err == nil {
		err = os.Rename(f.Name(), f.path)
	}
	if err != nil {
		f.Abort()
		return ioError{fmt.Errorf("%s %s: %w", f.flag, f.path, cause(err))}
	}
	f.done = true
	return nil
}

// Abort removes the temporary file unless Commit succeeded.
func (f *atomicFile) Abort() {
	if !f.done {
		f.Close()
		os.Remove(f.Name())
		f.done = true
	}
}

// writeFile writes data to path through an atomicFile.
func writeFile(flag, path string, data []byte) (*atomicFile, error) {
	f, err := createAtomic(flag, path)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return nil, ioError{fmt.Errorf("%s %s: %w", flag, path, cause(err))}
	}
	return f, nil
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
