package discordtest

import (
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest/fault"
)

// BotPermissions are the guild permissions the seeded bot role grants: what
// Roundtable needs to run workshops (private rooms, moves, threads, posts,
// events). MENTION_EVERYONE and ADMINISTRATOR are deliberately absent, so a
// feature that needs them fails here as it would in a real guild.
const BotPermissions int64 = discordgo.PermissionViewChannel |
	discordgo.PermissionSendMessages |
	discordgo.PermissionManageChannels |
	discordgo.PermissionManageRoles |
	discordgo.PermissionVoiceMoveMembers |
	discordgo.PermissionVoiceConnect |
	discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionCreatePrivateThreads |
	discordgo.PermissionSendMessagesInThreads |
	discordgo.PermissionManageThreads |
	discordgo.PermissionEmbedLinks |
	discordgo.PermissionAttachFiles |
	discordgo.PermissionReadMessageHistory |
	discordgo.PermissionManageEvents

// EveryonePermissions are the seeded @everyone role's permissions, close to
// what Discord gives @everyone in a new guild. Every member, the bot
// included, has them unless an overwrite says otherwise.
const EveryonePermissions int64 = discordgo.PermissionViewChannel |
	discordgo.PermissionSendMessages |
	discordgo.PermissionReadMessageHistory |
	discordgo.PermissionAddReactions |
	discordgo.PermissionVoiceConnect |
	discordgo.PermissionVoiceSpeak |
	discordgo.PermissionVoiceUseVAD |
	discordgo.PermissionUseApplicationCommands |
	discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionCreatePrivateThreads |
	discordgo.PermissionSendMessagesInThreads |
	discordgo.PermissionEmbedLinks |
	discordgo.PermissionAttachFiles |
	discordgo.PermissionChangeNickname

// PrivilegedIntents are the intents an application must enable in its
// settings before it may identify with them.
const PrivilegedIntents = discordgo.IntentGuildMembers | discordgo.IntentGuildPresences | discordgo.IntentMessageContent

// DefaultPrivilegedIntents are enabled for the seeded application:
// GUILD_MEMBERS (member lists, GUILD_MEMBER_UPDATE) but not MESSAGE_CONTENT
// or GUILD_PRESENCES, which Roundtable does not need.
const DefaultPrivilegedIntents = discordgo.IntentGuildMembers

// Option configures an emulator.
type Option func(*config)

type config struct {
	profile             string
	strictRateLimits    bool
	faults              fault.Options
	withoutBot          int64
	privileged          discordgo.Intent
	members             int
	now                 func() time.Time
	interactionDeadline time.Duration
	tokenLifetime       time.Duration
	heartbeatInterval   time.Duration
}

func defaultConfig() config {
	return config{
		profile:             "realistic",
		privileged:          DefaultPrivilegedIntents,
		members:             3,
		now:                 time.Now,
		interactionDeadline: 3 * time.Second,
		tokenLifetime:       15 * time.Minute,
		heartbeatInterval:   41250 * time.Millisecond,
	}
}

// WithProfile selects the rate-limit profile ("realistic", the default, or "none").
func WithProfile(name string) Option { return func(c *config) { c.profile = name } }

// WithStrictRateLimits makes every 429 the emulator answers a test error:
// a well-behaved client never hits a rate limit.
func WithStrictRateLimits() Option { return func(c *config) { c.strictRateLimits = true } }

// WithFaults injects latency and server errors into REST calls (see
// package fault); change them later through Faults().
func WithFaults(o fault.Options) Option { return func(c *config) { c.faults = o } }

// WithoutBotPermission removes bits from the bot's role. Bits that
// @everyone grants (EveryonePermissions) stay granted through @everyone.
func WithoutBotPermission(bits int64) Option {
	return func(c *config) { c.withoutBot |= bits }
}

// WithPrivilegedIntents sets which privileged intents the application has
// enabled (default DefaultPrivilegedIntents); identifying with any other
// privileged intent closes the gateway with 4014.
func WithPrivilegedIntents(bits discordgo.Intent) Option {
	return func(c *config) { c.privileged = bits & PrivilegedIntents }
}

// WithMembers sets how many ordinary members (besides the owner and the bot)
// the guild is seeded with; the default is 3.
func WithMembers(n int) Option { return func(c *config) { c.members = max(n, 0) } }

// WithClock replaces the emulator's clock, which decides interaction
// deadlines, token lifetimes, timestamps and snowflakes. Rate limits keep
// real time, since clients sleep out their resets in real time.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithInteractionDeadline changes the time an app has for its initial
// interaction response (Discord: 3 s). Tests shorten it to prove a slow
// handler fails without sleeping 3 s.
func WithInteractionDeadline(d time.Duration) Option {
	return func(c *config) { c.interactionDeadline = d }
}

// WithTokenLifetime changes how long an interaction token may edit and follow
// up (Discord: 15 minutes).
func WithTokenLifetime(d time.Duration) Option { return func(c *config) { c.tokenLifetime = d } }

// WithHeartbeatInterval changes the heartbeat_interval sent in Hello
// (Discord: 41.25 s).
func WithHeartbeatInterval(d time.Duration) Option {
	return func(c *config) { c.heartbeatInterval = d }
}
