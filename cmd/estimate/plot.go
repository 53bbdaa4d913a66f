package main

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/patchtime/patchtime/chart"
	"github.com/patchtime/patchtime/plan"
)

// maxMarks bounds the estimates marked on a plot; a sweep marks none.
const maxMarks = 100

// draw renders --plot to memory: the curves of the query, with the
// estimates asked for marked.
func draw(q *plan.Query, o options) ([]byte, error) {
	var marks []chart.Mark
	asked := plan.Len(o.hosts) > 0 || len(o.fleet) > 0 || o.window > 0
	if asked && q.Rows() <= maxMarks {
		err := q.Each(func(r plan.Row) error {
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
