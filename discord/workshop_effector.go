package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// WorkshopEffector carries out the workshop runner's effects on Discord:
// rooms, posts, member moves, scheduled events. It implements
// workshop.Effector.
//
// Idempotency. Every Discord object it makes is recorded in the Ledger
// before it moves on (a room under "room:<formation>:<group>:voice|text",
// a category under "cat:<formation>:<chunk>", a message under
// "msg:<effect key>[#part]", the scheduled event under "event", whom it
// moved under "moved:<formation>:<user>"), and looked up first, so applying
// an effect again creates nothing twice. To close the window between
// creating an object and recording it, the key is recorded as "pending"
// first: a retry that finds "pending" looks for the object before making
// it (a room by name in its category, a category by its name, which
// carries the run ID; a message among the channel's 50 latest by the bot
// with the same content and no other key).
//
// Speed. Member moves share one per-guild limit of Discord's (10 per 10 s),
// so MoveMembers and Recall queue the moves on a mover owned by the
// effector and return once they are queued (WaitMoves waits for them):
// prompts are posted while members are still being moved. A queued move
// is recorded ("moved:<formation>:<user>" = "queued:<room>"), so an
// effector in a new process makes the moves its predecessor did not,
// before it carries out the run's next effect. CreateRooms and
// multi-room posts fan out across channels (each its own rate-limit
// bucket) up to Options.Concurrency requests at once, and ApplyBatch runs
// consecutive posts to different channels in parallel. Limits discordgo
// cannot see (it keys buckets by URL) are kept by the effector's pacer.
//
// Failures. A missing permission is a *workshop.Error with code
// EFORBIDDEN whose message names the permission. CreateRooms never leaves
// a formation half-built: when Discord refuses (4xx), it deletes every
// room of the formation it made and forgets them; when Discord is down
// (5xx, network), it keeps what it recorded, so the retry completes the
// formation without twins.
type WorkshopEffector struct {
	s      *discordgo.Session
	ledger workshop.Ledger
	opts   WorkshopEffectorOptions
	log    *slog.Logger
	pace   *pacer

	ctx    context.Context // cancelled by Close; owns the background work
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	runs    map[int64]*runLock
	movers  map[int64]*mover
	lobbies map[int64]*lobbyCard
	resumed map[int64]bool // runs whose queued moves were resumed
	closed  bool
}

// RateLimit is a number of requests allowed per period.
type RateLimit struct {
	Requests int
	Per      time.Duration
}

// WorkshopEffectorOptions configure a WorkshopEffector.
type WorkshopEffectorOptions struct {
	Logger *slog.Logger
	// BotUserID is the bot's user ID, given view of private rooms; the
	// session's State user when empty.
	BotUserID string
	// HostRoleIDs returns the guild's host roles (see [workshop] host_roles
	// and the guild settings); their members see private rooms. May be nil.
	HostRoleIDs func(guildID string) []string
	// Submissions lists a run's deliverables for galleries (the RunStore
	// has this method). Without it a gallery says who handed in, not what.
	Submissions SubmissionLister
	// Acknowledge tells a member privately that their action worked. The
	// effector cannot answer an interaction it never saw, so by default
	// Acknowledge does nothing: the interaction handler answers with the
	// effect's text.
	Acknowledge func(ctx context.Context, r *workshop.Run, a workshop.Acknowledge) error
	// LobbyUpdateEvery is the least time between two edits of a run's
	// lobby card (default 5 s): a burst of joins becomes one edit, and the
	// last count is always shown.
	LobbyUpdateEvery time.Duration
	// Concurrency is how many requests one effect may have in flight at
	// once across different channels (default 8).
	Concurrency int
	// GlobalLimit is the share of Discord's per-bot limit on all requests
	// (50 per second) the effector uses: 45 by default, leaving room for
	// the requests the rest of the bot makes on the same token;
	// MemberMoveLimit the per-guild limit on member moves
	// (default 10 per 10 s); OverwriteLimit the per-channel limit on
	// permission overwrite edits (default 10 per 15 s).
	GlobalLimit     RateLimit
	MemberMoveLimit RateLimit
	OverwriteLimit  RateLimit
}

// SubmissionLister reads a run's deliverables, in the order they came.
type SubmissionLister interface {
	Submissions(ctx context.Context, runID int64) ([]workshop.Submission, error)
}

// Discord's limits, as the emulator's realistic profile records them (the
// global one less a margin for the bot's other requests).
var (
	DefaultGlobalLimit     = RateLimit{45, time.Second}
	DefaultMemberMoveLimit = RateLimit{10, 10 * time.Second}
	DefaultOverwriteLimit  = RateLimit{10, 15 * time.Second}
)

var _ workshop.Effector = (*WorkshopEffector)(nil)

