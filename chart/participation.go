package chart

import (
	"fmt"
	"strconv"

	"github.com/go-analyze/charts"

	"github.com/roundtable-bot/roundtable/accountability"
)

// Participation chart size: Discord shows an attached image at up to about
// 800 pixels wide in its preview, so this is drawn at that size, not scaled.
const (
	ParticipationWidth  = 800
	ParticipationHeight = 400

	participationMaxTicks = 9
)

var (
	weekdayLabels = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	barColor      = charts.ColorRGB(46, 160, 67)
)

// ParticipationPNG draws the digest's check-ins per weekday, Monday to
// Sunday, as a bar chart titled with the ISO week. The value axis starts at
// 0 and shows whole numbers only; each bar carries its count. A week with no
// check-ins gives the same-size image saying "No check-ins yet".
func ParticipationPNG(d accountability.Digest) ([]byte, error) {
	title, subtitle := "Check-ins, week "+d.Week.String(), weekRange(d.Week)
	maxCount, total := 0, 0
	for _, n := range d.ParticipationByDay {
		maxCount = max(maxCount, n)
		total += max(n, 0)
	}
	if total == 0 {
		return emptyChart(title, subtitle, ParticipationWidth, ParticipationHeight)
	}

	values := make([]float64, len(d.ParticipationByDay))
	for i, n := range d.ParticipationByDay {
		values[i] = float64(max(n, 0)) // a negative count is a bug upstream; draw it as nothing
	}
	top, ticks := countAxis(maxCount, participationMaxTicks)

	opt := charts.NewBarChartOptionWithData([][]float64{values})
	opt.Theme = charts.GetTheme(charts.ThemeLight).WithSeriesColors([]charts.Color{barColor})
	opt.Padding = charts.NewBox(pageMargin, 12, pageMargin+4, 16)
	labels := weekdayLabels // a copy: the chart options must not share the package's array
	opt.CategoryAxis.Labels = labels[:]
	opt.CategoryAxis.LabelFontStyle = fontStyle(labelFontSize, textColor)
	opt.ValueAxis = []charts.ValueAxisOption{{
		Min:                 charts.Ptr(0.0),
		Max:                 charts.Ptr(float64(top)),
		LabelCount:          ticks,
		PreferNiceIntervals: charts.Ptr(false),
		LabelFontStyle:      fontStyle(labelFontSize, mutedTextColor),
		ValueFormatter:      formatCount,
	}}
	opt.SeriesList[0].Label = charts.SeriesLabel{
		Show:           charts.Ptr(true),
		FontStyle:      fontStyle(labelFontSize, textColor),
		ValueFormatter: formatCount,
	}
	opt.BarSize = 0.6
	opt.ValueFormatter = formatCount

	// The title is drawn here rather than by the library, which centres the
	// subtitle under the title; both charts then share one heading style.
	p := newCanvas(ParticipationWidth, ParticipationHeight)
	bottom := drawTitle(p, title, subtitle, pageMargin, pageMargin, ParticipationWidth-2*pageMargin)
	plot := p.Child(charts.PainterBoxOption(charts.NewBox(0, bottom, ParticipationWidth, ParticipationHeight)))
	if err := plot.BarChart(opt); err != nil {
		return nil, fmt.Errorf("draw participation chart for %s: %w", d.Week, err)
	}
	return encode(p, "participation")
}

// formatCount prints axis values and bar labels as whole numbers; countAxis
// guarantees the axis values are whole, and counts always are.
func formatCount(v float64) string { return strconv.Itoa(int(v + 0.5)) }

// emptyChart is a width x height image with the title, the subtitle and
// "No check-ins yet".
func emptyChart(title, subtitle string, width, height int) ([]byte, error) {
	p := newCanvas(width, height)
	bottom := drawTitle(p, title, subtitle, pageMargin, pageMargin, width-2*pageMargin)
	drawEmpty(p, 0, bottom, width, height)
	return encode(p, "empty chart")
}
