package db

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roundtable-bot/roundtable/workshop"
)

// RunStore keeps workshop runs in Postgres: it implements workshop.RunStore
// (see there for the errors each method returns) and workshop.Ledger.
//
// A run is saved as one jsonb document (the Run without History and
// Curriculum) beside the queryable columns of workshop_runs, and the record
// rows (participants, groups and their members, help requests) are written
// from it in the same transaction. A decision's ScheduleTimer and
// CancelTimers effects change the durable timers in that transaction too
// (as TimerStore.Schedule and CancelPrefix would, with Kind
// RunStoreOptions.TimerKind); every other effect goes to the outbox
// (effect_outbox) for the Runner to carry out. Decisions on one run are
// serialized by its row lock and, within a process, batched (run_batch.go).
//
// Loaded runs share one parsed Curriculum per version: callers must not
// change it.
type RunStore struct {
	db        *sqlx.DB
	now       func() time.Time
	timerKind string
	curricula *curriculumCache
	queues    *runQueues // the decisions waiting on each run (run_batch.go)

	// revisions remembers, per queued effect, the revision PendingEffects
	// last handed out, so CompleteEffect marks done only what was carried
	// out: a coalesced UpdateLobby updated meanwhile stays queued.
	mu        sync.Mutex
	revisions map[outboxKey]int
}

var (
	_ workshop.RunStore = (*RunStore)(nil)
	_ workshop.Ledger   = (*RunStore)(nil)
)

// RunStoreOptions configure a RunStore.
type RunStoreOptions struct {
	// TimerKind is the Kind of the durable timers the store schedules for
	// runs: the timer worker's handler for it calls Runner.Fire with the
	// timer's key. DefaultRunTimerKind when empty.
	TimerKind string
}

// DefaultRunTimerKind is the timer kind of workshop runs' timers.
const DefaultRunTimerKind = "workshop"

// historyRuns is how many of the guild's earlier runs the pair history
// covers: enough to keep mixing regulars, small enough to load with every
// decision.
const historyRuns = 20

// NewRunStore returns a store on d's pool.
func NewRunStore(d *DB, opts RunStoreOptions) *RunStore {
	kind := opts.TimerKind
	if kind == "" {
		kind = DefaultRunTimerKind
	}
	return &RunStore{
		db:        d.DB,
		now:       d.Now,
		timerKind: kind,
		curricula: newCurriculumCache(),
		queues:    newRunQueues(),
		revisions: map[outboxKey]int{},
	}
}

// ReserveRunID takes the next value of the runs' sequence.
func (s *RunStore) ReserveRunID(ctx context.Context) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT nextval(pg_get_serial_sequence('workshop_runs', 'run_id'))`)
	if err != nil {
		return 0, fmt.Errorf("reserve run id: %w", translate(err, "workshop run"))
	}
	return id, nil
}

// CreateRun inserts the run, its record rows and its effects in one
// transaction.
func (s *RunStore) CreateRun(ctx context.Context, r *workshop.Run, effects []workshop.Effect) error {
	if err := validateNewRun(r); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		now := s.now()
		if err := ensureGuild(ctx, tx, r.GuildID, now); err != nil {
			return err
		}
		return s.saveRun(ctx, tx, r, record{}, effects, now, true)
	})
	if err != nil {
		return fmt.Errorf("create run %d: %w", r.ID, translateRun(err))
	}
	return nil
}

func validateNewRun(r *workshop.Run) error {
	switch {
	case r == nil:
		return workshop.Errorf(workshop.EINVALID, "There is no run to store.")
	case r.ID <= 0:
		return workshop.Errorf(workshop.EINVALID, "A run needs an ID before it is stored.")
	case r.Curriculum == nil || len(r.Curriculum.Source) == 0:
		return workshop.Errorf(workshop.EINVALID, "A run needs the curriculum it was started with.")
	}
	return nil
}

// FindRun loads the run with its curriculum and the guild's pair history.
func (s *RunStore) FindRun(ctx context.Context, id int64) (*workshop.Run, error) {
	r, err := s.loadRun(ctx, s.db, id, false)
	if err != nil {
		return nil, fmt.Errorf("find run %d: %w", id, translateRun(err))
	}
	return r, nil
}

// LiveRunInChannel finds the channel's run that is not over.
func (s *RunStore) LiveRunInChannel(ctx context.Context, guildID, channelID string) (*workshop.Run, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `
		SELECT run_id FROM workshop_runs
		WHERE guild_id = $1 AND main_channel_id = $2 AND state NOT IN ('ended', 'cancelled')`,
		guildID, channelID)
	if err != nil {
		return nil, fmt.Errorf("live run in channel %s: %w", channelID, translateRun(err))
	}
	return s.FindRun(ctx, id)
}

// LiveRunIDs lists the runs not over, and those over that still have
// effects queued (e.g. DeleteRooms) or a timer pending (the cleanup after
// the room grace), oldest first.
func (s *RunStore) LiveRunIDs(ctx context.Context) ([]int64, error) {
	ids := []int64{}
	err := s.db.SelectContext(ctx, &ids, `
		SELECT run_id FROM workshop_runs WHERE state NOT IN ('ended', 'cancelled')
		UNION
		SELECT DISTINCT run_id FROM effect_outbox WHERE done_at IS NULL
		UNION
		SELECT r.run_id FROM workshop_runs r
		JOIN (SELECT CASE WHEN key ~ '^run:[0-9]{1,18}:' THEN split_part(key, ':', 2)::bigint END AS run_id
		      FROM timers WHERE kind = $1) t ON t.run_id = r.run_id
		ORDER BY run_id`, s.timerKind)
	if err != nil {
		return nil, fmt.Errorf("list live runs: %w", translateRun(err))
	}
	return ids, nil
}

// maxRecentRuns bounds RecentRuns: each run is loaded whole.
const maxRecentRuns = 100

// RecentRuns lists the guild's runs, newest first, with their curricula
// (History is not loaded: it is an input to forming groups, not part of a
// past run). limit is at most 100.
func (s *RunStore) RecentRuns(ctx context.Context, guildID string, limit int) ([]*workshop.Run, error) {
	if limit < 1 || limit > maxRecentRuns {
		return nil, workshop.Errorf(workshop.EINVALID, "Between 1 and %d runs can be listed at once.", maxRecentRuns)
	}
	var rows []runRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT `+runColumns+` FROM workshop_runs
		WHERE guild_id = $1
		ORDER BY created_at DESC, run_id DESC
		LIMIT $2`, guildID, limit)
	if err != nil {
		return nil, fmt.Errorf("recent runs of guild %s: %w", guildID, translateRun(err))
	}
	runs := make([]*workshop.Run, 0, len(rows))
	for _, row := range rows {
		r, err := s.decodeRun(ctx, s.db, row)
		if err != nil {
			return nil, fmt.Errorf("recent runs of guild %s: %w", guildID, err)
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// inTx runs fn in a transaction, committing when it returns nil.
func (s *RunStore) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
