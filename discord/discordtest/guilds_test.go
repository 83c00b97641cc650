package discordtest_test

import (
	"testing"
	"time"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// A guild added while a session is connected reaches its State through
// GUILD_CREATE, and its channels and members are its own.
func TestAddGuildReachesConnectedSessions(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t, discordtest.WithMembers(2))
	s := e.Session(t)
	g := e.AddGuild("Second Server")
	if g.GuildID == e.Seed().GuildID || len(g.MemberIDs) != 2 {
		t.Fatalf("AddGuild = %+v; want a new guild with 2 members", g)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if got, err := s.State.Guild(g.GuildID); err == nil {
			if got.Name != "Second Server" {
				t.Errorf("the session knows the guild as %q", got.Name)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the connected session never learned of the added guild")
		}
		time.Sleep(10 * time.Millisecond)
	}
	ch, ok := e.Channel(g.TextChannelID)
	if !ok || ch.GuildID != g.GuildID {
		t.Fatalf("the added guild's text channel %+v is not in it", ch)
	}
	if e.CanSee(g.TextChannelID, e.Seed().MemberIDs[0]) {
		t.Error("a member of the seeded guild can see a channel of the added one")
	}
	if !e.CanSee(g.TextChannelID, g.MemberIDs[0]) {
		t.Error("a member of the added guild cannot see its text channel")
	}
	if e.Member(g.MemberIDs[0]) != nil {
		t.Error("Member found a member of the added guild among the seeded guild's")
	}
	if _, err := e.MemberOf(g.GuildID, g.MemberIDs[0]).RunCommand("nothing", nil, e.Seed().TextChannelID); err == nil {
		t.Error("a member of the added guild acted in the seeded guild's channel")
	}
}
