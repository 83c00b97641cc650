package accountability

// DayMark is what one cell of a /streak heatmap shows.
type DayMark uint8

const (
	DayMissed  DayMark = iota // no check-in
	DayChecked                // checked in
	DayAway                   // away, no check-in
	DayFuture                 // after today: drawn blank
)

// HeatmapWeek is one row of the heatmap: an ISO week, Monday to Sunday.
type HeatmapWeek struct {
	Week ISOWeek
	Days [7]DayMark
}

// MaxHeatmapWeeks bounds the grid so a large request cannot make a huge image.
const MaxHeatmapWeeks = 53

// Heatmap lays out the last weeks ISO weeks up to and including today's, oldest
// first, marking each day checked, away, missed or future. A check-in on an
// away day shows as checked, as it counts for the streak. weeks is clamped to
// 1..MaxHeatmapWeeks.
func Heatmap(checkins []CheckinDay, away []AwayPeriod, today Date, weeks int) []HeatmapWeek {
	weeks = min(max(weeks, 1), MaxHeatmapWeeks)
	checked := make(map[Date]bool, len(checkins))
	for _, c := range checkins {
		checked[c.Date] = true
	}
	awaySet := newAwaySet(away)
	first := today.ISOWeek().Monday().AddDays(-7 * (weeks - 1))
	grid := make([]HeatmapWeek, weeks)
	for w := range grid {
		monday := first.AddDays(7 * w)
		grid[w].Week = monday.ISOWeek()
		for i := range 7 {
			day := monday.AddDays(i)
			switch {
			case day.After(today):
				grid[w].Days[i] = DayFuture
			case checked[day]:
				grid[w].Days[i] = DayChecked
			case awaySet.contains(day.days()):
				grid[w].Days[i] = DayAway
			}
		}
	}
	return grid
}
