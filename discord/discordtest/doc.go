// Package discordtest is an in-process Discord: the REST API (under
// /api/v9 and /api/v10), the gateway, and one seeded guild, held to
// Discord's documentation (../shared/discord-api-docs) rather than to
// guesses. Roundtable's end-to-end tests drive an unmodified discordgo
// v0.29.0 session against it.
//
// # In tests
//
//	e := discordtest.New(t)            // seeded guild, closed with the test
//	s := e.Session(t)                  // discordgo session, READY + GUILD_CREATE handled
//	member := e.Members()[0]
//	inter, err := member.RunCommand("workshop start", map[string]any{"curriculum": "intro"}, e.Seed().TextChannelID)
//	resp := inter.WaitResponse(t, 2*time.Second)
//	e.WaitFor(t, time.Second, func(st *discordtest.State) bool { return len(st.Messages(id)) == 1 })
//
// Simulated members (Members, Member, Owner, AddMember) act as people in
// the client would, through the same checks: RunCommand (with "group sub"
// paths and typed options), Autocomplete, ClickButton, ChooseSelect,
// SubmitModal, JoinVoice, LeaveVoice, Say, DM and CloseDMs (the privacy
// setting: the bot may open the DM channel but its messages there get 403
// 50007 "Cannot send messages to this user"). Interaction actions return
// an *Interaction whose WaitResponse, Response and Failed tell what the app
// answered. Tests assert on the state through Channels, Threads, Messages,
// Overwrites, CanSee, Visible, Permissions, VoiceChannelOf, Commands,
// ScheduledEvents, Roles, GuildMember, FailedInteractions, Requests (every
// REST call with its route template and bodies), or on anything the State
// offers with WaitFor and View. NewSession, Open and HTTPClient wire a
// discordgo session the caller configures itself.
//
// The seed: an application with a bot user and token; a guild with an
// owner, WithMembers(n) ordinary members (default 3), the @everyone role
// (EveryonePermissions), a managed bot role (BotPermissions), a text
// channel "general" and a voice channel "Lobby". The application has
// DefaultPrivilegedIntents enabled.
//
// What it enforces, as Discord does: bot-token auth (401); permissions
// computed from roles and overwrites (403 50013, 50001 for channels the bot
// cannot see), including that a bot can only grant in overwrites what it
// has; 404s with Discord's codes (10003 channel, 10004 guild, 10007 member,
// 10008 message, 10011 role, 10013 user, 10062 interaction, 10070 event);
// limits (500 channels per guild 30013, 50 per category 50035 on parent_id,
// names 1-100, thread archive durations, user_limit <= 99, message content
// <= 2000, no empty message 50006); interactions (initial response within
// 3 s or the member sees it fail and later callbacks get 10062, a second
// initial response 40060, tokens valid 15 minutes then 50027); member moves
// only for members in voice (40032); forum and media channels take posts
// (POST /channels/{id}/threads with a message: a public thread whose first
// message shares its ID, needing SEND_MESSAGES, applied_tags from the
// forum's available_tags or 10087) but no messages of their own (40058).
// Every mutating call emits its gateway dispatch, filtered by the intents
// the client identified with; without MESSAGE_CONTENT, message content is
// empty except in DMs, the bot's own messages and messages mentioning it.
//
// Objects are stored as discordgo's types and sent as Discord sends them:
// message components kept (discordgo's Message drops them when marshalled),
// unset snowflakes as null, no OAuth-only user fields.
//
// The gateway speaks JSON over gorilla/websocket: Hello, Identify (4004 on
// a bad token, 4014 on privileged intents the application has not
// enabled), READY, GUILD_CREATE per guild, heartbeats, Resume with replay
// of missed dispatches, op 7 and op 9. DropGateway forces a disconnect so
// tests can prove a client resumes; GatewayCloses records close codes sent.
//
// # Standalone
//
// NewServer builds an emulator without a testing.T; Start it on a listener
// (in the background, Seed ready at once) or Serve it (blocking), Close it
// when done, and point a bot at Seed().APIBase (REST) with Seed().Token;
// GET /api/v9/gateway answers the ws:// gateway URL. A small JSON control API lets a person or a script
// act as members:
//
//	GET  /_emulator/seed                      the SeedInfo
//	GET  /_emulator/state                     channels, threads, roles, members, voice, messages, commands, events
//	GET  /_emulator/interactions/{id}         {"id", "failed", "response"}
//	POST /_emulator/members/{user_id}/command      {"name": "group sub", "options": {...}, "channel_id": "..."}
//	POST /_emulator/members/{user_id}/autocomplete {"name", "options", "focused", "channel_id"}
//	POST /_emulator/members/{user_id}/click        {"message_id", "custom_id"}
//	POST /_emulator/members/{user_id}/select       {"message_id", "custom_id", "values": [...]}
//	POST /_emulator/members/{user_id}/modal        {"interaction_id", "custom_id", "fields": {...}}
//	POST /_emulator/members/{user_id}/voice        {"channel_id": "..."} joins, {"channel_id": null} leaves
//	POST /_emulator/members/{user_id}/say          {"channel_id", "content"}
//	POST /_emulator/members/{user_id}/close-dms    {} the bot's DMs to the member are refused (50007)
//
// Interaction actions answer {"interaction_id", "token"}; errors are
// {"code": 0, "message"} with status 400.
//
// # Layers
//
// REST requests pass, in order: the request log (Requests), the bot-token
// check, fault injection (package fault, WithFaults, Faults), rate limits
// (package ratelimit, WithProfile, WithStrictRateLimits, RateLimiter), body
// validation against Discord's OpenAPI spec (package spec), then the REST
// handlers, which run under one lock so every state change and its
// dispatch are atomic and ordered. server.go is the one place that stacks
// them.
package discordtest
