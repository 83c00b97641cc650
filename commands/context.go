package commands

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// TokenLifetime is how long Discord accepts an interaction's token for edits
// and followups; a Context's deadline is this long after dispatch.
const TokenLifetime = 15 * time.Minute

// Handler answers an interaction. It returns an error instead of telling the
// member itself: the router's error boundary picks the words (errors.go).
type Handler func(ctx *Context) error

// Context is one interaction in flight: who asked, what they asked, and the
// way to answer. It is a context.Context (cancelled when the interaction's
// token expires or the dispatch ends), so it can be passed straight to the
// domain. A Context is used by its handler's goroutine and the router's
// auto-defer; its responders are safe for that concurrent use.
type Context struct {
	ctx         context.Context
	session     *discordgo.Session
	interaction *discordgo.Interaction
	responder   Responder
	now         func() time.Time
	name        string // command name or raw custom_id, for logs

	baseLogger *slog.Logger
	loggerOnce sync.Once
	logger     *slog.Logger

	member   Member
	path     []string // command name, then subcommand group and subcommand
	options  []*discordgo.ApplicationCommandInteractionDataOption
	resolved *discordgo.ApplicationCommandInteractionDataResolved
	id       ID
	values   []string
	fields   map[string]string

	// mu orders every response of the interaction, so an automatic defer
	// and the handler's own answer never race for the initial response.
	mu    sync.Mutex
	state responseState
	// deferredEphemeral is the visibility chosen by a type 5 defer; a Reply
	// with the other visibility cannot edit that message.
	deferredEphemeral bool
	autoDeferred      bool
}

// responseState is where an interaction's answer stands.
type responseState int

const (
	stateNone           responseState = iota // nothing sent; the next answer is the initial response
	stateDeferred                            // type 5: a loading message waits for its content
	stateMessage                             // type 4, or a type 5 filled by an edit
	stateDeferredUpdate                      // type 6: the component's message was acknowledged
	stateUpdated                             // type 7: the component's message was edited
	stateModal                               // type 9: a modal was opened; nothing else may follow
	stateChoices                             // type 8: autocomplete choices
)

// Member is the person behind an interaction.
type Member struct {
	GuildID     string // empty in a DM
	UserID      string
	Username    string
	DisplayName string // server nickname, else global name, else username
	Roles       []string
	// Permissions are the member's permissions in the interaction's channel,
	// as Discord computed them (0 in a DM).
	Permissions int64
}

// Has reports whether the member has every bit of perm, counting
// Administrator as all of them.
func (m Member) Has(perm int64) bool {
	return m.Permissions&discordgo.PermissionAdministrator != 0 || m.Permissions&perm == perm
}

// HasRole reports whether the member has the role.
func (m Member) HasRole(roleID string) bool {
	for _, r := range m.Roles {
		if r == roleID {
			return true
		}
	}
	return false
}

func memberOf(i *discordgo.Interaction) Member {
	var m Member
	m.GuildID = i.GuildID
	u := i.User
	if i.Member != nil {
		u = i.Member.User
		m.Roles = i.Member.Roles
		m.Permissions = i.Member.Permissions
		m.DisplayName = i.Member.Nick
	}
	if u != nil {
		m.UserID = u.ID
		m.Username = u.Username
		if m.DisplayName == "" {
			m.DisplayName = u.GlobalName
		}
		if m.DisplayName == "" {
			m.DisplayName = u.Username
		}
	}
	return m
}

// Deadline implements context.Context.
func (c *Context) Deadline() (time.Time, bool) { return c.ctx.Deadline() }

// Done implements context.Context.
func (c *Context) Done() <-chan struct{} { return c.ctx.Done() }

// Err implements context.Context.
func (c *Context) Err() error { return c.ctx.Err() }

// Value implements context.Context.
func (c *Context) Value(key any) any { return c.ctx.Value(key) }

// Session is the discordgo session the interaction arrived on; nil when the
// router was driven without one (Router.Dispatch in tests).
func (c *Context) Session() *discordgo.Session { return c.session }

// Interaction is the raw interaction. Prefer the accessors: they never
// panic on an unexpected interaction type.
func (c *Context) Interaction() *discordgo.Interaction { return c.interaction }

// Logger logs with the interaction's ID, type, name and user attached.
func (c *Context) Logger() *slog.Logger {
	// Built on first use: most interactions log nothing, and the
	// attributes cost allocations on the dispatch path.
	c.loggerOnce.Do(func() {
		c.logger = c.baseLogger.With("interaction", c.interaction.ID, "type", c.interaction.Type.String(),
			"name", c.name, "user", c.member.UserID, "guild", c.interaction.GuildID)
	})
	return c.logger
}

// Now is the router's clock (RouterOptions.Now): handlers pass it to the
// domain instead of calling time.Now, so tests can fix the time.
func (c *Context) Now() time.Time { return c.now() }

// Member is who started the interaction.
func (c *Context) Member() Member { return c.member }

// GuildID is the guild the interaction happened in ("" in a DM).
func (c *Context) GuildID() string { return c.interaction.GuildID }

// ChannelID is the channel the interaction happened in.
func (c *Context) ChannelID() string { return c.interaction.ChannelID }

// Message is the message a clicked component is on (nil for commands).
func (c *Context) Message() *discordgo.Message { return c.interaction.Message }
