package discordtest

import (
	"regexp"

	"github.com/bwmarrin/discordgo"
)

// eventIntent is the intent a session needs to receive an event
// (events-gateway.mdx, "List of Intents"); 0 means always sent.
func eventIntent(name string, dm bool) discordgo.Intent {
	switch name {
	case "CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE", "THREAD_CREATE", "THREAD_UPDATE",
		"THREAD_DELETE", "THREAD_MEMBERS_UPDATE", "THREAD_MEMBER_UPDATE", "GUILD_ROLE_CREATE",
		"GUILD_ROLE_UPDATE", "GUILD_ROLE_DELETE":
		return discordgo.IntentGuilds
	case "GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE":
		return discordgo.IntentGuildMembers
	case "VOICE_STATE_UPDATE":
		return discordgo.IntentGuildVoiceStates
	case "MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE":
		if dm {
			return discordgo.IntentDirectMessages
		}
		return discordgo.IntentGuildMessages
	case "GUILD_SCHEDULED_EVENT_CREATE", "GUILD_SCHEDULED_EVENT_UPDATE", "GUILD_SCHEDULED_EVENT_DELETE":
		return discordgo.IntentGuildScheduledEvents
	}
	return 0
}

// dispatchLocked sends an event to every session whose intents cover it.
func (e *Emulator) dispatchLocked(name string, data any) {
	need := eventIntent(name, false)
	for _, s := range e.gw.sessions {
		if need == 0 || s.intents&need != 0 {
			e.sendLocked(s, name, data)
		}
	}
}

// dispatchVisibleLocked sends an event about a channel only to sessions
// whose bot can see that channel (private threads, hidden channels).
func (e *Emulator) dispatchVisibleLocked(name, channelID string, data any) {
	if !e.st.CanSee(channelID, e.st.bot.ID) {
		return
	}
	e.dispatchLocked(name, data)
}

// dispatchMessageLocked sends MESSAGE_CREATE or MESSAGE_UPDATE. Sessions
// without MESSAGE_CONTENT get the message with its content fields emptied,
// except for the bot's own messages, DMs, and messages mentioning the bot
// (events-gateway.mdx, Message Content Intent).
func (e *Emulator) dispatchMessageLocked(name string, m *discordgo.Message) {
	c, ok := e.st.channels[m.ChannelID]
	if !ok || !e.st.CanSee(m.ChannelID, e.st.bot.ID) {
		return
	}
	dm := c.Type == discordgo.ChannelTypeDM
	need := eventIntent(name, dm)
	full := e.messageEventLocked(m)
	stripped := stripContent(full)
	exempt := dm || m.Author.ID == e.st.bot.ID || containsUser(m.Mentions, e.st.bot.ID)
	for _, s := range e.gw.sessions {
		if s.intents&need == 0 {
			continue
		}
		if exempt || s.intents&discordgo.IntentMessageContent != 0 {
			e.sendLocked(s, name, full)
		} else {
			e.sendLocked(s, name, stripped)
		}
	}
}

// messageEventLocked is a message as MESSAGE_CREATE carries it: with
// guild_id and the author's partial member.
func (e *Emulator) messageEventLocked(m *discordgo.Message) *discordgo.Message {
	out := clone(m)
	if g, ok := e.st.guilds[m.GuildID]; ok {
		if mem, ok := g.members[m.Author.ID]; ok {
			out.Member = clone(mem)
			out.Member.User = nil
			out.Member.GuildID = ""
		}
	}
	return out
}

func stripContent(m *discordgo.Message) *discordgo.Message {
	out := clone(m)
	out.Content = ""
	out.Embeds = []*discordgo.MessageEmbed{}
	out.Attachments = []*discordgo.MessageAttachment{}
	out.Components = nil
	return out
}

// guildCreateLocked is the GUILD_CREATE payload: the guild with its
// channels, threads, roles, members, voice states and member count.
func (e *Emulator) guildCreateLocked(guildID string, intents discordgo.Intent) map[string]any {
	g := e.st.guilds[guildID]
	channels := []*discordgo.Channel{}
	for _, id := range g.channels {
		channels = append(channels, clone(e.st.channels[id]))
	}
	threads := []*discordgo.Channel{}
	for _, c := range e.st.channels {
		if c.IsThread() && c.GuildID == guildID && !c.ThreadMetadata.Archived && e.st.CanSee(c.ID, e.st.bot.ID) {
			threads = append(threads, clone(c))
		}
	}
	members := []*discordgo.Member{}
	for _, id := range g.memberOrder {
		// Without GUILD_MEMBERS a bot learns only itself and the members in
		// voice, as on Discord.
		_, inVoice := g.voice[id]
		if intents&discordgo.IntentGuildMembers != 0 || id == e.st.bot.ID || inVoice {
			m := clone(g.members[id])
			m.GuildID = ""
			members = append(members, m)
		}
	}
	voice := []any{}
	for _, id := range g.memberOrder {
		if vs, ok := g.voice[id]; ok {
			voice = append(voice, voiceStateJSON(vs, nil, false))
		}
	}
	events := e.st.ScheduledEvents(guildID)
	if events == nil {
		events = []*discordgo.GuildScheduledEvent{}
	}
	return map[string]any{
		"id":                            g.g.ID,
		"name":                          g.g.Name,
		"owner_id":                      g.g.OwnerID,
		"icon":                          nil,
		"roles":                         cloneAll(g.roles),
		"emojis":                        []any{},
		"stickers":                      []any{},
		"features":                      []any{},
		"preferred_locale":              "en-US",
		"premium_tier":                  0,
		"verification_level":            0,
		"default_message_notifications": 0,
		"explicit_content_filter":       0,
		"mfa_level":                     0,
		"nsfw_level":                    0,
		"system_channel_id":             nil,
		"afk_channel_id":                nil,
		"afk_timeout":                   300,
		"joined_at":                     g.members[e.st.bot.ID].JoinedAt,
		"large":                         false,
		"unavailable":                   false,
		"member_count":                  len(g.memberOrder),
		"channels":                      channels,
		"threads":                       threads,
		"members":                       members,
		"voice_states":                  voice,
		"presences":                     []any{},
		"stage_instances":               []any{},
		"guild_scheduled_events":        events,
	}
}

// voiceStateJSON is a voice state as Discord sends it: channel_id is null
// once the user has left, and VOICE_STATE_UPDATE carries the member.
func voiceStateJSON(vs *discordgo.VoiceState, member *discordgo.Member, withGuild bool) map[string]any {
	out := map[string]any{
		"user_id":                    vs.UserID,
		"session_id":                 vs.SessionID,
		"deaf":                       vs.Deaf,
		"mute":                       vs.Mute,
		"self_deaf":                  vs.SelfDeaf,
		"self_mute":                  vs.SelfMute,
		"self_video":                 false,
		"suppress":                   vs.Suppress,
		"request_to_speak_timestamp": nil,
		"channel_id":                 nil,
	}
	if vs.ChannelID != "" {
		out["channel_id"] = vs.ChannelID
	}
	if withGuild {
		out["guild_id"] = vs.GuildID
	}
	if member != nil {
		out["member"] = member
	}
	return out
}

var (
	userMention = regexp.MustCompile(`<@!?(\d+)>`)
	roleMention = regexp.MustCompile(`<@&(\d+)>`)
)
