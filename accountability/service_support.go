package accountability

import (
	"context"
	"fmt"
	"time"
)

// MaxNudgeAfterHours bounds /support setup's nudge delay: a month.
const MaxNudgeAfterHours = 720

// SupportSetup makes channelID (a text or forum channel) the guild's support
// channel; open questions unanswered after nudgeAfterHours get one nudge.
//
// Errors: EFORBIDDEN for a non-admin; EINVALID for a delay outside 1 to
// MaxNudgeAfterHours hours; ECONFLICT; EUNAVAILABLE.
func (s *Service) SupportSetup(ctx context.Context, guildID, channelID string, nudgeAfterHours int, by Actor) (SupportSettings, error) {
	if err := requireAdmin(by, "set up the support channel"); err != nil {
		return SupportSettings{}, err
	}
	if guildID == "" || channelID == "" {
		return SupportSettings{}, Errorf(EINVALID, "Please choose the support channel, inside a server.")
	}
	if nudgeAfterHours < 1 || nudgeAfterHours > MaxNudgeAfterHours {
		return SupportSettings{}, Errorf(EINVALID, "nudge_after must be from 1 to %d hours (you gave %d).", MaxNudgeAfterHours, nudgeAfterHours)
	}
	st, err := s.Support.SetSettings(ctx, SupportSettings{GuildID: guildID, ChannelID: channelID, NudgeAfter: time.Duration(nudgeAfterHours) * time.Hour})
	if err != nil {
		return SupportSettings{}, fmt.Errorf("set support channel of guild %s: %w", guildID, err)
	}
	return st, nil
}

// AskRequest is /ask.
type AskRequest struct {
	GuildID string
	AskerID string
	Topic   string
	Details string
}

// Ask opens a support thread for the question in the guild's support
// channel and stores it as open.
//
// Errors: EINVALID for a missing or overlong topic or details; ENOTFOUND when
// the guild has no support channel; EFORBIDDEN when the bot may not open
// threads there; EUNAVAILABLE.
func (s *Service) Ask(ctx context.Context, r AskRequest) (Thread, error) {
	topic, details, err := ValidateAsk(r.Topic, r.Details)
	if err != nil {
		return Thread{}, err
	}
	if r.GuildID == "" {
		return Thread{}, Errorf(EINVALID, "Questions go to a server's support channel: run /ask inside a server.")
	}
	st, err := s.Support.Settings(ctx, r.GuildID)
	if isCode(err, ENOTFOUND) {
		return Thread{}, Errorf(ENOTFOUND, "This server has no support channel yet. An admin can set one up with /support setup.")
	} else if err != nil {
		return Thread{}, fmt.Errorf("support channel of guild %s: %w", r.GuildID, err)
	}
	at := s.now()
	threadID, err := s.Notifier.OpenSupportThread(ctx, SupportQuestion{GuildID: r.GuildID, ChannelID: st.ChannelID, AskerID: r.AskerID, Topic: topic, Details: details})
	if err != nil {
		return Thread{}, fmt.Errorf("open support thread in %s: %w", st.ChannelID, err)
	}
	t, err := NewThread(r.GuildID, st.ChannelID, threadID, r.AskerID, topic, details, at)
	if err != nil {
		return Thread{}, err
	}
	if err := s.Support.Create(ctx, t); err != nil {
		// The thread exists in Discord but is not followed; say so in it,
		// so readers are not waiting on a button that cannot work.
		if perr := s.Notifier.PostInThread(ctx, threadID, "I could not record this question, so it will not be tracked. Please ask again in a moment."); perr != nil {
			s.log().Warn("untracked support thread left without a note", "thread", threadID, "err", perr)
		}
		return Thread{}, fmt.Errorf("store support thread %s: %w", threadID, err)
	}
	return t, nil
}

// Resolve closes the support thread threadID, crediting helperID (or the
// first answerer when empty), and thanks the helper in the thread.
//
// Errors: ENOTFOUND when threadID is not a support thread; EFORBIDDEN for
// someone other than the asker or a moderator; ECONFLICT when already
// resolved; EINVALID when the asker names themselves; EUNAVAILABLE.
func (s *Service) Resolve(ctx context.Context, threadID string, by Actor, helperID string) (Thread, error) {
	at := s.now()
	t, err := s.Support.Update(ctx, threadID, func(t *Thread) (bool, error) {
		if err := t.Resolve(by, helperID, at); err != nil {
			return false, err
		}
		return true, nil
	})
	if isCode(err, ENOTFOUND) {
		return Thread{}, Errorf(ENOTFOUND, "This is not a support thread. Use /resolve inside the thread of the question you asked.")
	} else if err != nil {
		return Thread{}, fmt.Errorf("resolve support thread %s: %w", threadID, err)
	}
	if t.HelperID != "" {
		err = s.Notifier.Thank(ctx, t)
	} else {
		err = s.Notifier.PostInThread(ctx, threadID, "✅ Marked resolved.")
	}
	if err != nil {
		// Resolved is stored, which is what matters; the note is a courtesy.
		s.log().Warn("support thread resolved but not announced", "thread", threadID, "err", err)
	}
	return t, nil
}

// ObserveThreadMessage records a message written in a thread: the first one
// by someone other than the asker (and not a bot) marks a support question
// answered. Messages in threads that are not support questions are ignored.
//
// Errors: EUNAVAILABLE.
func (s *Service) ObserveThreadMessage(ctx context.Context, threadID, authorID string, isBot bool, at time.Time) error {
	if isBot || threadID == "" {
		return nil
	}
	_, err := s.Support.Update(ctx, threadID, func(t *Thread) (bool, error) {
		return t.ObserveMessage(authorID, isBot, at), nil
	})
	if err != nil && !isCode(err, ENOTFOUND) {
		return fmt.Errorf("observe message in thread %s: %w", threadID, err)
	}
	return nil
}

// NudgeUnanswered posts one nudge for each open question nobody answered
// within its guild's nudge delay. The store claims each thread once ever,
// so a nudge that fails to post is logged and not retried: a missed nudge is
// better than two.
//
// Errors: EUNAVAILABLE when the claim fails; posting failures are logged.
func (s *Service) NudgeUnanswered(ctx context.Context, now time.Time) (nudged int, err error) {
	due, err := s.Support.DueNudges(ctx, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("claim support nudges: %w", err)
	}
	for _, t := range due {
		if err := s.Notifier.Nudge(ctx, t); err != nil {
			s.log().Warn("support nudge not posted", "thread", t.ThreadID, "err", err)
			continue
		}
		nudged++
	}
	return nudged, nil
}

// SupportStats computes /support stats for the current UTC month.
//
// Errors: EUNAVAILABLE.
func (s *Service) SupportStats(ctx context.Context, guildID string) (SupportStats, error) {
	now := s.now()
	month := MonthOf(now)
	since := time.Date(month.Year, month.Month, 1, 0, 0, 0, 0, time.UTC)
	threads, err := s.Support.ListForStats(ctx, guildID, since)
	if err != nil {
		return SupportStats{}, fmt.Errorf("support threads of guild %s: %w", guildID, err)
	}
	return Stats(threads, now, month), nil
}
