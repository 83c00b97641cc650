package commands

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// hostVerb is one host control, shared by its subcommand and its panel
// button: the verb for refusals ("Only the workshop's hosts can pause
// it"), what to say when it is done, and the Engine call.
type hostVerb struct {
	verb string
	done string
	act  func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error)
}

var (
	verbBegin = hostVerb{"begin", "▶️ The workshop has begun: the intro is posted and the first rooms are being prepared.",
		(*workshop.Engine).Begin}
	verbPause  = hostVerb{"pause", "⏸️ Paused. The clock is stopped everywhere.", (*workshop.Engine).Pause}
	verbResume = hostVerb{"resume", "▶️ Resumed.", (*workshop.Engine).Resume}
	verbSkip   = hostVerb{"skip", "⏭️ Skipped to the next part.", (*workshop.Engine).Skip}
	verbEnd    = hostVerb{"end", "⏹️ The workshop has ended.", (*workshop.Engine).End}
)

func verbExtend(minutes int64) hostVerb {
	d := time.Duration(minutes) * time.Minute
	return hostVerb{"extend", fmt.Sprintf("⏩ Added %d minute%s.", minutes, plural(minutes)),
		func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
			return e.Extend(r, d, now)
		}}
}

func verbBroadcast(text string) hostVerb {
	return hostVerb{"broadcast in", "📣 Sent to the main channel and every room.",
		func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
			return e.Broadcast(r, text, now)
		}}
}

// hostDo checks, on the locked run, that the member may control it, then
// applies the verb.
func (w *Workshop) hostDo(ctx *Context, runID int64, v hostVerb) (decision, error) {
	a := actor(ctx.Member())
	return w.do(ctx, runID, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		if err := r.Authorize(a, w.hostRoles(r.GuildID), v.verb); err != nil {
			return nil, err
		}
		return v.act(e, r, now)
	})
}

// hostCommand is a subcommand that applies v to the run in this channel.
func (w *Workshop) hostCommand(v hostVerb) Handler {
	return func(ctx *Context) error { return w.hostReply(ctx, v) }
}

func (w *Workshop) hostReply(ctx *Context, v hostVerb) error {
	run, err := w.runHere(ctx)
	if err != nil {
		return err
	}
	d, err := w.hostDo(ctx, run.ID, v)
	if err != nil {
		return err
	}
	return d.reply(ctx, v.done+"\n\n"+d.status)
}

// start opens a lobby in this channel.
func (w *Workshop) start(ctx *Context) error {
	m := ctx.Member()
	if m.GuildID == "" {
		return workshop.Errorf(workshop.EINVALID, "Workshops run in a server, not in direct messages.")
	}
	if !workshop.CanHost(actor(m), w.hostRoles(m.GuildID)) {
		return workshop.Errorf(workshop.EFORBIDDEN, "Only hosts can start a workshop. Hosts have one of the server's host roles or the Manage Events permission.")
	}
	id, _ := ctx.String("curriculum")
	c, err := w.deps.Library.Get(strings.TrimSpace(id))
	if err != nil {
		return err
	}
	req := workshop.StartRequest{GuildID: m.GuildID, MainChannelID: ctx.ChannelID(), HostID: m.UserID, Curriculum: c}
	if n, ok := ctx.Int("group_size"); ok {
		if n < workshop.MinGroupSize || n > workshop.MaxGroupSize {
			return workshop.Errorf(workshop.EINVALID, "group_size must be between %d and %d people; you gave %d.", workshop.MinGroupSize, workshop.MaxGroupSize, n)
		}
		req.GroupSize = int(n)
	} else if _, given := ctx.Float("group_size"); given {
		return workshop.Errorf(workshop.EINVALID, "group_size must be a whole number of people.")
	}
	if n, ok := ctx.Int("starts_in"); ok {
		if n < MinStartsIn || n > MaxStartsIn {
			return workshop.Errorf(workshop.EINVALID, "starts_in must be between %d and %d minutes (a week); you gave %d.", MinStartsIn, MaxStartsIn, n)
		}
		if n > 0 {
			req.StartsAt = ctx.Now().Add(time.Duration(n) * time.Minute)
		}
	} else if _, given := ctx.Float("starts_in"); given {
		return workshop.Errorf(workshop.EINVALID, "starts_in must be a whole number of minutes.")
	}
	if ch, ok := ctx.Channel("voice"); ok {
		// An unresolved channel carries only its ID (and reads as type 0,
		// text): only a resolved one can be checked.
		resolved := ch.Name != ""
		if resolved && ch.Type != discordgo.ChannelTypeGuildVoice && ch.Type != discordgo.ChannelTypeGuildStageVoice {
			return workshop.Errorf(workshop.EINVALID, "voice must be a voice or stage channel; %s is not.", ChannelMention(ch.ID))
		}
		req.MainVoiceChannelID = ch.ID
	}
	run, err := w.deps.Runner.Start(ctx, req)
	if err != nil && run == nil {
		return err
	}
	// With a run and an error, the run is stored and only carrying out
	// its effects (the lobby post) failed: they stay queued, and the
	// host hears both.
	d := decision{run: run}
	if err != nil {
		w.log.Warn("run started; carrying out its effects failed, they stay queued", "run", run.ID, "err", err)
		d.effectErr = err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "✅ **%s** is open for joining in this channel.\n", c.Title)
	if !req.StartsAt.IsZero() {
		fmt.Fprintf(&b, "It begins by itself %s; ", Timestamp(req.StartsAt))
	} else {
		b.WriteString("Begin it with `/workshop begin` once people have joined; ")
	}
	b.WriteString("`/workshop panel` gives you the controls as buttons.")
	return d.reply(ctx, b.String())
}

// extend adds minutes to the current step.
func (w *Workshop) extend(ctx *Context) error {
	n, ok := ctx.Int("minutes")
	if !ok || n < MinExtend || n > MaxExtend {
		return workshop.Errorf(workshop.EINVALID, "minutes must be a whole number from %d to %d.", MinExtend, MaxExtend)
	}
	return w.hostReply(ctx, verbExtend(n))
}

// broadcast posts the host's message everywhere.
func (w *Workshop) broadcast(ctx *Context) error {
	text, err := broadcastText(ctx.StringOr("message", ""))
	if err != nil {
		return err
	}
	return w.hostReply(ctx, verbBroadcast(text))
}

// broadcastText checks a broadcast before it reaches the run's lock, with
// the same words the Engine would use.
func broadcastText(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", workshop.Errorf(workshop.EINVALID, "The message is empty.")
	}
	if n := utf8.RuneCountInString(s); n > workshop.MaxBroadcastLen {
		return "", workshop.Errorf(workshop.EINVALID, "The message has %d characters; at most %d fit.", n, workshop.MaxBroadcastLen)
	}
	return s, nil
}

// status tells anyone where the run in this channel stands. It changes
// nothing, so it needs no host check.
func (w *Workshop) status(ctx *Context) error {
	run, err := w.runHere(ctx)
	if err != nil {
		return err
	}
	return ctx.Reply(true, w.deps.Runner.Engine.Status(run, ctx.Now()))
}

func plural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// formatMinutes writes a duration in whole minutes, "75m" or "1h 15m".
func formatMinutes(d time.Duration) string {
	m := int64(d.Round(time.Minute) / time.Minute)
	if m < 60 {
		return strconv.FormatInt(m, 10) + "m"
	}
	if m%60 == 0 {
		return strconv.FormatInt(m/60, 10) + "h"
	}
	return strconv.FormatInt(m/60, 10) + "h " + strconv.FormatInt(m%60, 10) + "m"
}
