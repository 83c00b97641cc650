package accountability

import (
	"fmt"
	"testing"
	"time"
)

func mustTime(s string) time.Time {
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err) // test fixtures only
	}
	return v
}

// TestOccurrenceAtDSTTransitions pins the documented choices.
func TestOccurrenceAtDSTTransitions(t *testing.T) {
	z := loadZones(t, "Europe/Berlin", "America/New_York", "Asia/Kolkata")
	tests := []struct {
		zone, date, at, want string
	}{
		{"Europe/Berlin", "2026-03-29", "02:30", "2026-03-29T01:00:00Z"}, // gap: 03:00 CEST
		{"Europe/Berlin", "2026-03-29", "02:00", "2026-03-29T01:00:00Z"}, // gap starts at 02:00
		{"Europe/Berlin", "2026-03-29", "01:59", "2026-03-29T00:59:00Z"}, // just before, CET
		{"Europe/Berlin", "2026-03-29", "03:00", "2026-03-29T01:00:00Z"}, // the jump's own instant
		{"Europe/Berlin", "2026-03-29", "09:00", "2026-03-29T07:00:00Z"},
		{"Europe/Berlin", "2026-03-28", "09:00", "2026-03-28T08:00:00Z"},
		{"Europe/Berlin", "2026-10-25", "02:30", "2026-10-25T00:30:00Z"}, // overlap: first, CEST
		{"Europe/Berlin", "2026-10-25", "02:00", "2026-10-25T00:00:00Z"},
		{"Europe/Berlin", "2026-10-25", "03:00", "2026-10-25T02:00:00Z"},    // after the overlap, CET
		{"America/New_York", "2026-03-08", "02:30", "2026-03-08T07:00:00Z"}, // gap: 03:00 EDT
		{"America/New_York", "2026-03-08", "01:30", "2026-03-08T06:30:00Z"},
		{"America/New_York", "2026-11-01", "01:30", "2026-11-01T05:30:00Z"}, // overlap: first, EDT
		{"America/New_York", "2026-11-01", "00:30", "2026-11-01T04:30:00Z"},
		{"America/New_York", "2026-11-01", "02:30", "2026-11-01T07:30:00Z"},
		{"Asia/Kolkata", "2026-03-29", "09:00", "2026-03-29T03:30:00Z"},
		{"Asia/Kolkata", "2026-11-01", "00:00", "2026-10-31T18:30:00Z"},
	}
	for _, tt := range tests {
		at, _ := ParseLocalTime(tt.at)
		got := Occurrence(d(tt.date), at, z[tt.zone])
		if !got.Equal(mustTime(tt.want)) || got.Location() != time.UTC {
			t.Errorf("Occurrence(%s %s %s) = %s, want %s", tt.zone, tt.date, tt.at, got, tt.want)
		}
	}
}

var dstWindows = []struct {
	zone       string
	transition string
}{
	{"Europe/Berlin", "2026-03-29"},
	{"Europe/Berlin", "2026-10-25"},
	{"America/New_York", "2026-03-08"},
	{"America/New_York", "2026-11-01"},
	{"Asia/Kolkata", "2026-03-29"},
	{"Asia/Kolkata", "2026-11-01"},
}

var reminderTimes = []string{"00:00", "00:30", "01:00", "01:30", "01:59", "02:00", "02:30", "02:59", "03:00", "03:30", "09:00", "12:00", "23:00", "23:30", "23:59"}

// checkFireInstant asserts that t is the right instant for local time at on
// date: the wall clock reads at there (its first occurrence), or, if that
// wall time does not exist, t is the first instant after the gap.
func checkFireInstant(t *testing.T, fire time.Time, date Date, at LocalTime, loc *time.Location) {
	t.Helper()
	local := fire.In(loc)
	wall := func(x time.Time) (Date, int) {
		x = x.In(loc)
		return Date{x.Year(), x.Month(), x.Day()}, x.Hour()*60 + x.Minute()
	}
	want := at.Hour*60 + at.Minute
	fd, fm := wall(fire)
	if fd == date && fm == want && fire.Second() == 0 {
		// First occurrence: no earlier instant in the previous three hours reads the same.
		for k := 1; k <= 180; k++ {
			if pd, pm := wall(fire.Add(-time.Duration(k) * time.Minute)); pd == date && pm == want {
				t.Errorf("%s %s %s: fired at the second occurrence %s (first was %d min earlier)", loc, date, at, local, k)
				return
			}
		}
		return
	}
	// Otherwise it must be a gap: just before fire the clock read earlier than at, and at fire later.
	pd, pm := wall(fire.Add(-time.Second))
	if fd != date || pd != date || !(pm < want && fm > want) {
		t.Errorf("%s %s %s: fired at %s (%s), which is neither the wall time nor the end of a gap", loc, date, at, local, fire.UTC())
	}
}

