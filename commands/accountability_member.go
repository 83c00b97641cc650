package commands

import (
	"fmt"

	"github.com/roundtable-bot/roundtable/accountability"
)

func (a *Accountability) setZone(ctx *Context) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	zone, err := a.deps.Service.SetZone(ctx, ctx.GuildID(), ctx.Member().UserID, ctx.StringOr("zone", ""))
	if err != nil {
		return err
	}
	now := ctx.Now().In(zone)
	return ctx.Reply(true, fmt.Sprintf("Your time zone is %s (it is %s there now). New check-ins and reminders follow your days there; days you already checked in stay as they are.",
		zone, now.Format("Mon 15:04")))
}

func (a *Accountability) away(ctx *Context) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	res, err := a.deps.Service.GoAway(ctx, ctx.GuildID(), ctx.Member().UserID, ctx.StringOr("until", ""))
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Enjoy the break! You are away from %s to %s: no reminders, and your streak is frozen.", res.Period.From, res.Period.Until)
	if !res.ZoneSet {
		msg += " (Dates are read in UTC; set your zone with /timezone set.)"
	}
	return ctx.Reply(true, msg)
}

func (a *Accountability) remindOn(ctx *Context) error { return a.remind(ctx, true) }

func (a *Accountability) remindOff(ctx *Context) error { return a.remind(ctx, false) }

func (a *Accountability) remind(ctx *Context, on bool) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	r, err := a.deps.Service.Remind(ctx, accountability.RemindRequest{
		GuildID: ctx.GuildID(), ChannelID: ctx.ChannelID(), UserID: ctx.Member().UserID, On: on, Time: ctx.StringOr("time", ""),
	})
	if err != nil {
		return err
	}
	if !on {
		return ctx.Reply(true, "Reminders are off.")
	}
	return ctx.Reply(true, fmt.Sprintf("I will remind you at %s (%s) when you have not checked in to <#%s> yet: by DM, or a mention there if your DMs are closed. Next: %s.",
		r.At, r.Zone, r.ChannelID, Timestamp(r.NextAt)))
}
