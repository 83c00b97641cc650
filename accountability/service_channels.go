package accountability

import (
	"context"
	"fmt"
)

// SetupRequest is /accountability setup.
type SetupRequest struct {
	GuildID   string
	ChannelID string
	Cadence   string // daily, weekdays or weekly
	Time      string // HH:MM, the prompt's local time
	Zone      string // IANA name, the channel's zone
	By        Actor  // Moderator: has Manage Server
}

// Setup makes a channel an accountability channel (or changes its settings)
// and returns the stored settings.
//
// Errors: EFORBIDDEN for a non-admin; EINVALID naming the first bad option;
// ECONFLICT when the channel belongs to another guild; EUNAVAILABLE.
func (s *Service) Setup(ctx context.Context, r SetupRequest) (ChannelSettings, error) {
	if err := requireAdmin(r.By, "set up accountability channels"); err != nil {
		return ChannelSettings{}, err
	}
	settings, err := NewChannelSettings(r.GuildID, r.ChannelID, r.Cadence, r.Time, r.Zone)
	if err != nil {
		return ChannelSettings{}, err
	}
	stored, err := s.Channels.Setup(ctx, settings, r.By.ID)
	if err != nil {
		return ChannelSettings{}, fmt.Errorf("set up accountability channel %s: %w", r.ChannelID, err)
	}
	return stored, nil
}

// Pause stops the channel's prompts (check-ins still work) until Resume.
//
// Errors: EFORBIDDEN; ENOTFOUND when it is not an accountability channel;
// EUNAVAILABLE.
func (s *Service) Pause(ctx context.Context, guildID, channelID string, by Actor) (ChannelSettings, error) {
	return s.setPaused(ctx, guildID, channelID, by, true)
}

// Resume restarts the channel's prompts from the next scheduled time.
//
// Errors: as Pause.
func (s *Service) Resume(ctx context.Context, guildID, channelID string, by Actor) (ChannelSettings, error) {
	return s.setPaused(ctx, guildID, channelID, by, false)
}

func (s *Service) setPaused(ctx context.Context, guildID, channelID string, by Actor, paused bool) (ChannelSettings, error) {
	if err := requireAdmin(by, "pause or resume accountability channels"); err != nil {
		return ChannelSettings{}, err
	}
	ch, err := s.Channels.SetPaused(ctx, guildID, channelID, paused)
	if err != nil {
		return ChannelSettings{}, fmt.Errorf("set channel %s paused=%t: %w", channelID, paused, notAccountability(err))
	}
	return ch, nil
}

// Remove stops the channel being an accountability channel and deletes
// what was filed under it.
//
// Errors: as Pause.
func (s *Service) Remove(ctx context.Context, guildID, channelID string, by Actor) error {
	if err := requireAdmin(by, "remove accountability channels"); err != nil {
		return err
	}
	if err := s.Channels.Remove(ctx, guildID, channelID); err != nil {
		return fmt.Errorf("remove accountability channel %s: %w", channelID, notAccountability(err))
	}
	return nil
}

// notAccountability gives a store's ENOTFOUND for a channel words that say
// what to do.
func notAccountability(err error) error {
	if isCode(err, ENOTFOUND) {
		return Errorf(ENOTFOUND, "This channel is not an accountability channel. Run the command in one, or set this one up with /accountability setup.")
	}
	return err
}
