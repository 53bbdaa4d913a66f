// Package estimate predicts how long a patch rollout takes.
//
// A Catalog holds observations (published HotFix Alert timing rows, or a
// site's own measured rollouts) grouped into series, one per patch package,
// platform and console. Each series gets a Curve fitted by package fit, with
// prediction intervals; Curve.Estimate answers a Scenario (hosts, and its
// Scaling: consoles and the console scaling coefficients σ and κ) with an
// Estimate in minutes; Curve.Summary says how far to trust the fit.
//
//	curves, err := estimate.Default().Curves("KB899588", "XP")
//	...
//	e, err := curves[0].Estimate(estimate.Scenario{Hosts: 1200})
//	fmt.Println(bulletin.FormatDuration(e.Duration())) // 3時間32分
//
// Around that:
//
//   - Pool is the per-host rate shared by the tables of a console, for a
//     patch with no table (Pool.WithSetup) or pooled curves.
//   - Rollout plans bundles and mixed fleets, and answers maintenance
//     windows: the consoles a fleet needs (ConsolesFor), the windows
//     (WindowsFor), the hosts that fit (Curve.HostsFor).
//   - Calibration fits a site's own rollouts against the catalog
//     (Catalog.Calibrate) and gives calibrated curves (Calibration.Apply).
//   - FromBulletin turns a parsed HotFix Alert page into observations.
//   - Row, CSVWriter and JSONWriter write the same export files as the
//     estimate command.
//
// Catalogs, curves and calibrations cannot be modified once built, so one
// value may serve many goroutines. Errors that name a value are typed:
// *RangeError (a value out of range), *ConsoleError, *UnknownPatchError,
// *PlatformError, *WindowError, *TooFewError, *CatalogError; ErrTooLong,
// ErrFalling and ErrTooFewObservations are tested with errors.Is. The zero
// value of every type either works or returns an error.
package estimate
