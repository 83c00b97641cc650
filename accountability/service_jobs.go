package accountability

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The scheduled jobs. Each is safe to run from several bot processes at once
// and again after a crash: the stores hand every prompt, reminder, digest
// and nudge to exactly one caller, and the Service posts only what it was
// handed. Each returns how many things it posted; a failure to post one
// item is logged and does not stop the others.

// PostDuePrompts posts every check-in prompt due at now.
//
// Errors: EUNAVAILABLE when claiming fails.
func (s *Service) PostDuePrompts(ctx context.Context, now time.Time) (posted int, err error) {
	for {
		due, err := s.Channels.DuePrompts(ctx, now.UTC(), sweepBatch)
		if err != nil {
			return posted, fmt.Errorf("claim due prompts: %w", err)
		}
		for _, p := range due {
			id, err := s.Notifier.PostPrompt(ctx, PromptPost{Channel: p.Channel, Date: p.Date})
			if err == nil {
				err = s.Channels.SetPromptMessage(ctx, p.Channel.ChannelID, p.Date, id)
			}
			if err != nil {
				// The claim's lease runs out and a later sweep posts it.
				s.log().Warn("check-in prompt not posted", "channel", p.Channel.ChannelID, "date", p.Date.String(), "err", err)
				continue
			}
			posted++
		}
		if len(due) < sweepBatch || ctx.Err() != nil {
			return posted, ctx.Err()
		}
	}
}

// SweepReminders reminds every member whose reminder is due at now and who
// has not checked in that local day (ISO week for weekly channels), once per
// day at most, across daylight-saving changes, restarts and processes.
// Reminders found more than an hour late are skipped, not sent.
//
// Errors: EUNAVAILABLE when claiming or settling fails (the claims come due
// again after their lease).
func (s *Service) SweepReminders(ctx context.Context, now time.Time) (sent int, err error) {
	now = now.UTC()
	for {
		due, err := s.Reminders.ClaimDue(ctx, now, sweepBatch)
		if err != nil {
			return sent, fmt.Errorf("claim due reminders: %w", err)
		}
		outcomes := make([]ReminderOutcome, len(due))
		notices := make(map[ReminderKey]ReminderNotice, len(due))
		for i, d := range due {
			remind := now.Sub(d.DueAt) <= staleReminder && ShouldRemind(d.State(), d.DueAt, d.Zone, d.Cadence)
			outcomes[i] = ReminderOutcome{Key: d.Key, Remind: remind, Next: d.Next()}
			if remind {
				outcomes[i].LocalDate = d.LocalDate()
				notices[d.Key] = ReminderNotice{GuildID: d.Key.GuildID, UserID: d.Key.UserID, ChannelID: d.ChannelID, Date: d.LocalDate()}
			}
		}
		send, err := s.Reminders.Settle(ctx, outcomes)
		if err != nil {
			return sent, fmt.Errorf("settle %d reminders: %w", len(outcomes), err)
		}
		// Settling first records the day before sending: a crash here loses
		// a reminder rather than sending it twice.
		for _, key := range send {
			n, ok := notices[key]
			if !ok {
				continue
			}
			via, err := s.Notifier.SendReminder(ctx, n)
			if err != nil {
				s.log().Warn("reminder not delivered", "guild", key.GuildID, "user", key.UserID, "err", err)
				continue
			}
			s.log().Debug("reminder sent", "guild", key.GuildID, "user", key.UserID, "via", string(via))
			sent++
		}
		if len(due) < sweepBatch || ctx.Err() != nil {
			return sent, ctx.Err()
		}
	}
}

