package discordtest

import (
	"encoding/json"
	"slices"
	"sort"
	"time"

	"github.com/bwmarrin/discordgo"
)

// State is everything the emulated Discord holds. It is only read or written
// under the emulator's lock; its exported methods return copies, so a caller
// may keep and modify what they return.
type State struct {
	ids  snowflakes
	app  application
	bot  *discordgo.User
	now  func() time.Time
	rand func() string

	users         map[string]*discordgo.User
	guilds        map[string]*guild
	guildOrder    []string
	channels      map[string]*discordgo.Channel // guild channels, threads and DMs
	messages      map[string]*discordgo.Message // every message, ephemeral ones too
	channelMsgs   map[string][]string           // channel -> non-ephemeral message IDs, oldest first
	attachments   map[string][]byte
	threadMembers map[string]map[string]*discordgo.ThreadMember // thread -> user -> member
	commands      map[string][]*discordgo.ApplicationCommand    // "" for global, else guild ID
	interactions  map[string]*interaction
	tokens        map[string]string // interaction token -> interaction ID
	dms           map[string]string // user -> DM channel
	closedDMs     map[string]bool   // users who take no DMs from the bot
	events        map[string]*discordgo.GuildScheduledEvent
	eventOrder    []string
}

type application struct {
	ID    string
	Name  string
	Token string
	// PrivilegedIntents enabled for the application in its settings.
	PrivilegedIntents discordgo.Intent
}

type guild struct {
	g           *discordgo.Guild
	roles       []*discordgo.Role
	members     map[string]*discordgo.Member
	memberOrder []string
	voice       map[string]*discordgo.VoiceState
	channels    []string // guild channels (not threads) in creation order
}

func newState(now func() time.Time) *State {
	return &State{
		now:           now,
		users:         map[string]*discordgo.User{},
		guilds:        map[string]*guild{},
		channels:      map[string]*discordgo.Channel{},
		messages:      map[string]*discordgo.Message{},
		channelMsgs:   map[string][]string{},
		attachments:   map[string][]byte{},
		threadMembers: map[string]map[string]*discordgo.ThreadMember{},
		commands:      map[string][]*discordgo.ApplicationCommand{},
		interactions:  map[string]*interaction{},
		tokens:        map[string]string{},
		dms:           map[string]string{},
		closedDMs:     map[string]bool{},
		events:        map[string]*discordgo.GuildScheduledEvent{},
	}
}

func (s *State) newID() string { return s.ids.next(s.now()) }

// clone deep-copies a value through its JSON form, the form Discord's
// objects are defined by.
func clone[T any](v *T) *T {
	if v == nil {
		return nil
	}
	if m, ok := any(v).(*discordgo.Message); ok {
		out, _ := any(cloneMessage(m)).(*T)
		return out
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		return nil
	}
	return out
}

func cloneAll[T any](vs []*T) []*T {
	out := make([]*T, 0, len(vs))
	for _, v := range vs {
		out = append(out, clone(v))
	}
	return out
}

// BotUserID is the ID of the application's bot user.
func (s *State) BotUserID() string { return s.bot.ID }

// ApplicationID is the ID of the emulated application.
func (s *State) ApplicationID() string { return s.app.ID }

// User returns a user by ID.
func (s *State) User(id string) (*discordgo.User, bool) {
	u, ok := s.users[id]
	return clone(u), ok
}

// Guild returns a guild's own fields (roles included, members and channels not).
func (s *State) Guild(id string) (*discordgo.Guild, bool) {
	g, ok := s.guilds[id]
	if !ok {
		return nil, false
	}
	out := clone(g.g)
	out.Roles = cloneAll(g.roles)
	return out, true
}

// Channel returns a guild channel, thread or DM channel by ID.
func (s *State) Channel(id string) (*discordgo.Channel, bool) {
	c, ok := s.channels[id]
	return clone(c), ok
}

// Channels returns a guild's channels and categories (not threads), by position.
func (s *State) Channels(guildID string) []*discordgo.Channel {
	g, ok := s.guilds[guildID]
	if !ok {
		return nil
	}
	var out []*discordgo.Channel
	for _, id := range g.channels {
		out = append(out, clone(s.channels[id]))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Position < out[j].Position })
	return out
}

