package discordtest

import (
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
)

// addGuildLocked makes a guild with an owner, the configured number of
// members, @everyone, the bot with its role, a text channel and a voice
// channel. prefix tells the users of a further guild apart from the
// seeded one's ("g2-member1").
func (e *Emulator) addGuildLocked(name, prefix string, now time.Time) GuildInfo {
	st := e.st
	gid := st.newID()
	owner := &discordgo.User{ID: st.newID(), Username: prefix + "owner", GlobalName: "Guild Owner", Discriminator: "0"}
	st.users[owner.ID] = owner
	g := &guild{
		g:       &discordgo.Guild{ID: gid, Name: name, OwnerID: owner.ID},
		members: map[string]*discordgo.Member{},
		voice:   map[string]*discordgo.VoiceState{},
	}
	st.guilds[gid] = g
	st.guildOrder = append(st.guildOrder, gid)
	g.roles = append(g.roles, &discordgo.Role{ID: gid, Name: "@everyone", Permissions: EveryonePermissions})
	botRole := &discordgo.Role{ID: st.newID(), Name: "Roundtable", Permissions: BotPermissions &^ e.cfg.withoutBot,
		Position: 1, Managed: true}
	g.roles = append(g.roles, botRole)

	st.addMember(gid, owner, now)
	st.addMember(gid, st.bot, now).Roles = []string{botRole.ID}
	var members []string
	for i := 1; i <= e.cfg.members; i++ {
		u := &discordgo.User{ID: st.newID(), Username: fmt.Sprintf("%smember%d", prefix, i),
			GlobalName: fmt.Sprintf("Member %d", i), Discriminator: "0"}
		st.users[u.ID] = u
		st.addMember(gid, u, now)
		members = append(members, u.ID)
	}
	text := st.addChannel(&discordgo.Channel{GuildID: gid, Name: "general", Type: discordgo.ChannelTypeGuildText})
	voice := st.addChannel(&discordgo.Channel{GuildID: gid, Name: "Lobby", Type: discordgo.ChannelTypeGuildVoice,
		Bitrate: 64000})
	return GuildInfo{GuildID: gid, OwnerID: owner.ID, BotRoleID: botRole.ID, TextChannelID: text.ID,
		VoiceChannelID: voice.ID, MemberIDs: members}
}

// AddGuild adds the bot to one more guild, made like the seeded one (an
// owner, as many members, the bot's role, a text and a voice channel), as
// when a server invites the bot, and sends its GUILD_CREATE to the
// connected sessions. Its owner and members act through MemberOf.
func (e *Emulator) AddGuild(name string) GuildInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	info := e.addGuildLocked(name, fmt.Sprintf("g%d-", len(e.st.guildOrder)+1), e.cfg.now())
	for _, s := range e.gw.sessions { // a disconnected one gets it on resume
		e.sendLocked(s, "GUILD_CREATE", e.guildCreateLocked(info.GuildID, s.intents))
	}
	e.notifyLocked()
	return info
}
