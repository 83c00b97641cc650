package discordtest_test

import (
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// BenchmarkMessageSend measures one discordgo ChannelMessageSend through the
// whole stack: auth, faults, rate limits (profile none), spec validation,
// the handler and the MESSAGE_CREATE dispatch.
func BenchmarkMessageSend(b *testing.B) {
	e := discordtest.New(b, discordtest.WithProfile("none"))
	seed := e.Seed()
	s := e.Session(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.ChannelMessageSend(seed.TextChannelID, "hello"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSlashCommand measures a member's command to the app's answer
// being stored: INTERACTION_CREATE over the gateway, the discordgo handler,
// the callback over REST.
func BenchmarkSlashCommand(b *testing.B) {
	e := discordtest.New(b, discordtest.WithProfile("none"))
	seed := e.Seed()
	s := e.Session(b)
	if _, err := s.ApplicationCommandBulkOverwrite(seed.ApplicationID, seed.GuildID, []*discordgo.ApplicationCommand{pingCommand}); err != nil {
		b.Fatal(err)
	}
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		_ = s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Content: "pong"}})
	})
	member := e.Members()[0]
	b.ResetTimer()
	for b.Loop() {
		inter, err := member.RunCommand("ping", map[string]any{"word": "x"}, seed.TextChannelID)
		if err != nil {
			b.Fatal(err)
		}
		inter.WaitResponse(b, wait)
	}
}
