package workshop

import (
	"context"
)

// The ports below are what the Runner needs from the outside world. The db
// package implements RunStore and Ledger, the discord package implements
// Effector; cmd/roundtable wires them together. Each method documents the
// error codes it returns; any other error is EINTERNAL or EUNAVAILABLE.

// RunStore keeps runs and the decisions made about them.
type RunStore interface {
	// ReserveRunID returns a fresh run id: Engine.Start needs it before the
	// run exists, because every effect and timer key contains it.
	ReserveRunID(ctx context.Context) (int64, error)

	// CreateRun stores a new run and the effects of its start in one
	// transaction. ECONFLICT when the main channel already has a live run.
	CreateRun(ctx context.Context, r *Run, effects []Effect) error

	// UpdateRun loads the run under a row lock, applies decide to it and, if
	// decide succeeds, stores the changed run and the effects in the same
	// transaction: ScheduleTimer and CancelTimers take effect on the durable
	// timers at once, every other effect is queued (the outbox) for
	// PendingEffects. If decide fails, nothing changes and its error is
	// returned as is. ENOTFOUND when there is no such run.
	UpdateRun(ctx context.Context, id int64, decide func(*Run) ([]Effect, error)) error

	// FindRun loads a run with its curriculum and pair history. ENOTFOUND.
	FindRun(ctx context.Context, id int64) (*Run, error)
	// LiveRunInChannel finds the run not yet ended whose main channel is
	// channelID. ENOTFOUND when there is none.
	LiveRunInChannel(ctx context.Context, guildID, channelID string) (*Run, error)
	// LiveRunIDs lists runs that are not ended, or ended with rooms still to
	// delete, in every guild: the ones to catch up after a restart.
	LiveRunIDs(ctx context.Context) ([]int64, error)
	// RecentRuns lists the guild's runs, newest first.
	RecentRuns(ctx context.Context, guildID string, limit int) ([]*Run, error)

	// SaveSubmission stores a deliverable; submitting again for the same
	// step and group (or member, in a solo step) replaces it.
	SaveSubmission(ctx context.Context, s Submission) error
	// Submissions lists a run's deliverables in the order they came.
	Submissions(ctx context.Context, runID int64) ([]Submission, error)

	// PendingEffects lists the run's queued effects not yet carried out, in
	// the order they were decided.
	PendingEffects(ctx context.Context, runID int64) ([]Effect, error)
	// CompleteEffect marks a queued effect carried out.
	CompleteEffect(ctx context.Context, runID int64, key string) error
}

// Ledger remembers what the platform adapter made for a run (channel and
// message ids, by a key of the adapter's choosing), so that carrying out an
// effect again after a crash finds them instead of making twins.
type Ledger interface {
	// Lookup returns the value recorded under key, and whether there is one.
	Lookup(ctx context.Context, runID int64, key string) (value string, ok bool, err error)
	// Record stores value under key; recording the same key again replaces it.
	Record(ctx context.Context, runID int64, key, value string) error
	// Entries lists the run's records whose keys start with prefix.
	Entries(ctx context.Context, runID int64, prefix string) (map[string]string, error)
}

// Effector carries out one effect on the platform. It must be idempotent per
// effect key (use a Ledger), because an effect interrupted by a crash or a
// platform error is carried out again. ScheduleTimer and CancelTimers never
// reach it: the RunStore applies them.
type Effector interface {
	Apply(ctx context.Context, r *Run, e Effect) error
}

// BatchEffector is an Effector that can carry out a run's queued effects
// together: in parallel across channels where the platform allows, in order
// where order matters (posts in one room). errs[i] is the outcome of
// effects[i]; the Runner marks done those that succeeded and keeps the rest
// queued.
type BatchEffector interface {
	Effector
	ApplyBatch(ctx context.Context, r *Run, effects []Effect) (errs []error)
}