// TestNextReminderOncePerLocalDayAcrossDST chains NextReminder through a
// 10-day window around each transition: every local day gets exactly one
// reminder, at the expected instant, never doubled or dropped.
func TestNextReminderOncePerLocalDayAcrossDST(t *testing.T) {
	for _, w := range dstWindows {
		loc := loadZones(t, w.zone)[w.zone]
		from, to := d(w.transition).AddDays(-5), d(w.transition).AddDays(5)
		for _, hhmm := range reminderTimes {
			for _, cadence := range Cadences() {
				t.Run(fmt.Sprintf("%s/%s/%s/%s", w.zone, w.transition, hhmm, cadence), func(t *testing.T) {
					at, _ := ParseLocalTime(hhmm)
					// Start well before the window, in UTC, so the first local day is not special.
					cursor := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, time.UTC).Add(-36 * time.Hour)
					fires := map[Date]int{}
					for i := 0; i < 40; i++ {
						next := NextReminder(cursor, loc, at, cadence)
						if !next.After(cursor) {
							t.Fatalf("NextReminder(%s) = %s, not after it", cursor, next)
						}
						date := LocalDate(next, loc)
						if date.After(to) {
							break
						}
						cursor = next
						if date.Before(from) {
							continue
						}
						fires[date]++
						checkFireInstant(t, next, date, at, loc)
					}
					for day := from; !day.After(to); day = day.AddDays(1) {
						want := 1
						switch {
						case cadence == Weekdays && isWeekend(day.Weekday()):
							want = 0
						case cadence == Weekly && day.Weekday() != time.Monday:
							want = 0
						}
						if fires[day] != want {
							t.Errorf("%s (%s): %d reminders, want %d", day, day.Weekday(), fires[day], want)
						}
					}
				})
			}
		}
	}
}

// TestNextReminderFromAnyInstant: asking from every minute of the
// transition days gives the next occurrence, never one already past and
// never skipping one (the sweep recomputes from arbitrary instants after a
// settings change).
func TestNextReminderFromAnyInstant(t *testing.T) {
	for _, w := range dstWindows {
		loc := loadZones(t, w.zone)[w.zone]
		for _, hhmm := range []string{"01:30", "02:30", "09:00"} {
			at, _ := ParseLocalTime(hhmm)
			day := d(w.transition)
			var occ []time.Time
			for x := day.AddDays(-2); !x.After(day.AddDays(3)); x = x.AddDays(1) {
				occ = append(occ, Occurrence(x, at, loc))
			}
			start := occ[0]
			for m := 0; m < 4*24*60; m++ {
				after := start.Add(time.Duration(m) * time.Minute)
				var want time.Time
				for _, o := range occ {
					if o.After(after) {
						want = o
						break
					}
				}
				if got := NextReminder(after, loc, at, Daily); !got.Equal(want) {
					t.Fatalf("%s %s: NextReminder(%s) = %s, want %s", w.zone, hhmm, after, got, want)
				}
			}
		}
	}
}

// TestReminderSweepSimulation runs the sweep the adapter will run, once a
// minute and also late (every 7 minutes, so a 23:59 reminder is handled after
// midnight), through each DST window: a member
// who never checks in is reminded exactly once per local day; one who
// checked in that day, or is away, is not.
func TestReminderSweepSimulation(t *testing.T) {
	for _, w := range dstWindows {
		loc := loadZones(t, w.zone)[w.zone]
		from, to := d(w.transition).AddDays(-5), d(w.transition).AddDays(5)
		for _, step := range []time.Duration{time.Minute, 7 * time.Minute} {
			for _, hhmm := range []string{"02:30", "01:30", "23:30", "23:59"} {
				at, _ := ParseLocalTime(hhmm)
				type member struct {
					state    ReminderState
					next     time.Time
					checkIns []time.Time // when they check in
					got      map[Date]int
				}
				lazy := &member{state: ReminderState{Enabled: true}, got: map[Date]int{}}
				diligent := &member{state: ReminderState{Enabled: true}, got: map[Date]int{}}
				for day := from; !day.After(to); day = day.AddDays(1) {
					if day.Day%2 == 0 { // an hour before the reminder on even days
						diligent.checkIns = append(diligent.checkIns, Occurrence(day, at, loc).Add(-time.Hour))
					}
				}
				awayDay := d(w.transition)
				traveller := &member{state: ReminderState{Enabled: true, Away: []AwayPeriod{{awayDay, awayDay.AddDays(1)}}}, got: map[Date]int{}}
				members := []*member{lazy, diligent, traveller}
				begin := Occurrence(from, LocalTime{0, 0}, loc)
				end := Occurrence(to.AddDays(1), LocalTime{0, 0}, loc).Add(time.Hour) // the last late sweep runs after midnight
				for _, m := range members {
					m.next = NextReminder(begin, loc, at, Daily)
				}
				for now := begin; now.Before(end); now = now.Add(step) {
					for _, m := range members {
						for len(m.checkIns) > 0 && !m.checkIns[0].After(now) {
							m.state.LastCheckinDate = LocalDate(m.checkIns[0], loc)
							m.checkIns = m.checkIns[1:]
						}
						for !m.next.After(now) { // due: claimed by the sweep, judged at its due instant
							due := m.next
							if ShouldRemind(m.state, due, loc, Daily) {
								m.got[LocalDate(due, loc)]++
								m.state.LastRemindedDate = LocalDate(due, loc)
							}
							m.next = NextReminder(due, loc, at, Daily)
						}
					}
				}
				name := fmt.Sprintf("%s %s step %s at %s", w.zone, w.transition, step, hhmm)
				for day := from; !day.After(to); day = day.AddDays(1) {
					if lazy.got[day] != 1 {
						t.Errorf("%s: lazy member reminded %d times on %s", name, lazy.got[day], day)
					}
					if want := map[bool]int{true: 0, false: 1}[day.Day%2 == 0]; diligent.got[day] != want {
						t.Errorf("%s: diligent member reminded %d times on %s, want %d", name, diligent.got[day], day, want)
					}
					wantT := 1
					if day == awayDay || day == awayDay.AddDays(1) {
						wantT = 0
					}
					if traveller.got[day] != wantT {
						t.Errorf("%s: away member reminded %d times on %s, want %d", name, traveller.got[day], day, wantT)
					}
				}
			}
		}
	}
}

