package accountability

import (
	"strings"
	"testing"
	"time"
)

// FuzzMemberInput feeds arbitrary text to every parser a member's input
// reaches. None may panic; each either accepts a value that survives its own
// validation, or refuses with a member-safe EINVALID message.
func FuzzMemberInput(f *testing.F) {
	for _, s := range []string{"09:30", "9:5", "+3d", "2026-02-30", "tomorrow", "Europe/Berlin", "../etc", "5", "daily",
		"\x00", "٣:٠٠", strings.Repeat("é", 1001), "99999w", "-1d", "Local"} {
		f.Add(s)
	}
	today := d("2026-03-29")
	f.Fuzz(func(t *testing.T, s string) {
		refused := func(what string, err error) {
			if ErrorCode(err) != EINVALID || ErrorMessage(err) == "" || len(ErrorMessage(err)) > 1000 {
				t.Fatalf("%s(%q): error %v is not a short EINVALID", what, s, err)
			}
		}
		if lt, err := ParseLocalTime(s); err != nil {
			refused("ParseLocalTime", err)
		} else if again, err := ParseLocalTime(lt.String()); err != nil || again != lt {
			t.Fatalf("ParseLocalTime(%q) = %v does not round-trip", s, lt)
		}
		if until, err := ParseAwayUntil(s, today); err != nil {
			refused("ParseAwayUntil", err)
		} else if p, err := NewAway(s, today); err == nil && (p.Until != until || p.From != today || ValidateAway(p.Until, today) != nil) {
			t.Fatalf("NewAway(%q) = %+v, inconsistent with %s", s, p, until)
		}
		if date, err := ParseDate(s); err != nil {
			refused("ParseDate", err)
		} else if again, _ := ParseDate(date.String()); again != date {
			t.Fatalf("ParseDate(%q) = %v does not round-trip", s, date)
		}
		if m, err := ParseMood(s); err != nil {
			refused("ParseMood", err)
		} else if m < 0 || m > MaxMood {
			t.Fatalf("ParseMood(%q) = %d", s, m)
		}
		if c, err := ParseCadence(s); err != nil {
			refused("ParseCadence", err)
		} else if c.Validate() != nil {
			t.Fatalf("ParseCadence(%q) = %q, invalid", s, c)
		}
		if _, err := LoadZone(s); err != nil {
			refused("LoadZone", err)
		}
		if in, err := (CheckinInput{Done: s, Next: s, Blockers: s}).Normalize(); err != nil {
			refused("Normalize", err)
		} else if again, err := in.Normalize(); err != nil || again != in {
			t.Fatalf("Normalize(%q) is not idempotent", s)
		}
		if topic, details, err := ValidateAsk(s, s); err != nil {
			refused("ValidateAsk", err)
		} else if strings.ContainsAny(topic, "\n\r") || details == "" {
			t.Fatalf("ValidateAsk(%q) = %q, %q", s, topic, details)
		}
		_ = NextReminder(time.Unix(int64(len(s))*1e6, 0), nil, LocalTime{len(s) % 24, len(s) % 60}, Cadence(s))
	})
}
