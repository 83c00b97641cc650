// Package chart draws the PNG images the accountability feature attaches to
// Discord messages: the weekly digest's participation bar chart
// (ParticipationPNG) and the /streak calendar heatmap (HeatmapPNG).
//
// Both use github.com/go-analyze/charts (DESIGN.md decision 9). Its
// embedded Roboto font means no system fonts are needed, so the images look
// the same on a bare server as on a laptop.
//
// The bar chart is the library's own BarChart, with the value axis pinned to
// 0 and integer ticks, since it counts members. The heatmap is not the
// library's HeatMapChart: that one shades a single colour by a number, while
// a streak calendar has four unrelated states (checked in, missed, away,
// upcoming) that must stay distinguishable in a small preview. It is drawn
// with the library's Painter primitives (FilledRect, Text) on a fixed grid, so
// cells land on whole pixels and stay crisp.
//
// Rendering is deterministic (same input, same bytes), reads no clock and no
// global state, and is safe to call from several goroutines. Empty input
// gives a valid image that says "No check-ins yet" instead of an error.
package chart
