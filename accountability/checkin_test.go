package accountability

import (
	"strings"
	"testing"
	"time"
)

func TestCheckinInputNormalize(t *testing.T) {
	long := strings.Repeat("é", MaxCheckinField+1) // runes, not bytes, are counted
	exact := strings.Repeat("é", MaxCheckinField)
	tests := []struct {
		name    string
		in      CheckinInput
		want    CheckinInput
		errHas  []string // empty: no error
		errCode string
	}{
		{"trimmed", CheckinInput{Done: "  shipped login \r\nfixed tests ", Next: "\tdocs ", Mood: 4},
			CheckinInput{Done: "shipped login \nfixed tests", Next: "docs", Mood: 4}, nil, ""},
		{"only done", CheckinInput{Done: "x"}, CheckinInput{Done: "x"}, nil, ""},
		{"exactly the limit", CheckinInput{Done: exact, Next: exact, Blockers: exact}, CheckinInput{Done: exact, Next: exact, Blockers: exact}, nil, ""},
		{"done missing", CheckinInput{Done: "   ", Next: "a"}, CheckinInput{}, []string{"Done"}, EINVALID},
		{"done too long", CheckinInput{Done: long}, CheckinInput{}, []string{`"Done"`, "1001", "1000"}, EINVALID},
		{"next too long", CheckinInput{Done: "a", Next: long}, CheckinInput{}, []string{`"Next"`, "1000"}, EINVALID},
		{"blockers too long", CheckinInput{Done: "a", Blockers: long}, CheckinInput{}, []string{`"Blockers"`, "1000"}, EINVALID},
		{"mood 6", CheckinInput{Done: "a", Mood: 6}, CheckinInput{}, []string{"Mood", "1 to 5"}, EINVALID},
		{"mood -1", CheckinInput{Done: "a", Mood: -1}, CheckinInput{}, []string{"Mood"}, EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Normalize()
			if len(tt.errHas) == 0 {
				if err != nil || got != tt.want {
					t.Fatalf("Normalize = %+v, %v; want %+v", got, err, tt.want)
				}
				return
			}
			if ErrorCode(err) != tt.errCode {
				t.Fatalf("error = %v, want code %s", err, tt.errCode)
			}
			for _, s := range tt.errHas {
				if !strings.Contains(ErrorMessage(err), s) {
					t.Errorf("message %q does not mention %q", ErrorMessage(err), s)
				}
			}
		})
	}
}

func TestParseMood(t *testing.T) {
	for in, want := range map[string]int{"": 0, "  ": 0, "1": 1, " 5 ": 5} {
		if got, err := ParseMood(in); err != nil || got != want {
			t.Errorf("ParseMood(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "6", "+3", "3.5", "great", "10"} {
		if _, err := ParseMood(in); ErrorCode(err) != EINVALID {
			t.Errorf("ParseMood(%q) error = %v, want EINVALID", in, err)
		}
	}
}

// TestCheckinSameDayRule: a second submission on the same local date has the
// same key (it edits); one after the member's midnight is a new day, even if
// fewer than 24 hours passed, and the date follows the zone at submission.
func TestCheckinSameDayRule(t *testing.T) {
	z := loadZones(t, "America/New_York", "Asia/Tokyo")
	ny, tokyo := z["America/New_York"], z["Asia/Tokyo"]
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }

	first, err := NewCheckin("g", "c", "u", CheckinInput{Done: "a"}, at("2026-03-10T01:00:00Z"), ny) // 21:00 EDT on the 9th
	if err != nil {
		t.Fatal(err)
	}
	if first.Date != (Date{2026, time.March, 9}) || first.Zone != "America/New_York" || first.At.Location() != time.UTC {
		t.Fatalf("first = %+v", first)
	}
	edit, _ := NewCheckin("g", "c", "u", CheckinInput{Done: "b"}, at("2026-03-10T03:59:00Z"), ny) // 23:59 EDT, same day
	if edit.Key() != first.Key() || !SameDay(first, at("2026-03-10T03:59:00Z"), ny) {
		t.Errorf("23:59 the same evening is a new key: %+v vs %+v", edit.Key(), first.Key())
	}
	next, _ := NewCheckin("g", "c", "u", CheckinInput{Done: "c"}, at("2026-03-10T04:01:00Z"), ny) // 00:01 on the 10th
	if next.Key() == first.Key() || SameDay(first, at("2026-03-10T04:01:00Z"), ny) {
		t.Errorf("after local midnight the check-in still edits the previous day")
	}
	// The same instant in Tokyo is already the 10th: the zone at submission decides.
	if SameDay(first, at("2026-03-10T01:00:00Z"), tokyo) {
		t.Errorf("a member now in Tokyo edits New York's day")
	}
	if other, _ := NewCheckin("g", "c2", "u", CheckinInput{Done: "a"}, at("2026-03-10T01:00:00Z"), ny); other.Key() == first.Key() {
		t.Errorf("check-ins in two channels share a key")
	}
	if _, err := NewCheckin("g", "c", "u", CheckinInput{}, at("2026-03-10T01:00:00Z"), ny); ErrorCode(err) != EINVALID {
		t.Errorf("empty check-in accepted: %v", err)
	}
	if _, err := NewCheckin("", "c", "u", CheckinInput{Done: "a"}, at("2026-03-10T01:00:00Z"), ny); ErrorCode(err) != EINVALID {
		t.Errorf("check-in without a guild accepted: %v", err)
	}
	if first.Day() != (CheckinDay{Date: first.Date}) {
		t.Errorf("Day() = %v", first.Day())
	}
}
