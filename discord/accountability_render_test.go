package discord

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/roundtable-bot/roundtable/accountability"
)

func TestPromptNamesTheWeekForWeeklyChannels(t *testing.T) {
	t.Parallel()
	d := testDate(t)
	daily := promptMessage(accountability.PromptPost{Channel: accountability.ChannelSettings{Cadence: accountability.Daily}, Date: d})
	weekly := promptMessage(accountability.PromptPost{Channel: accountability.ChannelSettings{Cadence: accountability.Weekly}, Date: d})
	if !strings.Contains(daily.Content, "Monday 2026-03-30") {
		t.Errorf("daily prompt %q does not name the day", daily.Content)
	}
	if !strings.Contains(weekly.Content, "2026-W14") {
		t.Errorf("weekly prompt %q does not name the ISO week", weekly.Content)
	}
}

func TestCheckinEmbedStaysWithinDiscordLimits(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", accountability.MaxCheckinField)
	p := accountability.CheckinPost{
		Checkin: accountability.Checkin{UserID: "42", Date: testDate(t),
			CheckinInput: accountability.CheckinInput{Done: long, Next: long, Blockers: long, Mood: 9}},
		Cadence: accountability.Weekly, Streak: accountability.Streak{Current: 1, Best: 2},
	}
	em := checkinEmbed(p, nil)
	total := utf8.RuneCountInString(em.Description) + utf8.RuneCountInString(em.Footer.Text)
	for _, f := range em.Fields {
		if n := utf8.RuneCountInString(f.Value); n > 1024 {
			t.Errorf("field %s is %d characters, over Discord's 1024", f.Name, n)
		}
		total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if total > 6000 {
		t.Errorf("embed is %d characters, over Discord's 6000", total)
	}
	if len(em.Fields) != 3 {
		t.Errorf("%d fields; an out-of-range mood must not be shown", len(em.Fields))
	}
	if !strings.Contains(em.Footer.Text, "1 week") || !strings.Contains(em.Footer.Text, "best 2 weeks") {
		t.Errorf("footer %q does not count weeks for a weekly channel", em.Footer.Text)
	}
}

func TestThreadNameIsOneLineWithinTheLimit(t *testing.T) {
	t.Parallel()
	for topic, want := range map[string]int{
		"  two\nlines  ":         len("two lines"),
		"":                       len("Question"),
		strings.Repeat("ü", 300): maxThreadName,
	} {
		got := threadName(topic)
		if n := utf8.RuneCountInString(got); n != want || strings.ContainsAny(got, "\n\r") {
			t.Errorf("threadName(%.20q) = %.20q (%d characters), want %d on one line", topic, got, n, want)
		}
	}
}
