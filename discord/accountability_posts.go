package discord

import (
	"bytes"
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
)

// PostPrompt posts the check-in prompt with its "Check in" button.
func (n *AccountabilityNotifier) PostPrompt(ctx context.Context, p accountability.PromptPost) (string, error) {
	return n.send(ctx, p.Channel.ChannelID, promptMessage(p), "post the check-in prompt", "Send Messages")
}

// PostCheckin posts the check-in as an embed under the member's name.
func (n *AccountabilityNotifier) PostCheckin(ctx context.Context, p accountability.CheckinPost) (string, error) {
	msg := &discordgo.MessageSend{
		Embeds:          []*discordgo.MessageEmbed{checkinEmbed(p, n.author(p.GuildID, p.UserID))},
		AllowedMentions: onlyUsers(),
	}
	return n.send(ctx, p.ChannelID, msg, "post the check-in", "Send Messages and Embed Links")
}

// EditCheckin replaces the embed of the day's check-in message; ENOTFOUND
// when it was deleted, so the Service posts a new one.
func (n *AccountabilityNotifier) EditCheckin(ctx context.Context, messageID string, p accountability.CheckinPost) error {
	embeds := []*discordgo.MessageEmbed{checkinEmbed(p, n.author(p.GuildID, p.UserID))}
	edit := &discordgo.MessageEdit{ID: messageID, Channel: p.ChannelID, Embeds: &embeds, AllowedMentions: onlyUsers()}
	return n.call(ctx, "update the check-in", "Send Messages and Embed Links", func(opt discordgo.RequestOption) error {
		_, err := n.s.ChannelMessageEditComplex(edit, opt)
		return err
	})
}

// SendReminder DMs the member and, when their DMs are closed (Discord
// error 50007), mentions them in the accountability channel instead.
func (n *AccountabilityNotifier) SendReminder(ctx context.Context, r accountability.ReminderNotice) (accountability.ReminderDelivery, error) {
	err := n.sendDM(ctx, r.UserID, reminderDM(r))
	if err == nil {
		return accountability.DeliveredByDM, nil
	} else if !dmClosed(err) {
		return "", err
	}
	n.log.Debug("reminder DM refused; mentioning in the channel", "user", r.UserID, "channel", r.ChannelID)
	msg := &discordgo.MessageSend{Content: reminderMention(r), AllowedMentions: onlyUsers(r.UserID)}
	if _, err := n.send(ctx, r.ChannelID, msg, "remind a member in the channel", "Send Messages"); err != nil {
		return "", err
	}
	return accountability.DeliveredByMention, nil
}

// PostDigest posts the weekly digest, pinging nobody, with the
// participation chart attached when there is one.
func (n *AccountabilityNotifier) PostDigest(ctx context.Context, p accountability.DigestPost) (string, error) {
	msg := &discordgo.MessageSend{Content: clipRunes(p.Text, maxContent), AllowedMentions: onlyUsers()}
	perm := "Send Messages"
	if len(p.PNG) > 0 {
		msg.Files = []*discordgo.File{{Name: digestFile(p.Week), ContentType: "image/png", Reader: bytes.NewReader(p.PNG)}}
		perm = "Send Messages and Attach Files"
	}
	return n.send(ctx, p.ChannelID, msg, fmt.Sprintf("post the weekly digest for %s", p.Week), perm)
}

// send posts msg in channelID and returns the message's ID.
func (n *AccountabilityNotifier) send(ctx context.Context, channelID string, msg *discordgo.MessageSend, doing, perm string) (string, error) {
	var m *discordgo.Message
	err := n.call(ctx, doing, perm, func(opt discordgo.RequestOption) error {
		var err error
		m, err = n.s.ChannelMessageSendComplex(channelID, msg, opt)
		return err
	})
	if err != nil {
		return "", err
	}
	return m.ID, nil
}

// author is the member's name and avatar for a check-in embed, from the
// session's State (no request: the embed's mention names them anyway when
// the State does not know them).
func (n *AccountabilityNotifier) author(guildID, userID string) *discordgo.MessageEmbedAuthor {
	st := n.s.State
	if !n.s.StateEnabled || st == nil {
		return nil
	}
	m, err := st.Member(guildID, userID)
	if err != nil {
		return nil
	}
	// The State updates its members in place under its lock.
	st.RLock()
	defer st.RUnlock()
	if m.User == nil || m.DisplayName() == "" {
		return nil
	}
	return &discordgo.MessageEmbedAuthor{Name: m.DisplayName(), IconURL: m.AvatarURL("64")}
}
