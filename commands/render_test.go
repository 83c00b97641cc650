package commands

import (
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func TestRender(t *testing.T) {
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ got, want string }{
		{Timestamp(at), "<t:1795510800:R>"},
		{Clock(at), "<t:1795510800:t>"},
		{Mention("42"), "<@42>"},
		{ChannelMention("7"), "<#7>"},
		{JumpLink("1", "2", "3"), "https://discord.com/channels/1/2/3"},
		{Truncate("hello", 5), "hello"},
		{Truncate("hello!", 5), "hell…"},
		{Truncate("héllo wörld", 3), "hé…"},
		{Truncate("abc", 1), "…"},
		{Truncate("abc", 0), ""},
		{Truncate("", 3), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if EphemeralFlag(true) != discordgo.MessageFlagsEphemeral || EphemeralFlag(false) != 0 {
		t.Error("EphemeralFlag")
	}
}
