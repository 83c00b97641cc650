package accountability

import (
	"context"
	"fmt"
	"time"
)

// CheckinRequest is a submitted check-in modal.
type CheckinRequest struct {
	GuildID   string
	ChannelID string // where the member submitted; the guild's only accountability channel is used from elsewhere
	UserID    string
	Input     CheckinInput
}

// CheckinResult is what the member is told after checking in.
type CheckinResult struct {
	Checkin   Checkin
	Created   bool // false: it replaced that day's check-in
	Streak    Streak
	Cadence   Cadence
	MessageID string // the message showing it; "" when posting failed
}

// CheckIn validates and stores a check-in under the member's local date (in
// their zone, or the channel's until they set one), then posts it in the
// channel, or edits the day's message when the member already checked in
// that day. The check-in is stored before anything is posted: when posting
// fails, the result still says what was stored and the error is EUNAVAILABLE
// asking the member to submit again (which edits, never duplicates).
//
// Errors: EINVALID for a missing or overlong field or a bad mood; ENOTFOUND
// when there is no accountability channel to check in to; EUNAVAILABLE.
func (s *Service) CheckIn(ctx context.Context, r CheckinRequest) (CheckinResult, error) {
	if _, err := r.Input.Normalize(); err != nil {
		return CheckinResult{}, err // before any lookup: bad input is the member's to fix
	}
	ch, err := s.checkinChannel(ctx, r.GuildID, r.ChannelID)
	if err != nil {
		return CheckinResult{}, err
	}
	zone, _, err := s.memberZone(ctx, r.GuildID, r.UserID, ch.Zone)
	if err != nil {
		return CheckinResult{}, err
	}
	lock := s.checkinLock(ch.ChannelID, r.UserID)
	lock.Lock()
	defer lock.Unlock()
	c, err := NewCheckin(r.GuildID, ch.ChannelID, r.UserID, r.Input, s.now(), zone)
	if err != nil {
		return CheckinResult{}, err
	}
	rec, err := s.Checkins.Upsert(ctx, c)
	if err != nil {
		return CheckinResult{}, fmt.Errorf("check in: %w", err)
	}
	res := CheckinResult{Checkin: c, Created: rec.Created, Cadence: ch.Cadence,
		Streak: ComputeStreak(rec.Days, ch.Cadence, rec.Away, c.Date)}
	post := CheckinPost{Checkin: c, Streak: res.Streak, Cadence: ch.Cadence, Edited: !rec.Created}
	if res.MessageID, err = s.showCheckin(ctx, c.Key(), rec.MessageID, post); err != nil {
		s.log().Warn("check-in stored but not shown", "guild", r.GuildID, "channel", ch.ChannelID, "user", r.UserID, "err", err)
		return res, Errorf(EUNAVAILABLE, "Your check-in for %s is saved, but I could not post it in <#%s>. Submit it again in a moment to retry the post; nothing will be doubled.", c.Date, ch.ChannelID)
	}
	return res, nil
}

// showCheckin posts the check-in, or edits shownIn, the message of the
// day's earlier one; a message that was deleted, or never posted, is posted
// anew.
func (s *Service) showCheckin(ctx context.Context, key CheckinKey, shownIn string, post CheckinPost) (string, error) {
	if shownIn != "" {
		err := s.Notifier.EditCheckin(ctx, shownIn, post)
		if err == nil {
			return shownIn, nil
		} else if !isCode(err, ENOTFOUND) {
			return "", fmt.Errorf("edit check-in message %s: %w", shownIn, err)
		}
	}
	id, err := s.Notifier.PostCheckin(ctx, post)
	if err != nil {
		return "", fmt.Errorf("post check-in: %w", err)
	}
	if err := s.Checkins.SetMessageID(ctx, key, id); err != nil {
		return "", fmt.Errorf("record check-in message %s: %w", id, err)
	}
	return id, nil
}

func (s *Service) history(ctx context.Context, guildID, userID, channelID string) ([]CheckinDay, []AwayPeriod, error) {
	days, err := s.Checkins.Days(ctx, guildID, userID, channelID)
	if err != nil {
		return nil, nil, fmt.Errorf("check-in days of %s: %w", userID, err)
	}
	away, err := s.Away.List(ctx, guildID, userID)
	if err != nil {
		return nil, nil, fmt.Errorf("away days of %s: %w", userID, err)
	}
	return days, away, nil
}

// StreakReport is what /streak shows about a member.
type StreakReport struct {
	UserID  string
	Channel ChannelSettings
	Cadence Cadence
	Streak  Streak
	Today   Date           // the member's local today
	Zone    *time.Location // the member's zone (the channel's when unset)
	Weeks   []HeatmapWeek  // oldest first, ending with today's week
}

// DefaultHeatmapWeeks is how many weeks /streak draws.
const DefaultHeatmapWeeks = 12

// Streak reports a member's streak in the accountability channel the asker
// is in (or the guild's only one), with a heatmap of the last weeks.
//
// Errors: ENOTFOUND when there is no accountability channel; EUNAVAILABLE.
func (s *Service) Streak(ctx context.Context, guildID, channelID, userID string, weeks int) (StreakReport, error) {
	ch, err := s.checkinChannel(ctx, guildID, channelID)
	if err != nil {
		return StreakReport{}, err
	}
	zone, _, err := s.memberZone(ctx, guildID, userID, ch.Zone)
	if err != nil {
		return StreakReport{}, err
	}
	days, away, err := s.history(ctx, guildID, userID, ch.ChannelID)
	if err != nil {
		return StreakReport{}, err
	}
	today := LocalDate(s.now(), zone)
	if weeks <= 0 {
		weeks = DefaultHeatmapWeeks
	}
	return StreakReport{
		UserID: userID, Channel: ch, Cadence: ch.Cadence, Today: today, Zone: zone,
		Streak: ComputeStreak(days, ch.Cadence, away, today),
		Weeks:  Heatmap(days, away, today, weeks),
	}, nil
}
