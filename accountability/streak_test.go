package accountability

import (
	"math/rand/v2"
	"testing"
	"time"
)

// March 2026: Mondays are the 2nd, 9th, 16th, 23rd and 30th.

func d(s string) Date {
	v, err := ParseDate(s)
	if err != nil {
		panic(err) // test fixtures only
	}
	return v
}

func days(ss ...string) []CheckinDay {
	out := make([]CheckinDay, len(ss))
	for i, s := range ss {
		out[i] = CheckinDay{Date: d(s)}
	}
	return out
}

func span(from, to string) []string {
	var out []string
	for x := d(from); !x.After(d(to)); x = x.AddDays(1) {
		out = append(out, x.String())
	}
	return out
}

func join(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func away(from, until string) AwayPeriod { return AwayPeriod{From: d(from), Until: d(until)} }

func TestComputeStreak(t *testing.T) {
	tests := []struct {
		name          string
		cadence       Cadence
		checkins      []string
		away          []AwayPeriod
		today         string
		current, best int
	}{
		// daily
		{"daily: nothing", Daily, nil, nil, "2026-03-10", 0, 0},
		{"daily: today only", Daily, []string{"2026-03-10"}, nil, "2026-03-10", 1, 1},
		{"daily: today not done yet keeps it", Daily, span("2026-03-05", "2026-03-09"), nil, "2026-03-10", 5, 5},
		{"daily: today done extends it", Daily, span("2026-03-05", "2026-03-10"), nil, "2026-03-10", 6, 6},
		{"daily: yesterday missed breaks it", Daily, span("2026-03-05", "2026-03-08"), nil, "2026-03-10", 0, 4},
		{"daily: a gap restarts the run", Daily, join(span("2026-03-01", "2026-03-03"), span("2026-03-05", "2026-03-07")), nil, "2026-03-07", 3, 3},
		{"daily: best survives a later shorter run", Daily, join(span("2026-02-01", "2026-02-10"), span("2026-03-08", "2026-03-09")), nil, "2026-03-10", 2, 10},
		{"daily: duplicates and disorder", Daily, []string{"2026-03-09", "2026-03-08", "2026-03-09", "2026-03-07", "2026-03-08"}, nil, "2026-03-09", 3, 3},
		{"daily: weekend is required", Daily, []string{"2026-03-06", "2026-03-09"}, nil, "2026-03-09", 1, 1},
		{"daily: across a month and year end", Daily, span("2025-12-30", "2026-01-02"), nil, "2026-01-02", 4, 4},
		// away
		{"away: days skipped, not counted", Daily, join(span("2026-03-01", "2026-03-03"), span("2026-03-07", "2026-03-09")),
			[]AwayPeriod{away("2026-03-04", "2026-03-06")}, "2026-03-10", 6, 6},
		{"away: a check-in on an away day counts", Daily, join(span("2026-03-01", "2026-03-05"), []string{"2026-03-07"}),
			[]AwayPeriod{away("2026-03-04", "2026-03-06")}, "2026-03-07", 6, 6},
		{"away: frozen while still away", Daily, span("2026-03-01", "2026-03-03"), []AwayPeriod{away("2026-03-04", "2026-03-20")}, "2026-03-10", 3, 3},
		{"away: missing after coming back breaks it", Daily, span("2026-03-01", "2026-03-03"), []AwayPeriod{away("2026-03-04", "2026-03-07")}, "2026-03-10", 0, 3},
		{"away: back today, not yet checked in", Daily, span("2026-03-01", "2026-03-03"), []AwayPeriod{away("2026-03-04", "2026-03-09")}, "2026-03-10", 3, 3},
		{"away: overlapping and adjacent periods", Daily, []string{"2026-03-01", "2026-03-12"},
			[]AwayPeriod{away("2026-03-05", "2026-03-08"), away("2026-03-02", "2026-03-06"), away("2026-03-09", "2026-03-11")}, "2026-03-12", 2, 2},
		{"away: a one-day hole between periods breaks", Daily, []string{"2026-03-01", "2026-03-12"},
			[]AwayPeriod{away("2026-03-02", "2026-03-06"), away("2026-03-08", "2026-03-11")}, "2026-03-12", 1, 1},
		{"away: reversed period ignored", Daily, []string{"2026-03-01", "2026-03-03"}, []AwayPeriod{away("2026-03-02", "2026-03-01")}, "2026-03-03", 1, 1},
		// weekdays
		{"weekdays: weekend skipped", Weekdays, join(span("2026-03-02", "2026-03-06"), []string{"2026-03-09"}), nil, "2026-03-10", 6, 6},
		{"weekdays: weekend check-in counts", Weekdays, join(span("2026-03-02", "2026-03-07"), []string{"2026-03-09"}), nil, "2026-03-09", 7, 7},
		{"weekdays: Monday morning before checking in", Weekdays, span("2026-03-02", "2026-03-06"), nil, "2026-03-09", 5, 5},
		{"weekdays: Sunday after a Friday", Weekdays, span("2026-03-02", "2026-03-06"), nil, "2026-03-08", 5, 5},
		{"weekdays: missed Monday breaks it", Weekdays, span("2026-03-02", "2026-03-06"), nil, "2026-03-11", 0, 5},
		{"weekdays: missed Thursday breaks it", Weekdays, []string{"2026-03-02", "2026-03-03", "2026-03-04", "2026-03-06"}, nil, "2026-03-06", 1, 3},
		{"weekdays: away Monday", Weekdays, []string{"2026-03-06", "2026-03-10"}, []AwayPeriod{away("2026-03-09", "2026-03-09")}, "2026-03-10", 2, 2},
		// weekly
		{"weekly: three weeks, this week not yet", Weekly, []string{"2026-03-02", "2026-03-11", "2026-03-22"}, nil, "2026-03-24", 3, 3},
		{"weekly: several check-ins in a week count once", Weekly, []string{"2026-03-02", "2026-03-03", "2026-03-08"}, nil, "2026-03-08", 1, 1},
		{"weekly: a missed week restarts", Weekly, []string{"2026-03-02", "2026-03-16"}, nil, "2026-03-17", 1, 1},
		{"weekly: last week missed breaks it", Weekly, []string{"2026-03-02", "2026-03-09"}, nil, "2026-03-24", 0, 2},
		{"weekly: Sunday then Monday are two weeks", Weekly, []string{"2026-03-08", "2026-03-09"}, nil, "2026-03-09", 2, 2},
		{"weekly: one away day excuses the week", Weekly, []string{"2026-03-02", "2026-03-16"}, []AwayPeriod{away("2026-03-13", "2026-03-13")}, "2026-03-16", 2, 2},
		{"weekly: away frozen through last week", Weekly, []string{"2026-03-02"}, []AwayPeriod{away("2026-03-10", "2026-03-20")}, "2026-03-25", 1, 1},
		{"weekly: across the year end", Weekly, []string{"2025-12-22", "2025-12-31", "2026-01-05"}, nil, "2026-01-06", 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ComputeStreak(days(tt.checkins...), tt.cadence, tt.away, d(tt.today))
			if s.Current != tt.current || s.Best != tt.best {
				t.Errorf("current, best = %d, %d; want %d, %d", s.Current, s.Best, tt.current, tt.best)
			}
			if s.Current > s.Best {
				t.Errorf("current %d above best %d", s.Current, s.Best)
			}
		})
	}
}

