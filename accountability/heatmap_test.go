package accountability

import "testing"

func TestHeatmap(t *testing.T) {
	today := d("2026-03-25") // Wednesday of 2026-W13
	checkins := days("2026-03-16", "2026-03-17", "2026-03-20", "2026-03-23", "2026-03-24", "2026-03-25", "2026-01-01")
	grid := Heatmap(checkins, []AwayPeriod{away("2026-03-18", "2026-03-20")}, today, 2)
	if len(grid) != 2 || grid[0].Week != (ISOWeek{2026, 12}) || grid[1].Week != (ISOWeek{2026, 13}) {
		t.Fatalf("grid weeks = %+v", grid)
	}
	want := [2][7]DayMark{
		{DayChecked, DayChecked, DayAway, DayAway, DayChecked, DayMissed, DayMissed},
		{DayChecked, DayChecked, DayChecked, DayFuture, DayFuture, DayFuture, DayFuture},
	}
	for w := range want {
		if grid[w].Days != want[w] {
			t.Errorf("week %s = %v, want %v", grid[w].Week, grid[w].Days, want[w])
		}
	}
	if n := len(Heatmap(nil, nil, today, 0)); n != 1 {
		t.Errorf("0 weeks gives %d rows, want 1", n)
	}
	if n := len(Heatmap(nil, nil, today, 1000)); n != MaxHeatmapWeeks {
		t.Errorf("1000 weeks gives %d rows, want %d", n, MaxHeatmapWeeks)
	}
	year := Heatmap(checkins, nil, today, 13)
	if year[0].Week != (ISOWeek{2026, 1}) || year[0].Days[3] != DayChecked { // Thursday 2026-01-01
		t.Errorf("first row = %+v", year[0])
	}
}
