package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// cast is the people of a rehearsal: the host (the emulated server's
// owner) and simulated participants, acting through the emulator as
// people in the Discord client do.
type cast struct {
	e       *discordtest.Emulator
	seed    discordtest.SeedInfo
	host    *discordtest.SimMember
	members []*castMember
	wait    time.Duration // how long an answer may take
}

// castMember is one simulated participant.
type castMember struct {
	*discordtest.SimMember
	Level   string // as picked in the level select: new, some, experienced or none
	InVoice bool   // in the main voice channel when the run begins
}

// castLevels are the levels participants pick, in turn, so that every
// rehearsal has a mix (and someone who would rather not say).
var castLevels = []string{"new", "experienced", "some", "new", "some", "experienced", "none"}

// newCast picks the first n ordinary members of the emulator's server as
// participants, with mixed levels, every other one in voice.
func newCast(e *discordtest.Emulator, n int) (*cast, error) {
	return newCastIn(e, e.Seed().GuildInfo, n)
}

// newCastIn is newCast in guild g, the seeded one or one AddGuild made.
func newCastIn(e *discordtest.Emulator, g discordtest.GuildInfo, n int) (*cast, error) {
	if len(g.MemberIDs) < n {
		return nil, fmt.Errorf("the emulator has %d members, %d are needed", len(g.MemberIDs), n)
	}
	seed := e.Seed()
	seed.GuildInfo = g
	c := &cast{e: e, seed: seed, host: e.MemberOf(g.GuildID, g.OwnerID), wait: 15 * time.Second}
	for i, id := range g.MemberIDs[:n] {
		c.members = append(c.members, &castMember{SimMember: e.MemberOf(g.GuildID, id), Level: castLevels[i%len(castLevels)], InVoice: i%2 == 0})
	}
	return c, nil
}

// usernames maps the user IDs of the host and participants to their names.
func (c *cast) usernames() map[string]string {
	out := map[string]string{c.host.UserID: c.host.Username}
	for _, m := range c.members {
		out[m.UserID] = m.Username
	}
	return out
}

// answer waits for the app's settled answer to an interaction.
func (c *cast) answer(inter *discordtest.Interaction, err error) (*discordtest.Response, error) {
	if err != nil {
		return nil, err
	}
	return inter.Await(c.wait)
}

// command has m run a slash command in channel and returns the answer.
func (c *cast) command(m *discordtest.SimMember, name string, opts map[string]any, channel string) (*discordtest.Response, error) {
	r, err := c.answer(m.RunCommand(name, opts, channel))
	if err != nil {
		return nil, fmt.Errorf("/%s by %s: %w", name, m.Username, err)
	}
	return r, nil
}

// startWorkshop has the host open a lobby in the main text channel, with
// the main voice channel as the one members return to; it returns the
// run's ID as the lobby's buttons carry it.
func (c *cast) startWorkshop(curriculum string) (string, error) {
	opts := map[string]any{"curriculum": curriculum, "voice": c.seed.VoiceChannelID}
	r, err := c.command(c.host, "workshop start", opts, c.seed.TextChannelID)
	if err != nil {
		return "", err
	}
	for _, m := range c.e.Messages(c.seed.TextChannelID) {
		if id, ok := customIDWithPrefix(m.Components, joinPrefix); ok {
			return strings.TrimPrefix(id, joinPrefix), nil
		}
	}
	return "", fmt.Errorf("/workshop start answered %q but no lobby with a Join button was posted", r.Text())
}

// The custom IDs of the lobby's Join button and the level select.
const (
	joinPrefix  = "rt1:ws.join:"
	levelPrefix = "rt1:ws.level:"
)

// join has a participant click Join on the lobby and pick their level.
func (c *cast) join(m *castMember, runID string) error {
	lobby, ok := c.messageWith(c.seed.TextChannelID, joinPrefix+runID)
	if !ok {
		return errors.New("the lobby has no Join button")
	}
	ask, err := c.answer(m.ClickButton(lobby.ID, joinPrefix+runID))
	if err != nil {
		return fmt.Errorf("%s clicking Join: %w", m.Username, err)
	}
	if ask.Message == nil {
		return fmt.Errorf("%s clicked Join and was told %q, with no level select", m.Username, ask.Text())
	}
	if _, ok := customIDWithPrefix(ask.Message.Components, levelPrefix+runID); !ok {
		return fmt.Errorf("%s clicked Join and was told %q, with no level select", m.Username, ask.Text())
	}
	picked, err := c.answer(m.ChooseSelect(ask.Message.ID, levelPrefix+runID, m.Level))
	if err != nil {
		return fmt.Errorf("%s picking level %s: %w", m.Username, m.Level, err)
	}
	if !strings.Contains(picked.Text(), "joined") {
		return fmt.Errorf("%s picked level %s and was told %q", m.Username, m.Level, picked.Text())
	}
	return nil
}

// assemble has everyone join the run, and those meant to be in voice join
// the main voice channel.
func (c *cast) assemble(runID string) error {
	for _, m := range c.members {
		if err := c.join(m, runID); err != nil {
			return err
		}
		if m.InVoice {
			if err := m.JoinVoice(c.seed.VoiceChannelID); err != nil {
				return fmt.Errorf("%s joining voice: %w", m.Username, err)
			}
		}
	}
	return nil
}

// messageWith finds the message in channel carrying a component customID.
func (c *cast) messageWith(channel, customID string) (*discordgo.Message, bool) {
	return messageWithComponent(c.e.Messages(channel), customID)
}

// messageWithComponent finds the message carrying a component customID.
func messageWithComponent(msgs []*discordgo.Message, customID string) (*discordgo.Message, bool) {
	for _, m := range msgs {
		if id, ok := customIDWithPrefix(m.Components, customID); ok && id == customID {
			return m, true
		}
	}
	return nil, false
}

// customIDWithPrefix finds the first button or select whose custom ID
// starts with prefix.
func customIDWithPrefix(comps []discordgo.MessageComponent, prefix string) (string, bool) {
	for _, comp := range comps {
		switch v := comp.(type) {
		case *discordgo.ActionsRow:
			if id, ok := customIDWithPrefix(v.Components, prefix); ok {
				return id, true
			}
		case discordgo.ActionsRow:
			if id, ok := customIDWithPrefix(v.Components, prefix); ok {
				return id, true
			}
		case *discordgo.Button:
			if strings.HasPrefix(v.CustomID, prefix) {
				return v.CustomID, true
			}
		case *discordgo.SelectMenu:
			if strings.HasPrefix(v.CustomID, prefix) {
				return v.CustomID, true
			}
		}
	}
	return "", false
}
