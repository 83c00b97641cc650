package discord

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
)

// AccountabilityNotifier shows the accountability Service's decisions on
// Discord: check-in prompts, check-ins, reminders, weekly digests and peer
// support threads. It implements accountability.Notifier.
//
// Mentions. Every message sets allowed mentions to exactly the users it
// means to ping: the member reminded in the channel, the asker of a
// support question, the helper thanked. Check-ins, digests, nudges and
// plain thread notes ping nobody, and no message can ping @everyone or a
// role, whatever text a member typed.
//
// Failures. Discord errors become *accountability.Error values: a missing
// permission (50013) or channel access (50001) is EFORBIDDEN naming what
// to grant, an unknown channel or message ENOTFOUND, a 5xx, a rate limit
// or a network failure EUNAVAILABLE (the Service's sweeps try again).
//
// Pacing. Reminder and digest sweeps may send many messages in a burst;
// discordgo keys its buckets by URL and cannot see Discord's global
// per-bot limit, so every request first takes a slot of GlobalLimit.
type AccountabilityNotifier struct {
	s    *discordgo.Session
	opts AccountabilityNotifierOptions
	log  *slog.Logger
	pace *pacer
	dms  dmChannels
}

// AccountabilityNotifierOptions configure an AccountabilityNotifier.
type AccountabilityNotifierOptions struct {
	Logger *slog.Logger
	// GlobalLimit is this notifier's share of Discord's per-bot limit on
	// all requests (50 per second); DefaultNotifierGlobalLimit when zero.
	// A reminder is one request once the member's DM channel is known
	// (two the first time), so the default sends about 10 a second.
	GlobalLimit RateLimit
	// ThreadArchiveAfter is how long a quiet support thread stays open
	// before Discord archives it: 60, 1440, 4320 or 10080 minutes (default
	// 10080, a week, so a slow question is not hidden after a day).
	ThreadArchiveAfter time.Duration
}

// DefaultNotifierGlobalLimit leaves the workshop effector most of
// Discord's 50 requests per second: reminders and digests are never urgent
// to the second. Should both burst at once, discordgo waits out Discord's
// global 429 and retries.
var DefaultNotifierGlobalLimit = RateLimit{10, time.Second}

// defaultThreadArchive is a week, in Discord's minutes.
const defaultThreadArchive = 7 * 24 * time.Hour

var _ accountability.Notifier = (*AccountabilityNotifier)(nil)

// NewAccountabilityNotifier returns a notifier that speaks through s.
func NewAccountabilityNotifier(s *discordgo.Session, opts AccountabilityNotifierOptions) *AccountabilityNotifier {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.GlobalLimit.Requests <= 0 || opts.GlobalLimit.Per <= 0 {
		opts.GlobalLimit = DefaultNotifierGlobalLimit
	}
	if !validArchiveMinutes(int(opts.ThreadArchiveAfter / time.Minute)) {
		opts.ThreadArchiveAfter = defaultThreadArchive
	}
	return &AccountabilityNotifier{s: s, opts: opts, log: opts.Logger, pace: newPacer()}
}

// validArchiveMinutes: Discord accepts only these auto-archive durations.
func validArchiveMinutes(m int) bool { return m == 60 || m == 1440 || m == 4320 || m == 10080 }

// call runs one Discord request under the global pace and ctx, turning a
// failure into an *accountability.Error that says what we were doing.
func (n *AccountabilityNotifier) call(ctx context.Context, doing, perm string, req func(opt discordgo.RequestOption) error) error {
	release, err := n.pace.acquire(ctx, paceKey{name: "global", limit: n.opts.GlobalLimit})
	if err != nil {
		return explainAccountability(fmt.Errorf("wait for a request slot: %w", err), doing, perm)
	}
	defer release()
	return explainAccountability(req(discordgo.WithContext(ctx)), doing, perm)
}

// channelType returns the type of a guild channel, from the session's State
// when it holds the channel, else from Discord.
func (n *AccountabilityNotifier) channelType(ctx context.Context, channelID string) (discordgo.ChannelType, error) {
	if st := n.s.State; n.s.StateEnabled && st != nil {
		if ch, err := st.Channel(channelID); err == nil {
			// The State updates its channels in place under its lock.
			st.RLock()
			kind := ch.Type
			st.RUnlock()
			return kind, nil
		}
	}
	var ch *discordgo.Channel
	err := n.call(ctx, "look up the support channel", "View Channel", func(opt discordgo.RequestOption) error {
		var err error
		ch, err = n.s.Channel(channelID, opt)
		return err
	})
	if err != nil {
		return 0, err
	}
	return ch.Type, nil
}

// onlyUsers allows pinging exactly these users (none when empty): never
// @everyone, @here or a role.
func onlyUsers(ids ...string) *discordgo.MessageAllowedMentions {
	am := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	for _, id := range ids {
		if id != "" {
			am.Users = append(am.Users, id)
		}
	}
	return am
}

// cleanupTimeout bounds best-effort cleanup after a failure.
const cleanupTimeout = 10 * time.Second
