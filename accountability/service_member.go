package accountability

import (
	"context"
	"fmt"
	"time"
)

// SetZone sets the member's time zone and moves their reminder to it. Days
// already checked in keep the dates they were filed under.
//
// Errors: EINVALID for an unknown zone; EUNAVAILABLE.
func (s *Service) SetZone(ctx context.Context, guildID, userID, name string) (*time.Location, error) {
	if guildID == "" {
		return nil, Errorf(EINVALID, "Time zones are set per server: run /timezone inside one.")
	}
	zone, err := LoadZone(name)
	if err != nil {
		return nil, err
	}
	if err := s.Zones.SetZone(ctx, guildID, userID, zone); err != nil {
		return nil, fmt.Errorf("set zone of %s: %w", userID, err)
	}
	if _, err := s.Reminders.SetZone(ctx, ReminderKey{GuildID: guildID, UserID: userID}, zone); err != nil && !isCode(err, ENOTFOUND) {
		return nil, fmt.Errorf("move reminder of %s to %s: %w", userID, zone, err)
	}
	return zone, nil
}

// AwayResult is what /away reports.
type AwayResult struct {
	Period  AwayPeriod
	Zone    *time.Location // the zone "today" was read in
	ZoneSet bool           // false: the member has no zone and UTC was used
}

// GoAway records that the member is away from their local today until the
// date given (see NewAway for the forms accepted): no reminders, streak
// frozen.
//
// Errors: EINVALID for an unreadable date, one in the past or over a year
// ahead; EUNAVAILABLE.
func (s *Service) GoAway(ctx context.Context, guildID, userID, until string) (AwayResult, error) {
	if guildID == "" {
		return AwayResult{}, Errorf(EINVALID, "Away days are kept per server: run /away inside one.")
	}
	zone, set, err := s.memberZone(ctx, guildID, userID, nil)
	if err != nil {
		return AwayResult{}, err
	}
	p, err := NewAway(until, LocalDate(s.now(), zone))
	if err != nil {
		return AwayResult{}, err
	}
	if err := s.Away.Add(ctx, guildID, userID, p); err != nil {
		return AwayResult{}, fmt.Errorf("record away days of %s: %w", userID, err)
	}
	return AwayResult{Period: p, Zone: zone, ZoneSet: set}, nil
}

// RemindRequest is /remind on|off.
type RemindRequest struct {
	GuildID   string
	ChannelID string // where the member ran it; the guild's only accountability channel from elsewhere
	UserID    string
	On        bool
	Time      string // HH:MM in the member's zone; "" keeps the current time, or the channel's prompt time
}

// Remind turns the member's reminders on or off. Reminders follow the
// channel's cadence at the member's local time, in their zone (the
// channel's until they set one; /timezone set moves it).
//
// Errors: EINVALID for a bad time; ENOTFOUND when there is no accountability
// channel; EUNAVAILABLE.
func (s *Service) Remind(ctx context.Context, r RemindRequest) (Reminder, error) {
	var at LocalTime
	if r.Time != "" {
		t, err := ParseLocalTime(r.Time)
		if err != nil {
			return Reminder{}, err
		}
		at = t
	}
	key := ReminderKey{GuildID: r.GuildID, UserID: r.UserID}
	current, err := s.Reminders.Get(ctx, key)
	if err != nil && !isCode(err, ENOTFOUND) {
		return Reminder{}, fmt.Errorf("reminder of %s: %w", r.UserID, err)
	}
	exists := err == nil
	if !r.On && !exists {
		return Reminder{ReminderSettings: ReminderSettings{GuildID: r.GuildID, UserID: r.UserID}}, nil // nothing to turn off
	}
	ch, err := s.checkinChannel(ctx, r.GuildID, r.ChannelID)
	if err != nil && !(exists && !r.On) {
		return Reminder{}, err
	}
	if err != nil { // turning off a reminder whose channel is gone: keep what was stored
		ch = ChannelSettings{ChannelID: current.ChannelID, PostTime: current.At}
	}
	if r.Time == "" {
		at = ch.PostTime
		if exists {
			at = current.At
		}
	}
	zone, _, err := s.memberZone(ctx, r.GuildID, r.UserID, ch.Zone)
	if err != nil {
		return Reminder{}, err
	}
	stored, err := s.Reminders.Set(ctx, ReminderSettings{
		GuildID: r.GuildID, UserID: r.UserID, ChannelID: ch.ChannelID, Enabled: r.On, At: at, Zone: zone,
	})
	if err != nil {
		return Reminder{}, fmt.Errorf("set reminder of %s: %w", r.UserID, err)
	}
	return stored, nil
}
