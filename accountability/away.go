package accountability

import (
	"slices"
	"strconv"
	"strings"
)

// MaxAwayDays is how far ahead /away may reach. A year covers parental leave
// or a long trip; anything longer is more likely a typo in the year.
const MaxAwayDays = 365

// AwayPeriod is a span of a member's days, From to Until inclusive, when they
// get no reminders and their streak is frozen.
type AwayPeriod struct {
	From  Date
	Until Date
}

// Contains reports whether d is one of p's days.
func (p AwayPeriod) Contains(d Date) bool { return !d.Before(p.From) && !d.After(p.Until) }

// NewAway reads the member's /away until: option and returns the period from
// today (the member's local date) to that day. Accepted forms: an ISO date
// (2026-04-15), "today", "tomorrow", or a count of days or weeks ahead ("+3d",
// "+2w", "3d"). Errors are EINVALID and say which forms work.
func NewAway(until string, today Date) (AwayPeriod, error) {
	d, err := ParseAwayUntil(until, today)
	if err != nil {
		return AwayPeriod{}, err
	}
	if err := ValidateAway(d, today); err != nil {
		return AwayPeriod{}, err
	}
	return AwayPeriod{From: today, Until: d}, nil
}

// ParseAwayUntil reads the forms NewAway accepts, relative to today.
func ParseAwayUntil(s string, today Date) (Date, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "today":
		return today, nil
	case "tomorrow":
		return today.AddDays(1), nil
	}
	if n, unit, ok := relativeDays(s); ok {
		if n > MaxAwayDays*2 { // bounded before multiplying, so no overflow
			n = MaxAwayDays * 2
		}
		return today.AddDays(n * unit), nil
	}
	d, err := ParseDate(s)
	if err != nil {
		return Date{}, Errorf(EINVALID, "%q is not a date I understand. Write it as YYYY-MM-DD (for example %s), or use \"tomorrow\", \"+3d\" or \"+2w\".", clip(s, 32), today.AddDays(7))
	}
	return d, nil
}

// relativeDays parses "+3d", "3d", "+2w", "2w".
func relativeDays(s string) (n, unit int, ok bool) {
	s = strings.TrimPrefix(s, "+")
	switch {
	case strings.HasSuffix(s, "d"):
		unit = 1
	case strings.HasSuffix(s, "w"):
		unit = 7
	default:
		return 0, 0, false
	}
	num := s[:len(s)-1]
	if !digits(num, 1, 4) {
		return 0, 0, false
	}
	n, err := strconv.Atoi(num)
	return n, unit, err == nil
}

// ValidateAway checks the last away day against the member's today: it may be
// today (away for the rest of today) up to MaxAwayDays ahead.
func ValidateAway(until, today Date) error {
	if until.Before(today) {
		return Errorf(EINVALID, "That date is in the past (%s; today is %s where you are). Pick today or a later date.", until, today)
	}
	if until.DaysSince(today) > MaxAwayDays {
		return Errorf(EINVALID, "%s is more than %d days ahead. Pick a date within the next year; you can always extend it later.", until, MaxAwayDays)
	}
	return nil
}

// IsAway reports whether d falls in any of the periods.
func IsAway(periods []AwayPeriod, d Date) bool {
	for _, p := range periods {
		if p.Contains(d) {
			return true
		}
	}
	return false
}

// awaySet answers "is this day away?" quickly for the many days a streak
// looks at: the periods as merged, sorted day ranges, searched by bisection.
type awaySet struct{ from, until []int }

func newAwaySet(periods []AwayPeriod) awaySet {
	type span struct{ a, b int }
	spans := make([]span, 0, len(periods))
	for _, p := range periods {
		if a, b := p.From.days(), p.Until.days(); a <= b {
			spans = append(spans, span{a, b})
		}
	}
	slices.SortFunc(spans, func(x, y span) int { return x.a - y.a })
	var s awaySet
	for _, sp := range spans {
		if n := len(s.until); n > 0 && sp.a <= s.until[n-1]+1 {
			s.until[n-1] = max(s.until[n-1], sp.b)
			continue
		}
		s.from = append(s.from, sp.a)
		s.until = append(s.until, sp.b)
	}
	return s
}

// contains reports whether day number d is away.
func (s awaySet) contains(d int) bool {
	i, _ := slices.BinarySearch(s.from, d+1) // first range starting after d
	return i > 0 && d <= s.until[i-1]
}

// anyIn reports whether any day number in [a, b] is away.
func (s awaySet) anyIn(a, b int) bool {
	i, _ := slices.BinarySearch(s.from, b+1)
	return i > 0 && s.until[i-1] >= a
}
