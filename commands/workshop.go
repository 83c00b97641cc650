package commands

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// The custom_id kinds of the workshop's components and modals. The Discord
// adapter writes the participant ones on the cards it posts, exactly as
// rt1:ws.join:<runID>, rt1:ws.leave:<runID>, rt1:ws.help:<runID>,
// rt1:ws.submit:<runID>:<stepIndex> and rt1:ws.room:<runID>:<group>.
const (
	KindJoin   = "ws.join"   // a lobby's Join button: asks for the experience level
	KindLevel  = "ws.level"  // the level select that completes a join
	KindLeave  = "ws.leave"  // a lobby's Leave button
	KindHelp   = "ws.help"   // "Ask for help" on a breakout prompt
	KindSubmit = "ws.submit" // Submit on a prompt with a deliverable, and its modal
	KindRoom   = "ws.room"   // a self-select room button

	KindHostBegin     = "ws.host.begin"
	KindHostPause     = "ws.host.pause"
	KindHostResume    = "ws.host.resume"
	KindHostExtend    = "ws.host.extend" // args: runID, minutes
	KindHostSkip      = "ws.host.skip"
	KindHostEnd       = "ws.host.end"
	KindHostStatus    = "ws.host.status"    // refreshes the panel
	KindHostBroadcast = "ws.host.broadcast" // opens the broadcast modal, and the modal itself
)

// Workshop option limits, checked again here because Discord's own checks
// are only as good as the definition the client last fetched.
const (
	MinStartsIn     = 0
	MaxStartsIn     = int64(workshop.MaxStartDelay / time.Minute) // 10080: a week
	MinExtend       = 1
	MaxExtend       = int64(workshop.MaxExtend / time.Minute) // 120
	PanelExtendStep = 5                                       // minutes added by the panel's button
	// historyLimit is how many past runs /workshop history shows.
	historyLimit = 10
	// roomSearchLimit is how many of the guild's newest runs are searched
	// for a breakout room's channel (live runs are the newest).
	roomSearchLimit = 25
	// submissionField is the custom_id of the Submit modal's text input.
	submissionField = "content"
	// broadcastField is the custom_id of the broadcast modal's text input.
	broadcastField = "message"
)

// WorkshopDeps is what the workshop commands need.
type WorkshopDeps struct {
	// Runner applies every decision (and carries out its effects).
	Runner *workshop.Runner
	// Store answers reads: the run in a channel, past runs, one run.
	Store workshop.RunStore
	// Library holds the curricula hosts can start.
	Library *workshop.Library
	// Ledger is optional. With it, commands run in a breakout room (not
	// only the run's main channel) find their run: the adapter records the
	// channels it makes for a run in the ledger, so a run owns a channel
	// when one of its ledger values is the channel's ID.
	Ledger workshop.Ledger
	// HostRoles are the role IDs whose members may host ([workshop]
	// host_roles); members with Manage Events may host as well.
	HostRoles []string
	// HostRoleIDs, when set, gives a guild's host role IDs at the moment of
	// asking (roles may be created or renamed while the bot runs); it
	// replaces HostRoles.
	HostRoleIDs func(guildID string) []string
	Logger      *slog.Logger
}

// hostRoles are the role IDs whose members may host in the guild.
func (w *Workshop) hostRoles(guildID string) []string {
	if w.deps.HostRoleIDs != nil {
		return w.deps.HostRoleIDs(guildID)
	}
	return w.deps.HostRoles
}

// Workshop is the /workshop command, /help, and the buttons, selects and
// modals of live workshops.
//
// Every change goes through Runner.Do (or Runner.Start), so the store
// saves the decision before the effects are carried out. Host actions are
// checked on the locked run with Run.Authorize (the member's roles, Manage
// Events from the interaction's permissions, the configured host roles);
// starting a run with CanHost. Every answer is ephemeral: the public side
// of an action (lobby, notices, prompts) is an effect the Discord adapter
// posts. The Acknowledge effect's text is shown as the member's reply, the
// one channel that reaches only them, so the adapter need not carry it out.
//
// A slash command finds its run by the channel it is run in: the run's
// main channel (RunStore.LiveRunInChannel) or, with a Ledger, one of its
// breakout rooms (a live run among the guild's newest whose ledger holds
// the channel's ID). /help also falls back to the one running workshop the
// member takes part in. Components carry the run ID in their custom_id.
//
// When a decision is stored but carrying out its effects fails (Discord
// down, a missing permission), the member is told the action is done,
// why the rest is not yet, and that it is retried: the effects stay
// queued for the next action on the run or Recover.
type Workshop struct {
	deps WorkshopDeps
	log  *slog.Logger
}

