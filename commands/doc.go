// Package commands is Roundtable's Discord interaction layer: a small
// router that turns slash commands, button clicks, select menus, modal
// submits and autocomplete requests into calls on handlers, and one error
// boundary that turns whatever a handler returns into words a member can
// read.
//
// # Shape
//
// A Handler is func(*Context) error. The Router dispatches on the
// interaction's type before it reads any data (discordgo's
// ApplicationCommandData panics on a button), recovers panics in every
// handler, answers unknown commands and stale buttons with a clear
// ephemeral message, and defers the initial response itself when a handler
// has not answered within RouterOptions.DeferAfter (Discord allows 3 s).
// Components and modals are routed by the Kind of their custom_id, which
// the ID codec (customid.go) encodes as rt1:<kind>:<arg>:... ; a route for
// "ws" also receives "ws.join" unless "ws.join" has its own. Router.Use adds
// middleware (shared checks such as host-only) around every handler.
//
// Wiring, in cmd/roundtable:
//
//	reg := commands.NewRegistry()
//	commands.DefineHelp(reg)           // and each command group's Define...
//	router := commands.NewRouter(commands.RouterOptions{Logger: logger})
//	reg.Install(router)                // plus router.Component / Modal / Autocomplete
//	err := reg.Register(ctx, session, appID, guildIDs)
//	session.AddHandler(router.Handle)
//	...                                // at shutdown: session.Close(); router.Wait()
//
// Slash command definitions live in a Registry beside their handlers;
// Registry.Install routes them and Registry.Register overwrites the
// application's commands in Discord. /roundtable (help.go) lists them.
//
// # Responses
//
// Context tracks whether the initial response has been sent, so handlers
// need not: Reply after a deferred response edits the loading message,
// Reply after an answered interaction becomes a followup, and a public
// Reply after an ephemeral (automatic) defer is posted as a public followup
// while the ephemeral placeholder is deleted. A handler that returns nil
// without answering is a bug: the router logs it and answers "Done."
// ephemerally (or fills a still-loading deferred message) so the member
// never sees "This interaction failed".
//
// The responding side is the Responder interface; SessionResponder carries
// it over a discordgo session, and tests and benchmarks can answer in
// memory through Router.Dispatch.
//
// # Errors
//
// errors.go is the one place that decides what a member sees: a
// workshop.Error or accountability.Error shows its Message; "unavailable"
// says the database is restarting; a discordgo RESTError is explained
// (50013 missing permission, 50001 missing access, 10003 unknown channel,
// 50007 cannot DM ...); anything else is a generic sentence, logged with
// the interaction's ID. Every answer is ephemeral and at most 2000
// characters.
//
// The package imports the domain packages and discordgo, never db or
// discord (DESIGN.md's dependency rule).
package commands
