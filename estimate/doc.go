// Package estimate predicts how long a patch rollout takes.
//
// A Catalog holds observations (published HotFix Alert timing rows, or a
// site's own measured rollouts) grouped into series, one per patch package,
// platform and console. Each series gets a Curve fitted by package fit;
// Curve.Estimate answers a Scenario with an Estimate in minutes.
//
//	curves, err := estimate.Default().Curves("KB899588", "XP")
//	...
//	e, err := curves[0].Estimate(estimate.Scenario{Hosts: 1200})
//	fmt.Println(bulletin.FormatDuration(e.Duration())) // 3時間32分
//
// Row, CSVWriter and the column names give the same export files the
// estimate command writes.
package estimate
