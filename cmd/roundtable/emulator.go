package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"strings"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
	"github.com/roundtable-bot/roundtable/discord/discordtest/ratelimit"
)

var emulatorCommand = command{
	name:    "emulator",
	summary: "serve a local Discord emulator to try the bot without Discord",
	usage: `
Usage: roundtable emulator [--addr HOST:PORT] [--profile realistic|none]

Serves an in-memory Discord (REST, gateway and a seeded server with an
owner, a few members, a text and a voice channel, and the bot as a member
with the permissions the README asks for) until interrupted. It holds
requests to Discord's own rules: its API spec, its limits, its permissions
and, with the realistic profile, its rate limits.

On start it prints one line of JSON on stdout with api_base, gateway_url,
token, application_id, guild_id, text_channel_id, voice_channel_id,
member_ids and control_url. Point the bot at it with [discord] api_base and
[discord] guild_ids, and DISCORD_TOKEN set to the token. Act as members
through the control API (see README.md, "The Discord emulator").

Example:
  $ roundtable emulator --addr 127.0.0.1:8787
  {"api_base":"http://127.0.0.1:8787","token":"...","guild_id":"...",...}
`,
	run: runEmulator,
}

// emulatorInfo is the line printed on start: everything a bot or a script
// needs to use the emulator.
type emulatorInfo struct {
	APIBase        string   `json:"api_base"` // for [discord] api_base: scheme and host
	RESTURL        string   `json:"rest_url"` // the REST root, for scripts
	GatewayURL     string   `json:"gateway_url"`
	ControlURL     string   `json:"control_url"`
	Token          string   `json:"token"`
	ApplicationID  string   `json:"application_id"`
	BotUserID      string   `json:"bot_user_id"`
	GuildID        string   `json:"guild_id"`
	OwnerID        string   `json:"owner_id"`
	TextChannelID  string   `json:"text_channel_id"`
	VoiceChannelID string   `json:"voice_channel_id"`
	MemberIDs      []string `json:"member_ids"`
	Profile        string   `json:"profile"`
}

func runEmulator(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) error {
	addr := fs.String("addr", "127.0.0.1:8787", "address to listen on; port 0 picks a free one")
	profile := fs.String("profile", "realistic", "rate limits: realistic (Discord's) or none")
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("takes no arguments")
	}
	if _, err := ratelimit.ProfileByName(*profile); err != nil {
		return usageError("--profile: %v", err)
	}
	e, err := discordtest.NewServer(discordtest.WithProfile(*profile))
	if err != nil {
		return fmt.Errorf("building the emulator: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *addr, err)
	}
	e.Start(ln)
	defer e.Close()

	seed := e.Seed()
	base := "http://" + ln.Addr().String()
	info := emulatorInfo{
		APIBase:        base,
		RESTURL:        seed.APIBase,
		GatewayURL:     seed.GatewayURL,
		ControlURL:     base + "/_emulator/",
		Token:          seed.Token,
		ApplicationID:  seed.ApplicationID,
		BotUserID:      seed.BotUserID,
		GuildID:        seed.GuildID,
		OwnerID:        seed.OwnerID,
		TextChannelID:  seed.TextChannelID,
		VoiceChannelID: seed.VoiceChannelID,
		MemberIDs:      seed.MemberIDs,
		Profile:        strings.ToLower(*profile),
	}
	line, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("encoding the emulator's address: %w", err)
	}
	fmt.Fprintln(env.Stdout, string(line))
	fmt.Fprintf(env.Stderr, "emulator serving on %s (Ctrl-C to stop). To point the bot at it:\n"+
		"  DISCORD_TOKEN=%s with [discord] api_base = %q and guild_ids = [%q]\n", base, seed.Token, base, seed.GuildID)
	<-ctx.Done()
	return nil
}