func TestShouldRemind(t *testing.T) {
	berlin := loadZones(t, "Europe/Berlin")["Europe/Berlin"]
	now := mustTime("2026-03-11T08:00:00Z") // Wednesday 09:00 CET
	sat := mustTime("2026-03-14T08:00:00Z")
	today := d("2026-03-11")
	tests := []struct {
		name    string
		state   ReminderState
		now     time.Time
		cadence Cadence
		want    bool
	}{
		{"due", ReminderState{Enabled: true}, now, Daily, true},
		{"disabled", ReminderState{}, now, Daily, false},
		{"already reminded today", ReminderState{Enabled: true, LastRemindedDate: today}, now, Daily, false},
		{"reminded yesterday", ReminderState{Enabled: true, LastRemindedDate: today.AddDays(-1)}, now, Daily, true},
		{"checked in today", ReminderState{Enabled: true, LastCheckinDate: today}, now, Daily, false},
		{"checked in yesterday", ReminderState{Enabled: true, LastCheckinDate: today.AddDays(-1)}, now, Daily, true},
		{"check-in dated tomorrow (moved west)", ReminderState{Enabled: true, LastCheckinDate: today.AddDays(1)}, now, Daily, false},
		{"away today", ReminderState{Enabled: true, Away: []AwayPeriod{{today.AddDays(-2), today}}}, now, Daily, false},
		{"away ended yesterday", ReminderState{Enabled: true, Away: []AwayPeriod{{today.AddDays(-3), today.AddDays(-1)}}}, now, Daily, true},
		{"weekdays on Wednesday", ReminderState{Enabled: true}, now, Weekdays, true},
		{"weekdays on Saturday", ReminderState{Enabled: true}, sat, Weekdays, false},
		{"daily on Saturday", ReminderState{Enabled: true}, sat, Daily, true},
		{"weekly, checked in Monday", ReminderState{Enabled: true, LastCheckinDate: d("2026-03-09")}, now, Weekly, false},
		{"weekly, checked in last Sunday", ReminderState{Enabled: true, LastCheckinDate: d("2026-03-08")}, now, Weekly, true},
		{"weekly, reminded Monday", ReminderState{Enabled: true, LastRemindedDate: d("2026-03-09")}, now, Weekly, false},
		{"weekly, reminded last week", ReminderState{Enabled: true, LastRemindedDate: d("2026-03-06")}, now, Weekly, true},
		{"unknown cadence", ReminderState{Enabled: true}, now, Cadence("hourly"), false},
	}
	for _, tt := range tests {
		if got := ShouldRemind(tt.state, tt.now, berlin, tt.cadence); got != tt.want {
			t.Errorf("%s: ShouldRemind = %v, want %v", tt.name, got, tt.want)
		}
	}
	// The day is the member's: 23:30 UTC on the 11th is already the 12th in Berlin.
	late := mustTime("2026-03-11T23:30:00Z")
	if ShouldRemind(ReminderState{Enabled: true, LastRemindedDate: today}, late, berlin, Daily) != true {
		t.Errorf("a reminder dated the 11th blocks the 12th in Berlin")
	}
	if ShouldRemind(ReminderState{Enabled: true, LastRemindedDate: today}, late, time.UTC, Daily) != false {
		t.Errorf("in UTC it is still the 11th")
	}
}

