package chart

import (
	"bytes"
	"crypto/sha256"
	"image"
	"math"
	"testing"

	"github.com/roundtable-bot/roundtable/accountability"
)

var week13 = accountability.ISOWeek{Year: 2026, Week: 13}

func TestParticipationPNGIsAnImageOfTheDiscordPreviewSize(t *testing.T) {
	b, err := ParticipationPNG(accountability.Digest{Week: week13, ParticipationByDay: [7]int{5, 7, 4, 6, 3, 1, 0}})
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, b, 800, 400)
	if countColor(img, barColor) == 0 {
		t.Error("no bar drawn")
	}
}

// With the value axis starting at 0, bar heights are proportional to the
// counts; an axis starting anywhere else would break the ratios.
func TestParticipationBarsStartAtZero(t *testing.T) {
	counts := [7]int{1, 2, 3, 4, 5, 6, 7}
	b, err := ParticipationPNG(accountability.Digest{Week: week13, ParticipationByDay: counts})
	if err != nil {
		t.Fatal(err)
	}
	heights := barHeights(decodePNG(t, b, ParticipationWidth, ParticipationHeight))
	if len(heights) != 7 {
		t.Fatalf("found %d bars %v, want 7", len(heights), heights)
	}
	unit := float64(heights[6]) / 7
	for i, h := range heights {
		if want := unit * float64(counts[i]); math.Abs(float64(h)-want) > 2 {
			t.Errorf("bar %s is %d px high, want %.1f (proportional to %d)", weekdayLabels[i], h, want, counts[i])
		}
	}
}

// barHeights finds the bars left to right as runs of columns holding the bar
// colour, and returns each one's height in pixels.
func barHeights(img image.Image) []int {
	want := chartsRGB(barColor)
	var heights []int
	inBar := false
	bounds := img.Bounds()
	for x := bounds.Min.X; x < bounds.Max.X; x++ {
		h := 0
		for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
			if rgb(img.At(x, y)) == want {
				h++
			}
		}
		switch {
		case h > 0 && !inBar:
			heights = append(heights, h)
			inBar = true
		case h > 0:
			heights[len(heights)-1] = max(heights[len(heights)-1], h)
		default:
			inBar = false
		}
	}
	return heights
}

func TestParticipationPNGIsDeterministic(t *testing.T) {
	d := accountability.Digest{Week: week13, ParticipationByDay: [7]int{3, 0, 2, 9, 1, 0, 4}}
	first, err := ParticipationPNG(d)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		again, err := ParticipationPNG(d)
		if err != nil {
			t.Fatal(err)
		}
		if sha256.Sum256(again) != sha256.Sum256(first) {
			t.Fatal("same digest drew different bytes")
		}
	}
	d.ParticipationByDay[3] = 8
	other, err := ParticipationPNG(d)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other, first) {
		t.Error("a different count drew the same bytes")
	}
}

func TestParticipationPNGWithoutCheckinsSaysSo(t *testing.T) {
	for name, counts := range map[string][7]int{
		"all zero":        {},
		"negative counts": {-1, -5, 0, 0, 0, 0, -2}, // a bug upstream must not crash the digest
	} {
		t.Run(name, func(t *testing.T) {
			b, err := ParticipationPNG(accountability.Digest{Week: week13, ParticipationByDay: counts})
			if err != nil {
				t.Fatal(err)
			}
			img := decodePNG(t, b, ParticipationWidth, ParticipationHeight)
			if n := countColor(img, barColor); n != 0 {
				t.Errorf("%d bar-coloured pixels in an empty week", n)
			}
			if countColor(img, mutedTextColor) == 0 {
				t.Error("the empty message is not drawn")
			}
		})
	}
}

func TestParticipationPNGHandlesHugeCounts(t *testing.T) {
	b, err := ParticipationPNG(accountability.Digest{Week: week13, ParticipationByDay: [7]int{math.MaxInt, 1, 0, 0, 0, 0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	decodePNG(t, b, ParticipationWidth, ParticipationHeight)
}

func TestDateRange(t *testing.T) {
	for _, tc := range []struct {
		week accountability.ISOWeek
		want string
	}{
		{week13, "Mar 23 – Mar 29, 2026"},
		{accountability.ISOWeek{Year: 2026, Week: 1}, "Dec 29, 2025 – Jan 4, 2026"},
		{accountability.ISOWeek{Year: 2026, Week: 5}, "Jan 26 – Feb 1, 2026"},
	} {
		if got := weekRange(tc.week); got != tc.want {
			t.Errorf("weekRange(%s) = %q, want %q", tc.week, got, tc.want)
		}
	}
}
