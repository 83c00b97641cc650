package accountability

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBuildDigest(t *testing.T) {
	week := ISOWeek{2026, 13} // Mon 2026-03-23 .. Sun 2026-03-29
	checkins := []DigestCheckin{
		{UserID: "ana", Name: "Ana", Date: d("2026-03-23"), Blockers: "waiting on API keys"},
		{UserID: "ana", Name: "Ana", Date: d("2026-03-24")}, // clears her blocker
		{UserID: "ana", Name: "Ana", Date: d("2026-03-25")},
		{UserID: "ana", Name: "Ana", Date: d("2026-03-25")}, // a duplicate row counts once
		{UserID: "bo", Name: "Bo", Date: d("2026-03-20"), Blockers: "old blocker, never cleared"},
		{UserID: "cy", Name: "Cy", Date: d("2026-03-29"), Blockers: "CI is red"},
		{UserID: "cy", Name: "Cy", Date: d("2026-03-27")},
		{UserID: "dee", Date: d("2026-03-27"), Blockers: "  "},
		{UserID: "eve", Name: "Eve", Date: d("2026-03-30"), Blockers: "next week's, not yet"}, // after the week: ignored
		{UserID: "ana", Name: "Ana", Date: d("2026-03-30"), Blockers: "later blocker"},
	}
	streaks := map[string]Streak{
		"ana": {Current: 12}, "bo": {Current: 0}, "cy": {Current: 3}, "dee": {Current: 1},
		"f1": {Current: 2}, "f2": {Current: 2}, "f3": {Current: 2},
	}
	dg := BuildDigest(week, checkins, streaks)
	if dg.Checkins != 6 {
		t.Errorf("Checkins = %d, want 6", dg.Checkins)
	}
	who := []string{}
	for _, m := range dg.WhoCheckedIn {
		who = append(who, fmt.Sprintf("%s:%d", m.UserID, m.Days))
	}
	if got := strings.Join(who, " "); got != "ana:3 cy:2 dee:1" {
		t.Errorf("WhoCheckedIn = %s", got)
	}
	if dg.ParticipationByDay != [7]int{1, 1, 1, 0, 2, 0, 1} {
		t.Errorf("ParticipationByDay = %v", dg.ParticipationByDay)
	}
	var top []string
	for _, s := range dg.TopStreaks {
		top = append(top, fmt.Sprintf("%s:%d", s.UserID, s.Current))
	}
	if got := strings.Join(top, " "); got != "ana:12 cy:3 f1:2 f2:2 f3:2" {
		t.Errorf("TopStreaks = %s (zero streaks excluded, ties by name, at most %d)", got, TopStreakCount)
	}
	var blockers []string
	for _, b := range dg.OpenBlockers {
		blockers = append(blockers, b.UserID+":"+b.Text)
	}
	if got := strings.Join(blockers, " | "); got != "bo:old blocker, never cleared | cy:CI is red" {
		t.Errorf("OpenBlockers = %s", got)
	}

	text := dg.Text()
	for _, want := range []string{"2026-W13", "Mar 23", "Mar 29", "Ana (3)", "Cy (2)", "<@dee> (1)", "1 · 1 · 1 · 0 · 2 · 0 · 1", "CI is red", "1. Ana: 12"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "next week's") || strings.Contains(text, "later blocker") {
		t.Errorf("digest shows check-ins from after the week:\n%s", text)
	}
	// Rebuilding is deterministic (maps are iterated in random order).
	for range 20 {
		if again := BuildDigest(week, checkins, streaks).Text(); again != text {
			t.Fatalf("digest text changes between builds:\n%s\n---\n%s", text, again)
		}
	}
}

func TestDigestTextFitsWith200Members(t *testing.T) {
	week := ISOWeek{2026, 13}
	var checkins []DigestCheckin
	streaks := map[string]Streak{}
	for i := 0; i < 200; i++ {
		id := fmt.Sprintf("%018d", 100000000000000000+i)
		name := fmt.Sprintf("Member with a long display name %03d", i) // clipped to 32
		for day := 0; day <= i%7; day++ {
			checkins = append(checkins, DigestCheckin{UserID: id, Name: name, Date: week.Monday().AddDays(day),
				Blockers: strings.Repeat("blocked by something long and detailed ", 20)})
		}
		streaks[id] = Streak{Current: i}
	}
	dg := BuildDigest(week, checkins, streaks)
	text := dg.Text()
	if n := utf8.RuneCountInString(text); n > MaxDigestText || n > 2000 {
		t.Fatalf("digest is %d characters, over %d:\n%s", n, MaxDigestText, text)
	}
	if len(dg.WhoCheckedIn) != 200 || len(dg.OpenBlockers) != 200 {
		t.Fatalf("digest lost members: %d who, %d blockers", len(dg.WhoCheckedIn), len(dg.OpenBlockers))
	}
	for _, want := range []string{"and 1", "more", "from **200 members**"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	// Names without a display name fall back to mentions, which are longer; still fits.
	for i := range checkins {
		checkins[i].Name = ""
	}
	if n := utf8.RuneCountInString(BuildDigest(week, checkins, streaks).Text()); n > MaxDigestText {
		t.Errorf("digest with mentions is %d characters", n)
	}
}

func TestDigestEmptyAndKey(t *testing.T) {
	text := BuildDigest(ISOWeek{2026, 1}, nil, nil).Text()
	if !strings.Contains(text, "Nobody checked in") || !strings.Contains(text, "Dec 29") || !strings.Contains(text, "Jan 4") {
		t.Errorf("empty digest:\n%s", text)
	}
	if k := DigestKey("123", ISOWeek{2026, 1}); k != "digest:123:2026-W01" {
		t.Errorf("DigestKey = %q", k)
	}
	if DigestKey("123", ISOWeek{2026, 1}) == DigestKey("123", ISOWeek{2025, 1}) || DigestKey("1", ISOWeek{2026, 1}) == DigestKey("2", ISOWeek{2026, 1}) {
		t.Errorf("digest keys collide")
	}
}
