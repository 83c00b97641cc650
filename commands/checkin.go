package commands

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/chart"
)

// openCheckin answers /checkin and the prompt's "Check in" button with the
// check-in modal. It opens at once (a modal must be the first answer); the
// channel is checked on submit, where an error can be shown.
func (a *Accountability) openCheckin(ctx *Context) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	return ctx.Modal(NewID(KindCheckin, ctx.ChannelID()), "Check in",
		discordgo.TextInput{CustomID: fieldDone, Label: "Done since last time", Style: discordgo.TextInputParagraph,
			Required: true, MaxLength: accountability.MaxCheckinField, Placeholder: "Even a small step counts"},
		discordgo.TextInput{CustomID: fieldNext, Label: "Next", Style: discordgo.TextInputParagraph,
			MaxLength: accountability.MaxCheckinField, Placeholder: "What you will do next"},
		discordgo.TextInput{CustomID: fieldBlockers, Label: "Blockers", Style: discordgo.TextInputParagraph,
			MaxLength: accountability.MaxCheckinField, Placeholder: "Anything in your way? Peers may help"},
		discordgo.TextInput{CustomID: fieldMood, Label: "Mood 1-5 (optional)", Style: discordgo.TextInputShort,
			MaxLength: 1, Placeholder: "1 = low, 5 = great"},
	)
}

// submitCheckin stores the modal's check-in through the Service, which
// posts it in the channel (or edits the day's earlier one).
func (a *Accountability) submitCheckin(ctx *Context) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	channelID := ctx.ID().Arg(0)
	if channelID == "" {
		channelID = ctx.ChannelID()
	}
	field := func(name string) string { v, _ := ctx.Field(name); return v }
	mood, err := accountability.ParseMood(field(fieldMood))
	if err != nil {
		return err
	}
	res, err := a.deps.Service.CheckIn(ctx, accountability.CheckinRequest{
		GuildID: ctx.GuildID(), ChannelID: channelID, UserID: ctx.Member().UserID,
		Input: accountability.CheckinInput{Done: field(fieldDone), Next: field(fieldNext), Blockers: field(fieldBlockers), Mood: mood},
	})
	if err != nil {
		return err
	}
	verb := "Checked in"
	if !res.Created {
		verb = "Updated your check-in"
	}
	return ctx.Reply(true, fmt.Sprintf("%s for %s in <#%s>. Streak: %s.", verb, res.Checkin.Date, res.Checkin.ChannelID, streakUnits(res.Streak.Current, res.Cadence)))
}

// streakUnits says a streak length in its unit: days, or weeks for the
// weekly cadence.
func streakUnits(n int, c accountability.Cadence) string {
	unit := "day"
	if c == accountability.Weekly {
		unit = "week"
	}
	if n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", n, unit)
}

// streakFile is the name of /streak's heatmap attachment.
const streakFile = "streak.png"

// streak answers /streak with an embed and the heatmap as a PNG attachment.
func (a *Accountability) streak(ctx *Context) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	userID, name := ctx.Member().UserID, ctx.Member().DisplayName
	if u, ok := ctx.User("member"); ok && u != nil {
		userID, name = u.ID, u.Username
		if u.GlobalName != "" {
			name = u.GlobalName
		}
	}
	rep, err := a.deps.Service.Streak(ctx, ctx.GuildID(), ctx.ChannelID(), userID, accountability.DefaultHeatmapWeeks)
	if err != nil {
		return err
	}
	png, err := chart.HeatmapPNG(rep.Weeks, fmt.Sprintf("%s: last %d weeks", name, len(rep.Weeks)))
	if err != nil {
		return fmt.Errorf("draw streak heatmap of %s: %w", userID, err)
	}
	s := rep.Streak
	last := "never"
	if !s.LastCheckin.IsZero() {
		last = s.LastCheckin.String()
	}
	embed := &discordgo.MessageEmbed{
		Title:       Truncate("Streak of "+name, 256),
		Description: fmt.Sprintf("In <#%s> (%s check-ins), counted in %s days.", rep.Channel.ChannelID, rep.Cadence, zoneName(rep)),
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Current", Value: streakUnits(s.Current, rep.Cadence), Inline: true},
			{Name: "Best", Value: streakUnits(s.Best, rep.Cadence), Inline: true},
			{Name: "This month", Value: fmt.Sprintf("%d check-ins", s.ThisMonth), Inline: true},
			{Name: "Last check-in", Value: last, Inline: true},
		},
		Image: &discordgo.MessageEmbedImage{URL: "attachment://" + streakFile},
	}
	return ctx.Reply(false, "", WithEmbeds(embed), WithAllowedMentions(&discordgo.MessageAllowedMentions{}),
		WithFiles(&discordgo.File{Name: streakFile, ContentType: "image/png", Reader: bytes.NewReader(png)}))
}

func zoneName(rep accountability.StreakReport) string {
	if rep.Zone == nil {
		return "UTC"
	}
	return strings.ReplaceAll(rep.Zone.String(), "_", " ") + "'s"
}
