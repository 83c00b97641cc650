package accountability

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"
)

// Service carries out members' and admins' actions on accountability
// channels and support threads, and the scheduled jobs (prompts, reminders,
// digests, nudges). It decides with this package's pure functions, persists
// through the stores, and only then asks the Notifier to show the result in
// Discord, so a failed post never loses an accepted check-in.
//
// Admin actions take an Actor whose Moderator field the adapter sets from
// the member's permissions (Manage Server for channel setup); the Service
// checks it again so no caller can forget.
type Service struct {
	Channels  ChannelStore
	Checkins  CheckinStore
	Away      AwayStore
	Zones     MemberZones
	Reminders ReminderStore
	Support   SupportStore
	Digests   DigestStore
	Notifier  Notifier
	// DigestChart draws the digest's participation chart as a PNG; nil
	// posts digests as text only. cmd wires chart.ParticipationPNG.
	DigestChart func(Digest) ([]byte, error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log receives failures the member does not see; nil discards them.
	Log *slog.Logger

	// checkinLocks serialise one member's check-ins in one channel within
	// this process (striped by hash, so the array stays small): two quick
	// submissions of the same day would otherwise both find no message yet
	// and post twice.
	checkinLocks [64]sync.Mutex
}

// checkinLock returns the lock striped for the member's check-ins in channel.
func (s *Service) checkinLock(channelID, userID string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(channelID))
	h.Write([]byte{0})
	h.Write([]byte(userID))
	return &s.checkinLocks[h.Sum32()%uint32(len(s.checkinLocks))]
}

// sweepBatch is how many claims a scheduled job takes per store call.
const sweepBatch = 500

// staleReminder is how late a claimed reminder may still be sent: after an
// outage, a reminder for hours ago would only confuse.
const staleReminder = time.Hour

// staleDigest is how long after its Monday 09:00 a digest is still posted.
const staleDigest = 24 * time.Hour

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

// isCode reports whether err carries the domain error code.
func isCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// requireAdmin refuses an admin action by a member who is not one.
func requireAdmin(by Actor, what string) error {
	if by.ID == "" || !by.Moderator {
		return Errorf(EFORBIDDEN, "Only members with the Manage Server permission can %s.", what)
	}
	return nil
}

// memberZone returns the member's zone, or fallback (UTC when nil) when they
// never set one; set says which.
func (s *Service) memberZone(ctx context.Context, guildID, userID string, fallback *time.Location) (zone *time.Location, set bool, err error) {
	zone, err = s.Zones.Zone(ctx, guildID, userID)
	switch {
	case err == nil && zone != nil:
		return zone, true, nil
	case err == nil || isCode(err, ENOTFOUND):
		return orUTC(fallback), false, nil
	}
	return nil, false, fmt.Errorf("zone of member %s: %w", userID, err)
}

// checkinChannel finds the accountability channel a member means: the one
// they are in, or the guild's only one when they are elsewhere.
func (s *Service) checkinChannel(ctx context.Context, guildID, channelID string) (ChannelSettings, error) {
	if guildID == "" {
		return ChannelSettings{}, Errorf(EINVALID, "Accountability only works inside a server.")
	}
	ch, err := s.Channels.Get(ctx, guildID, channelID)
	if err == nil {
		return ch, nil
	} else if !isCode(err, ENOTFOUND) {
		return ChannelSettings{}, fmt.Errorf("accountability channel %s: %w", channelID, err)
	}
	all, err := s.Channels.ListByGuild(ctx, guildID)
	if err != nil {
		return ChannelSettings{}, fmt.Errorf("accountability channels of guild %s: %w", guildID, err)
	}
	switch len(all) {
	case 0:
		return ChannelSettings{}, Errorf(ENOTFOUND, "This server has no accountability channel yet. An admin can set one up with /accountability setup.")
	case 1:
		return all[0], nil
	}
	return ChannelSettings{}, Errorf(ENOTFOUND, "This is not an accountability channel. Run the command in the accountability channel you mean (this server has %d).", len(all))
}
