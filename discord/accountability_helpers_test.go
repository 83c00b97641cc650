package discord

import (
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// notifierEnv is an emulator, an unmodified discordgo session on it and a
// notifier speaking through that session. What Discord does in bad cases
// the emulator does itself: closed DMs (CloseDMs), forum posts, server
// errors (WithFaults), deleted channels.
type notifierEnv struct {
	e    *discordtest.Emulator
	s    *discordgo.Session
	n    *AccountabilityNotifier
	seed discordtest.SeedInfo
}

func newNotifierEnv(t *testing.T, opts ...discordtest.Option) *notifierEnv {
	t.Helper()
	e := discordtest.New(t, opts...)
	s := e.Session(t)
	n := NewAccountabilityNotifier(s, AccountabilityNotifierOptions{GlobalLimit: RateLimit{1000, time.Second}})
	return &notifierEnv{e: e, s: s, n: n, seed: e.Seed()}
}

// lastMessage returns the channel's newest message, failing when it has none.
func (env *notifierEnv) lastMessage(t *testing.T, channelID string) *discordgo.Message {
	t.Helper()
	msgs := env.e.Messages(channelID)
	if len(msgs) == 0 {
		t.Fatalf("no message in channel %s", channelID)
	}
	return msgs[len(msgs)-1]
}

// mentionedIDs lists whom a message pinged, as the emulator resolved it.
func mentionedIDs(m *discordgo.Message) []string {
	var ids []string
	for _, u := range m.Mentions {
		ids = append(ids, u.ID)
	}
	return ids
}