// NewWorkshop checks the dependencies and returns the workshop commands.
func NewWorkshop(deps WorkshopDeps) (*Workshop, error) {
	switch {
	case deps.Runner == nil:
		return nil, errors.New("workshop commands: no Runner")
	case deps.Store == nil:
		return nil, errors.New("workshop commands: no Store")
	case deps.Library == nil:
		return nil, errors.New("workshop commands: no Library")
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Workshop{deps: deps, log: log}, nil
}

// Register defines /workshop and /help in reg (routed by reg.Install) and
// routes their autocomplete, components and modals on r.
func (w *Workshop) Register(reg *Registry, r *Router) {
	reg.Define(workshopCommand(), SubcommandMux{
		"start":     w.start,
		"begin":     w.hostCommand(verbBegin),
		"pause":     w.hostCommand(verbPause),
		"resume":    w.hostCommand(verbResume),
		"skip":      w.hostCommand(verbSkip),
		"end":       w.hostCommand(verbEnd),
		"extend":    w.extend,
		"broadcast": w.broadcast,
		"status":    w.status,
		"panel":     w.panel,
		"list":      w.list,
		"history":   w.history,
	}.Handle)
	reg.Define(helpCommand(), w.helpCommand)
	r.Autocomplete("workshop", w.autocomplete)

	r.Component(KindJoin, w.join)
	r.Component(KindLevel, w.chooseLevel)
	r.Component(KindLeave, w.leave)
	r.Component(KindHelp, w.helpButton)
	r.Component(KindSubmit, w.openSubmit)
	r.Modal(KindSubmit, w.submit)
	r.Component(KindRoom, w.chooseRoom)

	r.Component(KindHostBegin, w.panelAction(verbBegin))
	r.Component(KindHostPause, w.panelAction(verbPause))
	r.Component(KindHostResume, w.panelAction(verbResume))
	r.Component(KindHostSkip, w.panelAction(verbSkip))
	r.Component(KindHostEnd, w.panelAction(verbEnd))
	r.Component(KindHostExtend, w.panelExtend)
	r.Component(KindHostStatus, w.panelStatus)
	r.Component(KindHostBroadcast, w.openBroadcast)
	r.Modal(KindHostBroadcast, w.broadcastModal)
}

// decision is what a handler's call on the Engine decided: the effects,
// and whatever the handler wants to say about the run afterwards.
type decision struct {
	effects []workshop.Effect
	run     *workshop.Run // the run as changed by the decision (a copy the store handed to decide)
	status  string
	// effectErr is set when the decision was stored but carrying out its
	// effects failed: they stay queued, and the next action on the run (or
	// Recover at start-up) carries them out.
	effectErr error
}

// do applies decide to the run through the Runner and reports what was
// decided. The Runner stores the decision before carrying out its
// effects, so a failure after that is no failure of the member's action:
// the decision comes back with effectErr, and the reply says both.
func (w *Workshop) do(ctx *Context, runID int64, decide func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error)) (decision, error) {
	var d decision
	err := w.deps.Runner.Do(ctx, runID, func(e *workshop.Engine, r *workshop.Run, now time.Time) ([]workshop.Effect, error) {
		fx, err := decide(e, r, now)
		if err != nil {
			return nil, err
		}
		d = decision{effects: fx, run: r, status: e.Status(r, now)}
		return fx, nil
	})
	if err == nil {
		return d, nil
	}
	if d.run == nil {
		return decision{}, fmt.Errorf("run %d: %w", runID, err) // refused, or the run could not be loaded
	}
	// decide succeeded, so either storing or carrying out failed. Every
	// stored action bumps Seq: a stored Seq as high as ours means ours was
	// stored (barring a concurrent action that won the same row lock right
	// after our commit failed, which this treats as stored).
	stored, ferr := w.deps.Store.FindRun(ctx, runID)
	if ferr != nil || stored.Seq < d.run.Seq {
		return decision{}, fmt.Errorf("run %d: %w", runID, err)
	}
	w.log.Warn("decision stored; carrying out its effects failed, they stay queued", "run", runID, "err", err)
	d.effectErr = err
	return d, nil
}

// reply answers the member privately with text, adding what went wrong
// carrying out the decision, if anything did.
func (d decision) reply(ctx *Context, text string, opts ...ReplyOption) error {
	return ctx.Reply(true, d.withWarning(text), opts...)
}

// withWarning adds to text, when the decision's effects failed, the
// reason in member's words and that it will be retried.
func (d decision) withWarning(text string) string {
	if d.effectErr == nil {
		return text
	}
	return text + "\n\n⚠️ Not everything is carried out yet: " + MemberMessage(d.effectErr) +
		" The rest is retried with the next action on the workshop."
}

// acknowledgement is the text of the decision's Acknowledge for userID:
// commands show it as the member's ephemeral reply (the interaction is
// the one channel that reaches only them).
func (d decision) acknowledgement(userID, fallback string) string {
	for _, e := range d.effects {
		if a, ok := e.(workshop.Acknowledge); ok && a.UserID == userID {
			return a.Text
		}
	}
	return fallback
}

// actor describes the member for the domain's host checks: their roles,
// and Manage Events (Administrator counts) in the interaction's channel.
func actor(m Member) workshop.Actor {
	return workshop.Actor{UserID: m.UserID, RoleIDs: m.Roles, ManageEvents: m.Has(discordgo.PermissionManageEvents)}
}

// runIDArg reads the run ID a component carries as its first argument; a
// malformed one is a stale button.
func runIDArg(id ID) (int64, error) {
	n, err := strconv.ParseInt(id.Arg(0), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("custom_id %s: run id %q: %w", id.Kind, id.Arg(0), ErrStale)
	}
	return n, nil
}

// intArg reads argument i as a non-negative integer; a malformed one is a
// stale button.
func intArg(id ID, i int) (int, error) {
	n, err := strconv.Atoi(id.Arg(i))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("custom_id %s: argument %d %q: %w", id.Kind, i, id.Arg(i), ErrStale)
	}
	return n, nil
}

// encode writes a custom_id for a run; kinds and run IDs here are short,
// so a failure is a bug worth an error rather than a panic.
func encode(kind string, args ...string) (string, error) {
	s, err := NewID(kind, args...).Encode()
	if err != nil {
		return "", fmt.Errorf("custom_id %s: %w", kind, err)
	}
	return s, nil
}

func runIDString(id int64) string { return strconv.FormatInt(id, 10) }