func TestComputeStreakMonthAndLast(t *testing.T) {
	s := ComputeStreak(days("2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02", "2026-03-02"), Daily, nil, d("2026-03-03"))
	if s.ThisMonth != 2 || s.LastCheckin != d("2026-03-02") || s.Current != 4 {
		t.Errorf("streak = %+v; want 2 this month, last 2026-03-02, current 4", s)
	}
	if s := ComputeStreak(days("2025-11-30", "2025-12-01", "2025-12-31", "2026-01-01"), Daily, nil, d("2025-12-31")); s.ThisMonth != 2 {
		t.Errorf("December counts %d days, want 2", s.ThisMonth)
	}
	if s := ComputeStreak(days("2026-03-01"), Daily, nil, d("2027-03-05")); s.ThisMonth != 0 {
		t.Errorf("a check-in a year ago counts this month: %+v", s)
	}
}

// TestStreakSurvivesZoneChange: a member checks in late in the evening in
// Tokyo and the next morning, then flies to Los Angeles. Recorded at the
// time, those are two days. Recomputed in the new zone they would collapse
// into one day (the 9th), leave the 10th empty and cut the streak; the stored
// dates keep both.
func TestStreakSurvivesZoneChange(t *testing.T) {
	z := loadZones(t, "Asia/Tokyo", "America/Los_Angeles")
	tokyo, la := z["Asia/Tokyo"], z["America/Los_Angeles"]
	type submission struct {
		at   string
		zone *time.Location
	}
	subs := []submission{
		{"2026-03-09T14:30:00Z", tokyo}, // 23:30 on the 9th in Tokyo
		{"2026-03-10T01:00:00Z", tokyo}, // 10:00 on the 10th in Tokyo
		{"2026-03-11T18:00:00Z", la},    // 11:00 on the 11th in Los Angeles
	}
	var recorded, recomputed []CheckinDay
	for _, s := range subs {
		at, _ := time.Parse(time.RFC3339, s.at)
		c, err := NewCheckin("g", "c", "u", CheckinInput{Done: "work"}, at, s.zone)
		if err != nil {
			t.Fatal(err)
		}
		recorded = append(recorded, c.Day())
		recomputed = append(recomputed, CheckinDay{Date: LocalDate(at, la)})
	}
	today := LocalDate(time.Date(2026, 3, 11, 20, 0, 0, 0, time.UTC), la)
	if got := ComputeStreak(recorded, Daily, nil, today); got.Current != 3 || got.Best != 3 {
		t.Errorf("with dates recorded at check-in time: %+v, want current 3", got)
	}
	if got := ComputeStreak(recomputed, Daily, nil, today); got.Current >= 3 {
		t.Fatalf("the fixture does not exercise the rule: recomputed streak %+v", got)
	}
	// Flying west can make "today" earlier than the last check-in's date: the
	// day already earned still counts and nothing breaks.
	westToday := LocalDate(time.Date(2026, 3, 10, 5, 0, 0, 0, time.UTC), la) // the 9th in LA
	if got := ComputeStreak(recorded[:2], Daily, nil, westToday); got.Current != 2 {
		t.Errorf("after flying west: %+v, want current 2", got)
	}
}

