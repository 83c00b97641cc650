package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
)

func (a *Accountability) supportSetup(ctx *Context) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	ch, ok := ctx.Channel("channel")
	if !ok || ch == nil {
		return accountability.Errorf(accountability.EINVALID, "Please choose a text or forum channel for support questions.")
	}
	st, err := a.deps.Service.SupportSetup(ctx, ctx.GuildID(), ch.ID, int(ctx.IntOr("nudge_after", 0)), admin(ctx))
	if err != nil {
		return err
	}
	return ctx.Reply(true, fmt.Sprintf("/ask now opens questions in <#%s>; one still unanswered after %s gets a nudge.", st.ChannelID, formatHours(st.NudgeAfter)))
}

func formatHours(d time.Duration) string {
	h := int(d / time.Hour)
	if h == 1 {
		return "1 hour"
	}
	return fmt.Sprintf("%d hours", h)
}

func (a *Accountability) supportStats(ctx *Context) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	st, err := a.deps.Service.SupportStats(ctx, ctx.GuildID())
	if err != nil {
		return err
	}
	median := "no answers yet"
	if st.Answered > 0 {
		median = roundDuration(st.MedianTimeToFirstAnswer) + fmt.Sprintf(" (%d answered)", st.Answered)
	}
	helpers := "nobody yet"
	if len(st.TopHelpers) > 0 {
		lines := make([]string, len(st.TopHelpers))
		for i, h := range st.TopHelpers {
			lines[i] = fmt.Sprintf("%d. <@%s>: %d", i+1, h.UserID, h.Threads)
		}
		helpers = strings.Join(lines, "\n")
	}
	unanswered := fmt.Sprint(st.Unanswered)
	if st.Unanswered > 0 {
		unanswered += ", oldest waiting " + roundDuration(st.OldestUnanswered)
	}
	return ctx.Reply(true, "", WithEmbeds(&discordgo.MessageEmbed{
		Title: "Support this month",
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Open", Value: fmt.Sprint(st.Open), Inline: true},
			{Name: "Unanswered", Value: unanswered, Inline: true},
			{Name: "Median time to first answer", Value: median},
			{Name: "Top helpers", Value: helpers},
		},
	}), WithAllowedMentions(&discordgo.MessageAllowedMentions{}))
}

// roundDuration shows a wait to the minute ("2h5m"), or in seconds under a
// minute.
func roundDuration(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	s := d.Round(time.Minute).String()
	return strings.TrimSuffix(s, "0s")
}

func (a *Accountability) ask(ctx *Context) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	t, err := a.deps.Service.Ask(ctx, accountability.AskRequest{
		GuildID: ctx.GuildID(), AskerID: ctx.Member().UserID, Topic: ctx.StringOr("topic", ""), Details: ctx.StringOr("details", ""),
	})
	if err != nil {
		return err
	}
	return ctx.Reply(true, fmt.Sprintf("Your question is open in <#%s>. When it is solved, press \"Mark resolved\" there or run /resolve in the thread.", t.ThreadID))
}

func (a *Accountability) resolve(ctx *Context) error {
	helper := ""
	if u, ok := ctx.User("helper"); ok && u != nil {
		helper = u.ID
	}
	return a.resolveThread(ctx, helper)
}

func (a *Accountability) resolveButton(ctx *Context) error { return a.resolveThread(ctx, "") }

// resolveThread resolves the support question of the thread the member is
// in (the interaction's channel).
func (a *Accountability) resolveThread(ctx *Context, helperID string) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	t, err := a.deps.Service.Resolve(ctx, ctx.ChannelID(), moderator(ctx), helperID)
	if err != nil {
		return err
	}
	if t.HelperID == "" {
		return ctx.Reply(true, "Marked resolved.")
	}
	return ctx.Reply(true, fmt.Sprintf("Marked resolved; <@%s> was thanked.", t.HelperID), WithAllowedMentions(&discordgo.MessageAllowedMentions{}))
}
