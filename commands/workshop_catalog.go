package commands

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// The read-only parts of /workshop: the curricula (list and the start
// command's autocomplete) and the guild's past runs.

// maxChoices is Discord's limit on autocomplete choices.
const maxChoices = 25

// autocomplete suggests curricula whose id or title contains what was
// typed, case-insensitively.
func (w *Workshop) autocomplete(ctx *Context) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	name, typed := ctx.Focused()
	if name != "curriculum" {
		return nil, nil
	}
	typed = strings.ToLower(strings.TrimSpace(typed))
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, c := range w.deps.Library.List() {
		if typed != "" && !strings.Contains(strings.ToLower(c.ID), typed) && !strings.Contains(strings.ToLower(c.Title), typed) {
			continue
		}
		label := Truncate(c.Title+" · "+formatMinutes(c.TotalDuration()), 100)
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: label, Value: c.ID})
		if len(out) == maxChoices {
			break
		}
	}
	return out, nil
}

// list shows the curricula with their length and when people first get
// to work.
func (w *Workshop) list(ctx *Context) error {
	curricula := w.deps.Library.List()
	if len(curricula) == 0 {
		return ctx.Reply(true, "No curricula are loaded. Add *.toml files to a curricula directory in bot.toml.")
	}
	var b strings.Builder
	for _, c := range curricula {
		fmt.Fprintf(&b, "**%s** (`%s`)\n%s in all · first exercise after %s", c.Title, c.ID,
			formatMinutes(c.TotalDuration()), formatMinutes(c.FirstExerciseOffset()))
		if c.Summary != "" {
			b.WriteString("\n" + Truncate(c.Summary, 200))
		}
		b.WriteString("\n\n")
	}
	b.WriteString("Start one with `/workshop start curriculum:<id>`.")
	return ctx.ReplyEmbed(true, &discordgo.MessageEmbed{
		Title:       "Curricula",
		Description: Truncate(b.String(), maxEmbedDescription),
		Color:       0x5865F2,
	})
}

// history shows the guild's latest runs.
func (w *Workshop) history(ctx *Context) error {
	if ctx.GuildID() == "" {
		return workshop.Errorf(workshop.EINVALID, "Workshops run in a server, not in direct messages.")
	}
	runs, err := w.deps.Store.RecentRuns(ctx, ctx.GuildID(), historyLimit)
	if err != nil {
		return fmt.Errorf("recent runs of guild %s: %w", ctx.GuildID(), err)
	}
	if len(runs) == 0 {
		return ctx.Reply(true, "No workshops have run in this server yet. Start one with `/workshop start`.")
	}
	var b strings.Builder
	for _, r := range runs {
		fmt.Fprintf(&b, "**%s** · %s · %s in %s · %d participant%s · %d submission%s\n",
			r.Curriculum.Title, stateWords(r.State), dateOf(r), ChannelMention(r.MainChannelID),
			r.ActiveParticipants(), plural(int64(r.ActiveParticipants())),
			len(r.Submissions), plural(int64(len(r.Submissions))))
	}
	return ctx.ReplyEmbed(true, &discordgo.MessageEmbed{
		Title:       "Workshops in this server",
		Description: Truncate(b.String(), maxEmbedDescription),
		Color:       0x5865F2,
	})
}

// dateOf is when the run began (or was created, if it never began), as a
// date each reader sees in their own locale.
func dateOf(r *workshop.Run) string {
	t := r.CreatedAt
	if len(r.Timing) > 0 && !r.Timing[0].StartedAt.IsZero() {
		t = r.Timing[0].StartedAt
	}
	return "<t:" + strconv.FormatInt(t.Unix(), 10) + ":d>"
}

func stateWords(s workshop.RunState) string {
	switch s {
	case workshop.RunLobby:
		return "open for joining"
	case workshop.RunIntro, workshop.RunStep, workshop.RunDebrief:
		return "running"
	case workshop.RunEnded:
		return "ended"
	case workshop.RunCancelled:
		return "cancelled"
	}
	return string(s)
}
