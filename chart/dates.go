package chart

import (
	"fmt"

	"github.com/roundtable-bot/roundtable/accountability"
)

// weekRange names the days of w, "Mar 23 – Mar 29, 2026", so readers need
// not know ISO week numbers.
func weekRange(w accountability.ISOWeek) string { return dateRange(w.Monday(), w.Sunday()) }

// dateRange writes "Mar 23 – Mar 29, 2026", or "Dec 29, 2025 – Jan 4, 2026"
// across a new year.
func dateRange(first, last accountability.Date) string {
	if first.Year == last.Year {
		return fmt.Sprintf("%s %d – %s %d, %d", shortMonth(first), first.Day, shortMonth(last), last.Day, last.Year)
	}
	return fmt.Sprintf("%s %d, %d – %s %d, %d", shortMonth(first), first.Day, first.Year, shortMonth(last), last.Day, last.Year)
}

func shortMonth(d accountability.Date) string { return d.Month.String()[:3] }
