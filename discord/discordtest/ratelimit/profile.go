package ratelimit

import (
	"fmt"
	"strings"
	"time"
)

// Limit is a number of requests allowed per window. A zero Limit means no
// limit.
type Limit struct {
	Requests int
	Per      time.Duration
}

// Unlimited reports whether the limit never rejects a request.
func (l Limit) Unlimited() bool { return l.Requests <= 0 || l.Per <= 0 }

// Keying says which requests share a rule's counter.
type Keying int

const (
	// PerMajor counts per bot token and top-level resource (channel, guild,
	// webhook): Discord's usual scoping.
	PerMajor Keying = iota
	// PerBot counts per bot token across all resources.
	PerBot
)

// Rule limits one route template.
type Rule struct {
	// Name identifies the counter; rules with the same Name and key share
	// one counter.
	Name string
	// Method and Template select the route, as produced by RouteOf.
	Method   string
	Template string
	Limit    Limit
	Keying   Keying
	// Bucket, when set, is hashed into X-RateLimit-Bucket instead of Name:
	// Discord reports one bucket hash for routes that count separately
	// (discord-api-docs#1442, #8073).
	Bucket string
	// Sublimit rules apply on top of the route's bucket and are not
	// reported in the headers: hitting one gives a 429 that carries the
	// route bucket's headers and a longer retry_after
	// (discord-api-docs#1900, #2761).
	Sublimit bool
	// BodyHasAny restricts the rule to requests whose JSON body object has
	// at least one of these top-level keys.
	BodyHasAny []string
}

// Profile is a complete set of limits the Limiter enforces.
type Profile struct {
	Name  string
	Rules []Rule
	// Default applies per route template (and major parameter) to routes no
	// rule names.
	Default Limit
	// Global applies per bot token (per client address without a token)
	// across all routes but the exempt ones (interactions, webhooks).
	Global Limit
	// InvalidRequests is Discord's ban threshold for 401, 403 and 429
	// answers; Options.EnforceInvalidRequestLimit turns enforcement on.
	InvalidRequests Limit
}

// ProfileNames lists the names ProfileByName accepts.
var profileNames = []string{"realistic", "none"}

// ProfileByName returns the profile called name ("realistic" or "none");
// an empty name means the default, "realistic".
func ProfileByName(name string) (Profile, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "realistic":
		return ProfileRealistic(), nil
	case "none":
		return ProfileNone(), nil
	}
	return Profile{}, fmt.Errorf("rate limit profile %q: unknown, want one of %s", name, strings.Join(profileNames, ", "))
}

// ProfileNone enforces nothing and sends no rate limit headers; the Limiter
// still counts calls per route and invalid requests.
func ProfileNone() Profile {
	return Profile{Name: "none"}
}

