// Package patchtime predicts how long a Windows patch rollout takes with
// UpdateEXPERT-style consoles.
//
// Its facts are the 予想適用時間 (estimated application time) tables of the
// HotFix Report "HotFix Alert" bulletins (2004–2007): for one patch
// package, the minutes one UpdateEXPERT console needs to apply it to 50,
// 100, 250 and 500 machines. patchtime fits a curve to each table and
// answers for any fleet size.
//
// The module is a set of packages, one job each:
//
//   - bulletin reads HotFix Alert pages and Japanese durations ("1時間28分").
//   - fit fits curves to points by least squares; it knows nothing of
//     patches.
//   - estimate holds the catalog of observations (one is embedded), the
//     fitted curves and their estimates, calibration, and the export rows.
//   - plan answers a planner's whole question in one call: a bundle on a
//     mixed fleet, the consoles or windows a maintenance window needs,
//     and the rollout laid out on a calendar of windows, in rings, with
//     its finish on the estimate and on the top of the intervals.
//   - chart draws curves and a schedule's timeline with gonum/plot.
//   - cmd/estimate is the command line: flags in; a table, CSV, JSON, an
//     iCalendar file or a picture out.
//
// The command:
//
//	go run ./cmd/estimate --patch KB899588 --hosts 1200
//
// The library:
//
//	curves, err := estimate.Default().Curves("KB899588", "")
//	e, err := curves[0].Estimate(estimate.Scenario{Hosts: 1200})
//	// e.Minutes ≈ 211.9, e.Extrapolated == true (the tables stop at 500)
package patchtime
