package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// levelNone is the select value of "I'd rather not say".
const levelNone = "none"

// join answers a lobby's Join button with the experience-level select;
// choosing a level (chooseLevel) is what joins. It refuses at once what
// the join would refuse, so nobody picks a level for nothing.
func (w *Workshop) join(ctx *Context) error {
	runID, err := runIDArg(ctx.ID())
	if err != nil {
		return err
	}
	run, err := w.deps.Store.FindRun(ctx, runID)
	if err != nil {
		return err
	}
	userID := ctx.Member().UserID
	switch {
	case run.State.Over():
		return workshop.Errorf(workshop.ECONFLICT, "This workshop has ended; you can no longer join it.")
	case userID == run.HostID:
		return workshop.Errorf(workshop.ECONFLICT, "You're hosting this workshop, so you aren't placed in a group. Use the host panel to run it.")
	case run.IsParticipant(userID):
		return workshop.Errorf(workshop.ECONFLICT, "You've already joined %s.", run.Curriculum.Title)
	}
	cid, err := encode(KindLevel, runIDString(runID))
	if err != nil {
		return err
	}
	one := 1
	menu := discordgo.SelectMenu{
		MenuType: discordgo.StringSelectMenu, CustomID: cid, Placeholder: "Your experience with this topic",
		MinValues: &one, MaxValues: 1,
		Options: []discordgo.SelectMenuOption{
			{Label: "New to it", Value: string(workshop.ExperienceNew), Description: "First time, or nearly"},
			{Label: "Some experience", Value: string(workshop.ExperienceSome), Description: "Done it a few times"},
			{Label: "Experienced", Value: string(workshop.ExperienceExperienced), Description: "Done it often"},
			{Label: "I'd rather not say", Value: levelNone},
		},
	}
	return ctx.Reply(true, "Welcome to **"+run.Curriculum.Title+"**! Pick your experience level to join: it helps the bot mix the groups.",
		WithComponents(discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}}))
}

// chooseLevel joins with the level picked and turns the select into the
// confirmation.
func (w *Workshop) chooseLevel(ctx *Context) error {
	runID, err := runIDArg(ctx.ID())
	if err != nil {
		return err
	}
	values := ctx.Values()
	if len(values) != 1 {
		return workshop.Errorf(workshop.EINVALID, "Pick one experience level.")
	}
	level := workshop.Experience(values[0])
	if values[0] == levelNone {
		level = ""
	}
	userID := ctx.Member().UserID
	d, err := w.do(ctx, runID, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.Join(r, userID, level, now)
	})
	if err != nil {
		return err
	}
	text := d.withWarning(joinedText(d.run, userID))
	if ctx.Message() == nil {
		return ctx.Reply(true, text)
	}
	return ctx.Update(text, WithComponents())
}

// joinedText confirms a join and says what happens next.
func joinedText(r *workshop.Run, userID string) string {
	var b strings.Builder
	b.WriteString("✅ You've joined **" + r.Curriculum.Title + "**.")
	switch {
	case r.State == workshop.RunLobby && !r.StartsAt.IsZero():
		b.WriteString(" It begins " + Timestamp(r.StartsAt) + ".")
	case r.State == workshop.RunLobby:
		b.WriteString(" It begins when the host starts it.")
	default:
		for fi := len(r.Formations) - 1; fi >= 0; fi-- {
			if g := r.GroupOf(fi, userID); g > 0 {
				b.WriteString(" You're in **" + r.Formations[fi].Groups[g-1].Name + "**.")
				break
			}
		}
	}
	b.WriteString(" To leave, use the lobby's Leave button.")
	return b.String()
}

// leave takes the member out of the run.
func (w *Workshop) leave(ctx *Context) error {
	runID, err := runIDArg(ctx.ID())
	if err != nil {
		return err
	}
	userID := ctx.Member().UserID
	d, err := w.do(ctx, runID, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.Leave(r, userID, now)
	})
	if err != nil {
		return err
	}
	return d.reply(ctx, "👋 You've left **"+d.run.Curriculum.Title+"**. Join again any time before it ends.")
}

// helpButton is "Ask for help" on a prompt.
func (w *Workshop) helpButton(ctx *Context) error {
	runID, err := runIDArg(ctx.ID())
	if err != nil {
		return err
	}
	return w.askHelp(ctx, runID)
}

