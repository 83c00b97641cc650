package accountability

import (
	"time"
)

// Schedule is a recurring local wall-clock time: when a channel's prompt is
// posted and when a member's reminder is due.
type Schedule struct {
	Cadence   Cadence
	At        LocalTime
	WeeklyDay time.Weekday // the day for the weekly cadence
}

// fires reports whether the schedule has an occurrence on local date d.
func (s Schedule) fires(d Date) bool {
	switch s.Cadence {
	case Daily:
		return true
	case Weekdays:
		return !isWeekend(d.Weekday())
	case Weekly:
		return d.Weekday() == s.WeeklyDay
	}
	return false
}

// Next returns the first occurrence strictly after after, as a UTC instant.
// Every local date the schedule fires on has exactly one occurrence, so
// chaining Next from each occurrence visits each such day once, across any
// daylight-saving change:
//
//   - When At does not exist that day (spring forward: 02:30 in Europe/Berlin
//     on 2026-03-29), the occurrence is the first instant after the gap
//     (03:00 local), i.e. the moment the clocks jump.
//   - When At happens twice (fall back: 01:30 in America/New_York on
//     2026-11-01), the occurrence is the first of the two.
//   - When the gap runs past the end of that local day (a zone skipping a
//     whole date), that date has no occurrence.
//
// A nil zone means UTC. An invalid schedule (unknown cadence, a time outside
// 00:00-23:59) has no occurrences and returns the zero time.
func (s Schedule) Next(after time.Time, zone *time.Location) time.Time {
	zone = orUTC(zone)
	if s.At.Validate() != nil {
		return time.Time{}
	}
	// Start a day early: where clocks fall back across midnight, yesterday's
	// local date comes round again and its occurrence can lie after after.
	// Fifteen days cover a weekly schedule from any starting point.
	d := LocalDate(after, zone).AddDays(-1)
	for range 15 {
		if s.fires(d) {
			// A gap that swallows the rest of the day (Samoa skipped all of
			// 2011-12-30) leaves that day without an occurrence rather than
			// giving the next day two.
			if t := Occurrence(d, s.At, zone); t.After(after) && LocalDate(t, zone) == d {
				return t
			}
		}
		d = d.AddDays(1)
	}
	return time.Time{}
}

// Occurrence returns the instant (UTC) at which it is at on local date d in
// zone, resolving daylight-saving gaps and overlaps as Schedule.Next
// documents. time.Date leaves that choice unspecified, so it is made here.
func Occurrence(d Date, at LocalTime, zone *time.Location) time.Time {
	zone = orUTC(zone)
	wall := int64(d.days())*86400 + at.seconds() // the wall clock read as if it were UTC

	// Zone offsets stay within ±14 hours, so the instant sought lies less than
	// a day from the wall reading; the offsets in force a day before, at and a
	// day after it are the candidates (zones change offset at most once or
	// twice a year, never twice within a day).
	var offsets [3]int
	for i, probe := range [3]int64{wall - 86400, wall, wall + 86400} {
		_, offsets[i] = time.Unix(probe, 0).In(zone).Zone()
	}
	var first int64
	found := false
	for i, off := range offsets {
		if i > 0 && (off == offsets[0] || off == offsets[i-1]) {
			continue // already tried; the usual case far from any transition
		}
		u := wall - int64(off)
		if _, o := time.Unix(u, 0).In(zone).Zone(); o == off && (!found || u < first) {
			first, found = u, true
		}
	}
	if found {
		return time.Unix(first, 0).UTC()
	}
	// The wall time falls in a gap. Read with the earlier offset it lands
	// just after the jump; the zone then in force began at the jump itself.
	u := time.Unix(wall-int64(offsets[0]), 0).In(zone)
	if start, _ := u.ZoneBounds(); !start.IsZero() {
		return start.UTC()
	}
	return u.UTC()
}

// NextReminder returns when a member who wants reminders at at (their local
// time in zone) should next be reminded, strictly after after. Weekly
// reminders go out on DefaultWeeklyDay; use Schedule.Next for another day.
//
// Sweep cost model: the store keeps this instant per member in an indexed
// next_reminder_at column (a partial index over members with reminders on).
// The sweep that runs every minute is then an index range query,
//
//	WHERE next_reminder_at <= now() ORDER BY next_reminder_at
//	LIMIT n FOR UPDATE SKIP LOCKED
//
// touching only the members due in that minute (about 100,000/1,440 ≈ 70 on
// average for 100,000 members, a few thousand at a popular round hour), never
// the whole table. For each row claimed, the sweep calls ShouldRemind with
// the due instant (not the sweep's now, so a sweep running a few minutes late
// past midnight still judges the day the reminder belongs to), sends if true,
// and sets next_reminder_at = NextReminder(due, ...): chaining from the due
// instant, not from now, means a late sweep neither skips nor repeats a day.
// After a long outage a row catches up one occurrence per pass; the adapter
// skips sending for occurrences it finds more than an hour stale. A zone or
// time change recomputes next_reminder_at from now.
func NextReminder(after time.Time, zone *time.Location, at LocalTime, cadence Cadence) time.Time {
	return Schedule{Cadence: cadence, At: at, WeeklyDay: DefaultWeeklyDay}.Next(after, zone)
}

// NextPrompt returns when the channel's check-in prompt is next posted,
// strictly after after. ok is false when the channel is paused or its
// settings are invalid: nothing is scheduled.
func NextPrompt(after time.Time, s ChannelSettings) (at time.Time, ok bool) {
	if s.Paused || s.Validate() != nil {
		return time.Time{}, false
	}
	t := s.Schedule().Next(after, s.Zone)
	return t, !t.IsZero()
}

// ReminderState is what the sweep knows about a member when their reminder
// comes due.
type ReminderState struct {
	Enabled          bool
	LastRemindedDate Date // local date of the last reminder sent; zero if never
	LastCheckinDate  Date // local date of the latest check-in; zero if never
	Away             []AwayPeriod
}

// ShouldRemind decides, at now (the reminder's due instant when called from
// the sweep), whether a member in zone gets a reminder
// under cadence: only when reminders are on, they are not away today, they
// have not checked in yet today (this ISO week for weekly), and no reminder
// went out already today (this ISO week for weekly). Weekdays cadence never
// reminds on Saturday or Sunday. "Today" is the member's local date at now; a
// check-in or reminder dated later than today (the member moved west since)
// counts as today's, so a zone change never causes a second reminder.
func ShouldRemind(m ReminderState, now time.Time, zone *time.Location, cadence Cadence) bool {
	if !m.Enabled || cadence.Validate() != nil {
		return false
	}
	today := LocalDate(now, zone)
	if IsAway(m.Away, today) || (cadence == Weekdays && isWeekend(today.Weekday())) {
		return false
	}
	covered := func(d Date) bool { // does d already take care of the current period?
		if d.IsZero() {
			return false
		}
		if cadence == Weekly {
			return d.weekIndex() >= today.weekIndex()
		}
		return !d.Before(today)
	}
	return !covered(m.LastRemindedDate) && !covered(m.LastCheckinDate)
}
