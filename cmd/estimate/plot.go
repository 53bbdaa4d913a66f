package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/patchtime/patchtime/chart"
	"github.com/patchtime/patchtime/plan"
)

// maxMarks bounds the estimates marked on a plot; a sweep marks none.
const maxMarks = 100

// draw renders --plot to memory: the curves of the query, with the
// estimates asked for marked, labelled in --lang (Japanese needs a font
// with Japanese glyphs, see chart.FindFont; without one, English).
func draw(q *plan.Query, o options) ([]byte, error) {
	opts, err := plotOptions(q, o)
	if err != nil {
		return nil, err
	}
	ch, err := chart.New(q.Curves(), opts)
	if err != nil {
		return nil, err
	}
	return picture(ch, o)
}

// picture writes a chart in --plot's format and size.
func picture(ch *chart.Chart, o options) ([]byte, error) {
	var b bytes.Buffer
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(o.plot)), ".")
	if err := chart.Write(&b, ch, format, o.plotW, o.plotH); err != nil {
		return nil, usagef("--plot: %w", err)
	}
	return b.Bytes(), nil
}

// plotOptions says what the chart of q shows: the estimates asked for,
// the window (for a single patch; a rollout's window bounds the sum of
// its parts, which no curve shows), and for the title whether the curves
// are a bundle or a mixed fleet.
func plotOptions(q *plan.Query, o options) (chart.Options, error) {
	opts := chart.Options{Lang: o.lang, Rollout: q.Rollout()}
	asked := plan.Len(o.hosts) > 0 || len(o.fleet) > 0 || o.window > 0
	if asked && q.Rows() <= maxMarks {
		err := q.Each(func(r plan.Row) error {
			if r.Curve != nil {
				opts.Marks = append(opts.Marks, chart.Mark{Curve: r.Curve, Scenario: r.Estimate.Scenario})
			}
			return nil
		})
		if err != nil {
			return opts, err
		}
	}
	var fleet []string
	for _, g := range o.fleet {
		fleet = append(fleet, fmt.Sprintf("%s=%d", g.Platform, g.Hosts))
	}
	opts.Fleet = strings.Join(fleet, ", ")
	if !q.Rollout() {
		opts.Window = o.window
	}
	return opts, nil
}

// drawTimeline draws a schedule's timeline for --plot with --start: hosts
// done over the calendar, on the estimate and on the top of the intervals.
func drawTimeline(s *plan.Schedule, o options) ([]byte, error) {
	ch, err := chart.Timeline(s, chart.TimelineOptions{Lang: o.lang})
	if err != nil {
		return nil, err
	}
	return picture(ch, o)
}
