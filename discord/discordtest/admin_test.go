package discordtest_test

import (
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/discord/discordtest"
)

// A permission the bot was created without is refused until an admin
// grants it; then the same request succeeds.
func TestGrantBotPermissionLiftsTheRefusal(t *testing.T) {
	t.Parallel()
	e := discordtest.New(t, discordtest.WithoutBotPermission(discordgo.PermissionManageChannels))
	s := e.Session(t)
	seed := e.Seed()
	if _, err := s.GuildChannelCreate(seed.GuildID, "before", discordgo.ChannelTypeGuildText); err == nil {
		t.Fatal("creating a channel without Manage Channels succeeded")
	}
	if err := e.GrantBotPermission(discordgo.PermissionManageChannels); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GuildChannelCreate(seed.GuildID, "after", discordgo.ChannelTypeGuildText); err != nil {
		t.Fatalf("creating a channel once Manage Channels is granted: %v", err)
	}
	if got := e.Permissions(seed.TextChannelID, seed.BotUserID); got&discordgo.PermissionManageChannels == 0 {
		t.Errorf("the bot's permissions %b lack Manage Channels after the grant", got)
	}
}
