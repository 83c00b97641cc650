package accountability

import (
	"fmt"
	"strings"
	"time"
)

// Date is a day of a member's own calendar: no time, no zone. It is what a
// check-in is filed under and what streaks count. Dates are comparable with ==
// and usable as map keys; the zero Date means "none" (see IsZero).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date, or EINVALID when it does not exist (2026-02-30).
func NewDate(year int, month time.Month, day int) (Date, error) {
	d := Date{year, month, day}
	if month < time.January || month > time.December || day < 1 || d.AddDays(0) != d {
		return Date{}, Errorf(EINVALID, "%04d-%02d-%02d is not a date on the calendar.", year, int(month), day)
	}
	return d, nil
}

// ParseDate reads an ISO date, YYYY-MM-DD, the format every date option and
// export flag uses.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, Errorf(EINVALID, "%q is not a date: write it as YYYY-MM-DD, for example 2026-04-15.", clip(s, 32))
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// LocalDate is the calendar day it is at the instant at, in zone. A nil zone
// means UTC. This is the one place an instant becomes a member's day.
func LocalDate(at time.Time, zone *time.Location) Date {
	t := at.In(orUTC(zone))
	return Date{t.Year(), t.Month(), t.Day()}
}

// IsZero reports whether d is the zero Date, used for "never".
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD; the zero Date prints as "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// AddDays returns the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return dateFromDays(d.days() + n) }

// DaysSince returns the number of days from o to d (negative when d is earlier).
func (d Date) DaysSince(o Date) int { return d.days() - o.days() }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.days() < o.days() }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.days() > o.days() }

// Compare returns -1, 0 or +1 as d is before, equal to or after o (for slices.SortFunc).
func (d Date) Compare(o Date) int {
	switch a, b := d.days(), o.days(); {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return time.Weekday(floorMod(d.days()+4, 7)) } // 1970-01-01 was a Thursday

// ISOWeek returns the ISO 8601 week d belongs to (weeks start on Monday; week 1
// is the one holding the year's first Thursday).
func (d Date) ISOWeek() ISOWeek {
	thursday := d.AddDays(3 - isoDay(d.Weekday()))
	jan1 := Date{thursday.Year, time.January, 1}
	return ISOWeek{Year: thursday.Year, Week: thursday.DaysSince(jan1)/7 + 1}
}

// MarshalText writes d as YYYY-MM-DD (JSON, CSV and SQL all use it).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; an empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// days counts days since 1970-01-01 with Howard Hinnant's days_from_civil:
// streaks compare thousands of dates, and integer arithmetic avoids building a
// time.Time for each.
func (d Date) days() int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := m + 9
	if m > 2 {
		mp = m - 3
	}
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateFromDays is the inverse of Date.days (Hinnant's civil_from_days).
func dateFromDays(z int) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return Date{y, time.Month(m), day}
}

// weekIndex numbers ISO weeks consecutively (the week holding 1970-01-01 is 0),
// so weekly streaks can look for gaps with integer arithmetic.
func (d Date) weekIndex() int { return floorDiv(d.days()+3, 7) }

// isoDay is the ISO day number minus one: Monday 0 ... Sunday 6.
func isoDay(w time.Weekday) int { return (int(w) + 6) % 7 }

func isWeekend(w time.Weekday) bool { return w == time.Saturday || w == time.Sunday }

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }

// ISOWeek is an ISO 8601 week: the unit of weekly streaks, weekly reminders and
// the weekly digest.
type ISOWeek struct {
	Year int
	Week int
}

// String formats w as 2026-W13.
func (w ISOWeek) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Week) }

// Monday returns the first day of w.
func (w ISOWeek) Monday() Date {
	jan4 := Date{w.Year, time.January, 4} // always in week 1
	return jan4.AddDays(-isoDay(jan4.Weekday()) + (w.Week-1)*7)
}

// Sunday returns the last day of w.
func (w ISOWeek) Sunday() Date { return w.Monday().AddDays(6) }

// Contains reports whether d falls in w.
func (w ISOWeek) Contains(d Date) bool { return d.ISOWeek() == w }

// Next returns the week after w.
func (w ISOWeek) Next() ISOWeek { return w.Monday().AddDays(7).ISOWeek() }

// Prev returns the week before w.
func (w ISOWeek) Prev() ISOWeek { return w.Monday().AddDays(-7).ISOWeek() }

func orUTC(zone *time.Location) *time.Location {
	if zone == nil {
		return time.UTC
	}
	return zone
}
