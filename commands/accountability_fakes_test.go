package commands

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
)

// sessionNotifier carries out the Service's Discord effects through a
// discordgo session, so emulator tests see check-ins, prompts and support
// threads as members would. It is the smallest faithful Notifier, for
// tests only: the real one (package discord) renders richer messages and
// paces its requests.
type sessionNotifier struct {
	s *discordgo.Session
}

var _ accountability.Notifier = sessionNotifier{}

func noPings() *discordgo.MessageAllowedMentions { return &discordgo.MessageAllowedMentions{} }

func button(label, customID string) []discordgo.MessageComponent {
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: label, Style: discordgo.PrimaryButton, CustomID: customID}}}}
}

// translate gives the Service the domain's view of a Discord failure.
func translate(what string, err error) error {
	if err == nil {
		return nil
	}
	if rest, ok := err.(*discordgo.RESTError); ok && rest.Response != nil && rest.Response.StatusCode == 404 {
		return fmt.Errorf("%s: %w", what, accountability.Errorf(accountability.ENOTFOUND, "It is gone."))
	}
	return fmt.Errorf("%s: %w", what, err)
}

func (n sessionNotifier) PostPrompt(ctx context.Context, p accountability.PromptPost) (string, error) {
	m, err := n.s.ChannelMessageSendComplex(p.Channel.ChannelID, &discordgo.MessageSend{
		Content: "Time to check in for " + p.Date.String(), Components: button("Check in", accountability.CheckinButtonID)}, discordgo.WithContext(ctx))
	if err != nil {
		return "", translate("post prompt", err)
	}
	return m.ID, nil
}

func checkinEmbed(p accountability.CheckinPost) *discordgo.MessageEmbed {
	return &discordgo.MessageEmbed{Title: "Check-in " + p.Date.String(), Description: "<@" + p.UserID + ">",
		Fields: []*discordgo.MessageEmbedField{{Name: "Done", Value: p.Done}, {Name: "Streak", Value: fmt.Sprint(p.Streak.Current)}}}
}

func (n sessionNotifier) PostCheckin(ctx context.Context, p accountability.CheckinPost) (string, error) {
	m, err := n.s.ChannelMessageSendComplex(p.ChannelID, &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{checkinEmbed(p)}, AllowedMentions: noPings()}, discordgo.WithContext(ctx))
	if err != nil {
		return "", translate("post check-in", err)
	}
	return m.ID, nil
}

func (n sessionNotifier) EditCheckin(ctx context.Context, messageID string, p accountability.CheckinPost) error {
	embeds := []*discordgo.MessageEmbed{checkinEmbed(p)}
	_, err := n.s.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: messageID, Channel: p.ChannelID, Embeds: &embeds}, discordgo.WithContext(ctx))
	return translate("edit check-in", err)
}

func (n sessionNotifier) SendReminder(ctx context.Context, r accountability.ReminderNotice) (accountability.ReminderDelivery, error) {
	dm, err := n.s.UserChannelCreate(r.UserID, discordgo.WithContext(ctx))
	if err == nil {
		if _, err = n.s.ChannelMessageSend(dm.ID, "Time to check in in <#"+r.ChannelID+">", discordgo.WithContext(ctx)); err == nil {
			return accountability.DeliveredByDM, nil
		}
	}
	_, err = n.s.ChannelMessageSend(r.ChannelID, "<@"+r.UserID+"> time to check in", discordgo.WithContext(ctx))
	return accountability.DeliveredByMention, translate("remind", err)
}

func (n sessionNotifier) PostDigest(ctx context.Context, p accountability.DigestPost) (string, error) {
	send := &discordgo.MessageSend{Content: p.Text, AllowedMentions: noPings()}
	if len(p.PNG) > 0 {
		send.Files = []*discordgo.File{{Name: "participation.png", ContentType: "image/png", Reader: bytes.NewReader(p.PNG)}}
	}
	m, err := n.s.ChannelMessageSendComplex(p.ChannelID, send, discordgo.WithContext(ctx))
	if err != nil {
		return "", translate("post digest", err)
	}
	return m.ID, nil
}

func (n sessionNotifier) OpenSupportThread(ctx context.Context, q accountability.SupportQuestion) (string, error) {
	th, err := n.s.ThreadStart(q.ChannelID, q.Topic, discordgo.ChannelTypeGuildPublicThread, 1440, discordgo.WithContext(ctx))
	if err != nil {
		return "", translate("open thread", err)
	}
	_, err = n.s.ChannelMessageSendComplex(th.ID, &discordgo.MessageSend{
		Content: "<@" + q.AskerID + "> asks: " + q.Details, Components: button("Mark resolved", accountability.ResolveButtonID),
		AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{q.AskerID}}}, discordgo.WithContext(ctx))
	if err != nil {
		return "", translate("post question", err)
	}
	return th.ID, nil
}

func (n sessionNotifier) PostInThread(ctx context.Context, threadID, text string) error {
	_, err := n.s.ChannelMessageSendComplex(threadID, &discordgo.MessageSend{Content: text, AllowedMentions: noPings()}, discordgo.WithContext(ctx))
	return translate("post in thread", err)
}

func (n sessionNotifier) Nudge(ctx context.Context, t accountability.Thread) error {
	return n.PostInThread(ctx, t.ChannelID, "Can anyone help with <#"+t.ThreadID+">?")
}

func (n sessionNotifier) Thank(ctx context.Context, t accountability.Thread) error {
	_, err := n.s.ChannelMessageSendComplex(t.ThreadID, &discordgo.MessageSend{
		Content:         strings.TrimSpace("Resolved. Thank you <@" + t.HelperID + ">!"),
		AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{t.HelperID}}}, discordgo.WithContext(ctx))
	return translate("thank", err)
}