// PostDigests posts, in each unpaused accountability channel, the weekly
// digest of the ISO week that ended before Monday 09:00 in the channel's
// zone, once, from that moment until staleDigest after it. A week with no
// check-in gets no digest (a new or idle channel is not told "nobody
// checked in" every Monday).
//
// Errors: EUNAVAILABLE when listing channels fails; other failures are
// logged per channel and retried by the next sweep while the claim's lease
// allows.
func (s *Service) PostDigests(ctx context.Context, now time.Time) (posted int, err error) {
	now = now.UTC()
	channels, err := s.Channels.ListAll(ctx)
	if err != nil {
		return 0, fmt.Errorf("list accountability channels: %w", err)
	}
	for _, ch := range channels {
		if ctx.Err() != nil {
			return posted, ctx.Err()
		}
		if ch.Paused {
			continue
		}
		week, ok := digestDue(now, ch.Zone)
		if !ok {
			continue
		}
		done, err := s.postDigest(ctx, ch, week)
		if err != nil {
			s.log().Warn("weekly digest not posted", "channel", ch.ChannelID, "week", week.String(), "err", err)
			continue
		}
		if done {
			posted++
		}
	}
	return posted, nil
}

// digestDue returns the week whose digest is due at now in zone: the week
// before the current one, once Monday 09:00 local has passed and for
// staleDigest after.
func digestDue(now time.Time, zone *time.Location) (ISOWeek, bool) {
	thisWeek := LocalDate(now, zone).ISOWeek()
	due := Occurrence(thisWeek.Monday(), digestSchedule().At, zone)
	if now.Before(due) || now.Sub(due) > staleDigest {
		return ISOWeek{}, false
	}
	return thisWeek.Prev(), true
}

var errNoCheckins = errors.New("no check-ins that week")

// postDigest builds and posts one channel's digest if this caller claims it.
func (s *Service) postDigest(ctx context.Context, ch ChannelSettings, week ISOWeek) (posted bool, err error) {
	checkins, err := s.Checkins.ForWeek(ctx, ch.ChannelID, week)
	if err != nil {
		return false, fmt.Errorf("check-ins of %s: %w", week, err)
	}
	dg, err := s.buildDigest(ctx, ch, week, checkins)
	if errors.Is(err, errNoCheckins) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	claimed, err := s.Digests.ClaimDigest(ctx, ch.ChannelID, week)
	if err != nil || !claimed {
		return false, err
	}
	post := DigestPost{GuildID: ch.GuildID, ChannelID: ch.ChannelID, Week: week, Text: dg.Text()}
	if s.DigestChart != nil {
		if post.PNG, err = s.DigestChart(dg); err != nil {
			s.log().Warn("digest chart not drawn; posting text only", "channel", ch.ChannelID, "err", err)
			post.PNG = nil
		}
	}
	id, err := s.Notifier.PostDigest(ctx, post)
	if err != nil {
		return false, fmt.Errorf("post digest: %w", err)
	}
	if err := s.Digests.SetDigestMessage(ctx, ch.ChannelID, week, id); err != nil {
		return false, fmt.Errorf("record digest message %s: %w", id, err)
	}
	return true, nil
}

// buildDigest computes the digest with each member's streak as of the
// week's Sunday.
func (s *Service) buildDigest(ctx context.Context, ch ChannelSettings, week ISOWeek, checkins []DigestCheckin) (Digest, error) {
	active := false
	for _, c := range checkins {
		active = active || week.Contains(c.Date)
	}
	if !active {
		return Digest{}, errNoCheckins
	}
	days, err := s.Checkins.ChannelDays(ctx, ch.ChannelID, Date{})
	if err != nil {
		return Digest{}, fmt.Errorf("check-in days in %s: %w", ch.ChannelID, err)
	}
	away, err := s.Away.ByGuild(ctx, ch.GuildID, Date{})
	if err != nil {
		return Digest{}, fmt.Errorf("away days in guild %s: %w", ch.GuildID, err)
	}
	// Streaks as they stood at the end of the week: check-ins made since
	// (the digest goes out on Monday) would count as Sunday's otherwise.
	end := week.Sunday()
	streaks := make(map[string]Streak, len(days))
	for user, d := range days {
		upTo := make([]CheckinDay, 0, len(d))
		for _, c := range d {
			if !c.Date.After(end) {
				upTo = append(upTo, c)
			}
		}
		streaks[user] = ComputeStreak(upTo, ch.Cadence, away[user], end)
	}
	return BuildDigest(week, checkins, streaks), nil
}