// ProfileRealistic is Discord's limits as observed by bot developers.
// Discord documents only the global limit and the invalid request limit and
// warns that per-route limits change without notice; each figure below names
// where it comes from. "hata" is HuyaneMatsu/hata's measured table
// (hata/discord/http/rate_limit_groups.py), the most complete public record.
func ProfileRealistic() Profile {
	const (
		second = time.Second
		minute = time.Minute
		hour   = time.Hour
	)
	rules := []Rule{
		// Messages. 5 per 5 s per channel: discord-api-docs#5646 (headers
		// Limit 5, Reset-After 5.588 on a burst of creates) and #2761 ("5/5");
		// hata measured 5 per 4 s.
		{Name: "message-create", Method: "POST", Template: "/channels/{channel_id}/messages", Limit: Limit{5, 5 * second}},
		// Edits report the create bucket's hash but count separately
		// (discord-api-docs#1442, #8073); 5 per 5 s as #2761, hata 5 per 4 s.
		{Name: "message-edit", Bucket: "message-create", Method: "PATCH", Template: "/channels/{channel_id}/messages/{message_id}", Limit: Limit{5, 5 * second}},
		// Deletes have their own, higher limit (old Rate Limits page); 5 per
		// 1 s per channel for recent messages: discord-api-docs#8330 (2026).
		// Older messages use other buckets (3/1 s, 30/4 s); the limiter does
		// not know message ages, so it applies the recent-message bucket.
		{Name: "message-delete", Method: "DELETE", Template: "/channels/{channel_id}/messages/{message_id}", Limit: Limit{5, 1 * second}},
		// 1 per 3 s per channel: hata.
		{Name: "message-bulk-delete", Method: "POST", Template: "/channels/{channel_id}/messages/bulk-delete", Limit: Limit{1, 3 * second}},
		// GETs of messages: 5 per 5 s per channel (hata).
		{Name: "message-get", Method: "GET", Template: "/channels/{channel_id}/messages", Limit: Limit{5, 5 * second}},
		{Name: "message-get", Method: "GET", Template: "/channels/{channel_id}/messages/{message_id}", Limit: Limit{5, 5 * second}},
		// Reactions: 1 per 250 ms per channel, shared by add and remove
		// (hata; CharlotteDunois/Yasmin#33 "the real ratelimit is 1/250ms";
		// eris#1173 "PUT/DELETE reaction endpoints share the same bucket").
		{Name: "reaction-modify", Method: "PUT", Template: "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", Limit: Limit{1, 250 * time.Millisecond}},
		{Name: "reaction-modify", Method: "DELETE", Template: "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", Limit: Limit{1, 250 * time.Millisecond}},
		{Name: "reaction-modify", Method: "DELETE", Template: "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}", Limit: Limit{1, 250 * time.Millisecond}},
		{Name: "reaction-modify", Method: "DELETE", Template: "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}", Limit: Limit{1, 250 * time.Millisecond}},
		{Name: "reaction-modify", Method: "DELETE", Template: "/channels/{channel_id}/messages/{message_id}/reactions", Limit: Limit{1, 250 * time.Millisecond}},
		// Pins: 5 per 4 s per channel, shared by pin and unpin (hata).
		{Name: "pin-modify", Method: "PUT", Template: "/channels/{channel_id}/pins/{message_id}", Limit: Limit{5, 4 * second}},
		{Name: "pin-modify", Method: "DELETE", Template: "/channels/{channel_id}/pins/{message_id}", Limit: Limit{5, 4 * second}},
		// Typing: 5 per 5 s per channel (hata).
		{Name: "typing", Method: "POST", Template: "/channels/{channel_id}/typing", Limit: Limit{5, 5 * second}},

		// Channels. Modify: 5 per 15 s per channel: discord-api-docs#1900
		// (headers Limit 5, Reset-After 15) and hata; #2761 saw 10 per 15 s
		// in 2021. We keep the stricter figure.
		{Name: "channel-modify", Method: "PATCH", Template: "/channels/{channel_id}", Limit: Limit{5, 15 * second}},
		// Renames (and topic edits): 2 per 10 minutes per channel, a
		// sub-limit the headers never show. discord-api-docs#1900 and #2761
		// (429 with retry_after of minutes while the headers say Remaining
		// 4), Discord.Net#1554 (foxbot: "changed ... to 2 requests per 10
		// minutes"), discord.py#9073 (Rapptz: "Channel name and topic edits
		// have a 2/10 minutes"). Whether name and topic edits share one
		// counter is not known; sharing is the stricter guess.
		{Name: "channel-rename", Method: "PATCH", Template: "/channels/{channel_id}", Limit: Limit{2, 10 * minute}, Sublimit: true, BodyHasAny: []string{"name", "topic"}},
		// Delete: hata saw no route bucket (only the global limit applies).
		// We give it the default per-route bucket below rather than none so
		// a loop of deletes is still visible in the headers. Estimate.
		{Name: "channel-delete", Method: "DELETE", Template: "/channels/{channel_id}", Limit: Limit{50, 1 * second}},
		// Guild channel create: no short-window figure is published (hata:
		// "optimistic", unknown). Discord told bot developers in 2022 that
		// each bot may create at most 500 channels per guild per day
		// (n3tc0rd.digitalpress.blog "Latest Discord Rate Limit: Channel
		// Creation To 500/day"); that is the figure used here.
		{Name: "guild-channel-create", Method: "POST", Template: "/guilds/{guild_id}/channels", Limit: Limit{500, 24 * hour}},
		// Permission overwrites: 10 per 15 s per channel, shared by PUT and
		// DELETE (hata).
		{Name: "permission-overwrite", Method: "PUT", Template: "/channels/{channel_id}/permissions/{overwrite_id}", Limit: Limit{10, 15 * second}},
		{Name: "permission-overwrite", Method: "DELETE", Template: "/channels/{channel_id}/permissions/{overwrite_id}", Limit: Limit{10, 15 * second}},
		// Invites: 5 per 15 s per bot (hata).
		{Name: "invite-create", Method: "POST", Template: "/channels/{channel_id}/invites", Limit: Limit{5, 15 * second}, Keying: PerBot},

		// Threads. Create: 50 per 5 minutes per bot, shared by both create
		// routes (hata: limiter GLOBAL). discord-api-docs#8082 reports thread
		// routes scoped by guild rather than channel; per bot is stricter.
		{Name: "thread-create", Method: "POST", Template: "/channels/{channel_id}/threads", Limit: Limit{50, 5 * minute}, Keying: PerBot},
		{Name: "thread-create", Method: "POST", Template: "/channels/{channel_id}/messages/{message_id}/threads", Limit: Limit{50, 5 * minute}, Keying: PerBot},
		// Thread members: 5 per 5 s per bot (hata).
		{Name: "thread-member", Method: "PUT", Template: "/channels/{channel_id}/thread-members/@me", Limit: Limit{5, 5 * second}, Keying: PerBot},
		{Name: "thread-member", Method: "DELETE", Template: "/channels/{channel_id}/thread-members/@me", Limit: Limit{5, 5 * second}, Keying: PerBot},
		{Name: "thread-member", Method: "PUT", Template: "/channels/{channel_id}/thread-members/{user_id}", Limit: Limit{5, 5 * second}, Keying: PerBot},
		{Name: "thread-member", Method: "DELETE", Template: "/channels/{channel_id}/thread-members/{user_id}", Limit: Limit{5, 5 * second}, Keying: PerBot},

		// Members. Modify (nick, mute, deafen, move to a voice channel with
		// channel_id): 10 per 10 s per guild (hata "user_edit, user_move";
		// discord-api-docs#2204: muting 10 members at once "just barely
		// squeezes under the usual rate limit for the editGuildMember API").
		{Name: "member-modify", Method: "PATCH", Template: "/guilds/{guild_id}/members/{user_id}", Limit: Limit{10, 10 * second}},
		// Member roles: 10 per 10 s per guild, shared by add and remove (hata).
		{Name: "member-role", Method: "PUT", Template: "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", Limit: Limit{10, 10 * second}},
		{Name: "member-role", Method: "DELETE", Template: "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", Limit: Limit{10, 10 * second}},
		// Member reads: 5 per 1 s per guild for one member, 10 per 10 s for
		// lists (hata).
		{Name: "member-get", Method: "GET", Template: "/guilds/{guild_id}/members/{user_id}", Limit: Limit{5, 1 * second}},
		{Name: "member-list", Method: "GET", Template: "/guilds/{guild_id}/members", Limit: Limit{10, 10 * second}},
		// Role create: 250 per 48 h per guild (hata; discord-api-docs#1480,
		// SinisterRectus: "a limit of creating, I think, 250 roles per 2 days").
		{Name: "role-create", Method: "POST", Template: "/guilds/{guild_id}/roles", Limit: Limit{250, 48 * hour}},
		// Scheduled events: create 5 per 60 s, edit and delete 5 per 20 s per
		// guild (hata).
		{Name: "scheduled-event-create", Method: "POST", Template: "/guilds/{guild_id}/scheduled-events", Limit: Limit{5, 60 * second}},
		{Name: "scheduled-event-modify", Method: "PATCH", Template: "/guilds/{guild_id}/scheduled-events/{event_id}", Limit: Limit{5, 20 * second}},
		{Name: "scheduled-event-modify", Method: "DELETE", Template: "/guilds/{guild_id}/scheduled-events/{event_id}", Limit: Limit{5, 20 * second}},

		// Application commands (hata): create, edit and delete 5 per 20 s;
		// bulk overwrite 2 per 60 s; per guild for guild commands and per bot
		// for global ones.
		{Name: "command-bulk-overwrite", Method: "PUT", Template: "/applications/{application_id}/commands", Limit: Limit{2, 60 * second}, Keying: PerBot},
		{Name: "command-bulk-overwrite", Method: "PUT", Template: "/applications/{application_id}/guilds/{guild_id}/commands", Limit: Limit{2, 60 * second}},
		{Name: "command-modify", Method: "POST", Template: "/applications/{application_id}/commands", Limit: Limit{5, 20 * second}, Keying: PerBot},
		{Name: "command-modify", Method: "PATCH", Template: "/applications/{application_id}/commands/{command_id}", Limit: Limit{5, 20 * second}, Keying: PerBot},
		{Name: "command-modify", Method: "DELETE", Template: "/applications/{application_id}/commands/{command_id}", Limit: Limit{5, 20 * second}, Keying: PerBot},
		{Name: "command-modify", Method: "POST", Template: "/applications/{application_id}/guilds/{guild_id}/commands", Limit: Limit{5, 20 * second}},
		{Name: "command-modify", Method: "PATCH", Template: "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}", Limit: Limit{5, 20 * second}},
		{Name: "command-modify", Method: "DELETE", Template: "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}", Limit: Limit{5, 20 * second}},

		// Interactions. The initial callback has no route bucket (hata:
		// "UNLIMITED") and is exempt from the global limit (Rate Limits page:
		// "Interaction endpoints are not bound to the bot's Global Rate
		// Limit"). The emulator still reports a bucket per interaction so the
		// headers are present; 5 per 2 s is never reached by one callback.
		{Name: "interaction-callback", Method: "POST", Template: "/interactions/{interaction_id}/{interaction_token}/callback", Limit: Limit{5, 2 * second}},
		// Follow-ups and edits of the original response, and webhook
		// executes (the same routes to Discord): 5 per 2 s per webhook or
		// interaction, all methods sharing one counter (hata
		// GROUP_INTERACTION_EXECUTE and GROUP_WEBHOOK_EXECUTE;
		// discord-api-docs#6753 saw 5 per 1 s for webhooks in 2024).
		{Name: "webhook-execute", Method: "POST", Template: "/webhooks/{webhook_id}/{webhook_token}", Limit: Limit{5, 2 * second}},
		{Name: "webhook-execute", Method: "GET", Template: "/webhooks/{webhook_id}/{webhook_token}/messages/@original", Limit: Limit{5, 2 * second}},
		{Name: "webhook-execute", Method: "PATCH", Template: "/webhooks/{webhook_id}/{webhook_token}/messages/@original", Limit: Limit{5, 2 * second}},
		{Name: "webhook-execute", Method: "DELETE", Template: "/webhooks/{webhook_id}/{webhook_token}/messages/@original", Limit: Limit{5, 2 * second}},
		{Name: "webhook-execute", Method: "GET", Template: "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", Limit: Limit{5, 2 * second}},
		{Name: "webhook-execute", Method: "PATCH", Template: "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", Limit: Limit{5, 2 * second}},
		{Name: "webhook-execute", Method: "DELETE", Template: "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", Limit: Limit{5, 2 * second}},

		// Users and the gateway (hata): GET /users/{id} 30 per 30 s,
		// PATCH /users/@me 2 per 10 minutes, GET /users/@me/guilds 1 per 1 s,
		// GET /gateway/bot 2 per 5 s; all per bot.
		{Name: "user-get", Method: "GET", Template: "/users/{user_id}", Limit: Limit{30, 30 * second}, Keying: PerBot},
		{Name: "current-user-modify", Method: "PATCH", Template: "/users/@me", Limit: Limit{2, 10 * minute}, Keying: PerBot},
		{Name: "current-user-guilds", Method: "GET", Template: "/users/@me/guilds", Limit: Limit{1, 1 * second}, Keying: PerBot},
		{Name: "gateway-bot", Method: "GET", Template: "/gateway/bot", Limit: Limit{2, 5 * second}, Keying: PerBot},
	}
	return Profile{
		Name:  "realistic",
		Rules: rules,
		// Routes without a rule: hata finds many of them without any route
		// bucket, leaving the global 50 per second as the only cap; a
		// per-route bucket of the same size reports headers without ever
		// binding before the global limit does. Emulator choice.
		Default: Limit{50, 1 * second},
		// 50 per second per bot token: Rate Limits page, "Global Rate Limit".
		Global: Limit{50, 1 * second},
		// 10,000 per 10 minutes: Rate Limits page, "Invalid Request Limit".
		InvalidRequests: Limit{10000, 10 * minute},
	}
}
