// Package accountability is the domain of accountability channels and peer
// support threads: check-ins, streaks counted in each member's own days,
// reminder and prompt times, away days, weekly digests, and support threads
// followed from question to resolution.
//
// It imports only the standard library. Every function takes the times it
// needs as arguments and never reads the clock, so the adapters (commands,
// db, discord) decide what "now" is and tests can pin it.
//
// # Time
//
// Instants are UTC. Each member has an IANA zone (LoadZone), and a check-in
// is filed under the member's local date at the moment they submit it, in the
// zone they have at that moment (Checkin.Date, LocalDate). That date is stored
// and never recomputed: changing zone later never moves or erases a day
// already earned. Checking in again on the same local date edits that day's
// check-in (Checkin.Key, SameDay) instead of adding one.
//
// # Streak rules
//
// ComputeStreak counts, in the member's own days:
//
//   - daily: consecutive local calendar days with a check-in. The unit is days.
//   - weekdays: the same, but Saturdays and Sundays are never required: a
//     missing weekend day does not break the streak, and a weekend check-in
//     still counts as a day.
//   - weekly: consecutive ISO weeks (Monday to Sunday) with at least one
//     check-in. The unit is weeks.
//   - A streak is current when the only days (weeks) without a check-in since
//     the last one are excused or today (this week): not having checked in
//     yet today does not break it.
//   - Away days neither break nor extend a streak: a day inside an away period
//     with no check-in is skipped over when looking for gaps. A check-in made
//     on an away day still counts, because the member did the work. For
//     weekly cadence a week without a check-in is excused when the member was
//     away on any of its days.
//   - Best is the longest run ever under the same rules; ThisMonth counts the
//     distinct check-in days in today's calendar month.
//
// # Reminders and daylight saving
//
// Schedule.Next (and NextReminder, NextPrompt, NextDigest built on it) gives
// each local date on which a schedule fires exactly one instant: a wall time
// skipped by a spring-forward change fires at the first instant after the gap
// (02:30 becomes 03:00), and a wall time repeated by a fall-back change fires
// at its first occurrence only. ShouldRemind never reminds twice on the same
// local day (ISO week for weekly), nor after a check-in that day, nor while
// away. The reminder sweep is an indexed range query on each member's stored
// next due instant; see NextReminder for the cost model.
//
// # Support threads
//
// A Thread goes open -> answered -> resolved, or straight from open to
// resolved. It is answered by the first message from someone other than the
// asker who is not a bot; only the asker or a moderator resolves it; an
// unanswered open thread gets exactly one nudge once nudge_after has passed.
//
// # Errors
//
// Functions return *Error values with a Code for the program (EINVALID,
// EFORBIDDEN, ECONFLICT, ...) and a Message that can be shown to the member
// as it is.
package accountability
