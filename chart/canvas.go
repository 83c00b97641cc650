package chart

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/go-analyze/charts"
)

// Colours and type sizes shared by both charts. The background is white:
// the image reads the same in Discord's light and dark themes.
var (
	backgroundColor = charts.ColorRGB(255, 255, 255)
	textColor       = charts.ColorRGB(36, 41, 47)
	mutedTextColor  = charts.ColorRGB(101, 109, 118)
)

const (
	titleFontSize = 18
	labelFontSize = 13
	emptyFontSize = 22
	lineGap       = 6  // pixels between title lines
	pageMargin    = 24 // pixels between the image's edge and the title
	maxTitleRunes = 160

	// emptyMessage is what a chart with nothing to show says, so a digest
	// for a quiet week still carries a meaningful picture.
	emptyMessage = "No check-ins yet"
)

func fontStyle(size float64, color charts.Color) charts.FontStyle {
	return charts.FontStyle{
		Font:      charts.GetFont(charts.FontFamilyRoboto),
		FontSize:  size,
		FontColor: color,
	}
}

// newCanvas returns a PNG painter of the given size with a white background.
func newCanvas(width, height int) *charts.Painter {
	p := charts.NewPainter(charts.PainterOptions{
		OutputFormat: charts.ChartOutputPNG,
		Width:        width,
		Height:       height,
		Font:         charts.GetFont(charts.FontFamilyRoboto),
		Theme:        charts.GetTheme(charts.ThemeLight),
	})
	p.FilledRect(0, 0, width, height, backgroundColor, backgroundColor, 0)
	return p
}

// drawTitle writes title, and subtitle under it when not empty, from x, top,
// each clipped with an ellipsis to maxWidth so a long member name cannot run
// off the image. It returns the y just below what it drew.
func drawTitle(p *charts.Painter, title, subtitle string, x, top, maxWidth int) (bottom int) {
	y := top
	for _, line := range []struct {
		text  string
		style charts.FontStyle
	}{
		{title, fontStyle(titleFontSize, textColor)},
		{subtitle, fontStyle(labelFontSize, mutedTextColor)},
	} {
		text := fitText(p, line.text, maxWidth, line.style)
		if text == "" {
			continue
		}
		y += p.MeasureText(text, 0, line.style).Height()
		p.Text(text, x, y, 0, line.style)
		y += lineGap
	}
	return y
}

// drawEmpty writes emptyMessage centred in the box.
func drawEmpty(p *charts.Painter, left, top, right, bottom int) {
	style := fontStyle(emptyFontSize, mutedTextColor)
	box := p.MeasureText(emptyMessage, 0, style)
	x := left + (right-left-box.Width())/2
	y := top + (bottom-top+box.Height())/2
	p.Text(emptyMessage, x, y, 0, style)
}

// fitText clips s, on one line, to at most maxWidth pixels in style.
func fitText(p *charts.Painter, s string, maxWidth int, style charts.FontStyle) string {
	s = strings.Join(strings.Fields(s), " ")
	if runes := []rune(s); len(runes) > maxTitleRunes {
		s = string(runes[:maxTitleRunes]) // more never fits; this bounds the measuring below
	}
	if p.MeasureText(s, 0, style).Width() <= maxWidth {
		return s
	}
	for n := utf8.RuneCountInString(s) - 1; n > 0; n-- {
		clipped := string([]rune(s)[:n]) + "…"
		if p.MeasureText(clipped, 0, style).Width() <= maxWidth {
			return clipped
		}
	}
	return ""
}

func encode(p *charts.Painter, what string) ([]byte, error) {
	buf, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("encode %s PNG: %w", what, err)
	}
	return buf, nil
}
