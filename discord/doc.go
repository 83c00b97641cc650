// Package discord adapts Roundtable to Discord: it sets up the discordgo
// session (intents, State options, fatal close codes) and implements the
// domain ports that touch Discord (rooms, posts, member moves, threads).
//
// The emulator its tests run against lives in package discordtest.
package discord
