package commands

import (
	"strconv"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// The host panel: an ephemeral message with the host controls as buttons.
// Each click does what the matching subcommand does, checked the same way
// on the locked run, and redraws the panel with the run's new status.

// panel opens the host panel for the run in this channel.
func (w *Workshop) panel(ctx *Context) error {
	run, err := w.runHere(ctx)
	if err != nil {
		return err
	}
	if err := run.Authorize(actor(ctx.Member()), w.hostRoles(run.GuildID), "control"); err != nil {
		return err
	}
	rows, err := panelRows(run)
	if err != nil {
		return err
	}
	return ctx.Reply(true, "🎛️ Host panel\n\n"+w.deps.Runner.Engine.Status(run, ctx.Now()), WithComponents(rows...))
}

// panelAction is a panel button applying v.
func (w *Workshop) panelAction(v hostVerb) Handler {
	return func(ctx *Context) error {
		runID, err := runIDArg(ctx.ID())
		if err != nil {
			return err
		}
		return w.panelDo(ctx, runID, v)
	}
}

// panelExtend adds the minutes its button carries.
func (w *Workshop) panelExtend(ctx *Context) error {
	runID, err := runIDArg(ctx.ID())
	if err != nil {
		return err
	}
	minutes, err := intArg(ctx.ID(), 1)
	if err != nil {
		return err
	}
	if int64(minutes) < MinExtend || int64(minutes) > MaxExtend {
		return workshop.Errorf(workshop.EINVALID, "You can extend by %d to %d minutes at a time.", MinExtend, MaxExtend)
	}
	return w.panelDo(ctx, runID, verbExtend(int64(minutes)))
}

func (w *Workshop) panelDo(ctx *Context, runID int64, v hostVerb) error {
	d, err := w.hostDo(ctx, runID, v)
	if err != nil {
		return err
	}
	return w.redraw(ctx, d.run, d.withWarning(v.done+"\n\n"+d.status))
}

// panelStatus redraws the panel with the run as it is now.
func (w *Workshop) panelStatus(ctx *Context) error {
	runID, err := runIDArg(ctx.ID())
	if err != nil {
		return err
	}
	run, err := w.deps.Store.FindRun(ctx, runID)
	if err != nil {
		return err
	}
	if err := run.Authorize(actor(ctx.Member()), w.hostRoles(run.GuildID), "control"); err != nil {
		return err
	}
	return w.redraw(ctx, run, w.deps.Runner.Engine.Status(run, ctx.Now()))
}

// redraw shows text and the buttons that fit the run on the panel the
// click came from (or answers anew when it came from elsewhere).
func (w *Workshop) redraw(ctx *Context, run *workshop.Run, text string) error {
	rows, err := panelRows(run)
	if err != nil {
		return err
	}
	content := "🎛️ Host panel\n\n" + text
	if ctx.Message() == nil {
		return ctx.Reply(true, content, WithComponents(rows...))
	}
	return ctx.Update(content, WithComponents(rows...))
}

// openBroadcast opens the broadcast modal.
func (w *Workshop) openBroadcast(ctx *Context) error {
	runID, err := runIDArg(ctx.ID())
	if err != nil {
		return err
	}
	return ctx.Modal(NewID(KindHostBroadcast, runIDString(runID)), "Broadcast to every room", discordgo.TextInput{
		CustomID: broadcastField, Label: "Message", Style: discordgo.TextInputParagraph,
		Placeholder: "Everyone sees this in the main channel and in their room.",
		Required:    true, MinLength: 1, MaxLength: workshop.MaxBroadcastLen,
	})
}

// broadcastModal sends what the host wrote in the broadcast modal.
func (w *Workshop) broadcastModal(ctx *Context) error {
	runID, err := runIDArg(ctx.ID())
	if err != nil {
		return err
	}
	field, _ := ctx.Field(broadcastField)
	text, err := broadcastText(field)
	if err != nil {
		return err
	}
	v := verbBroadcast(text)
	d, err := w.hostDo(ctx, runID, v)
	if err != nil {
		return err
	}
	return d.reply(ctx, v.done)
}

// panelRows are the buttons that make sense in the run's state: Begin in
// the lobby, Pause or Resume, extend and Skip while it runs, Broadcast,
// Status and End until it is over.
func panelRows(run *workshop.Run) ([]discordgo.MessageComponent, error) {
	id := runIDString(run.ID)
	type spec struct {
		label string
		style discordgo.ButtonStyle
		kind  string
		args  []string
	}
	var first, second []spec
	switch {
	case run.State == workshop.RunLobby:
		first = append(first, spec{"Begin", discordgo.SuccessButton, KindHostBegin, nil})
	case run.State.Live():
		if run.Paused {
			first = append(first, spec{"Resume", discordgo.SuccessButton, KindHostResume, nil})
		} else {
			first = append(first, spec{"Pause", discordgo.SecondaryButton, KindHostPause, nil})
		}
		first = append(first,
			spec{"+" + strconv.Itoa(PanelExtendStep) + " min", discordgo.SecondaryButton, KindHostExtend, []string{strconv.Itoa(PanelExtendStep)}},
			spec{"Skip", discordgo.SecondaryButton, KindHostSkip, nil})
	}
	if !run.State.Over() {
		second = append(second,
			spec{"Broadcast…", discordgo.PrimaryButton, KindHostBroadcast, nil},
			spec{"Status", discordgo.SecondaryButton, KindHostStatus, nil},
			spec{"End", discordgo.DangerButton, KindHostEnd, nil})
	} else {
		second = append(second, spec{"Status", discordgo.SecondaryButton, KindHostStatus, nil})
	}
	var rows []discordgo.MessageComponent
	for _, specs := range [][]spec{first, second} {
		if len(specs) == 0 {
			continue
		}
		var buttons []discordgo.MessageComponent
		for _, s := range specs {
			cid, err := encode(s.kind, append([]string{id}, s.args...)...)
			if err != nil {
				return nil, err
			}
			buttons = append(buttons, discordgo.Button{Label: s.label, Style: s.style, CustomID: cid})
		}
		rows = append(rows, discordgo.ActionsRow{Components: buttons})
	}
	return rows, nil
}