// helpCommand is /help, in the run's channel, a room, or anywhere for a
// member of exactly one running workshop.
func (w *Workshop) helpCommand(ctx *Context) error {
	run, err := w.runForHelp(ctx)
	if err != nil {
		return err
	}
	return w.askHelp(ctx, run.ID)
}

func (w *Workshop) askHelp(ctx *Context, runID int64) error {
	userID := ctx.Member().UserID
	d, err := w.do(ctx, runID, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.AskHelp(r, userID, now)
	})
	if err != nil {
		return err
	}
	return d.reply(ctx, d.acknowledgement(userID, "The hosts have been told."))
}

// chooseRoom puts the member in the self-select room they picked.
func (w *Workshop) chooseRoom(ctx *Context) error {
	runID, err := runIDArg(ctx.ID())
	if err != nil {
		return err
	}
	group, err := intArg(ctx.ID(), 1)
	if err != nil {
		return err
	}
	userID := ctx.Member().UserID
	d, err := w.do(ctx, runID, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		return e.ChooseGroup(r, userID, group, now)
	})
	if err != nil {
		return err
	}
	name := fmt.Sprintf("Group %d", group)
	for fi := len(d.run.Formations) - 1; fi >= 0; fi-- {
		if g := d.run.GroupOf(fi, userID); g == group {
			name = d.run.Formations[fi].Groups[g-1].Name
			break
		}
	}
	return d.reply(ctx, "✅ You're in **"+name+"**.")
}

// openSubmit answers a Submit button with the submission modal, after
// checking what the submission itself would refuse outright.
func (w *Workshop) openSubmit(ctx *Context) error {
	runID, err := runIDArg(ctx.ID())
	if err != nil {
		return err
	}
	step, err := intArg(ctx.ID(), 1)
	if err != nil {
		return err
	}
	run, err := w.deps.Store.FindRun(ctx, runID)
	if err != nil {
		return err
	}
	switch {
	case !run.State.Live():
		return workshop.Errorf(workshop.ECONFLICT, "The workshop isn't running, so nothing can be handed in.")
	case !run.IsParticipant(ctx.Member().UserID):
		return workshop.Errorf(workshop.EFORBIDDEN, "Only the workshop's participants can hand in work. Join first.")
	case step >= len(run.Curriculum.Steps):
		return workshop.Errorf(workshop.ENOTFOUND, "This workshop has no step %d.", step+1)
	}
	s := run.Curriculum.Steps[step]
	if s.Deliverable == "" {
		return workshop.Errorf(workshop.EINVALID, "**%s** doesn't ask you to hand anything in.", s.Title)
	}
	return ctx.Modal(NewID(KindSubmit, runIDString(runID), fmt.Sprint(step)), "Submit: "+s.Title, discordgo.TextInput{
		CustomID: submissionField, Label: Truncate(s.Deliverable, 45), Style: discordgo.TextInputParagraph,
		Placeholder: Truncate(s.Deliverable, 100), Required: true, MinLength: 1, MaxLength: workshop.MaxSubmissionLen,
	})
}

// submit stores what the member handed in through the modal. The run
// notes the submission and the store keeps its text; the member hears
// back only once both are saved.
func (w *Workshop) submit(ctx *Context) error {
	runID, err := runIDArg(ctx.ID())
	if err != nil {
		return err
	}
	step, err := intArg(ctx.ID(), 1)
	if err != nil {
		return err
	}
	text, _ := ctx.Field(submissionField)
	userID := ctx.Member().UserID
	var sub workshop.Submission
	d, err := w.do(ctx, runID, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		s, fx, err := e.Submit(r, userID, step, text, now)
		sub = s
		return fx, err
	})
	if err != nil {
		return err
	}
	// Saved after the run's transaction, not inside it: the store's
	// submission row refers to the run row that transaction holds locked.
	if err := w.deps.Store.SaveSubmission(ctx, sub); err != nil {
		return fmt.Errorf("save submission of run %d step %d: %w", runID, step, err)
	}
	return d.reply(ctx, d.acknowledgement(userID, "Thanks! Your submission is saved."))
}
