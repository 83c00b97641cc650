package accountability

import (
	"encoding/json"
	"testing"
	"time"
)

// TestDateArithmeticMatchesTimePackage checks the integer day arithmetic
// against the standard library for every day from 1890 to 2110.
func TestDateArithmeticMatchesTimePackage(t *testing.T) {
	start := time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC)
	first := Date{1890, time.January, 1}
	for i := 0; i < 80500; i++ {
		tt := start.AddDate(0, 0, i)
		want := Date{tt.Year(), tt.Month(), tt.Day()}
		got := first.AddDays(i)
		if got != want {
			t.Fatalf("%v.AddDays(%d) = %v, want %v", first, i, got, want)
		}
		if got.Weekday() != tt.Weekday() {
			t.Fatalf("%v.Weekday() = %v, want %v", got, got.Weekday(), tt.Weekday())
		}
		y, w := tt.ISOWeek()
		if iw := got.ISOWeek(); iw != (ISOWeek{y, w}) {
			t.Fatalf("%v.ISOWeek() = %v, want %d-W%02d", got, iw, y, w)
		}
		if m := got.ISOWeek().Monday(); m.Weekday() != time.Monday || got.DaysSince(m) < 0 || got.DaysSince(m) > 6 {
			t.Fatalf("%v: Monday of its week is %v", got, m)
		}
		if got.DaysSince(first) != i {
			t.Fatalf("%v.DaysSince(%v) = %d, want %d", got, first, got.DaysSince(first), i)
		}
	}
}

func TestNewDateAndParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		invalid bool
	}{
		{in: "2026-03-29", want: Date{2026, time.March, 29}},
		{in: " 2024-02-29 ", want: Date{2024, time.February, 29}},
		{in: "2026-02-29", invalid: true},
		{in: "2026-13-01", invalid: true},
		{in: "29/03/2026", invalid: true},
		{in: "", invalid: true},
		{in: "tomorrow", invalid: true},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.invalid {
			if ErrorCode(err) != EINVALID {
				t.Errorf("ParseDate(%q) error = %v, want EINVALID", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, err := NewDate(2026, time.February, 30); ErrorCode(err) != EINVALID {
		t.Errorf("NewDate(2026-02-30) error = %v, want EINVALID", err)
	}
	if _, err := NewDate(2026, 0, 1); ErrorCode(err) != EINVALID {
		t.Errorf("NewDate(month 0) error = %v, want EINVALID", err)
	}
	if d, err := NewDate(2026, time.December, 31); err != nil || d.String() != "2026-12-31" {
		t.Errorf("NewDate(2026-12-31) = %v, %v", d, err)
	}
}

func TestDateOrderingAndText(t *testing.T) {
	a, b := Date{2026, time.March, 29}, Date{2026, time.March, 30}
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Errorf("ordering of %v and %v is wrong", a, b)
	}
	if (Date{}).String() != "" || !(Date{}).IsZero() || a.IsZero() {
		t.Errorf("zero date handling is wrong")
	}
	raw, err := json.Marshal(struct{ D Date }{a})
	if err != nil || string(raw) != `{"D":"2026-03-29"}` {
		t.Fatalf("json = %s, %v", raw, err)
	}
	var back struct{ D Date }
	if err := json.Unmarshal(raw, &back); err != nil || back.D != a {
		t.Errorf("round trip = %v, %v", back.D, err)
	}
	if err := json.Unmarshal([]byte(`{"D":"2026-02-30"}`), &back); ErrorCode(err) != EINVALID {
		t.Errorf("bad date decoded without EINVALID: %v", err)
	}
	if w := (ISOWeek{2026, 13}); w.String() != "2026-W13" || w.Monday() != (Date{2026, time.March, 23}) || w.Sunday() != a ||
		w.Next() != (ISOWeek{2026, 14}) || w.Prev() != (ISOWeek{2026, 12}) || !w.Contains(a) || w.Contains(b) {
		t.Errorf("ISOWeek helpers are wrong for %v", w)
	}
	if w := (ISOWeek{2026, 1}); w.Prev() != (ISOWeek{2025, 52}) || w.Monday() != (Date{2025, time.December, 29}) {
		t.Errorf("week 1 of 2026: prev %v, monday %v", w.Prev(), w.Monday())
	}
	if w := (ISOWeek{2020, 53}); w.Next() != (ISOWeek{2021, 1}) {
		t.Errorf("2020-W53 next = %v", w.Next())
	}
}

// TestLocalDateAcrossMidnight shows the same instant is a different day in
// different zones, and that the day turns at each zone's own midnight.
func TestLocalDateAcrossMidnight(t *testing.T) {
	zones := loadZones(t, "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "Pacific/Honolulu")
	tests := []struct {
		at   string
		zone string
		want string
	}{
		{"2026-03-28T22:59:59Z", "Europe/Berlin", "2026-03-28"}, // 23:59:59 CET
		{"2026-03-28T23:00:00Z", "Europe/Berlin", "2026-03-29"}, // midnight CET
		{"2026-03-29T21:59:59Z", "Europe/Berlin", "2026-03-29"}, // 23:59:59 CEST, the 23-hour day
		{"2026-03-29T22:00:00Z", "Europe/Berlin", "2026-03-30"},
		{"2026-11-01T03:59:59Z", "America/New_York", "2026-10-31"}, // 23:59:59 EDT
		{"2026-11-01T04:00:00Z", "America/New_York", "2026-11-01"},
		{"2026-11-02T04:59:59Z", "America/New_York", "2026-11-01"}, // 23:59:59 EST, the 25-hour day
		{"2026-11-02T05:00:00Z", "America/New_York", "2026-11-02"},
		{"2026-03-29T18:29:59Z", "Asia/Kolkata", "2026-03-29"},
		{"2026-03-29T18:30:00Z", "Asia/Kolkata", "2026-03-30"},
		{"2026-03-29T11:00:00Z", "Pacific/Auckland", "2026-03-30"},
		{"2026-03-29T11:00:00Z", "Pacific/Honolulu", "2026-03-29"},
	}
	for _, tt := range tests {
		at, _ := time.Parse(time.RFC3339, tt.at)
		if got := LocalDate(at, zones[tt.zone]).String(); got != tt.want {
			t.Errorf("LocalDate(%s, %s) = %s, want %s", tt.at, tt.zone, got, tt.want)
		}
	}
	if got := LocalDate(time.Date(2026, 3, 29, 23, 30, 0, 0, time.UTC), nil); got != (Date{2026, time.March, 29}) {
		t.Errorf("nil zone is not UTC: %v", got)
	}
}

// TestLocalDayLengthAroundDST counts the hours of each local day: 23 on a
// spring-forward day, 25 on a fall-back day, 24 otherwise; no day is lost or doubled.
func TestLocalDayLengthAroundDST(t *testing.T) {
	cases := []struct {
		zone       string
		transition Date
		hours      int
	}{
		{"Europe/Berlin", Date{2026, time.March, 29}, 23},
		{"Europe/Berlin", Date{2026, time.October, 25}, 25},
		{"America/New_York", Date{2026, time.March, 8}, 23},
		{"America/New_York", Date{2026, time.November, 1}, 25},
		{"Asia/Kolkata", Date{2026, time.March, 29}, 24},
	}
	for _, c := range cases {
		loc := loadZones(t, c.zone)[c.zone]
		from, to := c.transition.AddDays(-5), c.transition.AddDays(5)
		hours := map[Date]int{}
		start := time.Date(from.Year, from.Month, from.Day, 12, 0, 0, 0, time.UTC).Add(-48 * time.Hour)
		for at := start; at.Before(start.Add(14 * 24 * time.Hour)); at = at.Add(time.Hour) {
			hours[LocalDate(at, loc)]++
		}
		for d := from; !d.After(to); d = d.AddDays(1) {
			want := 24
			if d == c.transition {
				want = c.hours
			}
			if hours[d] != want {
				t.Errorf("%s %s has %d hours, want %d", c.zone, d, hours[d], want)
			}
		}
	}
}

func loadZones(t testing.TB, names ...string) map[string]*time.Location {
	t.Helper()
	out := map[string]*time.Location{}
	for _, n := range names {
		loc, err := LoadZone(n)
		if err != nil {
			t.Fatalf("LoadZone(%q): %v", n, err)
		}
		out[n] = loc
	}
	return out
}
