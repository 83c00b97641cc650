package accountability

import (
	"slices"
	"time"
)

// CheckinDay is one day a member checked in, as recorded at check-in time: the
// local date in the zone the member had then. Streaks never recompute it
// from an instant, which is why changing zone never erases a day earned.
type CheckinDay struct {
	Date Date
}

// Streak summarises a member's check-ins under a channel's cadence.
type Streak struct {
	Current     int  // length of the run still alive today: days (daily, weekdays) or weeks (weekly)
	Best        int  // longest run ever, same unit
	ThisMonth   int  // distinct check-in days in today's calendar month
	LastCheckin Date // latest check-in day; zero if none
}

// ComputeStreak applies the streak rules (see the package documentation) to a
// member's check-in days, their away periods and their local today. The
// inputs need not be sorted or distinct; check-ins dated after today (clock
// skew) count as if they were today's.
func ComputeStreak(checkins []CheckinDay, cadence Cadence, away []AwayPeriod, today Date) Streak {
	var s Streak
	if len(checkins) == 0 {
		return s
	}
	days := make([]int, len(checkins))
	for i, c := range checkins {
		days[i] = c.Date.days()
	}
	slices.Sort(days)
	days = slices.Compact(days)

	last := dateFromDays(days[len(days)-1])
	s.LastCheckin = last
	monthStart, nextMonth := monthBounds(today)
	for _, d := range days {
		if d >= monthStart && d < nextMonth {
			s.ThisMonth++
		}
	}

	awaySet := newAwaySet(away)
	if cadence == Weekly {
		s.Current, s.Best = weeklyRuns(days, awaySet, today)
	} else {
		s.Current, s.Best = dailyRuns(days, cadence, awaySet, today)
	}
	return s
}

// dailyRuns counts runs of check-in days. Two check-in days belong to the same
// run when every day strictly between them is excused: away, or (for the
// weekdays cadence) a Saturday or Sunday. The last run is current when every
// day after it up to yesterday is excused too; today never breaks it.
func dailyRuns(days []int, cadence Cadence, away awaySet, today Date) (current, best int) {
	broken := func(a, b int) bool { // is any day in the open interval (a, b) a required, missed day?
		for d := a + 1; d < b; d++ {
			if !away.contains(d) && cadence.expects(dateFromDays(d)) {
				return true
			}
		}
		return false
	}
	run := 0
	for i, d := range days {
		if i > 0 && broken(days[i-1], d) {
			run = 0
		}
		run++
		best = max(best, run)
	}
	if broken(days[len(days)-1], today.days()) {
		return 0, best
	}
	return run, best
}

// weeklyRuns counts runs of ISO weeks with at least one check-in. A week
// without a check-in breaks the run unless the member was away on any day of
// it; the current week never breaks it.
func weeklyRuns(days []int, away awaySet, today Date) (current, best int) {
	weeks := make([]int, 0, len(days))
	for _, d := range days {
		weeks = append(weeks, floorDiv(d+3, 7))
	}
	weeks = slices.Compact(weeks) // days were sorted, so weeks are too
	broken := func(a, b int) bool {
		for w := a + 1; w < b; w++ {
			monday := w*7 - 3
			if !away.anyIn(monday, monday+6) {
				return true
			}
		}
		return false
	}
	run := 0
	for i, w := range weeks {
		if i > 0 && broken(weeks[i-1], w) {
			run = 0
		}
		run++
		best = max(best, run)
	}
	if broken(weeks[len(weeks)-1], today.weekIndex()) {
		return 0, best
	}
	return run, best
}

// monthBounds returns the day numbers of the first day of d's month and of
// the month after it.
func monthBounds(d Date) (start, next int) {
	y, m := d.Year, d.Month+1
	if m > time.December {
		y, m = y+1, time.January
	}
	return Date{d.Year, d.Month, 1}.days(), Date{y, m, 1}.days()
}