func TestNextPrompt(t *testing.T) {
	s, err := NewChannelSettings("g", "c", "weekly", "18:00", "America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	after := mustTime("2026-03-04T12:00:00Z") // a Wednesday
	got, ok := NextPrompt(after, s)
	if !ok || !got.Equal(mustTime("2026-03-09T22:00:00Z")) { // Monday 18:00 EDT, the day after the change
		t.Errorf("weekly prompt = %s, %v; want Monday 2026-03-09 18:00 EDT", got, ok)
	}
	s.WeeklyDay = time.Friday
	if got, _ := NextPrompt(after, s); !got.Equal(mustTime("2026-03-06T23:00:00Z")) { // Friday 18:00 EST
		t.Errorf("Friday prompt = %s", got)
	}
	s.Paused = true
	if _, ok := NextPrompt(after, s); ok {
		t.Errorf("a paused channel has a next prompt")
	}
	s.Paused, s.Cadence = false, "hourly"
	if _, ok := NextPrompt(after, s); ok {
		t.Errorf("invalid settings have a next prompt")
	}
	if got := (Schedule{Cadence: Daily, At: LocalTime{25, 0}}).Next(after, nil); !got.IsZero() {
		t.Errorf("an invalid time has an occurrence: %s", got)
	}
	if got := NextReminder(after, nil, LocalTime{9, 0}, Daily); !got.Equal(mustTime("2026-03-05T09:00:00Z")) {
		t.Errorf("nil zone is not UTC: %s", got)
	}
}

func TestNextDigest(t *testing.T) {
	z := loadZones(t, "Europe/Berlin", "Asia/Kolkata")
	tests := []struct {
		zone, after, want string
		week              ISOWeek
	}{
		{"Europe/Berlin", "2026-03-29T12:00:00Z", "2026-03-30T07:00:00Z", ISOWeek{2026, 13}}, // first Monday in CEST
		{"Europe/Berlin", "2026-03-30T07:00:00Z", "2026-04-06T07:00:00Z", ISOWeek{2026, 14}}, // strictly after
		{"Europe/Berlin", "2026-03-30T06:59:59Z", "2026-03-30T07:00:00Z", ISOWeek{2026, 13}},
		{"Asia/Kolkata", "2025-12-31T00:00:00Z", "2026-01-05T03:30:00Z", ISOWeek{2026, 1}},
		{"Asia/Kolkata", "2026-01-02T00:00:00Z", "2026-01-05T03:30:00Z", ISOWeek{2026, 1}},
	}
	for _, tt := range tests {
		at, week := NextDigest(mustTime(tt.after), z[tt.zone])
		if !at.Equal(mustTime(tt.want)) || week != tt.week {
			t.Errorf("NextDigest(%s, %s) = %s, %s; want %s, %s", tt.after, tt.zone, at, week, tt.want, tt.week)
		}
	}
}

// TestNextReminderOddZones: half-hour DST (Lord Howe), a zone that moved
// across the date line and skipped a whole day (Samoa, 2011-12-30), and a
// 45-minute offset (Chatham): still at most one reminder per local day, and
// exactly one on every day that exists.
func TestNextReminderOddZones(t *testing.T) {
	cases := []struct {
		zone     string
		from, to string
		missing  string // a date that does not exist there
	}{
		{"Australia/Lord_Howe", "2026-04-01", "2026-04-10", ""},    // 2026-04-05: 02:00 LHDT -> 01:30 LHST
		{"Australia/Lord_Howe", "2026-09-30", "2026-10-08", ""},    // 2026-10-04: 02:00 -> 02:30
		{"Pacific/Apia", "2011-12-26", "2012-01-03", "2011-12-30"}, // the day Samoa skipped
		{"Pacific/Chatham", "2026-04-01", "2026-04-08", ""},
	}
	for _, c := range cases {
		loc := loadZones(t, c.zone)[c.zone]
		for _, hhmm := range reminderTimes {
			at, _ := ParseLocalTime(hhmm)
			fires := map[Date]int{}
			cursor := Occurrence(d(c.from), LocalTime{0, 0}, loc).Add(-time.Second)
			for {
				next := NextReminder(cursor, loc, at, Daily)
				if LocalDate(next, loc).After(d(c.to)) {
					break
				}
				date := LocalDate(next, loc)
				fires[date]++
				checkFireInstant(t, next, date, at, loc)
				cursor = next
			}
			for day := d(c.from); !day.After(d(c.to)); day = day.AddDays(1) {
				want := 1
				if day.String() == c.missing {
					want = 0
				}
				if fires[day] != want {
					t.Errorf("%s at %s: %d reminders on %s, want %d", c.zone, hhmm, fires[day], day, want)
				}
			}
		}
	}
}
