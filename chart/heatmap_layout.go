package chart

import "image"

// Heatmap geometry, in pixels. Cells are whole-pixel squares so they stay
// crisp; they shrink as weeks are added so a year still fits a Discord
// preview, and never below minCell, where the colours stop being readable.
const (
	cellGap         = 4
	maxCell         = 24
	minCell         = 10
	targetGridWidth = 760 // grid width aimed for when cells must shrink
	heatmapMinWidth = 560 // room for the title and the legend
	rowLabelWidth   = 40  // "Mon" .. "Sun" left of the grid
	monthRowHeight  = 22  // month names above the grid
	legendGap       = 16  // between the grid and the legend
	legendSwatch    = 14
	legendHeight    = 18
	titleBlock      = 58 // title and subtitle lines; TestTitleFitsTitleBlock checks it
)

// heatmapLayout places the grid of a heatmap with a given number of weeks.
type heatmapLayout struct {
	weeks         int
	cell          int // side of one day's square
	width, height int // of the whole image
	gridLeft      int
	gridTop       int
	legendTop     int
}

func newHeatmapLayout(weeks int) heatmapLayout {
	weeks = max(weeks, 1)
	cell := min(max(targetGridWidth/weeks-cellGap, minCell), maxCell)
	l := heatmapLayout{weeks: weeks, cell: cell}
	gridWidth := weeks*l.pitch() - cellGap
	gridHeight := 7*l.pitch() - cellGap
	l.width = max(heatmapMinWidth, pageMargin+rowLabelWidth+gridWidth+pageMargin)
	l.gridLeft = pageMargin + rowLabelWidth
	l.gridTop = pageMargin + titleBlock + monthRowHeight
	l.legendTop = l.gridTop + gridHeight + legendGap
	l.height = l.legendTop + legendHeight + pageMargin
	return l
}

// pitch is the distance from one cell to the next, across or down.
func (l heatmapLayout) pitch() int { return l.cell + cellGap }

// cellRect is the square for day (0 = Monday) of the week in column week
// (0 = oldest).
func (l heatmapLayout) cellRect(week, day int) image.Rectangle {
	x := l.gridLeft + week*l.pitch()
	y := l.gridTop + day*l.pitch()
	return image.Rect(x, y, x+l.cell, y+l.cell)
}
