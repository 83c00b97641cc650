package chart

import (
	"bytes"
	"crypto/sha256"
	"image"
	"strings"
	"sync"
	"testing"

	"github.com/go-analyze/charts"

	"github.com/roundtable-bot/roundtable/accountability"
)

// sampleWeeks is a calendar of n weeks ending in 2026-W13, today Wednesday
// March 25, with a check-in every other day and an away spell.
func sampleWeeks(n int) []accountability.HeatmapWeek {
	today := accountability.Date{Year: 2026, Month: 3, Day: 25}
	var checkins []accountability.CheckinDay
	for i := 0; i < 7*n; i += 2 {
		checkins = append(checkins, accountability.CheckinDay{Date: today.AddDays(-i)})
	}
	away := []accountability.AwayPeriod{{From: today.AddDays(-12), Until: today.AddDays(-9)}}
	return accountability.Heatmap(checkins, away, today, n)
}

func TestHeatmapPNGSizeGrowsWithWeeksWithinBounds(t *testing.T) {
	for _, tc := range []struct {
		weeks         int
		width, height int
	}{
		{1, 560, 354},   // minimum width, for the title and legend
		{12, 560, 354},  // 24 px cells
		{26, 812, 354},  // 24 px cells: 24 + 40 + 26*28-4 + 24
		{53, 826, 256},  // cells shrink to 10 px so a year fits
		{200, 826, 256}, // clipped to the newest 53 weeks
	} {
		weeks := sampleWeeks(min(tc.weeks, accountability.MaxHeatmapWeeks))
		for len(weeks) < tc.weeks {
			weeks = append([]accountability.HeatmapWeek{{Week: weeks[0].Week.Prev()}}, weeks...)
		}
		b, err := HeatmapPNG(weeks, "alice")
		if err != nil {
			t.Fatalf("%d weeks: %v", tc.weeks, err)
		}
		img, err := decodeAny(b)
		if err != nil {
			t.Fatalf("%d weeks: %v", tc.weeks, err)
		}
		if got := img.Bounds().Size(); got != image.Pt(tc.width, tc.height) {
			t.Errorf("%d weeks: image is %v, want %dx%d", tc.weeks, got, tc.width, tc.height)
		}
	}
}

// Each day's cell is drawn in its state's colour, and the four colours
// differ, so checked, missed, away and upcoming days can be told apart.
func TestHeatmapPNGColoursEachDayByItsState(t *testing.T) {
	weeks := []accountability.HeatmapWeek{
		{Week: week13.Prev(), Days: [7]accountability.DayMark{
			accountability.DayChecked, accountability.DayMissed, accountability.DayAway, accountability.DayChecked,
			accountability.DayMissed, accountability.DayMissed, accountability.DayAway,
		}},
		{Week: week13, Days: [7]accountability.DayMark{
			accountability.DayMissed, accountability.DayChecked, accountability.DayChecked, accountability.DayFuture,
			accountability.DayFuture, accountability.DayFuture, accountability.DayMark(200), // unknown: drawn as missed
		}},
	}
	b, err := HeatmapPNG(weeks, "bob")
	if err != nil {
		t.Fatal(err)
	}
	l := newHeatmapLayout(len(weeks))
	img := decodePNG(t, b, l.width, l.height)

	colours := map[accountability.DayMark]charts.Color{
		accountability.DayChecked: checkedColor,
		accountability.DayMissed:  missedColor,
		accountability.DayAway:    awayColor,
		accountability.DayFuture:  futureColor,
		200:                       missedColor,
	}
	seen := map[[3]uint8]accountability.DayMark{}
	for w, week := range weeks {
		for d, mark := range week.Days {
			r := l.cellRect(w, d)
			centre := image.Pt((r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2)
			got := rgb(img.At(centre.X, centre.Y))
			if want := chartsRGB(colours[mark]); got != want {
				t.Errorf("week %d day %d (mark %d): centre pixel %v, want %v", w, d, mark, got, want)
			}
			if other, ok := seen[got]; ok && other != mark && mark != 200 {
				t.Errorf("marks %d and %d share colour %v", other, mark, got)
			}
			seen[got] = mark
		}
	}
	// An upcoming day is outlined, so it is visible against the background.
	r := l.cellRect(1, 3)
	if got := rgb(img.At(r.Min.X, r.Min.Y+l.cell/2)); got != chartsRGB(futureBorder) {
		t.Errorf("upcoming cell edge is %v, want the border %v", got, chartsRGB(futureBorder))
	}
	// The gap between cells is background, so cells read as separate squares.
	gap := image.Pt(l.cellRect(0, 0).Max.X+cellGap/2, l.cellRect(0, 0).Min.Y+l.cell/2)
	if got := rgb(img.At(gap.X, gap.Y)); got != chartsRGB(backgroundColor) {
		t.Errorf("gap between cells is %v, want background", got)
	}
}

func TestHeatmapPNGIsDeterministic(t *testing.T) {
	weeks := sampleWeeks(12)
	first, err := HeatmapPNG(weeks, "carol")
	if err != nil {
		t.Fatal(err)
	}
	again, err := HeatmapPNG(sampleWeeks(12), "carol")
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(again) != sha256.Sum256(first) {
		t.Fatal("same calendar drew different bytes")
	}
	weeks[3].Days[2] = accountability.DayAway
	other, err := HeatmapPNG(weeks, "carol")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other, first) {
		t.Error("a different day drew the same bytes")
	}
}

