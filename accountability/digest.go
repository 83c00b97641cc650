package accountability

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Digest limits. Discord refuses a message over 2000 characters; the text
// aims a little under so the adapter can add a line (a mention, a link).
const (
	MaxDigestText  = 1900
	TopStreakCount = 5   // streaks shown in a digest
	maxBlockerText = 140 // one open blocker is clipped to this many characters
)

// digestSchedule posts the weekly digest on Monday at 09:00 in the channel's
// zone: the week just ended is complete everywhere that matters to the
// channel, and members see it at the start of their working day.
func digestSchedule() Schedule {
	return Schedule{Cadence: Weekly, At: LocalTime{Hour: 9, Minute: 0}, WeeklyDay: time.Monday}
}

// DigestCheckin is the part of a check-in a digest needs.
type DigestCheckin struct {
	UserID   string
	Name     string // display name at digest time; the user ID is shown when empty
	Date     Date   // the check-in's local date, as recorded
	Blockers string
	Mood     int
}

// DigestMember is one member's participation in the week.
type DigestMember struct {
	UserID string
	Name   string
	Days   int // distinct days checked in during the week
}

// DigestStreak is one line of the streak leaderboard.
type DigestStreak struct {
	UserID  string
	Name    string
	Current int
}

// Blocker is a member's latest blocker that no later check-in has cleared.
type Blocker struct {
	UserID string
	Name   string
	Date   Date
	Text   string
}

// Digest is the weekly summary of one accountability channel.
type Digest struct {
	Week               ISOWeek
	Checkins           int // check-ins during the week
	WhoCheckedIn       []DigestMember
	TopStreaks         []DigestStreak
	OpenBlockers       []Blocker
	ParticipationByDay [7]int // members who checked in, Monday to Sunday
}

// BuildDigest summarises week from the channel's check-ins and its members'
// streaks (keyed by user ID, as computed for the end of the week).
//
//   - WhoCheckedIn: members with a check-in dated in week, most days first.
//   - TopStreaks: the TopStreakCount longest current streaks above zero.
//   - OpenBlockers: for each member, their latest check-in up to the end of
//     week; if its blockers are non-empty they are still open. A later
//     check-in with empty blockers clears them. Check-ins from earlier weeks
//     may be passed so a blocker nobody has cleared keeps showing up.
//   - ParticipationByDay: distinct members per weekday of week.
//
// Check-ins dated after week are ignored, so rebuilding a past digest gives
// the same answer.
func BuildDigest(week ISOWeek, checkins []DigestCheckin, streaks map[string]Streak) Digest {
	dg := Digest{Week: week}
	end := week.Sunday()
	names := map[string]string{}
	daysIn := map[string]map[Date]bool{}
	latest := map[string]DigestCheckin{}
	for _, c := range checkins {
		if c.Date.After(end) {
			continue
		}
		if c.Name != "" {
			names[c.UserID] = c.Name
		}
		if l, ok := latest[c.UserID]; !ok || c.Date.After(l.Date) {
			latest[c.UserID] = c
		}
		if c.Date.ISOWeek() != week {
			continue
		}
		if daysIn[c.UserID] == nil {
			daysIn[c.UserID] = map[Date]bool{}
		}
		if !daysIn[c.UserID][c.Date] {
			daysIn[c.UserID][c.Date] = true
			dg.Checkins++
			dg.ParticipationByDay[isoDay(c.Date.Weekday())]++
		}
	}
	for id, days := range daysIn {
		dg.WhoCheckedIn = append(dg.WhoCheckedIn, DigestMember{UserID: id, Name: names[id], Days: len(days)})
	}
	slices.SortFunc(dg.WhoCheckedIn, func(a, b DigestMember) int {
		return cmp.Or(b.Days-a.Days, cmp.Compare(displayName(a.Name, a.UserID), displayName(b.Name, b.UserID)), cmp.Compare(a.UserID, b.UserID))
	})
	for id, s := range streaks {
		if s.Current > 0 {
			dg.TopStreaks = append(dg.TopStreaks, DigestStreak{UserID: id, Name: names[id], Current: s.Current})
		}
	}
	slices.SortFunc(dg.TopStreaks, func(a, b DigestStreak) int {
		return cmp.Or(b.Current-a.Current, cmp.Compare(displayName(a.Name, a.UserID), displayName(b.Name, b.UserID)), cmp.Compare(a.UserID, b.UserID))
	})
	if len(dg.TopStreaks) > TopStreakCount {
		dg.TopStreaks = dg.TopStreaks[:TopStreakCount]
	}
	for id, c := range latest {
		if b := strings.TrimSpace(c.Blockers); b != "" {
			dg.OpenBlockers = append(dg.OpenBlockers, Blocker{UserID: id, Name: names[id], Date: c.Date, Text: b})
		}
	}
	slices.SortFunc(dg.OpenBlockers, func(a, b Blocker) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.UserID, b.UserID)) // oldest first: they have waited longest
	})
	return dg
}