// referenceStreak restates the rules the slow, obvious way: walk every day
// (week) from the first check-in to today, extending the run on a check-in,
// skipping excused days and today, and restarting on any other day.
func referenceStreak(checkins []CheckinDay, cadence Cadence, periods []AwayPeriod, today Date) (current, best int) {
	if len(checkins) == 0 {
		return 0, 0
	}
	has := map[Date]bool{}
	first := checkins[0].Date
	for _, c := range checkins {
		has[c.Date] = true
		if c.Date.Before(first) {
			first = c.Date
		}
	}
	run := 0
	if cadence == Weekly {
		for w := first.ISOWeek(); !w.Monday().After(today); w = w.Next() {
			checked, excused := false, false
			for i := 0; i < 7; i++ {
				checked = checked || has[w.Monday().AddDays(i)]
				excused = excused || IsAway(periods, w.Monday().AddDays(i))
			}
			switch {
			case checked:
				run++
			case excused || w == today.ISOWeek():
			default:
				run = 0
			}
			best = max(best, run)
		}
		return run, best
	}
	for x := first; !x.After(today); x = x.AddDays(1) {
		switch {
		case has[x]:
			run++
		case x == today || IsAway(periods, x) || (cadence == Weekdays && isWeekend(x.Weekday())):
		default:
			run = 0
		}
		best = max(best, run)
	}
	return run, best
}

func TestComputeStreakMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	base := d("2026-01-01")
	for round := 0; round < 3000; round++ {
		today := base.AddDays(40 + r.IntN(30))
		density := 0.3 + 0.7*r.Float64()
		var checkins []CheckinDay
		for i := 0; i <= today.DaysSince(base); i++ {
			if r.Float64() < density {
				checkins = append(checkins, CheckinDay{Date: base.AddDays(i)})
			}
		}
		r.Shuffle(len(checkins), func(i, j int) { checkins[i], checkins[j] = checkins[j], checkins[i] })
		var periods []AwayPeriod
		for range r.IntN(4) {
			from := base.AddDays(r.IntN(80))
			periods = append(periods, AwayPeriod{From: from, Until: from.AddDays(r.IntN(12))})
		}
		cadence := Cadences()[r.IntN(3)]
		got := ComputeStreak(checkins, cadence, periods, today)
		cur, best := referenceStreak(checkins, cadence, periods, today)
		if got.Current != cur || got.Best != best {
			t.Fatalf("round %d (%s, today %s, away %v): got current %d best %d, reference %d %d",
				round, cadence, today, periods, got.Current, got.Best, cur, best)
		}
	}
}
