package commands

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// MaxContentLength is Discord's limit on a message's content.
const MaxContentLength = 2000

// Timestamp renders t as a relative Discord timestamp (<t:UNIX:R>): every
// reader sees a live countdown in their own locale, and the message never
// needs editing as time passes.
func Timestamp(t time.Time) string { return "<t:" + strconv.FormatInt(t.Unix(), 10) + ":R>" }

// Clock renders t as a short local time (<t:UNIX:t>), e.g. "14:05" for
// each reader in their own zone.
func Clock(t time.Time) string { return "<t:" + strconv.FormatInt(t.Unix(), 10) + ":t>" }

// Mention renders a user mention.
func Mention(userID string) string { return "<@" + userID + ">" }

// ChannelMention renders a channel mention, a link members can click.
func ChannelMention(channelID string) string { return "<#" + channelID + ">" }

// JumpLink is the URL of a message, which Discord shows as a jump link.
func JumpLink(guildID, channelID, messageID string) string {
	return "https://discord.com/channels/" + guildID + "/" + channelID + "/" + messageID
}

// Truncate shortens s to at most n characters (runes), ending with "…" when
// it had to cut. It never splits a multi-byte character.
func Truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, count := 0, 0
	for i := range s {
		if count == n-1 {
			cut = i
			break
		}
		count++
	}
	return s[:cut] + "…"
}

// EphemeralFlag returns the message flags for an answer only its member
// sees (ephemeral true) or everyone in the channel sees.
func EphemeralFlag(ephemeral bool) discordgo.MessageFlags {
	if ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}
