package accountability

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestNewAway(t *testing.T) {
	today := d("2026-03-29")
	tests := []struct {
		in      string
		want    string
		errHas  string
		errCode string
	}{
		{in: "2026-04-10", want: "2026-04-10"},
		{in: " 2026-03-29 ", want: "2026-03-29"},
		{in: "today", want: "2026-03-29"},
		{in: "Tomorrow", want: "2026-03-30"},
		{in: "+3d", want: "2026-04-01"},
		{in: "3d", want: "2026-04-01"},
		{in: "+2w", want: "2026-04-12"},
		{in: "+365d", want: "2027-03-29"},
		{in: "2026-03-28", errHas: "That date is in the past", errCode: EINVALID},
		{in: "2025-03-29", errHas: "today is 2026-03-29", errCode: EINVALID},
		{in: "+366d", errHas: "more than 365 days", errCode: EINVALID},
		{in: "+9999w", errHas: "more than 365 days", errCode: EINVALID},
		{in: "2027-03-30", errHas: "more than 365 days", errCode: EINVALID},
		{in: "next week", errHas: "YYYY-MM-DD", errCode: EINVALID},
		{in: "", errHas: "YYYY-MM-DD", errCode: EINVALID},
		{in: "+d", errHas: "YYYY-MM-DD", errCode: EINVALID},
		{in: "-3d", errHas: "YYYY-MM-DD", errCode: EINVALID},
		{in: "2026-02-30", errHas: "YYYY-MM-DD", errCode: EINVALID},
	}
	for _, tt := range tests {
		p, err := NewAway(tt.in, today)
		if tt.errCode != "" {
			if ErrorCode(err) != tt.errCode || !strings.Contains(ErrorMessage(err), tt.errHas) {
				t.Errorf("NewAway(%q) error = %v; want %s containing %q", tt.in, err, tt.errCode, tt.errHas)
			}
			continue
		}
		if err != nil || p.From != today || p.Until.String() != tt.want {
			t.Errorf("NewAway(%q) = %+v, %v; want until %s", tt.in, p, err, tt.want)
		}
	}
}

// TestAwaySetMatchesIsAway cross-checks the merged, bisected set used by
// streaks against the plain scan, on random periods.
func TestAwaySetMatchesIsAway(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := d("2026-01-01")
	for round := 0; round < 300; round++ {
		var periods []AwayPeriod
		for range r.IntN(6) {
			from := base.AddDays(r.IntN(60))
			periods = append(periods, AwayPeriod{From: from, Until: from.AddDays(r.IntN(10) - 1)}) // some reversed
		}
		set := newAwaySet(periods)
		for i := -5; i < 80; i++ {
			day := base.AddDays(i)
			if got, want := set.contains(day.days()), IsAway(periods, day); got != want {
				t.Fatalf("periods %v, %s: set says %v, scan says %v", periods, day, got, want)
			}
			for span := 0; span < 8; span++ {
				want := false
				for k := 0; k <= span; k++ {
					want = want || IsAway(periods, day.AddDays(k))
				}
				if got := set.anyIn(day.days(), day.AddDays(span).days()); got != want {
					t.Fatalf("periods %v, %s+%d: anyIn %v, want %v", periods, day, span, got, want)
				}
			}
		}
	}
}
