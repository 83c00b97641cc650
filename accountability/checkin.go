package accountability

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Check-in text limits. Each field is shown as one field of the check-in
// embed, and Discord caps an embed field value at 1024 characters; 1000 leaves
// room for the formatting around it. Three full fields (3000) plus the title
// and footer stay well under Discord's 6000-character limit for a whole embed.
// The modal's text inputs should carry the same max_length, so Discord itself
// stops most overlong input; Normalize catches the rest (slash command
// options, or a modal built without the limit).
const (
	MaxCheckinField = 1000
	MinMood         = 1
	MaxMood         = 5
)

// CheckinInput is what a member submits in the check-in modal.
type CheckinInput struct {
	Done     string // what they did since last time; required
	Next     string // what they will do next; optional
	Blockers string // what stands in their way; optional, and "open" until a later check-in has none
	Mood     int    // 0 for none, else 1 (low) to 5 (great)
}

// Normalize returns the input trimmed, with Windows line endings made plain,
// or EINVALID naming the first field that is missing or too long.
func (in CheckinInput) Normalize() (CheckinInput, error) {
	out := CheckinInput{
		Done:     normalizeText(in.Done),
		Next:     normalizeText(in.Next),
		Blockers: normalizeText(in.Blockers),
		Mood:     in.Mood,
	}
	if out.Done == "" {
		return CheckinInput{}, Errorf(EINVALID, "Please fill in \"Done\": what did you get done since your last check-in? Even a small step counts.")
	}
	for _, f := range []struct{ name, value string }{{"Done", out.Done}, {"Next", out.Next}, {"Blockers", out.Blockers}} {
		if n := utf8.RuneCountInString(f.value); n > MaxCheckinField {
			return CheckinInput{}, Errorf(EINVALID, "%q is %d characters long; the limit is %d. Please shorten it and submit again.", f.name, n, MaxCheckinField)
		}
	}
	if out.Mood != 0 && (out.Mood < MinMood || out.Mood > MaxMood) {
		return CheckinInput{}, Errorf(EINVALID, "Mood must be a whole number from %d to %d, or left empty.", MinMood, MaxMood)
	}
	return out, nil
}

// ParseMood reads the modal's optional mood field: empty is 0 (no mood),
// otherwise a whole number from 1 to 5.
func ParseMood(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || !digits(s, 1, 1) || n < MinMood || n > MaxMood {
		return 0, Errorf(EINVALID, "Mood must be a whole number from %d to %d, or left empty (you wrote %q).", MinMood, MaxMood, clip(s, 16))
	}
	return n, nil
}

func normalizeText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// Checkin is one member's check-in for one day of their own calendar.
//
// The same-day rule: a check-in is keyed by (channel, member, Date), where Date
// is the member's local date at the moment they submit, in the zone they have
// at that moment. Submitting again while it is still the same local date
// replaces that day's check-in (the store upserts on Key, and the adapter
// edits the posted embed) instead of adding a second one. Once the date has
// been recorded it is never recomputed, so a later zone change cannot move or
// erase a day already earned.
type Checkin struct {
	GuildID   string
	ChannelID string
	UserID    string
	Date      Date      // the member's local date at At, in Zone
	At        time.Time // when it was submitted (last edit), UTC
	Zone      string    // the member's IANA zone at At
	CheckinInput
}

// CheckinKey identifies the one check-in a member may have per channel and
// local day; it matches the unique key of the checkins table.
type CheckinKey struct {
	ChannelID string
	UserID    string
	Date      Date
}

// NewCheckin validates a submission made at instant at by a member whose zone
// is zone (nil means UTC) and files it under their local date.
func NewCheckin(guildID, channelID, userID string, in CheckinInput, at time.Time, zone *time.Location) (Checkin, error) {
	if guildID == "" || channelID == "" || userID == "" {
		return Checkin{}, Errorf(EINVALID, "Check-ins only work in an accountability channel of a server.")
	}
	norm, err := in.Normalize()
	if err != nil {
		return Checkin{}, err
	}
	zone = orUTC(zone)
	return Checkin{
		GuildID:      guildID,
		ChannelID:    channelID,
		UserID:       userID,
		Date:         LocalDate(at, zone),
		At:           at.UTC(),
		Zone:         zone.String(),
		CheckinInput: norm,
	}, nil
}

// Key is the identity under which c is stored; a second submission with the
// same key edits the first.
func (c Checkin) Key() CheckinKey {
	return CheckinKey{ChannelID: c.ChannelID, UserID: c.UserID, Date: c.Date}
}

// Day is c as a streak counts it.
func (c Checkin) Day() CheckinDay { return CheckinDay{Date: c.Date} }

// SameDay reports whether a new submission at instant at, by a member now in
// zone, falls on the local date of an existing check-in, i.e. whether it edits
// that check-in rather than adding a new day.
func SameDay(existing Checkin, at time.Time, zone *time.Location) bool {
	return LocalDate(at, zone) == existing.Date
}