func TestHeatmapPNGWithoutWeeksSaysSo(t *testing.T) {
	for _, title := range []string{"", "dave"} {
		b, err := HeatmapPNG(nil, title)
		if err != nil {
			t.Fatal(err)
		}
		l := newHeatmapLayout(1)
		img := decodePNG(t, b, l.width, l.height)
		for _, c := range []charts.Color{checkedColor, missedColor, awayColor} {
			if n := countColor(img, c); n != 0 {
				t.Errorf("title %q: %d pixels of cell colour %v in an empty calendar", title, n, c)
			}
		}
		if countColor(img, mutedTextColor) == 0 {
			t.Errorf("title %q: the empty message is not drawn", title)
		}
	}
}

func TestHeatmapPNGClipsALongTitle(t *testing.T) {
	long := strings.Repeat("a very long display name ", 20)
	b, err := HeatmapPNG(sampleWeeks(4), long)
	if err != nil {
		t.Fatal(err)
	}
	l := newHeatmapLayout(4)
	img := decodePNG(t, b, l.width, l.height)
	// Nothing is drawn in the right margin: the title stopped before it.
	for y := 0; y < pageMargin+titleBlock; y++ {
		for x := l.width - pageMargin + 1; x < l.width; x++ {
			if got := rgb(img.At(x, y)); got != chartsRGB(backgroundColor) {
				t.Fatalf("pixel (%d,%d) in the right margin is %v: the title ran over", x, y, got)
			}
		}
	}
}

func TestTitleFitsTitleBlock(t *testing.T) {
	p := newCanvas(heatmapMinWidth, 200)
	bottom := drawTitle(p, "Ångström's Jg streak", "9 days checked in, Dec 29, 2025 – Mar 29, 2026", pageMargin, pageMargin, 500)
	if bottom > pageMargin+titleBlock {
		t.Errorf("title and subtitle end at y=%d, below the %d px titleBlock reserves", bottom, pageMargin+titleBlock)
	}
}

// The bot draws charts from several handlers at once; the library must not
// share state between them (run with -race).
func TestChartsDrawConcurrently(t *testing.T) {
	weeks := sampleWeeks(12)
	digest := accountability.Digest{Week: week13, ParticipationByDay: [7]int{1, 2, 3, 4, 5, 6, 7}}
	wantHeatmap, err := HeatmapPNG(weeks, "erin")
	if err != nil {
		t.Fatal(err)
	}
	wantBars, err := ParticipationPNG(digest)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if got, err := HeatmapPNG(weeks, "erin"); err != nil || !bytes.Equal(got, wantHeatmap) {
				t.Errorf("concurrent heatmap differs (err %v)", err)
			}
			if got, err := ParticipationPNG(digest); err != nil || !bytes.Equal(got, wantBars) {
				t.Errorf("concurrent participation chart differs (err %v)", err)
			}
		})
	}
	wg.Wait()
}
