package accountability

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Cadence is how often an accountability channel expects a check-in.
type Cadence string

const (
	Daily    Cadence = "daily"    // every day of the member's calendar
	Weekdays Cadence = "weekdays" // Monday to Friday; weekends never break a streak
	Weekly   Cadence = "weekly"   // once per ISO week
)

// Cadences lists every cadence, in the order a setup command offers them
// (a fresh slice each call: there is no shared state to mutate).
func Cadences() []Cadence { return []Cadence{Daily, Weekdays, Weekly} }

// ParseCadence reads a cadence name (case-insensitive).
func ParseCadence(s string) (Cadence, error) {
	c := Cadence(strings.ToLower(strings.TrimSpace(s)))
	if err := c.Validate(); err != nil {
		return "", err
	}
	return c, nil
}

// Validate returns EINVALID unless c is daily, weekdays or weekly.
func (c Cadence) Validate() error {
	switch c {
	case Daily, Weekdays, Weekly:
		return nil
	}
	return Errorf(EINVALID, "Unknown cadence %q: choose daily, weekdays or weekly.", clip(string(c), 32))
}

// expects reports whether a day needs a check-in under cadence c, ignoring
// away days. Weekly cadence expects weeks, not days, so it says true for every
// day and the weekly rules handle it.
func (c Cadence) expects(d Date) bool {
	return c != Weekdays || !isWeekend(d.Weekday())
}

// LocalTime is a wall-clock time of day, HH:MM, in some member's or channel's zone.
type LocalTime struct {
	Hour   int
	Minute int
}

// ParseLocalTime reads HH:MM on a 24-hour clock, 00:00 to 23:59; a single-digit
// hour (9:30) is accepted too.
func ParseLocalTime(s string) (LocalTime, error) {
	s = strings.TrimSpace(s)
	hh, mm, ok := strings.Cut(s, ":")
	h, errH := strconv.Atoi(hh)
	m, errM := strconv.Atoi(mm)
	if !ok || errH != nil || errM != nil || !digits(hh, 1, 2) || !digits(mm, 2, 2) {
		return LocalTime{}, Errorf(EINVALID, "%q is not a time: use HH:MM on a 24-hour clock, for example 09:30 or 18:00.", clip(s, 32))
	}
	t := LocalTime{h, m}
	if err := t.Validate(); err != nil {
		return LocalTime{}, err
	}
	return t, nil
}

// Validate returns EINVALID unless t is between 00:00 and 23:59.
func (t LocalTime) Validate() error {
	if t.Hour < 0 || t.Hour > 23 || t.Minute < 0 || t.Minute > 59 {
		return Errorf(EINVALID, "%02d:%02d is not a time of day: use 00:00 to 23:59.", t.Hour, t.Minute)
	}
	return nil
}

// String formats t as HH:MM.
func (t LocalTime) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// seconds is t as seconds after midnight.
func (t LocalTime) seconds() int64 { return int64(t.Hour)*3600 + int64(t.Minute)*60 }

// DefaultWeeklyDay is the day weekly prompts and reminders go out unless a
// channel chooses another (the schema's post_weekday defaults to it too).
const DefaultWeeklyDay = time.Monday

// ChannelSettings is an accountability channel's configuration, as set by
// /accountability setup.
type ChannelSettings struct {
	GuildID   string
	ChannelID string
	Cadence   Cadence
	PostTime  LocalTime      // when the check-in prompt is posted, in Zone
	Zone      *time.Location // the channel's zone; Zone.String() is the IANA name to store
	WeeklyDay time.Weekday   // the prompt's day for the weekly cadence; NewChannelSettings sets DefaultWeeklyDay
	Paused    bool
}

// NewChannelSettings builds settings from the options of the setup command,
// trimming and checking each one; the first bad option is returned as
// EINVALID naming it.
func NewChannelSettings(guildID, channelID, cadence, postTime, zone string) (ChannelSettings, error) {
	s := ChannelSettings{GuildID: guildID, ChannelID: channelID, WeeklyDay: DefaultWeeklyDay}
	var err error
	if s.Cadence, err = ParseCadence(cadence); err != nil {
		return ChannelSettings{}, err
	}
	if s.PostTime, err = ParseLocalTime(postTime); err != nil {
		return ChannelSettings{}, err
	}
	if s.Zone, err = LoadZone(zone); err != nil {
		return ChannelSettings{}, err
	}
	return s, s.Validate()
}

// Validate checks settings however they were built (from a command or a row).
func (s ChannelSettings) Validate() error {
	switch {
	case strings.TrimSpace(s.GuildID) == "":
		return Errorf(EINVALID, "Accountability channels only work inside a server.")
	case strings.TrimSpace(s.ChannelID) == "":
		return Errorf(EINVALID, "Please choose the channel for check-ins.")
	case s.Zone == nil:
		return Errorf(EINVALID, "Please give the channel a time zone. %s", zoneHelp)
	case s.WeeklyDay < time.Sunday || s.WeeklyDay > time.Saturday:
		return Errorf(EINVALID, "The weekly check-in day must be a day of the week.")
	}
	if err := s.Cadence.Validate(); err != nil {
		return err
	}
	return s.PostTime.Validate()
}

// Schedule is the prompt's (or a reminder's) timetable.
func (s ChannelSettings) Schedule() Schedule {
	return Schedule{Cadence: s.Cadence, At: s.PostTime, WeeklyDay: s.WeeklyDay}
}

// clip shortens s to at most n runes with an ellipsis, so echoing bad input
// back to a member can never blow a message limit.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	return string(r[:n-1]) + "…"
}

// digits reports whether s is min to max ASCII digits (strconv.Atoi alone
// would also take signs).
func digits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