// NewWorkshopEffector returns an effector on session s recording what it
// makes in ledger. Close it to stop its background work.
func NewWorkshopEffector(s *discordgo.Session, ledger workshop.Ledger, opts WorkshopEffectorOptions) *WorkshopEffector {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.LobbyUpdateEvery <= 0 {
		opts.LobbyUpdateEvery = 5 * time.Second
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if opts.GlobalLimit == (RateLimit{}) {
		opts.GlobalLimit = DefaultGlobalLimit
	}
	if opts.MemberMoveLimit == (RateLimit{}) {
		opts.MemberMoveLimit = DefaultMemberMoveLimit
	}
	if opts.OverwriteLimit == (RateLimit{}) {
		opts.OverwriteLimit = DefaultOverwriteLimit
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &WorkshopEffector{
		s: s, ledger: ledger, opts: opts, log: opts.Logger, pace: newPacer(),
		ctx: ctx, cancel: cancel,
		runs: map[int64]*runLock{}, movers: map[int64]*mover{}, lobbies: map[int64]*lobbyCard{}, resumed: map[int64]bool{},
	}
}

// Close flushes pending lobby updates (for at most a few seconds), stops
// the mover and waits for the background work to end. Moves still queued
// are dropped.
func (w *WorkshopEffector) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	w.flushLobbies(ctx)
	w.cancel()
	w.wg.Wait()
	return nil
}

// Apply carries out one effect; see the type's documentation.
func (w *WorkshopEffector) Apply(ctx context.Context, r *workshop.Run, e workshop.Effect) error {
	if r == nil {
		return errors.New("apply effect: no run")
	}
	unlock := w.lockRun(r.ID)
	defer unlock()
	if _, ok := e.(workshop.DeleteRooms); !ok {
		if err := w.resumeMoves(ctx, r); err != nil {
			return err
		}
	}
	return w.apply(ctx, r, e)
}

// apply runs with the run's lock held.
func (w *WorkshopEffector) apply(ctx context.Context, r *workshop.Run, e workshop.Effect) error {
	switch e := e.(type) {
	case workshop.PostLobby:
		return w.postLobby(ctx, r, e)
	case workshop.UpdateLobby:
		return w.updateLobby(ctx, r, e)
	case workshop.CreateScheduledEvent:
		return w.createEvent(ctx, r, e)
	case workshop.SetScheduledEventStatus:
		return w.setEventStatus(ctx, r, e)
	case workshop.ScheduleTimer, workshop.CancelTimers:
		return nil // the RunStore applies timers; they never need Discord
	case workshop.CreateRooms:
		return w.createRooms(ctx, r, e)
	case workshop.AddToGroup:
		return w.addToGroup(ctx, r, e)
	case workshop.RemoveFromGroup:
		return w.removeFromGroup(ctx, r, e)
	case workshop.MoveMembers:
		return w.moveMembers(ctx, r, e)
	case workshop.Recall:
		return w.recall(ctx, r, e)
	case workshop.PostIntro:
		return w.postText(ctx, r, e.Key(), workshop.MainRoom, e.Text)
	case workshop.PostPrompt:
		return w.postPrompt(ctx, r, e)
	case workshop.PostRoleSwap:
		return w.postText(ctx, r, e.Key(), e.Room, e.Text)
	case workshop.PostWarning:
		return w.postText(ctx, r, e.Key(), e.Room, e.Text)
	case workshop.PostNotice:
		return w.postNotice(ctx, r, e)
	case workshop.PostGallery:
		return w.postGallery(ctx, r, e)
	case workshop.PostRoomChoice:
		return w.postRoomChoice(ctx, r, e)
	case workshop.PingHosts:
		return w.pingHosts(ctx, r, e)
	case workshop.Acknowledge:
		if w.opts.Acknowledge != nil {
			return w.opts.Acknowledge(ctx, r, e)
		}
		return nil
	case workshop.PostSummary:
		return w.postSplit(ctx, r, e.Key(), workshop.MainRoom, e.Text, nil)
	case workshop.DeleteRooms:
		return w.deleteRooms(ctx, r)
	}
	return fmt.Errorf("apply effect %s: unknown effect type %T", e.Key(), e)
}

// runLock serializes the effects of one run within this process, so two
// drains of the same run never both find a key missing and make twins.
type runLock struct {
	mu    sync.Mutex
	users int
}

func (w *WorkshopEffector) lockRun(id int64) func() {
	w.mu.Lock()
	l, ok := w.runs[id]
	if !ok {
		l = &runLock{}
		w.runs[id] = l
	}
	l.users++
	w.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		w.mu.Lock()
		l.users--
		if l.users == 0 {
			delete(w.runs, id)
		}
		w.mu.Unlock()
	}
}

// botID is the bot's user ID.
func (w *WorkshopEffector) botID() string {
	if w.opts.BotUserID != "" {
		return w.opts.BotUserID
	}
	if w.s.State != nil && w.s.State.User != nil {
		return w.s.State.User.ID
	}
	return ""
}

// call makes one request under the global limit and the given extra
// limits, with ctx attached.
func (w *WorkshopEffector) call(ctx context.Context, extra []paceKey, fn func(opts ...discordgo.RequestOption) error) error {
	keys := append([]paceKey{{name: "global", limit: w.opts.GlobalLimit}}, extra...)
	release, err := w.pace.acquire(ctx, keys...)
	if err != nil {
		return err
	}
	defer release()
	return fn(discordgo.WithContext(ctx))
}

// lookup reads the ledger; an empty value counts as absent (the ledger
// cannot delete, so forgetting records "").
func (w *WorkshopEffector) lookup(ctx context.Context, runID int64, key string) (string, bool, error) {
	v, ok, err := w.ledger.Lookup(ctx, runID, key)
	if err != nil {
		return "", false, fmt.Errorf("ledger lookup %s: %w", key, err)
	}
	return v, ok && v != "", nil
}

func (w *WorkshopEffector) record(ctx context.Context, runID int64, key, value string) error {
	if err := w.ledger.Record(ctx, runID, key, value); err != nil {
		return fmt.Errorf("ledger record %s: %w", key, err)
	}
	return nil
}

// pending marks a key whose object is being made right now.
const pending = "pending"

// fanOut runs fn for 0..n-1 with at most Concurrency at once and returns
// the first error; after an error no new calls start.
func (w *WorkshopEffector) fanOut(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, w.opts.Concurrency)
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, i); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		// cancelled from outside, not by a failing call
		return ctx.Err()
	}
	return first
}
