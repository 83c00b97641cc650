package chart

import (
	"fmt"
	"image"

	"github.com/go-analyze/charts"

	"github.com/roundtable-bot/roundtable/accountability"
)

// Heatmap colours, after GitHub's contribution calendar so the picture reads
// at a glance: green for a check-in, pale grey for a missed day, blue for a
// day away (frozen, as the streak is), an outlined blank for days to come.
var (
	checkedColor = charts.ColorRGB(45, 164, 78)
	missedColor  = charts.ColorRGB(235, 237, 240)
	awayColor    = charts.ColorRGB(128, 179, 237)
	futureColor  = backgroundColor
	futureBorder = charts.ColorRGB(208, 215, 222)
)

// defaultHeatmapTitle is used when the caller passes no title.
const defaultHeatmapTitle = "Check-ins"

// dayStyles lists the day states in legend order.
var dayStyles = []struct {
	mark  accountability.DayMark
	label string
}{
	{accountability.DayChecked, "Checked in"},
	{accountability.DayMissed, "Missed"},
	{accountability.DayAway, "Away"},
	{accountability.DayFuture, "Upcoming"},
}

// HeatmapPNG draws a calendar heatmap of weeks, as accountability.Heatmap
// lays them out: one column per week, oldest on the left, rows Monday to
// Sunday, each day coloured by its state, with month names above and a legend
// below. Only the newest accountability.MaxHeatmapWeeks weeks are drawn.
// The image is at least 560 pixels wide and grows with the weeks up to
// about 830; no weeks at all gives an image saying "No check-ins yet".
func HeatmapPNG(weeks []accountability.HeatmapWeek, title string) ([]byte, error) {
	if title == "" {
		title = defaultHeatmapTitle
	}
	if len(weeks) == 0 {
		l := newHeatmapLayout(1)
		return emptyChart(title, "", l.width, l.height)
	}
	if len(weeks) > accountability.MaxHeatmapWeeks {
		weeks = weeks[len(weeks)-accountability.MaxHeatmapWeeks:]
	}

	l := newHeatmapLayout(len(weeks))
	p := newCanvas(l.width, l.height)
	drawTitle(p, title, heatmapSubtitle(weeks), pageMargin, pageMargin, l.width-2*pageMargin)
	drawMonthLabels(p, l, weeks)
	drawDayLabels(p, l)
	for w, week := range weeks {
		for d, mark := range week.Days {
			drawCell(p, l.cellRect(w, d), mark)
		}
	}
	drawLegend(p, l)
	return encode(p, "heatmap")
}

// heatmapSubtitle gives the span of the calendar and how many days in it
// were checked in.
func heatmapSubtitle(weeks []accountability.HeatmapWeek) string {
	checked := 0
	for _, w := range weeks {
		for _, m := range w.Days {
			if m == accountability.DayChecked {
				checked++
			}
		}
	}
	first, last := weeks[0].Week.Monday(), weeks[len(weeks)-1].Week.Sunday()
	days := "days"
	if checked == 1 {
		days = "day"
	}
	return fmt.Sprintf("%d %s checked in, %s", checked, days, dateRange(first, last))
}

func drawCell(p *charts.Painter, r image.Rectangle, mark accountability.DayMark) {
	switch mark {
	case accountability.DayChecked:
		fillRect(p, r, checkedColor)
	case accountability.DayAway:
		fillRect(p, r, awayColor)
	case accountability.DayFuture:
		// An outline drawn as two fills, not a stroke, so it stays one sharp pixel.
		fillRect(p, r, futureBorder)
		fillRect(p, r.Inset(1), futureColor)
	default: // DayMissed, and any state this package does not know yet
		fillRect(p, r, missedColor)
	}
}

func fillRect(p *charts.Painter, r image.Rectangle, c charts.Color) {
	p.FilledRect(r.Min.X, r.Min.Y, r.Max.X, r.Max.Y, c, c, 0)
}

// drawMonthLabels names the month above each week whose Monday is the first
// Monday of a month, and above the first week when there is room before the
// next name.
func drawMonthLabels(p *charts.Painter, l heatmapLayout, weeks []accountability.HeatmapWeek) {
	style := fontStyle(labelFontSize-1, mutedTextColor)
	baseline := l.gridTop - 6
	lastRight := -1
	for w, week := range weeks {
		monday := week.Week.Monday()
		if monday.Day > 7 && w > 0 {
			continue
		}
		name := shortMonth(monday)
		x := l.cellRect(w, 0).Min.X
		width := p.MeasureText(name, 0, style).Width()
		if next := nextMonthStart(weeks); w == 0 && monday.Day > 7 && next < len(weeks) && next*l.pitch() < width+cellGap {
			continue // the next month's name would overlap
		}
		if x <= lastRight {
			continue
		}
		p.Text(name, x, baseline, 0, style)
		lastRight = x + width + cellGap
	}
}

// nextMonthStart is the column of the first week after the first whose
// Monday starts a month, or len(weeks) when none does.
func nextMonthStart(weeks []accountability.HeatmapWeek) int {
	for w := 1; w < len(weeks); w++ {
		if weeks[w].Week.Monday().Day <= 7 {
			return w
		}
	}
	return len(weeks)
}

// drawDayLabels names the rows; when cells are small only Mon, Wed and Fri,
// as GitHub does, so the names do not touch.
func drawDayLabels(p *charts.Painter, l heatmapLayout) {
	size := float64(labelFontSize - 1)
	every := 1
	if l.pitch() < 20 {
		size, every = 10, 2
	}
	style := fontStyle(size, mutedTextColor)
	for d := 0; d < 7; d += every {
		r := l.cellRect(0, d)
		h := p.MeasureText(weekdayLabels[d], 0, style).Height()
		p.Text(weekdayLabels[d], pageMargin, r.Min.Y+(l.cell+h)/2-1, 0, style)
	}
}

// drawLegend shows one swatch per day state, left to right under the grid.
func drawLegend(p *charts.Painter, l heatmapLayout) {
	style := fontStyle(labelFontSize-1, textColor)
	x := l.gridLeft
	top := l.legendTop + (legendHeight-legendSwatch)/2
	for _, s := range dayStyles {
		drawCell(p, image.Rect(x, top, x+legendSwatch, top+legendSwatch), s.mark)
		x += legendSwatch + 6
		box := p.MeasureText(s.label, 0, style)
		p.Text(s.label, x, top+(legendSwatch+box.Height())/2-1, 0, style)
		x += box.Width() + 18
	}
}
