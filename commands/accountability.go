package commands

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
)

// Custom IDs of the accountability components and modals. The Discord
// adapter writes the buttons on what it posts exactly as
// accountability.CheckinButtonID and accountability.ResolveButtonID.
const (
	KindCheckin = accountability.CheckinKind // the prompt's "Check in" button, and the check-in modal (arg: channel ID)
	KindResolve = accountability.ResolveKind // a support thread's "Mark resolved" button

	// The check-in modal's text inputs.
	fieldDone     = "done"
	fieldNext     = "next"
	fieldBlockers = "blockers"
	fieldMood     = "mood"
)

// AccountabilityDeps is what the accountability and support commands need.
type AccountabilityDeps struct {
	// Service decides and carries out every action.
	Service *accountability.Service
	Logger  *slog.Logger
}

// Accountability is /accountability, /checkin, /timezone, /away, /remind,
// /streak, /support, /ask and /resolve, with the "Check in" and "Mark
// resolved" buttons and the check-in modal.
//
// Handlers read the options, ask the Service, and answer. Admin commands
// (/accountability, /support setup) need Manage Server, checked on every
// call from the permissions Discord computed for the interaction, and
// again by the Service. Answers about the member's own data are ephemeral;
// /streak is public, since a streak is something to show.
type Accountability struct {
	deps AccountabilityDeps
	log  *slog.Logger
}

// NewAccountability checks the dependencies and returns the commands.
func NewAccountability(deps AccountabilityDeps) (*Accountability, error) {
	if deps.Service == nil {
		return nil, errors.New("accountability commands: no Service")
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Accountability{deps: deps, log: log}, nil
}

// Register defines the commands in reg (routed by reg.Install) and routes
// their autocomplete, buttons and modal on r.
func (a *Accountability) Register(reg *Registry, r *Router) {
	reg.Define(accountabilityCommand(), SubcommandMux{
		"setup":  a.setup,
		"pause":  a.pause,
		"resume": a.resume,
		"remove": a.remove,
	}.Handle)
	reg.Define(checkinCommand(), a.openCheckin)
	reg.Define(timezoneCommand(), SubcommandMux{"set": a.setZone}.Handle)
	reg.Define(awayCommand(), a.away)
	reg.Define(remindCommand(), SubcommandMux{"on": a.remindOn, "off": a.remindOff}.Handle)
	reg.Define(streakCommand(), a.streak)
	reg.Define(supportCommand(), SubcommandMux{"setup": a.supportSetup, "stats": a.supportStats}.Handle)
	reg.Define(askCommand(), a.ask)
	reg.Define(resolveCommand(), a.resolve)

	r.Autocomplete("accountability", zoneChoices)
	r.Autocomplete("timezone", zoneChoices)
	r.Component(KindCheckin, a.openCheckin)
	r.Modal(KindCheckin, a.submitCheckin)
	r.Component(KindResolve, a.resolveButton)
}

// admin is the member as the Service sees an admin action: Manage Server
// (or Administrator) in the channel.
func admin(ctx *Context) accountability.Actor {
	m := ctx.Member()
	return accountability.Actor{ID: m.UserID, Moderator: m.Has(discordgo.PermissionManageGuild)}
}

// moderator is the member acting on a support thread: Manage Threads or
// Manage Server lets them resolve someone else's question.
func moderator(ctx *Context) accountability.Actor {
	m := ctx.Member()
	return accountability.Actor{ID: m.UserID, Moderator: m.Has(discordgo.PermissionManageThreads) || m.Has(discordgo.PermissionManageGuild)}
}

// inGuild refuses a command run in a DM.
func inGuild(ctx *Context) error {
	if ctx.GuildID() == "" {
		return accountability.Errorf(accountability.EINVALID, "This command works inside a server, not in direct messages.")
	}
	return nil
}

// channelOption is the channel named by the option, or the one the
// command was run in.
func channelOption(ctx *Context, name string) string {
	if ch, ok := ctx.Channel(name); ok && ch != nil {
		return ch.ID
	}
	return ctx.ChannelID()
}

func (a *Accountability) setup(ctx *Context) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	ch, err := a.deps.Service.Setup(ctx, accountability.SetupRequest{
		GuildID:   ctx.GuildID(),
		ChannelID: channelOption(ctx, "channel"),
		Cadence:   ctx.StringOr("cadence", ""),
		Time:      ctx.StringOr("time", ""),
		Zone:      ctx.StringOr("timezone", ""),
		By:        admin(ctx),
	})
	if err != nil {
		return err
	}
	return ctx.Reply(true, fmt.Sprintf("<#%s> is an accountability channel: a check-in prompt %s at %s (%s). Members check in with /checkin or the prompt's button.",
		ch.ChannelID, cadencePhrase(ch), ch.PostTime, ch.Zone))
}

// cadencePhrase says when prompts go out.
func cadencePhrase(ch accountability.ChannelSettings) string {
	switch ch.Cadence {
	case accountability.Weekdays:
		return "every weekday"
	case accountability.Weekly:
		return "every " + ch.WeeklyDay.String()
	}
	return "every day"
}

func (a *Accountability) pause(ctx *Context) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	ch, err := a.deps.Service.Pause(ctx, ctx.GuildID(), channelOption(ctx, "channel"), admin(ctx))
	if err != nil {
		return err
	}
	return ctx.Reply(true, fmt.Sprintf("Paused <#%s>: no prompts, reminders or digests until /accountability resume. Check-ins still work.", ch.ChannelID))
}

func (a *Accountability) resume(ctx *Context) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	ch, err := a.deps.Service.Resume(ctx, ctx.GuildID(), channelOption(ctx, "channel"), admin(ctx))
	if err != nil {
		return err
	}
	return ctx.Reply(true, fmt.Sprintf("Resumed <#%s>: the next prompt goes out %s at %s (%s).", ch.ChannelID, cadencePhrase(ch), ch.PostTime, ch.Zone))
}

func (a *Accountability) remove(ctx *Context) error {
	if err := inGuild(ctx); err != nil {
		return err
	}
	channelID := channelOption(ctx, "channel")
	if err := a.deps.Service.Remove(ctx, ctx.GuildID(), channelID, admin(ctx)); err != nil {
		return err
	}
	return ctx.Reply(true, fmt.Sprintf("<#%s> is no longer an accountability channel; its check-ins were deleted.", channelID))
}

// maxZoneChoices is Discord's limit on autocomplete choices.
const maxZoneChoices = 25

// zoneChoices suggests IANA zones matching what the member typed: zones
// whose city starts with it first, then any containing it. Spaces match
// underscores, so "new york" finds America/New_York.
func zoneChoices(ctx *Context) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	_, typed := ctx.Focused()
	return matchZones(typed, maxZoneChoices), nil
}

func matchZones(typed string, limit int) []*discordgo.ApplicationCommandOptionChoice {
	q := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(typed), " ", "_"))
	var first, rest []string
	for _, z := range ianaZones {
		lz := strings.ToLower(z)
		city := lz[strings.LastIndexByte(lz, '/')+1:]
		switch {
		case strings.HasPrefix(city, q) || strings.HasPrefix(lz, q):
			first = append(first, z)
		case strings.Contains(lz, q):
			rest = append(rest, z)
		}
	}
	names := append(first, rest...)
	choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, min(limit, len(names)))
	for _, z := range names[:min(limit, len(names))] {
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: strings.ReplaceAll(z, "_", " "), Value: z})
	}
	return choices
}
