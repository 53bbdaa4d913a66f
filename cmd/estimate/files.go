package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"

	"github.com/patchtime/patchtime/chart"
	"github.com/patchtime/patchtime/estimate"
)

// atomicFile is a file written aside, in a temporary file of the same
// folder, and renamed into place by Commit: an error leaves the old file,
// or none, never a part.
type atomicFile struct {
	*os.File
	path string
	done bool
}

func createAtomic(path string) (*atomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &atomicFile{File: f, path: path}, nil
}

// Commit closes the file and renames it into place.
func (f *atomicFile) Commit() error {
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), f.path); err != nil {
		os.Remove(f.Name())
		return err
	}
	f.done = true
	return nil
}

// Abort removes the temporary file unless Commit succeeded.
func (f *atomicFile) Abort() {
	if !f.done {
		f.Close()
		os.Remove(f.Name())
	}
}

// draw renders --plot to memory: the curves of the query, with the asked
// fleet sizes marked.
func draw(curves []*estimate.Curve, o options) ([]byte, error) {
	var names []string
	for _, c := range curves {
		s := c.Series()
		n := s.KB
		if s.Bulletin != "" {
			n += " (" + s.Bulletin + ")"
		}
		if n != "" && !strings.Contains(strings.Join(names, ", "), n) {
			names = append(names, n)
		}
	}
	p, err := chart.New(curves, chart.Options{Title: strings.Join(names, ", "), Marks: o.hosts})
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
