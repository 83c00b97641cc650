package discordtest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
)

// SeedInfo describes the seeded application and guild, for a person or a
// program pointing a bot at a standalone emulator.
type SeedInfo struct {
	APIBase       string // e.g. http://127.0.0.1:8080/api/v9 (empty until Serve)
	GatewayURL    string // what GET /gateway answers
	Token         string // the bot token, without the "Bot " prefix
	ApplicationID string
	BotUserID     string
	GuildInfo     // the seeded guild
}

// GuildInfo describes a guild the emulator made: the seeded one, or one
// added with AddGuild.
type GuildInfo struct {
	GuildID        string
	OwnerID        string
	BotRoleID      string
	TextChannelID  string
	VoiceChannelID string
	MemberIDs      []string // the ordinary members, owner and bot excluded
}

// Seed returns what the emulator was seeded with.
func (e *Emulator) Seed() SeedInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.seed
	out.MemberIDs = append([]string(nil), e.seed.MemberIDs...)
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand does not fail on supported platforms; a fixed
		// fallback keeps the emulator usable if it ever does.
		return fmt.Sprintf("%0*x", n*2, 0)
	}
	return hex.EncodeToString(b)
}

// seedDefault creates the application, its bot, and a guild with an owner,
// members, @everyone, a bot role, a text channel and a voice channel.
func (e *Emulator) seedDefault() error {
	st := e.st
	st.rand = func() string { return randomHex(16) }
	now := st.now()
	st.app = application{ID: st.newID(), Name: "Roundtable", Token: "emulator." + randomHex(24),
		PrivilegedIntents: e.cfg.privileged}
	st.bot = &discordgo.User{ID: st.newID(), Username: "Roundtable", Discriminator: "0000", Bot: true}
	st.users[st.bot.ID] = st.bot

	guild := e.addGuildLocked("Roundtable Test Guild", "", now)
	e.seed = SeedInfo{Token: st.app.Token, ApplicationID: st.app.ID, BotUserID: st.bot.ID, GuildInfo: guild}
	return nil
}

// addMember makes a user a member of a guild.
func (s *State) addMember(guildID string, u *discordgo.User, joined time.Time) *discordgo.Member {
	g := s.guilds[guildID]
	m := &discordgo.Member{GuildID: guildID, User: u, JoinedAt: joined.UTC(), Roles: []string{}}
	g.members[u.ID] = m
	g.memberOrder = append(g.memberOrder, u.ID)
	return m
}

// addChannel stores a new guild channel with a fresh ID at the end of the
// guild's list.
func (s *State) addChannel(c *discordgo.Channel) *discordgo.Channel {
	g := s.guilds[c.GuildID]
	c.ID = s.newID()
	if c.PermissionOverwrites == nil {
		c.PermissionOverwrites = []*discordgo.PermissionOverwrite{}
	}
	c.Position = len(g.channels)
	s.channels[c.ID] = c
	g.channels = append(g.channels, c.ID)
	return c
}