// Threads returns the threads whose parent is channelID, oldest first.
func (s *State) Threads(channelID string) []*discordgo.Channel {
	var out []*discordgo.Channel
	for _, c := range s.channels {
		if c.IsThread() && c.ParentID == channelID {
			out = append(out, clone(c))
		}
	}
	sort.Slice(out, func(i, j int) bool { return idLess(out[i].ID, out[j].ID) })
	return out
}

// ThreadMembers returns the user IDs of a thread's members.
func (s *State) ThreadMembers(threadID string) []string {
	var out []string
	for id := range s.threadMembers[threadID] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Overwrites returns a channel's permission overwrites.
func (s *State) Overwrites(channelID string) []*discordgo.PermissionOverwrite {
	c, ok := s.channels[channelID]
	if !ok {
		return nil
	}
	return cloneAll(c.PermissionOverwrites)
}

// Messages returns a channel's messages, oldest first. Ephemeral interaction
// replies are not channel messages; find them through the Interaction.
func (s *State) Messages(channelID string) []*discordgo.Message {
	var out []*discordgo.Message
	for _, id := range s.channelMsgs[channelID] {
		out = append(out, clone(s.messages[id]))
	}
	return out
}

// Message returns any message by ID, ephemeral ones included.
func (s *State) Message(id string) (*discordgo.Message, bool) {
	m, ok := s.messages[id]
	return clone(m), ok
}

// Attachment returns the bytes of an uploaded attachment.
func (s *State) Attachment(id string) ([]byte, bool) {
	b, ok := s.attachments[id]
	return slices.Clone(b), ok
}

// Roles returns a guild's roles by position, @everyone first.
func (s *State) Roles(guildID string) []*discordgo.Role {
	g, ok := s.guilds[guildID]
	if !ok {
		return nil
	}
	out := cloneAll(g.roles)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Position < out[j].Position })
	return out
}

// GuildMember returns a guild member, user included.
func (s *State) GuildMember(guildID, userID string) (*discordgo.Member, bool) {
	g, ok := s.guilds[guildID]
	if !ok {
		return nil, false
	}
	m, ok := g.members[userID]
	return clone(m), ok
}

// GuildMembers returns a guild's members in join order.
func (s *State) GuildMembers(guildID string) []*discordgo.Member {
	g, ok := s.guilds[guildID]
	if !ok {
		return nil
	}
	var out []*discordgo.Member
	for _, id := range g.memberOrder {
		out = append(out, clone(g.members[id]))
	}
	return out
}

// VoiceChannelOf returns the voice channel a user is connected to, or "".
func (s *State) VoiceChannelOf(userID string) string {
	for _, gid := range s.guildOrder {
		if vs, ok := s.guilds[gid].voice[userID]; ok {
			return vs.ChannelID
		}
	}
	return ""
}

// VoiceMembers returns the users connected to a voice channel, sorted.
func (s *State) VoiceMembers(channelID string) []string {
	var out []string
	for _, gid := range s.guildOrder {
		for uid, vs := range s.guilds[gid].voice {
			if vs.ChannelID == channelID {
				out = append(out, uid)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Commands returns the application commands registered for a guild, or the
// global ones when guildID is "".
func (s *State) Commands(guildID string) []*discordgo.ApplicationCommand {
	return cloneAll(s.commands[guildID])
}

// ScheduledEvents returns a guild's scheduled events, oldest first.
func (s *State) ScheduledEvents(guildID string) []*discordgo.GuildScheduledEvent {
	var out []*discordgo.GuildScheduledEvent
	for _, id := range s.eventOrder {
		if ev := s.events[id]; ev.GuildID == guildID {
			out = append(out, clone(ev))
		}
	}
	return out
}

// DMChannel returns the ID of the bot's DM channel with a user, or "".
func (s *State) DMChannel(userID string) string { return s.dms[userID] }

// idLess orders snowflakes numerically.
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