// Text renders the digest as Discord Markdown of at most MaxDigestText
// characters. Long lists end with "and N more"; when even that does not fit,
// fewer entries are listed. Members without a name appear as mentions, so
// the adapter posts it with allowed_mentions empty: a digest pings nobody.
func (dg Digest) Text() string {
	// Names are trimmed first: open blockers are what someone can act on.
	members, blockers := 40, 10
	for {
		text := dg.render(members, blockers)
		switch {
		case utf8.RuneCountInString(text) <= MaxDigestText:
			return text
		case members > 10:
			members = members * 3 / 4
		case blockers > 3:
			blockers--
		case members > 0:
			members--
		case blockers > 0:
			blockers--
		default:
			return clip(text, MaxDigestText) // unreachable with the clipped names and blockers above
		}
	}
}

func (dg Digest) render(maxMembers, maxBlockers int) string {
	var b strings.Builder
	mon, sun := dg.Week.Monday(), dg.Week.Sunday()
	fmt.Fprintf(&b, "## Weekly digest: %s (%s %d – %s %d)\n", dg.Week, mon.Month.String()[:3], mon.Day, sun.Month.String()[:3], sun.Day)
	if len(dg.WhoCheckedIn) == 0 {
		b.WriteString("Nobody checked in this week. A fresh week starts today: one small step counts.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "**%d check-ins** from **%d members**.\n", dg.Checkins, len(dg.WhoCheckedIn))

	b.WriteString("\n**Who checked in** (days)\n")
	shown := min(maxMembers, len(dg.WhoCheckedIn))
	parts := make([]string, 0, shown)
	for _, m := range dg.WhoCheckedIn[:shown] {
		parts = append(parts, fmt.Sprintf("%s (%d)", displayName(m.Name, m.UserID), m.Days))
	}
	b.WriteString(strings.Join(parts, ", "))
	writeMore(&b, len(dg.WhoCheckedIn)-shown, shown > 0)
	b.WriteString("\n")

	b.WriteString("\n**Participation** (Mon–Sun): ")
	days := make([]string, 7)
	for i, n := range dg.ParticipationByDay {
		days[i] = fmt.Sprint(n)
	}
	b.WriteString(strings.Join(days, " · "))
	b.WriteString("\n")

	if len(dg.TopStreaks) > 0 {
		b.WriteString("\n**Top streaks**\n")
		for i, s := range dg.TopStreaks {
			fmt.Fprintf(&b, "%d. %s: %d\n", i+1, displayName(s.Name, s.UserID), s.Current)
		}
	}

	if len(dg.OpenBlockers) > 0 {
		b.WriteString("\n**Open blockers**: can anyone help?\n")
		shown := min(maxBlockers, len(dg.OpenBlockers))
		for _, bl := range dg.OpenBlockers[:shown] {
			fmt.Fprintf(&b, "- %s (%s): %s\n", displayName(bl.Name, bl.UserID), bl.Date, clip(oneLine(bl.Text), maxBlockerText))
		}
		if more := len(dg.OpenBlockers) - shown; more > 0 {
			fmt.Fprintf(&b, "and %d more\n", more)
		}
	}
	return b.String()
}

func writeMore(b *strings.Builder, more int, afterList bool) {
	if more <= 0 {
		return
	}
	if afterList {
		b.WriteString(" ")
	}
	fmt.Fprintf(b, "and %d more", more)
}

// displayName prefers the member's name; without one it shows a mention,
// which Discord renders as the name for readers.
func displayName(name, userID string) string {
	if name = strings.TrimSpace(name); name != "" {
		return clip(oneLine(name), 32)
	}
	return "<@" + userID + ">"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// DigestKey names the one digest of a channel for a week. The store keeps it
// under a unique constraint and posts only after inserting it, so however
// many bot processes or restarts race, a week's digest is posted once.
func DigestKey(channelID string, week ISOWeek) string {
	return "digest:" + channelID + ":" + week.String()
}

// NextDigest returns when the next weekly digest is due strictly after after,
// Monday 09:00 in zone (daylight saving handled as Schedule.Next documents),
// and the week it reports on: the ISO week that ended just before.
func NextDigest(after time.Time, zone *time.Location) (at time.Time, week ISOWeek) {
	zone = orUTC(zone)
	at = digestSchedule().Next(after, zone)
	return at, LocalDate(at, zone).AddDays(-7).ISOWeek()
}
