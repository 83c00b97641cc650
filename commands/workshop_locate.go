package commands

import (
	"fmt"

	"github.com/roundtable-bot/roundtable/workshop"
)

// Finding the run a command is about. A slash command carries no run ID,
// only the channel it was run in: the run's main channel (the store knows
// it), or one of its breakout rooms (only the Discord adapter knows those,
// and it records them in the run's ledger).

// runHere finds the live run of the channel the command was run in.
// ENOTFOUND, with a hint, when there is none.
func (w *Workshop) runHere(ctx *Context) (*workshop.Run, error) {
	guild, channel := ctx.GuildID(), ctx.ChannelID()
	if guild == "" {
		return nil, workshop.Errorf(workshop.EINVALID, "Workshops run in a server, not in direct messages.")
	}
	run, err := w.deps.Store.LiveRunInChannel(ctx, guild, channel)
	if err == nil {
		return run, nil
	}
	if workshop.ErrorCode(err) != workshop.ENOTFOUND {
		return nil, fmt.Errorf("live run in channel %s: %w", channel, err)
	}
	run, err = w.runOfRoom(ctx, guild, channel)
	if err != nil || run != nil {
		return run, err
	}
	return nil, workshop.Errorf(workshop.ENOTFOUND, "There's no workshop running in this channel. Run this in the channel where the workshop was started, or in one of its breakout rooms.")
}

// runOfRoom finds the live run whose ledger records channel (one of its
// breakout rooms); nil when there is no ledger or no such run.
func (w *Workshop) runOfRoom(ctx *Context, guild, channel string) (*workshop.Run, error) {
	if w.deps.Ledger == nil {
		return nil, nil
	}
	runs, err := w.deps.Store.RecentRuns(ctx, guild, roomSearchLimit)
	if err != nil {
		return nil, fmt.Errorf("recent runs of guild %s: %w", guild, err)
	}
	for _, r := range runs {
		if r.State.Over() {
			continue
		}
		entries, err := w.deps.Ledger.Entries(ctx, r.ID, "")
		if err != nil {
			return nil, fmt.Errorf("ledger of run %d: %w", r.ID, err)
		}
		for _, v := range entries {
			if v == channel {
				return r, nil
			}
		}
	}
	return nil, nil
}

// runForHelp finds the run a participant asks for help in: the run of
// this channel (main channel or room), else the one live run of the
// guild they take part in, so /help works from anywhere in the server.
func (w *Workshop) runForHelp(ctx *Context) (*workshop.Run, error) {
	run, err := w.runHere(ctx)
	if err == nil || workshop.ErrorCode(err) != workshop.ENOTFOUND || ctx.GuildID() == "" {
		return run, err
	}
	runs, rerr := w.deps.Store.RecentRuns(ctx, ctx.GuildID(), roomSearchLimit)
	if rerr != nil {
		return nil, fmt.Errorf("recent runs of guild %s: %w", ctx.GuildID(), rerr)
	}
	var mine []*workshop.Run
	for _, r := range runs {
		if r.State.Live() && r.IsParticipant(ctx.Member().UserID) {
			mine = append(mine, r)
		}
	}
	switch len(mine) {
	case 1:
		return mine[0], nil
	case 0:
		return nil, workshop.Errorf(workshop.ENOTFOUND, "You aren't in a running workshop here. Use /help in the workshop's channel or your breakout room; for the bot's commands, see /roundtable.")
	}
	return nil, workshop.Errorf(workshop.ECONFLICT, "You're in more than one running workshop. Use /help in the channel or breakout room of the one you need help in.")
}
